import { parse, intOption } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import type { Alert, AlertCursor, AlertDetail, AlertFilter, AlertsListResponse } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { FILTER_HELP, FILTER_OPTIONS, filterFromArgs } from '../filters.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell, jsonText } from '../output.js';
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
async function call<T>(app: App, channel: 'alerts.list' | 'alerts.get', request: unknown): Promise<T> {
  const out = await dispatch(app.handlers, channel, request, { actor: 'cli', transport: 'cli' }, app.services.logger);
  if (!out.ok) {
    if (out.error.code === 'NOT_FOUND') throw new UserError(out.error.message);
    throw new UsageError([out.error.message, ...(out.error.issues ?? [])].join(': '), 'alerts');
  }
  return out.result as T;
}

async function* pages(app: App, filter: AlertFilter, max: number): AsyncGenerator<Alert[]> {
  let after: AlertCursor | undefined;
  let left = max;
  while (left > 0) {
    const page = await call<AlertsListResponse>(app, 'alerts.list', { filter, limit: Math.min(500, left), ...(after ? { after } : {}) });
    if (page.items.length) yield page.items;
    left -= page.items.length;
    if (!page.next) return;
    after = page.next;
  }
}

export async function alertsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'alerts',
    argv,
    { ...FILTER_OPTIONS, limit: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, output: { type: 'string' }, 'data-dir': { type: 'string' } },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(alertsHelp);
    return args.flag('help') ? 0 : 2;
  }
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'alerts', { quiet: true });
  const s = app.services;
  try {
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'alerts');
      const filter = filterFromArgs('alerts', args, s.now());
      const limit = intOption('alerts', 'limit', args.str('limit'), 1, 1_000_000) ?? 50;
      if (args.flag('json')) {
        await out.jsonArray(pages(app, filter, limit));
        await out.write('\n');
        return 0;
      }
      const items: Alert[] = [];
      for await (const page of pages(app, filter, limit)) items.push(...page);
      if (items.length === 0) await out.line('no alerts match');
      else {
        await out.table([
          ['ID', 'LAST SEEN (UTC)', 'SEV', 'PRI', 'STATUS', 'RISK', 'COUNT', 'SOURCE', 'HOST', 'SRC', 'DST', 'TITLE'],
          ...items.map((a) => [
            String(a.id), a.last_seen.replace('T', ' ').slice(0, 19), a.severity, a.priority, a.status, String(a.risk_score), String(a.count), a.source,
            a.host ?? '-', a.src_ip ?? '-', a.dst_ip ? `${a.dst_ip}${a.dst_port !== null ? `:${a.dst_port}` : ''}` : '-', a.title,
          ]),
        ]);
      }
      return 0;
    }
    if (sub === 'show') {
      const idText = rest[0];
      if (!idText || !/^\d+$/.test(idText)) throw new UsageError('alerts show needs an alert id (a whole number)', 'alerts');
      const d = await call<AlertDetail>(app, 'alerts.get', { id: Number(idText) });
      if (args.flag('json')) await out.json(d);
      else await printDetail(out, d);
      return 0;
    }
    if (sub === 'export') {
      const format = args.str('format');
      if (format !== 'json' && format !== 'ndjson' && format !== 'csv') throw new UsageError('export needs --format json, ndjson or csv', 'alerts');
      const filter = filterFromArgs('alerts', args, s.now());
      const outPath = args.str('output');
      // --output FILE goes through the same writer as stdout: backpressure, every byte
      const dest = outPath ? await Output.toFile(outPath) : out;
      const write = (text: string) => dest.write(text);
      let n = 0;
      if (format === 'csv') await write(`${ALERT_CSV_COLUMNS.join(',')}\r\n`);
      if (format === 'json') await write('[');
      for await (const page of pages(app, filter, Number.MAX_SAFE_INTEGER)) {
        let chunk = '';
        for (const a of page) {
          if (format === 'csv') chunk += alertCsvRow(a);
          else if (format === 'ndjson') chunk += `${jsonText(a)}\n`;
          else chunk += `${n > 0 ? ',' : ''}\n  ${jsonText(a)}`;
          n++;
        }
        await write(chunk);
      }
      if (format === 'json') await write(n > 0 ? '\n]\n' : ']\n');
      if (outPath) {
        await dest.end();
        process.stderr.write(`exported ${n} alert(s) to ${outPath}\n`);
      }
      return 0;
    }
    throw new UsageError(`unknown alerts command "${sub}" (expected list, show or export)`, 'alerts');
  } finally {
    await app.close();
  }
}

/** Data fields (titles, notes, raw lines, file names) go through cell(): one line each, no escapes. */
async function printDetail(out: Output, d: AlertDetail): Promise<void> {
  const a = d.alert;
  await out.line(`#${a.id}  ${cell(a.title)}`);
  await out.line(`  ${a.severity.toUpperCase()} ${a.priority}  status ${a.status}  risk ${a.risk_score}  count ${a.count}  threat ${cell(d.threat_type)}`);
  await out.line(`  source ${cell(a.source)}  rule ${cell(a.rule_id ?? '-')}  ${cell(a.proto ?? '')} ${a.src_ip ?? '-'}${a.src_port !== null ? `:${a.src_port}` : ''} -> ${a.dst_ip ?? '-'}${a.dst_port !== null ? `:${a.dst_port}` : ''}`);
  const agent = a.agent ? `${cell(a.agent.name ?? '-')}${a.agent.id !== null ? ` (id ${cell(a.agent.id)})` : ''}` : '-';
  await out.line(`  host ${cell(a.host ?? '-')}  agent ${agent}  user ${cell(a.user ?? '-')}  sensor ${cell(a.sensor ?? '-')}`);
  await out.line(`  first seen ${a.first_seen}  last seen ${a.last_seen}`);
  if (a.technique_ids.length) await out.line(`  ATT&CK ${cell(a.technique_ids.join(', '))}`);
  await out.line('  score:');
  for (const t of d.score_terms) await out.line(`    ${(t.points >= 0 ? '+' : '') + t.points}`.padEnd(10) + `${cell(t.name)}: ${cell(t.detail)}`);
  if (d.history.length) {
    await out.line('  history:');
    for (const h of d.history) await out.line(`    ${h.ts} ${cell(h.actor)}: ${h.from} -> ${h.to}${h.note ? ` (${cell(h.note)})` : ''}`);
  }
  await out.line(`  events (${d.events.length} of ${d.events_total} retained):`);
  for (const e of d.events.slice(0, 20)) await out.line(`    ${e.ts} ${cell(e.file ?? '')}${e.line !== null ? `:${e.line}` : ''}  ${cell(e.raw.length > 160 ? `${e.raw.slice(0, 160)}...` : e.raw)}`);
  if (d.events.length > 20) await out.line(`    ... ${d.events.length - 20} more (use --json)`);
}
