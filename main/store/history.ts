import type { AlertStatus, HistoryEntry } from '../contract/index.js';
import type { AuditRepo } from './audit-repo.js';

const STATUSES: ReadonlySet<string> = new Set(['NEW', 'ACKNOWLEDGED', 'INVESTIGATING', 'SUPPRESSED', 'RESOLVED', 'FALSE_POSITIVE']);

function status(v: unknown): AlertStatus | null {
  return typeof v === 'string' && STATUSES.has(v) ? (v as AlertStatus) : null;
}

function text(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/**
 * An alert's history from the audit log, oldest first: status changes (with the change they
 * belong to, and whether they undid one), standalone notes and assignments. Entries of other
 * kinds, and malformed ones, are left out.
 */
export function alertTimeline(audit: AuditRepo, id: number): HistoryEntry[] {
  const out: HistoryEntry[] = [];
  for (const e of audit.forTarget('alert', String(id), 'alert.')) {
    const d = e.details;
    if (e.action === 'alert.status') {
      const from = status(d['from']);
      const to = status(d['to']);
      if (!from || !to) continue;
      out.push({
        kind: 'status',
        ts: e.ts,
        actor: e.actor,
        from,
        to,
        note: text(d['note']),
        change_id: text(d['change_id']) ?? text(d['job_id']),
        undo: typeof d['undo_of'] === 'string',
      });
    } else if (e.action === 'alert.note') {
      const note = text(d['note']);
      if (note !== null) out.push({ kind: 'note', ts: e.ts, actor: e.actor, note });
    } else if (e.action === 'alert.assign') {
      out.push({ kind: 'assign', ts: e.ts, actor: e.actor, assignee: text(d['assignee']) });
    } else if (e.action === 'alert.tags') {
      out.push({ kind: 'tags', ts: e.ts, actor: e.actor, added: strings(d['added']), removed: strings(d['removed']) });
    }
  }
  return out;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}
