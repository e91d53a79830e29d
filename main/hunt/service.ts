/**
 * Hunting over the record store: the contract's events.*, hosts.* and hunt.* calls. Parses the
 * query (a syntax error becomes BAD_REQUEST with its column), compiles it to parameterised SQL
 * (main/store/records-query.ts) and shapes the answers. No SQL here.
 */
import {
  ContractError,
  HOST_ACTIVITY_DAYS,
  type EventsEvidence,
  type EventsGroupByResponse,
  type EventsHistogramResponse,
  type EventsQueryResponse,
  type EventDetail,
  type HostDetail,
  type Host,
  type HostsListResponse,
  type HuntCheckResponse,
  type HuntField,
  type SavedHuntQuery,
  type Severity,
  type AlertStatus,
} from '../contract/index.js';
import { classifyIp } from '../pipeline/enrich/ipclass.js';
import { ipBlobRange } from '../store/ipblob.js';
import { compileGroupWhere, compileWhere, fieldExpression, storedValue } from '../store/records-query.js';
import { ADDRESS_CARRIED, HOUR_COLUMNS, HOUR_MS, type AddressCarried, type HostRowOut, type HourColumn, type RecordsRepo } from '../store/records-repo.js';
import { COMMON_COLUMNS, type CommonField } from './fields.js';
import { HuntSyntaxError, isHuntField, listMax, parseHuntQuery, quoteValue, termsText, type HuntQueryAst } from './query.js';

const DAY_MS = 86_400_000;
/** Histogram bucket widths, smallest first: the first that gives at most the asked count is used. */
const STEPS_MS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86_400, 7 * 86_400].map((s) => s * 1000);
/** Flow ids of an alert looked up for its evidence. */
const EVIDENCE_FLOWS = 50;
const EVIDENCE_TYPES = ['dns', 'http', 'tls', 'fileinfo'];

export interface Range {
  from?: string | undefined;
  to?: string | undefined;
}

function parse(query: string): HuntQueryAst {
  try {
    return parseHuntQuery(query);
  } catch (e) {
    if (e instanceof HuntSyntaxError) throw new ContractError('BAD_REQUEST', `query: ${e.message}`);
    throw e;
  }
}

function encodeCursor(c: object): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeCursor<T>(s: string, check: (v: unknown) => v is T): T {
  try {
    const v: unknown = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    if (check(v)) return v;
  } catch {
    // falls through
  }
  throw new ContractError('BAD_REQUEST', 'cursor: not a cursor this call gave');
}

const isSeen = (v: unknown): boolean => v === undefined || (Number.isSafeInteger(v) && (v as number) >= 0);

/** A page of a list in time order: after (ts, id); `seen`, the rows listed so far when the list has a head. */
const isTsCursor = (v: unknown): v is { ts: number; id: number; seen?: number } =>
  typeof v === 'object' &&
  v !== null &&
  Number.isSafeInteger((v as { ts: unknown }).ts) &&
  Number.isSafeInteger((v as { id: unknown }).id) &&
  isSeen((v as { seen: unknown }).seen);

/** A page of a list sorted by a field: the rows listed so far (an offset; such a list stops at HEAD_MAX). */
const isSeenCursor = (v: unknown): v is { seen: number } =>
  typeof v === 'object' && v !== null && !('ts' in v) && (v as { seen: unknown }).seen !== undefined && isSeen((v as { seen: unknown }).seen);

const isHostCursor = (v: unknown): v is { k: number; ip: string } =>
  typeof v === 'object' && v !== null && Number.isFinite((v as { k: unknown }).k) && typeof (v as { ip: unknown }).ip === 'string';

/**
 * The query with its terms restricted to the event types of the per-type fields it groups or sorts
 * by: slot s1 is dns.rrname in a dns record and http.hostname in an http one.
 */
function withTypes(ast: HuntQueryAst, exprs: readonly ReturnType<typeof fieldExpression>[]): HuntQueryAst {
  const extra = exprs.flatMap((e) =>
    e.types ? [{ field: 'event_type' as const, negate: false, op: '=' as const, values: e.types.map((t) => ({ text: t, column: 1, wildcard: false })), column: 1 }] : [],
  );
  return { ...ast, terms: [...ast.terms, ...extra] };
}

