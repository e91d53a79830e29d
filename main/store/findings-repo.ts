import type { Database, Statement } from 'better-sqlite3';
import { SEVERITIES, type Finding, type FindingFilter, type FindingStatus, type ScanFinding, type Severity } from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';
import { parseStringArray } from './json.js';
import { placeholders } from './sql.js';

interface FindingRow extends Omit<Finding, 'cves'> {
  cves: string;
  description: string;
  refs: string;
  raw: string;
}

const LIST_COLUMNS = `id, source, connector_id, target, rule_id, title, severity, severity_raw, confidence, confidence_score, cvss, cves, cwe_id, host, port, url,
  evidence, solution, status, first_seen, last_seen, last_scan_id`;

function toFinding(r: Omit<FindingRow, 'description' | 'refs' | 'raw'>): Finding {
  return {
    id: r.id,
    source: r.source,
    connector_id: r.connector_id,
    target: r.target,
    rule_id: r.rule_id,
    title: r.title,
    severity: r.severity,
    severity_raw: r.severity_raw,
    confidence: r.confidence,
    confidence_score: r.confidence_score,
    cvss: r.cvss,
    cves: parseStringArray(r.cves),
    cwe_id: r.cwe_id,
    host: r.host,
    port: r.port,
    url: r.url,
    evidence: r.evidence,
    solution: r.solution,
    status: r.status,
    first_seen: r.first_seen,
    last_seen: r.last_seen,
    last_scan_id: r.last_scan_id,
  };
}

const RANK: Record<Severity, number> = Object.fromEntries(SEVERITIES.map((s, i) => [s, i])) as Record<Severity, number>;

/** Where one import step came from: the scan, its connector and target, and when. */
export interface ImportOrigin {
  scanId: number;
  connectorId: string;
  target: string;
  seenAt: string;
}

export interface UpsertResult {
  inserted: number;
  updated: number;
  /** Findings that were fixed and came back (now open again). */
  reopened: number[];
}

/** One host of the findings report: matching findings, open ones by severity, its top open CVEs. */
export interface HostFindings {
  host: string;
  total: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  top_cves: string[];
}

/** An open high or critical finding of a host (the exposure index). */
export interface ExposedFinding {
  id: number;
  host: string;
  title: string;
  severity: Severity;
  cves: string[];
}

/** Open high and critical findings with a host, most severe first (the pipeline's exposure index). */
export function exposedFindings(db: Database): ExposedFinding[] {
  return db
    .prepare<[number], { id: number; host: string; title: string; severity: Severity; cves: string }>(
      "SELECT id, host, title, severity, cves FROM findings WHERE status = 'open' AND severity_rank >= ? AND host IS NOT NULL ORDER BY severity_rank DESC, cvss DESC, id",
    )
    .all(RANK.high)
    .map((r) => ({ ...r, cves: parseStringArray(r.cves) }));
}

/**
 * Findings by identity. An import step upserts a batch: a new identity is inserted open; a known
 * one gets the tool's latest words and stays in the status the analyst gave it (a false positive
 * stays one), except a fixed one, which comes back open (reopened, audited). Every write that
 * changes a status is audited in the same transaction.
 */
export class FindingsRepo {
  private readonly byIdentity: Statement<[string], { id: number; status: FindingStatus }>;
  private readonly insertStmt: Statement;
  private readonly updateStmt: Statement;
  private readonly seenStmt: Statement<[number, number]>;

  constructor(
    private readonly db: Database,
    private readonly audit: AuditRepo,
  ) {
    this.byIdentity = db.prepare('SELECT id, status FROM findings WHERE identity = ?');
    this.insertStmt = db.prepare(
      `INSERT INTO findings (identity, source, connector_id, target, rule_id, title, severity, severity_rank, severity_raw, confidence, confidence_score, cvss,
         cves, cwe_id, host, port, url, evidence, description, solution, refs, status, first_seen, last_seen, last_scan_id, observed_at, raw)
       VALUES (@identity, @source, @connector_id, @target, @rule_id, @title, @severity, @severity_rank, @severity_raw, @confidence, @confidence_score, @cvss,
         @cves, @cwe_id, @host, @port, @url, @evidence, @description, @solution, @refs, 'open', @seen, @seen, @scan_id, @observed_at, @raw)`,
    );
    this.updateStmt = db.prepare(
      `UPDATE findings SET connector_id = @connector_id, target = @target, rule_id = @rule_id, title = @title, severity = @severity, severity_rank = @severity_rank,
         severity_raw = @severity_raw, confidence = @confidence, confidence_score = @confidence_score, cvss = @cvss, cves = @cves, cwe_id = @cwe_id, host = @host,
         port = @port, url = @url, evidence = @evidence, description = @description, solution = @solution, refs = @refs, last_seen = @seen,
         last_scan_id = @scan_id, observed_at = @observed_at, raw = @raw, status = CASE WHEN status = 'fixed' THEN 'open' ELSE status END
       WHERE id = @id`,
    );
    this.seenStmt = db.prepare('INSERT OR IGNORE INTO finding_scans (finding_id, scan_id) VALUES (?, ?)');
  }

