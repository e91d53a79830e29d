import { describe, expect, it } from 'vitest';
import { createSimulator, SCENARIO_NAMES, type ScenarioName } from '../../main/pipeline/sources/simulator.js';
import { normalizeLine } from '../../main/pipeline/normalize/index.js';
import { createEnricher } from '../../main/pipeline/enrich/index.js';
import { GeoResolver } from '../../main/pipeline/enrich/geo.js';
import { AttackTable, attackTablePath, createDetector } from '../../main/pipeline/detect/index.js';
import type { SecurityEvent, ThreatType } from '../../main/pipeline/types.js';

/**
 * The simulator is only a record source: its lines must go through Vigil's own normalize /
 * enrich / detect like any file line, with nothing quarantined.
 */
const START = Date.parse('2026-11-21T10:00:00.000Z');
const attack = AttackTable.load(attackTablePath('resources'));

function through(scenario: ScenarioName, seconds: number, rate: number) {
  const sim = createSimulator({ scenario, seed: 21, start: new Date(START) });
  const enrich = createEnricher(GeoResolver.empty());
  const detector = createDetector({ attack });
  const quarantined: string[] = [];
  const skipped = new Set<string>();
  const threats = new Map<ThreatType, number>();
  const correlations = new Set<string>();
  let events = 0;
  for (let i = 1; i <= seconds; i++) {
    const batch: SecurityEvent[] = [];
    for (const r of sim.next(rate, new Date(START + i * 1000))) {
      const res = normalizeLine(r.format, r.line, { file: `simulator:${scenario}`, line: null, offset: 0 });
      if (res.kind === 'event') {
        // The uint64 flow id survives exactly.
        if (r.format === 'eve') expect(res.event.flow_id).toBe(/"flow_id":(\d+)/.exec(r.line)![1]);
        batch.push(res.event);
      } else if (res.kind === 'skipped') skipped.add(res.reason);
      else quarantined.push(`${res.reason}: ${r.line.slice(0, 160)}`);
    }
    for (const d of detector.detect(enrich(batch))) {
      events++;
      threats.set(d.detection.threat_type, (threats.get(d.detection.threat_type) ?? 0) + 1);
      for (const h of d.detection.correlations) correlations.add(h.rule);
    }
  }
  return { quarantined, skipped, threats, correlations, events };
}

const EXPECTED: Record<Exclude<ScenarioName, 'normal' | 'mixed'>, ThreatType> = {
  brute_force: 'brute_force',
  port_scan: 'port_scan',
  sql_injection: 'sql_injection',
  ddos: 'flood',
  ransomware: 'ransomware',
  exfiltration: 'exfiltration',
};

describe('simulator → normalize → enrich → detect', () => {
  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: nothing quarantined, only non-alert EVE skipped`, () => {
      const out = through(scenario, 30, 20);
      expect(out.quarantined).toEqual([]);
      expect(out.events).toBeGreaterThan(0);
      for (const reason of out.skipped) expect(reason).toMatch(/event_type (flow|dns|http|tls)/);
      if (scenario !== 'normal' && scenario !== 'mixed') expect(out.threats.get(EXPECTED[scenario]) ?? 0).toBeGreaterThan(10);
    });
  }

  it('the correlation rules fire on brute_force and port_scan', () => {
    expect(through('brute_force', 60, 20).correlations.has('brute_force')).toBe(true);
    expect(through('port_scan', 60, 20).correlations.has('port_scan')).toBe(true);
  });
});
