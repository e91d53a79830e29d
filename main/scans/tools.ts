import type { ScanFinding } from '../contract/connectors.js';
import type { ScanChoices, ScanOptions } from '../contract/scans.js';
import { mapFindings } from '../connectors/findings.js';
import { SpiderFootConnector } from '../connectors/spiderfoot/connector.js';
import { SF_FINAL_STATUSES } from '../connectors/spiderfoot/model.js';
import { connectorFailure, type Connector } from '../connectors/types.js';
import { zapAlertToFinding } from '../connectors/zap/alerts.js';
import { ZapConnector } from '../connectors/zap/connector.js';
import { GvmConnector } from '../connectors/gvm/connector.js';
import { GvmScanTool } from './gvm.js';

/**
 * How the app drives each scanner, one step at a time (the poller calls `poll` every few
 * seconds; nothing here waits for a scan to end, so a restart resumes from the stored state).
 * State is plain JSON stored with the scan: the tool's ids and the phase.
 */

export type ToolState = Record<string, unknown> & { phase: string };

export interface PollOutcome {
  state: ToolState;
  /** 0-100, or null when the tool gives no percentage. */
  progress: number | null;
  /** Changes whenever the work moves on (stall detection). */
  mark: string;
  note: string;
  /** 'import': the tool is done, read the results; `failed` says the tool itself failed the scan. */
  next?: 'import';
  toolError?: string;
}

export interface ImportStep {
  findings: ScanFinding[];
  /** How many of `findings` are new to this import (default all): a resumed stream upserts again what it had. */
  counted?: number;
  rejected: { reason: string }[];
  /** Said in the scan's log when the import is done (e.g. the filter the tool was asked with). */
  note?: string;
  /** Where the next step starts; null with done. */
  cursor: unknown;
  done: boolean;
}