/** `field:v` or `field:(a OR b)`; '' for no values. */
function anyOf(field: string, values: readonly string[]): string {
  if (values.length === 0) return '';
  return values.length === 1 ? `${field}:${quoteValue(values[0]!)}` : `${field}:(${values.map(quoteValue).join(' OR ')})`;
}

/** The records column holding a common field, or undefined for any other field. */
function commonColumn(f: HuntField): string | undefined {
  return Object.prototype.hasOwnProperty.call(COMMON_COLUMNS, f) ? COMMON_COLUMNS[f as CommonField] : undefined;
}

/** The record_hours column (migration 0021) holding a field, or null when it counts by none. */
function hourColumn(f: HuntField): HourColumn | null {
  const column = commonColumn(f);
  return column !== undefined && HOUR_COLUMNS.has(column) ? (column as HourColumn) : null;
}

/** The column of a field the address indexes carry (ADDRESS_CARRIED), or null for any other field. */
function carriedColumn(f: HuntField): AddressCarried | null {
  const column = commonColumn(f);
  return column !== undefined && (ADDRESS_CARRIED as readonly string[]).includes(column) ? (column as AddressCarried) : null;
}

export class HuntService {
  constructor(
    private readonly repo: RecordsRepo,
    private readonly now: () => Date,
  ) {}

  /** [from, to) in epoch ms: the given bounds, else the last 24 hours up to now. */
  range(r: Range): { from: number; to: number } {
    const to = r.to !== undefined ? Date.parse(r.to) : this.now().getTime() + 1;
    const from = r.from !== undefined ? Date.parse(r.from) : to - DAY_MS;
    if (from >= to) throw new ContractError('BAD_REQUEST', 'from: must be before to');
    return { from, to };
  }

  check(query: string): HuntCheckResponse {
    try {
      const ast = parseHuntQuery(query);
      return { ok: true, fields: [...new Set(ast.terms.map((t) => t.field))], pipes: [...(ast.groupby ? ['groupby'] : []), ...(ast.sort ? ['sort'] : []), ...(ast.head ? ['head'] : [])] };
    } catch (e) {
      if (e instanceof HuntSyntaxError) return { ok: false, message: e.message, column: e.column };
      throw e;
    }
  }

  query(query: string, r: Range, limit: number, cursor: string | undefined): EventsQueryResponse {
    const ast = parse(query);
    if (ast.groupby) throw new ContractError('BAD_REQUEST', 'query: a "| groupby" query is answered by events.groupby');
    const { from, to } = this.range(r);
    const sortField = ast.sort?.field;
    const where = compileWhere(sortField === undefined || sortField === 'ts' ? ast : withTypes(ast, [this.field(sortField)]), from, to);
    const dir = ast.sort?.dir ?? 'desc';
    const byTs = sortField === undefined || sortField === 'ts';
    // a head (or a sort by a field) ends the list after `max` rows, over as many pages as it takes
    const max = listMax(ast);
    let after: { ts: number; id: number } | null = null;
    let seen = 0;
    if (cursor !== undefined && byTs) {
      const c = decodeCursor(cursor, isTsCursor);
      after = { ts: c.ts, id: c.id };
      seen = c.seen ?? 0;
    } else if (cursor !== undefined) seen = decodeCursor(cursor, isSeenCursor).seen;
    const n = Math.max(0, Math.min(limit, (max ?? Number.MAX_SAFE_INTEGER) - seen));
    const rows = n === 0 ? [] : this.repo.page(where, { ...(byTs ? {} : { orderExpr: this.field(sortField as HuntField).expr, offset: seen }), dir, after, limit: n + 1 });
    const page = rows.slice(0, n);
    const last = page[page.length - 1];
    const more = rows.length > n && last !== undefined && (max === null || seen + n < max);
    return {
      rows: page,
      next: !more ? null : byTs ? encodeCursor({ ts: Date.parse(last.ts), id: last.id, ...(max !== null ? { seen: seen + n } : {}) }) : encodeCursor({ seen: seen + n }),
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
    };
  }

  private field(field: HuntField): ReturnType<typeof fieldExpression> {
    try {
      return fieldExpression(field);
    } catch (e) {
      throw new ContractError('BAD_REQUEST', `query: ${(e as Error).message}`);
    }
  }

