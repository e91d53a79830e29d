import { intOption, parse } from '../args.js';
import { dataDirFrom, openApp, untilInterrupted } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import { SCAN_STATUSES, type ChannelName, type Response, type Scan, type ScanChoices, type ScanDetail } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';

export const scanHelp = `Usage: vigil scan <start|choices|status|stop|resume|import|diff|list> [options]

  start --connector ID --target T [tool options] [--stall-minutes N] [--wait] [--json]
                          starts a scan on a configured Greenbone, ZAP or SpiderFoot connector
      Greenbone (T is hosts, addresses or ranges, comma-separated): [--scan-config NAME|ID]
                          [--port-list NAME|ID] [--scanner NAME|ID] [--alive-test TEST]
                          (defaults: the server's "Full and fast", "All IANA assigned TCP",
                          "OpenVAS Default"; see vigil scan choices)
      ZAP (T is an http(s) URL): [--no-spider] [--no-active] [--policy NAME] [--max-children N]
      SpiderFoot (T is an address, range, domain, ...): [--use-case all|footprint|investigate|passive]
                          [--modules sfp_a,sfp_b] [--types IP_ADDRESS,...]
  choices --connector ID [--json]   what the scanner offers (Greenbone: scan configs, port lists,
                          scanners and alive tests, as the server lists them)
  status ID [--wait] [--json]   progress, estimate, stall flag and the scan's log
  stop ID [--json]        asks the tool to stop; what it found so far is imported
  resume ID [--json]      resumes a stopped or interrupted Greenbone task where it stopped
  import ID [--json]      imports again what the tool holds for a scan that is over
  diff ID [--json]        new, still open and gone findings against the previous run of the target
  list [--status LIST] [--tool zap|spiderfoot|gvm] [--limit N] [--json]

The desktop app and "vigil serve" poll running scans and import their results when they end.
--wait polls in this process until the scan ends (use it when neither runs).

Options:
  --status LIST   ${SCAN_STATUSES.join(',')}
  --data-dir D    data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help      show this help`;

/** Calls a contract channel exactly as the UI would: same schemas, same errors. */
export async function callApp<C extends ChannelName>(app: App, channel: C, request: unknown, command: string): Promise<Response<C>> {
  const s = app.services;
  const out = await dispatch(app.handlers, channel, request, { actor: s.settings.get().analystName, transport: 'cli' }, s.logger);
  if (!out.ok) {
    if (out.error.code === 'BAD_REQUEST' && out.error.issues?.length) throw new UsageError([out.error.message, ...out.error.issues].join(': '), command);
    throw new UserError(out.error.message);
  }
  return out.result as Response<C>;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

function duration(ms: number | null): string {
  if (ms === null) return '-';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h${String(m).padStart(2, '0')}m` : m ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${s}s`;
}

/** "41% (ETA 3m10s)", "RUNNING, 12 events", "stalled since ...". */
export function scanProgress(s: Scan): string {
  const pct = s.progress === null ? (s.progress_note ?? '-') : `${Math.floor(s.progress)}%`;
  if (s.stalled_since) return `${pct} STALLED since ${when(s.stalled_since)}`;
  return s.eta_ms !== null ? `${pct} (ETA ${duration(s.eta_ms)})` : pct;
}

/** The scanner's choices, one list per kind, the default marked. */
async function showChoices(out: Output, ch: ScanChoices): Promise<void> {
  const lists = [
    ['Scan configs (--scan-config)', ch.scan_configs, ch.defaults.scan_config],
    ['Port lists (--port-list)', ch.port_lists, ch.defaults.port_list],
    ['Scanners (--scanner)', ch.scanners, ch.defaults.scanner],
  ] as const;
  if (lists.every(([, l]) => l.length === 0)) {
    await out.line(`${ch.tool} lists no choices: its scans take the options of "vigil scan start --help"`);
    return;
  }
  for (const [title, list, dflt] of lists) {
    await out.line(`${title}:`);
    if (!list.length) await out.line('  none (is the feed synced?)');
    for (const x of list) await out.line(`  ${x.id === dflt ? '*' : ' '} ${x.name.padEnd(36)} ${x.id}`);
  }
  if (ch.alive_tests.length) await out.line(`Alive tests (--alive-test): ${ch.alive_tests.join(', ')}`);
  await out.line('* = used when the option is not given');
}

function scanId(text: string | undefined, what: string): number {
  if (!text || !/^\d+$/.test(text)) throw new UsageError(`scan ${what} needs a scan id (a whole number)`, 'scan');
  return Number(text);
}

const csv = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim()).filter(Boolean) : []);
const over = (s: Scan) => s.status !== 'running' && s.status !== 'importing';

