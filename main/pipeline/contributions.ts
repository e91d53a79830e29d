/**
 * Which stored events made a correlation alert fire. The correlator counts failures, ports and
 * events per key over its windows; this keeps, per key, the ids of the recent events it counted
 * (bounded), so that when a rule fires the alert can link them: the failed logins of a brute force,
 * the probes of a port scan, the events of a flood's second.
 */
import type { CorrelationHit } from './types.js';

interface Seen {
  /** events.id of the stored event. */
  id: number;
  /** Its time, epoch ms. */
  t: number;
  failed: boolean;
  port: number | null;
}

/** Events remembered per key: more than any threshold's window holds in practice. */
const PER_KEY = 512;
const MAX_KEYS = 10_000;
/** Contributors linked per hit at most (the latest in the window). */
export const CONTRIBUTORS_PER_HIT = 200;

export class Contributions {
  private readonly keys = new Map<string, Seen[]>();
  /** Noted in the batch being written: forgotten again if its transaction rolls back (the ids would be handed out again). */
  private pending: { key: string; seen: Seen }[] = [];

  /** Remembers a stored event under its correlation key. */
  note(key: string, seen: Seen): void {
    this.pending.push({ key, seen });
    let list = this.keys.get(key);
    if (list) this.keys.delete(key); // most recently used goes last
    else {
      list = [];
      if (this.keys.size >= MAX_KEYS) this.keys.delete(this.keys.keys().next().value!);
    }
    this.keys.set(key, list);
    list.push(seen);
    if (list.length > PER_KEY) list.splice(0, list.length - PER_KEY);
  }

  /** The ids of the events that count for `hit` in its window ending at `t` (the latest CONTRIBUTORS_PER_HIT). */
  contributors(hit: CorrelationHit, t: number): number[] {
    const list = this.keys.get(hit.key);
    if (!list) return [];
    const from = t - hit.window_s * 1000;
    const counts = (s: Seen): boolean => {
      if (hit.rule === 'brute_force' || hit.rule === 'password_spraying') return s.failed;
      if (hit.rule === 'port_scan') return s.port !== null;
      return true;
    };
    const out: number[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < CONTRIBUTORS_PER_HIT; i--) {
      const s = list[i]!;
      if (s.t > t || s.t < from || !counts(s)) continue;
      out.push(s.id);
    }
    return out;
  }

  /** The batch committed: what it noted stays. */
  commit(): void {
    this.pending = [];
  }

  /** The batch rolled back: what it noted is forgotten. */
  rollback(): void {
    for (const { key, seen } of this.pending) {
      const list = this.keys.get(key);
      const i = list ? list.indexOf(seen) : -1;
      if (i >= 0) list!.splice(i, 1);
    }
    this.pending = [];
  }

  clear(): void {
    this.keys.clear();
    this.pending = [];
  }
}
