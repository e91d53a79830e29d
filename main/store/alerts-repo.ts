import crypto from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import {
  MAX_ALERT_TAGS,
  PRIORITIES,
  SEVERITIES,
  alertHost,
  searchWords,
  severityRank,
  type Alert,
  type AlertCursor,
  type AlertFilter,
  type AlertSort,
  type AlertStatus,
  type AlertsListResponse,
  type AlertDetail,
  type AlertEvent,
  type StatusChange,
} from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { alertTimeline } from './history.js';
import { parseObject, parseStringArray } from './json.js';
import { ipKey, ipKeyRange } from './ipkey.js';
import { searchIndexSegments } from './search-index.js';
import { placeholders } from './sql.js';

/** An alerts row as stored (JSON arrays still text). */
export interface AlertRow {
  id: number;
  source: string;
  severity: Alert['severity'];
  priority: Alert['priority'];
  status: AlertStatus;
  title: string;
  rule_id: string | null;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  proto: string | null;
  first_seen: string;
  last_seen: string;
  count: number;
  risk_score: number;
  technique_ids: string;
  tags: string;
  assignee: string | null;
  agent_id: string | null;
  agent_name: string | null;
  user: string | null;
  host: string | null;
  sensor: string | null;
}

const COLUMNS = [
  'id', 'source', 'severity', 'priority', 'status', 'title', 'rule_id', 'src_ip', 'src_port', 'dst_ip', 'dst_port', 'proto',
  'first_seen', 'last_seen', 'count', 'risk_score', 'technique_ids', 'tags', 'assignee', 'agent_id', 'agent_name', 'user', 'host', 'sensor',
] as const;

/** The columns an Alert is read from, optionally qualified with a table alias ("a."). */
export function alertColumns(prefix = ''): string {
  return COLUMNS.map((c) => `${prefix}${c}`).join(', ');
}

export const ALERT_COLUMNS = alertColumns();

/**
 * Sort fields → the column (severity and priority sort by rank, P1 highest), the index that
 * starts with the list's keyset order (column, id), and the columns that index carries after
 * them, which a walk tests without reading the row.
 * `probe`: a search's matches spread evenly along this key, so a walk that tests rows one by one
 * meets them early. Severity, priority and risk come from the same detection as the title: a
 * search's matches cluster in their order (no "ssh" among the critical alerts), so there a walk
 * reads the matches first.
 * `ranks`: the key's few values, ascending, when its index is (value, id): within one value the
 * index and the full-text index are both in id order, so SQLite can merge them.
 */
const SORT_KEYS: Record<AlertSort['field'], { col: string; index: string; carries: readonly string[]; probe: boolean; ranks?: readonly number[] }> = {
  last_seen: { col: 'last_seen', index: 'alerts_seen', carries: [], probe: true },
  first_seen: { col: 'first_seen', index: 'alerts_first_seen', carries: ['last_seen', 'severity_rank'], probe: true },
  risk_score: { col: 'risk_score', index: 'alerts_risk', carries: ['severity_rank'], probe: false },
  count: { col: 'count', index: 'alerts_count', carries: ['severity_rank'], probe: true },
  severity: { col: 'severity_rank', index: 'alerts_severity_rank', carries: ['priority_rank'], probe: false, ranks: SEVERITIES.map((_, i) => i) },
  // P1 = 4 ... P4 = 1 (migration 0011)
  priority: { col: 'priority_rank', index: 'alerts_priority_rank', carries: ['severity_rank'], probe: false, ranks: PRIORITIES.map((_, i) => PRIORITIES.length - i).reverse() },
};

/**
 * How AlertsRepo.list chooses between walking the sort key's index and reading a condition's
 * matches ("driving"); tests shrink them to reach every path on a small database.
 */
export interface PlanLimits {
  /**
   * A filter whose narrowest indexed condition matches at most this many alerts is read from that
   * condition's index and sorted (reading this many rows costs well under 100 ms); a broader one
   * walks the sort key's index and tests each row, which fills a page after a few hundred rows.
   */
  driveMax: number;
  /**
   * Index entries a walk may test before the planner gives up on it (the conditions together are
   * much narrower than each alone) and reads the narrowest condition's matches instead.
   */
  walkBudget: number;
  /** After a spent walk budget, the narrowest condition drives if it matches at most this many. */
  fallbackDriveMax: number;
  /**
   * What testing one walked row against the full-text index costs, in matches read into memory,
   * per segment of the index plus one (measured on 1,000,000 alerts: ~40 µs per probe with one
   * segment, ~300 µs with fourteen; ~0.3 µs per match read). See search-index.ts.
   */
  probeCost: number;
  /**
   * A search tested in a walk is read into a set of ids first, this many ids of the id range per
   * read (bounds the memory of one read: ~8 bytes per match read).
   */
  hitsChunk: number;
}

export const PLAN_LIMITS: PlanLimits = { driveMax: 20_000, walkBudget: 30_000, fallbackDriveMax: 200_000, probeCost: 70, hitsChunk: 1 << 20 };

/**
 * A search word becomes the OR of the index's own terms it is a prefix of (read from the index,
 * so the meaning is the prefix query's) when it has at most this many; more, and it stays a prefix.
 */
const SEARCH_TERMS_MAX = 16;
/** Shorter words stay prefixes: their terms are many, and reading them costs more than it saves. */
const SEARCH_WORD_MIN = 3;

/**
 * How a page was read (for tests and the bench): walk = sort index, drive = a condition's ids.
 * `probe`: a broad search tested row by row in the full-text index while walking, instead of
 * reading all its matches first (`'spent'`: the probe walk ran out before the page was full).
 * `hits`: a search tested in the set of its matches, read once (one pass over the index).
 * merge: a broad search on a sort key of few values, each value's ids merged with the search's.
 */
export type ListPlan = { kind: 'walk'; fallback?: 'drive' | 'walk'; probe?: true | 'spent'; hits?: true } | { kind: 'drive'; term: number; matches: number } | { kind: 'merge' };

