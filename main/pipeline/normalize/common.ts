/**
 * Shared helpers for the per-format normalizers: the cheap pre-checks every line goes through,
 * field readers that turn wrong types into a short, stable quarantine reason, and the small
 * result constructors. Nothing here allocates closures or compiles regexes per line.
 */
import { Buffer } from 'node:buffer';
import { MAX_LINE_BYTES, type NormalizeResult, type SourcePosition } from '../types.js';
import { jsonTooDeep } from './depth.js';
import { NO_OFFSET, parseTimestamp, type TimeZone } from './time.js';

export type JsonObject = Record<string, unknown>;

/**
 * Thrown by the field readers; the normalizers catch it and return `quarantined`. Deliberately
 * not an Error: no stack trace is captured, so a file full of bad lines stays cheap.
 */
export class Reject {
  constructor(readonly message: string) {}
}

export function quarantined(reason: string): NormalizeResult {
  return { kind: 'quarantined', reason };
}

export function skipped(reason: string): NormalizeResult {
  return { kind: 'skipped', reason };
}

/** The reason for an error caught while normalizing: a Reject's message, else "internal error: ...". */
export function reasonOf(e: unknown): string {
  if (e instanceof Reject) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `internal error: ${printable(msg, 120)}`;
}

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Control characters (C0, DEL, C1) and the two JS line terminators that break one-line logs.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE_RE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `s` cut to `max` UTF-16 units (never splitting a surrogate pair), with control chars as "?". */
export function printable(s: string, max: number): string {
  let out = s;
  if (out.length > max) {
    let cut = max;
    const c = out.charCodeAt(cut - 1);
    if (c >= 0xd800 && c <= 0xdbff) cut--;
    out = `${out.slice(0, cut)}…`;
  }
  return out.replace(UNPRINTABLE_RE, '?');
}

/** A value as it may appear inside a reason: JSON-quoted and short. */
export function quoted(s: string, max = 40): string {
  let cut = s;
  if (cut.length > max) {
    let n = max;
    const c = cut.charCodeAt(n - 1);
    if (c >= 0xd800 && c <= 0xdbff) n--;
    cut = `${cut.slice(0, n)}…`;
  }
  return JSON.stringify(cut);
}

function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    // space, \t, \n, \v, \f, \r, BOM
    if (c !== 32 && !(c >= 9 && c <= 13) && c !== 0xfeff) return false;
  }
  return true;
}

/**
 * The checks that come before parsing: size (UTF-16 length first, which is cheap and a lower
 * bound on the UTF-8 size; the exact byte count only when it could matter) and blank lines.
 * Returns the result for lines that stop here, else null.
 */
export function preflight(line: string): NormalizeResult | null {
  if (line.length > MAX_LINE_BYTES) return quarantined(`line exceeds ${MAX_LINE_BYTES} bytes`);
  if (line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line, 'utf8') > MAX_LINE_BYTES) {
    return quarantined(`line exceeds ${MAX_LINE_BYTES} bytes`);
  }
  const c = line.charCodeAt(0);
  // Fast exit for the usual '{'; the scan only runs for lines that start with whitespace.
  if (c !== 123 && isBlank(line)) return skipped('blank line');
  return null;
}

/** JSON.parse into an object, or a Reject with the parser's (short, printable) message. */
export function parseObject(text: string): JsonObject {
  const tooDeep = jsonTooDeep(text);
  if (tooDeep) throw new Reject(tooDeep);
  let v: unknown;
  try {
    // A UTF-8 BOM on the first line of a file is not JSON whitespace.
    v = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new Reject(`invalid JSON: ${printable(e instanceof Error ? e.message : String(e), 120)}`);
  }
  if (!isObject(v)) throw new Reject('not a JSON object');
  return v;
}

/**
 * The record as an object: `parsed` when the source handed one over (an indexer hit's _source; its
 * text is what gets stored, and is checked for depth like a line), else `text` parsed.
 */
export function objectOf(text: string, parsed: JsonObject | undefined): JsonObject {
  if (parsed === undefined) return parseObject(text);
  const tooDeep = jsonTooDeep(text);
  if (tooDeep) throw new Reject(tooDeep);
  return parsed;
}

/**
 * One record format: its name for messages, its normalizer and how its records are recognised
 * (format sniffing). Registered once in registry.ts, keyed by the format's name.
 */
export interface EventFormatSpec {
  /** For messages: "Suricata eve.json". */
  readonly name: string;
  /**
   * One record → event, skipped or quarantined (with a reason). `text` is the record as read (a
   * line) or written out (an object); `parsed`, when given, is that object (not parsed again).
   * Never throws.
   */
  normalize(text: string, position: SourcePosition, opts: NormalizeOptions, parsed?: JsonObject): NormalizeResult;
  /** Whether a parsed JSON object is a record of this format. */
  recognizes(o: JsonObject): boolean;
  /** The same, from the first characters of a record too large to parse whole. */
  readonly head: RegExp;
}

