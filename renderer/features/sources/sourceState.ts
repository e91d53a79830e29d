import type { LiveSource } from '../../../main/contract/console.js';
import { topRecordTypes } from '../../../main/contract/pipeline.js';
import { formatCount, formatLocalTime } from '../../lib/format.js';

export type SourceStateKey = 'following' | 'waiting' | 'error' | 'paused' | 'idle';

export const SOURCE_STATE_LABEL: Record<SourceStateKey, string> = {
  following: 'Following',
  waiting: 'Waiting',
  error: 'Error',
  paused: 'Paused',
  idle: 'Not live',
};

export const SOURCE_STATE_HELP: Record<SourceStateKey, string> = {
  following: 'Reading new lines as they are written',
  waiting: 'Waiting for the file to appear or grow',
  error: 'The last read failed; Vigil retries on its own',
  paused: 'Paused: nothing is read until resumed',
  idle: 'Not followed by this process (a finished import, a simulator run or another process)',
};

/** The state a source is shown with: live state when followed here, else derived from its record. */
export function sourceState(s: LiveSource): SourceStateKey {
  if (!s.enabled) return 'paused';
  if (s.live) return s.live.state;
  return 'idle';
}

const KIND_LABEL: Record<LiveSource['kind'], string> = { file: 'Followed file', import: 'Import', simulator: 'Simulator' };
/** A simulator writes both formats (every scenario blends in background noise of both). */
const FORMAT_LABEL: Record<LiveSource['format'], string> = { eve: 'Suricata EVE', wazuh: 'Wazuh alerts', mixed: 'EVE + Wazuh' };

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
 * The records a source skipped, by type: the `max` most frequent as "flow 91,204 · dns 12,004 ·
 * http 3,120", how many more types there are, and every type for a tooltip. Null when none.
 */
export function recordTypesSummary(types: Readonly<Record<string, number>>, max = 3): { text: string; more: number; title: string } | null {
  const { shown, more } = topRecordTypes(types, max);
  if (shown.length === 0) return null;
  const all = topRecordTypes(types, Number.MAX_SAFE_INTEGER).shown;
  return {
    text: shown.map(([t, n]) => `${t} ${formatCount(n)}`).join(' · '),
    more,
    title: `Records read and not turned into events, by type: ${all.map(([t, n]) => `${t} ${formatCount(n)}`).join(', ')}`,
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
