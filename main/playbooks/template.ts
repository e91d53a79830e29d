/**
 * Safe templates: `{{alert.src_ip}}`, `{{run.id}}`, `{{playbook.name}}` are replaced by the value
 * at that path of the context; nothing else is evaluated (no code, no filters, no helpers).
 * A missing value renders as an empty string and is reported, so a dry-run shows it.
 */
const TAG = /\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*(?:\.[a-zA-Z0-9_]+)*)\s*\}\}/g;

export type TemplateContext = Record<string, unknown>;

function lookup(ctx: TemplateContext, path: string): unknown {
  let cur: unknown = ctx;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

function text(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

export interface Rendered {
  text: string;
  /** Paths that had no value. */
  missing: string[];
}

/** Renders a text template. */
export function render(template: string, ctx: TemplateContext): Rendered {
  const missing: string[] = [];
  const out = template.replace(TAG, (_, path: string) => {
    const v = lookup(ctx, path);
    if (v === undefined || v === null) missing.push(path);
    return text(v);
  });
  return { text: out, missing };
}

/**
 * Renders a JSON template: each value is inserted JSON-escaped (a quote in an alert title cannot
 * break out of its string); a tag standing alone as a whole JSON string ("{{alert}}") becomes the
 * value itself. The result must parse as JSON.
 */
export function renderJson(template: string, ctx: TemplateContext): Rendered & { value: unknown } {
  const missing: string[] = [];
  const whole = /"\{\{\s*([a-zA-Z_][a-zA-Z0-9_.]*)\s*\}\}"/g;
  const first = template.replace(whole, (_, path: string) => {
    const v = lookup(ctx, path);
    if (v === undefined) missing.push(path);
    return JSON.stringify(v ?? null);
  });
  const out = first.replace(TAG, (_, path: string) => {
    const v = lookup(ctx, path);
    if (v === undefined || v === null) missing.push(path);
    return JSON.stringify(text(v)).slice(1, -1);
  });
  let value: unknown;
  try {
    value = JSON.parse(out);
  } catch (err) {
    throw new Error(`the body template is not JSON once rendered: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  }
  return { text: out, missing, value };
}

/** Every path a template uses (for validation). */
export function templatePaths(template: string): string[] {
  return [...template.matchAll(TAG)].map((m) => m[1]!);
}
