/**
 * Property test: ~100k generated and mutated lines go through normalize with a seeded PRNG.
 * Whatever the input, normalize never throws, and every result is well-formed.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../main/contract/index.js';
import { normalizeLine, toUtcIso } from '../../main/pipeline/normalize/index.js';
import { MAX_LINE_BYTES, type EventFormat, type NormalizeResult, type SourcePosition } from '../../main/pipeline/types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const LINES = 100_000;

/** mulberry32: small, fast, deterministic. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = string[];

function pathsOf(v: Json, prefix: Path, out: Path[]): Path[] {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const k of Object.keys(v)) {
      const p = [...prefix, k];
      out.push(p);
      pathsOf(v[k]!, p, out);
    }
  }
  return out;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const TECHNIQUE_RE = /^T\d{4}(?:\.\d{3})?$/;
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f]/;

/** Why `r` is not an acceptable result for `line`, or null. */
function problem(format: EventFormat, line: string, pos: SourcePosition, r: NormalizeResult): string | null {
  if (r === null || typeof r !== 'object') return 'result is not an object';
  if (r.kind === 'skipped' || r.kind === 'quarantined') {
    if (typeof r.reason !== 'string' || r.reason.length === 0) return 'empty reason';
    if (r.reason.length > 200) return `reason too long (${r.reason.length})`;
    if (CONTROL_RE.test(r.reason)) return 'control character in reason';
    return null;
  }
  if (r.kind !== 'event') return `unknown kind ${String((r as { kind: unknown }).kind)}`;
  const e = r.event;
  if (e.source !== (format === 'eve' ? 'suricata' : 'wazuh')) return `source ${e.source}`;
  if (typeof e.ts !== 'string' || !ISO_RE.test(e.ts) || toUtcIso(e.ts) !== e.ts) return `ts ${e.ts}`;
  if (!SEVERITIES.includes(e.severity)) return `severity ${String(e.severity)}`;
  if (e.sev_raw !== null && !Number.isInteger(e.sev_raw)) return `sev_raw ${e.sev_raw}`;
  for (const p of [e.src_port, e.dst_port]) {
    if (p !== null && !(Number.isInteger(p) && p >= 0 && p <= 65535)) return `port ${p}`;
  }
  if (typeof e.title !== 'string') return 'title';
  for (const s of [e.rule_id, e.category, e.src_ip, e.dst_ip, e.user, e.community_id, e.action, e.full_log, e.location]) {
    if (s !== null && typeof s !== 'string') return `string field ${JSON.stringify(s)}`;
  }
  if (e.proto !== null && (typeof e.proto !== 'string' || e.proto !== e.proto.toUpperCase())) return `proto ${e.proto}`;
  if (e.flow_id !== null && !/^(0|[1-9]\d{0,19})$/.test(e.flow_id)) return `flow_id ${e.flow_id}`;
  if (!Array.isArray(e.technique_ids) || !e.technique_ids.every((t) => TECHNIQUE_RE.test(t))) return 'technique_ids';
  if (new Set(e.technique_ids).size !== e.technique_ids.length) return 'duplicate technique_ids';
  if (!Array.isArray(e.groups) || !e.groups.every((g) => typeof g === 'string' && g.length > 0 && g === g.toLowerCase())) return 'groups';
  if (new Set(e.groups).size !== e.groups.length) return 'duplicate groups';
  if (e.agent !== null && (typeof e.agent !== 'object' || !('id' in e.agent) || !('name' in e.agent) || !('ip' in e.agent))) return 'agent';
  if (e.raw !== line) return 'raw differs from the line';
  if (e.position !== pos) return 'position';
  return null;
}

