import { describe, expect, it } from 'vitest';
import { scanStarter } from '../../main/core/scan-starter.js';
import type { ConnectorsService } from '../../main/core/connectors.js';
import type { ScansService } from '../../main/scans/service.js';

/** The playbooks' start_scan step over the scans service: which connector, which options. */
describe('scanStarter', () => {
  const stored = (id: string, name: string, kind: string) => ({ config: { id, name, kind } });
  const saved = [stored('c1', 'zap-dmz', 'zap'), stored('c2', 'sf', 'spiderfoot'), stored('c3', 'zap-lab', 'zap'), stored('c4', 'gvm-core', 'gvm')];
  const connectors = {
    ofKind: (k: string) => saved.filter((c) => c.config.kind === k),
    find: (x: string) => saved.find((c) => c.config.id === x || c.config.name === x) ?? null,
  } as unknown as ConnectorsService;
  const started: unknown[] = [];
  const scans = {
    start: async (req: { target: string }, actor: string) => {
      started.push([req, actor]);
      return { id: 7, target: req.target };
    },
  } as unknown as ScansService;
  const starter = scanStarter(scans, connectors);
  const signal = new AbortController().signal;

  it('starts on the named connector, or the first of the tool, with the tool defaults, as the run', async () => {
    const r = await starter.start({ tool: 'zap', target: 'http://10.0.0.5/', connector: null, reason: 'playbook x', actor: 'playbook:x#1' }, signal);
    expect(r.scan_id).toBe('7');
    expect(r.description).toContain('zap-dmz');
    await starter.start({ tool: 'zap', target: 'http://10.0.0.5/', connector: 'zap-lab', reason: 'r', actor: 'a' }, signal);
    expect(started).toEqual([
      [{ connector_id: 'c1', target: 'http://10.0.0.5/', options: expect.objectContaining({ tool: 'zap', spider: true, activeScan: true }) }, 'playbook:x#1'],
      [expect.objectContaining({ connector_id: 'c3' }), 'a'],
    ]);
  });

  it('starts Greenbone with the server-listed defaults (no config, port list or scanner named)', async () => {
    started.length = 0;
    const r = await starter.start({ tool: 'gvm', target: '10.0.0.5', connector: null, reason: 'r', actor: 'a' }, signal);
    expect(r.description).toContain('gvm-core');
    expect(started).toEqual([[{ connector_id: 'c4', target: '10.0.0.5', options: { tool: 'gvm', scanConfig: null, portList: null, scanner: null, aliveTest: null } }, 'a']]);
  });

  it('says why it cannot: no connector of the tool, a connector of another tool', async () => {
    const none = scanStarter(scans, { ofKind: () => [], find: () => null } as unknown as ConnectorsService);
    await expect(none.start({ tool: 'spiderfoot', target: 'example.org', connector: null, reason: 'r', actor: 'a' }, signal)).rejects.toThrow('no spiderfoot connector is configured');
    await expect(starter.start({ tool: 'zap', target: 'x', connector: 'sf', reason: 'r', actor: 'a' }, signal)).rejects.toThrow('connector "sf" is spiderfoot, not zap');
    await expect(starter.start({ tool: 'gvm', target: '10.0.0.5', connector: 'zap-lab', reason: 'r', actor: 'a' }, signal)).rejects.toThrow('connector "zap-lab" is zap, not gvm');
  });
});
