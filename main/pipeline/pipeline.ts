import type { Database, Statement } from 'better-sqlite3';
import { alertHost, severityRank, type Priority, type Severity } from '../contract/index.js';
import { ftsHosts } from '../store/alerts-repo.js';
import { ipKey } from '../store/ipkey.js';
import type { RawBlocks } from '../store/raw-blocks.js';
import { RecordsRetention, RecordsWriter, type PruneOutcome } from '../store/records-repo.js';
import { SuppressionsRepo } from '../store/suppressions-repo.js';
import { alertFoldStatement, pipelineStatements, type PipelineStatements } from '../store/pipeline-statements.js';
import { NO_OPTIONS, formatSpec, type JsonObject, type NormalizeOptions } from './normalize/index.js';
import { Suppressions } from './suppressions.js';
import { classifyIp, isExternalClass } from './enrich/index.js';
import { PipelineMetrics } from './metrics.js';
import { CONTRIBUTORS_PER_HIT, Contributions } from './contributions.js';
import { correlationKey } from './detect/correlate.js';
import { isAuthFailure } from './detect/mapping.js';
import {
  QUARANTINE_RAW_MAX,
  type CorrelationHit,
  type EnrichedEvent,
  type DetectedEvent,
  type NormalizeResult,
  type ScoredEvent,
  type SecurityEvent,
  type SensorRecord,
  type Score,
} from './types.js';
import type { JsonValue, RawRecord } from './sources/types.js';

/** Per-source options of one batch. */
export interface ProcessOptions {
  /** The source's position after this batch (a JSON document), committed with its rows; undefined: unchanged. */
  cursor?: JsonValue;
  /** How records are normalized (the source's time zone for offset-less timestamps). */
  normalize?: NormalizeOptions;
  /**
   * Runs inside the batch's transaction, after its rows are written: the place to commit what goes
   * with them (a lease check, an import's position). Throwing rolls the whole batch back.
   */
  inTransaction?: () => void;
  /** Forget the source's stored record ids older than this (epoch ms), in the same transaction. */
  forgetIdsBefore?: number;
  /**
   * The batch's records normalized already, in this batch's options, aligned with the input (a
   * normalize worker's results); null entries, and every record when the source dropped some as
   * already stored, are normalized here. Results of another length throw.
   */
  normalized?: readonly (NormalizeResult | null)[];
  /**
   * The raw lines of `normalized`'s sensor records, in order, packed as the record store keeps them
   * (the worker's RawBlockPacker). Stored as they are when the batch stores exactly those records, in
   * one run; else the lines are packed here.
   */
  rawBlocks?: RawBlocks;
}

/** A stored record id was handed out again inside a batch's transaction: the batch is rolled back. */

/**
 * Who a new alert is about: the agent (host alerts), else the destination (inbound traffic, and
 * traffic between internal hosts), but the internal source when an internal host talks out to the
 * internet (an outbound alert is about the workstation, not the web server it reached).
 */
export function hostOf(e: { agent: { id: string | null; name: string | null } | null; src_ip: string | null; dst_ip: string | null }): string | null {
  if (!e.agent && e.src_ip && e.dst_ip && isExternalClass(classifyIp(e.dst_ip)) && !isExternalClass(classifyIp(e.src_ip))) return e.src_ip;
  return alertHost(e);
}

export class DuplicateRecordError extends Error {
  constructor(readonly sourceId: string, readonly recordId: string) {
    super(`record ${recordId} of ${sourceId} was stored already; the batch was rolled back`);
    this.name = 'DuplicateRecordError';
  }
}

export interface BatchOutcome {
  /** Records read, not counting those dropped as already stored (duplicates). */
  read: number;
  /** Records whose id the source had stored already: dropped before any stage. */
  duplicates: number;
  events: number;
  skipped: number;
  /** Skipped records by type (EVE event_type: flow, dns, http, ...); blank lines are not counted here. */
  skipped_types: Record<string, number>;
  /** Sensor records kept in the record store (every EVE record, alerts included). */
  records: number;
  quarantined: number;
  suppressed: number;
  alerts_created: number;
  alerts_updated: number;
  created_ids: number[];
  updated_ids: number[];
}

