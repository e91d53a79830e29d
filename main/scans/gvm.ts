import type { ScanFinding } from '../contract/connectors.js';
import { GMP_ALIVE_TESTS, gvmTargetProblem, type ScanChoice, type ScanChoices, type ScanOptions } from '../contract/scans.js';
import type { GmpClient, GmpResultsSummary } from '../connectors/gvm/client.js';
import { gmpFailure, type GvmConnector } from '../connectors/gvm/connector.js';
import { gmpResultToFinding } from '../connectors/gvm/finding.js';
import type { GmpResult, GmpTask } from '../connectors/gvm/model.js';
import { connectorFailure } from '../connectors/types.js';
import type { ImportStep, PollOutcome, ScanTool, ToolState } from './tools.js';

/**
 * Greenbone over GMP, one step at a time like the other scanners:
 *   start   lists the server's scan configs, port lists and scanners (the options name them by
 *           id or name; never a hard-coded id), creates a target and a task, starts the task;
 *   poll    reads the task: completion is decided from its status (Done, Stopped, Interrupted),
 *           never from progress, which gvmd reports as -1 whenever it is not scanning (Requested,
 *           Queued, Processing: the results are being written, so not done yet);
 *   stop    stop_task; the poller imports once gvmd says Stopped;
 *   resume  resume_task on a stopped or interrupted task: the same report goes on;
 *   import  the report's results streamed with an explicit filter (QoD floor, levels, false
 *           positives out), a page of findings (GVM_IMPORT_PAGE) per transaction; the committed cursor counts the
 *           results consumed, so an import cut off mid-report starts the stream again and
 *           upserts what it had (finding keys are stable) without counting it twice.
 */

/**
 * Results per import transaction. Small on purpose: 500 per page made a 100,000-result import grow
 * RSS by ~170 MB (heap peaking near 103 MB: pages of findings with their raw results outlived young
 * collections), 100 per page by ~90 MB (heap 37 MB) in the same time (bench:gvm --through app).
 */
export const GVM_IMPORT_PAGE = 100;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** gvmd's own names for the choices a scan gets when it names none. */
const PREFERRED = { scan_config: 'Full and fast', port_list: 'All IANA assigned TCP', scanner: 'OpenVAS Default' } as const;

type GvmOptions = Extract<ScanOptions, { tool: 'gvm' }>;
function gvmOptions(o: ScanOptions): GvmOptions {
  if (o.tool !== 'gvm') throw connectorFailure('invalid_config', `options for ${o.tool} given to a Greenbone scan`);
  return o;
}

/** The server's own default: the entity with gvmd's usual name, else the first it lists. */
function preferredOf(list: readonly ScanChoice[], name: string): ScanChoice | undefined {
  return list.find((x) => x.name === name) ?? list[0];
}

/** The entity named by id or exact name (case-insensitive); else the server's default (preferredOf). */
function pick(list: readonly ScanChoice[], wanted: string | null, preferred: string, what: string): ScanChoice {
  if (wanted) {
    const w = wanted.trim().toLowerCase();
    const hit = list.find((x) => x.id.toLowerCase() === w) ?? list.find((x) => x.name.toLowerCase() === w);
    if (hit) return hit;
    const names = list.map((x) => `"${x.name}"`).join(', ');
    throw connectorFailure('invalid_config', `gvmd has no ${what} "${wanted}"${list.length ? `; it lists ${names}` : ''}`);
  }
  const dflt = preferredOf(list, preferred);
  if (!dflt) throw connectorFailure('invalid_config', `gvmd lists no ${what}: its feed has not been synced yet (greenbone-feed-sync), so it cannot scan`);
  return dflt;
}

const choice = (x: { id: string; name: string; comment: string }): ScanChoice => ({ id: x.id, name: x.name, comment: x.comment });

/** Percent, from the task; gvmd's -1 (not scanning) keeps the last figure shown. */
function progressOf(task: GmpTask, state: ToolState): number | null {
  if (task.progress !== null) return task.progress;
  return typeof state.lastProgress === 'number' ? state.lastProgress : null;
}

/** A GVM import cursor (see importStep); anything else is the start. */
function importCursor(cursor: unknown): { seen: number; upto: number } {
  const c = typeof cursor === 'object' && cursor !== null ? (cursor as { seen?: unknown; upto?: unknown }) : {};
  const seen = typeof c.seen === 'number' && c.seen >= 0 ? c.seen : 0;
  const upto = typeof c.upto === 'number' && c.upto >= seen ? c.upto : seen;
  return { seen, upto };
}

