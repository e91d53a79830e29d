import type { Migration } from './types.js';

/**
 * PLACEHOLDERS so this branch's migration list has no gap: steps 5 to 8 belong to branches merged
 * before this one (5 ingest, 6 alertmodel, 7 and 8 as the lead assigns). At merge, this file and
 * its line in index.ts are replaced by those branches' real steps. They change nothing.
 */
function reserved(version: number): Migration {
  return { version, name: `reserved-${version}`, up() {} };
}

export const m0005To0008Reserved: readonly Migration[] = [reserved(5), reserved(6), reserved(7), reserved(8)];