export interface PipelineStages {
  enrich(events: SecurityEvent[]): EnrichedEvent[];
  detect(events: EnrichedEvent[]): DetectedEvent[];
  score(events: DetectedEvent[]): ScoredEvent[];
  /** Scores one event again under another severity (for correlation alerts). */
  rescore(event: DetectedEvent, severity: Severity): Score;
  /** P1..P4 (score/index.ts PRIORITY_RULES): severity, risk, and what the alert is (threat type, techniques). */
  priority(severity: Severity, risk: number, signals: { threat_type: string; technique_ids: readonly string[] }): Priority;
}

export interface PipelineConfig {
  minAlertSeverity: Severity;
  groupWindowMs: number;
}

/** What a correlation alert is called and how severe it is. */
const CORRELATION_ALERTS: Record<CorrelationHit['rule'], { severity: Severity; title: (h: CorrelationHit) => string }> = {
  brute_force: { severity: 'high', title: (h) => `Brute force: ${h.observed} authentication failures from ${h.key} within ${h.window_s} s` },
  password_spraying: { severity: 'high', title: (h) => `Password spraying: failures against ${h.observed} accounts from ${h.key} within ${h.window_s} s` },
  port_scan: { severity: 'medium', title: (h) => `Port scan: ${h.observed} destination ports probed by ${h.key} within ${h.window_s} s` },
  flood: { severity: 'high', title: (h) => `Flood: ${h.observed} events in one second from ${h.key}` },
};

/** Open alerts of one group key that may take an event: a few at most (they are a window apart). */
const GROUP_CANDIDATES = 4;
const FTS_RAW_MAX = 1024;

/** A record that goes to the quarantine: its text as read (or written out) and why. */
interface Quarantined {
  reason: string;
  text: string;
  rec: RawRecord;
}

/** Sensor records read from one file, in order (a block never mixes files). */
interface RecordRun {
  file: string;
  records: SensorRecord[];
}

/** A record id to remember with the batch (ts: the record's own time, epoch ms). */
interface StoredId {
  id: string;
  ts: number;
}

/** An alert touched by the current batch, flushed once at the end of it. */
interface Touched {
  id: number;
  created: boolean;
  groupKey: string;
  count: number;
  first_seen: string;
  last_seen: string;
  severity: Severity;
  risk: number;
  techniques: Set<string>;
  /** Score, detection and enrichment of the highest-risk occurrence in this batch. */
  best: { score: Score; event: ScoredEvent; severity: Severity; threat_type: string } | null;
  /** The occurrence a new alert was created from (its details are already written). */
  createdFrom: ScoredEvent | null;
  /** The risk stored before this batch (existing alerts): details are replaced only by a riskier occurrence. */
  storedRisk: number;
  /** The row's values before this batch's fold: the flush writes only the columns that change. */
  stored: AlertFold;
}

/** The columns of an alert a batch folds occurrences into (count aside). */
interface AlertFold {
  first_seen: string;
  last_seen: string;
  severity: Severity;
  priority: string;
  risk_score: number;
  technique_ids: string;
  threat_type: string;
}

const FOLD_COLUMNS = ['first_seen', 'last_seen', 'severity', 'priority', 'risk_score', 'technique_ids', 'threat_type'] as const;

/** The alerts touched by a batch: by group key (several per key when a window apart) and by id. */
interface TouchedGroups {
  byKey: Map<string, Touched[]>;
  byId: Map<number, Touched>;
}

function maxSeverity(a: Severity, b: Severity): Severity {
  return severityRank(a) >= severityRank(b) ? a : b;
}

function cut(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max);
}

/**
 * What makes occurrences one alert: the same rule, source and destination, and for host alerts
 * (an agent reported them) the same agent, so one rule firing on two hosts is two alerts.
 */
export function groupKey(e: SecurityEvent): string {
  const rule = `${e.source}|${e.rule_id ?? e.title}`;
  const addrs = `${e.src_ip ?? ''}|${e.dst_ip ?? ''}`;
  if (e.agent === null) return `${rule}|${addrs}`;
  return `${rule}|agent:${e.agent.id ?? ''}/${e.agent.name ?? ''}|${addrs}`;
}

