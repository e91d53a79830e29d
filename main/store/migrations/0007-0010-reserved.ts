import type { Migration } from './types.js';

/**
 * PLACEHOLDERS so this branch's migration list has no gap: steps 7 to 10 belong to other branches
 * (8 perf, 9 cases, 10 tools, 7 as the lead assigns). At merge, this file and its line in
 * index.ts are replaced by those branches' real steps. They change nothing.
 */
function reserved(version: number): Migration {
  return { version, name: `reserved-${version}`, up() {} };
}

export const m0007To0010Reserved: readonly Migration[] = [reserved(7), reserved(8), reserved(9), reserved(10)];
