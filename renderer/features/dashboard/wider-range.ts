import { RANGE_PRESETS, type DashRange } from '../../stores/dashboard.js';

/** The longest preset's span (the last 7 days). */
const WEEK_MS = RANGE_PRESETS.find((p) => p.value === '7d')!.ms;

/** A range an empty dashboard offers, and the newest alert's time when the range ends there. */
export interface WiderRange {
  range: DashRange;
  /** Set when the range is the 7 days up to the newest alert (its label names the day). */
  upTo: string | null;
}

/**
 * Where an empty range can send the analyst: the last 7 days when the newest alert is in them;
 * else the 7 days up to the newest alert, so that a store of old records (an eve.json imported
 * after the fact, a jump host reviewing last month) opens on its alerts rather than on a second
 * empty range. Null when there is no alert at all, or the range is already the last 7 days.
 */
export function widerRange(range: DashRange, newestSeen: string | null, now = Date.now()): WiderRange | null {
  const t = newestSeen === null ? NaN : Date.parse(newestSeen);
  if (Number.isNaN(t)) return null;
  if (t >= now - WEEK_MS) return range.kind === 'preset' && range.preset === '7d' ? null : { range: { kind: 'preset', preset: '7d' }, upTo: null };
  // to the next minute: the alert's own last second is in the range
  const to = Math.ceil((t + 1) / 60_000) * 60_000;
  return { range: { kind: 'custom', from: new Date(to - WEEK_MS).toISOString(), to: new Date(to).toISOString() }, upTo: newestSeen };
}
