/** Small pieces of SQL text the repositories share. */
import type { Database, Statement } from 'better-sqlite3';

/** `?, ?, ...`: `n` positional parameters, for `IN (...)` lists ('' for none). */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(', ');
}

/**
 * Statements prepared once and kept, by their SQL text: better-sqlite3 compiles a statement on every
 * prepare(), which costs more than running a point read.
 */
export class StatementCache {
  private readonly stmts = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  get<P extends unknown[] = unknown[], R = unknown>(sql: string): Statement<P, R> {
    let st = this.stmts.get(sql);
    if (!st) this.stmts.set(sql, (st = this.db.prepare(sql)));
    return st as unknown as Statement<P, R>;
  }
}
