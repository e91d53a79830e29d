import { describe, expect, it } from 'vitest';
import { NO_OFFSET, TimeZone, parseTimestamp, toUtcIso } from '../../main/pipeline/normalize/index.js';

describe('toUtcIso', () => {
  it.each([
    ['2026-11-21T10:00:00.123456+0100', '2026-11-21T09:00:00.123Z'],
    ['2026-11-21T10:00:00.123456+01:00', '2026-11-21T09:00:00.123Z'],
    ['2026-11-21T10:00:00+01:00', '2026-11-21T09:00:00.000Z'],
    ['2026-11-21T10:00:00+01', '2026-11-21T09:00:00.000Z'],
    ['2026-11-21T10:00:00Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21t10:00:00z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21 10:00:00Z', '2026-11-21T10:00:00.000Z'],
    ['2026-11-21T04:30:00.5-0530', '2026-11-21T10:00:00.500Z'],
    ['2026-11-21T10:00:00.830+0000', '2026-11-21T10:00:00.830Z'],
    ['2026-11-21T10:00:00.9999999+0000', '2026-11-21T10:00:00.999Z'], // truncated, not rounded
    ['2026-11-21T10:00:00.12+0000', '2026-11-21T10:00:00.120Z'],
    ['2026-11-21T10:00:00.000000000000000001Z', '2026-11-21T10:00:00.000Z'],
    ['2026-01-01T00:30:00+0100', '2025-12-31T23:30:00.000Z'], // crosses the year
    ['2026-12-31T23:00:00-0200', '2027-01-01T01:00:00.000Z'],
    ['2024-02-29T12:00:00Z', '2024-02-29T12:00:00.000Z'], // leap day
    ['2000-02-29T12:00:00Z', '2000-02-29T12:00:00.000Z'],
    ['0050-06-01T00:00:00Z', '0050-06-01T00:00:00.000Z'], // no Date.UTC 0..99 → 19xx shift
    ['9999-12-31T23:59:59.999Z', '9999-12-31T23:59:59.999Z'],
    ['2026-11-21T10:00:00+1400', '2026-11-20T20:00:00.000Z'],
  ])('%s → %s', (input, expected) => {
    expect(toUtcIso(input)).toBe(expected);
  });

  it.each([
    '',
    'garbage',
    '2026-13-21T10:00:00Z', // month 13
    '2026-00-21T10:00:00Z',
    '2026-11-00T10:00:00Z',
    '2026-11-31T10:00:00Z', // November has 30 days
    '2023-02-29T10:00:00Z', // not a leap year
    '1900-02-29T10:00:00Z',
    '2026-11-21T24:00:00Z',
    '2026-11-21T10:60:00Z',
    '2026-11-21T10:00:60Z', // leap seconds are not accepted
    '2026-11-21T10:00:00', // no offset: zone unknown
    '2026-11-21T10:00:00.Z', // empty fraction
    '2026-11-21T10:00:00+2400',
    '2026-11-21T10:00:00+0160',
    '2026-11-21T10:00:00+01:',
    '2026-11-21T10:00:00+1',
    '2026-11-21T10:00:00+01000',
    '2026-11-21T10:00:00Z ', // trailing text
    ' 2026-11-21T10:00:00Z',
    '2026-11-21T10:00:00ZZ',
    '2026-11-21X10:00:00Z',
    '2026/11/21T10:00:00Z',
    '26-11-21T10:00:00Z',
    '+02026-11-21T10:00:00Z',
    '2026-1a-21T10:00:00Z',
    '2026-11-21T10:00:00,5Z',
    '0000-01-01T00:30:00+0100', // before year 0000 once in UTC
    '9999-12-31T23:30:00-0100', // after 9999 once in UTC
    '2026-11-21T10:00:00\u0000Z',
    `2026-11-21T10:00:00.${'1'.repeat(100)}Z`, // absurdly long
  ])('rejects %j', (input) => {
    expect(toUtcIso(input)).toBeNull();
  });

  it('agrees with Date for 20,000 random well-formed timestamps', () => {
    let seed = 0x9e3779b9;
    const rnd = (n: number): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n) | 0;
    };
    const p = (v: number, w: number): string => String(v).padStart(w, '0');
    for (let i = 0; i < 20_000; i++) {
      const y = 1971 + rnd(120);
      const mo = 1 + rnd(12);
      const d = 1 + rnd(28);
      const h = rnd(24);
      const mi = rnd(60);
      const s = rnd(60);
      const frac = rnd(3) === 0 ? '' : `.${p(rnd(1_000_000), 6)}`;
      const oh = rnd(15);
      const om = [0, 30, 45][rnd(3)]!;
      const sign = rnd(2) === 0 ? '+' : '-';
      const local = `${p(y, 4)}-${p(mo, 2)}-${p(d, 2)}T${p(h, 2)}:${p(mi, 2)}:${p(s, 2)}${frac}`;
      const withColon = `${local}${sign}${p(oh, 2)}:${p(om, 2)}`;
      const compact = `${local}${sign}${p(oh, 2)}${p(om, 2)}`;
      // Date.parse is well-defined for ECMAScript's own format: ±HH:MM and exactly 3 fraction digits.
      const reference = new Date(`${local.slice(0, 19)}.${(frac.slice(1) + '000').slice(0, 3)}${sign}${p(oh, 2)}:${p(om, 2)}`).toISOString();
      expect(toUtcIso(withColon)).toBe(reference);
      expect(toUtcIso(compact)).toBe(reference);
    }
  });
});

