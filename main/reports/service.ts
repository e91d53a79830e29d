import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ContractError, type Manifest, type ReportFacts, type ReportFormat, type ReportQuery, type ReportRecord, type Tlp, type VerifyResult } from '../contract/index.js';
import type { CasesService } from '../cases/service.js';
import type { CasesRepo } from '../store/cases-repo.js';
import type { FindingsRepo } from '../store/findings-repo.js';
import type { ReportsRepo } from '../store/reports-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { AttackTable } from '../pipeline/detect/attack.js';
import type { EventBus } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { PRINT_DIR, ReportWriter, type ReportPlan } from './builder.js';
import { caseReport } from './case-report.js';
import { alertsReport } from './alerts-report.js';
import { findingsReport } from './findings-report.js';
import { documentEnd, documentStart, esc, printTemplates } from './html.js';
import { buildManifest, FACTS_NAME, verifyReport } from './manifest.js';
import { ReportOutput, ReportOutputError } from './output.js';
import { mergePdfs, type PdfEngine } from './pdf.js';

export interface ReportsDeps {
  reports: ReportsRepo;
  cases: CasesService;
  casesRepo: CasesRepo;
  findings: FindingsRepo;
  audit: AuditRepo;
  attack: AttackTable | null;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  schemaVersion: number;
  generator: { name: string; version: string };
  /** Where reports made from the UI go (DATA_DIR/reports). */
  reportsDir: string;
  /** The PDF engine; throws PdfUnavailableError when there is none. Asked only when PDF is wanted. */
  pdfEngine: () => PdfEngine;
}

export interface WriteOptions {
  query: ReportQuery;
  formats: readonly ReportFormat[];
  dir: string;
  actor: string;
  tlp?: Tlp | undefined;
  onProgress?: (done: number, total: number) => void;
  /** Stops the report (Ctrl-C): what was written so far is removed. */
  signal?: AbortSignal;
  /** Rows per PDF print pass (default PRINT_CHUNK_ROWS; tests make it small). */
  printRows?: number;
}

/** A report ready to be written: checked, its directory opened and its record created. */
export interface ReportRun {
  readonly reportId: number;
  readonly dir: string;
  readonly total: number;
  execute(): Promise<Manifest>;
}

/** Up to this many rows, a PDF is tagged and has an outline (see PdfJob.tagged). */
const TAGGED_PDF_MAX_ROWS = 3000;

/** PDF time limit: two minutes plus a little per row, at most 15 minutes. */
function pdfTimeout(total: number): number {
  return Math.min(15 * 60_000, 120_000 + total * 10);
}

/**
 * Writes reports: one HTML layout (PDF is Chromium's print of it), CSV for the tables, evidence
 * files, report.json and, last, manifest.json with the SHA-256 of every file. Everything goes to
 * a partial directory first; a report that fails leaves nothing that looks complete.
 */
export class ReportsService {
  constructor(private readonly d: ReportsDeps) {}

  private plan(query: ReportQuery, tlp: Tlp | undefined): ReportPlan {
    switch (query.kind) {
      case 'case': {
        const c = this.d.cases.detail(query.case_id);
        return caseReport({ cases: this.d.cases, casesRepo: this.d.casesRepo, reports: this.d.reports, audit: this.d.audit }, c);
      }
      case 'alerts':
        return alertsReport({ reports: this.d.reports, attack: this.d.attack }, query.filter, tlp ?? 'amber');
      case 'findings':
        return findingsReport(this.d.findings, query.filter ?? {}, tlp ?? 'amber');
    }
  }

