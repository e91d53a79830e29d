/**
 * normalize: one raw line of a source file → one SecurityEvent, or a skip, or a quarantine with
 * a short stable reason. Pure, synchronous, never throws (DESIGN.md §2 step 2).
 */
import { type EventFormat, type NormalizeResult, type SourcePosition } from '../types.js';
import { normalizeEve } from './eve.js';
import { normalizeWazuh } from './wazuh.js';
import { NO_OPTIONS, type NormalizeOptions } from './common.js';

export { normalizeEve, eveSeverity } from './eve.js';
export { normalizeWazuh, wazuhSeverity } from './wazuh.js';
export { toUtcIso, parseTimestamp, NO_OFFSET, TimeZone } from './time.js';
export { NO_OPTIONS, type NormalizeOptions } from './common.js';
export { toQuarantineRecord } from './quarantine.js';

/** Normalizes one line of the given format under the source's options. Never throws. */
export function normalizeLine(format: EventFormat, line: string, position: SourcePosition, opts: NormalizeOptions = NO_OPTIONS): NormalizeResult {
  if (format === 'eve') return normalizeEve(line, position, opts);
  if (format === 'wazuh') return normalizeWazuh(line, position, opts);
  return { kind: 'quarantined', reason: `unsupported format ${JSON.stringify(String(format)).slice(0, 40)}` };
}