/** What a P1/P2 notice shows of an alert. */
export type UrgentAlert = Pick<Alert, 'id' | 'title' | 'priority' | 'severity' | 'src_ip'>;

export function rowToAlert(r: AlertRow): Alert {
  const { agent_id, agent_name, ...rest } = r;
  return {
    ...rest,
    technique_ids: parseStringArray(r.technique_ids),
    tags: parseStringArray(r.tags),
    agent: agent_id === null && agent_name === null ? null : { id: agent_id, name: agent_name },
  };
}

/** A new alert as the pipeline (or a test) writes it; id and timestamps are assigned here. */
export type NewAlert = Omit<Alert, 'id' | 'status' | 'assignee' | 'tags' | 'technique_ids' | 'agent' | 'user' | 'host' | 'sensor'> &
  Partial<Pick<Alert, 'status' | 'assignee' | 'tags' | 'technique_ids' | 'agent' | 'user' | 'host' | 'sensor'>>;

/** A filter that parses but cannot be applied (e.g. a malformed CIDR block). */
export class InvalidFilterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidFilterError';
  }
}

/**
 * Free text → an FTS5 query: every word must occur (AND), each as a prefix; punctuation inside a
 * word (10.0.0.5, T1110.001) becomes a phrase of its tokens. FTS syntax in the input is inert.
 */
export function ftsQuery(text: string): string | null {
  const terms = searchWords(text);
  return terms.length ? terms.map((w) => `"${w}"*`).join(' ') : null;
}

const FTS_IDS = 'SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH ?';
/** A walked row tested in the set of a search's matches read just before (see searchHits). */
const FTS_HIT = 'alerts_search_hit(id)';
/** One row tested against the full-text index (cheap only when the query has no prefix term). */
const FTS_PROBE = 'EXISTS (SELECT 1 FROM alerts_fts WHERE alerts_fts MATCH ? AND rowid = alerts.id)';

function sameBlob(a: Buffer | null, b: Buffer | null): boolean {
  return a !== null && b !== null && a.equals(b);
}

/**
 * The set of ids the SQL function alerts_search_hit(id) tests: one per connection, as the
 * function is (every AlertsRepo on a connection fills the same set right before its walk).
 */
const hitSets = new WeakMap<Database, { bits: Uint32Array }>();
function searchHits(db: Database): { bits: Uint32Array } {
  let set = hitSets.get(db);
  if (!set) {
    const s = { bits: new Uint32Array(0) };
    db.function('alerts_search_hit', { deterministic: false }, (id: unknown) => {
      const n = Number(id);
      return ((s.bits[n >>> 5] ?? 0) >>> (n & 31)) & 1;
    });
    hitSets.set(db, (set = s));
  }
  return set;
}

/** The full-text "ips" column: addresses plus the agent and sensor names, so a search finds a host. */
export function ftsHosts(src: string | null, dst: string | null, agentName: string | null, sensor: string | null): string {
  return [src, dst, agentName, sensor].filter(Boolean).join(' ');
}

export interface SqlWhere {
  sql: string;
  params: unknown[];
}

/**
 * One condition of a filter, in the three forms its readers need:
 * - `sql`: the plain condition (SQLite may answer it from an index): counts, bulk jobs, exports;
 * - `check`: a test of one row that never drives an index, so it can ride along a walk of the
 *   sort key's index;
 * - `ids` (when the condition has an index of its own): a query of exactly the matching ids, read
 *   from that index, to drive a narrow filter from its matches instead of walking the table.
 * All three take the same `params`.
 */
export interface FilterTerm {
  sql: string;
  check: string;
  ids?: string;
  params: unknown[];
  /**
   * The condition when it is on a sort key's own column (severity, priority, a time range on
   * last_seen), so a walk of that key's index reads only the matching range instead of testing
   * rows outside it.
   */
  onSortKey?: { field: AlertSort['field']; sql: string; params: unknown[] };
  /** The one column `check` reads, when a sort index may carry it (severity_rank, ...). */
  col?: string;
  /** The condition as one value of an index ordered (value, last_seen DESC, id DESC). */
  seen?: { index: string; sql: string; params: unknown[] };
  /** The free-text search (params: its FTS5 query). */
  text?: true;
}

/** `col = ?` / `col IN (...)` / `col BETWEEN` with every column written `+col`, so no index serves it. */
function noIndex(sql: string): string {
  return sql.replace(/\b(severity_rank|status|last_seen|priority_rank|source|src_ip_key|dst_ip_key|assignee|src_country|host|agent_id|sensor)\b(?= (?:IN|=|>=|<|BETWEEN) )/g, '+$1');
}

/** A condition on columns of alerts, read through `index` when it drives (null: SQLite picks). */
function columnTerm(sql: string, params: unknown[], index: string | null): FilterTerm {
  return { sql, check: noIndex(sql), ids: `SELECT id FROM alerts${index ? ` INDEXED BY ${index}` : ''} WHERE ${sql}`, params };
}

