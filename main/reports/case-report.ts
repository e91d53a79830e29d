import crypto from 'node:crypto';
import { ALERT_STATUSES, type CaseDetail } from '../contract/index.js';
import type { CasesService } from '../cases/service.js';
import { CASE_STATUS_LABEL, RESOLUTION_LABEL } from '../cases/service.js';
import type { CasesRepo } from '../store/cases-repo.js';
import type { ReportsRepo } from '../store/reports-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import type { ReportPlan, ReportWriter } from './builder.js';
import { ALERT_CSV_COLUMNS, alertCsvValues } from './csv.js';
import { SECTION_END, empty, esc, kpis, num, sectionStart, sevBadge, tableRow, tableStart, utc, type Column } from './html.js';
import { renderMarkdown } from './markdown.js';
import { safeName } from './output.js';
import { severityBar } from './svg.js';

/** Timeline items that are alerts, printed at most (the Alerts section and timeline.csv have all). */
const TIMELINE_ALERTS_PRINTED = 500;
/** Raw events printed as an excerpt: the first few of each alert (evidence/events.ndjson has all). */
const EVENTS_PER_ALERT_PRINTED = 2;
const EVENTS_PRINTED = 300;
/** Attachment text printed in the report (the file beside it has all of it). */
const ATTACHMENT_PRINTED_BYTES = 64 * 1024;
const RAW_PRINTED_CHARS = 2000;
/** Kept sensor records printed with their raw line (evidence/records.ndjson has all). */
const RECORDS_PRINTED = 300;

export interface CaseReportDeps {
  cases: CasesService;
  casesRepo: CasesRepo;
  reports: ReportsRepo;
  audit: AuditRepo;
}

/**
 * One kind of evidence in the Evidence section: text the analyst attached, the raw events of the
 * case's alerts, and the sensor records kept with the case (flows, DNS, HTTP, TLS, files).
 */
interface EvidenceSource {
  id: string;
  title: string;
  count: number;
  write(w: ReportWriter): Promise<void>;
}

function attachments(d: CaseReportDeps, c: CaseDetail): EvidenceSource {
  return {
    id: 'evidence-files',
    title: 'Attached files and text',
    count: c.evidence_count,
    async write(w) {
      const cols: Column[] = [{ label: 'ID', cls: 'n' }, { label: 'Name' }, { label: 'Size', cls: 'n' }, { label: 'SHA-256 (at attach time)', cls: 'mono' }, { label: 'Added' }, { label: 'File in this report', cls: 'mono' }];
      const items: { id: number; name: string; path: string; content: string; ok: boolean; description: string | null }[] = [];
      await w.tableStart(tableStart(cols));
      for (const e of d.casesRepo.iterateEvidence(c.id)) {
        const rel = `evidence/${e.id}-${safeName(e.name)}`;
        const sink = w.file(rel, e.media_type);
        await sink.write(e.content);
        // the stored hash was taken when the text was attached: a difference means the database changed
        const now = crypto.createHash('sha256').update(e.content, 'utf8').digest('hex');
        const ok = now === e.sha256;
        await w.write(
          tableRow(cols, [
            String(e.id),
            esc(e.name),
            num(e.size),
            `${esc(e.sha256)}${ok ? '' : ' <strong>(differs from the stored text: altered after it was attached)</strong>'}`,
            `${esc(e.added_by)}<br>${utc(e.added_at)}`,
            esc(rel),
          ]),
        );
        if (items.length < 50) items.push({ id: e.id, name: e.name, path: rel, content: e.content.slice(0, ATTACHMENT_PRINTED_BYTES), ok, description: e.description });
        w.count('evidence_files');
        await w.tick();
      }
      await w.tableEnd();
      for (const it of items) {
        await w.write(`<h3>#${it.id} ${esc(it.name)}</h3>${it.description ? `<p>${esc(it.description)}</p>` : ''}<pre class="raw">${esc(it.content)}</pre>`);
        if (it.content.length >= ATTACHMENT_PRINTED_BYTES) await w.write(`<p class="faint">Shortened here; the whole text is ${esc(it.path)}.</p>`);
      }
    },
  };
}

