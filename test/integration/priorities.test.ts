import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../main/pipeline/stages.js';
import { createSimulator, type ScenarioName } from '../../main/pipeline/sources/simulator.js';
import { DEFAULT_SETTINGS, PRIORITIES } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot, testServices } from '../helpers/services.js';

const START = Date.parse('2026-11-21T10:00:00.000Z');

/** Runs a scenario's records through the real pipeline into a database (simulated time, no waiting). */
async function run(s: Services, scenario: ScenarioName, seconds: number, rate: number): Promise<void> {
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {});
  const sim = createSimulator({ scenario, seed: 5, start: new Date(START) });
  let line = 0;
  for (let i = 1; i <= seconds; i++) {
    const records = sim.next(rate, new Date(START + i * 1000)).map((r) => ({ raw: r.line, format: r.format, position: { file: scenario, line: ++line, offset: 0 } }));
    pipeline.process(`simulator:${scenario}`, records);
  }
}

function byRank(p: string): number {
  return (PRIORITIES as readonly string[]).indexOf(p);
}

describe('priorities of simulated attacks', () => {
  it('ransomware raises a critical alert, and its destructive activity is P1, not below the SSH brute force', async () => {
    const s = await testServices(tempDir());
    await run(s, 'ransomware', 90, 20);
    await run(s, 'brute_force', 90, 20);
    const all = s.alerts.list({}, 500).items;
    const ransomware = all.filter((a) => a.source === 'wazuh' && /ransomware|shadow copies/i.test(a.title));
    expect(ransomware.some((a) => a.severity === 'critical'), 'the shadow-copy deletion is level 15').toBe(true);
    const vss = ransomware.find((a) => /shadow copies deleted/i.test(a.title))!;
    expect(vss).toMatchObject({ severity: 'critical', priority: 'P1' });
    const bruteForce = all.filter((a) => a.rule_id === 'vigil:brute_force' || /brute force|authentication failures/i.test(a.title));
    expect(bruteForce.length).toBeGreaterThan(0);
    const bestBrute = Math.min(...bruteForce.map((a) => byRank(a.priority)));
    for (const a of ransomware.filter((x) => x.severity !== 'low' && x.severity !== 'info')) {
      expect(byRank(a.priority), `${a.title} (${a.severity}, risk ${a.risk_score}) is ${a.priority}`).toBeLessThanOrEqual(bestBrute);
    }
    await s.close();
  });
});
