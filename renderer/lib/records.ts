/**
 * Sensor records (the contract's EventRow) as the screens show them: a one-line summary per
 * event type, the type's label, and the links that pivot from a record or a host to Hunt.
 */
import type { EventRow } from '../../main/contract/hunt.js';
import { formatBytes, formatCount } from './format.js';

/** The hunt query for every record naming an address (any of them), as source or destination (`ip:` is either side). */
export function hostQuery(...ips: [string, ...string[]]): string {
  return ips.length === 1 ? `ip:${ips[0]}` : `ip:(${ips.join(' OR ')})`;
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

/** A value in a summary the analyst can pivot from (the value menu's kinds). */
export interface SummaryValue {
  kind: 'ip' | 'domain' | 'hash' | 'url';
  value: string;
}

/** A summary as pieces: plain text, and the values in it. */
export type SummaryPart = string | SummaryValue;

/** One word of a summary: pieces written together; null, false and empty pieces drop out. */
type Word = (SummaryPart | null | false | undefined)[] | SummaryPart | null | false | undefined;

function words(ws: Word[]): SummaryPart[] {
  const out: SummaryPart[] = [];
  for (const w of ws) {
    const pieces = (Array.isArray(w) ? w : [w]).filter((p): p is SummaryPart => (typeof p === 'string' ? p !== '' : !!p));
    if (!pieces.some((p) => typeof p !== 'string' || p.trim() !== '')) continue;
    if (out.length) out.push(' ');
    out.push(...pieces);
  }
  // neighbouring text pieces as one
  return out.reduce<SummaryPart[]>((acc, p) => {
    const last = acc.at(-1);
    if (typeof p === 'string' && typeof last === 'string') acc[acc.length - 1] = last + p;
    else acc.push(p);
    return acc;
  }, []);
}

function pivot(kind: SummaryValue['kind'], value: string | null): SummaryValue | null {
  return value === null ? null : { kind, value };
}

/** DNS answer data, space separated: addresses, or names (a CNAME). */
function answerWords(answers: string): Word[] {
  return answers
    .split(/\s+/)
    .filter(Boolean)
    .map((a) => pivot(/^[\d.]+$|:/.test(a) ? 'ip' : 'domain', a));
}

/**
 * What a record says, as pieces: DNS name/type/rcode/answers, HTTP method host url status, TLS
 * SNI, file name and hash, flow bytes and packets, an alert's signature; other types list their
 * summary fields. Names, addresses, URLs and hashes are values (the Hunt grid puts the value menu on them).
 */
export function recordSummaryParts(row: Pick<EventRow, 'event_type' | 'summary' | 'app_proto'>): SummaryPart[] {
  const s = row.summary;
  switch (row.event_type) {
    case 'dns': {
      const answers = text(s, 'dns.answers');
      return words([text(s, 'dns.type'), pivot('domain', text(s, 'dns.rrname')), text(s, 'dns.rrtype'), text(s, 'dns.rcode'), ...(answers ? ['→', ...answerWords(answers)] : [])]);
    }
    case 'http': {
      const status = text(s, 'http.status');
      return words([text(s, 'http.method'), [pivot('domain', text(s, 'http.hostname')), pivot('url', text(s, 'http.url'))], status ? `→ ${status}` : null]);
    }
    case 'tls': {
      const sni = text(s, 'tls.sni');
      return words([sni ? ['SNI ', pivot('domain', sni)] : null, text(s, 'tls.version'), text(s, 'tls.ja3') ? `JA3 ${text(s, 'tls.ja3')!.slice(0, 12)}…` : null]);
    }
    case 'fileinfo': {
      const size = num(s, 'file.size');
      const sha = text(s, 'file.sha256');
      return words([text(s, 'file.name'), size !== null ? `(${formatBytes(size)})` : null, text(s, 'file.magic'), sha ? ['sha256 ', pivot('hash', sha)] : null]);
    }
    case 'flow':
    case 'netflow': {
      const bytes = num(s, 'flow.bytes');
      const pkts = num(s, 'flow.pkts');
      const dur = num(s, 'flow.duration');
      return words([
        row.app_proto ?? null,
        bytes !== null ? formatBytes(bytes) : null,
        pkts !== null ? `${formatCount(pkts)} pkts` : null,
        dur !== null ? `${dur} s` : null,
        text(s, 'flow.state'),
        text(s, 'flow.reason') ? `(${text(s, 'flow.reason')})` : null,
      ]);
    }
    case 'alert':
      return words([text(s, 'alert.signature'), text(s, 'alert.signature_id') ? `[sid ${text(s, 'alert.signature_id')}]` : null]);
    default:
      return words(Object.entries(s).map(([k, v]) => `${k.slice(k.indexOf('.') + 1)}=${String(v)}`));
  }
}

/** What a record says, in one line (recordSummaryParts as text). */
export function recordSummary(row: Pick<EventRow, 'event_type' | 'summary' | 'app_proto'>): string {
  return recordSummaryParts(row)
    .map((p) => (typeof p === 'string' ? p : p.value))
    .join('');
}