/** How far `ts` lies outside [first, last] in ms (0 inside); ISO strings of one format compare as text. */
function distance(ts: string, first: string, last: string): number {
  if (ts < first) return Date.parse(first) - Date.parse(ts);
  if (ts > last) return Date.parse(ts) - Date.parse(last);
  return 0;
}

/**
 * The group among `groups` whose time span, widened by the window on both sides, holds `ts`
 * (`lo` = ts - window, `hi` = ts + window); the nearest one when several do.
 */
function nearestGroup<T extends { first_seen: string; last_seen: string }>(groups: readonly T[] | undefined, ts: string, lo: string, hi: string): T | undefined {
  if (!groups) return undefined;
  let best: T | undefined;
  let bestD = Infinity;
  for (const g of groups) {
    if (g.last_seen < lo || g.first_seen > hi) continue;
    const d = distance(ts, g.first_seen, g.last_seen);
    if (d < bestD) {
      best = g;
      bestD = d;
      if (d === 0) break;
    }
  }
  return best;
}

/**
 * normalize → enrich → detect → score → alert → persist, over batches. A batch is processed
 * synchronously and committed in ONE transaction together with its source's cursor, so a crash at
 * any instant either keeps the whole batch and its cursor or neither.
 */
export class Pipeline {
  readonly metrics = new PipelineMetrics();
  readonly suppressions: Suppressions;
  private readonly stmts: PipelineStatements;
  /** UPDATE statements by the set of folded columns they write (at most 2^7 per kind). */
  private readonly foldStmts = new Map<string, Statement>();
  private readonly records: RecordsWriter;
  private readonly retention: RecordsRetention;
  private readonly contributions = new Contributions();

  constructor(
    private readonly db: Database,
    private stages: PipelineStages,
    private config: PipelineConfig,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.stmts = pipelineStatements(db, { groupCandidates: GROUP_CANDIDATES, contributorsPerHit: CONTRIBUTORS_PER_HIT });
    this.records = new RecordsWriter(db);
    this.retention = new RecordsRetention(db);
    this.suppressions = new Suppressions(new SuppressionsRepo(db, now), now);
  }

  configure(config: Partial<PipelineConfig>): void {
    this.config = { ...this.config, ...config };
  }

  /**
   * Swaps enrich/detect/score (new thresholds, new geo files). Batches are processed
   * synchronously, so the swap lands between two batches; correlation windows start afresh.
   */
  setStages(stages: PipelineStages): void {
    this.stages = stages;
    this.contributions.clear();
  }

  /**
   * One retention step of the record store: up to `blocks` blocks (~1,000 records each) older than
   * `maxAgeDays`, or the oldest while the database uses more than `maxBytes`, in one short transaction.
   */
  pruneRecords(maxAgeDays: number, maxBytes: number, blocks: number): PruneOutcome {
    return this.retention.prune({ maxAgeDays, maxBytes, nowMs: this.now().getTime(), blocks });
  }