  /** Upserts a batch seen by one scan (call inside the import step's transaction). */
  upsert(findings: readonly ScanFinding[], origin: ImportOrigin): UpsertResult {
    const out: UpsertResult = { inserted: 0, updated: 0, reopened: [] };
    for (const f of findings) {
      const row = {
        identity: f.key,
        source: f.source,
        connector_id: origin.connectorId,
        target: origin.target,
        rule_id: f.ruleId,
        title: f.title,
        severity: f.severity,
        severity_rank: RANK[f.severity],
        severity_raw: f.severityRaw,
        confidence: f.confidence,
        confidence_score: f.confidenceScore,
        cvss: f.cvss,
        cves: JSON.stringify(f.cves),
        cwe_id: f.cweId,
        host: f.asset.host,
        port: f.asset.port,
        url: f.asset.url,
        evidence: f.evidence,
        description: f.description,
        solution: f.solution,
        refs: JSON.stringify(f.references),
        seen: origin.seenAt,
        scan_id: origin.scanId,
        observed_at: f.observedAt,
        raw: JSON.stringify(f.raw ?? null),
      };
      const known = this.byIdentity.get(f.key);
      let id: number;
      if (known) {
        id = known.id;
        this.updateStmt.run({ ...row, id });
        out.updated++;
        if (known.status === 'fixed') {
          out.reopened.push(id);
          this.audit.append({ actor: 'system', action: 'finding.reopened', target_type: 'finding', target_id: String(id), details: { scan_id: origin.scanId }, ts: origin.seenAt });
        }
      } else {
        id = Number(this.insertStmt.run(row).lastInsertRowid);
        out.inserted++;
      }
      this.seenStmt.run(id, origin.scanId);
    }
    return out;
  }

  /**
   * After a complete run of a target: its open findings that this run did not see are fixed
   * (audited). Accepted risks and false positives keep their status.
   */
  markFixed(origin: ImportOrigin): number[] {
    const ids = this.db
      .prepare<[string, string, number], { id: number }>(
        "SELECT id FROM findings WHERE connector_id = ? AND target = ? AND status = 'open' AND NOT EXISTS (SELECT 1 FROM finding_scans s WHERE s.finding_id = findings.id AND s.scan_id = ?)",
      )
      .all(origin.connectorId, origin.target, origin.scanId)
      .map((r) => r.id);
    const fix = this.db.prepare("UPDATE findings SET status = 'fixed' WHERE id = ?");
    for (const id of ids) {
      fix.run(id);
      this.audit.append({ actor: 'system', action: 'finding.fixed', target_type: 'finding', target_id: String(id), details: { scan_id: origin.scanId }, ts: origin.seenAt });
    }
    return ids;
  }

  private where(filter: FindingFilter): { sql: string; args: (string | number)[] } {
    const where: string[] = [];
    const args: (string | number)[] = [];
    const within = (col: string, values: readonly string[] | undefined) => {
      if (!values?.length) return;
      where.push(`${col} IN (${placeholders(values.length)})`);
      args.push(...values);
    };
    within('status', filter.status);
    if (filter.severity?.length) {
      // by rank, so the (severity_rank, id) index serves the filter and the order together
      where.push(`severity_rank IN (${placeholders(filter.severity.length)})`);
      args.push(...filter.severity.map((s) => RANK[s]));
    }
    within('source', filter.source);
    if (filter.host) {
      where.push('host = ?');
      args.push(filter.host);
    }
    if (filter.scan_id) {
      where.push('id IN (SELECT finding_id FROM finding_scans WHERE scan_id = ?)');
      args.push(filter.scan_id);
    }
    const words = (filter.text ?? '').split(/\s+/).filter(Boolean);
    // the trigram index finds substrings of 3 characters or more; shorter words are matched by LIKE
    const long = words.filter((w) => [...w].length >= 3);
    if (long.length) {
      where.push('id IN (SELECT rowid FROM findings_fts WHERE findings_fts MATCH ?)');
      args.push(long.map((w) => `"${w.replace(/"/g, '""')}"`).join(' AND '));
    }
    for (const word of words.filter((w) => [...w].length < 3)) {
      const like = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(
        "(title LIKE ? ESCAPE '\\' OR host LIKE ? ESCAPE '\\' OR url LIKE ? ESCAPE '\\' OR cves LIKE ? ESCAPE '\\' OR rule_id LIKE ? ESCAPE '\\' OR evidence LIKE ? ESCAPE '\\')",
      );
      args.push(like, like, like, like, like, like);
    }
    return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
  }

