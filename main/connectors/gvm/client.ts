import { GmpConnection } from './connection.js';
import { cmd, type CreateTargetInput, type CreateTaskInput, type ResultsFilterInput } from './commands.js';
import { GmpClientConfigSchema, type GmpClientConfig, type GmpClientConfigInput, type GmpCredentialSource, type GmpLogger } from './config.js';
import {
  GmpAuthError,
  GmpConfigError,
  GmpConnectionLostError,
  GmpError,
  GmpProtocolError,
  GmpStatusError,
  GmpTaskStalledError,
  GmpUntrustedCertificateError,
  type GmpErrorCode,
} from './errors.js';
import {
  parseCount,
  parsePortList,
  parseResult,
  parseScanConfig,
  parseScanner,
  parseTask,
  type GmpPortList,
  type GmpResult,
  type GmpScanConfig,
  type GmpScanner,
  type GmpTask,
} from './model.js';
import type { Disposition } from './reader.js';
import { describeTarget, openStream } from './transport.js';
import { child, children, num, textAt, type XNode } from './xml.js';

/**
 * A GMP client for one gvmd. Commands are queued and run one at a time on one connection (gvmd
 * reads a socket strictly in order; the session belongs to the socket). The connection is opened
 * on first use and again after it drops; each new connection authenticates again with credentials
 * asked from the credential source right then.
 *
 * Retries, at most once per call:
 *   - gvmd answered `<gmp_response status="400">` "... before AUTHENTICATE" (it forgot the session,
 *     e.g. after a restart) and closed the socket: reconnect, re-authenticate, send again;
 *   - the socket dropped during a read-only command (get_*) before its reply was complete.
 * Commands that change something (create, start, stop, resume, delete) are never re-sent after a
 * drop: the error says `maybeApplied`.
 */

export interface GmpAuthInfo {
  role: string;
  timezone: string;
}

/** Outcome of "test connection", for the connectors screen. */
export type GmpTestOutcome =
  | { ok: true; version: string; role: string; timezone: string; target: string }
  | { ok: false; code: GmpErrorCode | 'unknown'; message: string; target: string; fingerprint256?: string; status?: number };

export interface WaitForTaskOptions {
  /** Between polls (default 30 s). */
  intervalMs?: number;
  /** Fail with GmpTaskStalledError after this many polls with the same status and progress while active (default 240, 2 h at 30 s). */
  stallAfterPolls?: number;
  signal?: AbortSignal;
  onUpdate?: (task: GmpTask) => void;
}

/** A result gvmd sent that failed validation; the import goes on without it. */
export interface GmpInvalidResult {
  id: string | null;
  reason: string;
}

export interface ResultsOptions extends ResultsFilterInput {
  onInvalid?: (issue: GmpInvalidResult) => void;
}

/** Returned by the results generator when it completes. */
export interface GmpResultsSummary {
  reportId: string;
  /** The filter string sent (says which QoD and levels were included). */
  filter: string;
  yielded: number;
  invalid: number;
  /** gvmd's own count of results matching the filter, when it sent one. */
  expected: number | null;
  scanRunStatus: string | null;
}

interface Exec {
  command: string;
  xml: string;
  needsAuth: boolean;
  /** Safe to send again after a drop. */
  idempotent: boolean;
}

const LIST_PAGE = 1000;
const REPORT_KEEP = new Set(['scan_run_status', 'result_count', 'timestamp', 'scan_start', 'scan_end', 'results']);

