import type { Migration } from './types.js';

/**
 * PLACEHOLDER so the migration list has no gap: step 7 belongs to the console branch. At merge,
 * this file and its line in index.ts are replaced by that branch's real step. It changes nothing.
 */
export const m0007Reserved: Migration = { version: 7, name: 'reserved-7', up() {} };
