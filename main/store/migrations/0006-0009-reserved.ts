import type { Migration } from './types.js';

/**
 * PLACEHOLDERS so this branch's migration list has no gap: steps 6 to 9 belong to branches merged
 * before this one (6 alertmodel, 9 cases, 7 and 8 as the lead assigns). At merge, this file and its
 * line in index.ts are replaced by those branches' real steps. They change nothing.
 */
function reserved(version: number): Migration {
  return { version, name: `reserved-${version}`, up() {} };
}

export const m0006To0009Reserved: readonly Migration[] = [reserved(6), reserved(7), reserved(8), reserved(9)];