  histogram(query: string, r: Range, buckets: number): EventsHistogramResponse {
    const ast = parse(query);
    const { from, to } = this.range(r);
    const want = (to - from) / buckets;
    const step = STEPS_MS.find((s) => s >= want) ?? Math.ceil(want / STEPS_MS[STEPS_MS.length - 1]!) * STEPS_MS[STEPS_MS.length - 1]!;
    // buckets start at whole steps (UTC), so two histograms of the same step line up
    const origin = Math.floor(from / step) * step;
    const starts: number[] = [];
    for (let b = origin; b < to; b += step) starts.push(b);
    const counts = this.repo.counts(starts.map((b) => compileWhere(ast, Math.max(b, from), Math.min(b + step, to))));
    let total = 0;
    const out: { ts: string; count: number }[] = [];
    counts.forEach((count, i) => {
      total += count;
      if (count > 0) out.push({ ts: new Date(starts[i]!).toISOString(), count });
    });
    const max = listMax(ast);
    return { from: new Date(from).toISOString(), to: new Date(to).toISOString(), bucket_ms: step, buckets: out, total, listed: max === null ? total : Math.min(total, max) };
  }

  groupBy(query: string, r: Range, fields: readonly string[] | undefined, limit: number): EventsGroupByResponse {
    const ast = parse(query);
    let by: HuntField[];
    if (fields) {
      const unknown = fields.find((f) => !isHuntField(f));
      if (unknown !== undefined) throw new ContractError('BAD_REQUEST', `fields: unknown field ${JSON.stringify(unknown)}`);
      by = fields as HuntField[];
    } else if (ast.groupby) by = ast.groupby;
    else throw new ContractError('BAD_REQUEST', 'fields: name one or two fields, or end the query with "| groupby FIELD"');
    const exprs = by.map((f) => this.field(f));
    const { from, to } = this.range(r);
    const res =
      this.hourGroups(ast, by, from, to, limit) ??
      this.idGroups(ast, by, from, to, limit) ??
      (by.length === 1 && by[0] === 'event_type'
        ? this.countByType(ast, from, to, limit)
        : (this.topTalkers(ast, by, from, to, limit) ?? this.repo.groupBy(compileGroupWhere(withTypes(ast, exprs), from, to), exprs.map((e) => e.expr), limit)));
    const base = termsText(ast.terms);
    return {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      fields: by,
      total: res.total,
      groups: res.groups.map((g) => {
        const values = g.values.map((v, i) => storedValue(by[i]!, v));
        const drill = values.map((v, i) => (v === null ? `-${by[i]}:"*"` : `${by[i]}:${quoteValue(String(v))}`));
        return { values, count: g.count, drill: [base, ...drill].filter((s) => s.length > 0).join(' ') };
      }),
    };
  }

  /**
   * The stored event types a query is held to, when it is held to nothing else: null when it has no
   * term (every type); those one `event_type:a` or `event_type:(a OR b)` term names, without
   * wildcard, matched as the query language matches them (without regard to case); undefined for
   * any other query. The group-bys served from counts kept at ingest take only these.
   */
  private typesOnly(ast: HuntQueryAst): string[] | null | undefined {
    if (ast.terms.length === 0) return null;
    const t = ast.terms[0]!;
    if (ast.terms.length !== 1 || t.field !== 'event_type' || t.negate || t.op !== '=' || t.values.some((v) => v.wildcard)) return undefined;
    const named = new Set(t.values.map((v) => v.text.toLowerCase()));
    return this.repo.eventTypes().filter((type) => named.has(type.toLowerCase()));
  }

  /**
   * Records grouped by one or two of event type, sensor, protocol, application protocol and
   * destination port, from the hourly counts (record_hours), when nothing but event types filters
   * them and the range holds whole hours.
   */
  private hourGroups(ast: HuntQueryAst, by: readonly HuntField[], from: number, to: number, limit: number): ReturnType<RecordsRepo['groupBy']> | null {
    const columns = by.map(hourColumn);
    if (!columns.every((c): c is HourColumn => c !== null)) return null;
    const types = this.typesOnly(ast);
    return types === undefined ? null : this.repo.hourGroups(columns, from, to, limit, types);
  }

  /** Every record grouped by flow id or by community id, from their id-bucket indexes (RecordsRepo.idGroups). */
  private idGroups(ast: HuntQueryAst, by: readonly HuntField[], from: number, to: number, limit: number): ReturnType<RecordsRepo['groupBy']> | null {
    const [field] = by;
    return ast.terms.length === 0 && by.length === 1 && (field === 'flow_id' || field === 'community_id') ? this.repo.idGroups(field, from, to, limit) : null;
  }