describe('normalize fuzz', () => {
  it(`never throws and always returns a well-formed result (${LINES} lines)`, () => {
    const rnd = prng(20261121);
    const int = (n: number): number => Math.floor(rnd() * n);
    const pick = <T>(a: readonly T[]): T => a[int(a.length)]!;

    const read = (f: string): string[] => fs.readFileSync(path.join(fixtures, f), 'utf8').split('\n').filter((l) => l !== '');
    const bases: Array<{ format: EventFormat; line: string; obj: Json; paths: Path[] }> = [];
    for (const [format, file] of [['eve', 'eve/alerts.jsonl'], ['wazuh', 'wazuh/alerts.jsonl']] as const) {
      for (const line of read(file)) {
        const obj = JSON.parse(line) as Json;
        bases.push({ format, line, obj, paths: pathsOf(obj, [], []) });
      }
    }

    const deep = (d: number): string => '['.repeat(d) + ']'.repeat(d);
    const randomString = (n: number): string => {
      let s = '';
      for (let i = 0; i < n; i++) {
        const k = int(6);
        const c = k === 0 ? int(32) : k === 1 ? 0xd800 + int(0x800) : k === 2 ? int(0x110000) : k === 3 ? 0x7f + int(0x80) : 32 + int(95);
        s += c > 0xffff ? String.fromCodePoint(c) : String.fromCharCode(c);
      }
      return s;
    };
    const wrongValues = (): Json => {
      switch (int(16)) {
        case 0: return null;
        case 1: return true;
        case 2: return -1;
        case 3: return 1.5;
        case 4: return 2 ** 64;
        case 5: return 65536;
        case 6: return 'x';
        case 7: return '';
        case 8: return [];
        case 9: return {};
        case 10: return [1, 'a', null];
        case 11: return randomString(1 + int(20));
        case 12: return Number.MAX_SAFE_INTEGER + 2;
        case 13: return '2026-13-45T99:99:99+9999';
        case 14: return -0;
        default: return { nested: { deeper: [1, 2, { x: 'y' }] } };
      }
    };
    const setAt = (obj: Json, p: Path, v: Json | undefined): void => {
      let cur = obj as { [k: string]: Json };
      for (let i = 0; i < p.length - 1; i++) {
        const next = cur[p[i]!];
        if (next === null || typeof next !== 'object' || Array.isArray(next)) return;
        cur = next;
      }
      const last = p[p.length - 1]!;
      if (v === undefined) delete cur[last];
      else cur[last] = v;
    };

    /** One mutation of `line`; object-level ones re-serialise a clone of the base object. */
    const mutate = (base: (typeof bases)[number], line: string): string => {
      switch (int(14)) {
        case 0: // truncation
          return line.slice(0, int(line.length + 1));
        case 1: { // character flips (byte-range and anywhere in the BMP)
          const chars = line.split('');
          const n = 1 + int(4);
          for (let i = 0; i < n && chars.length > 0; i++) chars[int(chars.length)] = String.fromCharCode(rnd() < 0.7 ? int(256) : int(0x10000));
          return chars.join('');
        }
        case 2: { // control characters and NUL
          const at = int(line.length + 1);
          return line.slice(0, at) + pick(['\u0000', '\u0001', '\u001b', '\u007f', '\n', '\r', '\t', '\u2028', '\ufeff']) + line.slice(at);
        }
        case 3: { // wrong-typed value at a random path
          const obj = JSON.parse(JSON.stringify(base.obj)) as Json;
          if (base.paths.length > 0) setAt(obj, pick(base.paths), wrongValues());
          return JSON.stringify(obj);
        }
        case 4: { // deleted key(s)
          const obj = JSON.parse(JSON.stringify(base.obj)) as Json;
          const n = 1 + int(3);
          for (let i = 0; i < n && base.paths.length > 0; i++) setAt(obj, pick(base.paths), undefined);
          return JSON.stringify(obj);
        }
        case 5: { // duplication: the whole line, or a key repeated with another value
          if (rnd() < 0.3) return line + line;
          const key = pick(['timestamp', 'event_type', 'alert', 'rule', 'flow_id', 'src_port', 'data']);
          const val = pick(['"x"', '1', 'null', '{}', '"2026-11-21T10:00:00Z"', '"alert"', '99999999999999999999999']);
          return rnd() < 0.5 ? `{"${key}":${val},${line.slice(1)}` : `${line.slice(0, -1)},"${key}":${val}}`;
        }
        case 6: { // huge strings (rarely beyond MAX_LINE_BYTES)
          const obj = JSON.parse(JSON.stringify(base.obj)) as Json;
          const size = rnd() < 0.02 ? MAX_LINE_BYTES - 200 + int(400) : 1000 + int(8_000);
          const filler = rnd() < 0.5 ? 'A'.repeat(size) : '€'.repeat(Math.floor(size / 3));
          if (base.paths.length > 0) setAt(obj, pick(base.paths), filler);
          return JSON.stringify(obj);
        }
        case 7: { // random unicode inside the line
          const at = int(line.length + 1);
          return line.slice(0, at) + randomString(1 + int(30)) + line.slice(at);
        }
        case 8: { // numbers out of range
          const obj = JSON.parse(JSON.stringify(base.obj)) as Json;
          const p = pick([['src_port'], ['dest_port'], ['alert', 'severity'], ['alert', 'signature_id'], ['alert', 'gid'], ['rule', 'level'], ['data', 'srcport'], ['flow_id']]);
          setAt(obj, p, pick([-1, 0, 65535, 65536, 255, 256, 4294967296, 1e308, -1e308, 0.5, 2 ** 53, '65536', '0x10']));
          return JSON.stringify(obj).replace('"1e999"', '1e999');
        }
        case 9: { // deeply nested arrays as a value
          const obj = JSON.parse(JSON.stringify(base.obj)) as Json;
          if (base.paths.length > 0) setAt(obj, pick(base.paths), '__DEEP__');
          return JSON.stringify(obj).replace('"__DEEP__"', deep(1 + int(rnd() < 0.01 ? 100_000 : 500)));
        }
        case 10: { // flow_id as text: any digit string, signs, fractions, exponents
          const digits = '9'.repeat(1 + int(25));
          const v = pick([digits, `-${digits}`, `${digits}.5`, `${digits}e3`, `0${digits}`, `"${digits}"`, '18446744073709551616', '18446744073709551615']);
          return line.includes('"flow_id":') ? line.replace(/"flow_id":[^,}]*/, `"flow_id":${v}`) : `{"flow_id":${v},${line.slice(1)}`;
        }
        case 11: // timestamps of every shape
          return line.replace(/"timestamp":"[^"]*"/, `"timestamp":"${pick(['2026-11-21T10:00:00.123456+0100', '2026-11-21T10:00:00Z', '2026-11-21T10:00:00', '2026-02-30T10:00:00Z', '9999-12-31T23:59:59.999-2359', '0000-01-01T00:00:00+2359', '', 'now', '2026-11-21T10:00:00.+0100', '2026-11-21T10:00:00.1234567890123456789+01:00'])}"`);
        case 12: // whitespace and blank lines
          return pick(['', ' ', '\t\r', `  ${line}  `, `\ufeff${line}`, `${line}\r`, '\u00a0', '\u3000', '\u0000']);
        default: // not an object at all
          return pick(['null', 'true', '0', '"str"', '[]', '[{}]', '{}', '{"event_type":"alert"}', '{"rule":{}}', '{"rule":{"level":5},"timestamp":"2026-11-21T10:00:00Z"}', '{"event_type":"alert","timestamp":"2026-11-21T10:00:00Z","alert":{"signature_id":1,"severity":1}}']);
      }
    };

    const counts = { event: 0, skipped: 0, quarantined: 0 };
    const failures: string[] = [];
    const pos: SourcePosition = { file: 'fuzz', line: null, offset: 0 };
    for (let i = 0; i < LINES; i++) {
      const base = pick(bases);
      let line = base.line;
      if (rnd() < 0.9) {
        const rounds = 1 + (rnd() < 0.2 ? int(3) : 0);
        for (let k = 0; k < rounds; k++) line = mutate(base, line);
      }
      // Mostly the line's own format; sometimes the other one.
      const format: EventFormat = rnd() < 0.85 ? base.format : base.format === 'eve' ? 'wazuh' : 'eve';
      let r: NormalizeResult;
      try {
        r = normalizeLine(format, line, pos);
      } catch (e) {
        failures.push(`#${i} threw ${String(e)} on ${JSON.stringify(line.slice(0, 200))}`);
        continue;
      }
      const p = problem(format, line, pos, r);
      if (p !== null) failures.push(`#${i} ${format}: ${p} on ${JSON.stringify(line.slice(0, 200))}`);
      else counts[r.kind]++;
      if (failures.length >= 10) break;
    }

    expect(failures).toEqual([]);
    // The mutations must reach every outcome, or the fuzz is not testing much.
    expect(counts.event).toBeGreaterThan(5_000);
    expect(counts.skipped).toBeGreaterThan(1_000);
    expect(counts.quarantined).toBeGreaterThan(20_000);
    expect(counts.event + counts.skipped + counts.quarantined).toBe(LINES);
  });
});
