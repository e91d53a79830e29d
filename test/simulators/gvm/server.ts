import fs from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { BUILTIN_SCANNERS, FEED_CONFIGS, FEED_PORT_LISTS, FEED_REPORT_FORMATS, XML_REPORT_FORMAT } from './catalogue.js';
import { parseFilter, renderFilters, renderSort } from './filter.js';
import { configXml, countXml, passes, portListXml, reportFormatXml, reportParts, reportsFooter, resultXml, scannerXml, taskXml } from './render.js';
import { SimState, type SimResult, type SimTask } from './state.js';
import { CommandReader, esc, isoNow, kid, kidText, kids, type SimNode } from './xml.js';

/**
 * A gvmd for tests: GMP over TLS (127.0.0.1, a port of its own) and/or a unix socket, serving the
 * same state on both. It reproduces what the recordings show a real gvmd 26.x (GMP 22.7) does:
 *   - only <get_version/> and <authenticate> before authenticating; anything else gets
 *     `<gmp_response status="400">` and the socket is closed; so does an unknown command;
 *   - malformed XML closes the socket with no reply; a wrong password is 400 and the socket stays;
 *   - commands are read in order, several per packet or one across many, one reply each;
 *   - without a feed there are no configs, port lists or report formats, and a started task goes
 *     to Interrupted with progress 0;
 *   - reports nest `<report><report>`, streamed in chunks with backpressure.
 * Faults are switched on at run time through `faults` and `expireSessions()`.
 */

export interface GvmSimTls {
  cert: string;
  key: string;
  /** CA that client certificates must chain to when `requireClientCert`. */
  ca?: string;
  requireClientCert?: boolean;
}

export interface GvmSimOptions {
  /** A synced feed (configs, port lists, report formats; scans run). Default true. */
  feed?: boolean;
  users?: Record<string, string>;
  tls?: GvmSimTls;
  unixPath?: string;
  /** Results in each finished scan's report. */
  reportSize?: number;
  progressStep?: number;
  importPolls?: number;
  /** Characters per streamed chunk of a report. */
  chunkChars?: number;
}

export interface GvmFaults {
  /** Answer the next `count` commands (those named `command`, when given) with 503. */
  unavailable: { count: number; command?: string } | null;
  /** Cut the socket after this many results of the next report (once). */
  dropMidReport: { afterResults: number } | null;
  /** Running tasks freeze at this progress. */
  stallAtProgress: number | null;
  /** Wait before each reply. */
  replyDelayMs: number;
  /** Wait between the chunks of a streamed report. */
  chunkDelayMs: number;
  /** Cut the socket when the next `count` commands named `command` arrive, before replying. */
  dropOn: { command: string; count: number } | null;
  /** Answer the next command with XML that does not close properly (`count` times). */
  malformed: { count: number } | null;
}

interface Session {
  user: string | null;
  socket: net.Socket;
  queue: Promise<void>;
  inFlight: number;
}

export interface SimCommandLog {
  name: string;
  attrs: Record<string, string>;
  /** Element names directly inside the command (never the password's value). */
  children: string[];
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ok = (name: string, status = 200, text = 'OK', extra = '') => `<${name}_response status="${status}" status_text="${esc(text)}"${extra}/>`;
const notFound = (name: string, what: string, id: string) => ok(name, 404, `Failed to find ${what} '${id}'`);
const created = (name: string, id: string) => ok(name, 201, 'OK, resource created', ` id="${id}"`);
const SCANNER_CREATED = isoNow();

export class GvmSimulator {
  readonly state: SimState;
  readonly faults: GvmFaults = { unavailable: null, dropMidReport: null, stallAtProgress: null, replyDelayMs: 0, chunkDelayMs: 0, dropOn: null, malformed: null };
  /** `maxInFlight`: most commands one socket had received but not yet answered (1 for a client that serialises). */
  readonly stats = { connections: 0, authentications: 0, maxInFlight: 0, reportChars: 0, commands: [] as SimCommandLog[] };
  tlsPort: number | null = null;
  unixPath: string | null = null;
  private readonly users: Record<string, string>;
  private readonly servers: net.Server[] = [];
  private readonly sessions = new Set<Session>();
  private readonly chunkChars: number;

