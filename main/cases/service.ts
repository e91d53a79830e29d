import crypto from 'node:crypto';
import {
  ContractError,
  type AlertStatus,
  type BulkTarget,
  type CaseDetail,
  type CaseFilter,
  type CaseNote,
  type CaseCursor,
  type CaseRecordCursor,
  type CaseRecordsAddResponse,
  type EventDetail,
  type CasePatch,
  type CaseResolution,
  type CaseStatus,
  type NewCase,
  type ObservableType,
  type TimelineItem,
  type TimelineResponse,
} from '../contract/index.js';
import type { AlertsRepo } from '../store/alerts-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import { InvalidFilterError } from '../store/alerts-repo.js';
import type { CasesRepo, NoteRow, Sighting, TimelineCursor, TimelineRow } from '../store/cases-repo.js';
import { renderMarkdown } from '../reports/markdown.js';
import { parseObject } from '../store/json.js';
import type { AttackTable } from '../pipeline/detect/attack.js';
import type { EventBus } from '../core/events.js';
import type { Logger } from '../core/logger.js';
import { recordTitle } from '../hunt/describe.js';
import { Collector, extractFromAlert, extractFromRaw, extractFromText, normalizeObservable, observableProblem } from './observables.js';

/** Alerts per transaction in an escalation: short enough that the pipeline never waits long. */
const ESCALATE_CHUNK = 500;

/** Alert status set by closing a case with this resolution (when its alerts are closed too). */
const ALERT_STATUS_ON_CLOSE: Record<CaseResolution, AlertStatus> = {
  true_positive: 'RESOLVED',
  false_positive: 'FALSE_POSITIVE',
  benign: 'RESOLVED',
  duplicate: 'RESOLVED',
};

export const RESOLUTION_LABEL: Record<CaseResolution, string> = {
  true_positive: 'true positive',
  false_positive: 'false positive',
  benign: 'benign',
  duplicate: 'duplicate',
};

export const CASE_STATUS_LABEL: Record<CaseStatus, string> = { open: 'open', in_progress: 'in progress', closed: 'closed' };

function withHtml(n: NoteRow): CaseNote {
  return { ...n, html: renderMarkdown(n.body) };
}

function notFound(what: string, id: number): never {
  throw new ContractError('NOT_FOUND', `${what} ${id} does not exist`);
}

/** Typed values seen in one alert (its fields and each retained raw event), with event counts. */
export function sightingsOfAlert(alert: Parameters<typeof extractFromAlert>[0], raws: Iterable<string>): Sighting[] {
  const counts = new Map<string, Sighting>();
  for (const raw of raws) {
    for (const f of extractFromRaw(raw).values()) {
      const key = `${f.type}\u0000${f.value}`;
      const s = counts.get(key);
      if (s) s.events++;
      else counts.set(key, { ...f, events: 1 });
    }
  }
  for (const f of extractFromAlert(alert).values()) {
    const key = `${f.type}\u0000${f.value}`;
    if (!counts.has(key)) counts.set(key, { ...f, events: 0 });
  }
  return [...counts.values()];
}