  /**
   * Runs one batch through every stage and commits it with the cursor. Never throws for bad
   * input: unparseable records are quarantined with their reason and position. Records the
   * source stored already (by `position.id`) are dropped first.
   */
  process(sourceId: string, input: readonly RawRecord[], opts: ProcessOptions = {}): BatchOutcome {
    const m = this.metrics;
    const t0 = performance.now();
    const { records, ids } = this.dropStored(sourceId, input);
    const events: SecurityEvent[] = [];
    const quarantine: Quarantined[] = [];
    const types: Record<string, number> = {};
    const runs: RecordRun[] = [];
    const nopts = opts.normalize ?? NO_OPTIONS;
    // results not aligned with the batch are a caller's bug, not bad input: said, not silently redone
    if (opts.normalized && opts.normalized.length !== input.length) {
      throw new Error(`normalized results for ${opts.normalized.length} records given with a batch of ${input.length}`);
    }
    const pre = records === input ? opts.normalized : undefined;
    let skipped = 0;
    for (let i = 0; i < records.length; i++) {
      const rec = records[i]!;
      let text: string;
      let parsed: JsonObject | undefined;
      if (typeof rec.raw === 'string') text = rec.raw;
      else {
        parsed = rec.raw;
        try {
          text = JSON.stringify(rec.raw);
        } catch (err) {
          quarantine.push({ reason: `the record cannot be written as JSON: ${err instanceof Error ? err.message : String(err)}`, text: '', rec });
          continue;
        }
      }
      if (rec.oversize !== undefined) {
        quarantine.push({ reason: rec.oversize, text, rec });
        continue;
      }
      const spec = formatSpec(rec.format);
      const r =
        pre?.[i] ??
        (spec ? spec.normalize(text, rec.position, nopts, parsed) : ({ kind: 'quarantined', reason: `unsupported format ${JSON.stringify(String(rec.format)).slice(0, 40)}` } as const));
      if (r.kind === 'quarantined') {
        quarantine.push({ reason: r.reason, text, rec });
        continue;
      }
      if (r.kind === 'event') events.push(r.event);
      else {
        skipped++;
        if (r.record_type !== undefined) types[r.record_type] = (types[r.record_type] ?? 0) + 1;
      }
      if (r.record !== undefined) {
        const last = runs[runs.length - 1];
        if (last !== undefined && last.file === rec.position.file) last.records.push(r.record);
        else runs.push({ file: rec.position.file, records: [r.record] });
      }
    }
    const t1 = performance.now();
    const enriched = this.stages.enrich(events);
    const t2 = performance.now();
    const detected = this.stages.detect(enriched);
    const t3 = performance.now();
    const scored = this.stages.score(detected);
    const t4 = performance.now();
    // the worker packed the lines of the records its results carry, in order: they are this batch's
    // records when its first run (its records of one file) holds as many, and so every record (a
    // line the worker left to this thread and read here as a record is one more)
    const packed = pre && opts.rawBlocks && runs[0]?.records.length === opts.rawBlocks.records ? opts.rawBlocks : undefined;
    const outcome = this.persist(sourceId, records.length, scored, skipped, types, runs, packed, quarantine, ids, opts);
    outcome.duplicates = input.length - records.length;
    const t5 = performance.now();
    m.recordBatch({
      read: records.length,
      events: events.length,
      skipped,
      quarantined: quarantine.length,
      suppressed: outcome.suppressed,
      alertsCreated: outcome.alerts_created,
      alertsUpdated: outcome.alerts_updated,
      stageMs: { normalize: t1 - t0, enrich: t2 - t1, detect: t3 - t2, score: t4 - t3, persist: t5 - t4 },
    });
    return outcome;
  }

  /**
   * The records whose id the source has not stored yet (nor handed out earlier in this batch), and
   * the ids to store with them. Records without an id all pass.
   */
  private dropStored(sourceId: string, input: readonly RawRecord[]): { records: readonly RawRecord[]; ids: StoredId[] } {
    const batchIds: string[] = [];
    for (const rec of input) if (rec.position.id !== undefined) batchIds.push(rec.position.id);
    if (batchIds.length === 0) return { records: input, ids: [] };
    const stored = new Set(this.stmts.storedAmong.all(sourceId, JSON.stringify(batchIds)));
    const ids: StoredId[] = [];
    const inBatch = new Set<string>();
    let kept: RawRecord[] | null = null;
    for (let i = 0; i < input.length; i++) {
      const rec = input[i]!;
      const id = rec.position.id;
      if (id === undefined) {
        kept?.push(rec);
        continue;
      }
      if (inBatch.has(id) || stored.has(id)) {
        kept ??= input.slice(0, i);
        continue;
      }
      inBatch.add(id);
      ids.push({ id, ts: rec.idTs ?? this.now().getTime() });
      kept?.push(rec);
    }
    return { records: kept ?? input, ids };
  }

