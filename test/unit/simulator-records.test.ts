import { describe, expect, it } from 'vitest';
import { SCENARIOS, SCENARIO_NAMES, createSimulator, isScenarioName, type ScenarioName, type SimRecord } from '../../main/pipeline/sources/simulator.js';

const START = Date.parse('2026-11-21T10:00:00.000Z');
const TWO_53 = 2n ** 53n;
const U64_MAX = 2n ** 64n - 1n;

/** Drive a simulator with a fake clock: `seconds` ticks of 1 s, `perTick` records each. */
function generate(scenario: ScenarioName, seed: number, seconds: number, perTick: number): SimRecord[] {
  const sim = createSimulator({ scenario, seed, start: new Date(START) });
  const out: SimRecord[] = [];
  for (let i = 1; i <= seconds; i++) out.push(...sim.next(perTick, new Date(START + i * 1000)));
  return out;
}

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Parse as a careful consumer must: quote flow_id first so the uint64 survives. */
function parse(line: string): Json {
  return JSON.parse(line.replace(/"flow_id":(\d+)/, '"flow_id":"$1"')) as Json;
}

/** `+HHMM` offsets → ms since epoch (what the normalizer has to do). */
function eveTime(ts: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{6})([+-])(\d\d)(\d\d)$/.exec(ts);
  if (!m) throw new Error(`bad EVE timestamp ${ts}`);
  return Date.parse(`${m[1]}.${m[2]!.slice(0, 3)}${m[3]}${m[4]}:${m[5]}`);
}
function wazuhTime(ts: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3})\+0000$/.exec(ts);
  if (!m) throw new Error(`bad Wazuh timestamp ${ts}`);
  return Date.parse(`${m[1]}Z`);
}
const timeOf = (r: SimRecord, o: Json): number => (r.format === 'eve' ? eveTime(o.timestamp) : wazuhTime(o.timestamp));

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function checkEve(o: Json, line: string): void {
  expect(o.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d{4}$/);
  // flow_id: a bare number in the text, > 2^53, within uint64.
  const m = /"flow_id":(\d+)[,}]/.exec(line);
  expect(m, 'flow_id as a bare JSON number').not.toBeNull();
  const id = BigInt(m![1]!);
  expect(id > TWO_53 && id <= U64_MAX).toBe(true);
  expect(o.flow_id).toBe(m![1]);
  expect(typeof o.event_type).toBe('string');
  expect(o.src_ip).toMatch(IPV4);
  expect(o.dest_ip).toMatch(IPV4);
  expect(['TCP', 'UDP']).toContain(o.proto);
  for (const p of [o.src_port, o.dest_port]) expect(Number.isInteger(p) && p >= 1 && p <= 65535).toBe(true);
  expect(o.community_id).toMatch(/^1:[A-Za-z0-9+/]{27}=$/);
  if (o.event_type === 'alert') {
    const a = o.alert;
    expect(['allowed', 'blocked']).toContain(a.action);
    expect(a.gid).toBe(1);
    expect(Number.isInteger(a.signature_id)).toBe(true);
    expect(Number.isInteger(a.rev)).toBe(true);
    expect(typeof a.signature).toBe('string');
    expect(typeof a.category).toBe('string');
    expect([1, 2, 3, 4]).toContain(a.severity);
    if (a.metadata) for (const v of Object.values(a.metadata)) expect(Array.isArray(v)).toBe(true);
    expect(o.flow.bytes_toserver).toBeGreaterThan(0);
  } else {
    expect(['flow', 'dns', 'http', 'tls']).toContain(o.event_type);
    expect(o[o.event_type]).toBeTypeOf('object');
  }
}

