import type { LiveSource } from '../../../main/contract/console.js';
import type { SourceRunState } from '../../../main/contract/pipeline.js';
import { describeCursor, topRecordTypes } from '../../../main/contract/pipeline.js';
import { formatBytes, formatCount, formatLocalTime } from '../../lib/format.js';

/** The state a source is shown with: its reader's state in the serving process, or idle (not read there). */
export type SourceStateKey = SourceRunState | 'idle';

export const SOURCE_STATE_LABEL: Record<SourceStateKey, string> = {
  starting: 'Starting',
  running: 'Running',
  caught_up: 'Caught up',
  waiting: 'Waiting',
  backing_off: 'Backing off',
  paused: 'Paused',
  idle: 'Not live',
};

export const SOURCE_STATE_HELP: Record<SourceStateKey, string> = {
  starting: 'Opening the source',
  running: 'Reading records',
  caught_up: 'Read everything there is; new records are read as they come',
  waiting: 'Waiting for the source to appear, or for another process that reads it',
  backing_off: 'The last read failed; Vigil tries again on its own, from where it stopped',
  paused: 'Paused: nothing is read until resumed',
  idle: 'Not read by this process (a finished import, a simulator run or another process)',
};

/** The state a source is shown with: live state when read here, else derived from its record. */
export function sourceState(s: LiveSource): SourceStateKey {
  if (!s.enabled) return 'paused';
  if (s.live) return s.live.state;
  return 'idle';
}

/** "Backing off (retry in 8 s)": the badge text, with the countdown while backing off. */
export function stateLabel(s: LiveSource, now: number): string {
  const key = sourceState(s);
  const retry = key === 'backing_off' && s.live?.retry_at ? Math.max(0, Math.ceil((Date.parse(s.live.retry_at) - now) / 1000)) : null;
  return retry === null ? SOURCE_STATE_LABEL[key] : `${SOURCE_STATE_LABEL[key]} (retry in ${retry} s)`;
}

const KIND_LABEL: Record<LiveSource['kind'], string> = { file: 'Followed file', import: 'Import', simulator: 'Simulator', indexer: 'Wazuh indexer' };
/** A simulator writes both formats (every scenario blends in background noise of both). */
const FORMAT_LABEL: Record<LiveSource['format'], string> = { eve: 'Suricata EVE', wazuh: 'Wazuh alerts', mixed: 'EVE + Wazuh' };

/** The cursor column: a file's offset in bytes, an indexer's last alert time; the detail for a tooltip. */
export function cursorText(s: LiveSource): { short: string; detail: string } | null {
  const c = describeCursor(s.kind, s.cursor);
  if (!c) return null;
  const offset = s.kind === 'file' && s.cursor && typeof s.cursor === 'object' && !Array.isArray(s.cursor) ? s.cursor['offset'] : undefined;
  return typeof offset === 'number' ? { short: formatBytes(offset), detail: c.detail } : c;
}

export function kindLabel(k: LiveSource['kind']): string {
  return KIND_LABEL[k];
}

export function formatLabel(f: LiveSource['format']): string {
  return FORMAT_LABEL[f];
}

/** Short display name: the file name for files, the scenario for simulator runs. */
export function sourceName(s: LiveSource): string {
  if (s.path) {
    const parts = s.path.split(/[\\/]/);
    return parts[parts.length - 1] || s.path;
  }
  const i = s.id.indexOf(':');
  return i >= 0 ? s.id.slice(i + 1).replace(/_/g, ' ') : s.id;
}

export function stateClass(key: SourceStateKey): string {
  return `src-state src-state-${key}`;
}

/**
 * The sensor records of a source that are no alerts (kept in the record store for hunting), by type: the `max` most frequent as "flow 91,204 · dns 12,004 ·
 * http 3,120", how many more types there are, and every type for a tooltip. Null when none.
 */
export function recordTypesSummary(types: Readonly<Record<string, number>>, max = 3): { text: string; more: number; title: string } | null {
  const { shown, more } = topRecordTypes(types, max);
  if (shown.length === 0) return null;
  const all = topRecordTypes(types, Number.MAX_SAFE_INTEGER).shown;
  return {
    text: shown.map(([t, n]) => `${t} ${formatCount(n)}`).join(' · '),
    more,
    title: `Sensor records kept for hunting (alerts apart), by type: ${all.map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')}`,
  };
}

/** "vigil tail (pid 1234) since Nov 21, 10:03:12" */
export function holderText(lease: NonNullable<LiveSource['lease']>): string {
  return `${lease.process} (pid ${lease.pid}) since ${formatLocalTime(lease.acquired_at)}`;
}

/** IANA time zones this browser knows, for the time zone fields. */
export function timeZoneNames(): string[] {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return [];
  }
}
