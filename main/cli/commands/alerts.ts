import fs from 'node:fs';
import { parse, intOption } from '../args.js';
import { dataDirFrom, headlessServices } from '../context.js';
import { createHandlers } from '../../core/handlers.js';
import { dispatch } from '../../core/dispatch.js';
import type { Alert, AlertCursor, AlertDetail, AlertFilter, AlertsListResponse } from '../../contract/index.js';
import type { Services } from '../../core/services.js';
import { FILTER_HELP, FILTER_OPTIONS, filterFromArgs } from '../filters.js';
import { UsageError, UserError } from '../errors.js';
import { printJson, printLine, printTable } from '../output.js';
import { ALERT_CSV_COLUMNS, alertCsvRow } from '../../reports/csv.js';

export const alertsHelp = `Usage: vigil alerts <list|show|export> [options]

  list [filters] [--limit N] [--json]        newest first (last_seen), keyset-paginated
  show ID [--json]                            one alert with its score terms, history and grouped events
  export --format json|ndjson|csv [filters] [--output FILE]
                                              every matching alert, streamed page by page

${FILTER_HELP}

Options:
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help`;

/** Calls a contract channel exactly as the UI would: same schemas, same errors. */
async function call<T>(s: Services, channel: 'alerts.list' | 'alerts.get', request: unknown): Promise<T> {
  const out = await dispatch(createHandlers(s), channel, request, { actor: 'cli', transport: 'cli' }, s.logger);
  if (!out.ok) {
    if (out.error.code === 'NOT_FOUND') throw new UserError(out.error.message);
    throw new UsageError([out.error.message, ...(out.error.issues ?? [])].join(': '), 'alerts');
  }
  return out.result as T;
}

async function* pages(s: Services, filter: AlertFilter, max: number): AsyncGenerator<Alert[]> {
  let after: AlertCursor | undefined;
  let left = max;
  while (left > 0) {
    const page = await call<AlertsListResponse>(s, 'alerts.list', { filter, limit: Math.min(500, left), ...(after ? { after } : {}) });
    if (page.items.length) yield page.items;
    left -= page.items.length;
    if (!page.next) return;
    after = page.next;
  }
}

export async function alertsCommand(argv: string[]): Promise<number> {
  const args = parse(
    'alerts',
    argv,
    { ...FILTER_OPTIONS, limit: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, output: { type: 'string' }, 'data-dir': { type: 'string' } },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    printLine(alertsHelp);
    return args.flag('help') ? 0 : 2;
  }
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
  try {
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'alerts');
      const filter = filterFromArgs('alerts', args, s.now());
      const limit = intOption('alerts', 'limit', args.str('limit'), 1, 1_000_000) ?? 50;
      const items: Alert[] = [];
      for await (const page of pages(s, filter, limit)) items.push(...page);
      if (args.flag('json')) printJson(items);
      else if (items.length === 0) printLine('no alerts match');
      else {
        printTable([
          ['ID', 'LAST SEEN (UTC)', 'SEV', 'PRI', 'STATUS', 'RISK', 'COUNT', 'SOURCE', 'SRC', 'DST', 'TITLE'],
          ...items.map((a) => [
            String(a.id), a.last_seen.replace('T', ' ').slice(0, 19), a.severity, a.priority, a.status, String(a.risk_score), String(a.count), a.source,
            a.src_ip ?? '-', a.dst_ip ? `${a.dst_ip}${a.dst_port !== null ? `:${a.dst_port}` : ''}` : '-', a.title,
          ]),
        ]);
      }
      return 0;
    }
    if (sub === 'show') {
      const idText = rest[0];
      if (!idText || !/^\d+$/.test(idText)) throw new UsageError('alerts show needs an alert id (a whole number)', 'alerts');
      const d = await call<AlertDetail>(s, 'alerts.get', { id: Number(idText) });
      if (args.flag('json')) printJson(d);
      else printDetail(d);
      return 0;
    }
    if (sub === 'export') {
      const format = args.str('format');
      if (format !== 'json' && format !== 'ndjson' && format !== 'csv') throw new UsageError('export needs --format json, ndjson or csv', 'alerts');
      const filter = filterFromArgs('alerts', args, s.now());
      const outPath = args.str('output');
      const fd = outPath ? fs.openSync(outPath, 'w') : 1;
      const write = (text: string) => fs.writeSync(fd, text);
      let n = 0;
      if (format === 'csv') write(`${ALERT_CSV_COLUMNS.join(',')}\r\n`);
      if (format === 'json') write('[');
      for await (const page of pages(s, filter, Number.MAX_SAFE_INTEGER)) {
        let chunk = '';
        for (const a of page) {
          if (format === 'csv') chunk += alertCsvRow(a);
          else if (format === 'ndjson') chunk += `${JSON.stringify(a)}\n`;
          else chunk += `${n > 0 ? ',' : ''}\n  ${JSON.stringify(a)}`;
          n++;
        }
        write(chunk);
      }
      if (format === 'json') write(n > 0 ? '\n]\n' : ']\n');
      if (outPath) {
        fs.closeSync(fd);
        process.stderr.write(`exported ${n} alert(s) to ${outPath}\n`);
      }
      return 0;
    }
    throw new UsageError(`unknown alerts command "${sub}" (expected list, show or export)`, 'alerts');
  } finally {
    await s.close();
  }
}

function printDetail(d: AlertDetail): void {
  const a = d.alert;
  printLine(`#${a.id}  ${a.title}`);
  printLine(`  ${a.severity.toUpperCase()} ${a.priority}  status ${a.status}  risk ${a.risk_score}  count ${a.count}  threat ${d.threat_type}`);
  printLine(`  source ${a.source}  rule ${a.rule_id ?? '-'}  ${a.proto ?? ''} ${a.src_ip ?? '-'}${a.src_port !== null ? `:${a.src_port}` : ''} -> ${a.dst_ip ?? '-'}${a.dst_port !== null ? `:${a.dst_port}` : ''}`);
  printLine(`  first seen ${a.first_seen}  last seen ${a.last_seen}`);
  if (a.technique_ids.length) printLine(`  ATT&CK ${a.technique_ids.join(', ')}`);
  printLine('  score:');
  for (const t of d.score_terms) printLine(`    ${(t.points >= 0 ? '+' : '') + t.points}`.padEnd(10) + `${t.name}: ${t.detail}`);
  if (d.history.length) {
    printLine('  history:');
    for (const h of d.history) printLine(`    ${h.ts} ${h.actor}: ${h.from} -> ${h.to}${h.note ? ` (${h.note})` : ''}`);
  }
  printLine(`  events (${d.events.length} of ${d.events_total} retained):`);
  for (const e of d.events.slice(0, 20)) printLine(`    ${e.ts} ${e.file ?? ''}${e.line !== null ? `:${e.line}` : ''}  ${e.raw.length > 160 ? `${e.raw.slice(0, 160)}...` : e.raw}`);
  if (d.events.length > 20) printLine(`    ... ${d.events.length - 20} more (use --json)`);
}