  /**
   * Every record grouped by one address ("top talkers"), from the hourly counts, when nothing filters
   * the records; by its source and destination addresses ("conversations"), from the address counts
   * and each address's partners; or by one address and a field its index entries carry (event type,
   * destination port, protocol, sensor), from the address counts and each address's values; the last
   * two when nothing or only event types filter them. All when the range holds whole hours.
   */
  private topTalkers(ast: HuntQueryAst, by: readonly HuntField[], from: number, to: number, limit: number): ReturnType<RecordsRepo['groupBy']> | null {
    const columns = by.map((f) => (f === 'src_ip' ? 'src' : f === 'dst_ip' ? 'dst' : null));
    if (ast.terms.length === 0 && columns.length === 1 && columns[0]) return this.repo.addressGroups(columns[0], from, to, limit);
    if (columns.length !== 2) return null;
    const [a, b] = columns;
    if (a && b && a !== b) {
      const types = this.typesOnly(ast);
      return types === undefined ? null : this.repo.pairGroups(from, to, limit, [a, b] as ['src', 'dst'] | ['dst', 'src'], types);
    }
    // one address and a field the address indexes carry
    const address = a ?? b;
    const carried = carriedColumn(by[a ? 1 : 0]!);
    if (!address || (a && b) || !carried) return null;
    const types = this.typesOnly(ast);
    return types === undefined ? null : this.repo.addressFieldGroups(address, carried, a !== null, from, to, limit, types);
  }

  /**
   * Group-by event_type as one (type, ts) index count per type: a day of a busy sensor is over a
   * million records, which streaming row by row takes more than a second to count.
   */
  private countByType(ast: HuntQueryAst, from: number, to: number, limit: number): ReturnType<RecordsRepo['groupBy']> {
    const types = this.repo.eventTypes();
    const counts = this.repo.counts(types.map((t) => compileWhere(withTypes(ast, [{ expr: 'type', types: [t] }]), from, to)));
    const groups = types.map((t, i) => ({ values: [t] as (string | number | Buffer | null)[], count: counts[i]! })).filter((g) => g.count > 0);
    groups.sort((a, b) => b.count - a.count || String(a.values[0]).localeCompare(String(b.values[0])));
    return { groups: groups.slice(0, limit), total: counts.reduce((a, b) => a + b, 0) };
  }

  get(id: number): EventDetail {
    const d = this.repo.get(id);
    if (!d) throw new ContractError('NOT_FOUND', `record ${id} not found (it may have been pruned)`);
    return d;
  }

  /** The records the store holds among these ids (a case keeps copies of them), in id order; the others are left out. */
  getMany(ids: readonly number[]): EventDetail[] {
    return [...ids]
      .sort((a, b) => a - b)
      .map((id) => this.repo.get(id))
      .filter((d): d is EventDetail => d !== null);
  }

  evidence(alertId: number, windowS: number, limit: number): EventsEvidence {
    const span = this.repo.alertSpan(alertId);
    if (!span) throw new ContractError('NOT_FOUND', `alert ${alertId} not found`);
    const flowIds = this.repo.alertFlowIds(alertId, EVIDENCE_FLOWS);
    const flowRows = this.repo.byFlowIds(flowIds, limit + 1);
    const cids = [...new Set(flowRows.map((r) => r.community_id).filter((c): c is string => c !== null))];
    const communityRows = this.repo.byCommunityIds(cids, flowIds, limit + 1);
    const from = Date.parse(span.first_seen) - windowS * 1000;
    const to = Date.parse(span.last_seen) + windowS * 1000 + 1;
    const ips = [span.src_ip, span.dst_ip].filter((ip): ip is string => ip !== null && ipBlobRange(ip) !== null);
    const hostsQuery = ips.length ? `${anyOf('ip', ips)} ${anyOf('event_type', EVIDENCE_TYPES)}` : '';
    const hostRows = ips.length ? this.repo.page(compileWhere(parseHuntQuery(hostsQuery), from, to), { dir: 'asc', limit: limit + 1 }) : [];
    const contributors = this.repo.contributors(alertId, limit);
    const section = (rows: typeof flowRows, query: string) => ({ rows: rows.slice(0, limit), truncated: rows.length > limit, query });
    return {
      alert_id: alertId,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      flow: section(flowRows, anyOf('flow_id', flowIds)),
      community: section(communityRows, anyOf('community_id', cids)),
      hosts: section(hostRows, hostsQuery),
      contributors: {
        total: contributors.total,
        rows: contributors.rows.map((c) => ({
          event_id: c.event_id,
          ts: c.ts,
          source: c.source,
          rule_id: c.rule_id,
          title: c.title,
          src_ip: c.src_ip,
          src_port: c.src_port,
          dst_ip: c.dst_ip,
          dst_port: c.dst_port,
          record_id: c.source === 'suricata' ? this.repo.recordOfLine(c.flow_id, Date.parse(c.ts), c.raw) : null,
        })),
      },
    };
  }

