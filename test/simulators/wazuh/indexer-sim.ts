import crypto from 'node:crypto';
import { alertSource, indexOf, type AlertKey, type SimAgent } from './data.js';
import { basicAuth, json, type Reply, type SimRequest } from './server-kit.js';

/**
 * The Wazuh indexer (OpenSearch 2.19) as far as an alert puller sees it: `GET /`,
 * `GET /_cluster/health`, `_search` over `wazuh-alerts-*` with bool/range/term filters, sort on
 * timestamp with an `_id` tiebreaker (the only sort it implements; others get a 400 saying so), `search_after`, `size`/`from` within
 * index.max_result_window, point in time (create, search, expire, delete), HTTP Basic via the
 * security plugin. With `pit: false` it behaves like a release without the PIT API (< 2.4).
 * Alerts are kept as sorted keys; each `_source` is rebuilt from its seed when served.
 */

export interface IndexerSimOptions {
  agents: SimAgent[];
  users?: Record<string, string>;
  /** Whether the PIT API exists (OpenSearch >= 2.4). */
  pit?: boolean;
  clusterStatus?: 'green' | 'yellow' | 'red';
  version?: string;
  distribution?: string;
  /** indices.id_field_data.enabled (true by default in OpenSearch 2.x): false refuses sorts on _id. */
  idFieldData?: boolean;
  now?: () => number;
}

const MAX_RESULT_WINDOW = 10_000;

const osError = (status: number, type: string, reason: string): Reply =>
  json(status, { error: { root_cause: [{ type, reason }], type, reason }, status });

interface Pit {
  pattern: string;
  /** Only documents stored before the PIT was opened. */
  seqLimit: number;
  expiresAt: number;
}

function parseKeepAlive(s: unknown): number | null {
  const m = typeof s === 'string' ? /^(\d+)(ms|s|m|h|d)$/.exec(s) : null;
  if (!m) return null;
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd'];
}

function globToRegex(pattern: string): RegExp {
  return new RegExp(`^(${pattern.split(',').map((p) => p.trim().replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')).join('|')})$`);
}

type Predicate = (key: AlertKey, source: () => Record<string, unknown>) => boolean;

function getPath(o: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((x, k) => (x && typeof x === 'object' ? (x as Record<string, unknown>)[k] : undefined), o);
}

export class IndexerSim {
  /** Sorted by (ts, id). */
  private ts: number[] = [];
  private ids: string[] = [];
  private ns: number[] = [];
  private seqs: number[] = [];
  private seq = 0;
  private readonly pits = new Map<string, Pit>();
  private readonly now: () => number;
  /** Search requests served (tests check that paging happened). */
  searches = 0;

  constructor(readonly opts: IndexerSimOptions) {
    this.now = opts.now ?? Date.now;
  }

  get size(): number {
    return this.ts.length;
  }

  /** Open point-in-time contexts (tests check they are closed). */
  get openPits(): number {
    return this.pits.size;
  }

  /** Index more alerts (late arrivals included: any timestamp). */
  add(keys: AlertKey[]): void {
    const incoming = [...keys].sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const n = this.ts.length + incoming.length;
    const ts = new Array<number>(n);
    const ids = new Array<string>(n);
    const ns = new Array<number>(n);
    const seqs = new Array<number>(n);
    let i = 0;
    let j = 0;
    for (let k = 0; k < n; k++) {
      const takeOld =
        j >= incoming.length || (i < this.ts.length && (this.ts[i]! < incoming[j]!.ts || (this.ts[i] === incoming[j]!.ts && this.ids[i]! < incoming[j]!.id)));
      if (takeOld) {
        ts[k] = this.ts[i]!;
        ids[k] = this.ids[i]!;
        ns[k] = this.ns[i]!;
        seqs[k] = this.seqs[i]!;
        i++;
      } else {
        const key = incoming[j++]!;
        ts[k] = key.ts;
        ids[k] = key.id;
        ns[k] = key.n;
        seqs[k] = ++this.seq;
      }
    }
    this.ts = ts;
    this.ids = ids;
    this.ns = ns;
    this.seqs = seqs;
  }

  /** Every stored document id (tests compare pulls with it). */
  allIds(): string[] {
    return [...this.ids];
  }

