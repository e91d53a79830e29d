/**
 * The hunt reader's thread (reader.ts): its own read-only connection to the database, a HuntService
 * over it, and each message a read (reader-job.ts), answered in order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/db.js';
import { RecordsRepo } from '../store/records-repo.js';
import { snapshotReads, type HuntReadCall } from './reader-job.js';
import { HuntService } from './service.js';

const { file } = workerData as { file: string };
const { db } = await openDatabase(file, { readonly: true });
const clock = { nowMs: Date.now() };
const hunt = new HuntService(new RecordsRepo(db), () => new Date(clock.nowMs));
const read = snapshotReads(db, hunt, clock);
parentPort?.on('message', (call: HuntReadCall) => parentPort!.postMessage(read(call)));
