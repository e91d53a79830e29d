import type { Migration } from './types.js';

/**
 * PLACEHOLDERS so this branch's migration list has no gap: steps 7 and 8 belong to other branches
 * (7 console, 8 perf). At merge, this file and its line in
 * index.ts are replaced by those branches' real steps. They change nothing.
 */
function reserved(version: number): Migration {
  return { version, name: `reserved-${version}`, up() {} };
}

export const m0007To0008Reserved: readonly Migration[] = [reserved(7), reserved(8)];
