import { esc } from './xml.js';

/**
 * gvmd's filter strings as the simulator needs them: `key=value` / `key>value` tokens, the
 * defaults gvmd adds (apply_overrides and min_qod in front for results, first/rows/sort at the
 * end), and the `<filters>` block gvmd echoes back.
 */

export interface Keyword {
  column: string;
  relation: string;
  value: string;
}

export interface Filter {
  keywords: Keyword[];
  get(column: string): string | undefined;
  num(column: string, fallback: number): number;
}

const TOKEN = /^([A-Za-z_-]+)(>=|<=|=|>|<|~|:)(.*)$/;

function makeFilter(keywords: Keyword[]): Filter {
  return {
    keywords,
    get: (c) => keywords.find((k) => k.column === c)?.value,
    num(c, fallback) {
      const v = keywords.find((k) => k.column === c)?.value;
      const n = v === undefined ? NaN : Number(v);
      return Number.isFinite(n) ? n : fallback;
    },
  };
}

/**
 * Parses a filter and completes it the way gvmd does. `results` adds apply_overrides=0 and
 * min_qod=70 in front when missing; every listing gets first=1, rows=10, sort=name at the end.
 */
export function parseFilter(term: string | undefined, opts: { results: boolean; rowsCap?: number }): Filter {
  const user: Keyword[] = [];
  for (const token of (term ?? '').split(/\s+/)) {
    if (!token) continue;
    const m = TOKEN.exec(token);
    if (m) user.push({ column: m[1]!, relation: m[2]!, value: m[3]! });
  }
  const has = (c: string) => user.some((k) => k.column === c);
  const front: Keyword[] = [];
  if (opts.results) {
    if (!has('apply_overrides')) front.push({ column: 'apply_overrides', relation: '=', value: '0' });
    if (!has('min_qod')) front.push({ column: 'min_qod', relation: '=', value: '70' });
  }
  const back: Keyword[] = [];
  if (!has('first')) back.push({ column: 'first', relation: '=', value: '1' });
  if (!has('rows')) back.push({ column: 'rows', relation: '=', value: '10' });
  if (!has('sort') && !has('sort-reverse')) back.push({ column: 'sort', relation: '=', value: 'name' });
  const all = [...front, ...user, ...back].map((k) => (k.column === 'rows' && k.value === '-1' && opts.rowsCap ? { ...k, value: String(opts.rowsCap) } : k));
  return makeFilter(all);
}

export const LEVEL_NAMES: Record<string, string> = { c: 'Critical', h: 'High', m: 'Medium', l: 'Low', g: 'Log', f: 'False Positive' };

/** The `<filters>` block; `levels` adds the `<filter>` names of a report. */
export function renderFilters(f: Filter, withLevels = false): string {
  const term = f.keywords.map((k) => `${k.column}${k.relation}${k.value}`).join(' ');
  const levels = f.get('levels') ?? 'chmlgf';
  const names = withLevels ? [...'chmlgf'].filter((c) => levels.includes(c)).map((c) => `<filter>${LEVEL_NAMES[c]}</filter>`).join('') : '';
  const keywords = f.keywords.map((k) => `<keyword><column>${esc(k.column)}</column><relation>${esc(k.relation)}</relation><value>${esc(k.value)}</value></keyword>`).join('');
  return `<filters id=""><term>${esc(term)}</term>${names}<keywords>${keywords}</keywords></filters>`;
}

/** `<sort>` from sort / sort-reverse. */
export function renderSort(f: Filter): string {
  const rev = f.get('sort-reverse');
  return `<sort><field>${esc(rev ?? f.get('sort') ?? 'name')}<order>${rev ? 'descending' : 'ascending'}</order></field></sort>`;
}
