/**
 * Sliding-window correlation per source, driven by event time (never the wall clock).
 *
 * Rules (defaults in DEFAULT_THRESHOLDS):
 *   brute_force        ≥ failures failed logins from one source within window_s
 *   password_spraying  failed logins against ≥ users distinct user names from one source within window_s
 *   port_scan          ≥ ports distinct destination ports from one source within window_s
 *                      (events from a port below 1024 to a port at or above 1024 are server
 *                      replies to clients and are not counted)
 *   flood              ≥ events_per_s events from one source in the same UTC second
 *
 * The windows end at the newest event time seen for the source, so a slightly late event still
 * counts (and fires) while it lies inside the window; an event older than the window is ignored
 * by the window rules. Windows are inclusive: N failures at t and t + window_s fire.
 *
 * Memory is bounded: at most maxKeys sources (the least recently active is evicted first),
 * sources idle for longer than the longest window are dropped as event time advances, and each
 * source keeps at most maxSamplesPerKey failure times / ports / users (the oldest go first, so an
 * `observed` count saturates at that cap). Flood keeps 4 one-second buckets per source.
 */
import type { CorrelationHit, EnrichedEvent } from '../types.js';
import { isAuthFailure as defaultIsAuthFailure } from './mapping.js';

export interface CorrelationThresholds {
  bruteForce: { failures: number; window_s: number };
  portScan: { ports: number; window_s: number };
  flood: { events_per_s: number };
  passwordSpraying: { users: number; window_s: number };
}

export type ThresholdOverrides = {
  [K in keyof CorrelationThresholds]?: Partial<CorrelationThresholds[K]>;
};

export const DEFAULT_THRESHOLDS: Readonly<CorrelationThresholds> = Object.freeze({
  bruteForce: Object.freeze({ failures: 5, window_s: 60 }),
  portScan: Object.freeze({ ports: 15, window_s: 60 }),
  flood: Object.freeze({ events_per_s: 100 }),
  passwordSpraying: Object.freeze({ users: 5, window_s: 60 }),
});

export const DEFAULT_MAX_KEYS = 100_000;
export const DEFAULT_MAX_SAMPLES_PER_KEY = 1024;
/** Flood buckets kept per source: the current second and up to 3 earlier ones (late events). */
const FLOOD_BUCKETS = 4;
/** Extra idle time (ms) a source is kept beyond the longest window, for late events. */
const IDLE_SLACK_MS = 5_000;
const MAX_USER_CHARS = 256;

function positiveInt(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new Error(`correlation threshold ${name} must be a positive integer (got ${String(v)})`);
  }
  return v;
}

function positiveNumber(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
    throw new Error(`correlation threshold ${name} must be a positive number of seconds (got ${String(v)})`);
  }
  return v;
}

/** Defaults merged with overrides, validated (throws naming the bad field). */
export function resolveThresholds(o: ThresholdOverrides = {}): CorrelationThresholds {
  const d = DEFAULT_THRESHOLDS;
  return {
    bruteForce: {
      failures: positiveInt(o.bruteForce?.failures ?? d.bruteForce.failures, 'bruteForce.failures'),
      window_s: positiveNumber(o.bruteForce?.window_s ?? d.bruteForce.window_s, 'bruteForce.window_s'),
    },
    portScan: {
      ports: positiveInt(o.portScan?.ports ?? d.portScan.ports, 'portScan.ports'),
      window_s: positiveNumber(o.portScan?.window_s ?? d.portScan.window_s, 'portScan.window_s'),
    },
    flood: {
      events_per_s: positiveInt(o.flood?.events_per_s ?? d.flood.events_per_s, 'flood.events_per_s'),
    },
    passwordSpraying: {
      users: positiveInt(o.passwordSpraying?.users ?? d.passwordSpraying.users, 'passwordSpraying.users'),
      window_s: positiveNumber(
        o.passwordSpraying?.window_s ?? d.passwordSpraying.window_s,
        'passwordSpraying.window_s',
      ),
    },
  };
}

