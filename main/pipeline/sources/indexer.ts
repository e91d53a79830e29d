/**
 * The Wazuh indexer (OpenSearch) driver: polls `wazuh-alerts-*` through the connector's client
 * (connectors/wazuh/indexer.ts: a bounded time range, `search_after` on [timestamp, _id] inside a
 * point in time where the server has one). Each page becomes one batch whose cursor, the page's
 * sort values `{v: 1, sort: [epoch ms, _id]}`, is committed with its rows; `_source` goes through
 * the Wazuh normalizer. A source without a cursor back-fills the connector's window (24 h by
 * default) first.
 *
 * Every pull after the first re-reads an overlap window before the cursor, for alerts the indexer
 * made searchable late. Each hit carries its `_id` as the record id: the pipeline stores a source's
 * ids with the rows, in the same transaction, and drops a hit whose id it has, so an alert is
 * stored once whatever is read again (the overlap, a page repeated after a crash between the
 * server's answer and the commit). Ids older than the overlap can never come back and are forgotten.
 */
import { z } from 'zod';
import { failureOf } from '../../connectors/types.js';
import { IndexerCursor, type AlertHit, type AlertPage, type PullOptions } from '../../connectors/wazuh/indexer.js';
import type { PipelineRepo } from '../../store/pipeline-repo.js';
import { DriverError, type DriverContext, type RawRecord, type SourceBatch, type SourceDriver } from './types.js';

/** What the driver needs of an indexer client (WazuhIndexerClient). */
export interface AlertPuller {
  pull(opts: PullOptions): AsyncIterable<AlertPage>;
}

/** Re-read before the cursor on every pull, for late-indexed alerts (their ids are dropped if stored). */
export const DEFAULT_OVERLAP_MS = 60_000;
/** Ids are kept this much longer than the overlap needs them. */
const FORGET_MARGIN_MS = 3_600_000;

export interface IndexerDriverOptions {
  sourceId: string;
  client: AlertPuller;
  /** How long to wait after catching up before looking for new alerts. */
  pollMs: number;
  overlapMs?: number;
  /** Leave the newest alerts this long to be indexed before reading up to them (the client's default otherwise). */
  settleMs?: number;
  /** Hits per request (the connector's page size otherwise). */
  pageSize?: number;
  now?: () => number;
}

/** The source id of an indexer connector's alerts. */
export function indexerSourceId(connectorId: string): string {
  return `indexer:${connectorId}`;
}

function record(h: AlertHit): RawRecord {
  return { raw: h._source, format: 'wazuh', position: { file: h._index, line: null, offset: null, id: h._id }, idTs: h.sort[0] };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * Iterates `source` one item ahead: the next item (the indexer's next page) is requested as soon
 * as this one is handed out, so the request and its JSON travel while the pipeline stores this
 * page. Nothing is committed ahead: the cursor still moves only with the batch that holds it.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const it = source[Symbol.asyncIterator]();
  let next = it.next();
  try {
    for (;;) {
      const r = await next;
      if (r.done) return;
      next = it.next();
      // its failure is thrown where it is awaited (above), not reported as unhandled meanwhile
      next.catch(() => undefined);
      yield r.value;
    }
  } finally {
    await it.return?.();
  }
}

export class IndexerDriver implements SourceDriver {
  readonly sourceId: string;
  private cursor: IndexerCursor | null;
  private readonly overlapMs: number;
  private readonly now: () => number;

  /** Built under the source's lease: starts from the committed cursor. */
  constructor(
    repo: PipelineRepo,
    private readonly opts: IndexerDriverOptions,
  ) {
    this.sourceId = opts.sourceId;
    this.overlapMs = opts.overlapMs ?? DEFAULT_OVERLAP_MS;
    this.now = opts.now ?? Date.now;
    const stored = repo.getCursor(this.sourceId);
    const parsed = IndexerCursor.safeParse(stored);
    if (stored !== null && !parsed.success) {
      // never start over silently: that would read the back-fill window again
      throw new DriverError(`the stored cursor of ${this.sourceId} is unreadable (${z.prettifyError(parsed.error).replace(/\s+/g, ' ')})`);
    }
    this.cursor = parsed.success ? parsed.data : null;
  }

  async *batches(ctx: DriverContext): AsyncGenerator<SourceBatch> {
    const { signal } = ctx;
    while (!signal.aborted) {
      const resumed = this.cursor !== null;
      const pull = this.opts.client.pull({
        cursor: this.cursor,
        overlapMs: resumed ? this.overlapMs : 0,
        signal,
        ...(this.opts.settleMs !== undefined ? { settleMs: this.opts.settleMs } : {}),
        ...(this.opts.pageSize !== undefined ? { pageSize: this.opts.pageSize } : {}),
      });
      try {
        for await (const page of readAhead(pull)) {
          if (!page.cursor) continue;
          ctx.report({ state: 'running', note: `${resumed ? 'reading' : 'back-filling'} alerts up to ${new Date(page.cursor.sort[0]).toISOString()}` });
          yield { records: page.hits.map(record), cursor: page.cursor, forgetIdsBefore: page.cursor.sort[0] - this.overlapMs - FORGET_MARGIN_MS };
          this.cursor = page.cursor;
        }
      } catch (err) {
        if (signal.aborted) return;
        const f = failureOf(err);
        throw new DriverError(f.message, f.retryAfterMs ?? null, { cause: err });
      }
      const next = new Date(this.now() + this.opts.pollMs);
      ctx.report({ state: 'caught_up', note: `${this.cursor ? `read up to ${new Date(this.cursor.sort[0]).toISOString()}` : 'no alerts yet'}; next look at ${next.toISOString()}` });
      await sleep(this.opts.pollMs, signal);
    }
  }

  async close(): Promise<void> {}
}