/** A raw line as the report prints it: its first RAW_PRINTED_CHARS characters (the files beside it have all). */
function printedRaw(raw: string): string {
  return raw.length > RAW_PRINTED_CHARS ? `${raw.slice(0, RAW_PRINTED_CHARS)}…` : raw;
}

function rawEvents(d: CaseReportDeps, c: CaseDetail): EvidenceSource {
  return {
    id: 'evidence-events',
    title: 'Raw events of the alerts',
    count: c.event_count,
    async write(w) {
      // every retained event, exactly as received, one JSON line each
      const sink = w.file('evidence/events.ndjson', 'application/x-ndjson');
      for (const page of d.reports.iterateCaseEvents(c.id)) {
        let chunk = '';
        for (const e of page) chunk += `${JSON.stringify({ id: e.id, alert_id: e.alert_id, ts: e.ts, source: e.source, file: e.file, line: e.line, raw: e.raw })}\n`;
        await sink.write(chunk);
        w.count('events', page.length);
        await w.tick(page.length);
      }
      const excerpt = d.reports.caseEventExcerpt(c.id, EVENTS_PER_ALERT_PRINTED, EVENTS_PRINTED);
      await w.write(
        `<p>${num(c.event_count)} raw event(s) are retained for the case's alerts (held from retention while the alert is in a case). All of them are in <code>evidence/events.ndjson</code>, exactly as received; printed here: the first ${EVENTS_PER_ALERT_PRINTED} of each alert, ${num(excerpt.length)} in all.</p>`,
      );
      for (const e of excerpt) {
        const raw = printedRaw(e.raw);
        const origin = `${e.source}${e.file ? ` ${e.file}${e.line !== null ? `:${e.line}` : ''}` : ''}`;
        await w.rows(`<div class="ev"><div class="meta">Event ${e.id} · alert #${e.alert_id} · ${utc(e.ts)} · ${esc(origin)}</div><pre class="raw">${esc(raw)}</pre></div>\n`);
      }
    },
  };
}

function keptRecords(d: CaseReportDeps, c: CaseDetail): EvidenceSource {
  return {
    id: 'evidence-records',
    title: 'Sensor records kept with the case',
    count: c.record_count,
    async write(w) {
      const sink = w.file('evidence/records.ndjson', 'application/x-ndjson');
      const printed: { meta: string; raw: string }[] = [];
      let altered = 0;
      for (const r of d.casesRepo.iterateRecords(c.id)) {
        await sink.write(`${JSON.stringify({ record_id: r.record_id, ts: r.ts, event_type: r.event_type, sensor: r.sensor, source: r.source_id, file: r.file, sha256: r.sha256, kept_at: r.added_at, kept_by: r.added_by, raw: r.raw })}\n`);
        // the hash was taken when the record was kept: a difference means the database changed
        const ok = crypto.createHash('sha256').update(r.raw, 'utf8').digest('hex') === r.sha256;
        if (!ok) altered++;
        if (printed.length < RECORDS_PRINTED) {
          const raw = printedRaw(r.raw);
          const meta = `Record ${r.record_id} · ${esc(r.event_type)} · ${utc(r.ts)} · ${esc(r.source_id)}${r.file ? ` ${esc(r.file)}` : ''} · kept by ${esc(r.added_by)} ${utc(r.added_at)} · SHA-256 ${esc(r.sha256)}${ok ? '' : ' <strong>(differs from the stored line: altered after it was kept)</strong>'}`;
          printed.push({ meta, raw });
        }
        w.count('records');
        await w.tick();
      }
      await w.write(
        `<p>${num(c.record_count)} sensor record(s) were kept with the case from hunts and alert evidence: copies taken when they were kept, with the SHA-256 of each raw line, held whatever the record store's retention. All of them are in <code>evidence/records.ndjson</code>; printed here: ${num(printed.length)}.${altered > 0 ? ` <strong>${num(altered)} differ from their hash.</strong>` : ''}</p>`,
      );
      for (const p of printed) await w.rows(`<div class="ev"><div class="meta">${p.meta}</div><pre class="raw">${esc(p.raw)}</pre></div>\n`);
    },
  };
}

