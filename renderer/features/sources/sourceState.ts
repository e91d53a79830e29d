import type { LiveSource } from '../../../main/contract/console.js';

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
const FORMAT_LABEL: Record<LiveSource['format'], string> = { eve: 'Suricata EVE', wazuh: 'Wazuh alerts', mixed: 'Mixed' };

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