export interface CorrelatorOptions {
  thresholds?: ThresholdOverrides;
  /** Most sources kept at once (default 100 000); the least recently active is evicted. */
  maxKeys?: number;
  /** Most failure times / ports / users kept per source (default 1024, at least each threshold). */
  maxSamplesPerKey?: number;
  /** What counts as a failed login (default: mapping.isAuthFailure). */
  isAuthFailure?: (e: EnrichedEvent) => boolean;
}

/** The window key for an event: its source IP, else `agent:<name>`, else `user:<name>`, else null. */
export function correlationKey(e: EnrichedEvent): string | null {
  if (e.src_ip) return e.src_ip;
  if (e.agent?.name) return `agent:${e.agent.name}`;
  if (e.user) return `user:${e.user}`;
  return null;
}

/**
 * A Map whose entries are also on a doubly-linked list, oldest first, so that dropping the oldest
 * entry is O(1) (deleting from the front of a plain Map and iterating again is not: V8 leaves
 * holes that the next iteration has to skip).
 */
class LinkedMap<K, V> {
  private readonly map = new Map<K, LinkedNode<K, V>>();
  head: LinkedNode<K, V> | null = null;
  tail: LinkedNode<K, V> | null = null;

  get size(): number {
    return this.map.size;
  }

  get(k: K): LinkedNode<K, V> | undefined {
    return this.map.get(k);
  }

  /** Adds a node at the position its time `t` gives (walking back from the newest end). */
  insert(k: K, value: V, t: number): LinkedNode<K, V> {
    const node: LinkedNode<K, V> = { key: k, value, t, prev: null, next: null };
    this.map.set(k, node);
    this.place(node);
    return node;
  }

  /** Adds a node at the newest end regardless of time (arrival order). */
  append(k: K, value: V): LinkedNode<K, V> {
    const node: LinkedNode<K, V> = { key: k, value, t: 0, prev: null, next: null };
    this.map.set(k, node);
    this.toTail(node);
    return node;
  }

  /** Moves a node to its time position after its time changed. */
  retime(node: LinkedNode<K, V>, t: number): void {
    node.t = t;
    this.unlink(node);
    this.place(node);
  }

  /** Moves a node to the newest end regardless of time (arrival order). */
  toTail(node: LinkedNode<K, V>): void {
    if (this.tail === node) return;
    if (node.prev !== null || node.next !== null || this.head === node) this.unlink(node);
    node.prev = this.tail;
    if (this.tail) this.tail.next = node;
    this.tail = node;
    this.head ??= node;
  }

  delete(node: LinkedNode<K, V>): void {
    this.unlink(node);
    this.map.delete(node.key);
  }

  clear(): void {
    this.map.clear();
    this.head = this.tail = null;
  }

  private place(node: LinkedNode<K, V>): void {
    let after = this.tail;
    while (after !== null && after.t > node.t) after = after.prev;
    node.prev = after;
    node.next = after === null ? this.head : after.next;
    if (node.next) node.next.prev = node;
    else this.tail = node;
    if (after) after.next = node;
    else this.head = node;
  }

  private unlink(node: LinkedNode<K, V>): void {
    if (node.prev) node.prev.next = node.next;
    else if (this.head === node) this.head = node.next;
    if (node.next) node.next.prev = node.prev;
    else if (this.tail === node) this.tail = node.prev;
    node.prev = node.next = null;
  }
}

interface LinkedNode<K, V> {
  key: K;
  value: V;
  /** Time order key (ms). */
  t: number;
  prev: LinkedNode<K, V> | null;
  next: LinkedNode<K, V> | null;
}

/** Distinct items with their newest time, oldest first. */
type TimedSet<K> = LinkedMap<K, null>;