/** Keeps the report skeleton, emits each result, skips everything else (ports, hosts, errors, filters...). */
function reportDisposition(names: readonly string[]): Disposition {
  // names[0] is the root; names[1] the outer <report>, names[2] the inner one (the nested-report quirk)
  if (names.length === 2) return names[1] === 'report' ? 'keep' : 'skip';
  if (names.length === 3) return names[2] === 'report' ? 'keep' : 'skip';
  if (names.length === 4) return REPORT_KEEP.has(names[3]!) ? 'keep' : 'skip';
  if (names.length === 5 && names[3] === 'results') return names[4] === 'result' ? 'emit' : 'skip';
  return 'keep';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function isSessionLost(root: XNode): boolean {
  const status = Number(root.attrs.status);
  return (status === 400 || status === 401) && /authenticat/i.test(root.attrs.status_text ?? '');
}

/**
 * Parsed results waiting for the consumer of a report import. Past `highWater` waiting results
 * the socket is paused (TCP then holds gvmd back); below half of it, it is resumed.
 */
class ResultBuffer {
  root: XNode | null = null;
  failure: unknown = null;
  private items: GmpResult[] = [];
  private head = 0;
  private wake: (() => void) | null = null;

  constructor(
    private readonly conn: GmpConnection,
    private readonly highWater: number,
  ) {}

  push(r: GmpResult): void {
    this.items.push(r);
    if (this.items.length - this.head >= this.highWater) this.conn.pause();
    this.signal();
  }

  end(root: XNode): void {
    this.root = root;
    this.signal();
  }

  fail(err: unknown): void {
    this.failure = err;
    this.signal();
  }

  /** The next result, or null once the reply ended (then see root / failure). */
  async next(): Promise<GmpResult | null> {
    for (;;) {
      if (this.head < this.items.length) {
        const r = this.items[this.head]!;
        this.head++;
        if (this.head >= 1024 || this.head === this.items.length) {
          this.items = this.items.slice(this.head);
          this.head = 0;
        }
        if (this.items.length < this.highWater / 2) this.conn.resume();
        return r;
      }
      if (this.root || this.failure) return null;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }

  private signal(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }
}

export class GmpClient {
  readonly config: GmpClientConfig;
  private conn: GmpConnection | null = null;
  private lock: Promise<void> = Promise.resolve();
  private auth: GmpAuthInfo | null = null;

  constructor(
    config: GmpClientConfigInput,
    private readonly credentials: GmpCredentialSource,
    private readonly logger?: GmpLogger,
  ) {
    const parsed = GmpClientConfigSchema.safeParse(config);
    if (!parsed.success) throw new GmpConfigError(`invalid GMP client config: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    this.config = parsed.data;
  }

  /** Where this client connects, for messages (`host:port` or the socket path). */
  get target(): string {
    return describeTarget(this.config.target);
  }

  /** Role and timezone from the last successful authentication. */
  get session(): GmpAuthInfo | null {
    return this.auth;
  }

  // ---------- API ----------

  /** gvmd's GMP version (works before authentication). */
  async getVersion(): Promise<string> {
    const root = await this.run({ command: 'get_version', xml: cmd.getVersion(), needsAuth: false, idempotent: true });
    const version = textAt(root, 'version');
    if (!version) throw new GmpProtocolError('get_version reply has no <version>');
    return version;
  }

  /** Authenticates now (normally done on demand). A refused login is GmpAuthError; the socket stays usable. */
  authenticate(): Promise<GmpAuthInfo> {
    return this.serial(async () => {
      const conn = await this.connection(false);
      return this.login(conn);
    });
  }

  /** Connects afresh, checks trust, reads the version and logs in; never throws. */
  async testConnection(): Promise<GmpTestOutcome> {
    const target = this.target;
    try {
      await this.serial(async () => this.dropConnection());
      const version = await this.getVersion();
      const auth = await this.authenticate();
      return { ok: true, version, role: auth.role, timezone: auth.timezone, target };
    } catch (err) {
      if (err instanceof GmpError) {
        return {
          ok: false,
          code: err.code,
          message: err.message,
          target,
          ...(err instanceof GmpUntrustedCertificateError ? { fingerprint256: err.fingerprint256 } : {}),
          ...(err instanceof GmpStatusError ? { status: err.status } : {}),
        };
      }
      return { ok: false, code: 'unknown', message: err instanceof Error ? err.message : String(err), target };
    }
  }

  /** Scan configs (usage type scan): names and ids as this gvmd has them. Empty before the first feed sync. */
  listScanConfigs(): Promise<GmpScanConfig[]> {
    return this.listAll('get_configs', 'config', ' usage_type="scan"', parseScanConfig);
  }

  listPortLists(): Promise<GmpPortList[]> {
    return this.listAll('get_port_lists', 'port_list', '', parsePortList);
  }

  listScanners(): Promise<GmpScanner[]> {
    return this.listAll('get_scanners', 'scanner', '', parseScanner);
  }

  /** Creates a target; resolves with its id. */
  async createTarget(input: CreateTargetInput): Promise<string> {
    return this.createdId(await this.run({ command: 'create_target', xml: cmd.createTarget(input), needsAuth: true, idempotent: false }));
  }

  /** Creates a scan task; resolves with its id. */
  async createTask(input: CreateTaskInput): Promise<string> {
    return this.createdId(await this.run({ command: 'create_task', xml: cmd.createTask(input), needsAuth: true, idempotent: false }));
  }

  /** Starts a task; resolves with the id of the report it writes. */
  async startTask(taskId: string): Promise<string> {
    return this.reportId(await this.run({ command: 'start_task', xml: cmd.taskAction('start_task', taskId), needsAuth: true, idempotent: false }));
  }

  /** Resumes a stopped or interrupted task; resolves with the report id. */
  async resumeTask(taskId: string): Promise<string> {
    return this.reportId(await this.run({ command: 'resume_task', xml: cmd.taskAction('resume_task', taskId), needsAuth: true, idempotent: false }));
  }

  async stopTask(taskId: string): Promise<void> {
    await this.run({ command: 'stop_task', xml: cmd.taskAction('stop_task', taskId), needsAuth: true, idempotent: false });
  }

  /** Deletes a task: to the trash by default, for good with `ultimate`. */
  async deleteTask(taskId: string, opts: { ultimate?: boolean } = {}): Promise<void> {
    await this.run({ command: 'delete_task', xml: cmd.deleteTask(taskId, opts.ultimate ?? false), needsAuth: true, idempotent: false });
  }

  /** One task's status, progress (-1 → null), report ids and counts. A missing task is GmpStatusError 404. */
  async getTask(taskId: string): Promise<GmpTask> {
    const root = await this.run({ command: 'get_tasks', xml: cmd.getTask(taskId), needsAuth: true, idempotent: true });
    const task = children(root, 'task').find((t) => t.attrs.id === taskId) ?? child(root, 'task');
    if (!task) throw new GmpStatusError('get_tasks', 404, `Failed to find task '${taskId}'`);
    return parseTask(task);
  }

  /**
   * Polls until the task leaves the active states (Done, Stopped, Interrupted, ...) and returns
   * that last snapshot. Completion is read from the status, never from progress. Throws
   * GmpTaskStalledError when an active task shows the same status and progress for
   * `stallAfterPolls` polls in a row.
   */
  async waitForTask(taskId: string, opts: WaitForTaskOptions = {}): Promise<GmpTask> {
    const intervalMs = opts.intervalMs ?? 30_000;
    const stallAfter = opts.stallAfterPolls ?? 240;
    let same = 0;
    let last = '';
    for (;;) {
      opts.signal?.throwIfAborted();
      const task = await this.getTask(taskId);
      opts.onUpdate?.(task);
      if (task.state !== 'active' && task.state !== 'unknown') return task;
      const key = `${task.status}|${task.rawProgress}`;
      same = key === last ? same + 1 : 0;
      last = key;
      if (same >= stallAfter) throw new GmpTaskStalledError(taskId, task.status, task.progress, same);
      await sleep(intervalMs, opts.signal);
    }
  }

  /**
   * Streams a report's results, parsed one by one while the socket is still receiving, from
   * `<get_reports details="1" ignore_pagination="1" filter="apply_overrides=0 min_qod=70
   * levels=chmlg rows=-1 ...">` (see ResultsFilterSchema for the defaults). Memory stays bounded:
   * the reply is never held whole, at most `resultsHighWater` parsed results wait for the consumer
   * (the socket is paused meanwhile). Results that fail validation go to `onInvalid` and the
   * import goes on. The connection is busy for the whole stream; breaking out of the loop early
   * closes it (the next command reconnects). A drop after results were yielded is
   * GmpConnectionLostError with `yielded` (not retried: the caller re-imports; result ids are stable).
   */
  async *results(reportId: string, opts: ResultsOptions = {}): AsyncGenerator<GmpResult, GmpResultsSummary> {
    const filter = cmd.resultsFilter(opts);
    const xml = cmd.getReportResults(reportId, filter);
    const release = await this.acquire();
    // the connection whose reply is being read, until that reply ended
    let reading: GmpConnection | undefined;
    try {
      for (let attempt = 0; ; attempt++) {
        const summary: GmpResultsSummary = { reportId, filter, yielded: 0, invalid: 0, expected: null, scanRunStatus: null };
        const conn = await this.connection(true);
        const buffer = new ResultBuffer(conn, this.config.resultsHighWater);
        reading = conn;
        conn
          .request('get_reports', xml, this.config.timeoutMs, {
            maxChars: this.config.maxReplyChars,
            decide: reportDisposition,
            onEmit: (node) => {
              const parsed = parseResult(node, reportId);
              if (parsed.ok) buffer.push(parsed.result);
              else {
                summary.invalid++;
                opts.onInvalid?.({ id: parsed.id, reason: parsed.reason });
              }
            },
          })
          .then(
            (root) => buffer.end(root),
            (err: unknown) => buffer.fail(err),
          );
        for (let r = await buffer.next(); r !== null; r = await buffer.next()) {
          summary.yielded++;
          yield r;
        }
        reading = undefined;
        if (buffer.failure) {
          const failure = buffer.failure;
          if (failure instanceof GmpConnectionLostError) {
            if (summary.yielded === 0 && attempt === 0) {
              this.logger?.warn('gmp: connection lost before any result; retrying once', { target: this.target, report: reportId });
              continue;
            }
            throw new GmpConnectionLostError('get_reports', failure.message, { maybeApplied: false, yielded: summary.yielded, cause: failure });
          }
          throw failure;
        }
        const reply = buffer.root!;
        if (this.checkReply('get_reports', reply, conn, attempt, true)) continue;
        const inner = child(child(reply, 'report'), 'report');
        if (!inner) throw new GmpProtocolError('get_reports reply has no <report><report> (is the report in XML?)');
        summary.scanRunStatus = textAt(inner, 'scan_run_status') || null;
        summary.expected = num(textAt(child(inner, 'result_count'), 'filtered'));
        return summary;
      }
    } finally {
      // the consumer stopped while the reply was still streaming: the socket cannot be reused
      reading?.close();
      release();
    }
  }

  /** Closes the connection; later calls open a new one. */
  close(): void {
    this.dropConnection();
  }

  // ---------- machinery ----------

  /** Runs fn after every earlier command finished (one command in flight per connection). */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.lock.then(fn);
    this.lock = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Holds the queue until the returned function is called (for the results stream). */
  private acquire(): Promise<() => void> {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const ready = this.lock.then(() => release);
    this.lock = this.lock.then(() => held);
    return ready;
  }

  private dropConnection(): void {
    this.conn?.close();
    this.conn = null;
  }

  private async connection(needsAuth: boolean): Promise<GmpConnection> {
    if (!this.conn || !this.conn.alive) {
      const reconnect = this.conn !== null;
      this.conn = null;
      const socket = await openStream(this.config.target, this.config.timeoutMs);
      this.conn = new GmpConnection(socket);
      this.logger?.info(reconnect ? 'gmp: reconnected' : 'gmp: connected', { target: this.target });
    }
    if (needsAuth && !this.conn.authenticated) await this.login(this.conn);
    return this.conn;
  }

  private async login(conn: GmpConnection): Promise<GmpAuthInfo> {
    let creds;
    try {
      creds = await this.credentials();
    } catch (err) {
      throw new GmpConfigError(`no credentials for ${this.target}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const root = await conn.request('authenticate', cmd.authenticate(creds.username, creds.password), this.config.timeoutMs, { maxChars: this.config.maxReplyChars });
    const status = Number(root.attrs.status);
    if (root.name !== 'authenticate_response') {
      conn.close();
      if (root.name === 'gmp_response') throw new GmpStatusError('authenticate', status, root.attrs.status_text ?? '');
      throw new GmpProtocolError(`authenticate: unexpected reply <${root.name}>`);
    }
    if (!(status >= 200 && status < 300)) throw new GmpAuthError(status, root.attrs.status_text ?? '');
    conn.authenticated = true;
    this.auth = { role: textAt(root, 'role'), timezone: textAt(root, 'timezone') };
    this.logger?.info('gmp: authenticated', { target: this.target, role: this.auth.role });
    return this.auth;
  }

  private run(e: Exec): Promise<XNode> {
    return this.serial(async () => {
      for (let attempt = 0; ; attempt++) {
        const conn = await this.connection(e.needsAuth);
        let root: XNode;
        try {
          root = await conn.request(e.command, e.xml, this.config.timeoutMs, { maxChars: this.config.maxReplyChars });
        } catch (err) {
          if (err instanceof GmpConnectionLostError && e.idempotent) {
            if (attempt === 0) {
              this.logger?.warn('gmp: connection lost; retrying once', { target: this.target, command: e.command });
              continue;
            }
            throw new GmpConnectionLostError(e.command, err.message, { maybeApplied: false, cause: err });
          }
          throw err;
        }
        if (this.checkReply(e.command, root, conn, attempt, e.needsAuth)) continue;
        return root;
      }
    });
  }

  /**
   * Checks a reply's root and status. Returns true when the command should be sent again (the
   * server lost the session); throws on any other failure.
   */
  private checkReply(command: string, root: XNode, conn: GmpConnection, attempt: number, needsAuth: boolean): boolean {
    const status = Number(root.attrs.status);
    const statusText = root.attrs.status_text ?? '';
    if (root.name === 'gmp_response') {
      // gvmd closes the socket after a protocol-level error
      conn.close();
      if (needsAuth && attempt === 0 && isSessionLost(root)) {
        this.logger?.warn('gmp: the server asked to authenticate again; reconnecting', { target: this.target, command });
        return true;
      }
      throw new GmpStatusError(command, Number.isFinite(status) ? status : 0, statusText);
    }
    if (root.name !== `${command}_response`) {
      conn.close();
      throw new GmpProtocolError(`${command}: unexpected reply <${root.name}>`);
    }
    if (!Number.isInteger(status)) throw new GmpProtocolError(`${command}: reply has no status`);
    if (status >= 200 && status < 300) return false;
    if (status === 401 && needsAuth && attempt === 0) {
      conn.authenticated = false;
      this.logger?.warn('gmp: 401 from the server; authenticating again', { target: this.target, command });
      return true;
    }
    throw new GmpStatusError(command, status, statusText);
  }

  private createdId(root: XNode): string {
    const id = root.attrs.id;
    if (!id) throw new GmpProtocolError(`${root.name} has no id attribute`);
    return id;
  }

  private reportId(root: XNode): string {
    const id = textAt(root, 'report_id');
    if (!id) throw new GmpProtocolError(`${root.name} has no <report_id>`);
    return id;
  }

  /** Every entity of a listing, page by page (the default filter shows only 10 rows). */
  private async listAll<T>(command: string, entity: string, extra: string, parse: (n: XNode) => T): Promise<T[]> {
    const out: T[] = [];
    for (let first = 1; ; first += LIST_PAGE) {
      const root = await this.run({ command, xml: cmd.list(command, first, LIST_PAGE, extra), needsAuth: true, idempotent: true });
      const page = children(root, entity);
      for (const n of page) out.push(parse(n));
      const filtered = parseCount(child(root, `${entity}_count`)).filtered;
      if (page.length < LIST_PAGE || filtered === null || out.length >= filtered) return out;
    }
  }
}
