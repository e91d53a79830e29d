/**
 * The sensor record store (migration 0012): writes records in blocks inside the caller's batch
 * transaction, reads them back for hunting, evidence and hosts, and prunes them by age and size.
 * Query strings are compiled by records-query.ts into parameterised SQL.
 */
import type { Database, Statement } from 'better-sqlite3';
import type { EventDetail, EventRow, SavedHuntQuery } from '../contract/index.js';
import { summaryOf } from '../hunt/fields.js';
import type { SensorRecord } from '../pipeline/types.js';
import { blobIp, ipBlob } from './ipblob.js';
import { ipKey } from './ipkey.js';
import { BLOCK_RECORDS, RawBlockPacker, joinedBytes, unpackRawBlock, type RawBlock, type RawBlocks } from './raw-blocks.js';
import { RECORD_BUCKETS, ROWID, fieldExpression, flowIdFromSql, flowIdToSql, type CompiledWhere, type SqlParam } from './records-query.js';
import { StatementCache, placeholders } from './sql.js';

/** The hour of a record in record_host_hours (migration 0018): ts / 3600000, as SQLite divides. */
export const HOUR_MS = 3_600_000;
/** record_host_hours' key for "no address". */
const NO_ADDRESS = Buffer.alloc(0);

/** An address's records in one hour of a batch, as source and as destination. */
interface HourHost {
  key: Buffer;
  src: number;
  dst: number;
  /** Records of the hour from this address to itself (record_host_loops, migration 0024). */
  loops: number;
}

/** Records of a batch in one hour with the same type, sensor, protocols and destination port. */
interface HourKind {
  hour: number;
  type: string;
  sensor: string;
  proto: string;
  app_proto: string;
  dport: number;
  n: number;
}

/** An address seen in a batch: when first and last, how often. */
interface HostSeen {
  key: Buffer;
  first: number;
  last: number;
  count: number;
}

export class RecordsWriter {
  private readonly insert: Statement;
  private readonly insertBlock: Statement;
  private readonly insertRaw: Statement;
  private readonly upsertHost: Statement;
  private readonly upsertHostHour: Statement;
  private readonly upsertHostLoops: Statement;
  private readonly upsertHour: Statement;
  private readonly packer = new RawBlockPacker();

