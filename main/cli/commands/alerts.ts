import { parse, intOption } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import type { Alert, AlertCursor, AlertDetail, AlertFilter, AlertsListResponse, HistoryEntry } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { FILTER_HELP, FILTER_OPTIONS, filterFromArgs } from '../filters.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';
import { writeAlertsExport } from '../../core/export.js';

export const alertsHelp = `Usage: vigil alerts <list|show|export|tag|tags> [options]

  list [filters] [--limit N] [--json]        newest first (last_seen), keyset-paginated
  show ID [--json]                            one alert with its score terms, history and grouped events
  export --format json|ndjson|csv [filters] [--output FILE]
                                              every matching alert with its notes, streamed page by page
  tag ID... [--add LIST] [--remove LIST]      add or remove tags (comma lists), audited as the analyst
  tags [--json]                               the tags in use, most used first

${FILTER_HELP}

Options:
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help`;

/** Calls a contract channel exactly as the UI would: same schemas, same errors. */
async function call<T>(app: App, channel: 'alerts.list' | 'alerts.get' | 'alerts.tag' | 'alerts.tags', request: unknown): Promise<T> {
  // what changes an alert is recorded as the configured analyst, like the console's actions
  const actor = channel === 'alerts.tag' ? app.services.settings.get().analystName : 'cli';
  const out = await dispatch(app.handlers, channel, request, { actor, transport: 'cli' }, app.services.logger);
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
    { ...FILTER_OPTIONS, add: { type: 'string' }, remove: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, output: { type: 'string' }, 'data-dir': { type: 'string' } },
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
      const { written: n } = await writeAlertsExport({
        format,
        pages: pages(app, filter, Number.MAX_SAFE_INTEGER),
        notes: (ids) => s.triage.notesFor(ids),
        out: dest,
      });
      if (outPath) {
        await dest.end();
        process.stderr.write(`exported ${n} alert(s) to ${outPath}\n`);
      }
      return 0;
    }
    if (sub === 'tag') {
      const ids = rest.map((r) => {
        if (!/^\d+$/.test(r)) throw new UsageError(`alert ids are numbers, got "${r}"`, 'alerts');
        return Number(r);
      });
      if (ids.length === 0) throw new UsageError('name the alerts to tag: vigil alerts tag ID... --add LIST', 'alerts');
      const tags = (flag: 'add' | 'remove') => (args.str(flag) ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      const r = await call<{ updated: number }>(app, 'alerts.tag', { ids, add: tags('add'), remove: tags('remove') });
      await out.line(`${r.updated} alert(s) changed`);
      return 0;
    }
    if (sub === 'tags') {
      const tags = await call<{ tag: string; alerts: number }[]>(app, 'alerts.tags', {});
      if (args.flag('json')) await out.line(JSON.stringify(tags));
      else if (tags.length === 0) await out.line('no alert carries a tag');
      else await out.table([['TAG', 'ALERTS'], ...tags.map((t) => [cell(t.tag), String(t.alerts)])]);
      return 0;
    }
    throw new UsageError(`unknown alerts command "${sub}" (expected list, show, export, tag or tags)`, 'alerts');
  } finally {
    await app.close();
  }
}

/** "tagged phishing, ioc:x; untagged triage" */
function tagChangeText(added: readonly string[], removed: readonly string[]): string {
  const parts = [added.length > 0 ? `tagged ${added.map(cell).join(', ')}` : '', removed.length > 0 ? `untagged ${removed.map(cell).join(', ')}` : ''];
  return parts.filter(Boolean).join('; ');
}

/** One history entry as a line: "NEW -> RESOLVED (blocked)", "undo: RESOLVED -> NEW", "note: ...", "assigned to ana". */
function historyText(h: HistoryEntry): string {
  switch (h.kind) {
    case 'status':
      return `${h.undo ? 'undo: ' : ''}${h.from} -> ${h.to}${h.note ? ` (${cell(h.note)})` : ''}`;
    case 'note':
      return `note: ${cell(h.note)}`;
    case 'assign':
      return h.assignee === null ? 'unassigned' : `assigned to ${cell(h.assignee)}`;
    case 'tags':
      return tagChangeText(h.added, h.removed);
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
  await out.line(`  first seen ${a.first_seen}  last seen ${a.last_seen}  (times in UTC)`);
  if (a.technique_ids.length) await out.line(`  ATT&CK ${cell(a.technique_ids.join(', '))}`);
  if (a.tags.length) await out.line(`  tags ${a.tags.map(cell).join(', ')}`);
  await out.line('  score:');
  for (const t of d.score_terms) await out.line(`    ${(t.points >= 0 ? '+' : '') + t.points}`.padEnd(10) + `${cell(t.name)}: ${cell(t.detail)}`);
  if (d.history.length) {
    await out.line('  history:');
    for (const h of d.history) await out.line(`    ${h.ts} ${cell(h.actor)}: ${historyText(h)}`);
  }
  await out.line(`  events (${d.events.length} of ${d.events_total} retained):`);
  for (const e of d.events.slice(0, 20)) await out.line(`    ${e.ts} ${cell(e.file ?? '')}${e.line !== null ? `:${e.line}` : ''}  ${cell(e.raw.length > 160 ? `${e.raw.slice(0, 160)}...` : e.raw)}`);
  if (d.events.length > 20) await out.line(`    ... ${d.events.length - 20} more (use --json)`);
}