interface KeyState {
  /** Newest event time seen for this source (ms since epoch). */
  last: number;
  /** Failure times, ascending. */
  fails: number[] | null;
  /** dst_port → newest time seen. */
  ports: TimedSet<number> | null;
  /** user → newest failure time. */
  users: TimedSet<string> | null;
  /** Flood buckets as flat pairs [second, count, second, count, ...]. */
  secs: number[] | null;
}

/** A reply from a service port (< 1024) to a client's high port: its ports say nothing about scanning. */
function isServerReply(e: EnrichedEvent): boolean {
  return e.src_port !== null && e.src_port < 1024 && e.dst_port !== null && e.dst_port >= 1024;
}

/** Insert keeping ascending order (events are mostly in order, so this is usually a push). */
function insertSorted(a: number[], t: number): void {
  let i = a.length;
  while (i > 0 && (a[i - 1] as number) > t) i--;
  if (i === a.length) a.push(t);
  else a.splice(i, 0, t);
}

/** Drops the times before cutoff from the front of an ascending array. */
function pruneSorted(a: number[], cutoff: number): void {
  let i = 0;
  while (i < a.length && (a[i] as number) < cutoff) i++;
  if (i > 0) a.splice(0, i);
}

/** Records item k at time t (keeping its newest time). */
function touch<K>(m: TimedSet<K>, k: K, t: number): void {
  const node = m.get(k);
  if (node === undefined) m.insert(k, null, t);
  else if (node.t < t) m.retime(node, t);
}

/** Drops items last seen before cutoff, then the oldest beyond cap. */
function pruneSet<K>(m: TimedSet<K>, cutoff: number, cap: number): void {
  while (m.head !== null && (m.head.t < cutoff || m.size > cap)) m.delete(m.head);
}

export class Correlator {
  readonly thresholds: CorrelationThresholds;
  readonly maxKeys: number;
  readonly maxSamplesPerKey: number;
  private readonly authFailure: (e: EnrichedEvent) => boolean;
  /** Sources, least recently active first (arrival order). */
  private readonly keys = new LinkedMap<string, KeyState>();
  /** Newest event time seen over all sources. */
  private now = Number.NEGATIVE_INFINITY;
  private readonly idleMs: number;

  constructor(opts: CorrelatorOptions = {}) {
    this.thresholds = resolveThresholds(opts.thresholds);
    this.maxKeys = positiveInt(opts.maxKeys ?? DEFAULT_MAX_KEYS, 'maxKeys');
    const t = this.thresholds;
    this.maxSamplesPerKey = Math.max(
      positiveInt(opts.maxSamplesPerKey ?? DEFAULT_MAX_SAMPLES_PER_KEY, 'maxSamplesPerKey'),
      t.bruteForce.failures,
      t.portScan.ports,
      t.passwordSpraying.users,
    );
    this.authFailure = opts.isAuthFailure ?? defaultIsAuthFailure;
    this.idleMs =
      Math.max(t.bruteForce.window_s, t.portScan.window_s, t.passwordSpraying.window_s, 1) * 1000 + IDLE_SLACK_MS;
  }

  /** Sources currently held. */
  get size(): number {
    return this.keys.size;
  }

  clear(): void {
    this.keys.clear();
    this.now = Number.NEGATIVE_INFINITY;
  }

