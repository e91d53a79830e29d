// A normalize worker that marks what it quarantined ("[worker] " before the reason), so a test can
// tell that an import stored the worker's results (normalize-worker.test.ts). Runs the build's code.
import { parentPort } from 'node:worker_threads';
import { runJob } from '../../dist/main/pipeline/normalize/worker-job.js';

parentPort.on('message', (job) => {
  const reply = runJob(job);
  if ('packed' in reply) for (const r of reply.packed.others) if (r.kind === 'quarantined') r.reason = `[worker] ${r.reason}`;
  parentPort.postMessage(reply);
});
