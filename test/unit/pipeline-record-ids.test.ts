import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import type { RawRecord } from '../../main/pipeline/sources/types.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const SOURCE = 'indexer:wazuh-prod';

/** An indexer hit: its _source (a Wazuh alert), its index and _id, its time. */
function hit(id: string, ms: number, level = 10): RawRecord {
  const source = {
    timestamp: new Date(ms).toISOString().replace('Z', '+0000'),
    rule: { level, id: '5712', description: 'sshd: brute force trying to get access to the system.', groups: ['syslog', 'sshd', 'authentication_failures'] },
    agent: { id: '001', name: 'web-01' },
    data: { srcip: '203.0.113.45' },
  };
  return { raw: source, format: 'wazuh', position: { file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null, id }, idTs: ms };
}

async function setup() {
  const s = await testServices(tempDir());
  s.pipelineRepo.ensureSource(SOURCE, 'indexer', 'wazuh', null);
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
  const count = (sql: string) => (s.db.prepare(sql).get() as { n: number }).n;
  return { s, pipeline, count };
}

const T = Date.parse('2026-11-21T10:00:00.000Z');

describe('records with an id in their source', () => {
  it('a record handed out again (a page read twice) is dropped before any stage: no event, no alert count, no counter', async () => {
    const { s, pipeline, count } = await setup();
    const first = pipeline.process(SOURCE, [hit('a', T), hit('b', T + 1)], { cursor: { v: 1, sort: [T + 1, 'b'] } });
    expect(first).toMatchObject({ read: 2, duplicates: 0, events: 2 });
    const again = pipeline.process(SOURCE, [hit('a', T), hit('b', T + 1), hit('c', T + 2), hit('c', T + 2)], { cursor: { v: 1, sort: [T + 2, 'c'] } });
    expect(again).toMatchObject({ read: 1, duplicates: 3, events: 1 });
    expect(count('SELECT count(*) AS n FROM events')).toBe(3);
    expect(count("SELECT sum(count) AS n FROM alerts WHERE rule_id = '5712'")).toBe(3);
    expect(s.db.prepare('SELECT record_id, file, line, offset FROM events ORDER BY id').all()).toEqual([
      { record_id: 'a', file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null },
      { record_id: 'b', file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null },
      { record_id: 'c', file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null },
    ]);
    expect(s.pipelineRepo.getSource(SOURCE)).toMatchObject({ lines_read: 3, events: 3, cursor: { v: 1, sort: [T + 2, 'c'] } });
    await s.close();
  });

  it('ids are stored in the batch transaction: a rolled-back batch leaves them free to be read again', async () => {
    const { s, pipeline, count } = await setup();
    expect(() =>
      pipeline.process(SOURCE, [hit('a', T)], {
        inTransaction: () => {
          throw new Error('disk full');
        },
      }),
    ).toThrow('disk full');
    expect(count('SELECT count(*) AS n FROM source_records')).toBe(0);
    expect(pipeline.process(SOURCE, [hit('a', T)])).toMatchObject({ read: 1, duplicates: 0, events: 1 });
    await s.close();
  });

  it('a quarantined record keeps its id, and counts as stored', async () => {
    const { s, pipeline } = await setup();
    const bad: RawRecord = { raw: { timestamp: 'yesterday', rule: { level: 3 } }, format: 'wazuh', position: { file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null, id: 'q1' }, idTs: T };
    expect(pipeline.process(SOURCE, [bad])).toMatchObject({ quarantined: 1 });
    expect(pipeline.process(SOURCE, [bad])).toMatchObject({ read: 0, duplicates: 1, quarantined: 0 });
    expect(s.pipelineRepo.listQuarantine(10).items).toMatchObject([{ record_id: 'q1', file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null, raw: JSON.stringify(bad.raw) }]);
    await s.close();
  });

  it('forgets ids older than the source says can come back, in the same transaction', async () => {
    const { s, pipeline, count } = await setup();
    pipeline.process(SOURCE, [hit('old', T - 3_600_000), hit('new', T)]);
    pipeline.process(SOURCE, [hit('newer', T + 1)], { forgetIdsBefore: T - 60_000 });
    expect(s.db.prepare('SELECT record_id FROM source_records ORDER BY record_id').all()).toEqual([{ record_id: 'new' }, { record_id: 'newer' }]);
    expect(count('SELECT count(*) AS n FROM events')).toBe(3);
    await s.close();
  });
});