function checkWazuh(o: Json): void {
  expect(o.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  expect(Number.isInteger(o.rule.level)).toBe(true);
  expect(o.rule.level).toBeGreaterThanOrEqual(3); // log_alert_level
  expect(o.rule.level).toBeLessThanOrEqual(16);
  expect(o.rule.id).toMatch(/^\d+$/);
  expect(typeof o.rule.description).toBe('string');
  expect(Number.isInteger(o.rule.firedtimes) && o.rule.firedtimes >= 1).toBe(true);
  expect(Array.isArray(o.rule.groups)).toBe(true);
  if (o.rule.mitre) {
    expect(o.rule.mitre.id.length).toBe(o.rule.mitre.technique.length);
    for (const id of o.rule.mitre.id) expect(id).toMatch(/^T\d{4}(\.\d{3})?$/);
  }
  expect(o.agent.id).toMatch(/^\d{3}$/);
  expect(typeof o.agent.name).toBe('string');
  expect(o.manager.name).toBe('wazuh-manager');
  expect(o.id).toMatch(/^\d{10}\.\d+$/);
  expect(typeof o.decoder.name).toBe('string');
  expect(typeof o.location).toBe('string');
  // Decoded fields are strings, as analysisd writes them.
  if (o.data) for (const k of ['srcip', 'dstip', 'srcport', 'dstport', 'srcuser', 'dstuser']) if (k in o.data) expect(typeof o.data[k]).toBe('string');
}

describe('simulator records', () => {
  it('describes every scenario', () => {
    expect(Object.keys(SCENARIOS).sort()).toEqual([...SCENARIO_NAMES].sort());
    for (const d of Object.values(SCENARIOS)) expect(d.length).toBeGreaterThan(20);
    expect(isScenarioName('ddos')).toBe(true);
    expect(isScenarioName('nope')).toBe(false);
    expect(() => createSimulator({ scenario: 'nope' as ScenarioName })).toThrow(/unknown/);
  });

  for (const scenario of SCENARIO_NAMES) {
    it(`${scenario}: every line is valid JSON of the right shape, times in the tick, in order`, () => {
      const sim = createSimulator({ scenario, seed: 1234, start: new Date(START) });
      let prevAt = START;
      let prevT = -Infinity;
      let alerts = 0;
      for (let tick = 1; tick <= 40; tick++) {
        const at = START + tick * 500;
        const batch = sim.next(50, new Date(at));
        expect(batch).toHaveLength(50);
        for (const r of batch) {
          expect(r.line).not.toContain('\n');
          const o = parse(r.line);
          if (r.format === 'eve') {
            checkEve(o, r.line);
            if (o.event_type === 'alert') alerts++;
          } else {
            expect(r.format).toBe('wazuh');
            checkWazuh(o);
            alerts++;
          }
          const t = timeOf(r, o);
          expect(t).toBeGreaterThanOrEqual(prevAt - 1); // ms rounding of µs
          expect(t).toBeLessThanOrEqual(at);
          expect(t).toBeGreaterThanOrEqual(prevT - 1);
          prevT = t;
        }
        prevAt = at;
      }
      expect(alerts).toBeGreaterThan(0);
    });
  }

  it('a plain JSON.parse would corrupt the flow ids (they really exceed 2^53)', () => {
    const recs = generate('ddos', 5, 3, 30).filter((r) => r.format === 'eve');
    expect(recs.length).toBeGreaterThan(10);
    const lossy = recs.filter((r) => {
      const exact = /"flow_id":(\d+)/.exec(r.line)![1]!;
      return String(BigInt((JSON.parse(r.line) as Json).flow_id)) !== exact;
    });
    expect(lossy.length).toBeGreaterThan(recs.length / 2);
  });

  it('same seed gives identical output, different seeds differ', () => {
    for (const scenario of ['mixed', 'ransomware', 'normal'] as const) {
      const a = generate(scenario, 99, 10, 40).map((r) => r.line);
      const b = generate(scenario, 99, 10, 40).map((r) => r.line);
      const c = generate(scenario, 100, 10, 40).map((r) => r.line);
      expect(a).toEqual(b);
      expect(c).not.toEqual(a);
      expect(c.filter((l, i) => l === a[i]).length).toBeLessThan(a.length / 10);
    }
  });

  it('uses the estate: internal hosts, named agents, the public attacker pool', () => {
    const recs = generate('mixed', 3, 60, 40).map((r) => ({ r, o: parse(r.line) }));
    const agents = new Map<string, string>();
    for (const { r, o } of recs) if (r.format === 'wazuh') agents.set(o.agent.id, o.agent.name);
    expect(agents.get('003')).toBe('web-01');
    expect([...agents.values()]).toEqual(expect.arrayContaining(['web-01', 'dc-01']));
    const ips = new Set(recs.flatMap(({ r, o }) => (r.format === 'eve' ? [o.src_ip, o.dest_ip] : [o.data?.srcip].filter(Boolean))));
    expect([...ips].some((ip) => ip.startsWith('10.0.'))).toBe(true);
    expect([...ips].some((ip) => ip.startsWith('192.168.1.'))).toBe(true);
    const pool = ['81.2.69.142', '89.160.20.128', '175.16.199.1', '216.160.83.57', '2.125.160.217'];
    expect(pool.filter((ip) => ips.has(ip)).length).toBeGreaterThanOrEqual(2);
    // Both sensor offsets appear.
    const offsets = new Set(recs.filter(({ r }) => r.format === 'eve').map(({ o }) => (o.timestamp as string).slice(-5)));
    expect(offsets).toEqual(new Set(['+0100', '+0000']));
  });

  it('spreads a batch over the tick and handles odd calls', () => {
    const sim = createSimulator({ scenario: 'normal', seed: 8 });
    expect(sim.seed).toBe(8);
    expect(sim.next(0, new Date(START))).toEqual([]);
    expect(sim.next(-3, new Date(START + 100))).toEqual([]);
    const batch = sim.next(200, new Date(START + 1100));
    const times = batch.map((r) => timeOf(r, parse(r.line)));
    expect(Math.min(...times)).toBeLessThan(START + 350);
    expect(Math.max(...times)).toBeGreaterThan(START + 850);
    // Clock standing still or going back: still in order, still near `at`.
    const again = sim.next(5, new Date(START + 1100));
    for (const r of again) expect(timeOf(r, parse(r.line))).toBeGreaterThanOrEqual(Math.max(...times) - 1);
    // A random seed when none is given, exposed for reproduction.
    const s1 = createSimulator({ scenario: 'normal' });
    expect(Number.isInteger(s1.seed)).toBe(true);
  });
});
