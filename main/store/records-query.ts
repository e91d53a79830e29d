/**
 * Hunt query trees (main/hunt/query.ts) → parameterised SQL over the record store. Every value is a
 * bound parameter; only column names from fixed tables (main/hunt/fields.ts) are written into the
 * SQL text. The compiler also picks the index: a flow id, community id or one address go straight to
 * their index; otherwise the (type, ts) or (ts) index serves the time range.
 */
import type { HuntField } from '../contract/index.js';
import { COMMON_COLUMNS, TYPED_FIELDS, type CommonField } from '../hunt/fields.js';
import type { HuntQueryAst, HuntTerm, HuntValue } from '../hunt/query.js';
import { blobIp, ipBlobRange } from './ipblob.js';
import { placeholders } from './sql.js';

/** uint64 decimal → the signed 64-bit integer of the same bits (SQLite's INTEGER). */
export function flowIdToSql(id: string | null): bigint | null {
  return id === null ? null : BigInt.asIntN(64, BigInt(id));
}

/** Back: the stored signed integer (read as text, to stay exact) → the uint64 decimal. */
export function flowIdFromSql(v: string | null): string | null {
  return v === null ? null : BigInt.asUintN(64, BigInt(v)).toString();
}

/**
 * A value as read from a records column (a group's value) → as the contract shows it: addresses are
 * stored as their keys, flow ids as the signed integer of their bits (read as text, to stay exact).
 */
export function storedValue(field: HuntField, v: string | number | Buffer | null): string | number | null {
  if (Buffer.isBuffer(v)) return blobIp(v);
  return field === 'flow_id' && v !== null ? flowIdFromSql(String(v)) : v;
}

export type SqlParam = string | number | bigint | Buffer | null;

export interface CompiledWhere {
  /** Conditions ANDed (never empty: at least the time range). */
  sql: string;
  params: SqlParam[];
  /** The index to read through (INDEXED BY), ROWID for ids found by a subquery, null to let SQLite choose. */
  index: string | null;
  /**
   * The same conditions held to one id bucket, named `@bucket`, when the rows come through an
   * address index (which leads with the bucket), with the time range whose buckets hold them: a page
   * in time order is read bucket by bucket (RecordsRepo.page), each bucket's rows from one short
   * index range.
   */
  perBucket?: { sql: string; params: SqlParam[]; fromMs: number; toMs: number };
}

/** How the address indexes' reads are held to id buckets: the range's buckets, or one bucket (`@bucket`). */
interface BucketHold {
  sql: string;
  params: SqlParam[];
}

/**
 * Every id bucket of the record store, as the condition the indexes that lead with `id >> 16` need
 * (flow_id and community_id: migration 0017; the addresses: 0019): always true of a row, it makes
 * SQLite seek once per bucket from the oldest record's to the newest's.
 */
export const RECORD_BUCKETS =
  '(id >> 16) IN (WITH RECURSIVE bucket (b) AS (SELECT (SELECT min(id) FROM records) >> 16 UNION ALL ' +
  'SELECT b + 1 FROM bucket WHERE b < (SELECT max(id) FROM records) >> 16) SELECT b FROM bucket)';

/**
 * The id buckets that hold records of [?, ?) (two parameters: from and to, in ms), as the condition
 * the bucketed indexes need: from the first block whose newest record is in the range to the last
 * block whose oldest is (record_blocks keeps each block's time span; a block is one id range, and
 * every record is written in one). A range in the past or a short one seeks a few buckets, not all.
 */
const WINDOW_BUCKETS =
  '(id >> 16) IN (WITH RECURSIVE bucket (b) AS (SELECT (SELECT min(id) FROM record_blocks WHERE ts_max >= ?) >> 16 UNION ALL ' +
  'SELECT b + 1 FROM bucket WHERE b < (SELECT max(last_id) FROM record_blocks WHERE ts_min < ?) >> 16) SELECT b FROM bucket)';

/** The address indexes: (id >> 16, address, ts), migration 0019; read with WINDOW_BUCKETS. */
const ADDRESS_INDEXES: ReadonlySet<string> = new Set(['records_src_ts', 'records_dst_ts']);

/** Read the rows by id (from an `id IN (subquery)` condition), through no other index. */
export const ROWID = 'rowid';

/** `*` → `%`, with LIKE's own wildcards escaped. */
function likePattern(v: string): string {
  return v.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%');
}