/** Per-source settings the normalizers apply. */
export interface NormalizeOptions {
  /** The zone of timestamps written without a UTC offset (the source's assume_tz); null = refuse them. */
  zone: TimeZone | null;
}

export const NO_OPTIONS: NormalizeOptions = { zone: null };

/** The record's `timestamp` as ISO UTC with milliseconds. */
export function timestampOf(o: JsonObject, opts: NormalizeOptions = NO_OPTIONS): string {
  const v = o['timestamp'];
  if (v === undefined || v === null) throw new Reject('missing timestamp');
  if (typeof v !== 'string') throw new Reject('timestamp is not a string');
  const iso = parseTimestamp(v, opts.zone);
  if (iso === NO_OFFSET) throw new Reject(`no UTC offset in timestamp ${quoted(v)} (set a time zone for the source)`);
  if (iso === null) throw new Reject(`invalid timestamp ${quoted(v)}`);
  return iso;
}

/** Optional string field: absent or null → null, a string → itself, anything else → Reject. */
export function optString(o: JsonObject, key: string, path: string): string | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw new Reject(`${path} is not a string`);
  return v;
}

/** Required integer in [min, max]: "missing X", "X is not a number", "X out of range". */
export function reqInt(o: JsonObject, key: string, path: string, min: number, max: number): number {
  const v = o[key];
  if (v === undefined || v === null) throw new Reject(`missing ${path}`);
  return checkInt(v, path, min, max);
}

/** Optional integer in [min, max]: absent or null → null. */
export function optInt(o: JsonObject, key: string, path: string, min: number, max: number): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  return checkInt(v, path, min, max);
}

function checkInt(v: unknown, path: string, min: number, max: number): number {
  if (typeof v !== 'number') throw new Reject(`${path} is not a number`);
  if (!Number.isInteger(v) || v < min || v > max) throw new Reject(`${path} out of range`);
  return v;
}

/** Optional port: absent or null → null; an integer 0..65535 → itself; else Reject. */
export function optPort(o: JsonObject, key: string, path: string): number | null {
  const v = o[key];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 65535) {
    throw new Reject(`${path} is not a port number`);
  }
  return v;
}

/** Lenient port (Wazuh data.*, written as strings): "22" or 22 → 22; anything else → null. */
export function loosePort(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 && v <= 65535 ? v : null;
  if (typeof v !== 'string' || v.length === 0 || v.length > 5) return null;
  let n = 0;
  for (let i = 0; i < v.length; i++) {
    const d = v.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  return n <= 65535 ? n : null;
}

/** Protocol name upper-cased; numbers (unknown IP protocols) as their decimal string. */
export function protoOf(v: unknown, path: string, strict: boolean): string | null {
  if (typeof v === 'string') return v.length > 0 ? v.toUpperCase() : null;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 255) return String(v);
  if (v === undefined || v === null || !strict) return null;
  throw new Reject(`${path} is not a string`);
}

const TECHNIQUE_RE = /^T\d{4}(?:\.\d{3})?$/;

/** Pushes `v` (a string or an array of strings) to `out` when it is a valid ATT&CK technique id. */
export function addTechniques(out: string[], v: unknown): void {
  if (typeof v === 'string') {
    if (TECHNIQUE_RE.test(v)) out.push(v);
    return;
  }
  if (!Array.isArray(v)) return;
  for (let i = 0; i < v.length; i++) {
    const t: unknown = v[i];
    if (typeof t === 'string' && TECHNIQUE_RE.test(t)) out.push(t);
  }
}

/** Pushes `v` (a string or an array of strings) lower-cased to `out`, skipping empty strings. */
export function addGroups(out: string[], v: unknown): void {
  if (typeof v === 'string') {
    if (v.length > 0) out.push(v.toLowerCase());
    return;
  }
  if (!Array.isArray(v)) return;
  for (let i = 0; i < v.length; i++) {
    const g: unknown = v[i];
    if (typeof g === 'string' && g.length > 0) out.push(g.toLowerCase());
  }
}

/** `a` without repeats, first occurrence kept (linear for long arrays, no Set for short ones). */
export function unique(a: string[]): string[] {
  const n = a.length;
  if (n < 2) return a;
  if (n > 16) return Array.from(new Set(a));
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const s = a[i] as string;
    if (!out.includes(s)) out.push(s);
  }
  return out;
}
