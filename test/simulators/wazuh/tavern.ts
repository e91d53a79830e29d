import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

/**
 * Replays stages of Wazuh's own API integration tests (tavern YAML, spec/wazuh/tavern-4.14.7/)
 * against the simulator and compares its answers with what the tests expect from a real Wazuh.
 * Only what tavern checks declaratively is compared (status and the JSON body, with tavern's
 * !anystr/!anyint/... matchers, dicts matched on the keys the test names, lists item by item);
 * `verify_response_with` Python functions are not run. `save: json:` values are kept for later
 * stages of the same test, as tavern does.
 */

const ANY = Symbol('tavern-matcher');
interface Matcher {
  [ANY]: string;
  value?: string;
}
const matcher = (name: string) =>
  new yaml.Type(`!${name}`, { kind: 'scalar', construct: (data: string | null) => ({ [ANY]: name, ...(data ? { value: data } : {}) }) as Matcher });
const SCHEMA = yaml.DEFAULT_SCHEMA.extend(['anystr', 'anyint', 'anybool', 'anyfloat', 'anything', 'anylist', 'anydict', 'float', 'int', 'bool'].map(matcher));

export interface Stage {
  name: string;
  request: { url: string; method?: string; params?: Record<string, unknown>; headers?: Record<string, string>; json?: unknown };
  response: { status_code?: number; json?: unknown; save?: { json?: Record<string, string> } };
}

export interface TavernTest {
  test_name: string;
  stages: Stage[];
}

const dir = fileURLToPath(new URL('./spec/wazuh/tavern-4.14.7/', import.meta.url));

/**
 * The tests of one file. Tavern lets an anchor defined in one YAML document be used in a later
 * one, which plain YAML does not, so the documents are read as the items of one list.
 */
export function loadTavern(file: string): TavernTest[] {
  const docs = fs.readFileSync(`${dir}${file}`, 'utf8').split(/^---[ \t]*$/m);
  const asList = docs.map((d) => `-\n${d.replace(/^/gm, '    ')}`).join('\n');
  return (yaml.load(asList, { schema: SCHEMA }) as (TavernTest | null)[]).filter((d): d is TavernTest => !!d && !!d.test_name);
}

/** Fills tavern's "{name:s}" placeholders. */
export function format(value: unknown, vars: Record<string, unknown>): unknown {
  if (typeof value === 'string') {
    const whole = /^\{(\w+)(?::\w)?\}$/.exec(value);
    if (whole && whole[1]! in vars) return vars[whole[1]!];
    return value.replace(/\{(\w+)(?::\w)?\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
  }
  if (Array.isArray(value)) return value.map((v) => format(v, vars));
  if (value && typeof value === 'object' && !(ANY in value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, format(v, vars)]));
  if (value && typeof value === 'object' && ANY in value && (value as Matcher).value) return { ...(value as Matcher), value: format((value as Matcher).value, vars) };
  return value;
}

/** Differences between what tavern expects and what came back ([] = it matches). */
export function compare(expected: unknown, actual: unknown, path = '$'): string[] {
  if (expected && typeof expected === 'object' && ANY in expected) {
    const m = expected as Matcher;
    const ok = {
      anystr: typeof actual === 'string',
      anyint: Number.isInteger(actual),
      anybool: typeof actual === 'boolean',
      anyfloat: typeof actual === 'number',
      anything: actual !== undefined,
      anylist: Array.isArray(actual),
      anydict: !!actual && typeof actual === 'object' && !Array.isArray(actual),
      float: typeof actual === 'number' && actual === Number(m.value),
      int: actual === Number(m.value),
      bool: actual === (m.value === 'true' || m.value === 'True'),
    }[m[ANY]];
    return ok ? [] : [`${path}: expected ${m[ANY]}${m.value ? ` ${m.value}` : ''}, got ${JSON.stringify(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${path}: expected a list, got ${JSON.stringify(actual)}`];
    if (expected.length !== actual.length) return [`${path}: expected ${expected.length} items, got ${actual.length} (${JSON.stringify(actual).slice(0, 200)})`];
    return expected.flatMap((e, i) => compare(e, actual[i], `${path}[${i}]`));
  }
  if (expected && typeof expected === 'object') {
    if (!actual || typeof actual !== 'object') return [`${path}: expected an object, got ${JSON.stringify(actual)}`];
    return Object.entries(expected).flatMap(([k, v]) => compare(v, (actual as Record<string, unknown>)[k], `${path}.${k}`));
  }
  // YAML reads an unquoted 009 as a number where tavern (PyYAML) keeps the string '009'
  if (typeof expected === 'number' && typeof actual === 'string' && /^\d+$/.test(actual)) return Number(actual) === expected ? [] : [`${path}: expected ${expected}, got ${actual}`];
  return expected === actual ? [] : [`${path}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`];
}

/** `data.affected_items[0].os.platform` out of a JSON body. */
export function pick(body: unknown, path: string): unknown {
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), body);
}
