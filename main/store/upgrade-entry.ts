/**
 * The upgrade thread (upgrade.ts): opens the database for writing, which backs it up and applies
 * the pending schema steps, posting each step's progress; then closes it and says what it did.
 */
import { parentPort, threadId, workerData } from 'node:worker_threads';
import { closeDatabase, openDatabase } from './db.js';
import { DatabaseFromFutureError } from './migrate.js';
import type { UpgradeMessage } from './upgrade.js';

const { file } = workerData as { file: string };
const post = (m: UpgradeMessage) => parentPort!.postMessage(m);
try {
  const opened = await openDatabase(file, { onProgress: (progress) => post({ progress }) });
  closeDatabase(opened.db);
  post({ done: { from: opened.from, to: opened.to, backupPath: opened.backupPath, threadId } });
} catch (err) {
  const future = err instanceof DatabaseFromFutureError ? { dbVersion: err.dbVersion, appVersion: err.appVersion } : undefined;
  post({ failed: { message: err instanceof Error ? err.message : String(err), ...(future ? { future } : {}) } });
}