  /** A page, most severe first, and how many match. */
  list(filter: FindingFilter, limit: number, offset: number): { items: Finding[]; total: number } {
    const w = this.where(filter);
    const items = this.db
      .prepare<(string | number)[], FindingRow>(`SELECT ${LIST_COLUMNS} FROM findings ${w.sql} ORDER BY severity_rank DESC, id DESC LIMIT ? OFFSET ?`)
      .all(...w.args, limit, offset)
      .map(toFinding);
    const total = this.db.prepare<(string | number)[], { n: number }>(`SELECT count(*) AS n FROM findings ${w.sql}`).get(...w.args)!.n;
    return { items, total };
  }

  /** Every matching finding, streamed from SQLite (exports). */
  *iterate(filter: FindingFilter): Generator<Finding> {
    const w = this.where(filter);
    const stmt = this.db.prepare<(string | number)[], FindingRow>(`SELECT ${LIST_COLUMNS} FROM findings ${w.sql} ORDER BY severity_rank DESC, id DESC`);
    for (const r of stmt.iterate(...w.args)) yield toFinding(r);
  }

  get(id: number): { finding: Finding; description: string; references: string[]; raw: unknown; scan_ids: number[] } | null {
    const r = this.db.prepare<[number], FindingRow>(`SELECT ${LIST_COLUMNS}, description, refs, raw FROM findings WHERE id = ?`).get(id);
    if (!r) return null;
    const scanIds = this.db
      .prepare<[number], { scan_id: number }>('SELECT scan_id FROM finding_scans WHERE finding_id = ? ORDER BY scan_id DESC')
      .all(id)
      .map((x) => x.scan_id);
    return { finding: toFinding(r), description: r.description, references: parseStringArray(r.refs), raw: JSON.parse(r.raw) as unknown, scan_ids: scanIds };
  }

  /** Sets the status of these findings (audited with the old one); how many changed. */
  setStatus(ids: readonly number[], status: FindingStatus, actor: string, note: string | null, ts: string): number {
    const get = this.db.prepare<[number], { status: FindingStatus }>('SELECT status FROM findings WHERE id = ?');
    const set = this.db.prepare('UPDATE findings SET status = ? WHERE id = ?');
    return this.db
      .transaction(() => {
        let n = 0;
        for (const id of ids) {
          const old = get.get(id);
          if (!old || old.status === status) continue;
          set.run(status, id);
          this.audit.append({ actor, action: 'finding.status', target_type: 'finding', target_id: String(id), details: { from: old.status, to: status, ...(note ? { note } : {}) }, ts });
          n++;
        }
        return n;
      })
      .immediate();
  }

  /** Matching findings by status and severity (the findings report's figures). */
  countsByStatus(filter: FindingFilter): { status: FindingStatus; severity: Severity; n: number }[] {
    const w = this.where(filter);
    return this.db
      .prepare<(string | number)[], { status: FindingStatus; severity: Severity; n: number }>(`SELECT status, severity, count(*) AS n FROM findings ${w.sql} GROUP BY status, severity`)
      .all(...w.args);
  }

