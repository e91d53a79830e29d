import type { Database } from 'better-sqlite3';

/** One numbered schema step. Migrations import nothing from the rest of Vigil: they stay valid forever. */
export interface Migration {
  /** 1, 2, 3, ... in order without gaps; becomes PRAGMA user_version once applied. */
  readonly version: number;
  readonly name: string;
  up(db: Database): void;
}