  /**
   * Checks everything that can fail before a byte is written (case exists, PDF engine present,
   * directory usable), then returns the run. Throws ContractError for the caller's mistakes.
   */
  prepare(opts: WriteOptions): ReportRun {
    const formats = [...new Set(opts.formats)];
    if (formats.length === 0) throw new ContractError('BAD_REQUEST', 'no format: choose html, pdf and/or csv');
    let engine: PdfEngine | null = null;
    if (formats.includes('pdf')) {
      try {
        engine = this.d.pdfEngine();
      } catch (err) {
        throw new ContractError('CONFLICT', err instanceof Error ? err.message : String(err));
      }
    }
    const plan = this.plan(opts.query, opts.tlp);
    let out: ReportOutput;
    try {
      out = ReportOutput.open(opts.dir);
    } catch (err) {
      if (err instanceof ReportOutputError) throw new ContractError('BAD_REQUEST', err.message);
      throw err;
    }
    const createdAt = this.d.now().toISOString();
    const reportId = this.d.reports.create({ kind: opts.query.kind, title: plan.title, query: opts.query, formats, dir: out.dir, created_at: createdAt, created_by: opts.actor });
    const facts: ReportFacts = {
      report_id: `VR-${createdAt.slice(0, 10).replace(/-/g, '')}-${reportId}-${crypto.randomBytes(3).toString('hex')}`,
      title: plan.title,
      query: opts.query,
      formats,
      generator: this.d.generator,
      schema_version: this.d.schemaVersion,
      created_at: createdAt,
      created_by: opts.actor,
      data_as_of: this.d.reports.dataAsOf(),
      records: {},
    };
    const total = plan.total;
    const execute = async (): Promise<Manifest> => {
      const progress = (done: number) => opts.onProgress?.(Math.min(done, total), total);
      try {
        const w = new ReportWriter(out, new Set(formats), progress, opts.signal, plan.title, opts.printRows);
        await w.write(
          documentStart({
            facts,
            title: plan.title,
            subtitle: plan.subtitle,
            tlp: plan.tlp,
            about: [
              ...plan.about,
              ['Report', facts.report_id],
              ['Written', `${new Date(createdAt).toISOString().replace('T', ' ').slice(0, 19)} UTC by ${esc(opts.actor)}`],
              ['Generator', `${esc(facts.generator.name)} ${esc(facts.generator.version)}, database schema ${facts.schema_version}`],
              ['Data as of', `alert #${facts.data_as_of.alert_id}, event #${facts.data_as_of.event_id}, audit entry #${facts.data_as_of.audit_id}`],
            ],
            toc: plan.toc,
          }),
        );
        await plan.write(w);
        await w.write(documentEnd(facts));
        await w.close();
        facts.records = { ...w.records };
        opts.signal?.throwIfAborted();
        if (engine) {
          const passes = w.printPasses();
          const t = printTemplates(facts, plan.title, plan.tlp, passes.length === 1);
          const jobs = passes.map((pass, i) => ({
            htmlPath: out.partialPath(pass),
            pdfPath: passes.length === 1 ? out.partialPath('report.pdf') : out.partialPath(`${PRINT_DIR}/pass-${i + 1}.pdf`),
            title: plan.title,
            headerTemplate: t.header,
            footerTemplate: t.footer,
            timeoutMs: pdfTimeout(total / passes.length),
            tagged: total <= TAGGED_PDF_MAX_ROWS,
          }));
          await engine.render(jobs);
          opts.signal?.throwIfAborted();
          const pdfs = jobs.map((j) => j.pdfPath);
          if (passes.length > 1) await mergePdfs(pdfs, out.partialPath('report.pdf'));
          for (const f of w.passFiles()) out.discard(f);
          out.removeDir(PRINT_DIR);
          await out.addWritten('report.pdf', 'application/pdf');
          if (!formats.includes('html')) out.discard('report.html');
        }
        opts.signal?.throwIfAborted();
        const factsFile = out.file(FACTS_NAME, 'application/json');
        await factsFile.write(`${JSON.stringify(facts, null, 2)}\n`);
        out.add(await factsFile.end());
        const manifest = buildManifest(facts, []);
        const files = await out.commit((f) => {
          manifest.files = f;
          return manifest;
        });
        this.d.reports.finish(reportId, 'done', files, null, this.d.now().toISOString());
        this.audit(opts, reportId, { state: 'done', dir: out.dir, formats, report_id: facts.report_id, files: files.length, records: facts.records });
        progress(total);
        return manifest;
      } catch (err) {
        out.abort();
        const message = err instanceof Error ? err.message : String(err);
        this.d.reports.finish(reportId, 'failed', [], message, this.d.now().toISOString());
        this.audit(opts, reportId, { state: 'failed', dir: out.dir, formats, report_id: facts.report_id, error: message });
        throw err;
      }
    };
    return { reportId, dir: out.dir, total, execute };
  }

  private audit(opts: WriteOptions, reportId: number, details: Record<string, unknown>): void {
    const onCase = opts.query.kind === 'case';
    this.d.audit.append({
      actor: opts.actor,
      action: 'report.create',
      target_type: onCase ? 'case' : 'report',
      target_id: onCase ? String((opts.query as { case_id: number }).case_id) : String(reportId),
      details: { ...details, report: reportId, query: opts.query },
    });
  }

  /** Writes a report to `dir` and resolves with its manifest (CLI, tests). */
  write(opts: WriteOptions): Promise<Manifest> {
    return this.prepare(opts).execute();
  }

  /**
   * Starts a report from the UI: written under DATA_DIR/reports/, progress as jobs.progress
   * (kind "report"). The checks run first, so a missing Chromium or case is the call's error.
   */
  start(query: ReportQuery, formats: readonly ReportFormat[], actor: string, tlp?: Tlp): { job_id: string; report_id: number; dir: string } {
    const stamp = this.d.now().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    const name = `${stamp}-${query.kind}${query.kind === 'case' ? `-${query.case_id}` : ''}`;
    let dir = path.join(this.d.reportsDir, name);
    for (let i = 2; fs.existsSync(dir); i++) dir = path.join(this.d.reportsDir, `${name}-${i}`);
    const job_id = crypto.randomUUID();
    let last = 0;
    const run = this.prepare({
      query,
      formats,
      dir,
      actor,
      tlp,
      onProgress: (done, total) => {
        const t = Date.now();
        if (t - last < 100) return;
        last = t;
        this.d.bus.emit('jobs.progress', { job_id, kind: 'report', done, total, state: 'running', message: null });
      },
    });
    this.d.bus.emit('jobs.progress', { job_id, kind: 'report', done: 0, total: run.total, state: 'running', message: null });
    run.execute().then(
      () => this.d.bus.emit('jobs.progress', { job_id, kind: 'report', done: run.total, total: run.total, state: 'done', message: `Report written to ${run.dir}` }),
      (err: unknown) => {
        const message = err instanceof Error ? err.message : String(err);
        this.d.logger.error('report failed', { report: run.reportId, error: message });
        this.d.bus.emit('jobs.progress', { job_id, kind: 'report', done: 0, total: run.total, state: 'failed', message });
      },
    );
    return { job_id, report_id: run.reportId, dir: run.dir };
  }

  list(limit: number, caseId?: number): ReportRecord[] {
    return this.d.reports.list(limit, caseId);
  }

  get(id: number): ReportRecord {
    const r = this.d.reports.get(id);
    if (!r) throw new ContractError('NOT_FOUND', `report ${id} does not exist`);
    return r;
  }

  verify(id: number): Promise<VerifyResult> {
    return verifyReport(this.get(id).dir);
  }
}
