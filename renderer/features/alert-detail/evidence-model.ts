/** The Evidence section's model: the three parts of events.evidence on one timeline. */
import type { EventRow, EventsEvidence } from '../../../main/contract/hunt.js';

/** Why a record is in the evidence: the alert's own flow, the same flow on another sensor, or a host's traffic. */
export type Relation = 'flow' | 'community' | 'host';
export const RELATION_LABEL: Record<Relation, string> = { flow: 'same flow', community: 'community id', host: 'host' };
export const RELATION_TITLE: Record<Relation, string> = {
  flow: "A record with the alert's flow_id",
  community: 'The same flow (community_id) seen by another sensor or under another flow id',
  host: "A DNS, HTTP, TLS or file record of the alert's source or destination host in the window",
};

export interface TimelineRow {
  row: EventRow;
  relation: Relation;
}

/** One timeline of the three sections, oldest first; a record in several sections counts once, under its closest relation. */
export function evidenceTimeline(ev: EventsEvidence): TimelineRow[] {
  const seen = new Set<number>();
  const out: TimelineRow[] = [];
  for (const [relation, rows] of [
    ['flow', ev.flow.rows],
    ['community', ev.community.rows],
    ['host', ev.hosts.rows],
  ] as const) {
    for (const row of rows) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      out.push({ row, relation });
    }
  }
  return out.sort((a, b) => a.row.ts.localeCompare(b.row.ts) || a.row.id - b.row.id);
}
