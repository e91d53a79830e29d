/**
 * Suricata EVE (eve.json) → SecurityEvent and sensor record. Only `event_type: "alert"` records
 * become events; every record of every event type (flow, dns, http, tls, stats, ...) also becomes a
 * sensor record for the record store (normalize/eve-record.ts), so nothing a sensor wrote is lost.
 * Facts: reference/connectors.md §6.
 */
import { type Severity } from '../../contract/index.js';
import { type NormalizeResult, type SecurityEvent, type SourcePosition } from '../types.js';
import { sensorRecord } from './eve-record.js';
import {
  Reject,
  addGroups,
  addTechniques,
  isObject,
  optInt,
  optPort,
  optString,
  parseObject,
  preflight,
  printable,
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

const UINT32_MAX = 4_294_967_295;
const UINT64_MAX = '18446744073709551615';

/**
 * `flow_id` is a uint64 and JSON.parse would round it to a double, so it is quoted before parsing.
 * The match must follow `{` or `,` (so it is a key, not text inside a string, where quotes are
 * escaped) and be followed by `,` or `}` (so `12.5` or `1e3` are left alone and rejected later).
 */
const FLOW_ID_RE = /([{,]\s*"flow_id"\s*:\s*)(\d+)(?=\s*[,}])/g;
const FLOW_ID_KEY = '"flow_id":';

/**
 * The line with flow_id quoted. Suricata writes it once, compact (`,"flow_id":123,`): that case is
 * spliced without a regex scan of the whole line; anything else (spaces, a second flow_id) takes
 * FLOW_ID_RE.
 */
function quoteFlowId(line: string): string {
  const k = line.indexOf(FLOW_ID_KEY);
  if (k < 0) return line.includes('"flow_id"') ? line.replace(FLOW_ID_RE, '$1"$2"') : line;
  const prev = line.charCodeAt(k - 1);
  const start = k + FLOW_ID_KEY.length;
  let end = start;
  while (end < line.length && line.charCodeAt(end) >= 48 && line.charCodeAt(end) <= 57) end++;
  const next = line.charCodeAt(end);
  if ((prev !== 44 && prev !== 123) || end === start || (next !== 44 && next !== 125) || line.includes('"flow_id"', end)) {
    return line.replace(FLOW_ID_RE, '$1"$2"');
  }
  return `${line.slice(0, start)}"${line.slice(start, end)}"${line.slice(end)}`;
}

const SIMPLE_TYPE_RE = /^[A-Za-z0-9_.-]{1,32}$/;

/**
 * Suricata `alert.severity` (the rule priority, 1 = highest, 1..255) on Vigil's scale:
 * 1 → high, 2 → medium, 3 → low, ≥4 → info.
 * EVE has no "critical" level, so this stage never produces one for Suricata; raising an alert
 * to critical (e.g. priority 1 in chosen categories) is a policy for the scoring stage.
 */
export function eveSeverity(priority: number): Severity {
  if (priority <= 1) return 'high';
  if (priority === 2) return 'medium';
  if (priority === 3) return 'low';
  return 'info';
}

/** A decimal uint64 without leading zeros, or null. */
function canonicalUint64(s: string): string | null {
  const n = s.length;
  if (n === 0) return null;
  let i = 0;
  while (i < n - 1 && s.charCodeAt(i) === 48) i++;
  for (let j = i; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c < 48 || c > 57) return null;
  }
  const digits = i === 0 ? s : s.slice(i);
  if (digits.length > 20 || (digits.length === 20 && digits > UINT64_MAX)) return null;
  return digits;
}

function flowIdOf(o: JsonObject): string | null {
  const v = o['flow_id'];
  if (v === undefined || v === null) return null;
  if (typeof v === 'string') {
    const s = canonicalUint64(v);
    if (s !== null) return s;
  } else if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) {
    return String(v);
  }
  throw new Reject('flow_id is not an unsigned 64-bit integer');
}

/**
 * Metadata keys whose values are not tags: dates (`created_at 2010_07_30`, `updated_at`, ...) and
 * ids (`mitre_technique_id T1595`, `mitre_tactic_id TA0043`; the technique ids go to technique_ids).
 */
function isTagKey(key: string): boolean {
  return !key.endsWith('_at') && !key.endsWith('_id');
}

/**
 * The record's type as counted and stored: a plain name (letters, digits, "_.-", up to 32) in lower
 * case, as the hunt query language matches event types (Suricata's own are lower case), else "other".
 */
function recordType(type: string): string {
  return SIMPLE_TYPE_RE.test(type) ? type.toLowerCase() : 'other';
}

/** flow_id of a record that is no alert: a bad one is left out (the raw line keeps it) rather than refusing the record. */
function looseFlowId(o: JsonObject): string | null {
  try {
    return flowIdOf(o);
  } catch {
    return null;
  }
}