function short(v: unknown, max = 80): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Words an audited change of a case for the timeline. */
export function describeActivity(action: string, d: Record<string, unknown>): { title: string; body: string | null } {
  switch (action) {
    case 'case.create':
      return { title: 'Case created', body: null };
    case 'case.update': {
      const changes = (d['changes'] ?? {}) as Record<string, { from: unknown; to: unknown }>;
      const parts = Object.entries(changes).map(([k, c]) => (k === 'description' ? 'description' : `${k} ${short(c.from ?? '—', 40)} → ${short(c.to ?? '—', 40)}`));
      return { title: `Changed ${parts.join(', ')}`, body: null };
    }
    case 'case.status': {
      const res = typeof d['resolution'] === 'string' ? ` (${RESOLUTION_LABEL[d['resolution'] as CaseResolution] ?? d['resolution']})` : '';
      const from = CASE_STATUS_LABEL[d['from'] as CaseStatus] ?? String(d['from']);
      const to = CASE_STATUS_LABEL[d['to'] as CaseStatus] ?? String(d['to']);
      return { title: `Status ${from} → ${to}${res}`, body: typeof d['note'] === 'string' ? d['note'] : null };
    }
    case 'case.alerts.add':
      return { title: `${d['added'] ?? 0} alert(s) escalated to the case${Number(d['moved'] ?? 0) > 0 ? `, ${d['moved']} moved from other cases` : ''}`, body: null };
    case 'case.alerts.remove':
      return { title: `${d['count'] ?? 0} alert(s) detached`, body: Array.isArray(d['alert_ids']) ? `Alerts ${(d['alert_ids'] as number[]).slice(0, 20).map((i) => `#${i}`).join(', ')}` : null };
    case 'case.alerts.move':
      return { title: `${d['count'] ?? 0} alert(s) moved to case #${d['to_case_id']}`, body: null };
    case 'case.alerts.moved_in':
      return { title: `${d['count'] ?? 0} alert(s) moved here from case #${d['from_case_id']}`, body: null };
    case 'case.findings.add':
      return { title: `${d['count'] ?? 0} finding(s) linked`, body: Array.isArray(d['finding_ids']) ? `Findings ${(d['finding_ids'] as number[]).slice(0, 20).map((i) => `#${i}`).join(', ')}` : null };
    case 'case.findings.remove':
      return { title: `${d['count'] ?? 0} finding(s) unlinked`, body: Array.isArray(d['finding_ids']) ? `Findings ${(d['finding_ids'] as number[]).slice(0, 20).map((i) => `#${i}`).join(', ')}` : null };
    case 'case.merge':
      return { title: `Case #${d['from_case_id']} merged into this case (${d['alerts'] ?? 0} alerts)`, body: null };
    case 'case.observable.add':
      return { title: `Observable added: ${d['type']} ${short(d['value'])}${d['ioc'] ? ' (IOC)' : ''}`, body: typeof d['description'] === 'string' ? d['description'] : null };
    case 'case.observable.update': {
      const ioc = d['ioc'] as { from: boolean; to: boolean } | undefined;
      const flag = ioc && ioc.from !== ioc.to ? (ioc.to ? ' flagged as IOC' : ' no longer an IOC') : ' updated';
      return { title: `Observable ${d['type']} ${short(d['value'])}${flag}`, body: null };
    }
    case 'case.observable.remove':
      return { title: `Observable removed: ${d['type']} ${short(d['value'])}`, body: null };
    case 'case.note.edit':
      return { title: `Note #${d['note_id']} edited`, body: null };
    case 'case.note.remove':
      return { title: `Note #${d['note_id']} deleted`, body: null };
    case 'case.evidence.add':
      return { title: `Evidence attached: ${short(d['name'])} (${d['size']} bytes, SHA-256 ${String(d['sha256']).slice(0, 16)}…)`, body: null };
    case 'case.evidence.remove':
      return { title: `Evidence removed: ${short(d['name'])}`, body: null };
    case 'case.records.add':
      return { title: `${d['count'] ?? 0} sensor record(s) kept with the case`, body: Array.isArray(d['record_ids']) ? `Record ids ${(d['record_ids'] as number[]).slice(0, 20).join(', ')}` : null };
    case 'case.records.remove': {
      const gone = Array.isArray(d['records']) ? (d['records'] as { record_id: number; event_type: string }[]) : [];
      return { title: `${d['count'] ?? 0} kept sensor record(s) let go`, body: gone.length ? `Record ids ${gone.slice(0, 20).map((r) => `${r.record_id} (${r.event_type})`).join(', ')}` : null };
    }
    case 'case.timeline.edit': {
      // what it said and what it says: the title in the line, a new time or new details below it
      const from = (d['from'] ?? {}) as { ts?: unknown; title?: unknown; body?: unknown };
      const to = (d['to'] ?? {}) as { ts?: unknown; title?: unknown; body?: unknown };
      const text = (v: unknown) => (typeof v === 'string' && v !== '' ? short(v) : '(none)');
      const lines = [
        ...('ts' in to ? [`Time: ${text(from.ts)} → ${text(to.ts)}`] : []),
        ...('body' in to ? [`Details: ${text(from.body)} → ${text(to.body)}`] : []),
      ];
      const what = 'title' in to ? `: ${text(from.title)} → ${text(to.title)}` : ` (${[...('ts' in to ? ['time'] : []), ...('body' in to ? ['details'] : [])].join(', ')})`;
      return { title: `Timeline entry #${d['entry_id']} edited${what}`, body: lines.length ? lines.join('\n') : null };
    }
    case 'case.timeline.remove':
      return { title: `Timeline entry removed: ${short(d['title'])}`, body: null };
    case 'report.create':
      return { title: `Report written (${Array.isArray(d['formats']) ? (d['formats'] as string[]).join(', ') : ''})`, body: typeof d['dir'] === 'string' ? d['dir'] : null };
    default:
      return { title: action, body: null };
  }
}

function encodeCursor(c: TimelineCursor): string {
  return Buffer.from(JSON.stringify([c.ts, c.kind, c.ref])).toString('base64url');
}

function decodeCursor(s: string): TimelineCursor {
  try {
    const [ts, kind, ref] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as [unknown, unknown, unknown];
    if (typeof ts === 'string' && typeof kind === 'string' && typeof ref === 'number') return { ts, kind, ref };
  } catch {
    // fall through
  }
  throw new ContractError('BAD_REQUEST', 'cursor: not a cursor this timeline gave');
}

/**
 * Cases: escalation of alerts (listed or everything matching, as a job with progress), merge,
 * detach and move, observables extracted from alerts and evidence, notes, evidence, the timeline.
 * Every change goes through CasesRepo, which audits it in the same transaction.
 */
export class CasesService {
  private readonly jobs = new Set<string>();

  constructor(
    private readonly repo: CasesRepo,
    private readonly alerts: AlertsRepo,
    private readonly audit: AuditRepo,
    private readonly attack: AttackTable | null,
    private readonly bus: EventBus,
    private readonly logger: Logger,
  ) {}

  private changed(ids: number[], reason: string): void {
    this.bus.emit('cases.changed', { ids, reason });
  }

  private need(id: number) {
    const c = this.repo.get(id);
    if (!c) notFound('case', id);
    return c;
  }

  private needOpen(id: number, doing: string) {
    const c = this.need(id);
    if (c.status === 'closed') throw new ContractError('CONFLICT', `case #${id} is closed; reopen it before ${doing}`);
    return c;
  }

  // ---------- cases ----------
  detail(id: number): CaseDetail {
    const c = this.need(id);
    const { technique_counts, ...figures } = this.repo.detailFigures(id);
    return {
      ...c,
      ...figures,
      techniques: technique_counts.map((t) => ({ ...t, name: this.attack?.technique(t.id)?.name ?? t.id })),
    };
  }

  list(filter: CaseFilter, limit: number, after?: CaseCursor) {
    return this.repo.list(filter, limit, after);
  }

  create(c: NewCase, actor: string): CaseDetail {
    const id = this.repo.create(c, actor);
    this.changed([id], 'created');
    return this.detail(id);
  }

  update(id: number, patch: CasePatch, actor: string): CaseDetail {
    this.need(id);
    if (this.repo.update(id, patch, actor)) this.changed([id], 'updated');
    return this.detail(id);
  }

  /**
   * Opens, starts or closes a case. Closing needs a resolution; with close_alerts, the case's alerts
   * still open are closed with it (one audited status change each, the note naming the case).
   */
  setStatus(id: number, status: CaseStatus, resolution: CaseResolution | null, note: string | null, closeAlerts: boolean, actor: string): CaseDetail {
    const before = this.need(id);
    if (before.merged_into !== null && status !== 'closed') throw new ContractError('CONFLICT', `case #${id} was merged into case #${before.merged_into}; work on that one`);
    let closedAlerts = 0;
    if (status === 'closed' && resolution && closeAlerts) {
      const alertStatus = ALERT_STATUS_ON_CLOSE[resolution];
      const why = `case #${id} closed as ${RESOLUTION_LABEL[resolution]}${note ? `: ${note}` : ''}`;
      let after = 0;
      for (;;) {
        const chunk = this.repo.alertIdsAfter(id, after, 1000);
        if (chunk.length === 0) break;
        after = chunk[chunk.length - 1]!;
        const open = this.repo.untouchedAlerts(chunk, ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING']);
        if (open.length > 0) closedAlerts += this.alerts.setStatusMany(open, alertStatus, actor, why, `case-${id}`);
      }
    }
    this.repo.setStatus(id, status, resolution, note, actor, status === 'closed' ? { alerts_closed: closedAlerts } : {});
    if (closedAlerts > 0) this.bus.emit('alerts.changed', { reason: 'bulk', ids: [], total: closedAlerts });
    this.changed([id], 'status');
    return this.detail(id);
  }

  // ---------- escalation ----------
  /**
   * Escalates alerts into a case (created here when new). Runs as a job: chunks of 500 alerts, each
   * linked, its observables extracted and its status moved on in one transaction per step.
   */
  escalate(
    target: BulkTarget,
    into: { id: number } | { new: NewCase },
    move: boolean,
    alertStatus: AlertStatus | null,
    actor: string,
  ): { job_id: string; total: number; case_id: number } {
    let ids: number[];
    try {
      ids = 'ids' in target ? [...new Set(target.ids)] : this.repo.alertIdsMatching(target.filter);
    } catch (err) {
      if (err instanceof InvalidFilterError) throw new ContractError('BAD_REQUEST', err.message);
      throw err;
    }
    const caseId = 'id' in into ? this.needOpen(into.id, 'escalating alerts to it').id : this.repo.create(into.new, actor);
    const job_id = crypto.randomUUID();
    const total = ids.length;
    this.jobs.add(job_id);
    const emit = (done: number, state: 'running' | 'done' | 'failed', message: string | null) =>
      this.bus.emit('jobs.progress', { job_id, kind: 'cases.escalate', done, total, state, message });
    let done = 0;
    const outcome = { added: 0, moved: 0, skipped: 0 };
    const fromCases = new Set<number>();
    const step = () => {
      try {
        const chunk = ids.slice(done, done + ESCALATE_CHUNK);
        if (chunk.length > 0) {
          const r = this.linkChunk(caseId, chunk, actor, move, alertStatus, job_id);
          outcome.added += r.added;
          outcome.moved += r.moved;
          outcome.skipped += r.skipped;
          for (const c of r.fromCases) fromCases.add(c);
        }
        done += chunk.length;
        if (done < total) {
          emit(done, 'running', null);
          setImmediate(step);
          return;
        }
        this.jobs.delete(job_id);
        this.audited(caseId, 'case.alerts.add', actor, { job_id, ...outcome, target: 'ids' in target ? { ids: total } : { filter: target.filter } });
        emit(done, 'done', `${outcome.added} alert(s) added to case #${caseId}${outcome.moved ? `, ${outcome.moved} moved` : ''}${outcome.skipped ? `, ${outcome.skipped} skipped (already in a case)` : ''}`);
        this.bus.emit('alerts.changed', { reason: 'bulk', ids: ids.slice(0, 500), total });
        this.changed([caseId, ...fromCases], 'alerts');
      } catch (err) {
        this.jobs.delete(job_id);
        const message = err instanceof Error ? err.message : String(err);
        this.logger.error('escalation failed', { job_id, case_id: caseId, error: message });
        emit(done, 'failed', message);
        this.changed([caseId], 'alerts');
      }
    };
    if ('new' in into) this.changed([caseId], 'created');
    emit(0, 'running', null);
    setImmediate(step);
    return { job_id, total, case_id: caseId };
  }

  /** The same work as one escalation step, synchronously (CLI, tests, merge-free moves). */
  linkChunk(caseId: number, ids: readonly number[], actor: string, move: boolean, alertStatus: AlertStatus | null, jobId: string | null) {
    const r = this.repo.linkAlerts(caseId, ids, actor, move, jobId);
    if (r.linked.length === 0) return r;
    this.extractForAlerts(caseId, r.linked, actor);
    if (alertStatus) {
      const change = alertStatus === 'NEW' ? [] : this.repo.untouchedAlerts(r.linked, ['NEW', 'ACKNOWLEDGED']);
      if (change.length > 0) this.alerts.setStatusMany(change, alertStatus, actor, `escalated to case #${caseId}`, jobId ?? `case-${caseId}`);
    }
    return r;
  }

  /** Extracts the observables of these alerts (fields + retained raw events) into the case. */
  private extractForAlerts(caseId: number, alertIds: readonly number[], actor: string): void {
    const alerts = this.repo.alertsByIds(alertIds);
    this.repo.tx(() => {
      for (const a of alerts) {
        const raws = (function* (events: Iterable<{ raw: string }>) {
          for (const e of events) yield e.raw;
        })(this.repo.eventsOf([a.id]));
        this.repo.addSightings(caseId, 'alert', a.id, sightingsOfAlert({ ...a }, raws), actor);
      }
    });
  }

  /** A case-level audit entry for a change made of many steps (escalation, detach, move). */
  private audited(caseId: number, action: string, actor: string, details: Record<string, unknown>): void {
    this.repo.tx(() => {
      this.repo.touch(caseId);
      this.audit.append({ actor, action, target_type: 'case', target_id: String(caseId), details });
    });
  }

  detach(caseId: number, alertIds: readonly number[], actor: string): number {
    this.need(caseId);
    const removed = this.repo.detachAlerts(caseId, alertIds, actor);
    if (removed.length > 0) {
      this.audited(caseId, 'case.alerts.remove', actor, { count: removed.length, alert_ids: removed.slice(0, 1000) });
      this.changed([caseId], 'alerts');
    }
    return removed.length;
  }

  move(fromId: number, toId: number, alertIds: readonly number[], actor: string): number {
    this.need(fromId);
    this.needOpen(toId, 'moving alerts to it');
    if (fromId === toId) throw new ContractError('BAD_REQUEST', 'the alerts are already in that case');
    const inFrom = new Set(this.repo.casesOfAlerts(alertIds).filter((r) => r.case_id === fromId).map((r) => r.alert_id));
    const ids = alertIds.filter((id) => inFrom.has(id));
    if (ids.length === 0) return 0;
    const r = this.linkChunk(toId, ids, actor, true, null, null);
    this.audited(fromId, 'case.alerts.move', actor, { count: r.moved, to_case_id: toId, alert_ids: ids.slice(0, 1000) });
    this.audited(toId, 'case.alerts.moved_in', actor, { count: r.moved, from_case_id: fromId, alert_ids: ids.slice(0, 1000) });
    this.changed([fromId, toId], 'alerts');
    return r.moved;
  }

  merge(sourceId: number, targetId: number, actor: string): CaseDetail {
    if (sourceId === targetId) throw new ContractError('BAD_REQUEST', 'a case cannot be merged into itself');
    this.need(sourceId);
    this.needOpen(targetId, 'merging into it');
    const source = this.need(sourceId);
    if (source.merged_into !== null) throw new ContractError('CONFLICT', `case #${sourceId} was already merged into case #${source.merged_into}`);
    this.repo.merge(sourceId, targetId, actor);
    this.changed([sourceId, targetId], 'merged');
    return this.detail(targetId);
  }

  /** Links scan findings to an open case; the ids linked now. */
  linkFindings(caseId: number, findingIds: readonly number[], actor: string): number[] {
    this.needOpen(caseId, 'linking findings to it');
    const linked = this.repo.linkFindings(caseId, [...new Set(findingIds)], actor);
    if (linked.length > 0) this.changed([caseId], 'findings');
    return linked;
  }

  unlinkFindings(caseId: number, findingIds: readonly number[], actor: string): number[] {
    this.need(caseId);
    const removed = this.repo.unlinkFindings(caseId, findingIds, actor);
    if (removed.length > 0) this.changed([caseId], 'findings');
    return removed;
  }

  findings(caseId: number) {
    this.need(caseId);
    return this.repo.linkedFindings(caseId);
  }

  forAlerts(ids: readonly number[]) {
    return this.repo.casesOfAlerts(ids);
  }

  alertsPage(caseId: number, limit: number, after?: { k: string | number; id: number }) {
    this.need(caseId);
    return this.repo.alertsPage(caseId, limit, after);
  }

  // ---------- observables ----------
  observables(caseId: number, opts: { type?: ObservableType; ioc?: boolean; text?: string; limit: number; offset: number }) {
    this.need(caseId);
    return this.repo.listObservables(caseId, opts);
  }

  addObservable(caseId: number, type: ObservableType, value: string, ioc: boolean, description: string | null, actor: string) {
    this.need(caseId);
    const problem = observableProblem(type, value);
    if (problem) throw new ContractError('BAD_REQUEST', problem);
    const id = this.repo.addObservable(caseId, type, normalizeObservable(type, value), ioc, description, actor);
    this.changed([caseId], 'observables');
    return this.repo.getObservable(id)!;
  }

  updateObservable(id: number, patch: { ioc?: boolean; description?: string | null }, actor: string) {
    if (!this.repo.updateObservable(id, patch, actor)) notFound('observable', id);
    const o = this.repo.getObservable(id)!;
    this.changed([o.case_id], 'observables');
    return o;
  }

  removeObservable(id: number, actor: string): boolean {
    const o = this.repo.getObservable(id);
    if (!o) return false;
    const removed = this.repo.removeObservable(id, actor);
    if (removed) this.changed([o.case_id], 'observables');
    return removed;
  }

  // ---------- notes ----------
  notes(caseId: number): CaseNote[] {
    this.need(caseId);
    return this.repo.notes(caseId).map(withHtml);
  }

  addNote(caseId: number, body: string, actor: string): CaseNote {
    this.need(caseId);
    const id = this.repo.addNote(caseId, body, actor);
    this.changed([caseId], 'notes');
    return withHtml(this.repo.getNote(id)!);
  }

  editNote(noteId: number, body: string, actor: string): CaseNote {
    if (!this.repo.editNote(noteId, body, actor)) notFound('note', noteId);
    const n = this.repo.getNote(noteId)!;
    this.changed([n.case_id], 'notes');
    return withHtml(n);
  }

  removeNote(noteId: number, actor: string): boolean {
    const n = this.repo.getNote(noteId);
    if (!n) return false;
    this.repo.removeNote(noteId, actor);
    this.changed([n.case_id], 'notes');
    return true;
  }

  // ---------- evidence ----------
  evidence(caseId: number) {
    this.need(caseId);
    return this.repo.evidence(caseId);
  }

  getEvidence(id: number) {
    return this.repo.getEvidence(id) ?? notFound('evidence', id);
  }

  // ---------- kept sensor records ----------
  records(caseId: number, limit: number, after?: CaseRecordCursor) {
    this.need(caseId);
    return this.repo.records(caseId, limit, after);
  }

  /**
   * Keeps copies of sensor records with an open case: each raw line hashed (SHA-256) and mined for
   * observables, as attached text is. `read` fetches the records (the hunt reader, off the main
   * thread); the case is checked before and again after the read, which can take a moment.
   */
  async keepRecords(caseId: number, recordIds: readonly number[], read: (ids: number[]) => Promise<EventDetail[]>, actor: string): Promise<CaseRecordsAddResponse> {
    const doing = 'keeping records in it';
    this.needOpen(caseId, doing);
    const ids = [...new Set(recordIds)];
    const found = await read(ids);
    this.needOpen(caseId, doing);
    const byId = new Map(found.map((r) => [r.id, r]));
    const kept = ids.flatMap((id) => {
      const record = byId.get(id);
      if (!record) return [];
      const sightings = extractFromRaw(record.raw)
        .values()
        .map((f) => ({ ...f, events: 0 }));
      return [{ record, title: recordTitle(record), sha256: crypto.createHash('sha256').update(record.raw, 'utf8').digest('hex'), sightings }];
    });
    const { added, already } = kept.length > 0 ? this.repo.keepRecords(caseId, kept, actor) : { added: [], already: [] };
    if (added.length > 0) this.changed([caseId], 'records');
    return { added, already, missing: ids.filter((id) => !byId.has(id)) };
  }

  removeRecords(caseId: number, recordIds: readonly number[], actor: string): number[] {
    this.need(caseId);
    const removed = this.repo.removeRecords(caseId, recordIds, actor);
    if (removed.length > 0) this.changed([caseId], 'records');
    return removed;
  }

  /** Attaches text evidence: hashed (SHA-256 of its UTF-8 bytes) and mined for observables. */
  addEvidence(caseId: number, name: string, content: string, mediaType: string, description: string | null, actor: string) {
    this.need(caseId);
    const bytes = Buffer.from(content, 'utf8');
    const sightings = extractFromText(content, new Collector())
      .values()
      .map((f) => ({ ...f, events: 0 }));
    const id = this.repo.addEvidence(
      caseId,
      { name, media_type: mediaType, description, content, size: bytes.length, sha256: crypto.createHash('sha256').update(bytes).digest('hex') },
      actor,
      sightings,
    );
    this.changed([caseId], 'evidence');
    const { content: _c, ...meta } = this.repo.getEvidence(id)!;
    return meta;
  }

  removeEvidence(id: number, actor: string): boolean {
    const e = this.repo.getEvidence(id);
    if (!e) return false;
    this.repo.removeEvidence(id, actor);
    this.changed([e.case_id], 'evidence');
    return true;
  }

  // ---------- timeline ----------
  private toItem(r: TimelineRow): TimelineItem {
    if (r.kind === 'status' || r.kind === 'activity') {
      const w = describeActivity(r.action ?? r.title, parseObject(r.details));
      return { kind: r.kind, ts: r.ts, title: w.title, body: w.body, actor: r.actor, ref: r.ref, severity: null };
    }
    if (r.kind === 'alert') return { kind: 'alert', ts: r.ts, title: `Alert #${r.ref}: ${r.title}`, body: null, actor: null, ref: r.ref, severity: r.severity };
    return { kind: r.kind, ts: r.ts, title: r.title, body: r.kind === 'event' ? (r.body ?? null) : r.body, actor: r.actor, ref: r.ref, severity: null };
  }

  timeline(caseId: number, opts: { limit: number; order: 'asc' | 'desc'; cursor?: string; kinds?: readonly TimelineItem['kind'][] }): TimelineResponse {
    this.need(caseId);
    const rows = this.repo.timeline(caseId, { limit: opts.limit + 1, order: opts.order, ...(opts.cursor ? { after: decodeCursor(opts.cursor) } : {}), ...(opts.kinds ? { kinds: opts.kinds } : {}) });
    const more = rows.length > opts.limit;
    const page = more ? rows.slice(0, opts.limit) : rows;
    const last = page[page.length - 1];
    return { items: page.map((r) => this.toItem(r)), next: more && last ? encodeCursor(last) : null };
  }

  /** The raw copy kept with a pinned-event entry. */
  addTimelineEntry(caseId: number, ts: string, title: string, body: string | null, eventId: number | null, actor: string): TimelineItem {
    this.need(caseId);
    let pinned: { alert_id: number; raw: string } | null = null;
    if (eventId !== null) {
      const e = this.repo.eventById(eventId);
      if (!e) notFound('event', eventId);
      if (e.alert_id === null || this.repo.caseOf(e.alert_id) !== caseId) throw new ContractError('BAD_REQUEST', `event ${eventId} does not belong to an alert of case #${caseId}`);
      pinned = { alert_id: e.alert_id, raw: e.raw };
    }
    const iso = new Date(ts).toISOString();
    const id = this.repo.addTimelineEntry(caseId, { ts: iso, title, body, event_id: eventId, alert_id: pinned?.alert_id ?? null, raw: pinned?.raw ?? null }, actor);
    this.changed([caseId], 'timeline');
    return { kind: eventId !== null ? 'event' : 'entry', ts: iso, title, body, actor, ref: id, severity: null };
  }

  updateTimelineEntry(entryId: number, patch: { ts?: string; title?: string; body?: string | null }, actor: string): TimelineItem {
    const before = this.repo.timelineEntry(entryId) ?? notFound('timeline entry', entryId);
    if (patch.ts === undefined && patch.title === undefined && patch.body === undefined) throw new ContractError('BAD_REQUEST', 'nothing to change: give a time, a title or details');
    const iso = patch.ts === undefined ? undefined : new Date(patch.ts).toISOString();
    if (iso !== undefined && before.event_id !== null && iso !== before.ts) throw new ContractError('BAD_REQUEST', `entry ${entryId} is a pinned event: it stays at its event's time`);
    this.repo.updateTimelineEntry(entryId, { ...(iso !== undefined ? { ts: iso } : {}), ...(patch.title !== undefined ? { title: patch.title } : {}), ...(patch.body !== undefined ? { body: patch.body } : {}) }, actor);
    this.changed([before.case_id], 'timeline');
    const e = this.repo.timelineEntry(entryId)!;
    return { kind: e.event_id !== null ? 'event' : 'entry', ts: e.ts, title: e.title, body: e.body, actor: e.created_by, ref: e.id, severity: null };
  }

  removeTimelineEntry(entryId: number, actor: string): boolean {
    const removed = this.repo.removeTimelineEntry(entryId, actor);
    if (removed) this.changed([], 'timeline');
    return removed;
  }

  history(caseId: number, limit: number) {
    this.need(caseId);
    return this.repo.history(caseId, limit);
  }
}
