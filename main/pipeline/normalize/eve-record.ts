/**
 * A parsed EVE record → the sensor record the record store keeps: every event_type, not only
 * alerts. Lenient by design: only a missing or unreadable timestamp stops a record (it would have no
 * place in time); a field of the wrong type is left out, the raw line keeps it.
 * Shapes: Suricata user guide "Eve JSON Format" (dns v1/v2/v3, http, tls, fileinfo, flow, netflow,
 * anomaly, ssh, smtp, smb, krb5, dhcp).
 */
import type { HuntField } from '../../contract/index.js';
import { TYPE_LAYOUT, slotIndex, type Slot } from '../../hunt/fields.js';
import type { SensorRecord } from '../types.js';
import { isObject, loosePort, protoOf, type JsonObject } from './common.js';

export const SLOT_COUNT = 10;
/** Summary text fields are cut to this many characters (the raw line keeps them whole). */
const TEXT_MAX = 512;

type Put = (field: HuntField, v: unknown) => void;

function text(v: unknown): string | null {
  if (typeof v === 'string') return v.length === 0 ? null : v.length > TEXT_MAX ? v.slice(0, TEXT_MAX) : v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return null;
}

function num(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d{1,15}$/.test(v)) return Number(v);
  return null;
}

function sumOf(a: unknown, b: unknown): number | null {
  const x = num(a);
  const y = num(b);
  return x === null && y === null ? null : (x ?? 0) + (y ?? 0);
}

/** Seconds between two EVE timestamps, or null. */
function durationOf(start: unknown, end: unknown): number | null {
  if (typeof start !== 'string' || typeof end !== 'string') return null;
  const a = Date.parse(start);
  const b = Date.parse(end);
  return Number.isFinite(a) && Number.isFinite(b) && b >= a ? Math.round(b - a) / 1000 : null;
}

/** Strings of an array (or one string), space separated, cut to TEXT_MAX. */
function joined(v: unknown, pick?: (x: JsonObject) => unknown): string | null {
  const items = Array.isArray(v) ? v : v === undefined || v === null ? [] : [v];
  const out: string[] = [];
  let len = 0;
  for (const it of items) {
    const s = text(pick && isObject(it) ? pick(it) : it);
    if (s === null) continue;
    out.push(s);
    len += s.length + 1;
    if (len > TEXT_MAX) break;
  }
  return out.length ? text(out.join(' ')) : null;
}

function dns(d: JsonObject, put: Put): void {
  put('dns.type', d['type']);
  put('dns.rcode', d['rcode']);
  // v3 (Suricata 8): queries[] and answers[]; v2: rrname/rrtype at the top, answers[] or grouped{}; v1: one answer per record
  const q0 = Array.isArray(d['queries']) && isObject(d['queries'][0]) ? d['queries'][0] : null;
  put('dns.rrname', q0 ? q0['rrname'] : d['rrname']);
  put('dns.rrtype', q0 ? q0['rrtype'] : d['rrtype']);
  if (Array.isArray(d['answers'])) put('dns.answers', joined(d['answers'], (a) => a['rdata']));
  else if (isObject(d['grouped'])) put('dns.answers', joined(Object.values(d['grouped']).flat()));
  else put('dns.answers', d['rdata']);
}

