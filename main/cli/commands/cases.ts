import { intOption, parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import {
  CASE_STATUSES,
  SEVERITIES,
  type CaseCursor,
  type CaseDetail,
  type CaseRecord,
  type CasesListResponse,
  type ChannelName,
  type Observable,
  type TimelineResponse,
  type CaseNote,
  type Evidence,
  type LinkedFinding,
} from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { UsageError, UserError } from '../errors.js';
import { Output, jsonText } from '../output.js';
import { ALERT_CSV_COLUMNS, alertCsvRow } from '../../reports/csv.js';

export const casesHelp = `Usage: vigil cases <list|show|export> [options]

  list [--status LIST] [--severity LIST] [--assignee NAME] [--tag TAG] [--text WORDS] [--limit N] [--json]
                          most recently changed first
  show ID [--json]        one case: summary, observables, latest timeline, notes, evidence,
                          kept sensor records
  export ID --format json|csv [--output FILE]
                          json: the whole case (alerts, observables, timeline, notes, evidence
                          with its text, kept sensor records with their raw lines, audit
                          trail); csv: the case's alerts

For a report with a manifest (PDF, HTML, CSV), use "vigil report case ID".

Options:
  --status LIST   ${CASE_STATUSES.join(',')}
  --severity LIST ${SEVERITIES.join(',')}
  --data-dir D    data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help      show this help`;

/** Calls a contract channel exactly as the UI would: same schemas, same errors. */
async function call<T>(app: App, channel: ChannelName, request: unknown): Promise<T> {
  const s = app.services;
  const out = await dispatch(app.handlers, channel, request, { actor: s.settings.get().analystName, transport: 'cli' }, s.logger);
  if (!out.ok) {
    if (out.error.code === 'NOT_FOUND' || out.error.code === 'CONFLICT') throw new UserError(out.error.message);
    throw new UsageError([out.error.message, ...(out.error.issues ?? [])].join(': '), 'cases');
  }
  return out.result as T;
}

function list(v: string | undefined, upper = false): string[] | undefined {
  if (v === undefined) return undefined;
  const items = v.split(',').map((x) => x.trim()).filter(Boolean);
  return upper ? items.map((x) => x.toUpperCase()) : items.map((x) => x.toLowerCase());
}

function caseId(text: string | undefined, what: string): number {
  if (!text || !/^\d+$/.test(text)) throw new UsageError(`cases ${what} needs a case id (a whole number)`, 'cases');
  return Number(text);
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

export async function casesCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'cases',
    argv,
    {
      status: { type: 'string' },
      severity: { type: 'string' },
      assignee: { type: 'string' },
      tag: { type: 'string' },
      text: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      format: { type: 'string' },
      output: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(casesHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (sub !== 'list' && sub !== 'show' && sub !== 'export') throw new UsageError(`unknown cases command "${sub}" (expected list, show or export)`, 'cases');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'cases', { quiet: true });
  const s = app.services;
  try {
    if (sub === 'list') {
      if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'cases');
      const filter = Object.fromEntries(
        Object.entries({ status: list(args.str('status')), severity: list(args.str('severity')), assignee: args.str('assignee'), tag: args.str('tag'), text: args.str('text') }).filter(([, v]) => v !== undefined),
      );
      const limit = intOption('cases', 'limit', args.str('limit'), 1, 1_000_000) ?? 50;
      const items: CasesListResponse['items'] = [];
      let after: CaseCursor | undefined;
      let total = 0;
      while (items.length < limit) {
        const page = await call<CasesListResponse>(app, 'cases.list', { filter, limit: Math.min(500, limit - items.length), ...(after ? { after } : {}) });
        items.push(...page.items);
        total = page.total;
        if (!page.next) break;
        after = page.next;
      }
      if (args.flag('json')) await out.json(items);
      else if (items.length === 0) await out.line('no cases match');
      else {
        await out.table([
          ['ID', 'UPDATED (UTC)', 'SEV', 'STATUS', 'RESOLUTION', 'ALERTS', 'IOCS', 'ASSIGNEE', 'TITLE'],
          ...items.map((c) => [String(c.id), when(c.updated_at), c.severity, c.status, c.resolution ?? '-', String(c.alert_count), String(c.ioc_count), c.assignee ?? '-', c.title]),
        ]);
        if (total > items.length) await out.line(`(${items.length} of ${total}; --limit N for more)`);
      }
      return 0;
    }

    const id = caseId(rest[0], sub);
    if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`, 'cases');
    const detail = await call<CaseDetail>(app, 'cases.get', { id });

    if (sub === 'show') {
      const observables = await call<{ items: Observable[]; total: number }>(app, 'cases.observables', { id, limit: 20 });
      const timeline = await call<TimelineResponse>(app, 'cases.timeline', { id, limit: 15 });
      const notes = await call<CaseNote[]>(app, 'cases.notes', { id });
      const evidence = await call<Evidence[]>(app, 'cases.evidence', { id });
      const findings = await call<LinkedFinding[]>(app, 'cases.findings', { id });
      const records = await call<{ items: CaseRecord[]; total: number }>(app, 'cases.records', { id, limit: 2000 });
      if (args.flag('json')) {
        await out.json({ case: detail, observables, timeline, notes, evidence, findings, records: records.items });
        return 0;
      }
      await out.line(`#${detail.id}  ${detail.title}`);
      await out.line(`  ${detail.severity.toUpperCase()}  ${detail.status}${detail.resolution ? ` (${detail.resolution})` : ''}  TLP:${detail.tlp.toUpperCase()}  assignee ${detail.assignee ?? '-'}  tags ${detail.tags.join(', ') || '-'}`);
      await out.line(`  opened ${when(detail.created_at)} by ${detail.created_by}  updated ${when(detail.updated_at)}${detail.closed_at ? `  closed ${when(detail.closed_at)}` : ''}${detail.merged_into ? `  merged into #${detail.merged_into}` : ''}`);
      await out.line(`  ${detail.alert_count} alert(s), ${detail.event_count} raw event(s), ${detail.observable_count} observable(s) (${detail.ioc_count} IOC), ${detail.note_count} note(s), ${detail.evidence_count} evidence item(s), ${detail.record_count} kept record(s)`);
      if (detail.first_seen) await out.line(`  activity ${when(detail.first_seen)} -> ${when(detail.last_seen)}`);
      if (detail.techniques.length) await out.line(`  ATT&CK ${detail.techniques.map((t) => `${t.id} ${t.name} (${t.alerts})`).join(', ')}`);
      if (detail.description.trim()) await out.line(`  ${detail.description.trim().split('\n').join('\n  ')}`);
      if (detail.closure_note) await out.line(`  closure: ${detail.closure_note}`);
      if (observables.items.length) {
        await out.line(`  observables (${observables.items.length} of ${observables.total}):`);
        for (const o of observables.items) await out.line(`    ${o.ioc ? 'IOC ' : '    '}${o.type.padEnd(7)} ${o.value}  (${o.alerts} alert(s), ${o.events} event(s)${o.records ? `, ${o.records} kept record(s)` : ''})`);
      }
      if (timeline.items.length) {
        await out.line('  timeline (newest first):');
        for (const t of timeline.items) await out.line(`    ${when(t.ts)}  ${t.kind.padEnd(8)} ${t.title}${t.actor ? ` (${t.actor})` : ''}`);
      }
      for (const n of notes) await out.line(`  note #${n.id} by ${n.created_by} at ${when(n.created_at)}:\n    ${n.body.split('\n').join('\n    ')}`);
      for (const e of evidence) await out.line(`  evidence #${e.id} ${e.name}  ${e.size} bytes  sha256 ${e.sha256}`);
      for (const r of records.items) await out.line(`  record ${r.record_id} ${when(r.ts)}  ${r.title}  sha256 ${r.sha256}`);
      if (records.total > records.items.length) await out.line(`  (${records.total - records.items.length} more kept records: vigil cases export ${id} --format json)`);
      for (const f of findings) await out.line(`  finding #${f.id} ${f.severity.toUpperCase()}  ${f.host ?? '-'}  ${f.status}  ${f.title}${f.cves.length ? `  ${f.cves.join(' ')}` : ''}`);
      return 0;
    }

    // export
    const format = args.str('format');
    if (format !== 'json' && format !== 'csv') throw new UsageError('export needs --format json or csv', 'cases');
    const outPath = args.str('output');
    // --output FILE goes through the same writer as stdout: backpressure, every byte
    const dest = outPath ? await Output.toFile(outPath) : out;
    const write = (text: string) => dest.write(text);
    try {
      if (format === 'csv') {
        await write(`${ALERT_CSV_COLUMNS.join(',')}\r\n`);
        for (const page of s.casesRepo.alertPages(id)) await write(page.map(alertCsvRow).join(''));
      } else {
        // one JSON document, written piece by piece so a 10,000-alert case never sits in memory twice
        await write(`{\n"case": ${jsonText(detail)},\n"alerts": [`);
        let n = 0;
        for (const page of s.casesRepo.alertPages(id)) {
          await write(page.map((a) => `${n++ ? ',' : ''}\n${jsonText(a)}`).join(''));
        }
        await write('\n],\n"observables": [');
        n = 0;
        for (const o of s.casesRepo.iterateObservables(id)) await write(`${n++ ? ',' : ''}\n${jsonText(o)}`);
        const timeline: unknown[] = [];
        let cursor: string | undefined;
        do {
          const page = await call<TimelineResponse>(app, 'cases.timeline', { id, order: 'asc', limit: 2000, ...(cursor ? { cursor } : {}) });
          timeline.push(...page.items);
          cursor = page.next ?? undefined;
        } while (cursor);
        await write(`\n],\n"timeline": ${jsonText(timeline)},\n"notes": ${jsonText(await call(app, 'cases.notes', { id }))},\n`);
        await write(`"evidence": ${jsonText([...s.casesRepo.iterateEvidence(id)])},\n"records": [`);
        // up to 10,000 copies from one Keep all, each with its raw line: written one by one
        n = 0;
        for (const r of s.casesRepo.iterateRecords(id)) await write(`${n++ ? ',' : ''}\n${jsonText(r)}`);
        await write(`\n],\n"history": ${jsonText(await call(app, 'cases.history', { id, limit: 5000 }))}\n}\n`);
      }
    } finally {
      if (outPath) await dest.end();
    }
    if (outPath) process.stderr.write(`exported case #${id} (${detail.alert_count} alert(s)) to ${outPath}\n`);
    return 0;
  } finally {
    await app.close();
  }
}
