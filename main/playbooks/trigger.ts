import { severityRank, type Alert, type PlaybookConditions, type PlaybookDoc } from '../contract/index.js';
import { ipKey, ipKeyRange, type KeyRange } from '../store/ipkey.js';

/** The fields of an alert a trigger can test (a full Alert has them all). */
export type TriggerAlert = Pick<Alert, 'id' | 'source' | 'severity' | 'priority' | 'rule_id' | 'src_ip' | 'host' | 'count' | 'technique_ids'>;

/** What a trigger looks at: the alert and its threat type. */
export interface TriggerFacts {
  alert: TriggerAlert;
  threat_type: string;
  /** The source address's sortable key (store/ipkey.ts), when already known (as stored with the alert). */
  src_key?: string | null;
}

export type TriggerKind = 'created' | 'updated';

/** A playbook's automatic trigger, compiled once into a predicate (sets and ranges, no parsing per alert). */
export interface CompiledTrigger {
  playbook: PlaybookDoc;
  on: ReadonlySet<TriggerKind>;
  matches(f: TriggerFacts): boolean;
}

const lower = (xs: readonly string[] | undefined): Set<string> | null => (xs ? new Set(xs.map((x) => x.toLowerCase())) : null);

/** Compiles the conditions; a bad address block throws (validation reports it first). */
export function compileConditions(c: PlaybookConditions): (f: TriggerFacts) => boolean {
  const tests: ((f: TriggerFacts) => boolean)[] = [];
  if (c.severity_min) {
    const min = severityRank(c.severity_min);
    tests.push((f) => severityRank(f.alert.severity) >= min);
  }
  if (c.priority) {
    const set = new Set<string>(c.priority);
    tests.push((f) => set.has(f.alert.priority));
  }
  const rule = lower(c.rule);
  if (rule) tests.push((f) => f.alert.rule_id !== null && rule.has(f.alert.rule_id.toLowerCase()));
  const technique = lower(c.technique);
  if (technique) tests.push((f) => f.alert.technique_ids.some((t) => technique.has(t.toLowerCase()) || technique.has(t.split('.')[0]!.toLowerCase())));
  const threat = lower(c.threat_type);
  if (threat) tests.push((f) => threat.has(f.threat_type.toLowerCase()));
  const source = lower(c.source);
  if (source) tests.push((f) => source.has(f.alert.source.toLowerCase()));
  const host = lower(c.host);
  if (host) tests.push((f) => f.alert.host !== null && host.has(f.alert.host.toLowerCase()));
  if (c.src_ip) {
    const ranges: KeyRange[] = c.src_ip.map((spec) => {
      const r = ipKeyRange(spec);
      if (!r) throw new Error(`trigger.alert.src_ip: ${spec} is not an address or CIDR block`);
      return r;
    });
    tests.push((f) => {
      const k = f.src_key !== undefined ? f.src_key : ipKey(f.alert.src_ip);
      return k !== null && ranges.some((r) => k >= r.lo && k <= r.hi);
    });
  }
  if (c.min_count) {
    const min = c.min_count;
    tests.push((f) => f.alert.count >= min);
  }
  return (f) => {
    for (const t of tests) if (!t(f)) return false;
    return true;
  };
}

/** The automatic trigger of a playbook, or null when it has none. */
export function compileTrigger(p: PlaybookDoc): CompiledTrigger | null {
  const c = p.trigger.alert;
  if (!c) return null;
  return { playbook: p, on: new Set(c.on), matches: compileConditions(c) };
}
