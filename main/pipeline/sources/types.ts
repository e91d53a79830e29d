/**
 * What a source is to the pipeline: a driver that yields batches of raw records, each with the
 * source's position after it (an opaque JSON cursor) that the pipeline commits in the SAME
 * transaction as the rows the batch produced. A file tail, a one-shot import, the simulator and
 * the indexer poller are drivers; the supervisor (supervisor.ts) runs any of them.
 */
import type { JsonObject } from '../normalize/common.js';
import type { EventFormat, SourcePosition } from '../types.js';

/** One raw record: a line of text, or an object the source already parsed (an indexer hit's _source). */
export interface RawRecord {
  raw: string | JsonObject;
  /** The normalizer to read it with (normalize/registry.ts). */
  format: EventFormat;
  /** Where it sits in its source; `position.id` set = a record the source may hand out twice (dropped once stored). */
  position: SourcePosition;
  /** With `position.id`: the record's own time (epoch ms), kept with the id so old ids can be forgotten. */
  idTs?: number;
  /** A line over the size limit (raw holds its head): quarantined with this reason. */
  oversize?: string;
}

/** JSON a cursor may hold (written with JSON.stringify, read back with JSON.parse). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface SourceBatch {
  records: RawRecord[];
  /** The source's position once this batch is stored, committed with its rows; undefined: unchanged. */
  cursor?: JsonValue;
  /** More to write in the batch's transaction (an import's memory). Throwing rolls the batch back. */
  commit?: () => void;
  /** Forget the stored record ids older than this (epoch ms): they can no longer be handed out again. */
  forgetIdsBefore?: number;
}

/** How a driver is doing between batches, for the supervisor's published state. */
export interface DriverProgress {
  /**
   * running: reading; caught_up: read everything there is for now; waiting: waiting for its input
   * to exist (a followed file not created yet).
   */
  state: 'running' | 'caught_up' | 'waiting';
  /** How much is known to be left (bytes of a file), or null. */
  behind?: number | null;
  /** One line about what it does or last decided ("rotated; now reading the new file from 0"). */
  note?: string | null;
}

export interface DriverContext {
  /** Aborted when the driver must stop (pause, stop, a lost lease). */
  signal: AbortSignal;
  report(progress: DriverProgress): void;
}

/**
 * A source of raw records. Built under the source's lease (it reads the committed cursor when it
 * starts), asked for batches until the source is exhausted (one-shot) or the signal aborts.
 * Throwing from `batches` is a failure: the supervisor shows it, backs off and builds a new driver
 * that starts again from the committed cursor.
 */
export interface SourceDriver {
  readonly sourceId: string;
  batches(ctx: DriverContext): AsyncIterable<SourceBatch>;
  close(): Promise<void>;
}

/** A driver failure worth retrying later; `retryAfterMs` when the other side said when (HTTP 429/503). */
export class DriverError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number | null = null,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DriverError';
  }
}
