import { describe, expect, it } from 'vitest';
import { OutboxWatcher } from '../../main/core/live.js';
import { silentLogger } from '../../main/core/logger.js';
import type { EventPayload } from '../../main/contract/index.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';

describe('OutboxWatcher', () => {
  it('turns outbox rows written after start into batched alerts.changed events, whoever wrote them', async () => {
    const s = await testServices(tempDir());
    s.alerts.insertMany([sampleAlert()]); // before start: history, not news
    const events: EventPayload<'alerts.changed'>[] = [];
    s.bus.on('alerts.changed', (p) => events.push(p));
    const w = new OutboxWatcher(s.pipelineRepo, s.bus, silentLogger, 10_000);
    w.start();
    w.poll();
    expect(events).toEqual([]);
    const ids = s.alerts.insertMany([sampleAlert(), sampleAlert({ title: 'other' })]);
    s.alerts.setStatus(ids[0]!, 'ACKNOWLEDGED', 'ana', null);
    w.poll();
    expect(events).toEqual([
      { reason: 'created', ids, total: 2 },
      { reason: 'status', ids: [ids[0]], total: 1 },
    ]);
    w.poll();
    expect(events).toHaveLength(2); // nothing twice
    w.stop();
    await s.close();
  });
});
