/**
 * Sensor records in words, for text outputs: the CLI's `vigil events` tables and the line a kept
 * record gets on a case's timeline. (The console words records itself: renderer/lib/records.ts.)
 */
import type { EventRow } from '../contract/index.js';

/** An address with its port: 10.0.0.5:53, [2001:db8::1]:443, or '-' without an address. */
export function endpointText(ip: string | null, port: number | null): string {
  if (ip === null) return '-';
  const host = ip.includes(':') ? `[${ip}]` : ip;
  return port !== null ? `${host}:${port}` : host;
}

/** The summary as "field=value" pairs, cut to `max` characters. */
export function summaryText(r: Pick<EventRow, 'summary'>, max = 120): string {
  const s = Object.entries(r.summary)
    .map(([k, v]) => `${k.slice(k.indexOf('.') + 1)}=${String(v)}`)
    .join(' ');
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

/** One line for a record: "dns 10.0.0.5:53011 -> 10.0.0.53:53 rrname=example.ru rrtype=A". */
export function recordTitle(r: Pick<EventRow, 'event_type' | 'src_ip' | 'src_port' | 'dst_ip' | 'dst_port' | 'summary'>): string {
  const summary = summaryText(r, 200);
  return `${r.event_type} ${endpointText(r.src_ip, r.src_port)} -> ${endpointText(r.dst_ip, r.dst_port)}${summary ? ` ${summary}` : ''}`;
}
