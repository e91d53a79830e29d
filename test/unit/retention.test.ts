import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { testServices } from '../helpers/services.js';

describe('raw event retention', () => {
  it('prunes by age, then by row cap, a small batch per call', async () => {
    const now = Date.parse('2026-11-21T12:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date(now));
    const insert = s.db.prepare(
      `INSERT INTO events (source_id, source, ts, received_at, severity, title, threat_type, risk_score, raw)
       VALUES ('t', 'suricata', ?, ?, 'low', 'x', 'unknown', 0, '{}')`,
    );
    const day = 86_400_000;
    s.db.transaction(() => {
      for (let i = 0; i < 300; i++) insert.run('2026-11-01T00:00:00.000Z', new Date(now - 40 * day).toISOString()); // too old
      for (let i = 0; i < 700; i++) insert.run('2026-11-21T00:00:00.000Z', new Date(now - day).toISOString());
    })();
    const count = () => (s.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
    expect(s.pipelineRepo.pruneEvents(30, 10_000_000, 100)).toBe(100); // one small batch
    expect(count()).toBe(900);
    while (s.pipelineRepo.pruneEvents(30, 10_000_000, 100) > 0);
    expect(count()).toBe(700); // only the old ones went
    expect(s.pipelineRepo.pruneEvents(30, 500, 1000)).toBe(200); // the row cap keeps the newest 500
    expect(count()).toBe(500);
    const oldest = (s.db.prepare('SELECT min(id) AS id FROM events').get() as { id: number }).id;
    expect(oldest).toBe(501);
    await s.close();
  });
});