  /** First position whose (ts, id) is >= (t, id) (id '' = the first of that ms). */
  private lowerBound(t: number, id = ''): number {
    let lo = 0;
    let hi = this.ts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid]! < t || (this.ts[mid] === t && this.ids[mid]! < id)) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private authed(req: SimRequest): boolean {
    const c = basicAuth(req);
    const users = this.opts.users ?? { admin: 'admin' };
    return !!c && users[c.username] !== undefined && users[c.username] === c.password;
  }

  handle = (req: SimRequest): Reply => {
    if (!this.authed(req)) {
      return { status: 401, body: 'Unauthorized', headers: { 'www-authenticate': 'Basic realm="OpenSearch Security"', 'content-type': 'text/plain; charset=UTF-8' } };
    }
    this.expirePits();
    const path = req.path;
    if (req.method === 'GET' && path === '/') return this.info();
    if (req.method === 'GET' && path === '/_cluster/health') return this.health();
    const pitPath = /^\/([^/]+)\/_search\/point_in_time$/.exec(path);
    if (pitPath || path === '/_search/point_in_time') {
      if (this.opts.pit === false) return json(400, { error: `no handler found for uri [${path}${req.query.size ? `?${req.query}` : ''}] and method [${req.method}]` });
      if (pitPath && req.method === 'POST') return this.createPit(decodeURIComponent(pitPath[1]!), req);
      if (!pitPath && req.method === 'DELETE') return this.deletePit(req);
      return osError(405, 'illegal_argument_exception', `Incorrect HTTP method for uri [${path}] and method [${req.method}]`);
    }
    const search = /^(?:\/([^/]+))?\/_search$/.exec(path);
    if (search && (req.method === 'POST' || req.method === 'GET')) return this.search(search[1] ? decodeURIComponent(search[1]) : null, req);
    return json(400, { error: `no handler found for uri [${path}] and method [${req.method}]` });
  };

  private info(): Reply {
    return json(200, {
      name: 'wazuh-indexer',
      cluster_name: 'wazuh-cluster',
      cluster_uuid: 'Xk2Yv3pQRq6mP1aB9cD0eF',
      version: {
        distribution: this.opts.distribution ?? 'opensearch',
        number: this.opts.version ?? '2.19.1',
        build_type: 'rpm',
        build_hash: '2e4741fb45d1b150aaeeadf66d41445b23ff5982',
        build_date: '2025-02-27T01:16:47.726162386Z',
        build_snapshot: false,
        lucene_version: '9.12.1',
        minimum_wire_compatibility_version: '7.10.0',
        minimum_index_compatibility_version: '7.0.0',
      },
      tagline: 'The OpenSearch Project: https://opensearch.org/',
    });
  }

  private health(): Reply {
    const status = this.opts.clusterStatus ?? 'green';
    const unassigned = status === 'green' ? 0 : status === 'yellow' ? 5 : 10;
    return json(200, {
      cluster_name: 'wazuh-cluster',
      status,
      timed_out: false,
      number_of_nodes: 1,
      number_of_data_nodes: 1,
      discovered_master: true,
      discovered_cluster_manager: true,
      active_primary_shards: 12,
      active_shards: 12,
      relocating_shards: 0,
      initializing_shards: 0,
      unassigned_shards: unassigned,
      delayed_unassigned_shards: 0,
      number_of_pending_tasks: 0,
      number_of_in_flight_fetch: 0,
      task_max_waiting_in_queue_millis: 0,
      active_shards_percent_as_number: status === 'green' ? 100 : 70.5,
    });
  }

  private expirePits(): void {
    const now = this.now();
    for (const [id, p] of this.pits) if (p.expiresAt <= now) this.pits.delete(id);
  }

  /** Ends every PIT now (as after a node restart). */
  expireAllPits(): void {
    this.pits.clear();
  }

  private createPit(pattern: string, req: SimRequest): Reply {
    const keepAlive = parseKeepAlive(req.query.get('keep_alive'));
    if (keepAlive === null) return osError(400, 'action_request_validation_exception', 'Validation Failed: 1: keep alive not specified;');
    const id = crypto.randomBytes(48).toString('base64url');
    this.pits.set(id, { pattern, seqLimit: this.seq, expiresAt: this.now() + keepAlive });
    return json(200, { pit_id: id, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, creation_time: this.now() });
  }

  private deletePit(req: SimRequest): Reply {
    let ids: unknown;
    try {
      ids = (JSON.parse(req.text || '{}') as { pit_id?: unknown }).pit_id;
    } catch {
      return osError(400, 'parse_exception', 'request body is not valid JSON');
    }
    const list = Array.isArray(ids) ? ids.map(String) : typeof ids === 'string' ? [ids] : [];
    return json(200, { pits: list.map((id) => ({ pit_id: id, successful: this.pits.delete(id) })) });
  }

  private compileQuery(q: unknown): Predicate | string {
    if (q === undefined || q === null) return () => true;
    if (typeof q !== 'object' || Array.isArray(q)) return 'query malformed, must start with start_object';
    const [kind, body] = Object.entries(q as Record<string, unknown>)[0] ?? [];
    const clauses = (v: unknown) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
    switch (kind) {
      case 'match_all':
        return () => true;
      case 'bool': {
        const b = body as Record<string, unknown>;
        const must = [...clauses(b.filter), ...clauses(b.must)].map((c) => this.compileQuery(c));
        const not = clauses(b.must_not).map((c) => this.compileQuery(c));
        const bad = [...must, ...not].find((p) => typeof p === 'string');
        if (bad) return bad;
        return (k, s) => (must as Predicate[]).every((p) => p(k, s)) && !(not as Predicate[]).some((p) => p(k, s));
      }
      case 'range': {
        const [fieldName, r] = Object.entries(body as Record<string, Record<string, unknown>>)[0] ?? [];
        if (!fieldName || !r) return '[range] query malformed, no field';
        const isTime = fieldName === 'timestamp' || fieldName === '@timestamp';
        const val = (v: unknown) => (isTime ? this.dateValue(v) : Number(v));
        const bounds = { gte: r.gte, gt: r.gt, lte: r.lte, lt: r.lt };
        for (const v of Object.values(bounds)) if (v !== undefined && Number.isNaN(val(v))) return `failed to parse date field [${String(v)}]`;
        const test = (x: number) =>
          (bounds.gte === undefined || x >= val(bounds.gte)) &&
          (bounds.gt === undefined || x > val(bounds.gt)) &&
          (bounds.lte === undefined || x <= val(bounds.lte)) &&
          (bounds.lt === undefined || x < val(bounds.lt));
        return isTime ? (k) => test(k.ts) : (_k, s) => test(Number(getPath(s(), fieldName)));
      }
      case 'term':
      case 'terms': {
        const [fieldName, v] = Object.entries(body as Record<string, unknown>)[0] ?? [];
        if (!fieldName) return `[${kind}] query malformed`;
        const wanted = (kind === 'terms' ? clauses(v) : [typeof v === 'object' && v !== null && 'value' in v ? (v as { value: unknown }).value : v]).map(String);
        if (fieldName === '_id') return (k) => wanted.includes(k.id);
        return (_k, s) => {
          const got = getPath(s(), fieldName);
          return Array.isArray(got) ? got.some((g) => wanted.includes(String(g))) : wanted.includes(String(got));
        };
      }
      default:
        return `unknown query [${String(kind)}]`;
    }
  }

  private dateValue(v: unknown): number {
    if (typeof v === 'number') return v;
    const s = String(v);
    const math = /^now(?:-(\d+)([smhd]))?$/.exec(s);
    if (math) return this.now() - (math[1] ? Number(math[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[math[2] as 's' | 'm' | 'h' | 'd'] : 0);
    if (/^\d+$/.test(s)) return Number(s);
    return Date.parse(s);
  }

  private search(pathIndex: string | null, req: SimRequest): Reply {
    this.searches += 1;
    let body: Record<string, unknown>;
    try {
      body = req.text ? (JSON.parse(req.text) as Record<string, unknown>) : {};
    } catch {
      return osError(400, 'parse_exception', 'request body or source parameter is required');
    }
    const pitRef = body.pit as { id?: unknown; keep_alive?: unknown } | undefined;
    let pit: Pit | null = null;
    if (pitRef) {
      if (pathIndex) return osError(400, 'illegal_argument_exception', '[indices] cannot be used with point in time');
      pit = typeof pitRef.id === 'string' ? (this.pits.get(pitRef.id) ?? null) : null;
      if (!pit) {
        return json(404, {
          error: {
            root_cause: [{ type: 'search_context_missing_exception', reason: 'No search context found for id [1]' }],
            type: 'search_phase_execution_exception',
            reason: 'all shards failed',
            phase: 'query',
            grouped: true,
            failed_shards: [{ shard: -1, index: null, reason: { type: 'search_context_missing_exception', reason: 'No search context found for id [1]' } }],
          },
          status: 404,
        });
      }
      const ka = parseKeepAlive(pitRef.keep_alive);
      if (ka !== null) pit.expiresAt = this.now() + ka;
    }
    const pattern = pit?.pattern ?? pathIndex ?? '*';
    const indexRe = globToRegex(pattern);
    if (!pattern.includes('*') && !this.ts.some((t) => indexRe.test(indexOf(t)))) {
      return json(404, {
        error: { root_cause: [{ type: 'index_not_found_exception', reason: `no such index [${pattern}]`, index: pattern }], type: 'index_not_found_exception', reason: `no such index [${pattern}]`, index: pattern },
        status: 404,
      });
    }
    const size = body.size === undefined ? 10 : Number(body.size);
    const from = body.from === undefined ? 0 : Number(body.from);
    if (!Number.isInteger(size) || size < 0 || !Number.isInteger(from) || from < 0) return osError(400, 'illegal_argument_exception', '[size] and [from] must be non-negative integers');
    if (from + size > MAX_RESULT_WINDOW) {
      return osError(400, 'illegal_argument_exception', `Result window is too large, from + size must be less than or equal to: [${MAX_RESULT_WINDOW}] but was [${from + size}].`);
    }
    // sort: [timestamp asc, _id asc]
    const sortSpec = (Array.isArray(body.sort) ? body.sort : body.sort === undefined ? [] : [body.sort]).map((s) => {
      if (typeof s === 'string') return { field: s, order: 'asc' };
      const [f, o] = Object.entries(s as Record<string, unknown>)[0] ?? ['', 'asc'];
      return { field: f, order: typeof o === 'string' ? o : String((o as { order?: unknown })?.order ?? 'asc') };
    });
    const sorted = sortSpec.length > 0;
    if (sorted) {
      const ok =
        sortSpec.length === 2 &&
        (sortSpec[0]!.field === 'timestamp' || sortSpec[0]!.field === '@timestamp') &&
        sortSpec[1]!.field === '_id' &&
        sortSpec.every((s) => s.order === 'asc');
      if (!ok) return osError(400, 'illegal_argument_exception', `the simulator sorts only by [timestamp asc, _id asc] not ${JSON.stringify(body.sort)}`);
    }
    if (sorted && this.opts.idFieldData === false && sortSpec.some((s) => s.field === '_id')) {
      return osError(400, 'illegal_argument_exception', 'Fielddata access on the _id field is disallowed, you can re-enable it by updating the dynamic cluster setting: indices.id_field_data.enabled');
    }
    const after = body.search_after as unknown[] | undefined;
    if (after !== undefined) {
      if (!sorted) return osError(400, 'illegal_argument_exception', 'Sort must contain at least one field.');
      if (!Array.isArray(after) || after.length !== sortSpec.length) return osError(400, 'illegal_argument_exception', `search_after has ${Array.isArray(after) ? after.length : 0} value(s) but sort has ${sortSpec.length}.`);
      if (from > 0) return osError(400, 'illegal_argument_exception', '[from] parameter must be set to 0 when [search_after] is used.');
    }
    const pred = this.compileQuery(body.query);
    if (typeof pred === 'string') return osError(400, 'parsing_exception', pred);
    let start = 0;
    if (after) {
      const t = this.dateValue(after[0]);
      start = this.lowerBound(t, String(after[1]));
      if (this.ids[start] === String(after[1]) && this.ts[start] === t) start++;
    }
    const hits: unknown[] = [];
    let total = 0;
    const track = body.track_total_hits;
    const countAll = track === true || track === undefined;
    let skipped = 0;
    for (let i = start; i < this.ts.length; i++) {
      if (pit && this.seqs[i]! > pit.seqLimit) continue;
      const ts = this.ts[i]!;
      if (!indexRe.test(indexOf(ts))) continue;
      const key = { ts, id: this.ids[i]!, n: this.ns[i]! };
      let src: Record<string, unknown> | null = null;
      const source = () => (src ??= alertSource(key, this.opts.agents));
      if (!pred(key, source)) continue;
      total++;
      if (skipped < from) {
        skipped++;
        continue;
      }
      if (hits.length < size) {
        hits.push({ _index: indexOf(ts), _id: key.id, _score: null, _source: source(), ...(sorted ? { sort: [ts, key.id] } : {}) });
      } else if (!countAll || total > MAX_RESULT_WINDOW) {
        break;
      }
    }
    const hitsTotal = track === false ? undefined : countAll && track === true ? { value: total, relation: 'eq' } : { value: Math.min(total, MAX_RESULT_WINDOW), relation: total > MAX_RESULT_WINDOW ? 'gte' : 'eq' };
    return json(200, {
      ...(pit ? { pit_id: pitRef!.id } : {}),
      took: 3,
      timed_out: false,
      _shards: { total: 1, successful: 1, skipped: 0, failed: 0 },
      hits: { ...(hitsTotal ? { total: hitsTotal } : {}), max_score: null, hits },
    });
  }
}
