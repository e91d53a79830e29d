import { intOption, parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { FINDING_STATUSES, SEVERITIES, type FindingFilter } from '../../contract/index.js';
import { FINDING_EXPORT_COLUMNS } from '../../scans/findings.js';
import { csvRow } from '../../reports/csv.js';
import { UsageError } from '../errors.js';
import { Output, jsonText } from '../output.js';
import { callApp } from './scan.js';

export const findingsHelp = `Usage: vigil findings <list|show|status|export> [filters] [options]

  list [filters] [--limit N] [--json]     most severe first
  show ID [--json]                        one finding with its history and the scans that saw it
  status ID[,ID...] open|accepted_risk|false_positive [--note TEXT]
                                          the status belongs to the finding: a re-import keeps it
  export --format csv|json [filters] [--output FILE]

Filters:
  --status LIST    ${FINDING_STATUSES.join(',')}
  --severity LIST  ${SEVERITIES.join(',')}
  --source LIST    gvm,zap,spiderfoot
  --host ADDRESS   --scan ID   --text WORDS (title, host, URL, CVE, rule, evidence)

Options:
  --data-dir D    data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help      show this help`;

const list = (v: string | undefined) => (v ? v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean) : undefined);

export async function findingsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'findings',
    argv,
    {
      status: { type: 'string' },
      severity: { type: 'string' },
      source: { type: 'string' },
      host: { type: 'string' },
      scan: { type: 'string' },
      text: { type: 'string' },
      limit: { type: 'string' },
      note: { type: 'string' },
      format: { type: 'string' },
      output: { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(findingsHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (!['list', 'show', 'status', 'export'].includes(sub)) throw new UsageError(`unknown findings command "${sub}" (expected list, show, status or export)`, 'findings');
  const filter = Object.fromEntries(
    Object.entries({
      status: list(args.str('status')),
      severity: list(args.str('severity')),
      source: list(args.str('source')),
      host: args.str('host'),
      scan_id: intOption('findings', 'scan', args.str('scan'), 1, Number.MAX_SAFE_INTEGER),
      text: args.str('text'),
    }).filter(([, v]) => v !== undefined),
  );
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'findings', { quiet: true });
  try {
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'findings');
      const page = await callApp(app, 'findings.list', { filter, limit: intOption('findings', 'limit', args.str('limit'), 1, 5000) ?? 50 }, 'findings');
      if (args.flag('json')) await out.json(page.items);
      else if (!page.items.length) await out.line('no findings match');
      else {
        await out.table([
          ['ID', 'SEV', 'STATUS', 'SOURCE', 'HOST', 'PORT/URL', 'CVE', 'TITLE'],
          ...page.items.map((f) => [String(f.id), f.severity, f.status, f.source, f.host ?? '-', f.url ?? (f.port !== null ? String(f.port) : '-'), f.cves.slice(0, 2).join(' ') || '-', f.title]),
        ]);
        if (page.total > page.items.length) await out.line(`(${page.items.length} of ${page.total}; --limit N for more)`);
      }
      return 0;
    }
    if (sub === 'show') {
      const id = intOption('findings', 'id', rest[0], 1, Number.MAX_SAFE_INTEGER);
      if (id === undefined) throw new UsageError('findings show needs a finding id', 'findings');
      const d = await callApp(app, 'findings.get', { id }, 'findings');
      if (args.flag('json')) {
        await out.json(d);
        return 0;
      }
      const f = d.finding;
      await out.line(`#${f.id}  ${f.title}`);
      await out.line(`  ${f.severity.toUpperCase()} (${f.source} ${f.severity_raw})  ${f.status}  ${f.host ?? ''}${f.port !== null ? `:${f.port}` : ''} ${f.url ?? ''}`);
      await out.line(`  rule ${f.rule_id}  CVE ${f.cves.join(' ') || '-'}  CWE ${f.cwe_id ?? '-'}  CVSS ${f.cvss ?? '-'}  ${f.confidence ?? ''}${f.confidence_score !== null ? ` QoD/confidence ${f.confidence_score}` : ''}`);
      await out.line(`  first seen ${f.first_seen}  last seen ${f.last_seen}  scans ${d.scan_ids.join(', ')}`);
      if (f.evidence) await out.line(`  evidence: ${f.evidence.slice(0, 500)}`);
      if (f.solution) await out.line(`  solution: ${f.solution.slice(0, 500)}`);
      for (const h of d.history) await out.line(`  ${h.ts}  ${h.actor}  ${h.action} ${JSON.stringify(h.details)}`);
      return 0;
    }
    if (sub === 'status') {
      const ids = (rest[0] ?? '').split(',').filter(Boolean).map(Number);
      if (!ids.length || ids.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError('findings status needs finding ids (1,2,3) and a status', 'findings');
      const r = await callApp(app, 'findings.setStatus', { ids, status: rest[1], ...(args.str('note') ? { note: args.str('note') } : {}) }, 'findings');
      await out.line(`${r.updated} finding(s) changed`);
      return 0;
    }
    // export
    const format = args.str('format');
    if (format !== 'json' && format !== 'csv') throw new UsageError('export needs --format json or csv', 'findings');
    const checked = await callApp(app, 'findings.list', { filter, limit: 1 }, 'findings'); // the filter checked by the contract
    const outPath = args.str('output');
    const dest = outPath ? await Output.toFile(outPath) : out;
    let n = 0;
    try {
      if (format === 'csv') {
        await dest.write(`${FINDING_EXPORT_COLUMNS.join(',')}\r\n`);
        for (const f of app.findings.iterate(filter as FindingFilter)) {
          await dest.write(csvRow(FINDING_EXPORT_COLUMNS.map((c) => f[c])));
          n++;
        }
      } else {
        await dest.write('[');
        for (const f of app.findings.iterate(filter as FindingFilter)) await dest.write(`${n++ ? ',' : ''}\n${jsonText(f)}`);
        await dest.write('\n]\n');
      }
    } finally {
      if (outPath) await dest.end();
    }
    if (outPath) process.stderr.write(`exported ${n} of ${checked.total} finding(s) to ${outPath}\n`);
    return 0;
  } finally {
    await app.close();
  }
}
