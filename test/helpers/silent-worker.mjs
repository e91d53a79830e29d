// A worker thread that takes every message and never answers: a read that is still running, for as
// long as a test needs (hunt-reader.test.ts).
import { parentPort } from 'node:worker_threads';

parentPort.on('message', () => {});
