import crypto from 'node:crypto';
import { BUILTIN_SCANNERS, NVTS } from './catalogue.js';
import { isoNow } from './xml.js';

/**
 * What the simulated gvmd knows: targets, tasks, reports and their results, and how a task moves
 * on. Time is counted in polls, not milliseconds: each `<get_tasks>` naming a task moves that task
 * one step (Requested → Queued → Running with progress → Processing → Done), so tests are
 * deterministic and never wait on a clock.
 */

export interface SimResult {
  id: string;
  oid: string;
  host: string;
  hostname: string;
  assetId: string;
  port: string;
  severity: number;
  qod: number;
  qodType: string;
  description: string;
  created: string;
}

export interface SimReport {
  id: string;
  taskId: string;
  created: string;
  scanStart: string;
  scanEnd: string;
  runStatus: string;
  /** Results given by an import (create_report). */
  imported: SimResult[] | null;
  /** Results made on demand (scans): how many the finished report holds. */
  generated: number;
  /** Host details given by an import. */
  hosts: { ip: string; start: string; end: string }[];
  errors: string[];
}

export interface SimTask {
  id: string;
  name: string;
  comment: string;
  configId: string;
  targetId: string;
  scannerId: string;
  created: string;
  modified: string;
  status: string;
  progress: number;
  container: boolean;
  reportIds: string[];
  currentReportId: string | null;
  lastReportId: string | null;
  preferences: { scannerName: string; value: string }[];
  /** Polls left before an import finishes processing. */
  importPolls: number;
}

export interface SimTarget {
  id: string;
  name: string;
  hosts: string;
  excludeHosts: string;
  portListId: string;
  aliveTests: string;
  comment: string;
}

export interface SimNamed {
  id: string;
  name: string;
  comment: string;
  created: string;
  owner: string;
}

export interface SimPortList extends SimNamed {
  tcp: number;
  udp: number;
  predefined: boolean;
}

export interface SimConfig extends SimNamed {
  predefined: boolean;
}

/** Severity letter of gvmd's `levels` filter. */
export function levelOf(severity: number): string {
  if (severity >= 9) return 'c';
  if (severity >= 7) return 'h';
  if (severity >= 4) return 'm';
  if (severity > 0) return 'l';
  if (severity === 0) return 'g';
  return severity === -1 ? 'f' : 'e';
}

export function threatOf(severity: number): string {
  return { c: 'Critical', h: 'High', m: 'Medium', l: 'Low', g: 'Log', f: 'False Positive', e: 'Error' }[levelOf(severity)]!;
}

const hex12 = (n: number) => n.toString(16).padStart(12, '0');

/** The i-th result of a generated report: a stable id, hosts spread over 10.x.y.z, NVTs in turn. */
export function generatedResult(report: SimReport, i: number): SimResult {
  const nvt = NVTS[i % NVTS.length]!;
  const h = Math.floor(i / NVTS.length);
  const host = `10.${(h >> 16) & 255}.${(h >> 8) & 255}.${h & 255}`;
  return {
    id: `${report.id.slice(0, 24)}${hex12(i)}`,
    oid: nvt.oid,
    host,
    hostname: `host-${h}.lab.example`,
    assetId: `a55e7000-0000-4000-8000-${hex12(h)}`,
    port: nvt.port,
    severity: nvt.severity,
    qod: nvt.qod,
    qodType: nvt.qodType,
    description: `${nvt.description} [#${i}]`,
    created: report.scanEnd || report.created,
  };
}

export class SimState {
  readonly targets = new Map<string, SimTarget>();
  readonly tasks = new Map<string, SimTask>();
  readonly reports = new Map<string, SimReport>();
  readonly portLists = new Map<string, SimPortList>();
  readonly configs = new Map<string, SimConfig>();
  /** Steps of progress per poll while Running. */
  progressStep = 25;
  /** Results in the report of each scan that finishes. */
  reportSize = 12;
  /** Polls an imported report stays Running before Done. */
  importPolls = 2;
  /** A Running task whose progress reaches this stays there (the stall fault). */
  stallAtProgress: number | null = null;

  constructor(readonly feed: boolean) {}