const EXTRACT: Record<string, (o: JsonObject, put: Put) => void> = {
  alert: (o, put) => {
    const a = o['alert'];
    if (!isObject(a)) return;
    put('alert.signature', a['signature']);
    put('alert.category', a['category']);
    put('alert.signature_id', a['signature_id']);
    put('alert.severity', a['severity']);
  },
  dns: (o, put) => {
    if (isObject(o['dns'])) dns(o['dns'], put);
  },
  http: (o, put) => {
    const h = o['http'];
    if (!isObject(h)) return;
    put('http.hostname', h['hostname']);
    put('http.url', h['url']);
    put('http.method', h['http_method']);
    put('http.user_agent', h['http_user_agent']);
    put('http.content_type', h['http_content_type']);
    put('http.status', h['status']);
  },
  tls: (o, put) => {
    const t = o['tls'];
    if (!isObject(t)) return;
    put('tls.sni', t['sni']);
    put('tls.subject', t['subject']);
    put('tls.issuer', t['issuerdn']);
    put('tls.ja3', isObject(t['ja3']) ? t['ja3']['hash'] : null);
    put('tls.ja3s', isObject(t['ja3s']) ? t['ja3s']['hash'] : null);
    put('tls.ja4', t['ja4']);
    put('tls.version', t['version']);
  },
  fileinfo: (o, put) => {
    const f = o['fileinfo'];
    if (!isObject(f)) return;
    put('file.name', f['filename']);
    put('file.sha256', f['sha256']);
    put('file.magic', f['magic']);
    put('file.size', f['size']);
  },
  flow: (o, put) => {
    const f = o['flow'];
    if (!isObject(f)) return;
    put('flow.state', f['state']);
    put('flow.reason', f['reason']);
    put('flow.bytes', sumOf(f['bytes_toserver'], f['bytes_toclient']));
    put('flow.pkts', sumOf(f['pkts_toserver'], f['pkts_toclient']));
    put('flow.duration', durationOf(f['start'], f['end']));
  },
  netflow: (o, put) => {
    const f = o['netflow'];
    if (!isObject(f)) return;
    put('flow.bytes', f['bytes']);
    put('flow.pkts', f['pkts']);
    put('flow.duration', durationOf(f['start'], f['end']));
  },
  anomaly: (o, put) => {
    const a = o['anomaly'];
    if (!isObject(a)) return;
    put('anomaly.type', a['type']);
    put('anomaly.event', a['event']);
  },
  ssh: (o, put) => {
    const s = o['ssh'];
    if (!isObject(s)) return;
    put('ssh.client', isObject(s['client']) ? s['client']['software_version'] : null);
    put('ssh.server', isObject(s['server']) ? s['server']['software_version'] : null);
  },
  smtp: (o, put) => {
    const s = o['smtp'];
    if (!isObject(s)) return;
    put('smtp.from', s['mail_from']);
    put('smtp.to', joined(s['rcpt_to']));
  },
  smb: (o, put) => {
    const s = o['smb'];
    if (!isObject(s)) return;
    put('smb.command', s['command']);
    put('smb.filename', s['filename']);
  },
  krb5: (o, put) => {
    const k = o['krb5'];
    if (!isObject(k)) return;
    put('krb5.cname', k['cname']);
    put('krb5.sname', k['sname']);
  },
  dhcp: (o, put) => {
    const d = o['dhcp'];
    if (!isObject(d)) return;
    put('dhcp.hostname', d['hostname']);
    put('dhcp.assigned_ip', d['assigned_ip']);
  },
};

/** Per type: field → slot index, resolved once. */
const SLOT_INDEX: Record<string, Partial<Record<HuntField, number>>> = Object.fromEntries(
  Object.entries(TYPE_LAYOUT).map(([type, layout]) => [type, Object.fromEntries(Object.entries(layout).map(([f, s]) => [f, slotIndex(s as Slot)]))]),
);

function optText(o: JsonObject, key: string): string | null {
  const v = o[key];
  return typeof v === 'string' && v.length > 0 ? (v.length > TEXT_MAX ? v.slice(0, TEXT_MAX) : v) : null;
}

/**
 * The sensor record of a parsed EVE object. `type` is the record's event_type as it will be
 * counted (plain names as written, anything else "other"); `ts` its time in epoch ms; `flowId` the
 * exact flow id (already checked); `raw` the line.
 */
export function sensorRecord(o: JsonObject, type: string, ts: number, flowId: string | null, raw: string): SensorRecord {
  const slots: (string | number | null)[] = new Array<string | number | null>(SLOT_COUNT).fill(null);
  const extract = EXTRACT[type];
  if (extract) {
    const index = SLOT_INDEX[type]!;
    extract(o, (field, v) => {
      const i = index[field];
      if (i === undefined) return;
      slots[i] = i < 7 ? text(v) : num(v);
    });
  }
  return {
    ts,
    type,
    sensor: optText(o, 'host'),
    src_ip: optText(o, 'src_ip'),
    src_port: loosePort(o['src_port']),
    dst_ip: optText(o, 'dest_ip'),
    dst_port: loosePort(o['dest_port']),
    proto: protoOf(o['proto'], 'proto', false),
    app_proto: optText(o, 'app_proto'),
    flow_id: flowId,
    community_id: optText(o, 'community_id'),
    slots,
    raw,
  };
}