  /**
   * Feeds a batch in order; returns the hits for each event (same order as the input).
   * `authFailures[i]`, when given, says whether event i is a failed login (saves re-mapping).
   */
  observe(events: readonly EnrichedEvent[], authFailures?: readonly boolean[]): CorrelationHit[][] {
    const out: CorrelationHit[][] = new Array<CorrelationHit[]>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i] as EnrichedEvent;
      out[i] = this.observeOne(e, authFailures?.[i] ?? this.authFailure(e));
    }
    this.evictIdle();
    return out;
  }

  private observeOne(e: EnrichedEvent, failed: boolean): CorrelationHit[] {
    const t = Date.parse(e.ts);
    const key = correlationKey(e);
    if (!Number.isFinite(t) || key === null) return [];
    if (t > this.now) this.now = t;

    let node = this.keys.get(key);
    if (node === undefined) {
      if (this.keys.size >= this.maxKeys && this.keys.head) this.keys.delete(this.keys.head);
      node = this.keys.append(key, { last: t, fails: null, ports: null, users: null, secs: null });
    } else {
      this.keys.toTail(node); // most recently active goes to the back
      if (t > node.value.last) node.value.last = t;
    }
    const s = node.value;

    const hits: CorrelationHit[] = [];
    const th = this.thresholds;
    const cap = this.maxSamplesPerKey;

    // Failed logins: brute force and spraying.
    if (failed) {
      const w = th.bruteForce.window_s * 1000;
      const cutoff = s.last - w;
      s.fails ??= [];
      if (t >= cutoff) insertSorted(s.fails, t);
      pruneSorted(s.fails, cutoff);
      if (s.fails.length > cap) s.fails.splice(0, s.fails.length - cap);
      if (t >= cutoff && s.fails.length >= th.bruteForce.failures) {
        hits.push({ rule: 'brute_force', key, observed: s.fails.length, threshold: th.bruteForce.failures, window_s: th.bruteForce.window_s });
      }

      if (e.user) {
        const ws = th.passwordSpraying.window_s * 1000;
        const cut = s.last - ws;
        s.users ??= new LinkedMap();
        if (t >= cut) touch(s.users, e.user.slice(0, MAX_USER_CHARS), t);
        pruneSet(s.users, cut, cap);
        if (t >= cut && s.users.size >= th.passwordSpraying.users) {
          hits.push({
            rule: 'password_spraying',
            key,
            observed: s.users.size,
            threshold: th.passwordSpraying.users,
            window_s: th.passwordSpraying.window_s,
          });
        }
      }
    }

    // Distinct destination ports (not a server answering clients: well-known source port to a high port).
    if (e.dst_port !== null && !isServerReply(e)) {
      const w = th.portScan.window_s * 1000;
      const cutoff = s.last - w;
      s.ports ??= new LinkedMap();
      if (t >= cutoff) touch(s.ports, e.dst_port, t);
      pruneSet(s.ports, cutoff, cap);
      if (t >= cutoff && s.ports.size >= th.portScan.ports) {
        hits.push({ rule: 'port_scan', key, observed: s.ports.size, threshold: th.portScan.ports, window_s: th.portScan.window_s });
      }
    }

    // Events in the same second.
    const count = this.countSecond(s, Math.floor(t / 1000));
    if (count >= th.flood.events_per_s) {
      hits.push({ rule: 'flood', key, observed: count, threshold: th.flood.events_per_s, window_s: 1 });
    }
    return hits;
  }

  /** Adds one event to its second's bucket and returns that bucket's count. */
  private countSecond(s: KeyState, sec: number): number {
    const b = (s.secs ??= []);
    let oldest = -1;
    for (let i = 0; i < b.length; i += 2) {
      if (b[i] === sec) return (b[i + 1] = (b[i + 1] as number) + 1);
      if (oldest < 0 || (b[i] as number) < (b[oldest] as number)) oldest = i;
    }
    if (b.length < FLOOD_BUCKETS * 2) {
      b.push(sec, 1);
    } else if (oldest >= 0 && sec > (b[oldest] as number)) {
      b[oldest] = sec;
      b[oldest + 1] = 1;
    }
    // Older than every bucket kept: counted alone.
    return 1;
  }

  /** Drops sources idle for longer than the longest window (by event time). */
  private evictIdle(): void {
    const cutoff = this.now - this.idleMs;
    while (this.keys.head !== null && this.keys.head.value.last < cutoff) this.keys.delete(this.keys.head);
  }
}