  private persist(
    sourceId: string,
    read: number,
    scored: ScoredEvent[],
    skipped: number,
    types: Record<string, number>,
    runs: readonly RecordRun[],
    /** The raw lines of the one run, packed ahead (ProcessOptions.rawBlocks), if they are its. */
    packed: RawBlocks | undefined,
    quarantine: Quarantined[],
    ids: StoredId[],
    opts: ProcessOptions,
  ): BatchOutcome {
    const s = this.stmts;
    const nowIso = this.now().toISOString();
    const minRank = severityRank(this.config.minAlertSeverity);
    const windowMs = this.config.groupWindowMs;
    const touched: TouchedGroups = { byKey: new Map(), byId: new Map() };
    const suppressionHits = new Map<number, number>();
    let suppressed = 0;
    let lastEventAt: string | null = null;
    let stored = 0;

    const run = this.db.transaction(() => {
      this.suppressions.refreshIfStale();
      for (const r of ids) {
        if (s.storeRecord.run(sourceId, r.id, r.ts).changes === 0) throw new DuplicateRecordError(sourceId, r.id);
      }
      if (opts.forgetIdsBefore !== undefined) s.forgetRecords.run(sourceId, opts.forgetIdsBefore);
      for (const q of quarantine) {
        const raw = q.text.length > QUARANTINE_RAW_MAX ? q.text.slice(0, QUARANTINE_RAW_MAX) : q.text;
        const reason = q.text.length > QUARANTINE_RAW_MAX ? `${q.reason} (raw cut to ${QUARANTINE_RAW_MAX} characters)` : q.reason;
        const p = q.rec.position;
        s.insertQuarantine.run(nowIso, sourceId, q.rec.format, reason, p.file, p.line, p.offset, raw, p.id ?? null);
      }
      for (const run of runs) stored += this.records.append(sourceId, run.file, run.records, packed).length;
      const linked = new Set<number>();
      for (const e of scored) {
        if (lastEventAt === null || e.ts > lastEventAt) lastEventAt = e.ts;
        let alertId: number | null = null;
        let suppressedBy: number | null = null;
        const fired: { alertId: number; hit: CorrelationHit }[] = [];
        if (severityRank(e.severity) >= minRank || e.detection.correlations.length > 0) {
          suppressedBy = this.suppressions.match(e);
          if (suppressedBy !== null) {
            suppressionHits.set(suppressedBy, (suppressionHits.get(suppressedBy) ?? 0) + 1);
            suppressed++;
          } else {
            if (severityRank(e.severity) >= minRank) {
              const key = groupKey(e);
              alertId = this.touch(touched, key, e, e.severity, e.score, e.title, e.rule_id, sourceId, nowIso, windowMs);
            }
            for (const hit of e.detection.correlations) {
              const def = CORRELATION_ALERTS[hit.rule];
              const key = `vigil|${hit.rule}|${hit.key}`;
              const severity = maxSeverity(def.severity, e.severity);
              const id = this.touch(touched, key, e, severity, this.stages.rescore(e, severity), def.title(hit), `vigil:${hit.rule}`, sourceId, nowIso, windowMs);
              fired.push({ alertId: id, hit });
            }
          }
        }
        const eventId = s.insertEvent.run(
          alertId,
          sourceId,
          e.source,
          e.ts,
          nowIso,
          e.severity,
          e.rule_id,
          e.title,
          e.src_ip,
          e.src_port,
          e.dst_ip,
          e.dst_port,
          e.proto,
          e.detection.threat_type,
          JSON.stringify(e.detection.technique_ids),
          e.score.risk,
          e.flow_id,
          suppressedBy,
          e.position.file,
          e.position.line,
          e.position.offset,
          e.raw,
          e.position.id ?? null,
        ).lastInsertRowid;
        if (suppressedBy === null) this.linkContributors(Number(eventId), e, fired, linked);
      }
      for (const id of linked) s.trimContributors.run({ id });
      const created: number[] = [];
      const updated: number[] = [];
      for (const t of touched.byId.values()) {
        const best = t.best!;
        const params = {
          id: t.id,
          count: t.count,
          first_seen: t.first_seen,
          last_seen: t.last_seen,
          severity: t.severity,
          priority: this.stages.priority(t.severity, t.risk, { threat_type: best.threat_type, technique_ids: [...t.techniques] }),
          risk_score: t.risk,
          technique_ids: JSON.stringify([...t.techniques].sort()),
          threat_type: best.threat_type,
          now: nowIso,
        };
        const details = () => ({
          id: t.id,
          confidence: best.event.detection.confidence,
          detection: JSON.stringify(best.event.detection),
          score_terms: JSON.stringify(best.score.terms),
        });
        // the explanation follows the highest-risk occurrence; rewrite it only when that changed
        const detailsChanged = best.event !== t.createdFrom;
        if (t.created) {
          // a new alert seen once in this batch was written complete by its INSERT
          if (t.count > 1) this.foldStatement(true, t.stored, params).run(params);
          if (detailsChanged) s.updateDetails.run(details());
          s.outbox.run(t.id, 'new', nowIso);
          created.push(t.id);
        } else {
          this.foldStatement(false, t.stored, params).run(params);
          if (best.score.risk > t.storedRisk) s.updateDetails.run(details());
          s.outbox.run(t.id, 'updated', nowIso);
          updated.push(t.id);
        }
      }
      for (const [id, hits] of suppressionHits) this.suppressions.countHits(id, hits, nowIso);
      s.sourceCounters.run({
        id: sourceId,
        read,
        events: scored.length,
        skipped,
        quarantined: quarantine.length,
        created: created.length,
        updated: updated.length,
        suppressed,
        last_event_at: lastEventAt,
        now: nowIso,
      });
      for (const type in types) s.recordType.run({ id: sourceId, type, count: types[type] });
      if (opts.cursor !== undefined) s.sourceCursor.run(JSON.stringify(opts.cursor), sourceId);
      opts.inTransaction?.();
      return { created, updated };
    });
    let done: { created: number[]; updated: number[] };
    try {
      done = run.immediate();
      this.contributions.commit();
    } catch (err) {
      this.contributions.rollback();
      throw err;
    }
    const { created, updated } = done;
    return {
      read,
      duplicates: 0,
      events: scored.length,
      skipped,
      skipped_types: types,
      records: stored,
      quarantined: quarantine.length,
      suppressed,
      alerts_created: created.length,
      alerts_updated: updated.length,
      created_ids: created,
      updated_ids: updated,
    };
  }