async function show(out: Output, d: ScanDetail): Promise<void> {
  const s = d.scan;
  await out.line(`#${s.id}  ${s.tool} ${s.connector_id}  ${s.target}`);
  await out.line(`  ${s.status}  phase ${s.phase || '-'}  ${scanProgress(s)}  elapsed ${duration(s.elapsed_ms)}  (stall limit ${s.stall_minutes} min)`);
  await out.line(`  started ${when(s.started_at)} by ${s.created_by}${s.ended_at ? `  ended ${when(s.ended_at)}` : ''}  findings ${s.imported}${s.rejected ? ` (${s.rejected} unreadable)` : ''}`);
  if (s.error) await out.line(`  error: ${s.error}`);
  for (const l of d.log.slice(-15)) await out.line(`  ${when(l.ts)} ${l.level.padEnd(5)} ${l.message}`);
}

/** Polls in this process until the scan ends (Ctrl-C leaves it running on the tool). */
async function wait(app: App, id: number, out: Output, json: boolean): Promise<Scan> {
  let stop = false;
  void untilInterrupted().then(() => (stop = true));
  let last = '';
  for (;;) {
    await app.scans.tick();
    const s = app.scans.detail(id).scan;
    const line = `${s.status} ${s.phase} ${scanProgress(s)}${s.error ? `  error: ${s.error}` : ''}`;
    if (!json && line !== last) await out.line(`${when(new Date().toISOString())}  ${line}`);
    last = line;
    if (over(s) || stop) return s;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export async function scanCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'scan',
    argv,
    {
      connector: { type: 'string' },
      target: { type: 'string' },
      'no-spider': { type: 'boolean' },
      'no-active': { type: 'boolean' },
      policy: { type: 'string' },
      'max-children': { type: 'string' },
      'use-case': { type: 'string' },
      modules: { type: 'string' },
      types: { type: 'string' },
      'scan-config': { type: 'string' },
      'port-list': { type: 'string' },
      scanner: { type: 'string' },
      'alive-test': { type: 'string' },
      'stall-minutes': { type: 'string' },
      status: { type: 'string' },
      tool: { type: 'string' },
      limit: { type: 'string' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(scanHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (!['start', 'choices', 'status', 'stop', 'resume', 'import', 'diff', 'list'].includes(sub))
    throw new UsageError(`unknown scan command "${sub}" (expected start, choices, status, stop, resume, import, diff or list)`, 'scan');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'scan', { quiet: true });
  const json = args.flag('json');
  try {
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'scan');
      const status = args.str('status') ? csv(args.str('status')) : undefined;
      const scans = await callApp(app, 'scans.list', { limit: intOption('scan', 'limit', args.str('limit'), 1, 1000) ?? 50, ...(status ? { status } : {}), ...(args.str('tool') ? { tool: args.str('tool') } : {}) }, 'scan');
      if (json) await out.json(scans);
      else if (!scans.length) await out.line('no scans');
      else
        await out.table([
          ['ID', 'STARTED (UTC)', 'TOOL', 'STATUS', 'PROGRESS', 'ELAPSED', 'FINDINGS', 'TARGET'],
          ...scans.map((s) => [String(s.id), when(s.started_at), s.tool, s.status, scanProgress(s), duration(s.elapsed_ms), String(s.imported), s.target]),
        ]);
      return 0;
    }
    if (sub === 'choices') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'scan');
      const connectorId = args.str('connector');
      if (!connectorId) throw new UsageError('scan choices needs --connector ID', 'scan');
      const c = app.connectors.find(connectorId);
      if (!c) throw new UserError(`no connector "${connectorId}" (see vigil connectors list)`);
      const ch = await callApp(app, 'scans.choices', { connector_id: c.config.id }, 'scan');
      if (json) await out.json(ch);
      else await showChoices(out, ch);
      return 0;
    }
    if (sub === 'start') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'scan');
      const connectorId = args.str('connector');
      const target = args.str('target');
      if (!connectorId || !target) throw new UsageError('scan start needs --connector ID and --target T', 'scan');
      const c = app.connectors.find(connectorId);
      if (!c) throw new UserError(`no connector "${connectorId}" (see vigil connectors list)`);
      const options =
        c.config.kind === 'zap'
          ? { tool: 'zap', spider: !args.flag('no-spider'), activeScan: !args.flag('no-active'), scanPolicyName: args.str('policy') ?? '', maxChildren: intOption('scan', 'max-children', args.str('max-children'), 0, 100_000) ?? 0 }
          : c.config.kind === 'gvm'
            ? { tool: 'gvm', scanConfig: args.str('scan-config') ?? null, portList: args.str('port-list') ?? null, scanner: args.str('scanner') ?? null, aliveTest: args.str('alive-test') ?? null }
            : { tool: c.config.kind, useCase: args.str('use-case') ?? (args.str('modules') || args.str('types') ? null : 'passive'), modules: csv(args.str('modules')), types: csv(args.str('types')) };
      const stall = intOption('scan', 'stall-minutes', args.str('stall-minutes'), 1, 10_080);
      let scan = await callApp(app, 'scans.start', { connector_id: c.config.id, target, options, ...(stall ? { stall_minutes: stall } : {}) }, 'scan');
      if (!json) await out.line(`scan #${scan.id} started on ${c.config.name}: ${scan.progress_note ?? ''}`);
      if (args.flag('wait')) scan = await wait(app, scan.id, out, json);
      if (json) await out.json(scan);
      return scan.status === 'failed' ? 1 : 0;
    }
    const id = scanId(rest[0], sub);
    if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`, 'scan');
    if (sub === 'stop' || sub === 'import' || sub === 'resume') {
      const scan = await callApp(app, sub === 'stop' ? 'scans.stop' : sub === 'resume' ? 'scans.resume' : 'scans.import', { id }, 'scan');
      if (json) await out.json(scan);
      else await show(out, await callApp(app, 'scans.get', { id }, 'scan'));
      return 0;
    }
    if (sub === 'diff') {
      const d = await callApp(app, 'scans.diff', { id, limit: 5000 }, 'scan');
      if (json) {
        await out.json(d);
        return 0;
      }
      await out.line(d.previous_id ? `scan #${id} against #${d.previous_id}: ${d.new.total} new, ${d.still.total} still there, ${d.gone.total} gone` : `scan #${id} is the first finished run of its target: ${d.new.total} findings, all new`);
      for (const [label, part] of [['new', d.new], ['gone', d.gone]] as const) {
        for (const f of part.items) await out.line(`  ${label.padEnd(4)} #${f.id} ${f.severity.padEnd(8)} ${f.host ?? ''}${f.port !== null ? `:${f.port}` : ''} ${f.url ?? ''} ${f.title}`);
      }
      return 0;
    }
    // status
    if (args.flag('wait')) await wait(app, id, out, json);
    const detail = await callApp(app, 'scans.get', { id }, 'scan');
    if (json) await out.json(detail);
    else await show(out, detail);
    return detail.scan.status === 'failed' ? 1 : 0;
  } finally {
    await app.close();
  }
}