  /**
   * Matching findings per host, a page at a time (hosts with the most open critical, then high...
   * findings first), each with its open findings by severity and its most frequent open CVEs.
   */
  *hostPages(filter: FindingFilter, pageSize = 500, topCves = 3): Generator<HostFindings[]> {
    const w = this.where(filter);
    const cond = `${w.sql ? `${w.sql} AND` : 'WHERE'} host IS NOT NULL`;
    const open = (s: Severity) => `sum(status = 'open' AND severity = '${s}')`;
    const stmt = this.db.prepare<(string | number)[], Omit<HostFindings, 'top_cves'>>(
      `SELECT host, count(*) AS total, ${open('critical')} AS critical, ${open('high')} AS high, ${open('medium')} AS medium, ${open('low')} AS low
       FROM findings ${cond} GROUP BY host ORDER BY critical DESC, high DESC, medium DESC, low DESC, host LIMIT ? OFFSET ?`,
    );
    for (let offset = 0; ; offset += pageSize) {
      const rows = stmt.all(...w.args, pageSize, offset);
      if (rows.length === 0) return;
      const cves = this.db
        .prepare<(string | number)[], { host: string; cve: string; n: number }>(
          `SELECT host, j.value AS cve, count(*) AS n FROM findings, json_each(findings.cves) j ${cond} AND status = 'open' AND host IN (${placeholders(rows.length)})
           GROUP BY host, j.value ORDER BY host, n DESC, j.value`,
        )
        .all(...w.args, ...rows.map((r) => r.host));
      const top = new Map<string, string[]>();
      for (const c of cves) {
        const list = top.get(c.host) ?? [];
        if (list.length < topCves) list.push(c.cve);
        top.set(c.host, list);
      }
      yield rows.map((r) => ({ ...r, top_cves: top.get(r.host) ?? [] }));
      if (rows.length < pageSize) return;
    }
  }

  /** Every matching finding, most severe first, a page at a time (keyset: severity, id). */
  *pages(filter: FindingFilter, pageSize = 1000): Generator<Finding[]> {
    const w = this.where(filter);
    const stmt = this.db.prepare<(string | number)[], FindingRow & { severity_rank: number }>(
      `SELECT ${LIST_COLUMNS}, severity_rank FROM findings ${w.sql ? `${w.sql} AND` : 'WHERE'} (severity_rank, id) < (?, ?) ORDER BY severity_rank DESC, id DESC LIMIT ?`,
    );
    let after: [number, number] = [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER];
    for (;;) {
      const rows = stmt.all(...w.args, ...after, pageSize);
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      after = [last.severity_rank, last.id];
      yield rows.map(toFinding);
    }
  }

  /** Open findings by severity (every severity listed, 0 when none). */
  openBySeverity(): Record<Severity, number> {
    const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
    for (const r of this.db.prepare<[], { severity: Severity; n: number }>("SELECT severity, count(*) AS n FROM findings WHERE status = 'open' GROUP BY severity").all()) out[r.severity] = r.n;
    return out;
  }

  /** Open high and critical findings with a host (the exposure index's source). */
  exposed(): ExposedFinding[] {
    return exposedFindings(this.db);
  }

  /**
   * What changed between two runs of the same target: findings this run saw and the earlier did
   * not (new), saw both (still there), and the earlier saw but this one did not (gone), up to
   * `limit` of each, most severe first, with the counts.
   */
  diff(scanId: number, previousId: number, limit: number): Record<'new' | 'still' | 'gone', { items: Finding[]; total: number }> {
    const part = (inA: number, notIn: number | null, both: number | null) => {
      const cond = `id IN (SELECT finding_id FROM finding_scans WHERE scan_id = ?)${notIn !== null ? ' AND id NOT IN (SELECT finding_id FROM finding_scans WHERE scan_id = ?)' : ''}${both !== null ? ' AND id IN (SELECT finding_id FROM finding_scans WHERE scan_id = ?)' : ''}`;
      const args = [inA, ...(notIn !== null ? [notIn] : []), ...(both !== null ? [both] : [])];
      const items = this.db
        .prepare<number[], FindingRow>(`SELECT ${LIST_COLUMNS} FROM findings WHERE ${cond} ORDER BY severity_rank DESC, id DESC LIMIT ?`)
        .all(...args, limit)
        .map(toFinding);
      const total = this.db.prepare<number[], { n: number }>(`SELECT count(*) AS n FROM findings WHERE ${cond}`).get(...args)!.n;
      return { items, total };
    };
    return { new: part(scanId, previousId, null), still: part(scanId, null, previousId), gone: part(previousId, scanId, null) };
  }

  /** Ids of the findings a scan saw. */
  seenBy(scanId: number): Set<number> {
    return new Set(
      this.db
        .prepare<[number], { finding_id: number }>('SELECT finding_id FROM finding_scans WHERE scan_id = ?')
        .all(scanId)
        .map((r) => r.finding_id),
    );
  }
}