/** One term per active condition of the filter (AND of them all); throws InvalidFilterError. */
export function filterTerms(filter: AlertFilter): FilterTerm[] {
  const terms: FilterTerm[] = [];
  const inList = (col: string, values: readonly unknown[], index: string) => {
    terms.push(columnTerm(values.length === 1 ? `${col} = ?` : `${col} IN (${placeholders(values.length)})`, [...values], index));
  };
  // by rank: severity_rank rides in the other sort keys' indexes, so a walk tests it there
  const severities = (list: readonly Alert['severity'][]) => {
    inList('severity_rank', list.map((v) => severityRank(v)), 'alerts_severity_rank');
    const t = terms[terms.length - 1]!;
    t.col = 'severity_rank';
    t.onSortKey = { field: 'severity', sql: t.sql, params: t.params };
    if (list.length === 1) t.seen = { index: 'alerts_severity_seen', sql: 'severity = ?', params: [...list] };
  };
  if (filter.severity && filter.severity.length > 0) severities(filter.severity);
  if (filter.min_severity) {
    const min = severityRank(filter.min_severity);
    severities(SEVERITIES.filter((s) => severityRank(s) >= min));
  }
  if (filter.status && filter.status.length > 0) {
    inList('status', filter.status, 'alerts_status_seen');
    if (filter.status.length === 1) terms[terms.length - 1]!.seen = { index: 'alerts_status_seen', sql: 'status = ?', params: [...filter.status] };
  }
  if (filter.from || filter.to) {
    const parts: string[] = [];
    const params: string[] = [];
    if (filter.from) {
      parts.push('last_seen >= ?');
      params.push(new Date(filter.from).toISOString());
    }
    if (filter.to) {
      parts.push('last_seen < ?');
      params.push(new Date(filter.to).toISOString());
    }
    terms.push({ ...columnTerm(parts.join(' AND '), params, 'alerts_seen'), col: 'last_seen', onSortKey: { field: 'last_seen', sql: parts.join(' AND '), params } });
  }
  // priority_rank is indexed (it is also the priority sort key): P1 = 4 ... P4 = 1
  if (filter.priority && filter.priority.length > 0) {
    inList('priority_rank', filter.priority.map((p) => 4 - PRIORITIES.indexOf(p)), 'alerts_priority_rank');
    const t = terms[terms.length - 1]!;
    t.col = 'priority_rank';
    t.onSortKey = { field: 'priority', sql: t.sql, params: t.params };
  }
  if (filter.source && filter.source.length > 0) inList('source', filter.source, 'alerts_source');
  for (const [field, spec] of [['src_ip_key', filter.src_ip], ['dst_ip_key', filter.dst_ip]] as const) {
    if (spec === undefined) continue;
    const range = ipKeyRange(spec);
    if (!range) throw new InvalidFilterError(`${field.slice(0, 6)}: "${spec}" is not an IP address or CIDR block`);
    const index = `alerts_${field}`;
    terms.push(range.lo === range.hi ? columnTerm(`${field} = ?`, [range.lo], index) : columnTerm(`${field} BETWEEN ? AND ?`, [range.lo, range.hi], index));
  }
  if (filter.technique) {
    // T1110 also matches its sub-techniques T1110.xxx: one range of alert_techniques ('/' follows '.')
    const t = filter.technique.toUpperCase();
    const [lo, hi] = t.includes('.') ? [t, t] : [`${t}.`, `${t}/`];
    const ids = 'SELECT alert_id FROM alert_techniques WHERE technique = ? OR (technique > ? AND technique < ?)';
    terms.push({
      sql: `id IN (${ids})`,
      check: 'EXISTS (SELECT 1 FROM json_each(alerts.technique_ids) WHERE value = ? OR (value > ? AND value < ?))',
      ids,
      params: [t, lo, hi],
    });
  }
  if (filter.assignee) terms.push(columnTerm('assignee = ?', [filter.assignee], 'alerts_assignee_seen'));
  if (filter.country) terms.push(columnTerm('src_country = ?', [filter.country.toUpperCase()], 'alerts_country'));
  if (filter.host) {
    // host holds the agent's name whenever there is one, so it stands for agent_name too; every
    // term is indexed, so SQLite answers the OR as a union of index lookups
    const key = ipKey(filter.host);
    const or = `(host = ? OR agent_id = ? OR sensor = ?${key ? ' OR src_ip_key = ? OR dst_ip_key = ?' : ''})`;
    terms.push(columnTerm(or, [filter.host, filter.host, filter.host, ...(key ? [key, key] : [])], null));
  }
  if (filter.rule_id) terms.push(columnTerm('rule_id = ?', [filter.rule_id], 'alerts_rule'));
  if (filter.tag) {
    // only tagged alerts are in alerts_tagged (partial index): the candidates are those few rows
    const ids = "SELECT id FROM alerts WHERE tags <> '[]' AND EXISTS (SELECT 1 FROM json_each(alerts.tags) WHERE value = ?)";
    terms.push({ sql: `id IN (${ids})`, check: 'EXISTS (SELECT 1 FROM json_each(alerts.tags) WHERE value = ?)', ids, params: [filter.tag] });
  }
  if (filter.text) {
    const match = ftsQuery(filter.text);
    if (match) {
      terms.push({ sql: `id IN (${FTS_IDS})`, check: `+id IN (${FTS_IDS})`, ids: FTS_IDS, params: [match], text: true });
    }
  }
  return terms;
}

/**
 * Builds the WHERE clause for a filter, leaving the choice of index to SQLite. Shared by counting,
 * bulk updates and exports; the list plans its own reads (AlertsRepo.list).
 */
export function alertWhere(filter: AlertFilter): SqlWhere {
  return termsWhere(filterTerms(filter));
}

/** The AND of terms' plain conditions. */
function termsWhere(terms: readonly FilterTerm[]): SqlWhere {
  return { sql: terms.length ? terms.map((t) => t.sql).join(' AND ') : '1', params: terms.flatMap((t) => t.params) };
}