export class GvmScanTool implements ScanTool {
  private stream: { gen: AsyncGenerator<GmpResult, unknown>; position: number; invalid: { at: number; reason: string }[]; release(): void } | null = null;

  constructor(private readonly gvm: GvmConnector) {}

  private get client(): GmpClient {
    return this.gvm.client;
  }

  private async gmp<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw gmpFailure(err, this.gvm.config.name);
    }
  }

  async choices(): Promise<ScanChoices> {
    const [configs, ports, scanners] = await this.gmp(() => Promise.all([this.client.listScanConfigs(), this.client.listPortLists(), this.client.listScanners()]));
    const scan_configs = configs.map(choice);
    const port_lists = ports.map(choice);
    // OpenVAS scanners (type 2) scan hosts; the CVE scanner (3) works from stored results only
    const scannersOf = scanners.filter((s) => s.type === null || s.type === 2).map(choice);
    const dflt = (list: ScanChoice[], name: string) => preferredOf(list, name)?.id ?? null;
    return {
      tool: 'gvm',
      scan_configs,
      port_lists,
      scanners: scannersOf,
      alive_tests: [...GMP_ALIVE_TESTS],
      defaults: { scan_config: dflt(scan_configs, PREFERRED.scan_config), port_list: dflt(port_lists, PREFERRED.port_list), scanner: dflt(scannersOf, PREFERRED.scanner) },
    };
  }

  async start(target: string, options: ScanOptions): Promise<{ state: ToolState; note: string }> {
    const o = gvmOptions(options);
    const problem = gvmTargetProblem(target);
    if (problem) throw connectorFailure('invalid_config', problem);
    const c = await this.choices();
    const config = pick(c.scan_configs, o.scanConfig, PREFERRED.scan_config, 'scan config');
    const ports = pick(c.port_lists, o.portList, PREFERRED.port_list, 'port list');
    const scanner = pick(c.scanners, o.scanner, PREFERRED.scanner, 'scanner');
    const stamp = new Date().toISOString(); // gvmd wants target names unique
    const hosts = target
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const targetId = await this.gmp(() =>
      this.client.createTarget({ name: `Vigil ${hosts.join(',').slice(0, 180)} ${stamp}`, hosts, portListId: ports.id, ...(o.aliveTest ? { aliveTests: o.aliveTest } : {}), comment: 'Created by Vigil' }),
    );
    const taskId = await this.gmp(() => this.client.createTask({ name: `Vigil: ${target.slice(0, 200)} ${stamp}`, configId: config.id, targetId, scannerId: scanner.id, comment: 'Started from Vigil' }));
    const reportId = await this.gmp(() => this.client.startTask(taskId));
    return {
      state: { phase: 'task', task: taskId, report: reportId, gvm_target: targetId, scanConfig: config.name, portList: ports.name, scannerName: scanner.name },
      note: `task ${taskId} started (scan config "${config.name}", port list "${ports.name}", scanner "${scanner.name}"); report ${reportId}`,
    };
  }

  async poll(_target: string, _options: ScanOptions, state: ToolState): Promise<PollOutcome> {
    const task = await this.gmp(() => this.client.getTask(str(state.task)));
    // Processing: the scan is over and gvmd writes the results (progress -1): not done, nothing left to scan
    const progress = task.status === 'Processing' ? 100 : progressOf(task, state);
    const next: ToolState = { ...state, status: task.status, ...(task.progress !== null ? { lastProgress: task.progress } : {}) };
    const report = task.currentReport?.id ?? task.lastReport?.id ?? null;
    if (report && report !== state.report) next.report = report;
    const results = task.resultCount;
    const mark = `${task.status}:${task.rawProgress}:${results ?? ''}`;
    const found = results !== null ? `, ${results} result${results === 1 ? '' : 's'} so far` : '';
    switch (task.state) {
      case 'done':
        return { state: next, progress: 100, mark, note: 'Done', next: 'import' };
      case 'stopped':
        return { state: { ...next, stopRequested: true }, progress, mark, note: state.stopRequested ? 'Stopped' : 'Stopped on the server', next: 'import' };
      case 'interrupted':
        return {
          state: next,
          progress,
          mark,
          note: 'Interrupted',
          next: 'import',
          toolError: 'gvmd interrupted the task (a scanner failure, a missing feed or a gvmd restart); it can be resumed',
        };
      case 'deleting':
        return { state: next, progress, mark, note: task.status, next: 'import', toolError: `the task is being deleted on gvmd (${task.status})` };
      default: {
        const words =
          task.status === 'Processing'
            ? 'Processing (gvmd is writing the results)'
            : task.status === 'Running'
              ? `Running ${task.progress ?? 0}%`
              : state.stopRequested
                ? `${task.status} (stop requested)`
                : task.status;
        return { state: next, progress, mark, note: `${words}${found}` };
      }
    }
  }

  async stop(state: ToolState): Promise<string> {
    await this.gmp(() => this.client.stopTask(str(state.task)));
    return `stop requested for task ${str(state.task)}; the results are imported once gvmd has stopped it`;
  }

  async resume(state: ToolState): Promise<{ state: ToolState; note: string }> {
    const report = await this.gmp(() => this.client.resumeTask(str(state.task)));
    const next: ToolState = { ...state, phase: 'task', report };
    for (const k of ['stopRequested', 'toolError', 'status']) delete next[k];
    return { state: next, note: `task ${str(state.task)} resumed; report ${report}` };
  }

  /**
   * The next page of the report, from the committed cursor: `seen`, the results this stream has
   * consumed, and `upto`, the most any stream of this import consumed (and counted). A stream
   * started again replays from the first result: what it reads up to `upto` is upserted again
   * (finding keys are stable) but not counted twice.
   */
  async importStep(_target: string, state: ToolState, cursor: unknown): Promise<ImportStep> {
    const at = importCursor(cursor);
    if (this.stream && this.stream.position !== at.seen) this.close();
    if (!this.stream) {
      const report = str(state.report);
      if (!report) throw connectorFailure('invalid_config', `task ${str(state.task)} has no report to import`);
      const { client, release } = this.gvm.importClient();
      const stream: NonNullable<GvmScanTool['stream']> = { gen: null!, position: 0, invalid: [], release };
      // a result that fails validation is not yielded: it belongs after the results read so far
      stream.gen = client.results(report, { ...this.gvm.resultsFilter(), onInvalid: (i) => stream.invalid.push({ at: stream.position, reason: `result ${i.id ?? '?'}: ${i.reason}` }) });
      this.stream = stream;
    }
    const s = this.stream;
    const findings: ScanFinding[] = [];
    let counted = 0;
    const rejectedFrom = s.invalid.length;
    let done = false;
    let summary: GmpResultsSummary | null = null;
    try {
      while (findings.length < GVM_IMPORT_PAGE) {
        const r = await s.gen.next();
        if (r.done) {
          done = true;
          summary = r.value as GmpResultsSummary;
          break;
        }
        s.position++;
        const f = gmpResultToFinding(r.value);
        if (!f) continue;
        findings.push(f);
        // results up to `upto` were counted by an earlier stream of this import: upserted again, not counted
        if (s.position > at.upto) counted++;
      }
    } catch (err) {
      this.close();
      throw gmpFailure(err, this.gvm.config.name);
    }
    // a replayed part's rejects were counted by the import that was cut off
    const rejected = s.invalid
      .slice(rejectedFrom)
      .filter((x) => x.at >= at.upto)
      .map((x) => ({ reason: x.reason }));
    if (done) this.close();
    return {
      findings,
      counted,
      rejected,
      cursor: done ? null : { seen: s.position, upto: Math.max(at.upto, s.position) },
      done,
      ...(summary
        ? {
            note: `read ${summary.yielded} result${summary.yielded === 1 ? '' : 's'} of report ${str(state.report)}${summary.expected !== null ? ` (gvmd counts ${summary.expected})` : ''} with the filter "${summary.filter}": QoD ≥ ${this.gvm.config.minQod}, ${this.gvm.config.includeLog ? 'critical to log' : 'critical to low'}, false positives left out`,
          }
        : {}),
    };
  }

  /** Ends a results stream left open (an import that stopped between pages). */
  close(): void {
    const s = this.stream;
    this.stream = null;
    if (!s) return;
    void s.gen.return(undefined).catch(() => undefined);
    s.release();
  }
}
