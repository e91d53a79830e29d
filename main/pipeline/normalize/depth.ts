/**
 * Nesting limit for raw JSON lines (issue 15 item 5: a 40 KB EVE line nested 20,000 deep was
 * stored, then crashed the renderer on that alert's detail). Real Suricata EVE and Wazuh records
 * nest fewer than 10 levels; anything past MAX_JSON_DEPTH is quarantined with a reason.
 */
export const MAX_JSON_DEPTH = 64;

/**
 * The reason to quarantine `text` when its objects and arrays nest deeper than `max`, else null.
 * One linear scan with no recursion and no parse (brackets inside strings do not count), so it
 * is safe on hostile input and cheap on the usual shallow line.
 */
export function jsonTooDeep(text: string, max = MAX_JSON_DEPTH): string | null {
  // The usual line has far fewer brackets than the limit: counted with native indexOf, it is done.
  if (fewerOpenersThan(text, max + 1)) return null;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return `JSON nested deeper than ${max} levels`;
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return null;
}

/** Whether `text` has fewer than `n` '{' and '[' in all (strings included: a safe over-count). */
function fewerOpenersThan(text: string, n: number): boolean {
  let count = 0;
  for (const opener of ['{', '[']) {
    for (let i = text.indexOf(opener); i !== -1; i = text.indexOf(opener, i + 1)) {
      if (++count >= n) return false;
    }
  }
  return true;
}
