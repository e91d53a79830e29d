import { parse, intOption } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import type { EventDetail, EventRow, EventsQueryResponse } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { parseTime } from '../filters.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';
import { endpointText, summaryText } from '../../hunt/describe.js';
import { EventsExportFormat } from '../../contract/index.js';
import { exportPlan, queryPages, writeEventsExport } from '../../hunt/export.js';

export const eventsHelp = `Usage: vigil events <list|show|export> [QUERY] [options]

Sensor records (every Suricata EVE record: flow, dns, http, tls, fileinfo, alert, ...), searched
with the hunt query language (docs/hunt-query.md), newest first. Quote the query for the shell:
  vigil events list 'event_type:dns dns.rrname:*.example.ru src_ip:10.0.0.0/8' --since 24h

  list [QUERY] [--since T] [--until T] [--limit N] [--json]
                         matching records (summary fields), default 50
  show ID [--json]       one record with its raw line
  export [QUERY] --format ndjson|json|eve [--since T] [--until T] [--output FILE]
                         every matching record, streamed page by page; eve writes the raw
                         lines as the sensor wrote them (an eve.json); in the list's
                         order: "| head N" limits it, "| sort F" by a field other than ts
                         writes the first 10,000 in that order

Options:
  --since T      15m, 1h, 24h, 7d, or an ISO 8601 time (default: 24 hours ago)
  --until T      same forms; exclusive (default: now)
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help

A query that does not parse is refused with the column of the problem (exit status 2).`;

type EventsChannel = 'events.query' | 'events.get';

/** Calls a contract channel exactly as the UI would: same schemas, same errors. */
async function call<T>(app: App, channel: EventsChannel, request: unknown): Promise<T> {
  const out = await dispatch(app.handlers, channel, request, { actor: 'cli', transport: 'cli' }, app.services.logger);
  if (!out.ok) {
    if (out.error.code === 'NOT_FOUND') throw new UserError(out.error.message);
    throw new UsageError([out.error.message, ...(out.error.issues ?? [])].join(': '), 'events');
  }
  return out.result as T;
}

function pages(app: App, query: string, range: { from?: string; to?: string }, max: number): AsyncGenerator<EventRow[]> {
  return queryPages((limit, cursor) => call<EventsQueryResponse>(app, 'events.query', { query, ...range, limit, ...(cursor ? { cursor } : {}) }), max);
}

export async function eventsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'events',
    argv,
    { since: { type: 'string' }, until: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, format: { type: 'string' }, output: { type: 'string' }, 'data-dir': { type: 'string' } },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(eventsHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (rest.length > 1) throw new UsageError(`one query, quoted (found ${rest.length} arguments: quote the query for the shell)`, 'events');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'events', { quiet: true });
  const s = app.services;
  try {
    const query = rest[0] ?? '';
    const from = parseTime('events', 'since', args.str('since'), s.now());
    const to = parseTime('events', 'until', args.str('until'), s.now());
    const range = { ...(from ? { from } : {}), ...(to ? { to } : {}) };
    if (sub === 'list') {
      const limit = intOption('events', 'limit', args.str('limit'), 1, 1_000_000) ?? 50;
      if (args.flag('json')) {
        await out.jsonArray(pages(app, query, range, limit));
        await out.write('\n');
        return 0;
      }
      const rows: EventRow[] = [];
      for await (const page of pages(app, query, range, limit)) rows.push(...page);
      if (rows.length === 0) await out.line('no records match');
      else {
        await out.table([
          ['ID', 'TIME (UTC)', 'TYPE', 'SENSOR', 'PROTO', 'SRC', 'DST', 'FLOW ID', 'SUMMARY'],
          ...rows.map((r) => [
            String(r.id), r.ts.replace('T', ' ').slice(0, 23), r.event_type, r.sensor ?? '-', r.app_proto ?? r.proto ?? '-',
            endpointText(r.src_ip, r.src_port), endpointText(r.dst_ip, r.dst_port), r.flow_id ?? '-', summaryText(r),
          ]),
        ]);
      }
      return 0;
    }
    if (sub === 'show') {
      if (!/^\d+$/.test(query)) throw new UsageError('events show needs a record id (a whole number)', 'events');
      const d = await call<EventDetail>(app, 'events.get', { id: Number(query) });
      if (args.flag('json')) await out.json(d);
      else {
        await out.line(`#${d.id}  ${d.ts}  ${cell(d.event_type)}  sensor ${cell(d.sensor ?? '-')}  source ${cell(d.source_id)}`);
        await out.line(`  ${cell(d.proto ?? '-')} ${endpointText(d.src_ip, d.src_port)} -> ${endpointText(d.dst_ip, d.dst_port)}  app ${cell(d.app_proto ?? '-')}  flow ${d.flow_id ?? '-'}  community ${cell(d.community_id ?? '-')}`);
        for (const [k, v] of Object.entries(d.summary)) await out.line(`  ${k}: ${cell(String(v))}`);
        await out.line(`  raw: ${cell(d.raw)}`);
      }
      return 0;
    }
    if (sub === 'export') {
      const format = args.str('format');
      const known = EventsExportFormat.safeParse(format);
      if (!known.success) throw new UsageError('export needs --format ndjson, json or eve', 'events');
      // a query that does not parse is refused with its column; then a groupby (exportPlan)
      let plan: { query: string; max: number };
      try {
        plan = exportPlan(query);
      } catch (err) {
        throw new UsageError(`query: ${(err as Error).message}`, 'events');
      }
      const outPath = args.str('output');
      const dest = outPath ? await Output.toFile(outPath) : out;
      // eve: a page's raw lines in one read of the hunt reader (not one call per record)
      const { written: n } = await writeEventsExport({
        format: known.data,
        pages: pages(app, plan.query, range, plan.max),
        raws: (ids) => s.huntReader.read('getMany', ids),
        out: dest,
      });
      if (outPath) {
        await dest.end();
        process.stderr.write(`exported ${n} record(s) to ${outPath}\n`);
      }
      return 0;
    }
    throw new UsageError(`unknown events command "${sub}" (expected list, show or export)`, 'events');
  } finally {
    await app.close();
  }
}
