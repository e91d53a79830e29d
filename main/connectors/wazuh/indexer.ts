import { z } from 'zod';
import type { ConnectorTestResult, WazuhIndexerConfig } from '../../contract/connectors.js';
import { BaseConnector, type ProbeResult } from '../base.js';
import { basicAuthHeader, httpClientFor, type ConnectorDeps, type HttpClient, type HttpRequest, type HttpResponse } from '../http.js';
import { systemClock, type Clock } from '../limits.js';
import { SecretSet } from '../redact.js';
import { basicCredentials, connectorFailure, type ConnectorError } from '../types.js';

/**
 * Wazuh indexer (OpenSearch, default port 9200): pulls `wazuh-alerts-*` in a bounded time range,
 * sorted by [timestamp asc, _id asc], paging with `search_after` inside a point in time (PIT)
 * when the server has them (OpenSearch >= 2.4) and plain `search_after` otherwise.
 *
 * Why `_id` and not the PIT tiebreaker (`_shard_doc`): a `_shard_doc` value means something only
 * inside the PIT that produced it, while the cursor must survive restarts and new PITs. With
 * (timestamp, _id) the order is total and the same in every PIT, so a cursor taken from one pull
 * resumes the next one exactly.
 *
 * Resume rule ("at or after"): a pull from cursor C asks for `timestamp >= C.timestamp` and
 * `search_after: C.sort`, so it returns exactly the hits that sort after the last one the driver
 * committed: a hit sharing C's millisecond but with a greater _id is kept, the hit at C is not.
 * The driver commits `page.cursor` in the same transaction as the page's rows. Documents that
 * reach the index late (timestamp earlier than a cursor already committed) are caught by
 * `overlapMs`: the pull then re-reads that much before the cursor and marks those hits
 * `replayed` (possibly stored already: the driver inserts them by `_id`, ignoring ones it has).
 * The upper bound of a pull is fixed when it starts (now - settleMs), so a pull always ends.
 */

export const WAZUH_INDEXER_PRODUCT = 'Wazuh indexer';
export const TIME_FIELD = 'timestamp';

/** Where the last committed hit sits: its sort values [epoch ms, _id]. */
export const IndexerCursor = z.object({ v: z.literal(1), sort: z.tuple([z.number(), z.string()]) }).strict();
export type IndexerCursor = z.infer<typeof IndexerCursor>;

export interface AlertHit {
  _id: string;
  _index: string;
  _source: Record<string, unknown>;
  sort: [number, string];
  /** In the overlap window before the resume cursor: may be stored already (insert by _id). */
  replayed: boolean;
}

export interface AlertPage {
  hits: AlertHit[];
  /** Commit this with the page's rows; null only for an empty first page. */
  cursor: IndexerCursor | null;
  /** Whether a point in time backed this page. */
  pit: boolean;
}

export interface PullOptions {
  /** Resume after this cursor; none = back-fill from `from` (default: backfillHours ago). */
  cursor?: IndexerCursor | null;
  from?: Date;
  /** Upper bound (exclusive); default now - settleMs, fixed at the start of the pull. */
  until?: Date;
  /** Leave the newest documents this long to land in the index before reading up to them. */
  settleMs?: number;
  /** Re-read this much before the cursor for late arrivals (hits come back `replayed`). */
  overlapMs?: number;
  pageSize?: number;
  /** Extra filters (OpenSearch query DSL clauses) AND-ed with the time range. */
  filters?: Record<string, unknown>[];
  /** Use a point in time when the server has them (default true). */
  usePit?: boolean;
  /** PIT keep-alive between pages. */
  keepAlive?: string;
  signal?: AbortSignal;
}

export const DEFAULT_SETTLE_MS = 5_000;

const Hit = z.object({
  _id: z.string(),
  _index: z.string(),
  _source: z.record(z.string(), z.unknown()).optional(),
  sort: z.tuple([z.union([z.number(), z.string()]), z.string()]).rest(z.unknown()),
});
const SearchResponse = z
  .object({
    pit_id: z.string().optional(),
    timed_out: z.boolean().optional(),
    _shards: z.object({ failed: z.number().default(0), total: z.number().optional() }).passthrough().optional(),
    hits: z.object({ total: z.unknown().optional(), hits: z.array(z.unknown()) }).passthrough(),
  })
  .passthrough();

