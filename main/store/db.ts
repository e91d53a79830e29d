import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';
import { applyMigrations, planMigration, schemaVersionOf } from './migrate.js';

export type { Database } from 'better-sqlite3';

export const DB_FILE_NAME = 'vigil.db';

/**
 * Vigil's data is for its user only: the data directory is created 0700 and the database 0600.
 * SQLite gives the WAL, SHM and journal files the mode of the database file, so they follow.
 */
export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates an empty file only its owner can read (SQLite takes an empty file as a new database). */
function createPrivateFile(file: string): void {
  fs.closeSync(fs.openSync(file, 'a', PRIVATE_FILE_MODE));
}

export interface OpenOptions {
  /** Schema steps to apply; the app's own list unless a test passes another. */
  migrations?: readonly Migration[];
  /** Open without migrating (for `vigil db info`); the file must exist. */
  readonly?: boolean;
  /** What an upgrade is doing, as it goes: its backup copy and then each schema step. */
  onProgress?: (p: OpenProgress) => void;
}

/**
 * The steps of opening a database that needs upgrading, which can take a while on a large store
 * (the bench's 10M-record store: 40 s, backup included), so that the user is not left guessing.
 */
export type OpenProgress =
  | { step: 'backup'; file: string; copied: number; total: number }
  | { step: 'migrate'; version: number; name: string };

/** Pages the backup copies per step (16 MiB of 4 KiB pages): progress about 350 times for 5.8 GB. */
const BACKUP_STEP_PAGES = 4096;

export interface OpenResult {
  db: Database;
  /** Schema version before and after opening. */
  from: number;
  to: number;
  /** Path of the copy taken before migrating an existing database, if one was taken. */
  backupPath: string | null;
}

/** The log's size, in pages, at which a commit checkpoints it. */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;
/** The size the log's file is cut back to when the log starts over. */
export const WAL_FILE_LIMIT_BYTES = 64 * 1024 * 1024;

function applyPragmas(db: Database, readonly: boolean): void {
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // A bounded 64 MiB page cache keeps the indexes of a million-alert database hot; temp B-trees
  // (sorting, IN lists, a group-by's pair counts) stay in memory. Readers too (the hunt reader).
  db.pragma('cache_size = -65536');
  db.pragma('temp_store = MEMORY');
  if (!readonly) {
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL never corrupts and never loses a committed transaction when the
    // process dies; only a power cut may lose the last commits.
    db.pragma('synchronous = NORMAL');
    // Checkpointing every 10,000 pages (~40 MiB of WAL) instead of 1,000 writes a page that
    // several batches touched once, not once per batch. (A long-running writer hands this to a
    // thread of its own: checkpointer.ts.)
    db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    // When the log starts over, its file is cut back to 64 MiB: a long import grows it to ~200 MB
    // (checkpointer.ts), which would otherwise stay on disk until the database is closed.
    db.pragma(`journal_size_limit = ${WAL_FILE_LIMIT_BYTES}`);
  }
}

/**
 * Opens (creating if needed) the database, refuses one from a newer Vigil, backs up an existing
 * file with db.backup() and then migrates it in one transaction.
 */
export async function openDatabase(file: string, opts: OpenOptions = {}): Promise<OpenResult> {
  const migrations = opts.migrations ?? MIGRATIONS;
  if (opts.readonly) {
    const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
    try {
      applyPragmas(db, true);
      const plan = planMigration(db, migrations);
      return { db, from: plan.from, to: plan.from, backupPath: null };
    } catch (err) {
      db.close();
      throw err;
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: PRIVATE_DIR_MODE });
  const existed = fs.existsSync(file) && fs.statSync(file).size > 0;
  if (!fs.existsSync(file)) createPrivateFile(file);
  const db = new BetterSqlite3(file);
  try {
    db.pragma('busy_timeout = 5000');
    // Refuse a database from the future before anything (even the journal mode) is written to it.
    const plan = planMigration(db, migrations);
    applyPragmas(db, false);
    let backupPath: string | null = null;
    if (existed && plan.pending.length > 0 && plan.from > 0) {
      backupPath = `${file}.v${plan.from}.${new Date().toISOString().replace(/[:.]/g, '-')}.bak`;
      createPrivateFile(backupPath);
      const copy = backupPath;
      const progress = ({ totalPages, remainingPages }: { totalPages: number; remainingPages: number }) =>
        opts.onProgress?.({ step: 'backup', file: copy, copied: totalPages - remainingPages, total: totalPages });
      // told before each step, and once more when done
      progress(
        await db.backup(copy, {
          progress: (p) => {
            progress(p);
            return BACKUP_STEP_PAGES;
          },
        }),
      );
    }
    // a new database is not an upgrade: its steps are quick and not worth a word
    const onStep = plan.from > 0 ? (m: Migration) => opts.onProgress?.({ step: 'migrate', version: m.version, name: m.name }) : undefined;
    applyMigrations(db, plan, onStep);
    return { db, from: plan.from, to: schemaVersionOf(db), backupPath };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Checkpoints the WAL into the main file and closes. */
export function closeDatabase(db: Database): void {
  if (!db.open) return;
  if (!db.readonly) {
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // another connection may hold the WAL; closing still leaves a consistent database
    }
  }
  db.close();
}

/** SQLite's quick integrity check of the first problem found: 'ok' when there is none. */
export function quickCheck(db: Database): string {
  return db.pragma('quick_check(1)', { simple: true }) as string;
}

/** The database's journal mode ('wal' when Vigil opened it for writing). */
export function journalMode(db: Database): string {
  return String(db.pragma('journal_mode', { simple: true }));
}

/** How many tables the database holds (`vigil db info`). */
export function tableCount(db: Database): number {
  return (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }).n;
}