  /**
   * Remembers a stored event under its correlation key, and links to each correlation alert it made
   * fire the events that counted in the rule's window (the failed logins, the probed ports).
   */
  private linkContributors(eventId: number, e: ScoredEvent, fired: readonly { alertId: number; hit: CorrelationHit }[], linked: Set<number>): void {
    const key = correlationKey(e);
    if (key === null) return;
    const t = Date.parse(e.ts);
    this.contributions.note(key, { id: eventId, t, failed: isAuthFailure(e), port: e.dst_port });
    for (const { alertId, hit } of fired) {
      let added = 0;
      for (const id of this.contributions.contributors(hit, t)) added += this.stmts.linkContributor.run(alertId, id).changes;
      if (added > 0) this.stmts.countContributors.run(alertId, added);
      linked.add(alertId);
    }
  }

  /**
   * Finds or creates the alert for a group key and folds one occurrence into it. An occurrence
   * joins an alert only when its time lies within the window of that alert's span, in either
   * direction ([first_seen - window, last_seen + window]), whatever order the lines come in;
   * otherwise it starts a new alert. The same holds inside one batch.
   */
  private touch(
    touched: TouchedGroups,
    key: string,
    e: ScoredEvent,
    severity: Severity,
    score: Score,
    title: string,
    ruleId: string | null,
    sourceId: string,
    nowIso: string,
    windowMs: number,
  ): number {
    const at = Date.parse(e.ts);
    const lo = new Date(at - windowMs).toISOString();
    const hi = new Date(at + windowMs).toISOString();
    let list = touched.byKey.get(key);
    let t = nearestGroup(list, e.ts, lo, hi);
    if (!t) {
      const row = nearestGroup(this.stmts.findGroup.all(key, lo, hi), e.ts, lo, hi);
      if (row && touched.byId.has(row.id)) {
        t = touched.byId.get(row.id)!;
      } else {
        if (row) {
          t = {
            id: row.id,
            created: false,
            groupKey: key,
            count: 0,
            first_seen: row.first_seen,
            last_seen: row.last_seen,
            severity: row.severity,
            risk: row.risk_score,
            techniques: new Set(JSON.parse(row.technique_ids) as string[]),
            best: null,
            createdFrom: null,
            storedRisk: row.risk_score,
            stored: row,
          };
        } else {
          const created = this.createAlert(e, key, severity, score, title, ruleId, sourceId, nowIso);
          const id = created.id;
          t = {
            id,
            created: true,
            groupKey: key,
            count: 0,
            first_seen: e.ts,
            last_seen: e.ts,
            severity,
            risk: score.risk,
            techniques: new Set(),
            best: null,
            createdFrom: e,
            storedRisk: score.risk,
            stored: created.stored,
          };
        }
        if (!list) touched.byKey.set(key, (list = []));
        list.push(t);
        touched.byId.set(t.id, t);
      }
    }
    t.count++;
    if (e.ts < t.first_seen) t.first_seen = e.ts;
    if (e.ts > t.last_seen) t.last_seen = e.ts;
    t.severity = maxSeverity(t.severity, severity);
    for (const id of e.detection.technique_ids) t.techniques.add(id);
    if (!t.best || score.risk >= t.best.score.risk) {
      t.best = { score, event: e, severity, threat_type: e.detection.threat_type };
    }
    if (score.risk > t.risk) t.risk = score.risk;
    return t.id;
  }

