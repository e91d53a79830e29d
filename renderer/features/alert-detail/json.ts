/**
 * Pretty-printing of raw JSON lines for display, straight from the text: numbers are copied
 * digit for digit and never parsed, so 64-bit values such as Suricata's flow_id
 * (8422898859791863878) are shown exactly (JSON.parse would round them to a double).
 */

export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space';

export interface JsonToken {
  kind: JsonTokenKind;
  text: string;
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\n' || c === '\r' || c === '\t';
}

/** Index just past the string literal that starts at `i` (a '"'), or -1 if unterminated. */
function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') j++;
    else if (c === '"') return j + 1;
  }
  return -1;
}

function nextNonSpace(s: string, i: number): number {
  while (i < s.length && isSpace(s[i]!)) i++;
  return i;
}

/** Whether `raw` is one well-formed JSON value (the parsed value itself is not used). */
export function isJson(raw: string): boolean {
  try {
    JSON.parse(raw);
    return true;
  } catch {
    return false;
  }
}

/**
 * Past these the layout is not drawn (issue 15 item 5: a line nested 20,000 deep laid out with
 * indentation grows with depth squared and crashed the renderer); the raw text is shown instead.
 */
export const MAX_VIEW_DEPTH = 64;
export const MAX_VIEW_CHARS = 1_000_000;

/**
 * Tokens of `raw` laid out with `indent` spaces per level; empty objects and arrays stay on one
 * line. Returns null when `raw` is not well-formed JSON, nests deeper than MAX_VIEW_DEPTH or
 * would lay out to more than MAX_VIEW_CHARS (show it as it is, then).
 */
export function formatJson(raw: string, indent = 2): JsonToken[] | null {
  if (!isJson(raw)) return null;
  const out: JsonToken[] = [];
  let depth = 0;
  let size = 0;
  let tooBig = false;
  const newline = () => {
    size += 1 + depth * indent;
    if (size > MAX_VIEW_CHARS) tooBig = true;
    else out.push({ kind: 'space', text: `\n${' '.repeat(depth * indent)}` });
  };
  let i = 0;
  while (i < raw.length) {
    const c = raw[i]!;
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (c === '"') {
      const end = stringEnd(raw, i);
      if (end === -1) return null;
      const after = nextNonSpace(raw, end);
      out.push({ kind: raw[after] === ':' ? 'key' : 'string', text: raw.slice(i, end) });
      i = end;
    } else if (c === '{' || c === '[') {
      const close = c === '{' ? '}' : ']';
      const after = nextNonSpace(raw, i + 1);
      if (raw[after] === close) {
        out.push({ kind: 'punct', text: c + close });
        i = after + 1;
      } else {
        out.push({ kind: 'punct', text: c });
        if (++depth > MAX_VIEW_DEPTH) return null;
        newline();
        i++;
      }
    } else if (c === '}' || c === ']') {
      depth = Math.max(0, depth - 1);
      newline();
      out.push({ kind: 'punct', text: c });
      i++;
    } else if (c === ',') {
      out.push({ kind: 'punct', text: ',' });
      newline();
      i++;
    } else if (c === ':') {
      out.push({ kind: 'punct', text: ': ' });
      i++;
    } else {
      let j = i;
      while (j < raw.length && !isSpace(raw[j]!) && !',:{}[]"'.includes(raw[j]!)) j++;
      const text = raw.slice(i, j);
      out.push({ kind: text === 'true' || text === 'false' || text === 'null' ? 'literal' : 'number', text });
      i = j;
    }
    if (tooBig) return null;
  }
  return out;
}

/** Why `raw` is shown as received rather than laid out. */
export function rawOnlyReason(raw: string): string {
  return isJson(raw) ? 'too deeply nested or too large to lay out: shown as received' : 'not JSON: shown as received';
}

/** The pretty-printed text (what the tokens spell). */
export function prettyJson(raw: string, indent = 2): string | null {
  const tokens = formatJson(raw, indent);
  return tokens ? tokens.map((t) => t.text).join('') : null;
}
