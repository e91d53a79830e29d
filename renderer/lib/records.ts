/**
 * Sensor records (the contract's EventRow) as the screens show them: a one-line summary per
 * event type, the type's label, and the links that pivot from a record or a host to Hunt.
 */
import type { EventRow } from '../../main/contract/hunt.js';
import { formatBytes, formatCount } from './format.js';

/** Link to the Hunt screen with a query (docs/hunt-query.md), e.g. huntHref('ip:10.0.0.5'). */
export function huntHref(query: string): string {
  return `#/hunt?q=${encodeURIComponent(query)}`;
}

/** The hunt query for every record naming an address, as source or destination (`ip:` is either side). */
export function hostQuery(ip: string): string {
  return `ip:${ip}`;
}

/** The display label of an EVE event type ("fileinfo" -> "File"). */
export function eventTypeLabel(type: string): string {
  switch (type) {
    case 'dns':
    case 'http':
    case 'tls':
    case 'smb':
    case 'ssh':
    case 'smtp':
    case 'dhcp':
    case 'krb5':
    case 'quic':
      return type.toUpperCase();
    case 'fileinfo':
      return 'File';
    default:
      return type.charAt(0).toUpperCase() + type.slice(1);
  }
}

function text(s: EventRow['summary'], key: string): string | null {
  const v = s[key];
  return v === undefined || v === '' ? null : String(v);
}

function num(s: EventRow['summary'], key: string): number | null {
  const v = s[key];
  return typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : null;
}

function join(parts: (string | null | false | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p !== '').join(' ');
}

/**
 * What a record says, in one line: DNS name/type/rcode/answers, HTTP method host url status, TLS
 * SNI, file name and hash, flow bytes and packets, an alert's signature; other types list their
 * summary fields.
 */
export function recordSummary(row: Pick<EventRow, 'event_type' | 'summary' | 'app_proto'>): string {
  const s = row.summary;
  switch (row.event_type) {
    case 'dns': {
      const answers = text(s, 'dns.answers');
      return join([text(s, 'dns.type'), text(s, 'dns.rrname'), text(s, 'dns.rrtype'), text(s, 'dns.rcode'), answers ? `→ ${answers}` : null]);
    }
    case 'http': {
      const status = text(s, 'http.status');
      return join([text(s, 'http.method'), `${text(s, 'http.hostname') ?? ''}${text(s, 'http.url') ?? ''}` || null, status ? `→ ${status}` : null]);
    }
    case 'tls':
      return join([text(s, 'tls.sni') ? `SNI ${text(s, 'tls.sni')}` : null, text(s, 'tls.version'), text(s, 'tls.ja3') ? `JA3 ${text(s, 'tls.ja3')!.slice(0, 12)}…` : null]);
    case 'fileinfo': {
      const size = num(s, 'file.size');
      const sha = text(s, 'file.sha256');
      return join([text(s, 'file.name'), size !== null ? `(${formatBytes(size)})` : null, text(s, 'file.magic'), sha ? `sha256 ${sha}` : null]);
    }
    case 'flow':
    case 'netflow': {
      const bytes = num(s, 'flow.bytes');
      const pkts = num(s, 'flow.pkts');
      const dur = num(s, 'flow.duration');
      return join([
        row.app_proto ?? null,
        bytes !== null ? formatBytes(bytes) : null,
        pkts !== null ? `${formatCount(pkts)} pkts` : null,
        dur !== null ? `${dur} s` : null,
        text(s, 'flow.state'),
        text(s, 'flow.reason') ? `(${text(s, 'flow.reason')})` : null,
      ]);
    }
    case 'alert':
      return join([text(s, 'alert.signature'), text(s, 'alert.signature_id') ? `[sid ${text(s, 'alert.signature_id')}]` : null]);
    default:
      return Object.entries(s)
        .map(([k, v]) => `${k.slice(k.indexOf('.') + 1)}=${String(v)}`)
        .join(' ');
  }
}
