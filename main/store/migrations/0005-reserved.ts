import type { Migration } from './types.js';

/**
 * PLACEHOLDER so this branch's migration list has no gap: step 5 belongs to the ingest branch
 * (0005-sources.ts). When the branches are merged, this file and its line in index.ts are
 * replaced by the ingest branch's step 5. It changes nothing.
 */
export const m0005Reserved: Migration = {
  version: 5,
  name: 'reserved-for-ingest',
  up() {},
};
