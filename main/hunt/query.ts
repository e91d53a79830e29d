/**
 * The hunt query language (docs/hunt-query.md): field filters, then pipes.
 *
 *   query    := term* ( "|" pipe )*
 *   term     := [ "NOT" | "-" ] FIELD ( ":" | ":>" | ":>=" | ":<" | ":<=" ) values
 *   values   := value | "(" value ( "OR" value )* ")"
 *   value    := '"' text with \" and \\ '"' | a bare word (no space, quote, parenthesis or "|"), "*" a wildcard
 *   pipe     := "groupby" FIELD [ FIELD ] | "sort" FIELD [ "asc" | "desc" ] | "head" N
 *
 * Terms are ANDed; OR is within one field. The parser checks every field and value (addresses and
 * CIDR blocks, ports, flow ids, numbers) and says where it went wrong, by 1-based column. It builds
 * a tree only: values reach SQL as bound parameters (main/store/records-query.ts), never as text.
 */
import { HUNT_FIELDS, HUNT_FIELD_NAMES, type HuntField } from '../contract/index.js';
import { ipBlobRange } from '../store/ipblob.js';
import { TYPED_FIELDS } from './fields.js';

export type Comparison = '=' | '>' | '>=' | '<' | '<=';

export interface HuntValue {
  text: string;
  /** 1-based column of the value's first character. */
  column: number;
  /** The value holds a "*" wildcard (bare, or quoted: a quoted "*" is a wildcard too). */
  wildcard: boolean;
}

export interface HuntTerm {
  field: HuntField;
  negate: boolean;
  op: Comparison;
  /** OR-ed. */
  values: HuntValue[];
  column: number;
}

export interface HuntQueryAst {
  terms: HuntTerm[];
  groupby: HuntField[] | null;
  /** `ts` or a field. */
  sort: { field: HuntField | 'ts'; dir: 'asc' | 'desc' } | null;
  head: number | null;
}

export const HEAD_MAX = 10_000;

/**
 * How many records a query lists (the Hunt grid, Keep all, an export, `vigil events list`): its
 * `| head N`; else HEAD_MAX when it sorts by a field other than time (each page sorts the range
 * anew, so the list stops there); else every one (null).
 */
export function listMax(ast: HuntQueryAst): number | null {
  if (ast.head !== null) return ast.head;
  return ast.sort !== null && ast.sort.field !== 'ts' ? HEAD_MAX : null;
}

export class HuntSyntaxError extends Error {
  constructor(
    readonly reason: string,
    readonly column: number,
  ) {
    super(`${reason} at column ${column}`);
    this.name = 'HuntSyntaxError';
  }
}

const NUMERIC_COMMON = new Set<string>(['src_port', 'dst_port', 'port']);
const IP_FIELDS = new Set<string>(['src_ip', 'dst_ip', 'ip']);
const NO_WILDCARD = new Set<string>([...IP_FIELDS, ...NUMERIC_COMMON, 'flow_id']);
const UINT64_MAX = 18446744073709551615n;

/** Whether a field holds numbers (ports, sizes, counts): the ones that take :> :< comparisons. */
export function isNumericField(field: string): boolean {
  return NUMERIC_COMMON.has(field) || TYPED_FIELDS.get(field)?.numeric === true;
}

export function isHuntField(name: string): name is HuntField {
  return Object.prototype.hasOwnProperty.call(HUNT_FIELDS, name);
}

/** The closest field name (edit distance ≤ 3), for "did you mean". */
function closest(name: string): string | null {
  let best: string | null = null;
  let bestD = 4;
  for (const f of HUNT_FIELD_NAMES) {
    const d = distance(name.toLowerCase(), f);
    if (d < bestD) {
      best = f;
      bestD = d;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const t = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = t;
    }
  }
  return prev[b.length]!;
}

