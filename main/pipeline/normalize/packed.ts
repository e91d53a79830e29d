/**
 * Normalize results in a form that crosses threads cheaply (normalize-worker.ts). Structured clone
 * rebuilds an object property by property: a sensor record as an object costs ~3.7 us to receive,
 * the same values as a run in one flat array ~1.9 us, plus ~1 us to make the object again here.
 *
 * The common result, a record that is no alert ("skipped" with its sensor record), travels as
 * PACKED_FIELDS values in `flat`, without its raw line (the receiver holds the line it sent). Every
 * other result (alerts, quarantined lines, blank lines, Wazuh events) travels as itself in `others`.
 */
import type { NormalizeResult, SensorRecord } from '../types.js';
import { SLOT_COUNT } from './eve-record.js';

/** reason, record_type, ts, type, sensor, src_ip, src_port, dst_ip, dst_port, proto, app_proto, flow_id, community_id, slots. */
const HEAD_FIELDS = 13;
export const PACKED_FIELDS = HEAD_FIELDS + SLOT_COUNT;

export interface PackedResults {
  /** Per line: 1 = packed in `flat`, 0 = the next of `others`. */
  kinds: Uint8Array;
  flat: (string | number | null)[];
  others: NormalizeResult[];
}

export function packResults(results: readonly NormalizeResult[]): PackedResults {
  const kinds = new Uint8Array(results.length);
  const flat: (string | number | null)[] = [];
  const others: NormalizeResult[] = [];
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    const rec = r.kind === 'skipped' ? r.record : undefined;
    if (r.kind !== 'skipped' || rec === undefined || rec.slots.length !== SLOT_COUNT) {
      others.push(r);
      continue;
    }
    kinds[i] = 1;
    flat.push(r.reason, r.record_type ?? null, rec.ts, rec.type, rec.sensor, rec.src_ip, rec.src_port, rec.dst_ip, rec.dst_port, rec.proto, rec.app_proto, rec.flow_id, rec.community_id);
    for (const v of rec.slots) flat.push(v);
  }
  return { kinds, flat, others };
}

/** The results again, in order; `raws[i]` is the line the i-th result was read from. */
export function unpackResults(p: PackedResults, raws: readonly string[]): NormalizeResult[] {
  const out: NormalizeResult[] = new Array<NormalizeResult>(p.kinds.length);
  const f = p.flat;
  let o = 0;
  let other = 0;
  for (let i = 0; i < p.kinds.length; i++) {
    if (p.kinds[i] === 0) {
      const r = p.others[other++];
      if (r === undefined) throw new Error('packed results: fewer results than lines');
      out[i] = r;
      continue;
    }
    const record: SensorRecord = {
      ts: f[o + 2] as number,
      type: f[o + 3] as string,
      sensor: f[o + 4] as string | null,
      src_ip: f[o + 5] as string | null,
      src_port: f[o + 6] as number | null,
      dst_ip: f[o + 7] as string | null,
      dst_port: f[o + 8] as number | null,
      proto: f[o + 9] as string | null,
      app_proto: f[o + 10] as string | null,
      flow_id: f[o + 11] as string | null,
      community_id: f[o + 12] as string | null,
      slots: f.slice(o + HEAD_FIELDS, o + PACKED_FIELDS),
      raw: raws[i]!,
    };
    const type = f[o + 1] as string | null;
    out[i] = type === null ? { kind: 'skipped', reason: f[o] as string, record } : { kind: 'skipped', reason: f[o] as string, record_type: type, record };
    o += PACKED_FIELDS;
  }
  if (o !== f.length || other !== p.others.length) throw new Error('packed results: more values than lines');
  return out;
}
