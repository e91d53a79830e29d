/**
 * A database upgrade run in a worker thread. Migrating a large store takes a while: on the bench's
 * 10M-record store, 0022's index rebuild alone holds the thread 44 s, after a backup copy of 5.8 GB.
 * Run where the database is opened, that blocks the process's event loop the whole time: in the
 * desktop app the Electron main process, so no window can open, paint or say what is happening.
 * Here the backup and the schema steps run in their own thread with their own connection, and
 * their progress comes back as messages; the caller then opens the upgraded database as usual.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { OpenProgress } from './db.js';
import { DatabaseFromFutureError, planMigration } from './migrate.js';
import { MIGRATIONS } from './migrations/index.js';

/** What the upgrade thread did. */
export interface UpgradeOutcome {
  from: number;
  to: number;
  /** The copy taken before migrating. */
  backupPath: string | null;
  /** The thread that ran it (never the caller's). */
  threadId: number;
}

/** The thread's messages (upgrade-entry.ts). */
export type UpgradeMessage =
  | { progress: OpenProgress }
  | { done: UpgradeOutcome }
  | { failed: { message: string; future?: { dbVersion: number; appVersion: number } } };

const DEFAULT_SCRIPT = new URL('./upgrade-entry.js', import.meta.url);

/**
 * Whether `file` holds a database that this Vigil's schema steps would change. A missing or empty
 * file is not an upgrade (a new database's steps are quick); a database from a newer Vigil throws
 * DatabaseFromFutureError, as opening it would.
 */
export function upgradePending(file: string): boolean {
  if (!(fs.statSync(file, { throwIfNoEntry: false })?.size ?? 0)) return false;
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return planMigration(db, MIGRATIONS).pending.length > 0;
  } finally {
    db.close();
  }
}

/**
 * Upgrades the database at `file` in a worker thread: its backup, then its pending schema steps,
 * told to `onProgress` as they go. Resolves null when there is nothing to upgrade, or when the
 * thread could not start or died without a word (the caller's own open then upgrades, as before);
 * rejects with the upgrade's own error when a step failed (the database is left as it was: the
 * steps run in one transaction) or the database is from a newer Vigil.
 */
export async function upgradeInWorker(
  file: string,
  opts: { onProgress?: (p: OpenProgress) => void; onFallback?: (why: string) => void; script?: URL | string } = {},
): Promise<UpgradeOutcome | null> {
  if (!upgradePending(file)) return null;
  let worker: Worker;
  try {
    worker = new Worker(opts.script ?? DEFAULT_SCRIPT, { workerData: { file } });
  } catch (err) {
    opts.onFallback?.(err instanceof Error ? err.message : String(err));
    return null;
  }
  return new Promise<UpgradeOutcome | null>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    worker.on('message', (m: UpgradeMessage) => {
      if ('progress' in m) opts.onProgress?.(m.progress);
      else if ('done' in m) settle(() => resolve(m.done));
      else
        settle(() =>
          reject(m.failed.future ? new DatabaseFromFutureError(m.failed.future.dbVersion, m.failed.future.appVersion) : new Error(m.failed.message)),
        );
    });
    worker.on('error', (err) =>
      settle(() => {
        opts.onFallback?.(err.message);
        resolve(null);
      }),
    );
    worker.on('exit', (code) =>
      settle(() => {
        opts.onFallback?.(`the upgrade thread exited (code ${code}) before it finished`);
        resolve(null);
      }),
    );
  });
}
