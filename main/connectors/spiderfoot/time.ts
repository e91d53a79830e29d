/**
 * SpiderFoot writes every date as the server's local wall time with no zone
 * (`time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t))`), "Not yet" when unset in scan
 * lists, and the epoch (1970-01-01 00:00:00 in the server's zone) for the end of a running
 * scan in scanstatus. This module turns such a string into a UTC instant in the zone the analyst
 * set for the server (an IANA name; Intl's tz database), with the zone's DST rules: in the
 * repeated hour of a fall-back the earlier instant, in the gap of a spring-forward the time
 * moves on by the gap (Temporal's "compatible"). Without a zone the wall time is read as UTC
 * and the result says the zone was assumed.
 */

export interface ServerTime {
  /** As SpiderFoot wrote it. */
  local: string;
  /** The instant (UTC ISO), or null when unset ("Not yet", the epoch of a running scan). */
  utc: string | null;
  /** True when no server zone is configured and the wall time was read as UTC. */
  zoneAssumed: boolean;
}

const WALL = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;
const DAY_MS = 86_400_000;

/** Converts wall-clock times of one IANA zone to instants. */
export class ZoneClock {
  private readonly fmt: Intl.DateTimeFormat | null;

  /** `zone` null = UTC. Throws RangeError for a name the tz database does not know. */
  constructor(readonly zone: string | null) {
    this.fmt =
      zone === null
        ? null
        : new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
  }

  /** Offset of the zone from UTC at instant t, in ms (wall = t + offset). */
  offsetAt(t: number): number {
    if (!this.fmt) return 0;
    const whole = Math.floor(t / 1000) * 1000;
    const f: Record<string, number> = {};
    for (const p of this.fmt.formatToParts(whole)) if (p.type !== 'literal') f[p.type] = Number(p.value);
    return Date.UTC(f.year!, f.month! - 1, f.day!, f.hour!, f.minute!, f.second!) - whole;
  }

  /** The instant at which clocks in this zone showed `wall` (a wall time written as UTC ms). */
  toInstant(wall: number): number {
    const before = this.offsetAt(wall - DAY_MS);
    const after = this.offsetAt(wall + DAY_MS);
    if (before === after) return wall - before;
    const early = this.offsetAt(wall - before) === before;
    const late = this.offsetAt(wall - after) === after;
    if (early && late) return wall - Math.max(before, after); // repeated hour: the earlier instant
    if (late) return wall - after;
    return wall - before; // in the gap: forward by the gap
  }

  /** `YYYY-MM-DD HH:MM:SS` in this zone (the simulator writes SpiderFoot's dates with it). */
  format(t: number): string {
    const d = new Date(t + this.offsetAt(t));
    return d.toISOString().slice(0, 19).replace('T', ' ');
  }

  /**
   * A SpiderFoot date. "Not yet", an empty string and the epoch (a scan that has not ended; any
   * zone puts it on 1969-12-31 or 1970-01-01) are unset; anything else that is not a date throws.
   */
  parse(local: string): ServerTime {
    const zoneAssumed = this.zone === null;
    const m = WALL.exec(local.trim());
    if (!m) {
      if (local.trim() === '' || /^not yet$/i.test(local.trim())) return { local, utc: null, zoneAssumed };
      throw new RangeError(`"${local}" is not a SpiderFoot date (YYYY-MM-DD HH:MM:SS)`);
    }
    const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
    const wall = Date.UTC(y, mo - 1, d, h, mi, s);
    const back = new Date(wall);
    if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) throw new RangeError(`"${local}" is not a valid date`);
    const t = this.toInstant(wall);
    if (Math.abs(t) < DAY_MS) return { local, utc: null, zoneAssumed };
    return { local, utc: new Date(t).toISOString(), zoneAssumed };
  }
}
