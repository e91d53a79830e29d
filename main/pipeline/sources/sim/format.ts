/**
 * Writers that turn simulated events into the exact text lines Suricata (eve.json) and the
 * Wazuh manager (alerts.json) produce: key order, timestamp shapes, uint64 flow ids as bare
 * JSON numbers, string-typed Wazuh data fields, Wazuh firedtimes and "epoch.offset" ids.
 */
import { createHash } from 'node:crypto';
import { type Rng } from './rng.js';
import { type Host, MANAGER_NAME } from './world.js';

/** Event time in epoch microseconds (Suricata's resolution; < 2^53 for any sane date). */
export type Micros = number;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const p2 = (n: number): string => String(n).padStart(2, '0');

function fields(us: Micros, offsetMin: number) {
  const msUtc = Math.floor(us / 1000);
  const d = new Date(msUtc + offsetMin * 60_000);
  const micro = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  return {
    y: d.getUTCFullYear(),
    mo: d.getUTCMonth(),
    d: d.getUTCDate(),
    h: d.getUTCHours(),
    mi: d.getUTCMinutes(),
    s: d.getUTCSeconds(),
    micro,
  };
}

function offsetText(offsetMin: number): string {
  const sign = offsetMin < 0 ? '-' : '+';
  const a = Math.abs(offsetMin);
  return `${sign}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

/** Suricata: `2026-11-21T10:00:00.123456+0100` (sensor local time, microseconds, no colon). */
export function eveTimestamp(us: Micros, offsetMin: number): string {
  const f = fields(us, offsetMin);
  return `${f.y}-${p2(f.mo + 1)}-${p2(f.d)}T${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}.${String(f.micro).padStart(6, '0')}${offsetText(offsetMin)}`;
}

/** Wazuh alerts.json: `2021-02-01T20:58:44.830+0000` (manager in UTC, milliseconds). */
export function wazuhTimestamp(us: Micros): string {
  const f = fields(us, 0);
  return `${f.y}-${p2(f.mo + 1)}-${p2(f.d)}T${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}.${String(Math.floor(f.micro / 1000)).padStart(3, '0')}+0000`;
}

/** Syslog header time, `Nov  1 09:05:03` (day padded with a space). */
export function syslogTime(us: Micros): string {
  const f = fields(us, 0);
  return `${MONTHS[f.mo]} ${String(f.d).padStart(2, ' ')} ${p2(f.h)}:${p2(f.mi)}:${p2(f.s)}`;
}

/** Combined log format time, `21/Nov/2026:10:00:00 +0000`. */
export function accessLogTime(us: Micros): string {
  const f = fields(us, 0);
  return `${p2(f.d)}/${MONTHS[f.mo]}/${f.y}:${p2(f.h)}:${p2(f.mi)}:${p2(f.s)} +0000`;
}

/** ISO without zone, as Wazuh syscheck writes mtime_after. */
export function isoSeconds(us: Micros): string {
  return new Date(Math.floor(us / 1000)).toISOString().slice(0, 19);
}

/** A uint64 flow id above 2^53 (so a naive JSON.parse would round it), as decimal digits. */
export function flowId(rng: Rng): string {
  const hi = BigInt(rng.int(2 ** 21, 2 ** 31 - 1));
  const lo = BigInt(rng.u32());
  return ((hi << 32n) | lo).toString();
}

const PROTO_NUM = { TCP: 6, UDP: 17 } as const;
export type Proto = keyof typeof PROTO_NUM;

function ipv4Bytes(ip: string): number[] {
  return ip.split('.').map((x) => Number(x) & 255);
}

/** Community ID v1 (seed 0), as Suricata writes it with `community-id: yes`. */
export function communityId(proto: Proto, srcIp: string, srcPort: number, dstIp: string, dstPort: number): string {
  let a = ipv4Bytes(srcIp);
  let b = ipv4Bytes(dstIp);
  let pa = srcPort;
  let pb = dstPort;
  let swap = false;
  for (let i = 0; i < 4; i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) {
      swap = x > y;
      break;
    }
    if (i === 3) swap = pa > pb;
  }
  if (swap) {
    [a, b] = [b, a];
    [pa, pb] = [pb, pa];
  }
  const buf = Buffer.from([0, 0, ...a, ...b, PROTO_NUM[proto], 0, pa >> 8, pa & 255, pb >> 8, pb & 255]);
  return `1:${createHash('sha1').update(buf).digest('base64')}`;
}

/** JSON text with every `"flow_id":"<digits>"` turned back into a bare number, as Suricata writes it. */
export function eveText(record: Record<string, unknown>): string {
  return JSON.stringify(record).replace(/"flow_id":"(\d+)"/g, '"flow_id":$1');
}

// ---------------------------------------------------------------------------------------------
// Suricata

export interface Sensor {
  iface: string;
  /** Sensor local time offset in minutes (EVE timestamps carry it as +HHMM). */
  offsetMin: number;
}

/** Perimeter sensor (internet-facing segment), a box kept on CET without DST. */
export const SENSOR_EDGE: Sensor = { iface: 'eth1', offsetMin: 60 };
/** Core sensor (east-west traffic), kept on UTC. */
export const SENSOR_CORE: Sensor = { iface: 'ens192', offsetMin: 0 };

export interface Tuple {
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: Proto;
}

export interface Sig {
  sid: number;
  rev: number;
  msg: string;
  category: string;
  severity: 1 | 2 | 3 | 4;
  gid?: number;
  /** ET-style rule metadata. */
  meta?: {
    target?: string;
    product?: string;
    deployment?: string;
    former?: string;
    sev?: 'Informational' | 'Minor' | 'Major' | 'Critical';
    created: string;
    updated: string;
    /** [tactic id, tactic name, technique id, technique name] */
    mitre?: readonly [string, string, string, string];
  };
}

function alertMetadata(sig: Sig): Record<string, string[]> | undefined {
  const m = sig.meta;
  if (!m) return undefined;
  const out: Record<string, string[]> = {};
  out.affected_product = [m.product ?? 'Any'];
  out.attack_target = [m.target ?? 'Client_and_Server'];
  out.created_at = [m.created];
  out.deployment = [m.deployment ?? 'Perimeter'];
  if (m.former) out.former_category = [m.former];
  if (m.mitre) {
    out.mitre_tactic_id = [m.mitre[0]];
    out.mitre_tactic_name = [m.mitre[1]];
    out.mitre_technique_id = [m.mitre[2]];
    out.mitre_technique_name = [m.mitre[3]];
  }
  out.signature_severity = [m.sev ?? 'Minor'];
  out.updated_at = [m.updated];
  return out;
}

export interface FlowStats {
  pkts_toserver: number;
  pkts_toclient: number;
  bytes_toserver: number;
  bytes_toclient: number;
  /** Flow start, microseconds. */
  start: Micros;
}

export interface EveEvent {
  t: Micros;
  sensor: Sensor;
  flowId: string;
  tuple: Tuple;
}

function header(e: EveEvent, eventType: string, alert: boolean): Record<string, unknown> {
  const { tuple } = e;
  const h: Record<string, unknown> = {
    timestamp: eveTimestamp(e.t, e.sensor.offsetMin),
    flow_id: e.flowId,
    in_iface: e.sensor.iface,
    event_type: eventType,
    src_ip: tuple.src_ip,
    src_port: tuple.src_port,
    dest_ip: tuple.dest_ip,
    dest_port: tuple.dest_port,
    proto: tuple.proto,
  };
  if (alert) h.pkt_src = 'wire/pcap';
  h.community_id = communityId(tuple.proto, tuple.src_ip, tuple.src_port, tuple.dest_ip, tuple.dest_port);
  return h;
}

function flowObject(e: EveEvent, f: FlowStats): Record<string, unknown> {
  return {
    pkts_toserver: f.pkts_toserver,
    pkts_toclient: f.pkts_toclient,
    bytes_toserver: f.bytes_toserver,
    bytes_toclient: f.bytes_toclient,
    start: eveTimestamp(Math.min(f.start, e.t), e.sensor.offsetMin),
    src_ip: e.tuple.src_ip,
    dest_ip: e.tuple.dest_ip,
    src_port: e.tuple.src_port,
    dest_port: e.tuple.dest_port,
  };
}

/** An `event_type: "alert"` line. `app` holds the protocol object(s) (http, dns, tls, smb ...). */
export function eveAlert(
  e: EveEvent,
  sig: Sig,
  opts: { flow: FlowStats; appProto?: string; app?: Record<string, unknown>; txId?: number; action?: 'allowed' | 'blocked' },
): string {
  const rec = header(e, 'alert', true);
  if (opts.txId !== undefined) rec.tx_id = opts.txId;
  const alert: Record<string, unknown> = {
    action: opts.action ?? 'allowed',
    gid: sig.gid ?? 1,
    signature_id: sig.sid,
    rev: sig.rev,
    signature: sig.msg,
    category: sig.category,
    severity: sig.severity,
  };
  const md = alertMetadata(sig);
  if (md) alert.metadata = md;
  rec.alert = alert;
  if (opts.app) Object.assign(rec, opts.app);
  if (opts.appProto) rec.app_proto = opts.appProto;
  rec.direction = 'to_server';
  rec.flow = flowObject(e, opts.flow);
  return eveText(rec);
}

/** A non-alert line (flow, dns, http, tls ...): the body goes after the common header. */
export function eveEvent(e: EveEvent, eventType: string, body: Record<string, unknown>): string {
  const rec = header(e, eventType, false);
  Object.assign(rec, body);
  return eveText(rec);
}

/** The `flow` object of an `event_type: "flow"` line. */
export function flowEnd(
  e: EveEvent,
  f: FlowStats,
  opts: { state: 'new' | 'established' | 'closed'; reason: 'timeout' | 'forced' | 'shutdown'; alerted: boolean },
): Record<string, unknown> {
  const ageS = Math.max(0, Math.round((e.t - f.start) / 1_000_000));
  return {
    pkts_toserver: f.pkts_toserver,
    pkts_toclient: f.pkts_toclient,
    bytes_toserver: f.bytes_toserver,
    bytes_toclient: f.bytes_toclient,
    start: eveTimestamp(Math.min(f.start, e.t), e.sensor.offsetMin),
    end: eveTimestamp(e.t, e.sensor.offsetMin),
    age: ageS,
    state: opts.state,
    reason: opts.reason,
    alerted: opts.alerted,
  };
}

// ---------------------------------------------------------------------------------------------
// Wazuh

const MITRE: Record<string, { tactics: string[]; technique: string }> = {
  'T1110': { tactics: ['Credential Access'], technique: 'Brute Force' },
  'T1110.001': { tactics: ['Credential Access'], technique: 'Password Guessing' },
  'T1021.004': { tactics: ['Lateral Movement'], technique: 'SSH' },
  'T1078': { tactics: ['Defense Evasion', 'Persistence', 'Privilege Escalation', 'Initial Access'], technique: 'Valid Accounts' },
  'T1190': { tactics: ['Initial Access'], technique: 'Exploit Public-Facing Application' },
  'T1565.001': { tactics: ['Impact'], technique: 'Stored Data Manipulation' },
  'T1070.004': { tactics: ['Defense Evasion'], technique: 'File Deletion' },
  'T1485': { tactics: ['Impact'], technique: 'Data Destruction' },
  'T1486': { tactics: ['Impact'], technique: 'Data Encrypted for Impact' },
  'T1490': { tactics: ['Impact'], technique: 'Inhibit System Recovery' },
  'T1548.003': { tactics: ['Privilege Escalation', 'Defense Evasion'], technique: 'Sudo and Sudo Caching' },
  'T1048': { tactics: ['Exfiltration'], technique: 'Exfiltration Over Alternative Protocol' },
  'T1560.001': { tactics: ['Collection'], technique: 'Archive via Utility' },
};

export interface WRule {
  id: string;
  level: number;
  description: string;
  groups: readonly string[];
  mitre?: readonly string[];
  /** Compliance mappings (pci_dss, gdpr, hipaa, nist_800_53, tsc ...), written after groups. */
  compliance?: Readonly<Record<string, readonly string[]>>;
}

export interface WazuhBody {
  full_log?: string;
  previous_output?: string;
  predecoder?: { program_name: string; timestamp: string; hostname: string };
  syscheck?: Record<string, unknown>;
  decoder: { parent?: string; name: string };
  /** Decoded fields; Wazuh writes them as strings. */
  data?: Record<string, unknown>;
  location: string;
}

/**
 * One Wazuh manager's alert writer: keeps firedtimes per rule and the alerts.json byte offset
 * that the `id` ("<epoch>.<offset>") carries.
 */
export class WazuhWriter {
  private readonly fired = new Map<string, number>();
  private offset: number;

  constructor(rng: Rng) {
    this.offset = rng.int(100_000, 40_000_000);
  }

  line(t: Micros, rule: WRule, agent: Host | null, body: WazuhBody): string {
    const firedtimes = (this.fired.get(rule.id) ?? 0) + 1;
    this.fired.set(rule.id, firedtimes);
    const r: Record<string, unknown> = { level: rule.level, description: rule.description, id: rule.id };
    if (rule.mitre && rule.mitre.length > 0) {
      const tactics: string[] = [];
      const techniques: string[] = [];
      for (const id of rule.mitre) {
        const m = MITRE[id];
        if (!m) continue;
        for (const tac of m.tactics) if (!tactics.includes(tac)) tactics.push(tac);
        techniques.push(m.technique);
      }
      r.mitre = { id: [...rule.mitre], tactic: tactics, technique: techniques };
    }
    r.firedtimes = firedtimes;
    r.mail = rule.level >= 12;
    r.groups = [...rule.groups];
    if (rule.compliance) for (const [k, v] of Object.entries(rule.compliance)) r[k] = [...v];

    const rec: Record<string, unknown> = { timestamp: wazuhTimestamp(t), rule: r };
    rec.agent = agent && agent.agentId ? { id: agent.agentId, name: agent.name, ip: agent.ip } : { id: '000', name: MANAGER_NAME };
    rec.manager = { name: MANAGER_NAME };
    rec.id = `${Math.floor(t / 1_000_000)}.${this.offset}`;
    if (body.full_log !== undefined) rec.full_log = body.full_log;
    if (body.previous_output !== undefined) rec.previous_output = body.previous_output;
    if (body.syscheck) rec.syscheck = body.syscheck;
    if (body.predecoder) rec.predecoder = body.predecoder;
    rec.decoder = body.decoder;
    if (body.data) rec.data = body.data;
    rec.location = body.location;
    const text = JSON.stringify(rec);
    this.offset += Buffer.byteLength(text) + 1;
    return text;
  }
}

/** Common compliance blocks (as the stock ruleset maps them). */
export const COMPLIANCE = {
  authFailed: {
    gdpr: ['IV_35.7.d', 'IV_32.2'],
    gpg13: ['7.1'],
    hipaa: ['164.312.b'],
    nist_800_53: ['AU.14', 'AC.7'],
    pci_dss: ['10.2.4', '10.2.5'],
    tsc: ['CC6.1', 'CC6.8', 'CC7.2', 'CC7.3'],
  },
  authSuccess: {
    gdpr: ['IV_32.2'],
    gpg13: ['7.1', '7.2'],
    hipaa: ['164.312.b'],
    nist_800_53: ['AU.14', 'AC.7'],
    pci_dss: ['10.2.5'],
    tsc: ['CC6.8', 'CC7.2', 'CC7.3'],
  },
  web: {
    gdpr: ['IV_35.7.d'],
    hipaa: ['164.312.b'],
    nist_800_53: ['SA.11', 'SI.4'],
    pci_dss: ['6.5', '11.4'],
    tsc: ['CC6.6', 'CC7.1', 'CC8.1', 'CC6.1', 'CC6.8', 'CC7.2', 'CC7.3'],
  },
  syscheck: {
    gdpr: ['II_5.1.f'],
    gpg13: ['4.11'],
    hipaa: ['164.312.c.1', '164.312.c.2'],
    nist_800_53: ['SI.7'],
    pci_dss: ['11.5'],
    tsc: ['PI1.4', 'PI1.5', 'CC6.1', 'CC6.8', 'CC7.2', 'CC7.3'],
  },
} as const;
