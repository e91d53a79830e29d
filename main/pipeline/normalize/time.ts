/**
 * Timestamp normalisation for EVE and Wazuh lines.
 *
 * Both write `2026-11-21T10:00:00.123456+0100` (fraction of any length, `+HHMM` offset with no
 * colon). ECMAScript only guarantees `Date.parse` for its own ISO subset, so the fields are parsed
 * by hand, range-checked, and combined with `Date.UTC`: no engine-dependent guessing.
 *
 * Older Suricata configurations write local time without an offset (`2019-01-02T03:50:10.576769`).
 * Such a timestamp is refused unless the source names the zone it was written in (a TimeZone,
 * IANA name): the wall time is then placed in that zone with its own DST rules.
 */

/** 400 Gregorian years are exactly 146097 days: used to step over Date.UTC's 0..99 => 19xx quirk. */
const MS_PER_400_YEARS = 146_097 * 86_400_000;
/** 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: what fits `YYYY-...` in toISOString. */
const MIN_MS = -62_167_219_200_000;
const MAX_MS = 253_402_300_799_999;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

/** Value of the digit at `i`, or -1. */
function digit(s: string, i: number): number {
  const c = s.charCodeAt(i) - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Two-digit number at `i`, or -1. */
function two(s: string, i: number): number {
  const a = digit(s, i);
  const b = digit(s, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

/** What parseTimestamp returns for a well-formed local time with no offset and no zone to place it in. */
export const NO_OFFSET: unique symbol = Symbol('no UTC offset');

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH[:]MM|±HH)` → `YYYY-MM-DDTHH:MM:SS.mmmZ` in UTC, or null.
 *
 * - the fraction may have any number of digits; it is truncated (not rounded) to milliseconds;
 * - `T`, `t` or a space separate date and time; `Z` or `z` mean UTC;
 * - a timestamp without an offset is rejected: its zone is unknown and guessing would shift it
 *   (parseTimestamp tells that case apart and can place it in a given zone);
 * - out-of-range fields (month 13, Feb 30, hour 24, second 60, offset minute 60) are rejected,
 *   as is anything around or after the timestamp (no trimming).
 */
export function toUtcIso(ts: string): string | null {
  const r = parseTimestamp(ts, null);
  return r === NO_OFFSET ? null : r;
}

/**
 * Like toUtcIso, but a timestamp without an offset is placed in `zone` when one is given, and
 * reported as NO_OFFSET (rather than null, "invalid") when none is.
 */
export function parseTimestamp(ts: string, zone: TimeZone | null): string | typeof NO_OFFSET | null {
  const n = ts.length;
  if (n < 19 || n > 64) return null;
  const y0 = digit(ts, 0);
  const y1 = digit(ts, 1);
  const y2 = digit(ts, 2);
  const y3 = digit(ts, 3);
  if (y0 < 0 || y1 < 0 || y2 < 0 || y3 < 0) return null;
  const year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
  if (ts.charCodeAt(4) !== 45 /* - */ || ts.charCodeAt(7) !== 45) return null;
  const month = two(ts, 5);
  const day = two(ts, 8);
  const sep = ts.charCodeAt(10);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32 /* space */) return null;
  const hour = two(ts, 11);
  const minute = two(ts, 14);
  const second = two(ts, 17);
  if (ts.charCodeAt(13) !== 58 /* : */ || ts.charCodeAt(16) !== 58) return null;
  if (month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return null;
  if (second < 0 || second > 59) return null;
  const dim = month === 2 && isLeap(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
  if (day > dim) return null;

  let i = 19;
  let ms = 0;
  if (ts.charCodeAt(i) === 46 /* . */) {
    i++;
    const start = i;
    let scale = 100;
    for (;;) {
      const d = digit(ts, i);
      if (d < 0) break;
      if (scale >= 1) {
        ms += d * scale;
        scale /= 10;
      }
      i++;
    }
    if (i === start) return null;
  }

  let offsetMin: number;
  const z = ts.charCodeAt(i);
  if (i === n) {
    // local wall time: only a zone named by the source can place it
    if (zone === null) return NO_OFFSET;
    const wall = Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - MS_PER_400_YEARS;
    const t = zone.toUtc(wall);
    if (!(t >= MIN_MS && t <= MAX_MS)) return null;
    return new Date(t).toISOString();
  } else if (z === 90 /* Z */ || z === 122 /* z */) {
    offsetMin = 0;
    i++;
  } else if (z === 43 /* + */ || z === 45 /* - */) {
    const oh = two(ts, i + 1);
    if (oh < 0 || oh > 23) return null;
    i += 3;
    let om = 0;
    if (i < n) {
      if (ts.charCodeAt(i) === 58) i++;
      om = two(ts, i);
      if (om < 0 || om > 59) return null;
      i += 2;
    }
    offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1);
  } else {
    return null;
  }
  if (i !== n) return null;

  const t = Date.UTC(year + 400, month - 1, day, hour, minute, second, ms) - MS_PER_400_YEARS - offsetMin * 60_000;
  if (!(t >= MIN_MS && t <= MAX_MS)) return null;
  return new Date(t).toISOString();
}

const DAY_MS = 86_400_000;
const ZONE_CACHE_MAX = 4096;

/**
 * An IANA time zone that turns wall-clock times into instants, with the zone's own DST rules
 * (Intl, so the tz database of the running Node/Electron). Ambiguous and skipped wall times are
 * resolved the way Temporal's "compatible" disambiguation does: in the repeated hour of a
 * fall-back the earlier instant; in the gap of a spring-forward the time moves forward by the gap
 * (02:30 that never happened reads as 03:30 summer time).
 *
 * Offsets change only at transitions, which fall on whole minutes, so the offset found for a wall
 * minute is cached: log lines come in time order, and almost every line hits the cache.
 */
export class TimeZone {
  private readonly fmt: Intl.DateTimeFormat;
  private readonly cache = new Map<number, number>();

  private constructor(readonly name: string) {
    // throws RangeError for a name the tz database does not know
    this.fmt = new Intl.DateTimeFormat('en-US', {
      timeZone: name,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  }

  /** The zone named `name` (e.g. "Europe/Paris", "UTC"), or null when it is not a known IANA zone. */
  static of(name: string): TimeZone | null {
    if (name.length === 0 || name.length > 64) return null;
    try {
      return new TimeZone(name);
    } catch {
      return null;
    }
  }

  /** The instant (ms since the epoch) at which clocks in this zone showed `wall` (a wall time written as UTC ms). */
  toUtc(wall: number): number {
    const key = Math.floor(wall / 60_000);
    const cached = this.cache.get(key);
    if (cached !== undefined) return wall - cached;
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    let offset = before; // also when no transition is near, or `wall` falls in a spring-forward gap
    if (before !== after) {
      const early = this.offsetAt(wall - before) === before; // valid under the earlier offset
      const late = this.offsetAt(wall - after) === after;
      if (early && late) offset = Math.max(before, after); // repeated hour: the earlier instant
      else if (late) offset = after;
    }
    if (this.cache.size >= ZONE_CACHE_MAX) this.cache.clear();
    this.cache.set(key, offset);
    return wall - offset;
  }

  /** The zone's offset from UTC at instant t, in ms (local wall time = t + offset). */
  private offsetAt(t: number): number {
    const whole = Math.floor(t / 1000) * 1000;
    let y = 0;
    let bc = false;
    const f: number[] = [0, 0, 0, 0, 0];
    for (const p of this.fmt.formatToParts(whole)) {
      if (p.type === 'year') y = Number(p.value);
      else if (p.type === 'era') bc = p.value.startsWith('B');
      else if (p.type === 'month') f[0] = Number(p.value);
      else if (p.type === 'day') f[1] = Number(p.value);
      else if (p.type === 'hour') f[2] = Number(p.value);
      else if (p.type === 'minute') f[3] = Number(p.value);
      else if (p.type === 'second') f[4] = Number(p.value);
    }
    const year = bc ? 1 - y : y;
    const local = Date.UTC(year + 400, f[0]! - 1, f[1]!, f[2]!, f[3]!, f[4]!) - MS_PER_400_YEARS;
    return local - whole;
  }
}