/** A text column compared with each value (OR). Equality is exact except for `*`. */
function textCondition(column: string, values: readonly HuntValue[], params: SqlParam[], normalize: (s: string) => string = (s) => s): string {
  const exact = values.filter((v) => !v.wildcard);
  const parts: string[] = [];
  if (exact.length === 1) {
    parts.push(`${column} = ?`);
    params.push(normalize(exact[0]!.text));
  } else if (exact.length > 1) {
    parts.push(`${column} IN (${placeholders(exact.length)})`);
    for (const v of exact) params.push(normalize(v.text));
  }
  for (const v of values) {
    if (!v.wildcard) continue;
    parts.push(`${column} LIKE ? ESCAPE '\\'`);
    params.push(likePattern(normalize(v.text)));
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/** Summary text (names, URLs, user agents, ...) matches without regard to ASCII case, as analysts type it. */
function summaryTextCondition(column: string, values: readonly HuntValue[], params: SqlParam[]): string {
  const parts = values.map((v) => {
    params.push(likePattern(v.text));
    return `${column} LIKE ? ESCAPE '\\'`;
  });
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

function ipCondition(columns: readonly string[], values: readonly HuntValue[], params: SqlParam[]): string {
  const parts: string[] = [];
  for (const v of values) {
    const range = ipBlobRange(v.text)!;
    for (const c of columns) {
      if (range.lo.equals(range.hi)) {
        parts.push(`${c} = ?`);
        params.push(range.lo);
      } else {
        parts.push(`${c} BETWEEN ? AND ?`);
        params.push(range.lo, range.hi);
      }
    }
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

function numberCondition(columns: readonly string[], t: HuntTerm, params: SqlParam[]): string {
  const parts: string[] = [];
  for (const v of t.values) {
    for (const c of columns) {
      parts.push(`${c} ${t.op} ?`);
      params.push(Number(v.text));
    }
  }
  return parts.length === 1 ? parts[0]! : `(${parts.join(' OR ')})`;
}

/**
 * `ip:` (either address) as the ids found through both address indexes: SQLite's own OR plan would
 * rather walk the time index and test every row.
 */
function eitherAddress(t: HuntTerm, params: SqlParam[], fromMs: number, toMs: number, buckets: BucketHold): string {
  const parts: string[] = [];
  for (const column of ['src', 'dst'] as const) {
    const p: SqlParam[] = [];
    const cond = ipCondition([column], t.values, p);
    parts.push(`SELECT id FROM records INDEXED BY records_${column}_ts WHERE ${cond} AND ts >= ? AND ts < ? AND ${buckets.sql}`);
    params.push(...p, fromMs, toMs, ...buckets.params);
  }
  return `id IN (${parts.join(' UNION ALL ')})`;
}

function termCondition(t: HuntTerm, params: SqlParam[], fromMs: number, toMs: number, buckets: BucketHold): string {
  const f = t.field;
  switch (f) {
    case 'src_ip':
      return ipCondition(['src'], t.values, params);
    case 'dst_ip':
      return ipCondition(['dst'], t.values, params);
    case 'ip':
      return t.negate ? ipCondition(['src', 'dst'], t.values, params) : eitherAddress(t, params, fromMs, toMs, buckets);
    case 'src_port':
      return numberCondition(['sport'], t, params);
    case 'dst_port':
      return numberCondition(['dport'], t, params);
    case 'port':
      return numberCondition(['sport', 'dport'], t, params);
    case 'flow_id': {
      const parts = t.values.map((v) => {
        params.push(flowIdToSql(v.text));
        return '?';
      });
      return parts.length === 1 ? `flow_id = ${parts[0]}` : `flow_id IN (${parts.join(', ')})`;
    }
    case 'event_type':
      return textCondition('type', t.values, params, (s) => s.toLowerCase());
    case 'proto':
      return textCondition('proto', t.values, params, (s) => s.toUpperCase());
    case 'app_proto':
      return textCondition('app_proto', t.values, params, (s) => s.toLowerCase());
    case 'sensor':
    case 'community_id':
      return textCondition(COMMON_COLUMNS[f], t.values, params);
    default: {
      const typed = TYPED_FIELDS.get(f)!;
      const types = typed.types.length === 1 ? `type = ?` : `type IN (${placeholders(typed.types.length)})`;
      params.push(...typed.types);
      const cond = typed.numeric ? numberCondition([typed.slot], t, params) : summaryTextCondition(typed.slot, t.values, params);
      return `(${types} AND ${cond})`;
    }
  }
}

/** Whether a term pins the rows to one value of an indexed column (no wildcard, not negated). */
function pins(t: HuntTerm, field: HuntField): boolean {
  return t.field === field && !t.negate && t.op === '=' && t.values.every((v) => !v.wildcard);
}

function chooseIndex(terms: readonly HuntTerm[]): string | null {
  if (terms.some((t) => pins(t, 'flow_id'))) return 'records_flow';
  if (terms.some((t) => pins(t, 'community_id'))) return 'records_community';
  if (terms.some((t) => pins(t, 'src_ip'))) return 'records_src_ts';
  if (terms.some((t) => pins(t, 'dst_ip'))) return 'records_dst_ts';
  // ip: (src OR dst) is read through both address indexes in a subquery; the rows then by id
  if (terms.some((t) => pins(t, 'ip'))) return ROWID;
  const typed = terms.find((t) => pins(t, 'event_type') && t.values.length === 1);
  if (typed) return 'records_type_ts';
  // a summary field of one event type (dns.rrname) implies that type
  if (terms.some((t) => !t.negate && TYPED_FIELDS.get(t.field)?.types.length === 1)) return 'records_type_ts';
  return 'records_ts';
}

/** WHERE conditions of a query's terms over [fromMs, toMs). */
export function compileWhere(ast: Pick<HuntQueryAst, 'terms'>, fromMs: number, toMs: number): CompiledWhere {
  const index = chooseIndex(ast.terms);
  const build = (buckets: BucketHold) => {
    const params: SqlParam[] = [fromMs, toMs];
    const conds = ['ts >= ?', 'ts < ?'];
    for (const t of ast.terms) {
      const c = termCondition(t, params, fromMs, toMs, buckets);
      // a negated condition on a missing value (NULL) counts as "does not match"
      conds.push(t.negate ? `NOT coalesce(${c}, 0)` : c);
    }
    if (index !== null && ADDRESS_INDEXES.has(index)) {
      conds.push(buckets.sql);
      params.push(...buckets.params);
    } else if (index === 'records_flow' || index === 'records_community') conds.push(RECORD_BUCKETS);
    return { sql: conds.join(' AND '), params };
  };
  const whole = build({ sql: WINDOW_BUCKETS, params: [fromMs, toMs] });
  // rows found through an address index (one address, or either: the ids of both) can be read per bucket
  const perBucket = index === ROWID || (index !== null && ADDRESS_INDEXES.has(index)) ? { ...build({ sql: '(id >> 16) = @bucket', params: [] }), fromMs, toMs } : undefined;
  return { ...whole, index, ...(perBucket ? { perBucket } : {}) };
}

/**
 * WHERE conditions for a count by group, which needs no time order: a query held to some event
 * types (named, or implied by a per-type field) reads the (type, ts, s1, src, dst) index, one range
 * per type, where compileWhere would walk every record of the range in time order (for a page's
 * first rows) and fetch each from the table to test its type. Grouped by what that index carries,
 * the count never reads the table.
 */
export function compileGroupWhere(ast: Pick<HuntQueryAst, 'terms'>, fromMs: number, toMs: number): CompiledWhere {
  const where = compileWhere(ast, fromMs, toMs);
  const typed = ast.terms.some((t) => !t.negate && (t.field === 'event_type' ? pins(t, 'event_type') : TYPED_FIELDS.has(t.field)));
  return where.index === 'records_ts' && typed ? { ...where, index: 'records_type_ts' } : where;
}

/** The SQL expression a field is grouped or sorted by, and the condition that keeps it meaningful. */
export function fieldExpression(field: HuntField): { expr: string; types: string[] | null } {
  if (field === 'ip') throw new Error('ip is either address: group or sort by src_ip or dst_ip');
  if (field === 'port') throw new Error('port is either port: group or sort by src_port or dst_port');
  if (field === 'flow_id') return { expr: 'CAST(flow_id AS TEXT)', types: null };
  if (Object.prototype.hasOwnProperty.call(COMMON_COLUMNS, field)) return { expr: COMMON_COLUMNS[field as CommonField], types: null };
  const typed = TYPED_FIELDS.get(field)!;
  return { expr: typed.slot, types: typed.types };
}
