/**
 * Where each hunt field lives in the record store. Common fields have their own column; the
 * per-type summary fields share a few generic columns (s1..s7 text, n1..n3 numbers) whose meaning
 * depends on the record's event_type, so a flow row does not carry empty DNS, HTTP and TLS columns.
 * This table is the one place that says which field is in which slot: the normalizer writes by it,
 * the query compiler reads by it, and rows are turned back into summaries by it.
 */
import type { HuntField } from '../contract/index.js';

export const TEXT_SLOTS = ['s1', 's2', 's3', 's4', 's5', 's6', 's7'] as const;
export const NUM_SLOTS = ['n1', 'n2', 'n3'] as const;
export type TextSlot = (typeof TEXT_SLOTS)[number];
export type NumSlot = (typeof NUM_SLOTS)[number];
export type Slot = TextSlot | NumSlot;

/** Per event_type: summary field → slot. */
export const TYPE_LAYOUT: Readonly<Record<string, Readonly<Partial<Record<HuntField, Slot>>>>> = {
  alert: { 'alert.signature': 's1', 'alert.category': 's2', 'alert.signature_id': 'n1', 'alert.severity': 'n2' },
  dns: { 'dns.rrname': 's1', 'dns.rrtype': 's2', 'dns.rcode': 's3', 'dns.type': 's4', 'dns.answers': 's5' },
  http: {
    'http.hostname': 's1',
    'http.url': 's2',
    'http.method': 's3',
    'http.user_agent': 's4',
    'http.content_type': 's5',
    'http.status': 'n1',
  },
  tls: { 'tls.sni': 's1', 'tls.subject': 's2', 'tls.issuer': 's3', 'tls.ja3': 's4', 'tls.ja4': 's5', 'tls.version': 's6', 'tls.ja3s': 's7' },
  fileinfo: { 'file.name': 's1', 'file.sha256': 's2', 'file.magic': 's3', 'file.size': 'n1' },
  flow: { 'flow.state': 's1', 'flow.reason': 's2', 'flow.bytes': 'n1', 'flow.pkts': 'n2', 'flow.duration': 'n3' },
  netflow: { 'flow.bytes': 'n1', 'flow.pkts': 'n2', 'flow.duration': 'n3' },
  anomaly: { 'anomaly.type': 's1', 'anomaly.event': 's2' },
  ssh: { 'ssh.client': 's1', 'ssh.server': 's2' },
  smtp: { 'smtp.from': 's1', 'smtp.to': 's2' },
  smb: { 'smb.command': 's1', 'smb.filename': 's2' },
  krb5: { 'krb5.cname': 's1', 'krb5.sname': 's2' },
  dhcp: { 'dhcp.hostname': 's1', 'dhcp.assigned_ip': 's2' },
};

/** Common fields and the column holding each. */
export const COMMON_COLUMNS = {
  event_type: 'type',
  sensor: 'sensor',
  src_ip: 'src',
  dst_ip: 'dst',
  src_port: 'sport',
  dst_port: 'dport',
  proto: 'proto',
  app_proto: 'app_proto',
  flow_id: 'flow_id',
  community_id: 'community_id',
} as const satisfies Partial<Record<HuntField, string>>;

export type CommonField = keyof typeof COMMON_COLUMNS;

/** A summary field: the event types that carry it, and its slot in each. */
export interface TypedField {
  types: string[];
  slot: Slot;
  numeric: boolean;
}

function buildTypedFields(): Map<string, TypedField> {
  const out = new Map<string, TypedField>();
  for (const [type, layout] of Object.entries(TYPE_LAYOUT)) {
    for (const [field, slot] of Object.entries(layout) as [string, Slot][]) {
      const f = out.get(field);
      if (f) {
        // a field shared by several types (flow.bytes) must sit in the same slot in each
        if (f.slot !== slot) throw new Error(`${field} is in ${f.slot} and ${slot}`);
        f.types.push(type);
      } else out.set(field, { types: [type], slot, numeric: slot.startsWith('n') });
    }
  }
  return out;
}

export const TYPED_FIELDS: ReadonlyMap<string, TypedField> = buildTypedFields();

/** Slot index (0-6 for s1..s7, 7-9 for n1..n3) of each type's fields, for the normalizer. */
export function slotIndex(slot: Slot): number {
  return slot.startsWith('s') ? Number(slot.slice(1)) - 1 : TEXT_SLOTS.length + Number(slot.slice(1)) - 1;
}

/** The slots of a record of `type` as a summary keyed by field name (only fields that are set). */
export function summaryOf(type: string, slots: readonly (string | number | null)[]): Record<string, string | number> {
  const layout = TYPE_LAYOUT[type];
  const out: Record<string, string | number> = {};
  if (!layout) return out;
  for (const [field, slot] of Object.entries(layout) as [string, Slot][]) {
    const v = slots[slotIndex(slot)];
    if (v !== null && v !== undefined) out[field] = v;
  }
  return out;
}
