/** Small pieces of SQL text the repositories share. */

/** `?, ?, ...`: `n` positional parameters, for `IN (...)` lists ('' for none). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}