  /**
   * The UPDATE that folds a batch into an alert, writing only the columns whose value changes: an
   * assigned column rewrites every index (and trigger) that holds it even when the value is the
   * same, and most occurrences change nothing but count and last_seen.
   */
  private foldStatement(created: boolean, stored: AlertFold, next: AlertFold): Statement {
    const cols = FOLD_COLUMNS.filter((c) => next[c] !== stored[c]);
    const key = `${created ? 'new' : 'old'}:${cols.join(',')}`;
    let stmt = this.foldStmts.get(key);
    if (!stmt) {
      // an existing alert: the batch's span widens the stored one; a new one is written as folded
      const set = cols.map((c) => (created ? `${c} = @${c}` : c === 'first_seen' ? 'first_seen = min(first_seen, @first_seen)' : c === 'last_seen' ? 'last_seen = max(last_seen, @last_seen)' : `${c} = @${c}`));
      const head = created ? 'count = @count' : 'count = count + @count, updated_at = @now';
      stmt = alertFoldStatement(this.db, head, set);
      this.foldStmts.set(key, stmt);
    }
    return stmt;
  }

  private createAlert(e: ScoredEvent, key: string, severity: Severity, score: Score, title: string, ruleId: string | null, sourceId: string, nowIso: string): { id: number; stored: AlertFold } {
    const priority = this.stages.priority(severity, score.risk, e.detection);
    const techniqueIds = JSON.stringify([...e.detection.technique_ids].sort());
    const info = this.stmts.insertAlert.run(
      e.source,
      severity,
      priority,
      title,
      ruleId,
      e.src_ip,
      e.src_port,
      e.dst_ip,
      e.dst_port,
      e.proto,
      e.ts,
      e.ts,
      score.risk,
      techniqueIds,
      nowIso,
      nowIso,
      key,
      e.detection.threat_type,
      ipKey(e.src_ip),
      ipKey(e.dst_ip),
      sourceId,
      e.src?.geo?.country_code ?? null,
      e.agent?.id ?? null,
      e.agent?.name ?? null,
      e.user,
      hostOf(e),
      e.sensor,
    );
    const id = Number(info.lastInsertRowid);
    this.stmts.insertDetails.run(
      id,
      e.detection.confidence,
      JSON.stringify(e.detection),
      JSON.stringify(score.terms),
      JSON.stringify({ src: e.src, dst: e.dst, agent: e.agent, user: e.user, sensor: e.sensor }),
    );
    this.stmts.insertFts.run(id, title, ruleId ?? '', ftsHosts(e.src_ip, e.dst_ip, e.agent?.name ?? null, e.sensor), cut(e.raw, FTS_RAW_MAX));
    return {
      id,
      stored: { first_seen: e.ts, last_seen: e.ts, severity, priority, risk_score: score.risk, technique_ids: techniqueIds, threat_type: e.detection.threat_type },
    };
  }
}
