import { describe, expect, it } from 'vitest';
import { widerRange } from '../../renderer/features/dashboard/wider-range.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');
const DAY = { kind: 'preset', preset: '24h' } as const;

describe('the range an empty dashboard offers', () => {
  it('is the last 7 days when the newest alert is in them, and nothing when that is the range already', () => {
    expect(widerRange(DAY, '2026-12-03T08:00:00.000Z', NOW)).toEqual({ range: { kind: 'preset', preset: '7d' }, upTo: null });
    expect(widerRange({ kind: 'preset', preset: '7d' }, '2026-12-03T08:00:00.000Z', NOW)).toBeNull();
  });

  it('is the 7 days up to the newest alert when it is older, the alert inside', () => {
    const w = widerRange({ kind: 'preset', preset: '7d' }, '2026-11-20T23:59:59.120Z', NOW);
    expect(w).toEqual({ range: { kind: 'custom', from: '2026-11-14T00:00:00.000Z', to: '2026-11-21T00:00:00.000Z' }, upTo: '2026-11-20T23:59:59.120Z' });
    // an alert on the minute is in its own range (the dashboard counts last_seen >= from, first_seen < to)
    const onTheMinute = widerRange(DAY, '2026-11-20T10:00:00.000Z', NOW)!.range as { from: string; to: string };
    expect(onTheMinute.to).toBe('2026-11-20T10:01:00.000Z');
  });

  it('offers nothing without an alert', () => {
    expect(widerRange(DAY, null, NOW)).toBeNull();
    expect(widerRange(DAY, 'not a time', NOW)).toBeNull();
  });
});
