/** The Evidence section's model: the three parts of events.evidence on one timeline. */
import type { Alert } from '../../../main/contract/alerts.js';
import type { EventRow, EventsEvidence } from '../../../main/contract/hunt.js';
import { formatCount } from '../../lib/format.js';

/** Why a record is in the evidence: the alert's own flow, the same flow on another sensor, or a host's traffic. */
export type Relation = 'flow' | 'community' | 'host';
const RELATION_LABEL: Record<Relation, string> = { flow: 'same flow', community: 'community id', host: 'host' };
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

/** The tag of a timeline row: a host record says whose it is (the alert's source or destination). */
export function relationLabel(t: TimelineRow, alert: Pick<Alert, 'src_ip' | 'dst_ip'>): string {
  if (t.relation !== 'host') return RELATION_LABEL[t.relation];
  const names = (ip: string | null) => ip !== null && (t.row.src_ip === ip || t.row.dst_ip === ip);
  if (names(alert.src_ip)) return 'src host';
  if (names(alert.dst_ip)) return 'dst host';
  return RELATION_LABEL.host;
}

/** What the flow part found, said in words (and why it may be empty). */
export function flowNote(ev: EventsEvidence, alert: Pick<Alert, 'source'>): string {
  if (ev.flow.query === '') {
    if (ev.contributors.total > 0) return 'A correlation alert has no flow of its own: the events that made it fire are listed above, and its hosts’ records below.';
    return alert.source === 'suricata'
      ? 'No flow id was kept for this alert’s events (retention may have pruned them).'
      : `${alert.source.charAt(0).toUpperCase()}${alert.source.slice(1)} alerts carry no Suricata flow id; the hosts’ records below are matched by address and time.`;
  }
  if (ev.flow.rows.length === 0) return 'No records kept for this flow: the sensor’s eve.json did not include flow records (or retention pruned them).';
  const other = ev.community.rows.length > 0 ? `, ${formatCount(ev.community.rows.length)}${ev.community.truncated ? '+' : ''} from other sensors by community id` : '';
  return `${formatCount(ev.flow.rows.length)}${ev.flow.truncated ? '+' : ''} ${ev.flow.rows.length === 1 && !ev.flow.truncated ? 'record' : 'records'} of the same flow${other}.`;
}

export function hostsNote(ev: EventsEvidence, windowLabel: string): string {
  if (ev.hosts.query === '') return 'The alert names no address, so no host records are looked up.';
  if (ev.hosts.rows.length === 0) return `No DNS, HTTP, TLS or file records of the source or destination within ${windowLabel}. Widen the window, or check that the sensor logs those types.`;
  return `${formatCount(ev.hosts.rows.length)}${ev.hosts.truncated ? '+' : ''} DNS, HTTP, TLS and file records of the hosts within ${windowLabel}.`;
}