  private host(h: HostRowOut): Host {
    const alerts = this.repo.hostAlerts(h.ip);
    const open: Partial<Record<Severity, number>> = {};
    for (const [sev, n] of Object.entries(alerts.bySeverity)) open[sev as Severity] = n;
    return {
      ip: h.ip,
      first_seen: new Date(h.first_seen).toISOString(),
      last_seen: new Date(h.last_seen).toISOString(),
      records: h.records,
      class: classifyIp(h.ip),
      country: alerts.country,
      open_alerts: open as Record<Severity, number>,
    };
  }

  hosts(req: { cidr?: string | undefined; seen_after?: string | undefined; sort: 'last_seen' | 'first_seen' | 'records'; limit: number; cursor?: string | undefined }): HostsListResponse {
    const range = req.cidr !== undefined ? ipBlobRange(req.cidr) : null;
    if (req.cidr !== undefined && !range) throw new ContractError('BAD_REQUEST', `cidr: ${JSON.stringify(req.cidr)} is not an address or CIDR block`);
    const c = req.cursor !== undefined ? decodeCursor(req.cursor, isHostCursor) : null;
    const afterKey = c ? ipBlobRange(c.ip)?.lo : undefined;
    const rows = this.repo.hostsPage({
      range,
      seenAfter: req.seen_after !== undefined ? Date.parse(req.seen_after) : null,
      sort: req.sort,
      after: c && afterKey ? { k: c.k, ip: afterKey } : null,
      limit: req.limit + 1,
    });
    const page = rows.slice(0, req.limit);
    const last = page[page.length - 1];
    return { rows: page.map((h) => this.host(h)), next: rows.length > req.limit && last ? encodeCursor({ k: last[req.sort], ip: last.ip }) : null };
  }

  hostDetail(ip: string, perType: number): HostDetail {
    if (ipBlobRange(ip) === null || ip.includes('/')) throw new ContractError('BAD_REQUEST', `ip: ${JSON.stringify(ip)} is not an address`);
    const h = this.repo.host(ip);
    if (!h) throw new ContractError('NOT_FOUND', `no record names ${ip}`);
    const q = quoteValue(h.ip);
    const lastHour = Math.floor(h.last_seen / HOUR_MS);
    const firstHour = Math.max(Math.floor(h.first_seen / HOUR_MS), lastHour - HOST_ACTIVITY_DAYS * 24 + 1);
    return {
      ...this.host(h),
      activity: this.repo.hostHours(h.key, firstHour, lastHour).map((a) => ({ hour: new Date(a.hour * HOUR_MS).toISOString(), count: a.n })),
      recent: this.repo.hostTypeCounts(h.key).map((t) => ({ event_type: t.type, total: t.n, rows: this.repo.hostRecent(h.key, t.type, perType) })),
      alerts: this.repo.hostOpenAlerts(h.ip, 20).map((a) => ({ ...a, severity: a.severity as Severity, status: a.status as AlertStatus })),
      agent: this.repo.hostAgent(h.ip),
      queries: { all: `ip:${q}`, dns: `ip:${q} event_type:dns`, http: `ip:${q} event_type:http`, tls: `ip:${q} event_type:tls` },
    };
  }

  savedQueries(): SavedHuntQuery[] {
    return this.repo.listSaved();
  }

  saveQuery(name: string, query: string, actor: string): SavedHuntQuery {
    parse(query);
    return this.repo.save(name, query, actor, this.now().toISOString());
  }

  removeSavedQuery(id: number): boolean {
    return this.repo.removeSaved(id);
  }
}