export interface ScanTool {
  /** Checks the target and starts the scan; the first state. */
  start(target: string, options: ScanOptions, signal?: AbortSignal): Promise<{ state: ToolState; note: string }>;
  poll(target: string, options: ScanOptions, state: ToolState, signal?: AbortSignal): Promise<PollOutcome>;
  /** Asks the tool to stop; the poller then imports what was found. */
  stop(state: ToolState, signal?: AbortSignal): Promise<string>;
  importStep(target: string, state: ToolState, cursor: unknown, signal?: AbortSignal): Promise<ImportStep>;
  /** Resumes a stopped or interrupted scan on the tool (tools that can). */
  resume?(state: ToolState, signal?: AbortSignal): Promise<{ state: ToolState; note: string }>;
  /** What the tool offers for a new scan, listed from the server (tools that have choices). */
  choices?(signal?: AbortSignal): Promise<ScanChoices>;
  /** Releases what an import left open (called after every import run). */
  close?(): void;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function httpUrl(target: string): string {
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    throw connectorFailure('invalid_config', `ZAP scans a URL (http:// or https://); "${target}" is not one`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw connectorFailure('invalid_config', `ZAP scans http and https URLs, not ${u.protocol}`);
  return target;
}

/**
 * ZAP: the spider (0-40 %), then the active scan (40-90 %), then ZAP's passive backlog drained
 * (90 %) before the alerts are read: alerts read earlier would be incomplete. Alerts are read a
 * page at a time (`alertPageSize`), filtered to the target URL.
 */
export class ZapScanTool implements ScanTool {
  constructor(private readonly zap: ZapConnector) {}

  private get client() {
    return this.zap.client;
  }

  async start(target: string, options: ScanOptions, signal?: AbortSignal): Promise<{ state: ToolState; note: string }> {
    const url = httpUrl(target);
    const o = zapOptions(options);
    if (o.spider) {
      const id = await this.client.spiderScan(url, { subtreeOnly: o.subtreeOnly, maxChildren: o.maxChildren }, signal);
      return { state: { phase: 'spider', spider: id }, note: `spider ${id} started on ${url}` };
    }
    if (o.activeScan) return { state: await this.startActive(url, o, signal), note: `active scan started on ${url}` };
    await this.client.accessUrl(url, {}, signal);
    return { state: { phase: 'passive' }, note: `${url} accessed; waiting for the passive scanner` };
  }

  private async startActive(url: string, o: ZapOptions, signal?: AbortSignal): Promise<ToolState> {
    // ZAP refuses a URL that is not in its Sites tree (url_not_found): put it there first
    if (!o.spider) await this.client.accessUrl(url, {}, signal);
    const id = await this.client.activeScan(url, { recurse: true, inScopeOnly: false, ...(o.scanPolicyName ? { scanPolicyName: o.scanPolicyName } : {}) }, signal);
    return { phase: 'ascan', ascan: id };
  }

  async poll(target: string, options: ScanOptions, state: ToolState, signal?: AbortSignal): Promise<PollOutcome> {
    const o = zapOptions(options);
    if (state.phase === 'spider') {
      const p = await this.client.scanStatus('spider', str(state.spider), signal);
      const span = o.activeScan ? 40 : 90;
      if (p < 100 || state.stopRequested) {
        return { state, progress: (p * span) / 100, mark: `spider:${p}`, note: `spider ${p}%`, ...(state.stopRequested ? { next: 'import' as const } : {}) };
      }
      if (o.activeScan) {
        const next = await this.startActive(httpUrl(target), o, signal);
        return { state: next, progress: 40, mark: 'ascan:0', note: `spider done; active scan ${str(next.ascan)} started` };
      }
      return { state: { ...state, phase: 'passive' }, progress: 90, mark: 'passive:start', note: 'spider done; waiting for the passive scanner' };
    }
    if (state.phase === 'ascan') {
      const p = await this.client.scanStatus('ascan', str(state.ascan), signal);
      if (p < 100 && !state.stopRequested) return { state, progress: 40 + p / 2, mark: `ascan:${p}`, note: `active scan ${p}%` };
      if (state.stopRequested) return { state, progress: 40 + p / 2, mark: `ascan:${p}`, note: 'active scan stopped', next: 'import' };
      return { state: { ...state, phase: 'passive' }, progress: 90, mark: 'passive:start', note: 'active scan done; waiting for the passive scanner' };
    }
    // passive: alerts are complete once the backlog is empty
    const n = await this.client.recordsToScan(signal);
    const note = `passive scan backlog: ${n} record${n === 1 ? '' : 's'}`;
    return { state, progress: 90, mark: `passive:${n}`, note, ...(n === 0 || state.stopRequested ? { next: 'import' as const } : {}) };
  }

  async stop(state: ToolState, signal?: AbortSignal): Promise<string> {
    if (state.phase === 'spider' || state.phase === 'ascan') {
      const kind = state.phase;
      await this.client.stopScan(kind, str(state[kind]), signal);
      return `${kind === 'spider' ? 'spider' : 'active scan'} ${str(state[kind])} stopped`;
    }
    return 'no ZAP scan was running; the alerts found so far are imported';
  }

  async importStep(target: string, _state: ToolState, cursor: unknown, signal?: AbortSignal): Promise<ImportStep> {
    const start = typeof cursor === 'object' && cursor !== null && typeof (cursor as { start?: unknown }).start === 'number' ? (cursor as { start: number }).start : 1;
    const size = this.zap.config.alertPageSize;
    const page = await this.client.alertsPage({ baseUrl: httpUrl(target) }, start, size, signal);
    const mapped = mapFindings(page.alerts, zapAlertToFinding);
    const rejected = [...mapped.rejected.map((r) => ({ reason: r.reason })), ...Array.from({ length: page.malformed }, () => ({ reason: 'a ZAP alert without the expected shape' }))];
    const done = page.listed < size;
    return { findings: mapped.findings, rejected, cursor: done ? null : { start: start + size }, done };
  }
}

type ZapOptions = Extract<ScanOptions, { tool: 'zap' }>;
function zapOptions(o: ScanOptions): ZapOptions {
  if (o.tool !== 'zap') throw connectorFailure('invalid_config', `options for ${o.tool} given to a ZAP scan`);
  return o;
}

/**
 * SpiderFoot: no percentage (the progress shown is its status and the number of events so far,
 * which is what stall detection watches); once FINISHED, ABORTED or ERROR-FAILED, its events and
 * correlations are read (SpiderFoot does not page them).
 */
export class SpiderFootScanTool implements ScanTool {
  constructor(private readonly sf: SpiderFootConnector) {}

  async start(target: string, options: ScanOptions, signal?: AbortSignal): Promise<{ state: ToolState; note: string }> {
    if (options.tool !== 'spiderfoot') throw connectorFailure('invalid_config', `options for ${options.tool} given to a SpiderFoot scan`);
    const id = await this.sf.client.startScan(
      { name: `Vigil: ${target}`.slice(0, 200), target, modules: options.modules, types: options.types, ...(options.useCase ? { useCase: options.useCase } : {}) },
      signal,
    );
    return { state: { phase: 'scan', scan: id }, note: `SpiderFoot scan ${id} started` };
  }

  async poll(_target: string, _options: ScanOptions, state: ToolState, signal?: AbortSignal): Promise<PollOutcome> {
    const id = str(state.scan);
    const s = await this.sf.client.scanStatus(id, signal);
    if (!s) throw connectorFailure('http_error', `SpiderFoot no longer knows scan ${id} (deleted on the server?)`);
    if (SF_FINAL_STATUSES.includes(s.status)) {
      return {
        state,
        progress: null,
        mark: s.status,
        note: s.status,
        next: 'import',
        ...(s.status === 'ERROR-FAILED' ? { toolError: `SpiderFoot ended the scan with ERROR-FAILED (see the scan log in SpiderFoot)` } : {}),
      };
    }
    const events = (await this.sf.client.scanSummary(id, signal)).items.reduce((n, r) => n + r.total, 0);
    return { state, progress: null, mark: `${s.status}/${events}`, note: `${s.status}, ${events} event${events === 1 ? '' : 's'}` };
  }

  async stop(state: ToolState, signal?: AbortSignal): Promise<string> {
    const r = await this.sf.client.stopScan(str(state.scan), signal);
    return r.stopped ? `SpiderFoot scan ${str(state.scan)}: abort requested` : `SpiderFoot: ${r.reason}`;
  }

  async importStep(_target: string, state: ToolState, _cursor: unknown, signal?: AbortSignal): Promise<ImportStep> {
    const r = await this.sf.client.findings(str(state.scan), signal ? { signal } : {});
    const rejected = [...r.rejected.map((x) => ({ reason: x.reason })), ...Array.from({ length: r.malformed }, () => ({ reason: 'a SpiderFoot row without the expected shape' }))];
    return { findings: r.findings, rejected, cursor: null, done: true };
  }
}

/** The scan driver of a live connector, or why it cannot scan. */
export function scanToolFor(connector: Connector): ScanTool {
  if (connector instanceof ZapConnector) return new ZapScanTool(connector);
  if (connector instanceof SpiderFootConnector) return new SpiderFootScanTool(connector);
  if (connector instanceof GvmConnector) return new GvmScanTool(connector);
  throw connectorFailure('invalid_config', `${connector.describe().name} (${connector.kind}) is not a scanner Vigil can start scans on (Greenbone, ZAP, SpiderFoot)`);
}