describe('timestamps without a UTC offset', () => {
  const zone = (name: string) => TimeZone.of(name)!;

  it('are told apart from invalid ones', () => {
    expect(parseTimestamp('2019-01-02T03:50:10.576769', null)).toBe(NO_OFFSET); // older Suricata configs
    expect(parseTimestamp('2019-01-02T03:50:10', null)).toBe(NO_OFFSET);
    expect(parseTimestamp('2019-01-02T03:50:10.', null)).toBeNull();
    expect(parseTimestamp('2019-13-02T03:50:10', null)).toBeNull();
    expect(parseTimestamp('2019-01-02T03:50:1', null)).toBeNull();
    expect(parseTimestamp('2019-01-02T03:50:10.5+0100', zone('Asia/Tokyo'))).toBe('2019-01-02T02:50:10.500Z'); // an offset wins over the zone
  });

  it.each([
    ['Europe/Paris', '2019-01-02T03:50:10.576769', '2019-01-02T02:50:10.576Z'], // CET, +01:00
    ['Europe/Paris', '2019-07-02T03:50:10.576769', '2019-07-02T01:50:10.576Z'], // CEST, +02:00
    ['Europe/Paris', '2019-03-31T01:59:59', '2019-03-31T00:59:59.000Z'], // last second before the jump
    ['Europe/Paris', '2019-03-31T02:30:00', '2019-03-31T01:30:00.000Z'], // never shown: moves forward by the gap (03:30 CEST)
    ['Europe/Paris', '2019-03-31T03:00:00', '2019-03-31T01:00:00.000Z'],
    ['Europe/Paris', '2019-10-27T02:30:00', '2019-10-27T00:30:00.000Z'], // shown twice: the earlier (CEST)
    ['Europe/Paris', '2019-10-27T03:00:00', '2019-10-27T02:00:00.000Z'], // CET again
    ['America/New_York', '2019-03-10T02:30:00', '2019-03-10T07:30:00.000Z'], // gap: 03:30 EDT
    ['America/New_York', '2019-11-03T01:30:00', '2019-11-03T05:30:00.000Z'], // repeated: 01:30 EDT
    ['Australia/Sydney', '2019-04-07T02:30:00', '2019-04-06T15:30:00.000Z'], // southern fall-back: 02:30 AEDT
    ['Asia/Kolkata', '2019-01-02T03:50:10', '2019-01-01T22:20:10.000Z'], // +05:30, no DST
    ['UTC', '2019-01-02T03:50:10.576769', '2019-01-02T03:50:10.576Z'],
  ])('in %s, %s is %s', (name, ts, want) => {
    expect(parseTimestamp(ts, zone(name))).toBe(want);
  });

  it('unknown zone names are refused', () => {
    expect(TimeZone.of('Mars/Olympus_Mons')).toBeNull();
    expect(TimeZone.of('')).toBeNull();
    expect(TimeZone.of('Europe/Paris')?.name).toBe('Europe/Paris');
  });

  it('round-trips every quarter hour of a year across both DST changes, choosing the earlier instant of a repeated hour', () => {
    for (const name of ['Europe/Paris', 'America/New_York', 'Australia/Lord_Howe']) {
      const z = zone(name);
      const parts = new Intl.DateTimeFormat('en-US', { timeZone: name, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
      const wallOf = (t: number): number => {
        const p = Object.fromEntries(parts.formatToParts(t).map((x) => [x.type, Number(x.value)]));
        return Date.UTC(p['year']!, p['month']! - 1, p['day']!, p['hour']!, p['minute']!, p['second']!);
      };
      for (let t = Date.UTC(2019, 0, 1); t < Date.UTC(2020, 0, 1); t += 15 * 60_000) {
        const wall = wallOf(t);
        const back = z.toUtc(wall);
        expect(wallOf(back), `${name} ${new Date(t).toISOString()}`).toBe(wall); // a time that shows that wall clock
        expect(back).toBeLessThanOrEqual(t); // the earlier one when the wall clock repeats
        expect(t - back).toBeLessThanOrEqual(60 * 60_000);
      }
    }
  });
});
