/**
 * normalize: one raw record of a source → one SecurityEvent, or a skip, or a quarantine with a
 * short stable reason. Pure, synchronous, never throws (DESIGN.md §2 step 2). The normalizer of
 * each format is found in the registry (registry.ts).
 */
import { type NormalizeResult, type SourcePosition } from '../types.js';
import { NO_OPTIONS, quarantined, type JsonObject, type NormalizeOptions } from './common.js';
import { formatSpec } from './registry.js';

export { normalizeEve, eveSeverity } from './eve.js';
export { normalizeWazuh, wazuhSeverity } from './wazuh.js';
export { toUtcIso, parseTimestamp, NO_OFFSET, TimeZone } from './time.js';
export { NO_OPTIONS, type EventFormatSpec, type JsonObject, type NormalizeOptions } from './common.js';
export { toQuarantineRecord } from './quarantine.js';
export { FORMATS, formatName, formatNames, formatSpec } from './registry.js';

/** Normalizes one line of the given format under the source's options. Never throws. */
export function normalizeLine(format: string, line: string, position: SourcePosition, opts: NormalizeOptions = NO_OPTIONS): NormalizeResult {
  return normalizeText(format, line, position, opts);
}

/**
 * Normalizes one record given as text (`parsed`: the same record as an object, when the source
 * already has one). Never throws.
 */
export function normalizeText(format: string, text: string, position: SourcePosition, opts: NormalizeOptions = NO_OPTIONS, parsed?: JsonObject): NormalizeResult {
  const spec = formatSpec(format);
  if (spec === null) return quarantined(`unsupported format ${JSON.stringify(String(format)).slice(0, 40)}`);
  return spec.normalize(text, position, opts, parsed);
}