  private constructor(opts: GvmSimOptions) {
    this.state = new SimState(opts.feed ?? true);
    this.users = opts.users ?? { admin: 'Vigil-test-pw1' };
    this.chunkChars = opts.chunkChars ?? 64 * 1024;
    if (opts.reportSize !== undefined) this.state.reportSize = opts.reportSize;
    if (opts.progressStep !== undefined) this.state.progressStep = opts.progressStep;
    if (opts.importPolls !== undefined) this.state.importPolls = opts.importPolls;
    if (this.state.feed) {
      const now = isoNow();
      for (const c of FEED_CONFIGS) this.state.configs.set(c.id, { ...c, created: now, owner: '', predefined: true });
      for (const p of FEED_PORT_LISTS) this.state.portLists.set(p.id, { ...p, comment: '', created: now, owner: '', predefined: true });
    }
  }

  static async start(opts: GvmSimOptions): Promise<GvmSimulator> {
    const sim = new GvmSimulator(opts);
    const listen = (server: net.Server, at: net.ListenOptions) =>
      new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(at, () => resolve());
      });
    if (opts.tls) {
      const server = tls.createServer(
        {
          cert: opts.tls.cert,
          key: opts.tls.key,
          minVersion: 'TLSv1.2',
          ...(opts.tls.requireClientCert ? { ca: opts.tls.ca, requestCert: true, rejectUnauthorized: true } : {}),
        },
        (s) => sim.accept(s),
      );
      server.on('tlsClientError', () => {});
      await listen(server, { host: '127.0.0.1', port: 0 });
      sim.tlsPort = (server.address() as net.AddressInfo).port;
      sim.servers.push(server);
    }
    if (opts.unixPath) {
      const server = net.createServer((s) => sim.accept(s));
      await listen(server, { path: opts.unixPath });
      sim.unixPath = opts.unixPath;
      sim.servers.push(server);
    }
    return sim;
  }

  /** gvmd forgets every session (as after a restart): the next command on each socket is refused and the socket closed. */
  expireSessions(): void {
    for (const s of this.sessions) s.user = null;
  }

  /** Cuts every open socket. */
  dropConnections(): void {
    for (const s of this.sessions) s.socket.destroy();
  }

  /**
   * A task whose finished report holds `results` generated results, without polling it through
   * a scan (benchmarks, large imports).
   */
  seedReport(results: number): { taskId: string; reportId: string } {
    const now = isoNow();
    const taskId = this.state.newId();
    const reportId = this.state.newId();
    this.state.tasks.set(taskId, {
      id: taskId,
      name: `seeded ${results}`,
      comment: '',
      configId: FEED_CONFIGS[0]!.id,
      targetId: '',
      scannerId: BUILTIN_SCANNERS[1]!.id,
      created: now,
      modified: now,
      status: 'Done',
      progress: -1,
      container: false,
      reportIds: [reportId],
      currentReportId: null,
      lastReportId: reportId,
      preferences: [],
      importPolls: 0,
    });
    this.state.reports.set(reportId, { id: reportId, taskId, created: now, scanStart: now, scanEnd: now, runStatus: 'Done', imported: null, generated: results, hosts: [], errors: [] });
    return { taskId, reportId };
  }

  /** Names of the commands received so far. */
  commandNames(): string[] {
    return this.stats.commands.map((c) => c.name);
  }

  async close(): Promise<void> {
    this.dropConnections();
    await Promise.all(this.servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    if (this.unixPath) fs.rmSync(this.unixPath, { force: true });
  }

  private accept(socket: net.Socket): void {
    this.stats.connections++;
    socket.setEncoding('utf8');
    const session: Session = { user: null, socket, queue: Promise.resolve(), inFlight: 0 };
    this.sessions.add(session);
    const reader = new CommandReader(
      (command) => {
        session.inFlight++;
        this.stats.maxInFlight = Math.max(this.stats.maxInFlight, session.inFlight);
        session.queue = session.queue
          .then(() => this.handle(session, command))
          .catch(() => {
            socket.destroy();
          })
          .finally(() => session.inFlight--);
      },
      () => socket.destroy(),
    );
    socket.on('data', (chunk: string) => reader.write(chunk));
    socket.on('error', () => {});
    socket.on('close', () => this.sessions.delete(session));
  }

  private async send(socket: net.Socket, xml: string): Promise<void> {
    if (socket.destroyed) return;
    if (socket.write(xml)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        socket.off('drain', done).off('close', done);
        resolve();
      };
      socket.on('drain', done).on('close', done);
    });
  }

  private async handle(s: Session, c: SimNode): Promise<void> {
    if (s.socket.destroyed) return;
    this.stats.commands.push({ name: c.name, attrs: c.attrs, children: c.children.map((k) => k.name) });
    if (this.faults.replyDelayMs > 0) await sleep(this.faults.replyDelayMs);
    if (c.name === 'get_version') return this.send(s.socket, '<get_version_response status="200" status_text="OK"><version>22.7</version></get_version_response>');
    if (c.name === 'authenticate') return this.send(s.socket, this.authenticate(s, c));
    if (!s.user) {
      await this.send(s.socket, '<gmp_response status="400" status_text="Only command GET_VERSION is allowed before AUTHENTICATE"/>');
      s.socket.end();
      return;
    }
    const d = this.faults.dropOn;
    if (d && d.count > 0 && d.command === c.name) {
      d.count--;
      s.socket.destroy();
      return;
    }
    const m = this.faults.malformed;
    if (m && m.count > 0) {
      m.count--;
      return this.send(s.socket, `<${c.name}_response status="200" status_text="OK"><broken></${c.name}_response>`);
    }
    const u = this.faults.unavailable;
    if (u && u.count > 0 && (!u.command || u.command === c.name)) {
      u.count--;
      return this.send(s.socket, ok(c.name, 503, 'Service temporarily down'));
    }
    switch (c.name) {
      case 'get_scanners':
        return this.send(s.socket, this.list(c, 'scanner', BUILTIN_SCANNERS, (x) => scannerXml(x, SCANNER_CREATED)));
      case 'get_configs':
        return this.send(s.socket, this.list(c, 'config', [...this.state.configs.values()], configXml));
      case 'get_port_lists': {
        const inUse = new Set([...this.state.targets.values()].map((t) => t.portListId));
        return this.send(s.socket, this.list(c, 'port_list', [...this.state.portLists.values()], (p) => portListXml(p, inUse.has(p.id))));
      }
      case 'get_report_formats':
        return this.send(s.socket, this.list(c, 'report_format', this.state.feed ? FEED_REPORT_FORMATS : [], (r) => reportFormatXml(r, SCANNER_CREATED)));
      case 'create_port_list':
        return this.send(s.socket, this.createPortList(c, s.user));
      case 'create_config':
        return this.send(s.socket, this.createConfig(c, s.user));
      case 'create_target':
        return this.send(s.socket, this.createTarget(c));
      case 'create_task':
        return this.send(s.socket, this.createTask(c));
      case 'create_report':
        return this.send(s.socket, this.createReport(c));
      case 'start_task':
      case 'stop_task':
      case 'resume_task':
      case 'delete_task':
        return this.send(s.socket, this.taskAction(c));
      case 'get_tasks':
        return this.send(s.socket, this.getTasks(c, s.user));
      case 'get_results':
        return this.send(s.socket, this.getResults(c, s.user));
      case 'get_reports':
        return this.getReports(s, c);
      default:
        await this.send(s.socket, '<gmp_response status="400" status_text="Bogus command name"/>');
        s.socket.end();
    }
  }

  private authenticate(s: Session, c: SimNode): string {
    const creds = kid(c, 'credentials');
    const user = kidText(creds, 'username');
    const password = kid(creds, 'password')?.text ?? '';
    if (!user || this.users[user] !== password) return ok('authenticate', 400, 'Authentication failed');
    s.user = user;
    this.stats.authentications++;
    return `<authenticate_response status="200" status_text="OK"><role>Admin</role><timezone>UTC</timezone></authenticate_response>`;
  }

  private list<T>(c: SimNode, entity: string, all: T[], render: (x: T) => string): string {
    const f = parseFilter(c.attrs.filter, { results: false });
    const first = Math.max(1, f.num('first', 1));
    const rows = f.num('rows', 10);
    const page = rows < 0 ? all.slice(first - 1) : all.slice(first - 1, first - 1 + rows);
    return (
      `<get_${entity}s_response status="200" status_text="OK">${page.map(render).join('')}${renderFilters(f)}${renderSort(f)}` +
      `<${entity}s start="${first}" max="1000"/>${countXml(`${entity}_count`, all.length, all.length, page.length)}</get_${entity}s_response>`
    );
  }

  private createPortList(c: SimNode, owner: string): string {
    const name = kidText(c, 'name');
    if (!name) return ok('create_port_list', 400, 'A name is required');
    let tcp = 0;
    let udp = 0;
    for (const part of kidText(c, 'port_range').split(',')) {
      const m = /^\s*([TU]):(\d+)(?:-(\d+))?\s*$/.exec(part);
      if (!m) continue;
      const n = (m[3] ? Number(m[3]) : Number(m[2])) - Number(m[2]) + 1;
      if (m[1] === 'T') tcp += n;
      else udp += n;
    }
    const id = this.state.newId();
    this.state.portLists.set(id, { id, name, comment: kidText(c, 'comment'), created: isoNow(), owner, tcp, udp, predefined: false });
    return created('create_port_list', id);
  }

  private createConfig(c: SimNode, owner: string): string {
    const imported = kid(kid(c, 'get_configs_response'), 'config');
    if (!imported) return ok('create_config', 400, 'CREATE_CONFIG requires a COPY element');
    const id = this.state.newId();
    const name = kidText(imported, 'name');
    this.state.configs.set(id, { id, name, comment: kidText(imported, 'comment'), created: isoNow(), owner, predefined: false });
    return `<create_config_response status="201" status_text="OK, resource created" id="${id}"><config id="${id}"><name>${esc(name)}</name></config></create_config_response>`;
  }

  private createTarget(c: SimNode): string {
    const name = kidText(c, 'name');
    const hosts = kidText(c, 'hosts');
    const portListId = kid(c, 'port_list')?.attrs.id ?? '';
    if (!name) return ok('create_target', 400, 'A name is required');
    if (!hosts) return ok('create_target', 400, 'A host is required');
    if ([...this.state.targets.values()].some((t) => t.name === name)) return ok('create_target', 400, 'Target exists already');
    if (!this.state.portLists.has(portListId)) return notFound('create_target', 'port_list', portListId);
    const id = this.state.newId();
    this.state.targets.set(id, { id, name, hosts, excludeHosts: kidText(c, 'exclude_hosts'), portListId, aliveTests: kidText(c, 'alive_tests'), comment: kidText(c, 'comment') });
    return created('create_target', id);
  }

  private createTask(c: SimNode): string {
    const name = kidText(c, 'name');
    const targetId = kid(c, 'target')?.attrs.id ?? '';
    const configId = kid(c, 'config')?.attrs.id ?? '';
    const scannerId = kid(c, 'scanner')?.attrs.id ?? '';
    if (!name) return ok('create_task', 400, 'CREATE_TASK requires a name');
    const container = targetId === '0';
    if (!container) {
      if (!this.state.configs.has(configId)) return notFound('create_task', 'config', configId);
      if (!this.state.targets.has(targetId)) return notFound('create_task', 'target', targetId);
      if (!this.state.scannerName(scannerId)) return notFound('create_task', 'scanner', scannerId);
    }
    const id = this.state.newId();
    const now = isoNow();
    const preferences = kids(kid(c, 'preferences'), 'preference').map((p) => ({ scannerName: kidText(p, 'scanner_name'), value: kidText(p, 'value') }));
    const task: SimTask = {
      id,
      name,
      comment: kidText(c, 'comment'),
      configId: container ? '' : configId,
      targetId: container ? '' : targetId,
      scannerId: container ? '' : scannerId,
      created: now,
      modified: now,
      status: 'New',
      progress: -1,
      container,
      reportIds: [],
      currentReportId: null,
      lastReportId: null,
      preferences,
      importPolls: 0,
    };
    this.state.tasks.set(id, task);
    return created('create_task', id);
  }

  private createReport(c: SimNode): string {
    const task = this.state.tasks.get(kid(c, 'task')?.attrs.id ?? '');
    const report = kid(c, 'report');
    if (!task || !report) return ok('create_report', 400, 'CREATE_REPORT requires a task and a report');
    const assets = new Map<string, string>();
    const results: SimResult[] = kids(kid(report, 'results'), 'result').map((r) => {
      const host = kid(r, 'host');
      return this.state.importResult(
        {
          oid: kid(r, 'nvt')?.attrs.oid ?? '',
          host: host?.text.trim() ?? '',
          hostname: kidText(host, 'hostname'),
          port: kidText(r, 'port'),
          severity: Number(kidText(r, 'severity') || '0'),
          qod: Number(kidText(kid(r, 'qod'), 'value') || '70'),
          qodType: kidText(kid(r, 'qod'), 'type'),
          description: kid(r, 'description')?.text ?? '',
        },
        assets,
      );
    });
    const id = this.state.newId();
    this.state.reports.set(id, {
      id,
      taskId: task.id,
      created: isoNow(),
      scanStart: kidText(report, 'scan_start'),
      scanEnd: kidText(report, 'scan_end'),
      runStatus: 'Done',
      imported: results,
      generated: 0,
      hosts: kids(report, 'host').map((h) => ({ ip: kidText(h, 'ip'), start: kidText(h, 'start'), end: kidText(h, 'end') })),
      errors: [],
    });
    task.reportIds.push(id);
    task.currentReportId = id;
    task.status = 'Running';
    task.progress = 0;
    task.importPolls = this.state.importPolls;
    return created('create_report', id);
  }

  private taskAction(c: SimNode): string {
    const name = c.name;
    const id = c.attrs.task_id;
    if (!id) return ok(name, 400, 'A task_id attribute is required');
    const task = this.state.tasks.get(id);
    if (!task) return notFound(name, 'task', id);
    switch (name) {
      case 'start_task': {
        if (['Requested', 'Queued', 'Running', 'Processing', 'Stop Requested'].includes(task.status)) return ok(name, 400, 'Task is active already');
        this.state.stallAtProgress = this.faults.stallAtProgress;
        const report = this.state.start(task, false);
        return `<start_task_response status="202" status_text="OK, request submitted"><report_id>${report.id}</report_id></start_task_response>`;
      }
      case 'resume_task': {
        if (task.status !== 'Stopped' && task.status !== 'Interrupted') return ok(name, 400, 'Task must be in Stopped or Interrupted state');
        this.state.stallAtProgress = this.faults.stallAtProgress;
        const report = this.state.start(task, true);
        return `<resume_task_response status="200" status_text="OK"><report_id>${report.id}</report_id></resume_task_response>`;
      }
      case 'stop_task':
        this.state.stop(task);
        return ok(name);
      default:
        this.state.tasks.delete(id);
        return ok(name);
    }
  }

  private getTasks(c: SimNode, owner: string): string {
    const id = c.attrs.task_id;
    let tasks = [...this.state.tasks.values()];
    if (id) {
      const task = this.state.tasks.get(id);
      if (!task) return notFound('get_tasks', 'task', id);
      this.state.stallAtProgress = this.faults.stallAtProgress;
      this.state.advance(task);
      tasks = [task];
    }
    const f = parseFilter(c.attrs.filter, { results: true });
    return (
      `<get_tasks_response status="200" status_text="OK"><apply_overrides>0</apply_overrides>${tasks.map((t) => taskXml(this.state, t, owner)).join('')}` +
      `${renderFilters(f)}${renderSort(f)}<tasks start="1" max="1000"/>${countXml('task_count', this.state.tasks.size, tasks.length, tasks.length)}</get_tasks_response>`
    );
  }

  private getResults(c: SimNode, owner: string): string {
    const f = parseFilter(c.attrs.filter, { results: true });
    const reportId = f.get('report_id');
    const first = Math.max(1, f.num('first', 1));
    const rows = f.num('rows', 10);
    const reports = reportId ? [this.state.reports.get(reportId)].filter((r) => r !== undefined) : [...this.state.reports.values()];
    const matching: string[] = [];
    let total = 0;
    for (const report of reports) {
      const task = this.state.tasks.get(report.taskId);
      const list = [...this.state.results(report)];
      total += list.length;
      list.sort((a, b) => (f.get('sort-reverse') === 'severity' ? b.severity - a.severity : 0));
      for (const r of list) if (passes(r, f)) matching.push(resultXml(r, owner, this.state.feed, { reportId: report.id, taskId: report.taskId, taskName: task?.name ?? '' }));
    }
    const page = rows < 0 ? matching.slice(first - 1) : matching.slice(first - 1, first - 1 + rows);
    return (
      `<get_results_response status="200" status_text="OK">${page.join('')}${renderFilters(f)}${renderSort(f)}` +
      `<results start="${first}" max="${rows}"/>${countXml('result_count', total, matching.length, page.length)}</get_results_response>`
    );
  }

  private async getReports(s: Session, c: SimNode): Promise<void> {
    const id = c.attrs.report_id ?? '';
    const report = this.state.reports.get(id);
    if (!report) return this.send(s.socket, notFound('get_reports', 'report', id));
    const formatId = c.attrs.format_id;
    if (formatId && (!this.state.feed || formatId !== XML_REPORT_FORMAT)) return this.send(s.socket, notFound('get_reports', 'report format', formatId));
    const ignorePagination = c.attrs.ignore_pagination === '1';
    const f = parseFilter(c.attrs.filter, { results: true, rowsCap: 1000 });
    const { head, tail, first, rows } = reportParts(this.state, report, f, ignorePagination, s.user ?? '');
    await this.send(s.socket, head);
    const drop = this.faults.dropMidReport;
    if (drop) this.faults.dropMidReport = null;
    let index = 0;
    let written = 0;
    let bytes = head.length;
    let chunk = '';
    const last = rows < 0 ? Infinity : first - 1 + rows;
    for (const r of this.state.results(report)) {
      if (!passes(r, f)) continue;
      index++;
      if (index < first || index > last) continue;
      if (drop && written >= drop.afterResults) {
        await this.send(s.socket, chunk);
        s.socket.destroy();
        return;
      }
      chunk += resultXml(r, s.user ?? '', this.state.feed);
      written++;
      if (chunk.length >= this.chunkChars) {
        bytes += chunk.length;
        await this.send(s.socket, chunk);
        chunk = '';
        if (this.faults.chunkDelayMs > 0) await sleep(this.faults.chunkDelayMs);
        if (s.socket.destroyed) return;
      }
    }
    const end = chunk + tail + reportsFooter(this.state, parseFilter(undefined, { results: true }));
    this.stats.reportChars += bytes + end.length;
    await this.send(s.socket, end);
  }
}