const OsError = z
  .object({
    error: z.union([z.string(), z.object({ type: z.string().optional(), reason: z.string().nullable().optional(), root_cause: z.array(z.object({ type: z.string().optional() }).passthrough()).optional() }).passthrough()]),
    status: z.number().optional(),
  })
  .passthrough();

/** Total order of (timestamp ms, _id): negative when a sorts first. */
export function compareSort(a: readonly [number, string], b: readonly [number, string]): number {
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

export interface IndexerInfo {
  distribution: string;
  version: string;
  clusterName: string;
}

export class WazuhIndexerClient {
  readonly http: HttpClient;
  private readonly secrets = new SecretSet();
  private readonly clock: Clock;
  /** false once the server has shown it has no PIT API. */
  private pitSupported: boolean | null = null;

  constructor(
    readonly config: WazuhIndexerConfig,
    private readonly deps: ConnectorDeps,
  ) {
    this.clock = deps.clock ?? systemClock;
    this.http = httpClientFor(config, deps, this.secrets);
  }

  private async call(req: HttpRequest, context: string, accept: (status: number) => boolean = (s) => s < 300): Promise<HttpResponse> {
    const { username, password } = await basicCredentials(this.deps.credentials, this.config.username, this.secrets, this.config.name);
    const res = await this.http.request({ ...req, expectJson: true, headers: { ...req.headers, authorization: basicAuthHeader(username, password) } });
    if (!accept(res.status)) throw this.problem(res, context);
    return res;
  }

  private problem(res: HttpResponse, context: string): ConnectorError {
    const parsed = OsError.safeParse(res.json);
    const e = parsed.success ? parsed.data.error : null;
    const type = typeof e === 'string' ? e : (e?.root_cause?.[0]?.type ?? e?.type ?? '');
    const reason = typeof e === 'string' ? '' : (e?.reason ?? '');
    const detail = [type, reason].filter(Boolean).join(': ') || res.text.slice(0, 200) || `HTTP ${res.status}`;
    const where = `${this.config.name} ${context}`;
    if (z.object({ title: z.string(), detail: z.string() }).safeParse(res.json).success) {
      return connectorFailure('wrong_product', `${this.config.url} answers like the Wazuh server API, not the indexer (OpenSearch listens on port 9200 by default)`, { status: res.status });
    }
    if (res.status === 401) return connectorFailure('auth_failed', `${where}: the indexer rejected user "${this.config.username}" or its password (HTTP 401)`, { status: 401 });
    if (res.status === 403) return connectorFailure('forbidden', `${where}: user "${this.config.username}" may not do this (${detail}); it needs read access to ${this.config.index}`, { status: 403 });
    if (res.status === 429) return connectorFailure('rate_limited', `${where}: the indexer is overloaded (HTTP 429)`, { status: 429 });
    if (/fielddata/i.test(detail) && /_id/.test(detail)) {
      // Clusters with indices.id_field_data.enabled=false cannot sort on _id, the cursor's tie-breaker.
      return connectorFailure('http_error', `${where}: the indexer refuses to sort on _id (${detail})`, {
        status: res.status,
        remediation: 'Vigil pages by [timestamp, _id]; set the cluster setting indices.id_field_data.enabled to true',
      });
    }
    return connectorFailure('http_error', `${where}: HTTP ${res.status}: ${detail}`, { status: res.status });
  }

  async info(signal?: AbortSignal): Promise<IndexerInfo> {
    const res = await this.call({ method: 'GET', path: '/', ...(signal ? { signal } : {}) }, 'GET /');
    const d = z
      .object({ cluster_name: z.string().default(''), version: z.object({ number: z.string(), distribution: z.string().default('elasticsearch') }).passthrough() })
      .safeParse(res.json);
    if (!d.success) throw connectorFailure('wrong_product', `${this.config.url} is not an OpenSearch/Wazuh indexer: GET / has no version`);
    return { distribution: d.data.version.distribution, version: d.data.version.number, clusterName: d.data.cluster_name };
  }

  /** green / yellow / red and the counts behind it. */
  async clusterHealth(signal?: AbortSignal): Promise<{ status: string; numberOfNodes: number; unassignedShards: number }> {
    const res = await this.call({ method: 'GET', path: '/_cluster/health', ...(signal ? { signal } : {}) }, 'cluster health');
    const d = z
      .object({ status: z.string(), number_of_nodes: z.number().default(0), unassigned_shards: z.number().default(0) })
      .passthrough()
      .safeParse(res.json);
    if (!d.success) throw connectorFailure('bad_response', `${this.config.name} cluster health: unexpected answer`);
    return { status: d.data.status, numberOfNodes: d.data.number_of_nodes, unassignedShards: d.data.unassigned_shards };
  }

  /** Opens a PIT over the alert indices, or null when the server has no PIT API. */
  async openPit(keepAlive = '2m', signal?: AbortSignal): Promise<string | null> {
    if (this.pitSupported === false) return null;
    const res = await this.call(
      { method: 'POST', path: `/${this.config.index}/_search/point_in_time`, query: { keep_alive: keepAlive }, idempotent: true, ...(signal ? { signal } : {}) },
      'open point in time',
      (s) => s < 300 || s === 400 || s === 404 || s === 405,
    );
    if (res.status >= 300) {
      // Older OpenSearch (< 2.4) and Elasticsearch-style servers: "no handler found for uri".
      this.pitSupported = false;
      return null;
    }
    const d = z.object({ pit_id: z.string().min(1) }).safeParse(res.json);
    if (!d.success) throw connectorFailure('bad_response', `${this.config.name}: the point in time answer has no pit_id`);
    this.pitSupported = true;
    return d.data.pit_id;
  }

  /** Closes a PIT; failures are ignored (it expires by itself). */
  async closePit(pitId: string): Promise<void> {
    await this.call({ method: 'DELETE', path: '/_search/point_in_time', json: { pit_id: [pitId] }, idempotent: true }, 'close point in time', () => true).catch(() => undefined);
  }

  /** Alerts in [from, until) counted by the indexer (test and status). */
  async count(from: Date, until: Date, signal?: AbortSignal): Promise<number> {
    const res = await this.call(
      {
        method: 'POST',
        path: `/${this.config.index}/_search`,
        json: { size: 0, track_total_hits: true, query: { bool: { filter: [this.range(from, until)] } } },
        idempotent: true,
        ...(signal ? { signal } : {}),
      },
      'count alerts',
    );
    const total = (res.json as { hits?: { total?: unknown } })?.hits?.total;
    return typeof total === 'number' ? total : z.object({ value: z.number() }).safeParse(total).data?.value ?? 0;
  }

  private range(from: Date, until: Date): Record<string, unknown> {
    return { range: { [TIME_FIELD]: { gte: from.toISOString(), lt: until.toISOString(), format: 'strict_date_optional_time' } } };
  }

  /**
   * Pages of alerts after `cursor` (or from the back-fill start) up to a fixed upper bound. Each
   * page carries the cursor to commit with it. Transient faults are retried by the HTTP client;
   * when a PIT expires mid-pull, a new one is opened and paging goes on from the last hit.
   */
  async *pull(opts: PullOptions = {}): AsyncGenerator<AlertPage> {
    const signal = opts.signal;
    const now = this.clock.now();
    const cursor = opts.cursor ? IndexerCursor.parse(opts.cursor) : null;
    const overlap = Math.max(0, opts.overlapMs ?? 0);
    const until = opts.until ?? new Date(now - (opts.settleMs ?? DEFAULT_SETTLE_MS));
    const from = cursor ? new Date(cursor.sort[0] - overlap) : (opts.from ?? new Date(now - this.config.backfillHours * 3_600_000));
    const size = opts.pageSize ?? this.config.pageSize;
    if (from.getTime() >= until.getTime()) return;
    // With an overlap the first page starts at the window's lower bound; without, right after the cursor.
    let after: [number, string] | null = cursor && overlap === 0 ? cursor.sort : null;
    let last: IndexerCursor | null = cursor;
    let pitId = opts.usePit === false ? null : await this.openPit(opts.keepAlive, signal);
    const keepAlive = opts.keepAlive ?? '2m';
    try {
      for (;;) {
        const body: Record<string, unknown> = {
          size,
          track_total_hits: false,
          sort: [{ [TIME_FIELD]: { order: 'asc' } }, { _id: { order: 'asc' } }],
          query: { bool: { filter: [this.range(from, until), ...(opts.filters ?? [])] } },
          ...(after ? { search_after: after } : {}),
          ...(pitId ? { pit: { id: pitId, keep_alive: keepAlive } } : {}),
        };
        const res = await this.call(
          { method: 'POST', path: pitId ? '/_search' : `/${this.config.index}/_search`, json: body, idempotent: true, ...(signal ? { signal } : {}) },
          'search alerts',
          (s) => s < 300 || (pitId !== null && s === 404),
        );
        if (res.status === 404) {
          // The PIT expired (search_context_missing_exception): a fresh one, same position.
          pitId = await this.openPit(opts.keepAlive, signal);
          continue;
        }
        const parsed = SearchResponse.safeParse(res.json);
        if (!parsed.success) throw connectorFailure('bad_response', `${this.config.name} search alerts: the answer has no hits`);
        if ((parsed.data._shards?.failed ?? 0) > 0 || parsed.data.timed_out) {
          // Partial results could skip hits: treat as a transient failure of this page.
          throw connectorFailure('http_error', `${this.config.name} search alerts: ${parsed.data._shards?.failed ?? 0} shards failed or the search timed out; try again`);
        }
        if (parsed.data.pit_id) pitId = parsed.data.pit_id;
        const hits: AlertHit[] = [];
        for (const raw of parsed.data.hits.hits) {
          const h = Hit.safeParse(raw);
          if (!h.success) throw connectorFailure('bad_response', `${this.config.name} search alerts: a hit without _id or sort values`);
          const ts = typeof h.data.sort[0] === 'number' ? h.data.sort[0] : Date.parse(h.data.sort[0]);
          const sort: [number, string] = [ts, h.data.sort[1]];
          hits.push({ _id: h.data._id, _index: h.data._index, _source: h.data._source ?? {}, sort, replayed: cursor !== null && compareSort(sort, cursor.sort) <= 0 });
        }
        const tail = hits.at(-1);
        if (tail) {
          after = tail.sort;
          if (!last || compareSort(tail.sort, last.sort) > 0) last = { v: 1, sort: tail.sort };
        }
        if (hits.length) yield { hits, cursor: last, pit: pitId !== null };
        if (hits.length < size) return;
      }
    } finally {
      if (pitId) await this.closePit(pitId);
    }
  }

  async close(): Promise<void> {
    await this.http.close();
  }
}

/** The indexer as a Connector. */
export class WazuhIndexerConnector extends BaseConnector<WazuhIndexerConfig> {
  readonly product = WAZUH_INDEXER_PRODUCT;
  readonly client: WazuhIndexerClient;

  constructor(config: WazuhIndexerConfig, deps: ConnectorDeps) {
    super(config, deps.clock);
    this.client = new WazuhIndexerClient(config, deps);
  }

  /** GET / must be OpenSearch; the alert indices must be readable (counts the back-fill window). */
  protected async check(elapsed: () => number, signal?: AbortSignal): Promise<ConnectorTestResult> {
    const info = await this.client.info(signal);
    const latencyMs = elapsed();
    if (info.distribution !== 'opensearch') {
      return { ok: false, failure: { kind: 'wrong_product', message: `${this.config.url} is ${info.distribution} ${info.version}; the Wazuh indexer is OpenSearch` }, latencyMs };
    }
    const now = this.clock.now();
    const alerts = await this.client.count(new Date(now - this.config.backfillHours * 3_600_000), new Date(now), signal);
    return {
      ok: true,
      product: WAZUH_INDEXER_PRODUCT,
      version: info.version,
      latencyMs,
      details: { cluster: info.clusterName, [`alerts in the last ${this.config.backfillHours} h`]: String(alerts) },
    };
  }

  /** ok on green, degraded on yellow, down on red. */
  protected async probe(elapsed: () => number, signal?: AbortSignal): Promise<ProbeResult> {
    const info = await this.client.info(signal);
    const latencyMs = elapsed();
    const h = await this.client.clusterHealth(signal);
    const status = h.status === 'green' ? 'ok' : h.status === 'yellow' ? 'degraded' : 'down';
    return {
      status,
      version: info.version,
      latencyMs,
      problem: status === 'ok' ? null : `cluster ${info.clusterName} is ${h.status} (${h.unassignedShards} unassigned shards)`,
      details: { cluster: info.clusterName, clusterStatus: h.status, nodes: String(h.numberOfNodes) },
    };
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
