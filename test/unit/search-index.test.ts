import { afterEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { SEARCH_SEGMENTS_MAX, compactSearchIndex, searchIndexSegments } from '../../main/store/search-index.js';
import { startHousekeeping } from '../../main/pipeline/housekeeping.js';
import type { Pipeline } from '../../main/pipeline/pipeline.js';
import type { PipelineRepo } from '../../main/store/pipeline-repo.js';

const TITLES = ['ET SCAN Potential SSH Scan', 'sshd: authentication failed.', 'ET POLICY curl User-Agent Outbound', 'File deleted.'];

describe('the alerts full-text index upkeep', () => {
  afterEach(() => vi.useRealTimers());

  it('merges the segments one transaction each leaves back into one, and every search finds the same alerts', async () => {
    const s = await testServices(tempDir());
    // one transaction per batch, as the pipeline writes: a segment each, merged four at a time
    for (let b = 0; b < 7; b++) s.alerts.insertMany(TITLES.map((title, i) => sampleAlert({ title, src_ip: `10.0.${b}.${i + 1}` })));
    const segments = searchIndexSegments(s.db);
    expect(segments).toBeGreaterThanOrEqual(SEARCH_SEGMENTS_MAX);
    const search = (text: string) => s.alerts.list({ text }, 100).items.map((a) => a.id);
    const before = Object.fromEntries(['ssh', 'scan', 'curl outbound', '10.0.3', 'file'].map((t) => [t, search(t)]));
    expect(before.ssh).toHaveLength(14);

    let r;
    do r = compactSearchIndex(s.db, { pages: 1 });
    while (r.more);
    expect(r.after).toBe(1);
    expect(searchIndexSegments(s.db)).toBe(1);
    for (const [t, ids] of Object.entries(before)) expect(search(t), t).toEqual(ids);
    // FTS5's own check throws when the index disagrees with itself
    expect(() => s.db.prepare("INSERT INTO alerts_fts (alerts_fts, rank) VALUES ('integrity-check', 0)").run()).not.toThrow();
    await s.close();
  });

  it('leaves a few segments alone unless forced', async () => {
    const s = await testServices(tempDir());
    for (let b = 0; b < 2; b++) s.alerts.insertMany([sampleAlert({ title: `sshd failure ${b}` })]);
    expect(compactSearchIndex(s.db)).toEqual({ before: 2, after: 2, more: false });
    expect(compactSearchIndex(s.db, { force: true }).after).toBe(1);
    expect(compactSearchIndex(s.db, { force: true })).toEqual({ before: 1, after: 1, more: false });
    await s.close();
  });

  it('housekeeping compacts on every pruning tick, also when pruning fails', () => {
    vi.useFakeTimers();
    const compact = vi.fn(() => ({ before: 5, after: 4, more: true }));
    const log = vi.fn();
    const repo = {
      publishMetrics: () => undefined,
      clearMetrics: () => undefined,
      pruneEvents: () => {
        throw new Error('disk I/O error');
      },
      compactSearchIndex: compact,
    } as unknown as PipelineRepo;
    const pipeline = { metrics: { snapshot: () => ({}) }, pruneRecords: () => ({ more: false }) } as unknown as Pipeline;
    const stop = startHousekeeping(pipeline, repo, { processName: 'test', settings: () => ({}) as never, pruneEveryMs: 1000, log });
    vi.advanceTimersByTime(2500);
    expect(compact).toHaveBeenCalledTimes(2);
    expect(log).toHaveBeenCalledWith('retention pruning failed: disk I/O error');
    compact.mockImplementation(() => {
      throw new Error('database is locked');
    });
    vi.advanceTimersByTime(1000);
    expect(log).toHaveBeenCalledWith('search index compaction failed: database is locked');
    stop();
  });
});