function isSpace(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

/** A character that ends a bare word. */
function isStop(c: string | undefined): boolean {
  return c === undefined || isSpace(c) || c === '(' || c === ')' || c === '|' || c === '"';
}

class Reader {
  i = 0;
  constructor(readonly s: string) {}
  get col(): number {
    return this.i + 1;
  }
  peek(): string | undefined {
    return this.s[this.i];
  }
  skipSpace(): void {
    while (isSpace(this.s[this.i])) this.i++;
  }
  atEnd(): boolean {
    this.skipSpace();
    return this.i >= this.s.length;
  }
  /** A bare word (letters, digits, anything but stops and, when `untilColon`, ':'). */
  word(untilColon: boolean): string {
    const start = this.i;
    while (!isStop(this.s[this.i]) && !(untilColon && this.s[this.i] === ':')) this.i++;
    return this.s.slice(start, this.i);
  }
}

function fail(reason: string, column: number): never {
  throw new HuntSyntaxError(reason, column);
}

function checkValue(field: HuntField, op: Comparison, v: HuntValue): void {
  const at = v.column;
  if (v.wildcard && NO_WILDCARD.has(field)) {
    fail(IP_FIELDS.has(field) ? `${field} takes an address or a CIDR block (10.0.0.0/8), not a wildcard,` : `${field} takes no wildcard`, at);
  }
  if (op !== '=' && !isNumericField(field)) fail(`${field} holds text: only ":" compares it`, at);
  if (IP_FIELDS.has(field)) {
    if (ipBlobRange(v.text) === null) fail(`${JSON.stringify(v.text)} is not an address or CIDR block for ${field}`, at);
  } else if (NUMERIC_COMMON.has(field)) {
    if (!/^\d{1,5}$/.test(v.text) || Number(v.text) > 65535) fail(`${JSON.stringify(v.text)} is not a port number (0-65535) for ${field}`, at);
  } else if (field === 'flow_id') {
    if (!/^\d{1,20}$/.test(v.text) || BigInt(v.text) > UINT64_MAX) fail(`${JSON.stringify(v.text)} is not a flow id (an unsigned 64-bit number)`, at);
  } else if (isNumericField(field) && !v.wildcard) {
    if (!/^-?\d+(\.\d+)?$/.test(v.text)) fail(`${JSON.stringify(v.text)} is not a number for ${field}`, at);
  }
}

function readValue(r: Reader, field: string): HuntValue {
  r.skipSpace();
  const column = r.col;
  if (r.peek() === '"') {
    r.i++;
    let text = '';
    for (;;) {
      const c = r.peek();
      if (c === undefined) fail('unterminated quoted value (a closing " is missing) starting', column);
      r.i++;
      if (c === '"') break;
      if (c === '\\') {
        const n = r.peek();
        if (n === undefined) fail('unterminated quoted value (a closing " is missing) starting', column);
        text += n;
        r.i++;
      } else text += c;
    }
    return { text, column, wildcard: text.includes('*') };
  }
  const text = r.word(false);
  if (text.length === 0 || text.toUpperCase() === 'OR') fail(`expected a value after ${field}:`, column);
  return { text, column, wildcard: text.includes('*') };
}

function readTerm(r: Reader): HuntTerm {
  const column = r.col;
  let negate = false;
  if (r.peek() === '-') {
    negate = true;
    r.i++;
  } else if (/^NOT\s/.test(r.s.slice(r.i, r.i + 4))) {
    negate = true;
    r.i += 3;
    r.skipSpace();
  }
  const fieldCol = r.col;
  const name = r.word(true);
  if (name.length === 0) fail(r.peek() === undefined ? 'expected a field after NOT' : `expected a field, found ${JSON.stringify(r.peek())}`, fieldCol);
  if (r.peek() !== ':') {
    if (isHuntField(name)) fail(`expected ":" after ${name}`, r.col);
    fail(`expected field:value, found ${JSON.stringify(name)} (free text is not searched; name a field)`, fieldCol);
  }
  if (!isHuntField(name)) {
    const near = closest(name);
    fail(`unknown field ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}`, fieldCol);
  }
  r.i++; // ':'
  let op: Comparison = '=';
  for (const o of ['>=', '<=', '>', '<'] as const) {
    if (r.s.startsWith(o, r.i)) {
      op = o;
      r.i += o.length;
      break;
    }
  }
  const values: HuntValue[] = [];
  if (isSpace(r.peek()) || r.peek() === undefined || r.peek() === '|') fail(`expected a value after ${name}:`, r.col);
  if (r.peek() === '(') {
    const open = r.col;
    r.i++;
    values.push(readValue(r, name));
    for (;;) {
      r.skipSpace();
      if (r.peek() === ')') {
        r.i++;
        break;
      }
      const at = r.col;
      const w = r.word(false);
      if (w.toUpperCase() !== 'OR') fail(r.peek() === undefined && w.length === 0 ? `expected ")" to close the list opened at column ${open}` : `expected OR or ")" in the list of ${name}`, at);
      values.push(readValue(r, name));
    }
  } else values.push(readValue(r, name));
  for (const v of values) checkValue(name, op, v);
  if (values.length > 1 && op !== '=') fail(`${name}:${op} compares with one number, not a list`, values[1]!.column);
  return { field: name, negate, op, values, column };
}

function readField(r: Reader, what: string): HuntField {
  r.skipSpace();
  const col = r.col;
  const name = r.word(false);
  if (name.length === 0) fail(`expected a field after ${what}`, col);
  if (!isHuntField(name)) {
    const near = closest(name);
    fail(`unknown field ${JSON.stringify(name)}${near ? ` (did you mean ${near}?)` : ''}`, col);
  }
  return name;
}

function readPipe(r: Reader, ast: HuntQueryAst): void {
  r.skipSpace();
  const col = r.col;
  const cmd = r.word(false).toLowerCase();
  if (cmd === 'groupby') {
    if (ast.groupby) fail('only one groupby', col);
    const fields = [readField(r, 'groupby')];
    r.skipSpace();
    if (r.peek() !== undefined && r.peek() !== '|') fields.push(readField(r, fields[0]!));
    ast.groupby = fields;
  } else if (cmd === 'sort') {
    r.skipSpace();
    const field = r.s.startsWith('ts', r.i) && isStop(r.s[r.i + 2]) ? ((r.i += 2), 'ts' as const) : readField(r, 'sort');
    r.skipSpace();
    let dir: 'asc' | 'desc' = 'desc';
    if (r.peek() !== undefined && r.peek() !== '|') {
      const at = r.col;
      const d = r.word(false).toLowerCase();
      if (d !== 'asc' && d !== 'desc') fail(`expected asc or desc after sort ${field}`, at);
      dir = d;
    }
    ast.sort = { field, dir };
  } else if (cmd === 'head') {
    r.skipSpace();
    const at = r.col;
    const n = r.word(false);
    if (!/^\d{1,6}$/.test(n) || Number(n) < 1 || Number(n) > HEAD_MAX) fail(`expected a number of rows (1-${HEAD_MAX}) after head`, at);
    ast.head = Number(n);
  } else {
    fail(cmd.length === 0 ? 'expected a command after "|" (groupby, sort, head)' : `unknown command ${JSON.stringify(cmd)} (groupby, sort, head)`, col);
  }
  r.skipSpace();
  if (r.peek() !== undefined && r.peek() !== '|') fail(`unexpected ${JSON.stringify(r.peek())} after ${cmd}`, r.col);
}

/** Parses a query; throws HuntSyntaxError (message and 1-based column) on the first problem. */
export function parseHuntQuery(text: string): HuntQueryAst {
  const r = new Reader(text);
  const ast: HuntQueryAst = { terms: [], groupby: null, sort: null, head: null };
  while (!r.atEnd() && r.peek() !== '|') {
    if (r.peek() === ')') fail('unexpected ")"', r.col);
    ast.terms.push(readTerm(r));
    if (!isStop(r.peek()) && r.peek() !== undefined) fail(`unexpected ${JSON.stringify(r.peek())}`, r.col);
  }
  while (!r.atEnd()) {
    r.i++; // '|'
    readPipe(r, ast);
  }
  return ast;
}

/** A value written so the parser reads it back as itself (quoted when it must be). */
export function quoteValue(v: string): string {
  return /^[^\s"()|*\\]+$/.test(v) && v.toUpperCase() !== 'OR' ? v : `"${v.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

/** The query text of a tree's terms (no pipes): for drill-downs and evidence links. */
export function termsText(terms: readonly HuntTerm[]): string {
  return terms
    .map((t) => {
      const op = t.op === '=' ? '' : t.op;
      const vals = t.values.map((v) => (v.wildcard ? `"${v.text.replace(/[\\"]/g, (c) => `\\${c}`)}"` : quoteValue(v.text)));
      return `${t.negate ? '-' : ''}${t.field}:${op}${vals.length > 1 ? `(${vals.join(' OR ')})` : vals[0]}`;
    })
    .join(' ');
}