  constructor(db: Database) {
    // positional parameters: named ones cost more to bind than the insert itself
    this.insert = db.prepare(
      `INSERT INTO records (ts, type, sensor, src, sport, dst, dport, proto, app_proto, flow_id, community_id, s1, s2, s3, s4, s5, s6, s7, n1, n2, n3)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.insertBlock = db.prepare('INSERT INTO record_blocks (id, last_id, source_id, file, ts_min, ts_max, raw_bytes) VALUES (?, ?, ?, ?, ?, ?, ?)');
    this.insertRaw = db.prepare('INSERT INTO record_raw (block, data) VALUES (?, ?)');
    this.upsertHost = db.prepare(
      `INSERT INTO hosts (ip, first_seen, last_seen, records) VALUES (?, ?, ?, ?)
       ON CONFLICT (ip) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen),
         records = records + excluded.records`,
    );
    this.upsertHostHour = db.prepare(
      'INSERT INTO record_host_hours (role, hour, ip, n) VALUES (?, ?, ?, ?) ON CONFLICT (role, hour, ip) DO UPDATE SET n = n + excluded.n',
    );
    this.upsertHostLoops = db.prepare('INSERT INTO record_host_loops (hour, ip, n) VALUES (?, ?, ?) ON CONFLICT (hour, ip) DO UPDATE SET n = n + excluded.n');
    this.upsertHour = db.prepare(
      `INSERT INTO record_hours (hour, type, sensor, proto, app_proto, dport, n) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (hour, type, sensor, proto, app_proto, dport) DO UPDATE SET n = n + excluded.n`,
    );
  }

  /**
   * Appends records (call inside the batch's transaction, so they commit with the source's cursor).
   * `file` names where they were read. Returns the id of each record, in order.
   *
   * `packed`: the records' raw lines packed already (a normalize worker's RawBlockPacker over these
   * very records). A block whose size differs from its lines' is packed here again, so a mismatch
   * costs time, never a wrong raw line.
   */
  append(sourceId: string, file: string | null, records: readonly SensorRecord[], packed?: RawBlocks): number[] {
    if (packed && packed.records !== records.length) throw new Error(`raw blocks of ${packed.records} records given with ${records.length} records`);
    const ids: number[] = new Array<number>(records.length);
    const hosts = new Map<string, HostSeen>();
    const hourly = new Map<number, Map<string, HourHost>>();
    const kinds = new Map<string, HourKind>();
    for (let start = 0; start < records.length; start += BLOCK_RECORDS) {
      const end = Math.min(records.length, start + BLOCK_RECORDS);
      let first = -1;
      let tsMin = Infinity;
      let tsMax = -Infinity;
      const lines: string[] = new Array<string>(end - start);
      for (let i = start; i < end; i++) {
        const r = records[i]!;
        const src = ipBlob(r.src_ip);
        const dst = ipBlob(r.dst_ip);
        const s = r.slots;
        const id = Number(
          this.insert.run(r.ts, r.type, r.sensor, src, r.src_port, dst, r.dst_port, r.proto, r.app_proto, flowIdToSql(r.flow_id), r.community_id,
            s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8], s[9]).lastInsertRowid,
        );
        if (first < 0) first = id;
        // a block is a contiguous id range (line i of the block is record first + i)
        else if (id !== first + (i - start)) throw new Error(`record ids of a block are not contiguous (${first}+${i - start} → ${id})`);
        ids[i] = id;
        lines[i - start] = r.raw;
        if (r.ts < tsMin) tsMin = r.ts;
        if (r.ts > tsMax) tsMax = r.ts;
        // a record from an address to itself names one host: counted once in its records
        const loop = src !== null && dst !== null && src.equals(dst);
        if (src) seen(hosts, r.src_ip!, src, r.ts);
        if (dst && !loop) seen(hosts, r.dst_ip!, dst, r.ts);
        const hour = Math.trunc(r.ts / HOUR_MS);
        let inHour = hourly.get(hour);
        if (!inHour) hourly.set(hour, (inHour = new Map()));
        const fromHost = hourHost(inHour, r.src_ip ?? '', src);
        fromHost.src++;
        if (loop) fromHost.loops++;
        hourHost(inHour, r.dst_ip ?? '', dst).dst++;
        // record_hours' key (migration 0021): '' and -1 stand for a missing value
        const key = `${hour}\u0000${r.type}\u0000${r.sensor ?? ''}\u0000${r.proto ?? ''}\u0000${r.app_proto ?? ''}\u0000${r.dst_port ?? -1}`;
        const kind = kinds.get(key);
        if (kind) kind.n++;
        else kinds.set(key, { hour, type: r.type, sensor: r.sensor ?? '', proto: r.proto ?? '', app_proto: r.app_proto ?? '', dport: r.dst_port ?? -1, n: 1 });
      }
      const block = packedBlock(packed?.blocks[start / BLOCK_RECORDS], lines) ?? this.packer.pack(lines);
      this.insertBlock.run(first, first + (end - start) - 1, sourceId, file, tsMin, tsMax, block.rawBytes);
      this.insertRaw.run(first, block.data);
    }
    for (const h of hosts.values()) this.upsertHost.run(h.key, h.first, h.last, h.count);
    for (const [hour, inHour] of hourly) {
      for (const h of inHour.values()) {
        if (h.src) this.upsertHostHour.run(0, hour, h.key, h.src);
        if (h.dst) this.upsertHostHour.run(1, hour, h.key, h.dst);
        if (h.loops) this.upsertHostLoops.run(hour, h.key, h.loops);
      }
    }
    for (const k of kinds.values()) this.upsertHour.run(k.hour, k.type, k.sensor, k.proto, k.app_proto, k.dport, k.n);
    return ids;
  }
}

/** A block retention takes: its id range and time span. */
interface PrunedBlock {
  id: number;
  last_id: number;
  ts_min: number;
  ts_max: number;
}

export interface PruneOutcome {
  /** Records deleted. */
  records: number;
  /** Whether more is due (another call would delete more). */
  more: boolean;
}

/**
 * Retention of the record store: whole blocks go, oldest first, a few per call, each call one short
 * transaction (a block is ~1,000 records), so pruning never holds the write lock long enough to stall
 * an ingest. A block goes when its newest record is older than the age limit, or, while the
 * database's pages in use exceed the size limit, whatever its age.
 */
export class RecordsRetention {
  private readonly oldBlocks: Statement<[number, number], PrunedBlock>;
  private readonly oldestBlocks: Statement<[number], PrunedBlock>;
  private readonly uncountHours: Statement<[number, number]>[];
  private readonly dropEmptyHours: Statement<[number, number]>;
  private readonly uncountLoops: Statement<[number, number]>;
  private readonly dropEmptyLoops: Statement<[number, number]>;
  private readonly uncountKinds: Statement<[number, number]>;
  private readonly dropEmptyKinds: Statement<[number, number]>;
  private readonly deleteRecords: Statement<[number, number]>;
  private readonly deleteRaw: Statement<[number]>;
  private readonly deleteBlock: Statement<[number]>;
  private readonly deleteHosts: Statement<[number]>;

  constructor(private readonly db: Database) {
    this.oldBlocks = db.prepare('SELECT id, last_id, ts_min, ts_max FROM record_blocks WHERE ts_max < ? ORDER BY ts_max LIMIT ?');
    this.oldestBlocks = db.prepare('SELECT id, last_id, ts_min, ts_max FROM record_blocks ORDER BY ts_max LIMIT ?');
    // a block's records are taken off their hours' counts before they go
    this.uncountHours = (['src', 'dst'] as const).map((column, role) =>
      db.prepare(
        `UPDATE record_host_hours SET n = record_host_hours.n - gone.n
         FROM (SELECT ts / ${HOUR_MS} AS hour, coalesce(${column}, X'') AS ip, count(*) AS n FROM records WHERE id BETWEEN ? AND ? GROUP BY 1, 2) AS gone
         WHERE record_host_hours.role = ${role} AND record_host_hours.hour = gone.hour AND record_host_hours.ip = gone.ip`,
      ),
    );
    this.dropEmptyHours = db.prepare('DELETE FROM record_host_hours WHERE role IN (0, 1) AND hour BETWEEN ? AND ? AND n <= 0');
    this.uncountLoops = db.prepare(
      `UPDATE record_host_loops SET n = record_host_loops.n - gone.n
       FROM (SELECT ts / ${HOUR_MS} AS hour, src AS ip, count(*) AS n FROM records WHERE id BETWEEN ? AND ? AND dst = src GROUP BY 1, 2) AS gone
       WHERE record_host_loops.hour = gone.hour AND record_host_loops.ip = gone.ip`,
    );
    this.dropEmptyLoops = db.prepare('DELETE FROM record_host_loops WHERE hour BETWEEN ? AND ? AND n <= 0');
    this.uncountKinds = db.prepare(
      `UPDATE record_hours SET n = record_hours.n - gone.n
       FROM (SELECT ts / ${HOUR_MS} AS hour, type, coalesce(sensor, '') AS sensor, coalesce(proto, '') AS proto, coalesce(app_proto, '') AS app_proto,
               coalesce(dport, -1) AS dport, count(*) AS n
             FROM records WHERE id BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6) AS gone
       WHERE record_hours.hour = gone.hour AND record_hours.type = gone.type AND record_hours.sensor = gone.sensor
         AND record_hours.proto = gone.proto AND record_hours.app_proto = gone.app_proto AND record_hours.dport = gone.dport`,
    );
    this.dropEmptyKinds = db.prepare('DELETE FROM record_hours WHERE hour BETWEEN ? AND ? AND n <= 0');
    this.deleteRecords = db.prepare('DELETE FROM records WHERE id BETWEEN ? AND ?');
    this.deleteRaw = db.prepare('DELETE FROM record_raw WHERE block = ?');
    this.deleteBlock = db.prepare('DELETE FROM record_blocks WHERE id = ?');
    this.deleteHosts = db.prepare('DELETE FROM hosts WHERE last_seen < ?');
  }

  /** Bytes of the database file in use (pages not on the free list). */
  usedBytes(): number {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const free = this.db.pragma('freelist_count', { simple: true }) as number;
    const size = this.db.pragma('page_size', { simple: true }) as number;
    return (pages - free) * size;
  }

  /** One pruning step: at most `blocks` blocks. */
  prune(opts: { maxAgeDays: number; maxBytes: number; nowMs: number; blocks: number }): PruneOutcome {
    const cutoff = opts.nowMs - opts.maxAgeDays * 86_400_000;
    return this.db.transaction((): PruneOutcome => {
      let list = this.oldBlocks.all(cutoff, opts.blocks);
      let more = list.length === opts.blocks;
      if (list.length === 0 && this.usedBytes() > opts.maxBytes) {
        list = this.oldestBlocks.all(opts.blocks);
        more = list.length > 0;
      }
      let records = 0;
      for (const b of list) {
        for (const u of this.uncountHours) u.run(b.id, b.last_id);
        this.dropEmptyHours.run(Math.trunc(b.ts_min / HOUR_MS), Math.trunc(b.ts_max / HOUR_MS));
        this.uncountLoops.run(b.id, b.last_id);
        this.dropEmptyLoops.run(Math.trunc(b.ts_min / HOUR_MS), Math.trunc(b.ts_max / HOUR_MS));
        this.uncountKinds.run(b.id, b.last_id);
        this.dropEmptyKinds.run(Math.trunc(b.ts_min / HOUR_MS), Math.trunc(b.ts_max / HOUR_MS));
        records += this.deleteRecords.run(b.id, b.last_id).changes;
        this.deleteRaw.run(b.id);
        this.deleteBlock.run(b.id);
      }
      this.deleteHosts.run(cutoff);
      return { records, more };
    }).immediate();
  }
}

/** A block packed ahead, if it holds as many bytes as `lines` joined (else null: packed here again). */
function packedBlock(block: RawBlock | undefined, lines: readonly string[]): RawBlock | null {
  return block && joinedBytes(lines) === block.rawBytes ? block : null;
}

function hourHost(inHour: Map<string, HourHost>, ip: string, key: Buffer | null): HourHost {
  let h = inHour.get(ip);
  if (!h) inHour.set(ip, (h = { key: key ?? NO_ADDRESS, src: 0, dst: 0, loops: 0 }));
  return h;
}

function seen(hosts: Map<string, HostSeen>, ip: string, key: Buffer, ts: number): void {
  const h = hosts.get(ip);
  if (h === undefined) hosts.set(ip, { key, first: ts, last: ts, count: 1 });
  else {
    if (ts < h.first) h.first = ts;
    if (ts > h.last) h.last = ts;
    h.count++;
  }
}

/** A row as read, before it becomes the contract's EventRow. */
interface RowIn {
  id: number;
  ts: number;
  type: string;
  sensor: string | null;
  src: Buffer | null;
  sport: number | null;
  dst: Buffer | null;
  dport: number | null;
  proto: string | null;
  app_proto: string | null;
  flow_id: string | null;
  community_id: string | null;
  s1: string | null;
  s2: string | null;
  s3: string | null;
  s4: string | null;
  s5: string | null;
  s6: string | null;
  s7: string | null;
  n1: number | null;
  n2: number | null;
  n3: number | null;
}

interface BlockRow {
  id: number;
  last_id: number;
  source_id: string;
  file: string | null;
}

/** The columns every row read selects (flow_id as text: exact). */
export const ROW_COLUMNS =
  'id, ts, type, sensor, src, sport, dst, dport, proto, app_proto, CAST(flow_id AS TEXT) AS flow_id, community_id, s1, s2, s3, s4, s5, s6, s7, n1, n2, n3';

const CLOSED = "('RESOLVED','FALSE_POSITIVE')";

export interface HostRowOut {
  ip: string;
  key: Buffer;
  first_seen: number;
  last_seen: number;
  records: number;
}

export interface ContributorRow {
  event_id: number;
  ts: string;
  source: string;
  rule_id: string | null;
  title: string;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  flow_id: string | null;
  raw: string;
}

/** Reads of the record store: pages, counts, one record with its raw line, hosts, evidence. */
/** The table clause that reads a compiled query through its index. */
function tableOf(where: CompiledWhere): string {
  if (where.index === ROWID) return 'records NOT INDEXED';
  return where.index ? `records INDEXED BY ${where.index}` : 'records';
}

/** The address columns (BLOB keys, main/store/ipblob.ts). */
const ADDRESS_COLUMNS: ReadonlySet<string> = new Set(['src', 'dst']);

/** A value grouped by, as read: text, a number, an address BLOB or NULL. */
type GroupValue = string | number | Buffer | null;

/**
 * The columns record_hours counts by (migration 0021), each with the value its key holds for "none"
 * (null: never missing).
 */
const HOUR_NONE = { type: null, sensor: "''", proto: "''", app_proto: "''", dport: '-1' } as const;
export type HourColumn = keyof typeof HOUR_NONE;
export const HOUR_COLUMNS: ReadonlySet<string> = new Set(Object.keys(HOUR_NONE));

/** One group of a group-by: its values (one per expression) and how many rows have them. */
interface Group {
  values: GroupValue[];
  count: number;
}

/** Expressions with about one value per record (fieldExpression): a pair with one is sorted, not counted. */
const ID_EXPRESSIONS: ReadonlySet<string> = new Set([fieldExpression('flow_id').expr, fieldExpression('community_id').expr]);

/** The temporary table pairCounts counts in (one connection runs one statement at a time). */
const PAIR_COUNTS = 'vigil_pair_counts';

/** The port columns: values of 0-65535, counted in an array when grouped by alone (countPorts). */
const PORT_COLUMNS: ReadonlySet<string> = new Set(['sport', 'dport']);
const PORTS = 65_536;

/**
 * The values of a port column counted, and the groups that can rank among the largest `limit`: every
 * port counted as often as the `limit`-th largest port count or more, and every value that is not a
 * port (NULL). The ports are counted in an array, not a Map, and only those that can rank are
 * ranked: a day of source ports (64,000 of them, 1.43M records on the bench) went from 1.1-1.3 s to
 * 0.83-0.88 s.
 */
function countPorts(values: Iterable<string | number | null>, limit: number): { groups: Group[]; total: number } {
  const counts = new Int32Array(PORTS);
  const others = new Map<string | number | null, number>();
  let total = 0;
  for (const v of values) {
    total++;
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < PORTS) counts[v]!++;
    else others.set(v, (others.get(v) ?? 0) + 1);
  }
  // a port counted less than this has `limit` ports above it
  const bound = Math.max(1, Int32Array.from(counts).sort()[Math.max(0, PORTS - limit)]!);
  const groups: Group[] = [];
  for (let port = 0; port < PORTS; port++) if (counts[port]! >= bound) groups.push({ values: [port], count: counts[port]! });
  for (const [v, count] of others) groups.push({ values: [v], count });
  return { groups, total };
}

/** A grouped value as a Map key: its type tagged, so 80 and "80" and an address stay apart. */
function groupKeyOf(v: GroupValue): string {
  if (v === null) return 'n';
  if (typeof v === 'number') return `#${v}`;
  if (typeof v === 'string') return `s${v}`;
  return `b${v.toString('hex')}`;
}

/** An address grouped as hex text (hex(col)) as a BLOB key again; '' (hex of NULL, or of X'') is "no address". */
function addressOfHex(key: string): Buffer | null {
  return key === '' ? null : Buffer.from(key, 'hex');
}

/**
 * The largest `limit` groups, ties in the order of their values. Each group's key is built once: a
 * comparator building both keys per call took most of a day's group-by by two addresses (60,000
 * groups, most of them ties).
 */
function topGroups(groups: readonly Group[], limit: number): Group[] {
  const keyed = groups.map((g) => ({ g, key: g.values.map(groupKeyOf).join('\u0000') }));
  keyed.sort((a, b) => b.g.count - a.g.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.slice(0, limit).map((k) => k.g);
}

/**
 * The columns each address index carries besides the addresses, time and id (migrations 0020, 0022):
 * an address's records grouped by one of them are counted from its index entries alone.
 */
export const ADDRESS_CARRIED = ['type', 'dport', 'proto', 'sensor'] as const;
export type AddressCarried = (typeof ADDRESS_CARRIED)[number];
/** A value of one of those columns: a port is an integer, the others text; NULL when absent. */
type CarriedValue = string | number | null;

/**
 * Two values of a column in SQLite's order (NULL, then numbers, then text by its UTF-8 bytes, as the
 * BINARY collation compares): the order groupBy gives groups that tie.
 */
function sqlOrder(x: CarriedValue, y: CarriedValue): number {
  if (x === y) return 0;
  if (x === null) return -1;
  if (y === null) return 1;
  if (typeof x === 'number') return typeof y === 'number' ? x - y : -1;
  if (typeof y === 'number') return 1;
  return Buffer.compare(Buffer.from(x), Buffer.from(y));
}

/**
 * The best `limit` of the candidates added, as ranked (the count is each candidate's last element).
 * Sorted when asked for the bound (and only if something was added since), or once per `limit`
 * candidates added, not on each add: thousands of small addresses each sorting a thousand
 * candidates would cost more than the counting.
 */
class TopPairs<T extends readonly unknown[]> {
  private readonly items: T[] = [];
  private min = 0;
  private sorted = true;

  constructor(
    private readonly limit: number,
    private readonly ranks: (a: T, b: T) => number,
  ) {}

  private count(t: T): number {
    return t[t.length - 1] as number;
  }

  add(t: T): void {
    if (this.count(t) < this.min) return;
    this.items.push(t);
    this.sorted = false;
    if (this.items.length >= 2 * this.limit) this.compact();
  }

  /**
   * The limit-th best count once `limit` candidates are known, 0 before: a candidate counting less
   * cannot rank or tie. Exact when asked: a stale, lower bound made the callers read twice as many
   * addresses (a day by src_ip proto: 318 sources read instead of 160).
   */
  bound(): number {
    if (!this.sorted) this.compact();
    return this.min;
  }

  private compact(): void {
    this.items.sort(this.ranks);
    this.sorted = true;
    if (this.items.length > this.limit) this.items.length = this.limit;
    if (this.items.length === this.limit) this.min = this.count(this.items[this.limit - 1]!);
  }

  result(): T[] {
    this.compact();
    return this.items;
  }
}

/**
 * The whole hours of [fromMs, toMs) as hour numbers [first, end) (ts / 3600000, as record_host_hours
 * and record_hours count them), or null when it holds none. Hour 0 also holds the records just
 * before 1970 (ts / 3600000 truncates): it is never taken whole.
 */
function wholeHours(fromMs: number, toMs: number): { first: number; end: number } | null {
  const first = Math.ceil(fromMs / HOUR_MS);
  const end = Math.floor(toMs / HOUR_MS);
  return first < 1 || end <= first ? null : { first, end };
}

/** ` AND type IN (?, ...)` holding rows to the given stored types, with its parameters; nothing for null (every type). */
function typeFilter(types: readonly string[] | null): { sql: string; params: readonly string[] } {
  return types ? { sql: ` AND type IN (${placeholders(types.length)})`, params: types } : { sql: '', params: [] };
}

/**
 * Runs of whole blocks idGroups reads from an index, and blocks at the range's ends it reads from
 * their rows, at most (one read each, in one compound SELECT: SQLite takes 500 at most).
 */
const ID_GROUP_RUNS = 16;
const ID_GROUP_EDGES = 64;

/** An id bucket of the record store and the time span of its records. */
interface BucketSpan {
  b: number;
  lo: number;
  hi: number;
}

/**
 * The first `limit` rows in (ts, id) order of a read an index gives in that order only within each id
 * bucket (`read(bucket, n)`: up to n rows of one bucket, in order). Buckets are read in the order of
 * their spans (latest end first when descending) and merged, until the next one's span cannot hold a
 * row that ranks before the limit-th: usually one or two buckets. A bucket of older records written
 * later (an old file imported) is merged where its times fall.
 */
function walkBuckets(spans: readonly BucketSpan[], dir: 'asc' | 'desc', limit: number, read: (bucket: number, n: number) => RowIn[]): RowIn[] {
  const desc = dir === 'desc';
  const order = [...spans].sort(desc ? (a, b) => b.hi - a.hi || b.b - a.b : (a, b) => a.lo - b.lo || a.b - b.b);
  const ranks = desc ? (a: RowIn, b: RowIn) => b.ts - a.ts || b.id - a.id : (a: RowIn, b: RowIn) => a.ts - b.ts || a.id - b.id;
  let rows: RowIn[] = [];
  for (const span of order) {
    const last = rows.length >= limit ? rows[limit - 1]! : null;
    if (last && (desc ? last.ts > span.hi : last.ts < span.lo)) break;
    const got = read(span.b, limit);
    if (got.length) rows = rows.concat(got).sort(ranks).slice(0, limit);
  }
  return rows;
}

export class RecordsRepo {
  /** The last blocks decompressed (events.get of neighbours reads one block once). */
  private readonly rawCache = new Map<number, string[]>();
  /** The point reads of get() and toRows(), run once per record of a page. */
  private readonly stmts: StatementCache;

  constructor(private readonly db: Database) {
    this.stmts = new StatementCache(db);
  }

  /**
   * Rows of a compiled query in time order after a keyset position, or ordered by a column
   * expression from an offset (a list sorted by a field is short: HEAD_MAX rows at most).
   */
  page(where: CompiledWhere, opts: { orderExpr?: string; offset?: number; dir: 'asc' | 'desc'; after?: { ts: number; id: number } | null; limit: number }): EventRow[] {
    const byTs = opts.orderExpr === undefined;
    const dir = opts.dir === 'desc' ? 'DESC' : 'ASC';
    const keyset = (c: { sql: string; params: SqlParam[] }) => {
      if (!byTs || !opts.after) return c;
      const sql = opts.dir === 'desc' ? ' AND (ts < ? OR (ts = ? AND id < ?))' : ' AND (ts > ? OR (ts = ? AND id > ?))';
      return { sql: c.sql + sql, params: [...c.params, opts.after.ts, opts.after.ts, opts.after.id] };
    };
    const order = byTs ? `ts ${dir}, id ${dir}` : `${opts.orderExpr} ${dir}, id ${dir}`;
    const from = byTs ? tableOf(where) : where.index === ROWID ? 'records' : tableOf(where);
    if (byTs && where.perBucket) {
      // an address index is in time order within each id bucket only: read bucket by bucket
      const c = keyset(where.perBucket);
      const stmt = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM ${from} WHERE ${c.sql} ORDER BY ${order} LIMIT ?`);
      const spans = this.bucketSpans(where.perBucket.fromMs, where.perBucket.toMs);
      return this.toRows(walkBuckets(spans, opts.dir, opts.limit, (bucket, n) => stmt.all(...c.params, n, { bucket }) as RowIn[]));
    }
    const c = keyset(where);
    const rows = this.db.prepare(`SELECT ${ROW_COLUMNS} FROM ${from} WHERE ${c.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...c.params, opts.limit, byTs ? 0 : (opts.offset ?? 0)) as RowIn[];
    return this.toRows(rows);
  }

  /**
   * The id buckets (`id >> 16`) that hold records of [fromMs, toMs), each with the time span of its
   * records, from the blocks in it (a block that runs into the next bucket counts in both).
   */
  private bucketSpans(fromMs: number, toMs: number): BucketSpan[] {
    return this.db
      .prepare(
        `SELECT b, min(lo) AS lo, max(hi) AS hi FROM (
           SELECT id >> 16 AS b, ts_min AS lo, ts_max AS hi FROM record_blocks WHERE ts_max >= ? AND ts_min < ?
           UNION ALL SELECT last_id >> 16, ts_min, ts_max FROM record_blocks WHERE ts_max >= ? AND ts_min < ? AND (last_id >> 16) <> (id >> 16))
         GROUP BY b`,
      )
      .all(fromMs, toMs, fromMs, toMs) as BucketSpan[];
  }

  /**
   * One count per compiled query, in order (a histogram's buckets, a group-by's event types): each a
   * short index range count, far faster than a GROUP BY over the whole range, which sorts every row.
   */
  counts(wheres: readonly CompiledWhere[]): number[] {
    return wheres.map((where) => {
      const from = tableOf(where);
      return (this.db.prepare(`SELECT count(*) AS n FROM ${from} WHERE ${where.sql}`).get(...where.params) as { n: number }).n;
    });
  }

  /**
   * Counts by one or two expressions, largest first, with the total matched. One expression is
   * counted while the rows stream by (a Map, or an array for a port), not by SQLite's GROUP BY,
   * which sorts every row into a temporary B-tree first: several times slower on a day of records.
   * Two are counted inside SQLite (pairCounts), or sorted by GROUP BY when one of them is a flow or
   * community id. Grouped by columns the (type, ts) index carries (s1, src, dst) within given event
   * types, the rows stream from that index alone (migration 0016).
   */
  groupBy(where: CompiledWhere, exprs: readonly string[], limit: number): { groups: Group[]; total: number } {
    const from = tableOf(where);
    let total = 0;
    const groups: Group[] = [];
    if (exprs.length === 1) {
      // one value per row: pluck() hands it over without building an array per row (a third faster).
      // Keyed by the value itself (a Map keeps 80 and "80" apart), not by a tagged string built per
      // row (a third of the time on a day of DNS). An address is read as hex text and made a BLOB
      // again per group: a Buffer per row took half the time of a day's group-by by address (hex of
      // NULL is '', which no address is).
      const address = ADDRESS_COLUMNS.has(exprs[0]!);
      const stmt = this.db.prepare(`SELECT ${address ? `hex(${exprs[0]})` : exprs[0]} FROM ${from} WHERE ${where.sql}`);
      const values = stmt.pluck().iterate(...where.params) as Iterable<string | number | null>;
      if (PORT_COLUMNS.has(exprs[0]!)) {
        const ports = countPorts(values, limit);
        return { groups: topGroups(ports.groups, limit), total: ports.total };
      }
      const byValue = new Map<string | number | null, number>();
      for (const v of values) {
        total++;
        byValue.set(v, (byValue.get(v) ?? 0) + 1);
      }
      for (const [v, count] of byValue) groups.push({ values: [address ? addressOfHex(v as string) : v], count });
    } else if (!exprs.some((e) => ID_EXPRESSIONS.has(e))) {
      return this.pairCounts(from, where, exprs as [string, string], limit);
    } else {
      // pairs by SQLite's GROUP BY, sorted and cut there, the total summed over every group by a
      // window: a Map keyed by both values built a string per row, and handing every group over
      // built two Buffers each; a day of a 1M-record store by src_ip dst_ip (60,000 pairs) went from
      // 690 ms to 140 ms. GROUP BY keeps 80 and "80" apart and puts NULLs together, as the Map did.
      const cols = exprs.map((e, i) => `${e} AS g${i}`).join(', ');
      const by = exprs.map((_, i) => `g${i}`).join(', ');
      const stmt = this.db.prepare(
        `SELECT ${by}, n, sum(n) OVER () AS total FROM (SELECT ${cols}, count(*) AS n FROM ${from} WHERE ${where.sql} GROUP BY ${by}) ORDER BY n DESC, ${by} LIMIT ?`,
      );
      for (const row of stmt.raw().iterate(...where.params, limit) as Iterable<GroupValue[]>) {
        total = row[exprs.length + 1] as number;
        groups.push({ values: row.slice(0, exprs.length), count: row[exprs.length] as number });
      }
      return { groups, total };
    }
    return { groups: topGroups(groups, limit), total };
  }

  /**
   * Rows counted by two expressions inside SQLite without sorting them: each row adds one to its
   * pair's count in a temporary table keyed by the pair (an upsert), then the largest `limit` pairs
   * are read in GROUP BY's order (count, then the values, "no value" first). GROUP BY sorts every
   * row first: a day of the bench's 10M-record store by `src_ip dst_port` or `src_ip sensor`
   * (42,000 and 32,000 pairs in 1.43M records) took 2-3.3 s sorted, 1.3-1.45 s counted this way.
   * With about a pair per record (a flow or community id) the sort is a little faster, and groupBy
   * keeps it. A value and "no value" are kept apart by a flag beside each (NULL cannot be a key).
   */
  private pairCounts(from: string, where: CompiledWhere, exprs: readonly [string, string], limit: number): { groups: Group[]; total: number } {
    const [a, b] = exprs;
    this.db.exec(`DROP TABLE IF EXISTS temp.${PAIR_COUNTS}`);
    this.db.exec(`CREATE TEMP TABLE ${PAIR_COUNTS} (a, a_none, b, b_none, n INTEGER NOT NULL, PRIMARY KEY (a, a_none, b, b_none)) WITHOUT ROWID`);
    try {
      this.db
        .prepare(
          `INSERT INTO temp.${PAIR_COUNTS} (a, a_none, b, b_none, n)
           SELECT ifnull(${a}, 0), ${a} IS NULL, ifnull(${b}, 0), ${b} IS NULL, 1 FROM ${from} WHERE ${where.sql}
           ON CONFLICT DO UPDATE SET n = n + 1`,
        )
        .run(...where.params);
      const total = this.db.prepare(`SELECT ifnull(sum(n), 0) FROM temp.${PAIR_COUNTS}`).pluck().get() as number;
      const rows = this.db
        .prepare(`SELECT iif(a_none, NULL, a), iif(b_none, NULL, b), n FROM temp.${PAIR_COUNTS} ORDER BY n DESC, a_none DESC, a, b_none DESC, b LIMIT ?`)
        .raw()
        .all(limit) as [GroupValue, GroupValue, number][];
      return { groups: rows.map(([x, y, count]) => ({ values: [x, y], count })), total };
    } finally {
      this.db.exec(`DROP TABLE temp.${PAIR_COUNTS}`);
    }
  }

  /**
   * Every record of [fromMs, toMs) counted by flow_id (as the text of the stored integer, as groupBy
   * reads it) or community_id, the largest `limit` with the total, as groupBy gives them. Most flows
   * have a handful of records, so a day holds about as many groups as records: streamed into a Map,
   * the bench's day of 1.43M records took 3.6 s by community_id and 5 s by flow_id.
   *
   * Blocks wholly inside the range are read from the id-bucket index of the column (0017) alone, with
   * no look at the rows, and grouped by SQLite; the blocks at the ends, from the rows with their time.
   * Records without a value are counted apart: a whole block's are its size less its indexed
   * entries. Null when the range's whole blocks are not a few runs of consecutive ids (records of
   * other times imported among them), or many blocks straddle its ends (records out of time order):
   * then the rows are grouped as usual.
   */
  idGroups(column: 'flow_id' | 'community_id', fromMs: number, toMs: number, limit: number): { groups: Group[]; total: number } | null {
    const blocks = this.db
      .prepare('SELECT id, last_id, ts_min, ts_max FROM record_blocks WHERE ts_max >= ? AND ts_min < ? ORDER BY id')
      .all(fromMs, toMs) as PrunedBlock[];
    const runs: { lo: number; hi: number }[] = [];
    const edges: PrunedBlock[] = [];
    let wholeRecords = 0;
    for (const b of blocks) {
      if (b.ts_min < fromMs || b.ts_max >= toMs) {
        edges.push(b);
        continue;
      }
      wholeRecords += b.last_id - b.id + 1;
      const last = runs[runs.length - 1];
      if (last && last.hi + 1 === b.id) last.hi = b.last_id;
      else runs.push({ lo: b.id, hi: b.last_id });
    }
    if (runs.length === 0 || runs.length > ID_GROUP_RUNS || edges.length > ID_GROUP_EDGES) return null;
    const index = column === 'flow_id' ? 'records_flow' : 'records_community';
    const inRun = `FROM records INDEXED BY ${index} WHERE (id >> 16) BETWEEN ? AND ? AND id BETWEEN ? AND ? AND ${column} IS NOT NULL`;
    const runCount = this.db.prepare(`SELECT count(*) ${inRun}`).pluck();
    const reads: string[] = [];
    const params: number[] = [];
    let nulls = wholeRecords;
    for (const r of runs) {
      const p = [r.lo >> 16, r.hi >> 16, r.lo, r.hi];
      nulls -= runCount.get(...p) as number;
      reads.push(`SELECT ${column} AS g ${inRun}`);
      params.push(...p);
    }
    let total = wholeRecords;
    const edgeCount = this.db.prepare(`SELECT count(*), count(${column}) FROM records WHERE id BETWEEN ? AND ? AND ts >= ? AND ts < ?`).raw();
    for (const b of edges) {
      const [all, valued] = edgeCount.get(b.id, b.last_id, fromMs, toMs) as [number, number];
      total += all;
      nulls += all - valued;
      if (valued === 0) continue;
      reads.push(`SELECT ${column} AS g FROM records WHERE id BETWEEN ? AND ? AND ts >= ? AND ts < ? AND ${column} IS NOT NULL`);
      params.push(b.id, b.last_id, fromMs, toMs);
    }
    // grouped by the stored value (an integer groups faster than its text), handed over and ordered
    // as groupBy reads it; no window for the total: over every group it took a third of the time
    const text = column === 'flow_id' ? 'CAST(g AS TEXT)' : 'g';
    const top = this.db.prepare(`SELECT ${text} AS v, n FROM (SELECT g, count(*) AS n FROM (${reads.join(' UNION ALL ')}) GROUP BY g) ORDER BY n DESC, v LIMIT ?`).raw();
    const groups = (top.all(...params, limit) as [string, number][]).map(([v, n]): Group => ({ values: [v], count: n }));
    // "no value" ranks before the values it ties with (groupBy's order: null first)
    if (nulls > 0) {
      const at = groups.findIndex((g) => g.count <= nulls);
      groups.splice(at < 0 ? groups.length : at, 0, { values: [null], count: nulls });
    }
    return { groups: groups.slice(0, limit), total };
  }

  /**
   * Every record of [fromMs, toMs) counted by its source or destination address, largest first:
   * whole hours summed from record_host_hours (migration 0018), the partial hours at both ends
   * counted from the records. Null when the range holds no whole hour: then streaming the records
   * costs no more. A day of the bench's 10M-record store by address went from over 2 s to ~0.1 s.
   */
  addressGroups(column: 'src' | 'dst', fromMs: number, toMs: number, limit: number): { groups: Group[]; total: number } | null {
    const counts = this.addressCounts(fromMs, toMs, [column])?.[column];
    if (!counts) return null;
    let total = 0;
    const groups: Group[] = [];
    for (const [key, count] of counts) {
      total += count;
      groups.push({ values: [addressOfHex(key)], count });
    }
    return { groups: topGroups(groups, limit), total };
  }

  /**
   * Every record of [fromMs, toMs) counted by its source or destination address or both (hex of the
   * BLOB; '' is "no address"), groups of no record left out. Whole hours are summed from
   * record_host_hours (migration 0018) by SQLite, which hands over one row per address rather than
   * one per address and hour (a day of the bench's 10M-record store by destination: 278,000 rows,
   * 470 ms summed in JS, 150 ms in SQL); the partial hours at both ends are counted from the
   * records. Null when the range holds no whole hour: then streaming the records costs no more.
   */
  private addressCounts<C extends 'src' | 'dst'>(fromMs: number, toMs: number, columns: readonly C[]): Record<C, Map<string, number>> | null {
    const whole = wholeHours(fromMs, toMs);
    if (!whole) return null;
    const { first, end } = whole;
    const hours = this.db.prepare('SELECT hex(ip), sum(n) FROM record_host_hours WHERE role = ? AND hour >= ? AND hour < ? GROUP BY ip HAVING sum(n) > 0').raw();
    const counts = {} as Record<C, Map<string, number>>;
    for (const c of columns) counts[c] = new Map(hours.all(c === 'src' ? 0 : 1, first, end) as [string, number][]);
    // hex of NULL is '', as is that of the table's empty key: both are "no address"
    const edge = this.db.prepare(`SELECT ${columns.map((c) => `hex(${c})`).join(', ')} FROM records INDEXED BY records_ts WHERE ts >= ? AND ts < ?`).raw();
    const sides = columns.map((c) => counts[c]);
    for (const [a, b] of [[fromMs, first * HOUR_MS], [end * HOUR_MS, toMs]] as const) {
      if (b <= a) continue;
      for (const keys of edge.iterate(a, b) as Iterable<string[]>) {
        for (let i = 0; i < sides.length; i++) sides[i]!.set(keys[i]!, (sides[i]!.get(keys[i]!) ?? 0) + 1);
      }
    }
    return counts;
  }

  /**
   * Every record of [fromMs, toMs) (of `onlyTypes` only, stored names, unless null) grouped by one or
   * two of the columns record_hours counts by (migration 0021), as groupBy would give them: whole
   * hours summed from record_hours, the partial hours at both ends counted from the records. A day's
   * `| groupby dst_port` on the bench's 10M-record store read 1.4 million records (0.8-0.95 s), two
   * such fields about 2 s. Null when the range holds no whole hour: then the caller groups every row.
   */
  hourGroups(columns: readonly HourColumn[], fromMs: number, toMs: number, limit: number, onlyTypes: readonly string[] | null): { groups: Group[]; total: number } | null {
    const whole = wholeHours(fromMs, toMs);
    if (!whole || columns.length < 1 || columns.length > 2 || limit < 1) return null;
    const { first, end } = whole;
    if (onlyTypes?.length === 0) return { groups: [], total: 0 };
    const { sql: ofTypes, params: types } = typeFilter(onlyTypes);
    const by = columns.map((_, i) => `g${i}`).join(', ');
    const counted = columns.map((c, i) => `${HOUR_NONE[c] === null ? c : `nullif(${c}, ${HOUR_NONE[c]})`} AS g${i}`).join(', ');
    const read = columns.map((c, i) => `${c} AS g${i}`).join(', ');
    const edge = `SELECT ${read}, 1 AS n FROM records INDEXED BY records_ts WHERE ts >= ? AND ts < ?${ofTypes}`;
    const rows = this.db
      .prepare(
        `SELECT ${by}, sum(n) AS n, sum(sum(n)) OVER () AS total FROM (
           SELECT ${counted}, n FROM record_hours WHERE hour >= ? AND hour < ?${ofTypes}
           UNION ALL ${edge} UNION ALL ${edge}
         ) GROUP BY ${by} HAVING sum(n) > 0
         ${columns.length === 2 ? `ORDER BY n DESC, ${by} LIMIT ${Math.floor(limit)}` : ''}`,
      )
      .raw()
      .all(first, end, ...types, fromMs, first * HOUR_MS, ...types, end * HOUR_MS, toMs, ...types) as GroupValue[][];
    const k = columns.length;
    const groups = rows.map((row) => ({ values: row.slice(0, k), count: row[k] as number }));
    const total = (rows[0]?.[k + 1] as number | undefined) ?? 0;
    return { groups: k === 1 ? topGroups(groups, limit) : groups, total };
  }

  /**
   * The records of [fromMs, toMs) of `onlyTypes` (stored names), when those types are a third of the
   * range's records or more; false when they are less; null when not held to types (or to none).
   * The address group-bys bound a pair's count by its address's count over every type: held to types
   * that are a small share of the range, those bounds are loose and most addresses get read, while
   * sorting the few rows is quick. On the bench's day, conversations of TLS (12 %) took 1.3-1.6 s
   * counted against 0.4 s sorted, of alerts (1 %) 3-4 s; of flows (45 %) 0.7-0.9 s against
   * 1.2-1.8 s, of DNS (25 %) about the same either way. Two index range counts.
   */
  private typedShare(fromMs: number, toMs: number, onlyTypes: readonly string[] | null): number | null | false {
    const count = (types: readonly string[] | null) => {
      const f = typeFilter(types);
      return this.db
        .prepare(`SELECT count(*) FROM records INDEXED BY ${types ? 'records_type_ts' : 'records_ts'} WHERE ts >= ? AND ts < ?${f.sql}`)
        .pluck()
        .get(fromMs, toMs, ...f.params) as number;
    };
    const typed = onlyTypes?.length ? count(onlyTypes) : null;
    return typed !== null && typed * 3 < count(null) ? false : typed;
  }

  /**
   * What the group-bys that take addresses largest first (addressFieldGroups, pairGroups) read with:
   * the addresses' counts on `columns`, the range's id buckets, the types to read (every stored type
   * when `onlyTypes` is null) and their filter, which the address indexes carry (migration 0020);
   * `typed`: the records of `onlyTypes`, or null for all. Null, for the cheapest reason first, when
   * the range holds no whole hour or those types are under a third of its records: then the caller
   * groups every row.
   */
  private addressPlan<C extends 'src' | 'dst'>(fromMs: number, toMs: number, limit: number, onlyTypes: readonly string[] | null, columns: readonly C[]) {
    if (limit < 1 || !wholeHours(fromMs, toMs)) return null;
    const typed = this.typedShare(fromMs, toMs, onlyTypes);
    if (typed === false) return null;
    const counts = this.addressCounts(fromMs, toMs, columns)!;
    const { sql: ofTypes, params: typeParams } = typeFilter(onlyTypes);
    return { typed, counts, buckets: this.bucketSpans(fromMs, toMs).map((s) => s.b), types: onlyTypes ?? this.eventTypes(), ofTypes, typeParams };
  }

  /**
   * Every record of [fromMs, toMs) grouped by its source or destination address (`column`) and one of
   * the columns the address indexes carry (`field`: event type, destination port, protocol, sensor),
   * the largest `limit` pairs, exact, in the order groupBy gives them (`addressFirst`: the address is
   * the first of each group's values, and ranks ties first). A day of the bench's 10M-record store
   * sorted 1.4M rows for it: 1.7-2.7 s by type; counted in a temporary table, 1.35-1.5 s by port.
   *
   * A pair counts at most as much as its address, and addresses are cheap to count (addressCounts).
   * They are taken largest first, each one's values counted from its index entries alone
   * (migrations 0020 and 0022); once the limit-th best pair outcounts the next address, no pair left
   * can rank or tie. An address has few types, ports, protocols or sensors, so the bound is tight: a
   * day by `src_ip event_type` read 283 of 21,600 sources. (Reading a field the entries do not carry
   * row by row cost 1.5-2.2 s, no better than the sort.)
   *
   * `onlyTypes` and "no address" as in pairGroups. Null when the range holds no whole hour, or the
   * types are under a third of its records: then the caller groups every row.
   */
  addressFieldGroups(
    column: 'src' | 'dst',
    field: AddressCarried,
    addressFirst: boolean,
    fromMs: number,
    toMs: number,
    limit: number,
    onlyTypes: readonly string[] | null,
  ): { groups: Group[]; total: number } | null {
    const plan = this.addressPlan(fromMs, toMs, limit, onlyTypes, [column]);
    if (!plan) return null;
    if (onlyTypes?.length === 0) return { groups: [], total: 0 };
    const { typed, counts, buckets, types, ofTypes, typeParams } = plan;
    const addresses = [...counts[column]].sort((a, b) => b[1] - a[1]);
    const read = this.db.prepare(`SELECT ${field} FROM records INDEXED BY records_${column}_ts WHERE (id >> 16) = ? AND ${column} = ? AND ts >= ? AND ts < ?${ofTypes}`).pluck();
    // "no address": the (type, ts, s1, src, dst) index finds those records (and carries the type)
    const readNone = this.db
      .prepare(
        `SELECT ${field}, count(*) FROM records INDEXED BY records_type_ts
         WHERE type IN (${placeholders(types.length) || 'NULL'}) AND ts >= ? AND ts < ? AND ${column} IS NULL GROUP BY ${field}`,
      )
      .raw();
    // addresses are hex keys: their order is that of the BLOBs
    const hex = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
    const ranks = (a: [string, CarriedValue, number], b: [string, CarriedValue, number]) =>
      b[2] - a[2] || (addressFirst ? hex(a[0], b[0]) || sqlOrder(a[1], b[1]) : sqlOrder(a[1], b[1]) || hex(a[0], b[0]));
    const best = new TopPairs<[string, CarriedValue, number]>(limit, ranks);
    for (const [address, n] of addresses) {
      if (n < best.bound()) break;
      const byValue = new Map<CarriedValue, number>();
      if (address === '') for (const [v, c] of readNone.iterate(...types, fromMs, toMs) as Iterable<[CarriedValue, number]>) byValue.set(v, c);
      else {
        const key = addressOfHex(address);
        for (const bucket of buckets) for (const v of read.all(bucket, key, fromMs, toMs, ...typeParams) as CarriedValue[]) byValue.set(v, (byValue.get(v) ?? 0) + 1);
      }
      for (const [v, c] of byValue) best.add([address, v, c]);
    }
    const total = typed ?? addresses.reduce((t, a) => t + a[1], 0);
    const groups = best.result().map(([address, v, count]) => ({ values: addressFirst ? [addressOfHex(address), v] : [v, addressOfHex(address)], count }));
    return { groups, total };
  }

  /**
   * Every record of [fromMs, toMs) grouped by its source and destination address (`order` says which
   * comes first in each group's values and in the order of ties), the largest `limit` pairs, exact,
   * with the total; as groupBy would give them, without counting every pair. A day of a busy sensor
   * has about as many pairs as records (480,000 in 1.43M on the bench's store), and sorting them
   * all took 2.3-3.4 s.
   *
   * A pair's count is at most that of either of its addresses, and those are cheap to count
   * (addressCounts). Addresses are taken largest first, on one side or the other; all of an
   * address's pairs are counted exactly from its index entries alone (migration 0020: each address
   * index carries the other address). Once `limit` pairs are known, any pair not yet counted has
   * both its addresses still to take, so it counts at most as much as the next address of either
   * side: when that is less than the limit-th best count, no such pair can rank or tie, and the
   * answer is complete. Each step takes the side with fewer records left above that bound.
   *
   * `onlyTypes`: the records of these event types only (stored names), or null for all. The
   * addresses' counts over every type still bound their pairs' counts, only less tightly: null
   * (group every row) when those types are under a third of the range's records.
   *
   * "No address" (NULL) is not in the address indexes. It is taken only when it is next on both
   * sides, from the type index, which reads every record of the range (inside SQLite). Null when
   * the range holds no whole hour: then the caller groups every row.
   */
  pairGroups(
    fromMs: number,
    toMs: number,
    limit: number,
    order: readonly ['src', 'dst'] | readonly ['dst', 'src'],
    onlyTypes: readonly string[] | null,
  ): { groups: Group[]; total: number } | null {
    // an address's count over every type bounds its count over some types: the same method holds
    const plan = this.addressPlan(fromMs, toMs, limit, onlyTypes, ['src', 'dst']);
    if (!plan) return null;
    if (onlyTypes?.length === 0) return { groups: [], total: 0 };
    const { typed, counts, buckets, types, ofTypes, typeParams } = plan;
    const sides = (['src', 'dst'] as const).map((column, i) => {
      const other = i === 0 ? 'dst' : 'src';
      const addresses = [...counts[column]].sort((a, b) => b[1] - a[1]);
      // records of the addresses from position i on: the cost of taking them all
      const after = new Array<number>(addresses.length + 1).fill(0);
      for (let j = addresses.length - 1; j >= 0; j--) after[j] = after[j + 1]! + addresses[j]![1];
      // counted in JS: SQLite's GROUP BY sorts every row first (the busiest address of the bench's
      // day, 335,000 rows: 380-480 ms grouped by SQLite, 170-250 ms counted in a Map); read a bucket
      // at a time, so at most 65,536 values are held at once (that address has 2.5M in a week)
      const read = this.db
        .prepare(`SELECT hex(${other}) FROM records INDEXED BY records_${column}_ts WHERE (id >> 16) = ? AND ${column} = ? AND ts >= ? AND ts < ?${ofTypes}`)
        .pluck();
      // "no address" is not in the address indexes (they leave NULLs out); the (type, ts, s1, src, dst)
      // index carries both columns: every record of the range is read, inside SQLite
      const readNone = this.db
        .prepare(
          `SELECT hex(${other}), count(*) FROM records INDEXED BY records_type_ts
           WHERE type IN (${placeholders(types.length) || 'NULL'}) AND ts >= ? AND ts < ? AND ${column} IS NULL GROUP BY ${other}`,
        )
        .raw();
      return { addresses, after, read, readNone, next: 0, taken: new Set<string>() };
    });
    const total = typed ?? sides[0]!.after[0]!;
    // the best pairs so far, as [src hex, dst hex, count], in the order the answer lists them
    const first = order[0] === 'src' ? 0 : 1;
    const ranks = (a: [string, string, number], b: [string, string, number]) => {
      if (a[2] !== b[2]) return b[2] - a[2];
      const [x, y] = first === 0 ? [a[0], b[0]] : [a[1], b[1]];
      if (x !== y) return x < y ? -1 : 1;
      const [u, v] = first === 0 ? [a[1], b[1]] : [a[0], b[0]];
      return u < v ? -1 : u > v ? 1 : 0;
    };
    const best = new TopPairs<[string, string, number]>(limit, ranks);
    /** Records of a side's addresses still to take whose count reaches `min`. */
    const left = (side: (typeof sides)[number], min: number) => {
      const a = side.addresses;
      // the first position from side.next on whose count is below min (counts are descending)
      let lo = side.next;
      let hi = a.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (a[mid]![1] >= min) lo = mid + 1;
        else hi = mid;
      }
      return side.after[side.next]! - side.after[lo]!;
    };
    /** A side's next address to take and its count; undefined once all are taken. */
    const nextOf = (side: (typeof sides)[number]) => side.addresses[side.next];
    for (;;) {
      const [srcNext, dstNext] = [nextOf(sides[0]!), nextOf(sides[1]!)];
      // a side with nothing left to take at or above the bound: every pair that could rank is counted
      const min = best.bound();
      if (!srcNext || !dstNext || srcNext[1] < min || dstNext[1] < min) break;
      // before `limit` pairs are known, the larger address (it likely holds the top pairs); then the
      // side with fewer records left above the bound
      let s = min === 0 ? (srcNext[1] >= dstNext[1] ? 0 : 1) : left(sides[0]!, min) <= left(sides[1]!, min) ? 0 : 1;
      // "no address" costs a read of every record: take the other side's next address if it can be
      if ((s === 0 ? srcNext : dstNext)[0] === '' && (s === 0 ? dstNext : srcNext)[0] !== '') s = 1 - s;
      const side = sides[s]!;
      const [address] = nextOf(side)!;
      side.next++;
      const partners = new Map<string, number>();
      if (address === '') for (const [other, n] of side.readNone.iterate(...types, fromMs, toMs) as Iterable<[string, number]>) partners.set(other, n);
      else {
        const key = addressOfHex(address);
        for (const bucket of buckets) for (const other of side.read.all(bucket, key, fromMs, toMs, ...typeParams) as string[]) partners.set(other, (partners.get(other) ?? 0) + 1);
      }
      const done = sides[1 - s]!.taken;
      for (const [other, n] of partners) {
        // a pair whose other address was taken is already among the counted
        if (!done.has(other)) best.add(s === 0 ? [address, other, n] : [other, address, n]);
      }
      side.taken.add(address);
    }
    const groups = best.result().map(([src, dst, count]) => {
      const values = first === 0 ? [addressOfHex(src), addressOfHex(dst)] : [addressOfHex(dst), addressOfHex(src)];
      return { values, count };
    });
    return { groups, total };
  }

  /** The event types in the store, read by hopping along the (type, ts) index (one seek per type). */
  eventTypes(): string[] {
    return (
      this.db
        .prepare(
          `WITH RECURSIVE t (type) AS (
             SELECT min(type) FROM records
             UNION ALL SELECT (SELECT min(type) FROM records INDEXED BY records_type_ts WHERE type > t.type) FROM t WHERE t.type IS NOT NULL)
           SELECT type FROM t WHERE type IS NOT NULL`,
        )
        .all() as { type: string }[]
    ).map((r) => r.type);
  }

  /** One record with its raw line; null when there is none (or it was pruned). */
  get(id: number): EventDetail | null {
    const row = this.stmts.get<[number], RowIn>(`SELECT ${ROW_COLUMNS} FROM records WHERE id = ?`).get(id);
    if (!row) return null;
    const block = this.blockOf(id);
    if (!block) return null;
    return { ...this.toRows([row])[0]!, raw: this.rawLines(block.id)[id - block.id] ?? '', file: block.file, offset: null };
  }

  private blockOf(id: number): BlockRow | undefined {
    const b = this.stmts.get<[number], BlockRow>('SELECT id, last_id, source_id, file FROM record_blocks WHERE id <= ? ORDER BY id DESC LIMIT 1').get(id);
    return b && b.last_id >= id ? b : undefined;
  }

  private rawLines(block: number): string[] {
    let lines = this.rawCache.get(block);
    if (!lines) {
      const r = this.stmts.get<[number], { data: Buffer }>('SELECT data FROM record_raw WHERE block = ?').get(block);
      lines = r ? unpackRawBlock(r.data) : [];
      if (this.rawCache.size >= 8) this.rawCache.delete(this.rawCache.keys().next().value!);
      this.rawCache.set(block, lines);
    }
    return lines;
  }

  /** Rows as the contract shows them (source id from their block). */
  toRows(rows: readonly RowIn[]): EventRow[] {
    let block: BlockRow | undefined;
    return rows.map((r) => {
      if (!block || r.id < block.id || r.id > block.last_id) block = this.blockOf(r.id);
      return {
        id: r.id,
        ts: new Date(r.ts).toISOString(),
        event_type: r.type,
        sensor: r.sensor,
        source_id: block?.source_id ?? '',
        src_ip: blobIp(r.src),
        src_port: r.sport,
        dst_ip: blobIp(r.dst),
        dst_port: r.dport,
        proto: r.proto,
        app_proto: r.app_proto,
        flow_id: flowIdFromSql(r.flow_id),
        community_id: r.community_id,
        summary: summaryOf(r.type, [r.s1, r.s2, r.s3, r.s4, r.s5, r.s6, r.s7, r.n1, r.n2, r.n3]),
      };
    });
  }

  /** The flow ids of an alert's occurrences (Suricata alerts carry one each). */
  alertFlowIds(alertId: number, max: number): string[] {
    return (this.db.prepare('SELECT DISTINCT flow_id FROM events WHERE alert_id = ? AND flow_id IS NOT NULL LIMIT ?').all(alertId, max) as { flow_id: string }[]).map((r) => r.flow_id);
  }

  /** Records with any of these flow ids, in time order (limit + 1 read, to tell truncation). */
  byFlowIds(flowIds: readonly string[], limit: number): EventRow[] {
    if (!flowIds.length) return [];
    const rows = this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM records INDEXED BY records_flow WHERE ${RECORD_BUCKETS} AND flow_id IN (${placeholders(flowIds.length)}) ORDER BY ts, id LIMIT ?`)
      .all(...flowIds.map(flowIdToSql), limit) as RowIn[];
    return this.toRows(rows);
  }

  /** Records with any of these community ids but none of the given flow ids. */
  byCommunityIds(communityIds: readonly string[], notFlowIds: readonly string[], limit: number): EventRow[] {
    if (!communityIds.length) return [];
    const not = notFlowIds.length ? ` AND (flow_id IS NULL OR flow_id NOT IN (${placeholders(notFlowIds.length)}))` : '';
    const rows = this.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM records INDEXED BY records_community WHERE ${RECORD_BUCKETS} AND community_id IN (${placeholders(communityIds.length)})${not} ORDER BY ts, id LIMIT ?`)
      .all(...communityIds, ...notFlowIds.map(flowIdToSql), limit) as RowIn[];
    return this.toRows(rows);
  }

  /** The alert's addresses, span and source, for its evidence. */
  alertSpan(alertId: number): { src_ip: string | null; dst_ip: string | null; first_seen: string; last_seen: string } | null {
    return (this.db.prepare('SELECT src_ip, dst_ip, first_seen, last_seen FROM alerts WHERE id = ?').get(alertId) as
      | { src_ip: string | null; dst_ip: string | null; first_seen: string; last_seen: string }
      | undefined) ?? null;
  }

  /** The correlation contributors kept for an alert (latest first) and how many there were in all. */
  contributors(alertId: number, limit: number): { rows: ContributorRow[]; total: number } {
    const rows = this.db
      .prepare(
        `SELECT e.id AS event_id, e.ts, e.source, e.rule_id, e.title, e.src_ip, e.src_port, e.dst_ip, e.dst_port, e.flow_id, e.raw
         FROM alert_contributors c JOIN events e ON e.id = c.event_id WHERE c.alert_id = ? ORDER BY e.ts DESC, e.id DESC LIMIT ?`,
      )
      .all(alertId, limit) as ContributorRow[];
    const total = (this.db.prepare('SELECT total FROM alert_contributor_counts WHERE alert_id = ?').get(alertId) as { total: number } | undefined)?.total ?? 0;
    return { rows, total };
  }

  /** The record of one raw line among records of a flow near a time (the alert line's own record), or null. */
  recordOfLine(flowId: string | null, ts: number, raw: string): number | null {
    if (flowId === null) return null;
    const rows = this.db.prepare(`SELECT id FROM records INDEXED BY records_flow WHERE ${RECORD_BUCKETS} AND flow_id = ? AND ts = ? ORDER BY id`).all(flowIdToSql(flowId), ts) as { id: number }[];
    for (const r of rows) {
      const block = this.blockOf(r.id);
      if (block && this.rawLines(block.id)[r.id - block.id] === raw) return r.id;
    }
    return null;
  }

  // ---------- hosts ----------

  hostsPage(opts: { range: { lo: Buffer; hi: Buffer } | null; seenAfter: number | null; sort: 'last_seen' | 'first_seen' | 'records'; after: { k: number; ip: Buffer } | null; limit: number }): HostRowOut[] {
    const conds: string[] = [];
    const params: SqlParam[] = [];
    if (opts.range) {
      conds.push('ip BETWEEN ? AND ?');
      params.push(opts.range.lo, opts.range.hi);
    }
    if (opts.seenAfter !== null) {
      conds.push('last_seen >= ?');
      params.push(opts.seenAfter);
    }
    const col = opts.sort;
    if (opts.after) {
      conds.push(`(${col} < ? OR (${col} = ? AND ip > ?))`);
      params.push(opts.after.k, opts.after.k, opts.after.ip);
    }
    const where = conds.length ? `WHERE ${conds.join(' AND ')}` : '';
    const rows = this.db.prepare(`SELECT ip, first_seen, last_seen, records FROM hosts ${where} ORDER BY ${col} DESC, ip ASC LIMIT ?`).all(...params, opts.limit) as {
      ip: Buffer;
      first_seen: number;
      last_seen: number;
      records: number;
    }[];
    return rows.map((r) => ({ ip: blobIp(r.ip) ?? '', key: r.ip, first_seen: r.first_seen, last_seen: r.last_seen, records: r.records }));
  }

  host(ip: string): HostRowOut | null {
    const key = ipBlob(ip);
    if (!key) return null;
    const r = this.db.prepare('SELECT ip, first_seen, last_seen, records FROM hosts WHERE ip = ?').get(key) as { ip: Buffer; first_seen: number; last_seen: number; records: number } | undefined;
    return r ? { ip: blobIp(r.ip) ?? ip, key: r.ip, first_seen: r.first_seen, last_seen: r.last_seen, records: r.records } : null;
  }

  /** Open alerts naming an address (either side), by severity; and the country the latest one saw. */
  hostAlerts(ip: string): { bySeverity: Record<string, number>; country: string | null } {
    const key = ipKey(ip);
    const rows = this.db
      .prepare(
        `SELECT severity, count(*) AS n FROM (
           SELECT id, severity FROM alerts WHERE src_ip_key = ? AND status NOT IN ${CLOSED}
           UNION SELECT id, severity FROM alerts WHERE dst_ip_key = ? AND status NOT IN ${CLOSED}) GROUP BY severity`,
      )
      .all(key, key) as { severity: string; n: number }[];
    const country = (this.db.prepare('SELECT src_country FROM alerts WHERE src_ip_key = ? AND src_country IS NOT NULL ORDER BY last_seen DESC LIMIT 1').get(key) as { src_country: string } | undefined)?.src_country ?? null;
    return { bySeverity: Object.fromEntries(rows.map((r) => [r.severity, r.n])), country };
  }

  /** The latest open alerts naming an address. */
  hostOpenAlerts(ip: string, limit: number): { id: number; title: string; severity: string; status: string; last_seen: string }[] {
    const key = ipKey(ip);
    return this.db
      .prepare(
        `SELECT id, title, severity, status, last_seen FROM alerts WHERE src_ip_key = ? AND status NOT IN ${CLOSED}
         UNION SELECT id, title, severity, status, last_seen FROM alerts WHERE dst_ip_key = ? AND status NOT IN ${CLOSED}
         ORDER BY last_seen DESC, id DESC LIMIT ?`,
      )
      .all(key, key, limit) as { id: number; title: string; severity: string; status: string; last_seen: string }[];
  }

  /**
   * Records naming an address per hour of [fromHour, toHour], each once: as source plus as
   * destination from record_host_hours, less the records from the address to itself
   * (record_host_loops, migration 0024), which count on both sides. Three key seeks per hour, not
   * a read of the hours' every address.
   */
  hostHours(key: Buffer, fromHour: number, toHour: number): { hour: number; n: number }[] {
    return this.stmts
      .get(
        `WITH RECURSIVE h(hour) AS (SELECT ? UNION ALL SELECT hour + 1 FROM h WHERE hour < ?)
         SELECT hour, n FROM (
           SELECT h.hour AS hour, sum(r.n) - ifnull((SELECT l.n FROM record_host_loops l WHERE l.hour = h.hour AND l.ip = ?), 0) AS n
           FROM h JOIN record_host_hours r ON r.role IN (0, 1) AND r.hour = h.hour AND r.ip = ? GROUP BY h.hour)
         WHERE n > 0 ORDER BY hour`,
      )
      .all(fromHour, toHour, key, key) as { hour: number; n: number }[];
  }

  /** Records naming an address, by event type (counts). */
  hostTypeCounts(key: Buffer): { type: string; n: number }[] {
    return this.db
      .prepare(
        `SELECT type, sum(n) AS n FROM (
           SELECT type, count(*) AS n FROM records INDEXED BY records_src_ts WHERE ${RECORD_BUCKETS} AND src = ? GROUP BY type
           UNION ALL SELECT type, count(*) AS n FROM records INDEXED BY records_dst_ts WHERE ${RECORD_BUCKETS} AND dst = ? AND (src IS NULL OR src <> ?) GROUP BY type)
         GROUP BY type ORDER BY n DESC, type`,
      )
      .all(key, key, key) as { type: string; n: number }[];
  }

  /**
   * The latest records of one type naming an address. In each id bucket, newest first, both sides
   * walk their (bucket, address, ts) index and stop after `limit` rows; buckets are read until an
   * older one cannot hold a row among the latest (walkBuckets). (A UNION of the sides read and
   * sorted every record of the host: 14 s for a busy client of the bench's 10M store.)
   */
  hostRecent(key: Buffer, type: string, limit: number): EventRow[] {
    const side = (col: 'src' | 'dst') =>
      this.db.prepare(`SELECT ${ROW_COLUMNS} FROM records INDEXED BY records_${col}_ts WHERE (id >> 16) = ? AND ${col} = ? AND type = ? ORDER BY ts DESC, id DESC LIMIT ?`);
    const src = side('src');
    const dst = side('dst');
    const spans = this.bucketSpans(Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    const rows = walkBuckets(spans, 'desc', limit, (bucket, n) => {
      const byId = new Map<number, RowIn>();
      for (const r of [...(src.all(bucket, key, type, n) as RowIn[]), ...(dst.all(bucket, key, type, n) as RowIn[])]) byId.set(r.id, r);
      return [...byId.values()];
    });
    return this.toRows(rows);
  }

  /** The agent of the inventory with this address, if any. */
  hostAgent(ip: string): { id: string; name: string | null } | null {
    return (this.db.prepare('SELECT agent_id AS id, name FROM wazuh_agents WHERE ip_key = ? ORDER BY seen_at DESC LIMIT 1').get(ipKey(ip)) as { id: string; name: string | null } | undefined) ?? null;
  }

  // ---------- saved queries ----------

  listSaved(): SavedHuntQuery[] {
    return this.db.prepare('SELECT id, name, query, created_by, created_at FROM hunt_saved_queries ORDER BY name').all() as SavedHuntQuery[];
  }

  /** Saves (or replaces, by name) a query. */
  save(name: string, query: string, actor: string, nowIso: string): SavedHuntQuery {
    return this.db
      .prepare(
        `INSERT INTO hunt_saved_queries (name, query, created_at, created_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET query = excluded.query, created_at = excluded.created_at, created_by = excluded.created_by
         RETURNING id, name, query, created_by, created_at`,
      )
      .get(name, query, nowIso, actor) as SavedHuntQuery;
  }

  removeSaved(id: number): boolean {
    return this.db.prepare('DELETE FROM hunt_saved_queries WHERE id = ?').run(id).changes > 0;
  }
}
