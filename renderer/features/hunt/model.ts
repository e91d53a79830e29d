/**
 * The Hunt screen's view as the address holds it: `#/hunt?q=<query>&range=24h`, or a fixed span
 * `#/hunt?q=<query>&from=<ISO>&to=<ISO>` (a pivot from an alert of last week, a histogram bar
 * zoomed into). The query is the hunt language (docs/hunt-query.md); a range is relative to now.
 */
export const HUNT_RANGES = [
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { value: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { value: 'all', label: 'All time', ms: null },
] as const;
export type HuntRange = (typeof HUNT_RANGES)[number]['value'];

/** A fixed span of time, [from, to) in UTC ISO 8601. */
export interface HuntSpan {
  from: string;
  to: string;
}

export interface HuntView {
  q: string;
  range: HuntRange;
  /** A fixed span, which the relative range then does not apply to. */
  span?: HuntSpan | undefined;
}

const DEFAULT_RANGE: HuntRange = '24h';

/** The contract's from/to for a range (all time starts at the epoch: the store's own default is 24 h). */
export function rangeBounds(range: HuntRange, now: number): { from: string; to: string } {
  const r = HUNT_RANGES.find((x) => x.value === range) ?? HUNT_RANGES[1];
  return { from: new Date(r.ms === null ? 0 : now - r.ms).toISOString(), to: new Date(now + 1000).toISOString() };
}

/** The contract's from/to for a view: its span, else its range up to now. */
export function viewBounds(v: HuntView, now: number): { from: string; to: string } {
  return v.span ? { from: v.span.from, to: v.span.to } : rangeBounds(v.range, now);
}

/** A span of the address, when both ends are times and from is before to; else none. */
function spanOf(from: string | null, to: string | null): HuntSpan | undefined {
  if (from === null || to === null) return undefined;
  const a = Date.parse(from);
  const b = Date.parse(to);
  if (!Number.isFinite(a) || !Number.isFinite(b) || a >= b) return undefined;
  return { from: new Date(a).toISOString(), to: new Date(b).toISOString() };
}

/** The view of a hash query string; unknown ranges and broken spans fall back to the default, never an error. */
export function parseHuntQuery(query: string): HuntView {
  const p = new URLSearchParams(query);
  const range = p.get('range');
  const span = spanOf(p.get('from'), p.get('to'));
  return {
    q: (p.get('q') ?? '').slice(0, 4000),
    range: HUNT_RANGES.some((r) => r.value === range) ? (range as HuntRange) : DEFAULT_RANGE,
    ...(span ? { span } : {}),
  };
}

/** The hash of a view (canonical: the default range is left out; a span leaves the range out). */
export function huntViewHref(v: HuntView): string {
  const p = new URLSearchParams();
  if (v.q.trim()) p.set('q', v.q.trim());
  if (v.span) {
    p.set('from', v.span.from);
    p.set('to', v.span.to);
  } else if (v.range !== DEFAULT_RANGE) p.set('range', v.range);
  const s = p.toString();
  return `#/hunt${s ? `?${s}` : ''}`;
}

const WEEK_MS = 7 * 86_400_000;

/**
 * The hunt a value's menu opens ("Hunt 10.0.0.5"): the last 7 days; for a value last seen before
 * them (an old alert's address), the week up to when it was seen and the day after, so the hunt
 * shows that time, not an empty week.
 */
export function valueHuntView(q: string, seen: string | null | undefined, now: number): HuntView {
  const at = seen ? Date.parse(seen) : Number.NaN;
  if (!Number.isFinite(at) || at >= now - WEEK_MS) return { q, range: '7d' };
  return { q, range: '7d', span: { from: new Date(at - WEEK_MS).toISOString(), to: new Date(at + 86_400_000).toISOString() } };
}

/**
 * Link to the Hunt screen with a query (docs/hunt-query.md), e.g. huntHref('ip:10.0.0.5'), over
 * the default range (the last 24 hours) or a fixed span: written as every Hunt view is.
 */
export function huntHref(q: string, span?: HuntSpan): string {
  return huntViewHref({ q, range: DEFAULT_RANGE, ...(span ? { span } : {}) });
}

/** A day, the margin of a Hunt link around a record's or an alert's time. */
export const HUNT_MARGIN_MS = 86_400_000;

/** A span of time around [fromMs, toMs], widened by `padMs` each side (for huntHref). */
export function spanAround(fromMs: number, toMs: number, padMs: number): HuntSpan {
  return { from: new Date(fromMs - padMs).toISOString(), to: new Date(toMs + padMs + 1).toISOString() };
}

/** Whether two views show the same records. */
export function sameView(a: HuntView, b: HuntView): boolean {
  return a.q === b.q && a.range === b.range && a.span?.from === b.span?.from && a.span?.to === b.span?.to;
}

/** Fields offered for counting when the query has no `| groupby` (the ones analysts pivot on). */
export const GROUP_FIELDS = [
  'event_type',
  'src_ip',
  'dst_ip',
  'dst_port',
  'proto',
  'app_proto',
  'sensor',
  'dns.rrname',
  'dns.rrtype',
  'dns.rcode',
  'http.hostname',
  'http.user_agent',
  'http.status',
  'tls.sni',
  'tls.ja3',
  'file.sha256',
  'alert.signature',
] as const;

/** A query with one more term: "event_type:dns" + dns.rrname = "evil.ru" -> `event_type:dns dns.rrname:"evil.ru"`. */
export function withTerm(query: string, field: string, value: string | number): string {
  const bare = String(value);
  const v = /^[^\s"()|]+$/.test(bare) && !/^(OR|NOT)$/i.test(bare) ? bare : `"${bare.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const pipe = firstPipe(query);
  const head = (pipe === -1 ? query : query.slice(0, pipe)).trim();
  const tail = pipe === -1 ? '' : ` ${query.slice(pipe).trim()}`;
  return `${head ? `${head} ` : ''}${field}:${v}${tail}`;
}

/** Index of the first "|" outside a quoted value, or -1. */
function firstPipe(query: string): number {
  let quoted = false;
  for (let i = 0; i < query.length; i++) {
    const c = query[i];
    if (quoted && c === '\\') i++;
    else if (c === '"') quoted = !quoted;
    else if (c === '|' && !quoted) return i;
  }
  return -1;
}

/** A query's parts: the terms, then each pipe's text (split at "|" outside quoted values). */
function splitPipes(query: string): [string, ...string[]] {
  const parts: string[] = [];
  let rest = query;
  for (let i = firstPipe(rest); i !== -1; i = firstPipe(rest)) {
    parts.push(rest.slice(0, i));
    rest = rest.slice(i + 1);
  }
  parts.push(rest);
  const [head = '', ...pipes] = parts;
  return [head.trim(), ...pipes.map((p) => p.trim())];
}

/**
 * The query without its `| groupby` pipes: the records a grouped query counts (the list and the
 * histogram show them; the group-by panel answers the groupby itself).
 */
export function withoutGroupBy(query: string): string {
  const [head, ...pipes] = splitPipes(query);
  return [head, ...pipes.filter((p) => !/^groupby\b/i.test(p))].join(' | ').trim();
}

/** The order of a query's list by time: newest first (the default), oldest first, or null (sorted by a field). */
export function timeOrder(query: string): 'asc' | 'desc' | null {
  const sort = splitPipes(query)
    .slice(1)
    .find((p) => /^sort\b/i.test(p));
  if (sort === undefined) return 'desc';
  const m = /^sort\s+(\S+)(?:\s+(asc|desc))?\s*$/i.exec(sort);
  if (!m || m[1] !== 'ts') return null;
  return m[2]?.toLowerCase() === 'asc' ? 'asc' : 'desc';
}

/** The query listed by time in `dir` (its `| sort` replaced; newest first needs none), before any `| head`. */
export function withTimeOrder(query: string, dir: 'asc' | 'desc'): string {
  const [head, ...pipes] = splitPipes(query);
  const kept = pipes.filter((p) => !/^sort\b/i.test(p));
  const at = kept.findIndex((p) => /^head\b/i.test(p));
  if (dir === 'asc') kept.splice(at === -1 ? kept.length : at, 0, 'sort ts asc');
  return [head, ...kept].join(' | ').trim();
}