const ALERT_COLS: Column[] = [
  { label: 'ID', cls: 'n' },
  { label: 'Last seen (UTC)', cls: 'nw' },
  { label: 'Severity', cls: 'nw' },
  { label: 'Pri', cls: 'nw' },
  { label: 'Status', cls: 'nw' },
  { label: 'Risk', cls: 'n' },
  { label: 'Count', cls: 'n' },
  { label: 'Source → destination', cls: 'mono' },
  { label: 'Title' },
  { label: 'ATT&CK', cls: 'mono' },
];

export function caseReport(d: CaseReportDeps, c: CaseDetail): ReportPlan {
  const evidence = [attachments(d, c), rawEvents(d, c), keptRecords(d, c)];
  const toc = [
    { id: 'summary', title: 'Summary' },
    { id: 'timeline', title: 'Timeline' },
    { id: 'alerts', title: `Alerts (${num(c.alert_count)})` },
    { id: 'observables', title: `Observables (${num(c.observable_count)})` },
    { id: 'evidence', title: 'Evidence' },
    { id: 'notes', title: `Notes (${num(c.note_count)})` },
    ...(c.finding_count > 0 ? [{ id: 'findings', title: 'Findings' }] : []),
    { id: 'activity', title: 'Activity log' },
  ];
  const status = `${CASE_STATUS_LABEL[c.status]}${c.resolution ? ` — ${RESOLUTION_LABEL[c.resolution]}` : ''}`;
  return {
    title: `Case #${c.id}: ${c.title}`,
    subtitle: 'Case report',
    tlp: c.tlp,
    about: [
      ['Case', `#${c.id} ${esc(c.title)}`],
      ['Status', esc(status)],
      ['Severity', sevBadge(c.severity)],
      ['Assignee', esc(c.assignee ?? '—')],
      ['Tags', esc(c.tags.join(', ') || '—')],
      ['Opened', `${utc(c.created_at)} by ${esc(c.created_by)}`],
      ['Closed', c.closed_at ? utc(c.closed_at) : '—'],
      ['Activity span', c.first_seen ? `${utc(c.first_seen)} → ${utc(c.last_seen)}` : '—'],
    ],
    toc,
    total: c.alert_count * 2 + c.observable_count + c.event_count + c.note_count + c.evidence_count + 50,
    async write(w) {
      // ---------- summary ----------
      await w.write(sectionStart('summary', 'Summary', false));
      await w.write(
        kpis([
          { label: 'alerts', value: num(c.alert_count) },
          { label: 'raw events retained', value: num(c.event_count) },
          { label: 'observables', value: num(c.observable_count) },
          { label: 'indicators of compromise', value: num(c.ioc_count) },
        ]),
      );
      await w.write(`<h3>Description</h3>${c.description.trim() ? `<div class="md">${renderMarkdown(c.description)}</div>` : empty('No description.')}`);
      if (c.status === 'closed') {
        await w.write(`<h3>Closure</h3><p><strong>${esc(c.resolution ? RESOLUTION_LABEL[c.resolution] : '')}</strong> at ${utc(c.closed_at)}${c.merged_into ? ` (merged into case #${c.merged_into})` : ''}</p>`);
        if (c.closure_note) await w.write(`<div class="md">${renderMarkdown(c.closure_note)}</div>`);
      }
      await w.write(`<h3>Alerts by severity</h3>${severityBar(c.alerts_by_severity)}`);
      await w.write('<div class="cols"><div><h3>Alerts by status</h3>');
      const two: Column[] = [{ label: 'Status' }, { label: 'Alerts', cls: 'n' }];
      await w.tableStart(tableStart(two));
      for (const st of ALERT_STATUSES) if (c.alerts_by_status[st] > 0) await w.rows(tableRow(two, [esc(st), num(c.alerts_by_status[st])]));
      await w.tableEnd();
      await w.write('</div><div><h3>ATT&amp;CK techniques</h3>');
      if (c.techniques.length === 0) await w.write(empty('No technique recorded on these alerts.'));
      else {
        const tc: Column[] = [{ label: 'Technique', cls: 'mono' }, { label: 'Name' }, { label: 'Alerts', cls: 'n' }];
        await w.tableStart(tableStart(tc));
        for (const t of c.techniques) await w.rows(tableRow(tc, [esc(t.id), esc(t.name), num(t.alerts)]));
        await w.tableEnd();
      }
      await w.write('</div></div>');
      await w.write(`<p class="faint">Scan findings linked: ${num(c.finding_count)}${c.finding_count === 0 ? ' (the Findings section is left out)' : ''}.</p>`);
      await w.write(SECTION_END);

      // ---------- timeline ----------
      await w.write(sectionStart('timeline', 'Timeline'));
      const tcols: Column[] = [{ label: 'Time (UTC)', cls: 'nw' }, { label: 'Kind' }, { label: 'What' }, { label: 'Who' }];
      const tcsv = await w.csv('timeline.csv', ['ts', 'kind', 'title', 'body', 'actor', 'ref', 'severity']);
      await w.tableStart(tableStart(tcols));
      let alertsPrinted = 0;
      let alertsLeft = 0;
      let cursor: string | undefined;
      do {
        const page = d.cases.timeline(c.id, { limit: 1000, order: 'asc', ...(cursor ? { cursor } : {}) });
        for (const it of page.items) {
          await tcsv?.row([it.ts, it.kind, it.title, it.body, it.actor, it.ref, it.severity]);
          w.count('timeline');
          if (it.kind === 'alert' && alertsPrinted >= TIMELINE_ALERTS_PRINTED) {
            alertsLeft++;
            continue;
          }
          if (it.kind === 'alert') alertsPrinted++;
          const body = it.body ? (it.kind === 'note' ? `<div class="md">${renderMarkdown(it.body)}</div>` : `<div class="muted">${esc(it.body.length > 600 ? `${it.body.slice(0, 600)}…` : it.body)}</div>`) : '';
          await w.rows(tableRow(tcols, [utc(it.ts), esc(it.kind), `${it.severity ? `${sevBadge(it.severity)} ` : ''}${esc(it.title)}${body}`, esc(it.actor ?? '')]));
        }
        await w.tick(page.items.length);
        cursor = page.next ?? undefined;
      } while (cursor);
      await w.tableEnd();
      if (alertsLeft > 0) await w.write(`<p class="faint">${num(alertsLeft)} more alert(s) first seen in this period are not printed here: see the Alerts section${w.wantsCsv ? ' and timeline.csv' : ''}.</p>`);
      await w.write(SECTION_END);

      // ---------- alerts ----------
      await w.write(sectionStart('alerts', `Alerts (${num(c.alert_count)})`));
      const acsv = await w.csv('alerts.csv', ALERT_CSV_COLUMNS);
      if (c.alert_count === 0) await w.write(empty('No alert is linked to this case.'));
      else {
        await w.tableStart(tableStart(ALERT_COLS));
        for (const items of d.casesRepo.alertPages(c.id)) {
          let chunk = '';
          for (const a of items) {
            chunk += tableRow(ALERT_COLS, [
              String(a.id),
              utc(a.last_seen).replace(' UTC', ''),
              sevBadge(a.severity),
              a.priority,
              esc(a.status),
              String(a.risk_score),
              num(a.count),
              esc(`${a.src_ip ?? '—'} → ${a.dst_ip ?? '—'}${a.dst_port !== null ? `:${a.dst_port}` : ''}`),
              esc(a.title),
              esc(a.technique_ids.join(' ')),
            ]);
            if (acsv) await acsv.row(alertCsvValues(a));
          }
          await w.rows(chunk, items.length);
          w.count('alerts', items.length);
          await w.tick(items.length);
        }
        await w.tableEnd();
      }
      await w.write(SECTION_END);

      // ---------- observables ----------
      await w.write(sectionStart('observables', `Observables (${num(c.observable_count)})`));
      const ocsv = await w.csv('observables.csv', ['type', 'value', 'ioc', 'alerts', 'events', 'records', 'origin', 'description', 'created_at', 'created_by']);
      if (c.observable_count === 0) await w.write(empty('No observable.'));
      else {
        await w.write(`<p>Indicators of compromise first. "Alerts" and "events": in how many of the case's alerts, and of their raw events, the value was seen.</p>`);
        const ocols: Column[] = [{ label: 'Type' }, { label: 'Value', cls: 'mono' }, { label: 'IOC' }, { label: 'Alerts', cls: 'n' }, { label: 'Events', cls: 'n' }, { label: 'Records', cls: 'n' }, { label: 'Origin' }, { label: 'Description' }];
        await w.tableStart(tableStart(ocols));
        let chunk = '';
        let n = 0;
        for (const o of d.casesRepo.iterateObservables(c.id)) {
          chunk += tableRow(ocols, [esc(o.type), esc(o.value), o.ioc ? '<span class="ioc">IOC</span>' : '', num(o.alerts), num(o.events), num(o.records), esc(o.origin), esc(o.description ?? '')]);
          await ocsv?.row([o.type, o.value, o.ioc, o.alerts, o.events, o.records, o.origin, o.description, o.created_at, o.created_by]);
          if (++n % 500 === 0) {
            await w.rows(chunk, 500);
            chunk = '';
            await w.tick(500);
          }
        }
        await w.rows(chunk, n % 500);
        w.count('observables', n);
        await w.tableEnd();
      }
      await w.write(SECTION_END);

      // ---------- evidence ----------
      await w.write(sectionStart('evidence', 'Evidence'));
      for (const src of evidence) {
        await w.write(`<h3 id="${src.id}">${esc(src.title)} (${num(src.count)})</h3>`);
        if (src.count === 0) await w.write(empty('None.'));
        else await src.write(w);
      }
      await w.write(SECTION_END);

      // ---------- notes ----------
      await w.write(sectionStart('notes', `Notes (${num(c.note_count)})`));
      const ncsv = await w.csv('notes.csv', ['id', 'created_at', 'created_by', 'updated_at', 'body']);
      let notes = 0;
      for (const n of d.casesRepo.iterateNotes(c.id)) {
        await w.rows(
          `<div class="note"><div class="meta">Note #${n.id} · ${esc(n.created_by)} · ${utc(n.created_at)}${n.updated_at !== n.created_at ? ` · edited ${utc(n.updated_at)}` : ''}</div><div class="md">${renderMarkdown(n.body)}</div></div>\n`,
        );
        await ncsv?.row([n.id, n.created_at, n.created_by, n.updated_at, n.body]);
        notes++;
        await w.tick();
      }
      if (notes === 0) await w.write(empty('No note.'));
      w.count('notes', notes);
      await w.write(SECTION_END);

      // ---------- findings ----------
      if (c.finding_count > 0) {
        await w.write(sectionStart('findings', 'Findings'));
        const fcols: Column[] = [{ label: 'ID', cls: 'n' }, { label: 'Severity', cls: 'nw' }, { label: 'Host', cls: 'mono' }, { label: 'Title' }, { label: 'CVE', cls: 'mono' }, { label: 'Status', cls: 'nw' }];
        const fcsv = await w.csv('findings.csv', ['id', 'severity', 'host', 'title', 'cves', 'status']);
        await w.tableStart(tableStart(fcols));
        for (const f of d.casesRepo.linkedFindings(c.id)) {
          await w.rows(tableRow(fcols, [String(f.id), sevBadge(f.severity), esc(f.host ?? '—'), esc(f.title), esc(f.cves.join(' ') || '—'), esc(f.status.replace('_', ' '))]));
          await fcsv?.row([f.id, f.severity, f.host, f.title, f.cves.join(' '), f.status]);
          w.count('findings');
        }
        await w.tableEnd();
        await w.write(SECTION_END);
      }

      // ---------- activity ----------
      await w.write(sectionStart('activity', 'Activity log'));
      await w.write('<p>Every change made to the case, from the audit log (oldest first).</p>');
      const hcols: Column[] = [{ label: 'Entry', cls: 'n' }, { label: 'Time (UTC)', cls: 'nw' }, { label: 'Who' }, { label: 'Action', cls: 'mono' }, { label: 'Details', cls: 'mono' }];
      const hcsv = await w.csv('activity.csv', ['id', 'ts', 'actor', 'action', 'details']);
      await w.tableStart(tableStart(hcols));
      for (const e of d.audit.forTarget('case', String(c.id), '', 100_000)) {
        const details = JSON.stringify(e.details);
        await w.rows(tableRow(hcols, [String(e.id), utc(e.ts), esc(e.actor), esc(e.action), esc(details.length > 400 ? `${details.slice(0, 400)}…` : details)]));
        await hcsv?.row([e.id, e.ts, e.actor, e.action, details]);
        w.count('activity');
      }
      await w.tableEnd();
      await w.write(SECTION_END);
    },
  };
}

