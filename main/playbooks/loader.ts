import { parseDocument } from 'yaml';
import { PlaybookDoc, type PlaybookFormat } from '../contract/index.js';
import { templatePaths } from './template.js';

/** Where templates may reach. */
const ROOTS = new Set(['alert', 'run', 'playbook', 'step']);

export type ParseResult = { ok: true; doc: PlaybookDoc; format: PlaybookFormat; errors: [] } | { ok: false; errors: string[]; format: PlaybookFormat };

/** JSON if it looks like JSON, else YAML (YAML is a superset, but JSON errors read better from a JSON parser). */
export function guessFormat(source: string): PlaybookFormat {
  return source.trimStart().startsWith('{') ? 'json' : 'yaml';
}

function templatesOf(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(...templatePaths(value));
  else if (Array.isArray(value)) for (const v of value) templatesOf(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) templatesOf(v, out);
}

/**
 * Parses and validates a playbook document (YAML or JSON). Every problem is listed with where it
 * is ("steps.2.url: Invalid URL"), never only the first.
 */
export function parsePlaybook(source: string, format: PlaybookFormat = guessFormat(source)): ParseResult {
  let raw: unknown;
  if (format === 'json') {
    try {
      raw = JSON.parse(source);
    } catch (err) {
      return { ok: false, format, errors: [`not valid JSON: ${err instanceof Error ? err.message : String(err)}`] };
    }
  } else {
    const doc = parseDocument(source, { prettyErrors: true, uniqueKeys: true });
    if (doc.errors.length) return { ok: false, format, errors: doc.errors.map((e) => `not valid YAML: ${e.message.split('\n')[0]}`) };
    try {
      raw = doc.toJS({ maxAliasCount: 50 });
    } catch (err) {
      // an alias bomb (billion laughs) and the like: refused, not expanded
      return { ok: false, format, errors: [`not valid YAML: ${err instanceof Error ? err.message : String(err)}`] };
    }
  }
  const parsed = PlaybookDoc.safeParse(raw);
  if (!parsed.success) return { ok: false, format, errors: parsed.error.issues.map((i) => `${i.path.length ? `${i.path.join('.')}: ` : ''}${i.message}`) };
  const errors: string[] = [];
  parsed.data.steps.forEach((s, i) => {
    const paths: string[] = [];
    templatesOf(s, paths);
    for (const p of paths) if (!ROOTS.has(p.split('.')[0]!)) errors.push(`steps.${i}: {{${p}}} is not a known value (use alert.*, run.*, playbook.* or step.*)`);
  });
  if (errors.length) return { ok: false, format, errors };
  return { ok: true, doc: parsed.data, format, errors: [] };
}
