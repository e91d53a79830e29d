import { parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { FILTER_HELP, FILTER_OPTIONS, filterFromArgs } from '../filters.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';
import { ContractError, FindingFilter, REPORT_FORMATS, TLP_LEVELS, type ReportFormat, type ReportQuery, type Tlp, type VerifyResult } from '../../contract/index.js';
import { verifyReport } from '../../reports/manifest.js';

export const reportHelp = `Usage: vigil report <case ID | alerts | findings | verify DIR> [options]

  case ID      a case: summary, timeline, alerts, observables, evidence, notes, activity log
  alerts       an alerts summary of a range: KPIs, trend, top sources / rules / countries,
               ATT&CK coverage, MTTA/MTTR; alerts.csv carries every alert (needs --since)
  findings     scan findings by host and severity: KPIs, severity chart, per-host table, every
               finding; findings.csv and hosts.csv. Filters: --status open,accepted_risk,
               false_positive,fixed  --severity LIST  --source gvm,zap,spiderfoot  --host H
  verify DIR   check a report directory against its manifest.json; names every file that was
               modified, removed or added and any manifest field that was changed (exit 1)

Options:
  --format LIST  html, pdf, csv (any of; default all three). PDF needs a Chromium-based browser
                 (CHROMIUM_PATH, else chromium / google-chrome / msedge where they usually are)
  --output DIR   where the report goes (created; must be new or empty)
  --tlp LEVEL    marking of an alerts or findings report: ${TLP_LEVELS.join(', ')} (default amber;
                 a case report carries its case's)
  --json         verify: print the result as JSON; others: print the manifest
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help

Alert filters (report alerts; --since is required):
${FILTER_HELP.split('\n').slice(1).join('\n')}

Every report directory holds report.json and, written last, manifest.json with the SHA-256 of
each file. A report that fails or is interrupted leaves no file behind in DIR.`;

/** --status, --severity, --source (tool) and --host for a findings report, checked by the contract. */
function findingFilterFromArgs(args: ReturnType<typeof parse>): FindingFilter {
  const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean) : undefined);
  const raw = Object.fromEntries(
    Object.entries({ status: list(args.str('status')), severity: list(args.str('severity')), source: list(args.str('source')), host: args.str('host') }).filter(([, v]) => v !== undefined),
  );
  const parsed = FindingFilter.safeParse(raw);
  if (!parsed.success) throw new UsageError(`findings filter: ${parsed.error.issues.map((i) => `--${i.path.join('.')} ${i.message}`).join('; ')}`, 'report');
  return parsed.data;
}

function formatsFrom(v: string | undefined): ReportFormat[] {
  if (v === undefined) return [...REPORT_FORMATS];
  const list = v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean);
  const bad = list.filter((x) => !(REPORT_FORMATS as readonly string[]).includes(x));
  if (list.length === 0 || bad.length > 0) throw new UsageError(`--format takes ${REPORT_FORMATS.join(', ')} (comma-separated), got "${v}"`, 'report');
  return [...new Set(list)] as ReportFormat[];
}

/** A progress line on stderr: rewritten in place on a terminal, every 10% otherwise. */
function progressPrinter(label: string): { update(done: number, total: number): void; end(): void } {
  const tty = process.stderr.isTTY === true;
  let lastDecile = -1;
  let shown = false;
  return {
    update(done, total) {
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        process.stderr.write(`\r${label}: ${String(pct).padStart(3)}% (${done.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`);
        shown = true;
      } else if (Math.floor(pct / 10) > lastDecile) {
        lastDecile = Math.floor(pct / 10);
        process.stderr.write(`${label}: ${pct}%\n`);
      }
    },
    end() {
      if (tty && shown) process.stderr.write('\n');
    },
  };
}

async function printVerify(v: VerifyResult, out: Output): Promise<void> {
  if (v.ok) {
    await out.line(`verified: ${v.checked} file(s) in ${v.dir} match manifest.json${v.facts ? ` (report ${v.facts.report_id}, written ${v.facts.created_at} by ${v.facts.created_by})` : ''}`);
    return;
  }
  await out.line(`NOT VERIFIED: ${v.problems.length} problem(s) in ${v.dir}`);
  for (const p of v.problems) await out.line(`  ${p.kind.padEnd(10)} ${p.path}: ${p.detail}`);
}

export async function reportCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'report',
    argv,
    { ...FILTER_OPTIONS, format: { type: 'string' }, output: { type: 'string' }, tlp: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(reportHelp);
    return args.flag('help') ? 0 : 2;
  }

  if (sub === 'verify') {
    const dir = rest[0];
    if (!dir || rest.length > 1) throw new UsageError('report verify needs one directory', 'report');
    const v = await verifyReport(dir);
    if (args.flag('json')) await out.json(v);
    else await printVerify(v, out);
    return v.ok ? 0 : 1;
  }

  let query: ReportQuery;
  const extra = rest.slice(sub === 'case' ? 1 : 0);
  if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`, 'report');
  const tlpText = args.str('tlp');
  if (tlpText !== undefined && !(TLP_LEVELS as readonly string[]).includes(tlpText)) throw new UsageError(`--tlp takes ${TLP_LEVELS.join(', ')}, got "${tlpText}"`, 'report');
  const output = args.str('output');
  if (!output) throw new UsageError('--output DIR is required: the directory the report goes to', 'report');
  const formats = formatsFrom(args.str('format'));

  const app = await openApp(dataDirFrom(args.str('data-dir')), 'report', { quiet: true });
  const s = app.services;
  try {
    if (sub === 'case') {
      const idText = rest[0];
      if (!idText || !/^\d+$/.test(idText)) throw new UsageError('report case needs a case id (a whole number)', 'report');
      query = { kind: 'case', case_id: Number(idText) };
    } else if (sub === 'alerts') {
      if (args.str('since') === undefined) throw new UsageError('report alerts needs --since (15m, 24h, 7d or an ISO 8601 time)', 'report');
      const filter = filterFromArgs('report', args, s.now());
      query = { kind: 'alerts', filter: { ...filter, to: filter.to ?? s.now().toISOString() } };
    } else if (sub === 'findings') {
      query = { kind: 'findings', filter: findingFilterFromArgs(args) };
    } else {
      throw new UsageError(`unknown report "${sub}" (expected case, alerts, findings or verify)`, 'report');
    }

    const abort = new AbortController();
    const stop = () => abort.abort(new Error('interrupted'));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const progress = progressPrinter('writing report');
    try {
      const run = s.reports.prepare({ query, formats, dir: output, actor: s.settings.get().analystName, tlp: tlpText as Tlp | undefined, onProgress: progress.update, signal: abort.signal });
      const manifest = await run.execute();
      progress.end();
      if (args.flag('json')) await out.json(manifest);
      else {
        await out.line(`report ${manifest.report_id} written to ${run.dir}`);
        for (const f of manifest.files) await out.line(`  ${f.path}  ${f.size.toLocaleString('en-US')} bytes  sha256 ${f.sha256}`);
        await out.line('  manifest.json');
      }
      return 0;
    } catch (err) {
      progress.end();
      if (abort.signal.aborted) throw new UserError('report interrupted; nothing was left in the output directory');
      if (err instanceof ContractError) throw new UserError(err.message);
      throw err;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } finally {
    await app.close();
  }
}
