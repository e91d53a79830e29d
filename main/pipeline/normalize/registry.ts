/**
 * The record formats Vigil reads, keyed by name (contract EVENT_FORMATS): one normalizer file per
 * format, one line here. Everything that needs to know the formats (the pipeline, format
 * sniffing, messages) reads this table instead of switching on names.
 */
import { EVENT_FORMATS, type EventFormat } from '../../contract/index.js';
import type { EventFormatSpec } from './common.js';
import { eveFormat } from './eve.js';
import { wazuhFormat } from './wazuh.js';

export const FORMATS: Readonly<Record<EventFormat, EventFormatSpec>> = {
  eve: eveFormat,
  wazuh: wazuhFormat,
};

/** The spec of a format name, or null for a name Vigil does not know. */
export function formatSpec(name: string): EventFormatSpec | null {
  return Object.prototype.hasOwnProperty.call(FORMATS, name) ? FORMATS[name as EventFormat] : null;
}

/** "Suricata eve.json", for messages. */
export function formatName(format: EventFormat): string {
  return FORMATS[format].name;
}

/** "Suricata eve.json nor Wazuh alerts.json": every format's name, for "neither ... nor ..." messages. */
export function formatNames(joiner: string): string {
  return EVENT_FORMATS.map(formatName).join(joiner);
}