/**
 * A record that is not an alert: no event, but a sensor record, counted by its type (types outside
 * Suricata's plain naming are counted as "other", so junk cannot grow the counts).
 */
function notAlert(o: JsonObject, type: string, line: string, opts: NormalizeOptions): NormalizeResult {
  const ts = Date.parse(timestampOf(o, opts));
  const t = recordType(type);
  return { kind: 'skipped', reason: `event_type ${printable(type, 32)}`, record_type: t, record: sensorRecord(o, t, ts, looseFlowId(o), line) };
}

function buildEve(line: string, position: SourcePosition, opts: NormalizeOptions, parsed: JsonObject | undefined): NormalizeResult {
  const o = parsed !== undefined ? objectOf(line, parsed) : parseObject(quoteFlowId(line));

  const eventType = o['event_type'];
  if (eventType === undefined || eventType === null || eventType === '') throw new Reject('missing event_type');
  if (typeof eventType !== 'string') throw new Reject('event_type is not a string');
  if (eventType !== 'alert') return notAlert(o, eventType, line, opts);

  const ts = timestampOf(o, opts);
  const alert = o['alert'];
  if (!isObject(alert)) {
    throw new Reject(alert === undefined || alert === null ? 'missing alert object' : 'alert is not an object');
  }
  const sid = reqInt(alert, 'signature_id', 'alert.signature_id', 0, UINT32_MAX);
  const gid = optInt(alert, 'gid', 'alert.gid', 0, UINT32_MAX) ?? 1;
  const priority = reqInt(alert, 'severity', 'alert.severity', 1, 255);
  const signature = optString(alert, 'signature', 'alert.signature');
  const category = optString(alert, 'category', 'alert.category');
  const action = optString(alert, 'action', 'alert.action');

  const groups: string[] = [];
  const techniques: string[] = [];
  const metadata = alert['metadata'];
  if (isObject(metadata)) {
    // Rule `metadata:` pairs arrive as {key: [values]}; the values are the tags (lower-cased).
    for (const key of Object.keys(metadata)) {
      const values = metadata[key];
      if (key === 'mitre_technique_id') addTechniques(techniques, values);
      if (isTagKey(key)) addGroups(groups, values);
    }
  }

  // `host` is the sensor's name (eve-log `sensor-name`, else the machine's host name when set)
  const host = optString(o, 'host', 'host');

  const event: SecurityEvent = {
    source: 'suricata',
    ts,
    severity: eveSeverity(priority),
    sev_raw: priority,
    rule_id: `${gid}:${sid}`,
    title: signature ?? `Suricata signature ${gid}:${sid}`,
    category: category === null || category.length === 0 ? null : category,
    // src/dest are those of the packet that fired (reference §6): kept as Suricata wrote them.
    src_ip: optString(o, 'src_ip', 'src_ip'),
    src_port: optPort(o, 'src_port', 'src_port'),
    dst_ip: optString(o, 'dest_ip', 'dest_ip'),
    dst_port: optPort(o, 'dest_port', 'dest_port'),
    proto: protoOf(o['proto'], 'proto', true),
    // a network sensor is not a host agent: the sensor is kept apart, the alert's host is an address
    agent: null,
    user: null,
    sensor: host === null || host.length === 0 ? null : host,
    technique_ids: unique(techniques),
    flow_id: flowIdOf(o),
    community_id: optString(o, 'community_id', 'community_id'),
    action,
    groups: unique(groups),
    full_log: null,
    location: null,
    raw: line,
    position,
  };
  return { kind: 'event', event, record: sensorRecord(o, 'alert', Date.parse(ts), event.flow_id, line) };
}

/**
 * One eve.json line → event (an alert, with its sensor record), skipped (a non-alert with its
 * event_type as record_type and its sensor record; a blank line) or quarantined (with a reason).
 * Never throws.
 */
export function normalizeEve(line: string, position: SourcePosition, opts: NormalizeOptions = NO_OPTIONS, parsed?: JsonObject): NormalizeResult {
  try {
    const pre = preflight(line);
    if (pre !== null) return pre;
    return buildEve(line, position, opts, parsed);
  } catch (e) {
    return quarantined(reasonOf(e));
  }
}

/** Suricata eve.json: every record carries `event_type`; Suricata writes timestamp, then event_type among the first keys. */
export const eveFormat: EventFormatSpec = {
  name: 'Suricata eve.json',
  normalize: normalizeEve,
  recognizes: (o) => typeof o['event_type'] === 'string' && 'timestamp' in o,
  head: /^\s*\{\s*"timestamp"\s*:\s*"[^"]*"\s*,(?:\s*"[a-z_]+"\s*:\s*(?:"[^"]*"|\d+)\s*,){0,6}\s*"event_type"\s*:\s*"/,
};
