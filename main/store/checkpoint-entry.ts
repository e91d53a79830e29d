/**
 * The checkpoint thread (checkpointer.ts): its own connection to the database, a PASSIVE
 * checkpoint every few hundred milliseconds, until told to stop; then it closes its connection,
 * says what it did and ends.
 */
import { parentPort, workerData } from 'node:worker_threads';
import BetterSqlite3 from 'better-sqlite3';
import type { CheckpointMessage, CheckpointStats } from './checkpointer.js';

const { file, everyMs } = workerData as { file: string; everyMs: number };
const db = new BetterSqlite3(file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const stats: CheckpointStats = { runs: 0, busy: 0 };
let timer: NodeJS.Timeout | null = null;

function checkpoint(): void {
  // busy: another checkpoint (the writer's backstop, another process's) is running; the next one copies
  const [r] = db.pragma('wal_checkpoint(PASSIVE)') as { busy: number }[];
  stats.runs++;
  if (r?.busy) stats.busy++;
  timer = setTimeout(checkpoint, everyMs);
}

parentPort!.on('message', () => {
  if (timer) clearTimeout(timer);
  db.close();
  parentPort!.postMessage({ stopped: stats } satisfies CheckpointMessage);
  parentPort!.close();
});
checkpoint();