export class AlertsRepo {
  private readonly getStmt: Statement<[number], AlertRow>;
  private readonly insertStmt: Statement;
  private readonly setStatusStmt: Statement;
  private readonly countStmt: Statement<[], { n: number }>;
  private readonly urgentStmt: Statement<[string], UrgentAlert>;
  private readonly changeStmt: Statement<[string, number, AlertStatus, AlertStatus, string, string]>;
  private readonly ftsStmt: Statement;
  private readonly outboxStmt: Statement;
  private readonly tagsStmt: Statement<[number], string>;
  private readonly setTagsStmt: Statement;
  private readonly detailStmt: Statement<[number], { threat_type: string; confidence: number; detection: string; score_terms: string; enrichment: string }>;
  private readonly eventsStmt: Statement<[number, number], AlertEvent>;
  private readonly eventCountStmt: Statement<[number], { n: number }>;
  private readonly maxIdStmt: Statement<[], number>;
  private termsStmt: Statement<[string, string, number], { term: string; doc: number }> | undefined;
  private hitsStmt: Statement<[string, number, number], string | null> | undefined;
  /** Words' index terms (see wordTerms), valid while the database's generation holds. */
  private termsCache: { generation: Buffer | null; words: Map<string, { group: string; docs: number } | null> } = { generation: null, words: new Map() };
  private readonly indexStructureStmt: Statement<[], Buffer>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
    private readonly now: () => Date = () => new Date(),
    private readonly limits: PlanLimits = PLAN_LIMITS,
  ) {
    this.getStmt = db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id = ?`);
    this.insertStmt = db.prepare(
      `INSERT INTO alerts (source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto,
         first_seen, last_seen, count, risk_score, technique_ids, tags, assignee, created_at, updated_at, src_ip_key, dst_ip_key,
         agent_id, agent_name, user, host, sensor)
       VALUES (@source, @severity, @priority, @status, @title, @rule_id, @src_ip, @src_port, @dst_ip, @dst_port, @proto,
         @first_seen, @last_seen, @count, @risk_score, @technique_ids, @tags, @assignee, @created_at, @created_at, @src_ip_key, @dst_ip_key,
         @agent_id, @agent_name, @user, @host, @sensor)`,
    );
    this.ftsStmt = db.prepare('INSERT INTO alerts_fts (rowid, title, rule_id, ips, raw) VALUES (?, ?, ?, ?, ?)');
    this.outboxStmt = db.prepare('INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, ?, ?)');
    this.tagsStmt = db.prepare('SELECT tags FROM alerts WHERE id = ?').pluck() as Statement<[number], string>;
    this.setTagsStmt = db.prepare('UPDATE alerts SET tags = ?, updated_at = ? WHERE id = ?');
    this.detailStmt = db.prepare(
      `SELECT a.threat_type, coalesce(d.confidence, 0) AS confidence, coalesce(d.detection, '{}') AS detection,
         coalesce(d.score_terms, '[]') AS score_terms, coalesce(d.enrichment, '{}') AS enrichment
       FROM alerts a LEFT JOIN alert_details d ON d.alert_id = a.id WHERE a.id = ?`,
    );
    this.eventsStmt = db.prepare(
      `SELECT id, ts, severity, title, src_ip, src_port, dst_ip, dst_port, risk_score, file, line, offset, raw
       FROM events WHERE alert_id = ? ORDER BY ts, id LIMIT ?`,
    );
    this.eventCountStmt = db.prepare('SELECT count(*) AS n FROM events WHERE alert_id = ?');
    this.maxIdStmt = db.prepare('SELECT max(id) FROM alerts').pluck() as Statement<[], number>;
    // FTS5's structure record (rowid 10 of its %_data table): its segments, rewritten on every change
    this.indexStructureStmt = db.prepare('SELECT block FROM alerts_fts_data WHERE id = 10').pluck() as Statement<[], Buffer>;
    // the first move out of NEW is the acknowledgement; the first close is the resolution
    this.setStatusStmt = db.prepare(
      `UPDATE alerts SET status = @status, updated_at = @ts,
         acknowledged_at = coalesce(acknowledged_at, CASE WHEN @status <> 'NEW' THEN @ts END),
         resolved_at = CASE WHEN @status IN ('RESOLVED','FALSE_POSITIVE') THEN coalesce(resolved_at, @ts) ELSE resolved_at END
       WHERE id = @id`,
    );
    this.countStmt = db.prepare('SELECT count(*) AS n FROM alerts');
    this.urgentStmt = db.prepare(
      `SELECT id, title, priority, severity, src_ip FROM alerts
       WHERE id IN (SELECT value FROM json_each(?)) AND priority IN ('P1', 'P2') ORDER BY id`,
    );
    this.changeStmt = db.prepare(
      'INSERT OR REPLACE INTO status_changes (change_id, alert_id, from_status, to_status, ts, actor) VALUES (?, ?, ?, ?, ?, ?)',
    );
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  get(id: number): Alert | null {
    const row = this.getStmt.get(id);
    return row ? rowToAlert(row) : null;
  }

  /** The P1 and P2 alerts among `ids`, with what a notice shows: one query, not one per alert. */
  urgentAmong(ids: readonly number[]): UrgentAlert[] {
    return ids.length === 0 ? [] : this.urgentStmt.all(JSON.stringify(ids));
  }

  /**
   * One page in the requested order (default newest first), keyset-paginated by (sort key, id).
   * Every sort key has an index; a narrow filter is read from the index of its narrowest condition
   * and sorted, a broad one rides a walk of the sort index (see PlanLimits), so no
   * filter and sort together read the whole table.
   */
  list(filter: AlertFilter, limit: number, after?: AlertCursor, sort: AlertSort = { field: 'last_seen', dir: 'desc' }): AlertsListResponse {
    return this.listPlanned(filter, limit, after, sort).page;
  }

  /** list() and the plan it chose. */
  listPlanned(filter: AlertFilter, limit: number, after?: AlertCursor, sort: AlertSort = { field: 'last_seen', dir: 'desc' }): { page: AlertsListResponse; plan: ListPlan } {
    // one read transaction: the search's terms, the counts that plan the page and the page itself
    // see the same database, also while another process writes alerts
    return this.db.transaction(() => this.readPage(filter, limit, after, sort))();
  }

  private readPage(filter: AlertFilter, limit: number, after: AlertCursor | undefined, sort: AlertSort): { page: AlertsListResponse; plan: ListPlan } {
    const terms = filterTerms(filter);
    // a search whose every word resolves to a few index terms is asked as exact terms: the same
    // matches (read in this call, from the index itself) without merging prefix lists, and
    // cheap enough to test one row at a time
    const text = terms.find((t) => t.text);
    const search = text && filter.text ? this.searchTerms(filter.text) : null;
    if (text && search) text.params = [search.match];
    const key = SORT_KEYS[sort.field];
    const dir = sort.dir === 'asc' ? 'ASC' : 'DESC';
    const cmp = sort.dir === 'asc' ? '>' : '<';
    type Row = AlertRow & { sort_key: string | number };
    const select = `SELECT ${ALERT_COLUMNS}, ${key.col} AS sort_key FROM alerts`;
    const finish = (rows: Row[], plan: ListPlan) => {
      const more = rows.length > limit;
      const page = more ? rows.slice(0, limit) : rows;
      const last = page[page.length - 1];
      return { page: { items: page.map(({ sort_key: _k, ...r }) => rowToAlert(r)), next: more && last ? { k: last.sort_key, id: last.id } : null }, plan };
    };

    // drive: the ids matching the conditions in `joined` (intersected from their own indexes
    // before any row is read), the rows tested against the other conditions, sorted. A search
    // already read into the set of its matches (a walk before) is tested there, not read again,
    // unless it is the only condition that drives
    const drive = (joined: ReadonlySet<number>): Row[] => {
      const setSearch = hits && terms.some((t, j) => joined.has(j) && !t.text);
      const ids = terms.filter((t, j) => joined.has(j) && !(setSearch && t.text));
      const rest = terms.filter((t, j) => !joined.has(j) || (setSearch && t.text)).map((t) => (hits && t.text ? { check: FTS_HIT, params: [] } : t));
      const where = [`id IN (${ids.map((t) => t.ids!).join(' INTERSECT ')})`, ...rest.map((r) => r.check), ...(after ? [`(+${key.col}, id) ${cmp} (?, ?)`] : [])];
      const sql = `${select} WHERE ${where.join(' AND ')} ORDER BY +${key.col} ${dir}, id ${dir} LIMIT ?`;
      return this.db.prepare<unknown[], Row>(sql).all(...ids.flatMap((t) => t.params), ...rest.flatMap((r) => r.params), ...(after ? [after.k, after.id] : []), limit + 1);
    };

    // walk: the sort index in order from `from` (exclusive), each row tested, up to `to`
    // (inclusive) when given
    type Key = { k: string | number; id: number };
    // conditions on the sort key's own column narrow the walk to their range of its index; on
    // the last-seen sort, one single-value condition with its own (value, last_seen, id) index
    // is walked there instead, reading only its rows in order
    const seen = sort.field === 'last_seen' ? terms.find((t) => t.seen) : undefined;
    const index = seen?.seen?.index ?? key.index;
    const ranged = [...(seen?.seen ? [seen.seen] : []), ...terms.filter((t) => t.onSortKey?.field === sort.field).map((t) => t.onSortKey!)];
    const tested = terms.filter((t) => t !== seen && t.onSortKey?.field !== sort.field);
    // the search, when tested, comes last: a row is probed (or looked up in the set of the
    // search's matches, once read) only once every other test passed
    let hits = false;
    const searchCheck = (t: FilterTerm, probe: boolean) => (probe ? { sql: FTS_PROBE, params: t.params } : hits ? { sql: FTS_HIT, params: [] } : { sql: t.check, params: t.params });
    const checks = (probe: boolean) => [
      ...tested.filter((t) => !t.text).map((t) => ({ sql: t.check, params: t.params })),
      ...tested.filter((t) => t.text).map((t) => searchCheck(t, probe)),
    ];
    const walk = (from: Key | null, to: Key | null, want: number, probe = false): Row[] => {
      const tests = checks(probe);
      const where = [
        ...ranged.map((r) => r.sql),
        ...tests.map((t) => t.sql),
        ...(from ? [`(${key.col}, id) ${cmp} (?, ?)`] : []),
        ...(to ? [`(${key.col}, id) ${sort.dir === 'asc' ? '<=' : '>='} (?, ?)`] : []),
      ];
      const sql = `${select} INDEXED BY ${index} WHERE ${where.length ? where.join(' AND ') : '1'} ORDER BY ${key.col} ${dir}, id ${dir} LIMIT ?`;
      const params = [...ranged.flatMap((r) => r.params), ...tests.flatMap((t) => t.params), ...(from ? [from.k, from.id] : []), ...(to ? [to.k, to.id] : []), want];
      return this.db.prepare<unknown[], Row>(sql).all(...params);
    };
    // the key `n` index entries on from `from` (index only), null when there are fewer
    const boundAt = (from: Key | null, n: number): Key | null => {
      const where = [...ranged.map((r) => r.sql), ...(from ? [`(${key.col}, id) ${cmp} (?, ?)`] : [])];
      return (
        this.db
          .prepare<unknown[], Key>(
            `SELECT ${key.col} AS k, id FROM alerts INDEXED BY ${index} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
             ORDER BY ${key.col} ${dir}, id ${dir} LIMIT 1 OFFSET ?`,
          )
          .get(...ranged.flatMap((r) => r.params), ...(from ? [from.k, from.id] : []), n - 1) ?? null
      );
    };
    const start = after ? { k: after.k, id: after.id } : null;
    if (tested.length === 0) return finish(walk(start, null, limit + 1), { kind: 'walk' });
    const narrow = this.narrowest(terms, this.limits.driveMax);
    if (narrow) return finish(drive(new Set([narrow.term])), { kind: 'drive', ...narrow });
    // every test reads only columns the sort index carries: the walk never reads a row it does
    // not return, so even a long one stays short
    if (index === key.index && tested.every((t) => t.col !== undefined && key.carries.includes(t.col))) return finish(walk(start, null, limit + 1), { kind: 'walk' });

    // a broad search on severity or priority: value by value in the sort's order, the value's ids
    // (index order) merged with the search's (full-text index order, the same), stopping once
    // the page is full. A value without matches costs one pass over the search's matches; one
    // with matches stops at the page's end.
    if (text && key.ranks && index === key.index && tested.includes(text)) {
      const others = tested.filter((t) => t !== text);
      const ids: number[] = [];
      for (const rank of sort.dir === 'asc' ? key.ranks : [...key.ranks].reverse()) {
        if (start && (sort.dir === 'asc' ? rank < Number(start.k) : rank > Number(start.k))) continue;
        const within = start && rank === Number(start.k);
        const where = [`${key.col} = ?`, ...ranged.map((r) => r.sql), ...others.map((t) => t.check), ...(within ? [`id ${cmp} ?`] : [])];
        const sql = `SELECT id FROM alerts INDEXED BY ${key.index} WHERE ${where.join(' AND ')} INTERSECT ${FTS_IDS} ORDER BY 1 ${dir} LIMIT ?`;
        const params = [rank, ...ranged.flatMap((r) => r.params), ...others.flatMap((t) => t.params), ...(within ? [start.id] : []), ...text.params, limit + 1 - ids.length];
        ids.push(...(this.db.prepare<unknown[], number>(sql).pluck().all(...params) as number[]));
        if (ids.length > limit) break;
      }
      const rows = new Map(this.db.prepare<[string], Row>(`${select} WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)).map((r) => [r.id, r]));
      return finish(ids.map((id) => rows.get(id)!), { kind: 'merge' });
    }

    // a broad search: probing the rows a walk meets costs less than reading every match when
    // the walk is expected to be short (its length ~ page × alerts / matches, on a key the
    // matches spread along); the probe walk is bounded at four times that, and the rest of the
    // page, if any, is read the usual way
    let have: Row[] = [];
    let from = start;
    let probed: 'spent' | undefined;
    if (search && key.probe && tested.includes(text!)) {
      const expected = ((limit + 1) * this.maxId()) / Math.max(1, search.matches);
      if (expected * this.limits.probeCost * (1 + searchIndexSegments(this.db)) < search.matches) {
        const to = boundAt(from, Math.min(this.limits.walkBudget, Math.ceil(4 * expected)));
        have = walk(from, to, limit + 1, true);
        if (have.length > limit || !to) return finish(have, { kind: 'walk', probe: true });
        from = to;
        probed = 'spent';
      }
    }
    // a search tested in the walk is read first into a set of its matches: one pass over the
    // full-text index (~0.2 µs a match) where `id IN (...)` would build a temporary b-tree of them
    // (~0.3 µs a match), then a lookup per walked row. On a key the matches cluster along (risk:
    // no "ssh" among the riskiest alerts) the walk is long, and each step costs nothing.
    if (text && tested.includes(text)) {
      this.readHits(text.params[0] as string);
      hits = true;
    }
    const want = limit + 1 - have.length;
    // bounded by walkBudget index entries, so a filter far narrower than each of its conditions
    // cannot walk the whole table: the bound is the key walkBudget entries on (index only)
    const bound = boundAt(from, this.limits.walkBudget);
    const rows = [...have, ...walk(from, bound, want)];
    const plan = (p: ListPlan): ListPlan => ({ ...p, ...(probed ? { probe: probed } : {}), ...(hits ? { hits: true } : {}) }) as ListPlan;
    if (rows.length > limit || !bound) return finish(rows, plan({ kind: 'walk' }));
    // the budget ran out before the page was full (the conditions together are far narrower than
    // each alone): read the intersection of the matches of every condition with at most
    // fallbackDriveMax of them, else walk on from the bound
    const joined = new Set(this.matchCounts(terms, this.limits.fallbackDriveMax).flatMap((n, i) => (n <= this.limits.fallbackDriveMax ? [i] : [])));
    if (joined.size > 0) return finish(drive(joined), plan({ kind: 'walk', fallback: 'drive' }));
    return finish([...rows, ...walk(bound, null, limit + 1 - rows.length)], plan({ kind: 'walk', fallback: 'walk' }));
  }

  /**
   * Reads the ids of the alerts matching an FTS5 query into the set alerts_search_hit(id) tests,
   * a chunk of the id range at a time (FTS5 reads a rowid range of its lists directly).
   * ~40 ms for 275,000 matches: ~21 ms FTS5 reading its lists, ~13 ms SQLite writing the ids.
   */
  private readHits(match: string): void {
    const max = this.maxId();
    const set = searchHits(this.db);
    const words = (max >>> 5) + 1;
    if (set.bits.length < words) set.bits = new Uint32Array(words + (words >>> 3));
    else set.bits.fill(0);
    this.hitsStmt ??= this.db.prepare<[string, number, number], string | null>(
      "SELECT group_concat(rowid, ',') FROM alerts_fts WHERE alerts_fts MATCH ? AND rowid BETWEEN ? AND ?",
    ).pluck();
    const bits = set.bits;
    for (let lo = 0; lo <= max; lo += this.limits.hitsChunk) {
      // the ids as one string of decimals, read digit by digit: no array of a number per match
      const ids = this.hitsStmt.get(match, lo, lo + this.limits.hitsChunk - 1);
      if (!ids) continue;
      let id = 0;
      for (let i = 0; i < ids.length; i++) {
        const c = ids.charCodeAt(i);
        if (c === 44) {
          bits[id >>> 5]! |= 1 << (id & 31);
          id = 0;
        } else id = id * 10 + c - 48;
      }
      bits[id >>> 5]! |= 1 << (id & 31);
    }
  }

  /** The highest alert id: the table's size, near enough, in one index lookup. */
  private maxId(): number {
    return this.maxIdStmt.get() ?? 0;
  }

  /**
   * A free-text search as exact index terms: each word (ASCII letters and digits, at least
   * SEARCH_WORD_MIN long) becomes the OR of the terms of alerts_fts it is a prefix of, read from
   * the index's vocabulary in this call, so the query matches what the prefix query matches.
   * `matches`: an upper bound of the alerts matching (the sum of the terms' document counts of
   * the narrowest word). Null when a word is a phrase, short, or has more than
   * SEARCH_TERMS_MAX terms (the prefix query stands).
   */
  searchTerms(text: string): { match: string; matches: number } | null {
    const words = searchWords(text);
    if (words.length === 0 || !words.every((w) => w.length >= SEARCH_WORD_MIN && /^[A-Za-z0-9]+$/.test(w))) return null;
    const groups: string[] = [];
    let matches = Infinity;
    for (const w of words) {
      const found = this.wordTerms(w.toLowerCase());
      if (!found) return null;
      matches = Math.min(matches, found.docs);
      groups.push(found.group);
    }
    return { match: groups.join(' AND '), matches };
  }

  /**
   * One word's terms as an FTS5 OR group, with the sum of their document counts; null when none
   * or more than SEARCH_TERMS_MAX. Reading the vocabulary counts each term's postings (~10 ms for
   * "ssh" on 1,000,000 alerts), and the list asks it for every page and count of a search: the
   * answer is kept while the index's structure record holds. FTS5 rewrites that record with
   * every change to the index (each transaction's new segment, a merge, a deletion), by this
   * connection or another; the rest of the database (a metrics row written every second) does
   * not touch it.
   */
  private wordTerms(word: string): { group: string; docs: number } | null {
    this.termsStmt ??= this.vocabulary();
    const generation = this.indexStructureStmt.get() ?? null;
    if (!sameBlob(this.termsCache.generation, generation) || this.termsCache.words.size >= 64) this.termsCache = { generation, words: new Map() };
    const cached = this.termsCache.words.get(word);
    if (cached !== undefined) return cached;
    // ASCII: the words with this prefix sort between it and its last letter's successor
    const hi = word.slice(0, -1) + String.fromCharCode(word.charCodeAt(word.length - 1) + 1);
    const found = this.termsStmt.all(word, hi, SEARCH_TERMS_MAX + 1);
    const terms =
      found.length === 0 || found.length > SEARCH_TERMS_MAX
        ? null
        : { group: found.length === 1 ? `"${found[0]!.term}"` : `(${found.map((t) => `"${t.term}"`).join(' OR ')})`, docs: found.reduce((n, t) => n + t.doc, 0) };
    this.termsCache.words.set(word, terms);
    return terms;
  }

  /** The full-text index's terms with their document counts (a per-connection fts5vocab table). */
  private vocabulary(): Statement<[string, string, number], { term: string; doc: number }> {
    this.db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.alerts_fts_terms USING fts5vocab(main, alerts_fts, row)');
    return this.db.prepare('SELECT term, doc FROM temp.alerts_fts_terms WHERE term >= ? AND term < ? LIMIT ?');
  }

  /**
   * The condition with the fewest matches among those with an index, if it has at most `max`;
   * each count reads at most max + 1 index entries (less once a narrower one is known).
   */
  private narrowest(terms: readonly FilterTerm[], max: number): { term: number; matches: number } | null {
    let best: { term: number; matches: number } | null = null;
    for (const [i, t] of terms.entries()) {
      if (!t.ids) continue;
      const cap: number = (best?.matches ?? max) + 1;
      const n = this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (${t.ids} LIMIT ?)`).get(...t.params, cap)!.n;
      if (n < cap) best = { term: i, matches: n };
    }
    return best;
  }

  /** Each condition's matches, counted up to max + 1 from its own index (Infinity: no index). */
  private matchCounts(terms: readonly FilterTerm[], max: number): number[] {
    return terms.map((t) => (t.ids ? this.db.prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM (${t.ids} LIMIT ?)`).get(...t.params, max + 1)!.n : Infinity));
  }

  insertMany(alerts: readonly NewAlert[]): number[] {
    const created = this.now().toISOString();
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const a of alerts) {
        const { agent, ...fields } = a;
        const info = this.insertStmt.run({
          ...fields,
          agent_id: agent?.id ?? null,
          agent_name: agent?.name ?? null,
          user: a.user ?? null,
          host: a.host ?? alertHost({ agent: agent ?? null, dst_ip: a.dst_ip, src_ip: a.src_ip }),
          sensor: a.sensor ?? null,
          status: a.status ?? 'NEW',
          assignee: a.assignee ?? null,
          technique_ids: JSON.stringify(a.technique_ids ?? []),
          tags: JSON.stringify(a.tags ?? []),
          created_at: created,
          src_ip_key: ipKey(a.src_ip),
          dst_ip_key: ipKey(a.dst_ip),
        });
        const id = Number(info.lastInsertRowid);
        this.ftsStmt.run(id, a.title, a.rule_id ?? '', ftsHosts(a.src_ip, a.dst_ip, agent?.name ?? null, a.sensor ?? null), '');
        this.outboxStmt.run(id, 'new', created);
        ids.push(id);
      }
    })();
    return ids;
  }

  /**
   * Changes an alert's status and records who, when, from, to and the note in the audit log,
   * in one transaction, with the change in the undo log (status_changes) under `changeId`.
   * Returns null when the alert does not exist.
   */
  setStatus(id: number, status: AlertStatus, actor: string, note: string | null, changeId: string = crypto.randomUUID()): { alert: Alert; from: AlertStatus; change_id: string } | null {
    return this.db.transaction(() => {
      const before = this.getStmt.get(id);
      if (!before) return null;
      const ts = this.now().toISOString();
      this.setStatusStmt.run({ status, ts, id });
      this.outboxStmt.run(id, 'status', ts);
      this.audit.append({
        ts,
        actor,
        action: 'alert.status',
        target_type: 'alert',
        target_id: String(id),
        details: { from: before.status, to: status, note, change_id: changeId },
      });
      if (before.status !== status) this.changeStmt.run(changeId, id, before.status, status, ts, actor);
      return { alert: rowToAlert({ ...before, status }), from: before.status, change_id: changeId };
    }).immediate();
  }

  /**
   * Sets many alerts to one status in ONE transaction, with a history entry for each alert that
   * changed (tagged with the bulk job's id, which is also the change's id in the undo log).
   * Returns how many changed.
   */
  setStatusMany(ids: readonly number[], status: AlertStatus, actor: string, note: string | null, jobId: string): number {
    const getStatus = this.db.prepare<[number], { status: AlertStatus }>('SELECT status FROM alerts WHERE id = ?');
    return this.db.transaction(() => {
      const ts = this.now().toISOString();
      let changed = 0;
      for (const id of ids) {
        const before = getStatus.get(id);
        if (!before || before.status === status) continue;
        this.setStatusStmt.run({ status, ts, id });
        this.outboxStmt.run(id, 'status', ts);
        this.audit.append({ ts, actor, action: 'alert.status', target_type: 'alert', target_id: String(id), details: { from: before.status, to: status, note, job_id: jobId } });
        this.changeStmt.run(jobId, id, before.status, status, ts, actor);
        changed++;
      }
      return changed;
    }).immediate();
  }

  /** Assigns (or unassigns, with null) alerts; audited per alert. */
  assign(ids: readonly number[], assignee: string | null, actor: string): number {
    const stmt = this.db.prepare('UPDATE alerts SET assignee = ?, updated_at = ? WHERE id = ? AND assignee IS NOT ?');
    return this.db.transaction(() => {
      const ts = this.now().toISOString();
      let n = 0;
      for (const id of ids) {
        if (stmt.run(assignee, ts, id, assignee).changes === 0) continue;
        this.outboxStmt.run(id, 'updated', ts);
        this.audit.append({ ts, actor, action: 'alert.assign', target_type: 'alert', target_id: String(id), details: { assignee } });
        n++;
      }
      return n;
    }).immediate();
  }

  /**
   * Adds and removes tags (a tag in both lists is added); an alert keeps at most MAX_ALERT_TAGS,
   * the newest win. Audited per alert that changed, with what was added and removed.
   */
  tag(ids: readonly number[], add: readonly string[], remove: readonly string[], actor: string): number {
    const adding = new Set(add);
    const dropping = new Set(remove.filter((t) => !adding.has(t)));
    const get = this.tagsStmt;
    const set = this.setTagsStmt;
    return this.db.transaction(() => {
      const ts = this.now().toISOString();
      let n = 0;
      for (const id of ids) {
        const raw = get.get(id);
        if (raw === undefined) continue;
        const before = parseStringArray(raw);
        const kept = before.filter((t) => !dropping.has(t) && !adding.has(t));
        const after = [...kept, ...adding].slice(-MAX_ALERT_TAGS);
        const added = after.filter((t) => !before.includes(t));
        const removed = before.filter((t) => !after.includes(t));
        if (added.length === 0 && removed.length === 0) continue;
        set.run(JSON.stringify(after), ts, id);
        this.outboxStmt.run(id, 'updated', ts);
        this.audit.append({ ts, actor, action: 'alert.tags', target_type: 'alert', target_id: String(id), details: { added, removed } });
        n++;
      }
      return n;
    }).immediate();
  }

  /** The tags on alerts, most used first. */
  /** How many alerts match a compiled filter (alertWhere). */
  /**
   * How many alerts a filter matches. A search alone is counted in the full-text index (every
   * alert has its row there and alerts are never deleted): ~25 ms for 275,000 matches of
   * 1,000,000, where reading each match's row took ~360 ms, a wait for whatever the analyst
   * asks next. Throws InvalidFilterError.
   */
  countMatching(filter: AlertFilter): number {
    const terms = filterTerms(filter);
    if (terms.length === 1 && terms[0]!.text && filter.text) {
      const text = filter.text;
      // the terms and the count in one read transaction (see listPlanned)
      return this.db.transaction(() => {
        const match = this.searchTerms(text)?.match ?? terms[0]!.params[0];
        return this.db.prepare<[unknown], number>('SELECT count(*) FROM alerts_fts WHERE alerts_fts MATCH ?').pluck().get(match)!;
      })();
    }
    return this.countWhere(termsWhere(terms));
  }

  countWhere(w: SqlWhere): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM alerts WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
  }

  /** The ids of the alerts a compiled filter matches, in id order. */
  idsWhere(w: SqlWhere): number[] {
    return (this.db.prepare(`SELECT id FROM alerts WHERE ${w.sql} ORDER BY id`).all(...w.params) as { id: number }[]).map((r) => r.id);
  }

  /** Alerts related to one: the others on its host, source, destination or first technique, latest first. */
  related(a: Alert, limit: number): { same_host: Alert[]; same_source: Alert[]; same_destination: Alert[]; same_technique: Alert[] } {
    const q = (sql: string, p: unknown): Alert[] =>
      (this.db.prepare(`SELECT ${ALERT_COLUMNS} FROM alerts WHERE id <> ? AND ${sql} ORDER BY last_seen DESC LIMIT ?`).all(a.id, p, limit) as AlertRow[]).map(rowToAlert);
    const tech = a.technique_ids[0];
    // the address keys and host are indexed; the other text columns are not
    const srcKey = ipKey(a.src_ip);
    const dstKey = ipKey(a.dst_ip);
    return {
      same_host: a.host ? q('host = ?', a.host) : [],
      same_source: srcKey ? q('src_ip_key = ?', srcKey) : [],
      same_destination: dstKey ? q('dst_ip_key = ?', dstKey) : [],
      same_technique: tech ? q('EXISTS (SELECT 1 FROM json_each(alerts.technique_ids) WHERE value = ?)', tech) : [],
    };
  }

  knownTags(limit = 200): { tag: string; alerts: number }[] {
    return this.db
      .prepare(
        `SELECT j.value AS tag, count(*) AS alerts FROM alerts, json_each(alerts.tags) AS j
         WHERE alerts.tags <> '[]' GROUP BY j.value ORDER BY alerts DESC, tag LIMIT ?`,
      )
      .all(limit) as { tag: string; alerts: number }[];
  }

  /** Everything the alert detail screen and `vigil alerts show` need. */
  detail(id: number, maxEvents = 200): Omit<AlertDetail, 'techniques' | 'priority_reason'> | null {
    const alert = this.get(id);
    const extra = this.detailStmt.get(id);
    if (!alert || !extra) return null;
    const terms = (() => {
      try {
        const v: unknown = JSON.parse(extra.score_terms);
        return Array.isArray(v) ? (v as AlertDetail['score_terms']) : [];
      } catch {
        return [];
      }
    })();
    return {
      alert,
      history: alertTimeline(this.audit, id),
      threat_type: extra.threat_type,
      confidence: extra.confidence,
      score_terms: terms,
      detection: parseObject(extra.detection),
      enrichment: parseObject(extra.enrichment),
      events: this.eventsStmt.all(id, maxEvents),
      events_total: this.eventCountStmt.get(id)!.n,
    };
  }

  history(id: number): StatusChange[] {
    return this.audit.forTarget('alert', String(id), 'alert.status').map((e) => ({
      ts: e.ts,
      actor: e.actor,
      from: e.details['from'] as AlertStatus,
      to: e.details['to'] as AlertStatus,
      note: typeof e.details['note'] === 'string' ? e.details['note'] : null,
    }));
  }
}
