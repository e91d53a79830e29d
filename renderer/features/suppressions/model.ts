import type { AlertFilter } from '../../../main/contract/alerts.js';
import type { Suppression } from '../../../main/contract/pipeline.js';

export type SuppressionView = 'active' | 'ended' | 'all';

/** Which rules a tab shows: active ones, or the ones that ended (expired or disabled), or all. */
export function inView(r: Suppression, view: SuppressionView): boolean {
  if (view === 'all') return true;
  return view === 'active' ? r.state === 'active' : r.state !== 'active';
}

const FIELD_LABEL: Record<keyof Suppression['match'], string> = {
  source: 'source',
  rule_id: 'rule',
  src_ip: 'src',
  dst_ip: 'dst',
  dst_port: 'dst port',
  title_contains: 'title has',
};

/** A rule's match as label/value pairs, in a fixed order. */
export function matchParts(m: Suppression['match']): { key: string; label: string; value: string }[] {
  return (Object.keys(FIELD_LABEL) as (keyof Suppression['match'])[])
    .filter((k) => m[k] !== undefined)
    .map((k) => ({ key: k, label: FIELD_LABEL[k], value: String(m[k]) }));
}

/**
 * The Alerts filter closest to a rule's match, for "alerts like this": source, addresses, rule
 * and the title words; a destination port has no alerts filter and is left out (`partial`).
 */
export function alertsFilterFor(m: Suppression['match']): { filter: Partial<AlertFilter>; partial: boolean } {
  const filter: Partial<AlertFilter> = {};
  if (m.source) filter.source = [m.source];
  if (m.src_ip) filter.src_ip = m.src_ip;
  if (m.dst_ip) filter.dst_ip = m.dst_ip;
  if (m.rule_id) filter.rule_id = m.rule_id;
  if (m.title_contains) filter.text = m.title_contains;
  return { filter, partial: m.dst_port !== undefined || m.title_contains !== undefined };
}
