/**
 * One read of the hunt reader (reader.ts, run in reader-entry.ts): a call of a HuntService method
 * that reads the record store, with the caller's clock, answered with its value or its error.
 */
import type { Database } from 'better-sqlite3';
import { ContractError, type ErrorCode } from '../contract/index.js';
import type { HuntService } from './service.js';

/** The hunt's reads: those that can take a while on a large store (a day's group-by: seconds). */
const HUNT_READS = ['query', 'histogram', 'groupBy', 'get', 'getMany', 'evidence', 'hosts', 'hostDetail'] as const;
export type HuntRead = (typeof HUNT_READS)[number];
export type HuntReads = Pick<HuntService, HuntRead>;

export interface HuntReadCall<M extends HuntRead = HuntRead> {
  id: number;
  method: M;
  args: Parameters<HuntReads[M]>;
  /** The caller's now (epoch ms): a range left open ends there, as it would on the caller's thread. */
  nowMs: number;
}

/**
 * `error`: the read refused (a ContractError: a bad query, an unknown id), given to the caller as it
 * is. `failure`: the read broke (the reader's database, a bug), and the caller reads again itself.
 */
export type HuntReadReply =
  | { id: number; value: unknown }
  | { id: number; error: { code: ErrorCode; message: string; issues?: string[] } }
  | { id: number; failure: string };

const METHODS: ReadonlySet<string> = new Set(HUNT_READS);

/** Runs one read on `hunt`, whose clock reads `clock.nowMs`. */
export function runRead(hunt: HuntService, clock: { nowMs: number }, call: HuntReadCall): HuntReadReply {
  try {
    if (!METHODS.has(call.method)) throw new Error(`not a hunt read: ${String(call.method)}`);
    clock.nowMs = call.nowMs;
    const method = hunt[call.method] as (...args: unknown[]) => unknown;
    return { id: call.id, value: method.apply(hunt, call.args) };
  } catch (err) {
    if (err instanceof ContractError) return { id: call.id, error: err.toJSON() };
    return { id: call.id, failure: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * runRead over `db` (the reader's own connection to the store), each read in one read transaction:
 * a read of several statements (a host's page, an alert's evidence) sees the same committed batches
 * in each, as it did on the main thread, where no batch could come between them.
 */
export function snapshotReads(db: Database, hunt: HuntService, clock: { nowMs: number }): (call: HuntReadCall) => HuntReadReply {
  return db.transaction((call: HuntReadCall) => runRead(hunt, clock, call));
}
