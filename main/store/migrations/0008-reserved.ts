import type { Migration } from './types.js';

/**
 * PLACEHOLDER so the migration list has no gap: step 8 belongs to another branch (perf). At
 * merge, this file and its line in index.ts are replaced by that branch's real step. It changes
 * nothing.
 */
export const m0008Reserved: Migration = { version: 8, name: 'reserved-8', up() {} };
