/**
 * Wazuh manager alerts.json → SecurityEvent. Every line of that file is an alert (the manager
 * writes only levels ≥ log_alert_level), so nothing is skipped except blank lines.
 * Facts: reference/connectors.md §7.
 */
import { type Severity } from '../../contract/index.js';
import { type AgentRef, type NormalizeResult, type SecurityEvent, type SourcePosition } from '../types.js';
import {
  Reject,
  addGroups,
  addTechniques,
  isObject,
  optString,
  preflight,
  protoOf,
  quarantined,
  reasonOf,
  reqInt,
  timestampOf,
  unique,
  objectOf,
  NO_OPTIONS,
  type EventFormatSpec,
  type JsonObject,
  type NormalizeOptions,
} from './common.js';
import { wazuhFields } from './wazuh-fields.js';

/**
 * Wazuh `rule.level` on Vigil's scale (the conventional SOC buckets, reference §7):
 * 0–6 low, 7–11 medium, 12–14 high, ≥15 critical.
 */
export function wazuhSeverity(level: number): Severity {
  if (level >= 15) return 'critical';
  if (level >= 12) return 'high';
  if (level >= 7) return 'medium';
  return 'low';
}

/** rule.id is a string in alerts.json; a number is accepted and written in decimal. */
function ruleIdOf(rule: JsonObject): string | null {
  const v = rule['id'];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') return v.length > 0 ? v : null;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new Reject('rule.id is not a string');
}

function agentOf(o: JsonObject): AgentRef | null {
  const a = o['agent'];
  if (a === undefined || a === null) return null;
  if (!isObject(a)) throw new Reject('agent is not an object');
  // an empty string is no value (agentless events have been seen with "name": "")
  const id = optString(a, 'id', 'agent.id') || null;
  const name = optString(a, 'name', 'agent.name') || null;
  const ip = optString(a, 'ip', 'agent.ip') || null;
  if (id === null && name === null && ip === null) return null;
  return { id, name, ip };
}

function buildWazuh(line: string, position: SourcePosition, opts: NormalizeOptions, parsed: JsonObject | undefined): NormalizeResult {
  const o = objectOf(line, parsed);
  const ts = timestampOf(o, opts);
  const rule = o['rule'];
  if (!isObject(rule)) {
    throw new Reject(rule === undefined || rule === null ? 'missing rule object' : 'rule is not an object');
  }
  const level = reqInt(rule, 'level', 'rule.level', 0, 255);
  const ruleId = ruleIdOf(rule);
  const description = optString(rule, 'description', 'rule.description');

  const rawGroups = rule['groups'];
  let category: string | null = null;
  const groups: string[] = [];
  if (rawGroups !== undefined && rawGroups !== null) {
    if (!Array.isArray(rawGroups)) throw new Reject('rule.groups is not an array');
    const names: string[] = [];
    for (let i = 0; i < rawGroups.length; i++) {
      const g: unknown = rawGroups[i];
      if (typeof g === 'string' && g.length > 0) names.push(g);
    }
    if (names.length > 0) category = names.join(',');
    addGroups(groups, names);
  }

  const techniques: string[] = [];
  const mitre = rule['mitre'];
  if (isObject(mitre)) addTechniques(techniques, mitre['id']);

  // data.* is decoder-dependent: addresses and user come from the decoder table (wazuh-fields.ts),
  // read leniently: a value of an unexpected type is ignored, never a reason to quarantine.
  const fields = wazuhFields(o);
  const data = o['data'];
  const d: JsonObject | null = isObject(data) ? data : null;

  const event: SecurityEvent = {
    source: 'wazuh',
    ts,
    severity: wazuhSeverity(level),
    sev_raw: level,
    rule_id: ruleId,
    title: description ?? (ruleId === null ? `Wazuh alert level ${level}` : `Wazuh rule ${ruleId}`),
    category,
    src_ip: fields.src_ip,
    src_port: fields.src_port,
    dst_ip: fields.dst_ip,
    dst_port: fields.dst_port,
    proto: d === null ? null : protoOf(d['protocol'], 'data.protocol', false),
    agent: agentOf(o),
    user: fields.user,
    sensor: null,
    technique_ids: unique(techniques),
    flow_id: null,
    community_id: null,
    action: null,
    groups: unique(groups),
    full_log: optString(o, 'full_log', 'full_log'),
    location: optString(o, 'location', 'location'),
    raw: line,
    position,
  };
  return { kind: 'event', event };
}

/**
 * One alerts.json line (or an indexer hit's `_source`, given as `parsed` with its JSON text) →
 * event, skipped (blank) or quarantined (with a reason). Never throws.
 */
export function normalizeWazuh(line: string, position: SourcePosition, opts: NormalizeOptions = NO_OPTIONS, parsed?: JsonObject): NormalizeResult {
  try {
    const pre = preflight(line);
    if (pre !== null) return pre;
    return buildWazuh(line, position, opts, parsed);
  } catch (e) {
    return quarantined(reasonOf(e));
  }
}

/** Wazuh alerts.json (and the indexer's wazuh-alerts-*): a `rule` with a level; Wazuh writes timestamp, then rule with its level first. */
export const wazuhFormat: EventFormatSpec = {
  name: 'Wazuh alerts.json',
  normalize: normalizeWazuh,
  recognizes: (o) => {
    const rule = o['rule'];
    return typeof rule === 'object' && rule !== null && 'level' in rule && 'timestamp' in o;
  },
  head: /^\s*\{\s*"timestamp"\s*:\s*"[^"]*"\s*,\s*"rule"\s*:\s*\{\s*"level"\s*:/,
};
