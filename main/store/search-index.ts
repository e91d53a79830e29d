import type { Database } from 'better-sqlite3';

/**
 * Upkeep of the alerts' full-text index (alerts_fts). FTS5 writes each transaction's terms as a
 * new segment and merges segments a few at a time, so a busy database holds ten or more of them;
 * a lookup of one term at one alert (how the list tests a broad search's rows, see
 * AlertsRepo.list) seeks in every segment: ~40 µs with one segment, ~300 µs with fourteen
 * (1,000,000 alerts). Compaction merges them back into one, a bounded slice at a time.
 */

/** Compaction starts once the index has this many segments (fewer cost a probe little). */
export const SEARCH_SEGMENTS_MAX = 4;

/** How many segments the full-text index has now (a read of its small segment directory). */
export function searchIndexSegments(db: Database): number {
  return db.prepare('SELECT count(DISTINCT segid) FROM alerts_fts_idx').pluck().get() as number;
}

/**
 * Merges the index's segments towards one, writing about `pages` pages per slice, for at most
 * `budgetMs` (at least one slice), when it holds SEARCH_SEGMENTS_MAX segments or more (or
 * `force`). FTS5's own incremental merge ('merge' with a negative page count): every slice is
 * its own short transaction, and a merge left half-way is taken up by the next call.
 * Returns the segments before and after, and whether a slice still had work.
 */
export function compactSearchIndex(db: Database, opts: { pages?: number; budgetMs?: number; force?: boolean } = {}): { before: number; after: number; more: boolean } {
  const before = searchIndexSegments(db);
  if (before <= 1 || (!opts.force && before < SEARCH_SEGMENTS_MAX)) return { before, after: before, more: false };
  const merge = db.prepare("INSERT INTO alerts_fts (alerts_fts, rank) VALUES ('merge', ?)");
  const changes = db.prepare('SELECT total_changes()').pluck();
  const t0 = performance.now();
  let more: boolean;
  do {
    const c0 = changes.get() as number;
    merge.run(-(opts.pages ?? 256));
    // FTS5's documented test: a merge that found nothing to do changes fewer than two rows
    more = (changes.get() as number) - c0 >= 2;
  } while (more && performance.now() - t0 < (opts.budgetMs ?? 40));
  return { before, after: searchIndexSegments(db), more };
}