  newId(): string {
    return crypto.randomUUID();
  }

  /** Visible results of a report (a running scan shows the share its progress has reached). */
  resultCount(report: SimReport): number {
    if (report.imported) return report.imported.length;
    const task = this.tasks.get(report.taskId);
    if (report.runStatus === 'Running' && task) return Math.floor((report.generated * Math.max(0, task.progress)) / 100);
    return report.runStatus === 'Done' || report.runStatus === 'Processing' || report.runStatus === 'Stopped' ? report.generated : 0;
  }

  resultAt(report: SimReport, i: number): SimResult {
    return report.imported ? report.imported[i]! : generatedResult(report, i);
  }

  *results(report: SimReport): Generator<SimResult> {
    const n = this.resultCount(report);
    for (let i = 0; i < n; i++) yield this.resultAt(report, i);
  }

  /** start_task / resume_task: a report to write and the first state. */
  start(task: SimTask, resume: boolean): SimReport {
    let report = resume && task.currentReportId ? this.reports.get(task.currentReportId) : undefined;
    if (!report) {
      const now = isoNow();
      report = { id: this.newId(), taskId: task.id, created: now, scanStart: '', scanEnd: '', runStatus: 'Requested', imported: null, generated: 0, hosts: [], errors: [] };
      this.reports.set(report.id, report);
      task.reportIds.push(report.id);
      task.progress = -1;
    }
    task.currentReportId = report.id;
    if (!this.feed) {
      // What gvmd does without a feed: the scanner exits at once; progress 0, not -1.
      task.status = 'Interrupted';
      task.progress = 0;
      report.runStatus = 'Interrupted';
      report.scanEnd = isoNow();
      report.errors = ['Exiting because VT list is empty (e.g. feed not synced yet)', 'Interrupting scan because GVM is exiting.'];
    } else {
      task.status = 'Requested';
      report.runStatus = 'Requested';
    }
    return report;
  }

  stop(task: SimTask): void {
    if (['Requested', 'Queued', 'Running'].includes(task.status)) task.status = 'Stop Requested';
  }

  /** One poll's worth of progress. */
  advance(task: SimTask): void {
    const report = task.currentReportId ? this.reports.get(task.currentReportId) : undefined;
    if (!report) return;
    if (task.container) {
      if (task.status === 'Running' && task.importPolls-- <= 0) this.finish(task, report);
      return;
    }
    switch (task.status) {
      case 'Requested':
        task.status = 'Queued';
        report.runStatus = 'Queued';
        break;
      case 'Queued':
        task.status = 'Running';
        task.progress = Math.max(0, task.progress);
        report.runStatus = 'Running';
        report.scanStart ||= isoNow();
        report.generated = this.reportSize;
        break;
      case 'Running':
        if (this.stallAtProgress !== null && task.progress >= this.stallAtProgress) break;
        task.progress = Math.min(100, task.progress + this.progressStep);
        if (this.stallAtProgress !== null) task.progress = Math.min(task.progress, this.stallAtProgress);
        if (task.progress >= 100) {
          task.status = 'Processing';
          task.progress = -1;
          report.runStatus = 'Processing';
        }
        break;
      case 'Processing':
        this.finish(task, report);
        break;
      case 'Stop Requested':
        task.status = 'Stopped';
        report.runStatus = 'Stopped';
        report.scanEnd = isoNow();
        break;
    }
  }

  private finish(task: SimTask, report: SimReport): void {
    task.status = 'Done';
    task.progress = -1;
    report.runStatus = 'Done';
    report.scanEnd ||= isoNow();
    task.lastReportId = report.id;
    task.currentReportId = null;
  }

  /** Imported results: unknown NVTs keep their OID as name, as gvmd does without that NVT. */
  importResult(r: Omit<SimResult, 'id' | 'assetId' | 'created'>, assets: Map<string, string>): SimResult {
    if (!assets.has(r.host)) assets.set(r.host, this.newId());
    return { ...r, id: this.newId(), assetId: assets.get(r.host)!, created: isoNow() };
  }

  scannerName(id: string): { name: string; type: number } | undefined {
    return BUILTIN_SCANNERS.find((s) => s.id === id);
  }
}
