/** The normalize worker's thread: each message is a batch (worker-job.ts), answered in order. */
import { parentPort } from 'node:worker_threads';
import { runJob, type NormalizeJob } from './worker-job.js';

parentPort?.on('message', (job: NormalizeJob) => {
  const reply = runJob(job);
  parentPort!.postMessage(reply, 'packed' in reply ? [reply.packed.kinds.buffer as ArrayBuffer] : []);
});
