import { GmpInputError } from './errors.js';

/**
 * XML for GMP: escaping what we send, and a small element tree for what we read.
 * Every user string goes through `text()` or `attr()`; both refuse characters XML 1.0 cannot
 * carry (gvmd would close the socket on them without a reply).
 */

// XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
// (lone surrogates are not characters either)
// eslint-disable-next-line no-control-regex
const INVALID_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkChars(value: string, what: string): void {
  const m = INVALID_XML_CHAR.exec(value);
  if (m) throw new GmpInputError(`${what} contains a character XML cannot carry (U+${m[0].charCodeAt(0).toString(16).padStart(4, '0').toUpperCase()})`);
}

/** Escapes element content: `&`, `<`, `>`. */
export function text(value: string, what = 'value'): string {
  checkChars(value, what);
  return value.replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'));
}

/** Escapes an attribute value for either quote style: `&`, `<`, `>`, `"`, `'`. */
export function attr(value: string, what = 'value'): string {
  checkChars(value, what);
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** `<name>escaped</name>` */
export function elem(name: string, value: string, what = name): string {
  return `<${name}>${text(value, what)}</${name}>`;
}

/** One parsed element: its attributes, its direct text (all text children joined) and child elements. */
export interface XNode {
  name: string;
  attrs: Record<string, string>;
  text: string;
  children: XNode[];
}

/** First child element with that name. */
export function child(node: XNode | undefined, name: string): XNode | undefined {
  if (!node) return undefined;
  for (const c of node.children) if (c.name === name) return c;
  return undefined;
}

/** All child elements with that name. */
export function children(node: XNode | undefined, name: string): XNode[] {
  return node ? node.children.filter((c) => c.name === name) : [];
}

/** Follows a path of child names (`path(task, 'last_report', 'report')`). */
export function path(node: XNode | undefined, ...names: string[]): XNode | undefined {
  let cur = node;
  for (const n of names) cur = child(cur, n);
  return cur;
}

/** Trimmed direct text of the child at `names`, or '' when absent. */
export function textAt(node: XNode | undefined, ...names: string[]): string {
  return path(node, ...names)?.text.trim() ?? '';
}

/** A decimal number from text, or null when empty or not a number. */
export function num(value: string): number | null {
  const t = value.trim();
  if (t === '') return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}
