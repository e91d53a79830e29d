import { describe, expect, it } from 'vitest';
import { runSimulation, type SimRecord } from '../../main/pipeline/sources/simulator.js';

const START = Date.parse('2026-11-21T10:00:00.000Z');

async function collect(gen: AsyncGenerator<SimRecord[]>): Promise<SimRecord[][]> {
  const out: SimRecord[][] = [];
  for await (const b of gen) out.push(b);
  return out;
}

/** A clock that jumps ahead on every read: sleeps are never needed. */
function fastClock(stepMs: number): () => Date {
  let t = START;
  return () => {
    const d = new Date(t);
    t += stepMs;
    return d;
  };
}

describe('runSimulation', () => {
  it('yields rate x duration records, one batch per tick, with a fast fake clock', async () => {
    const began = Date.now();
    const batches = await collect(runSimulation({ scenario: 'brute_force', rate: 1000, durationS: 5, seed: 1, now: fastClock(250) }));
    expect(Date.now() - began).toBeLessThan(5000);
    expect(batches).toHaveLength(50);
    for (const b of batches) expect(b).toHaveLength(100);
    expect(batches.flat()).toHaveLength(5000);
    // Event times follow the injected clock, not the wall clock.
    const last = batches.at(-1)!.at(-1)!;
    const ts = /"timestamp":"([^"]+)"/.exec(last.line)![1]!;
    const t = Date.parse(ts.replace(/([+-]\d\d)(\d\d)$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1'));
    expect(t).toBeGreaterThan(START + 4800);
    expect(t).toBeLessThanOrEqual(START + 5000);
  });

  it('keeps the rate for fractional per-tick counts and a partial last tick', async () => {
    const batches = await collect(runSimulation({ scenario: 'normal', rate: 15, durationS: 2.05, tickMs: 100, seed: 2, now: fastClock(100) }));
    const total = batches.flat().length;
    expect(Math.abs(total - 15 * 2.05)).toBeLessThanOrEqual(1);
    for (const b of batches) expect(b.length === 1 || b.length === 2).toBe(true);
  });

  it('is deterministic with a seed and a fake clock', async () => {
    const a = (await collect(runSimulation({ scenario: 'mixed', rate: 200, durationS: 1, seed: 9, now: fastClock(100) }))).flat().map((r) => r.line);
    const b = (await collect(runSimulation({ scenario: 'mixed', rate: 200, durationS: 1, seed: 9, now: fastClock(100) }))).flat().map((r) => r.line);
    expect(a).toHaveLength(200);
    expect(a).toEqual(b);
  });

  it('runs in real time', async () => {
    const began = performance.now();
    const batches = await collect(runSimulation({ scenario: 'port_scan', rate: 100, durationS: 0.3, seed: 3 }));
    const took = performance.now() - began;
    const total = batches.flat().length;
    expect(total).toBe(30); // rate x duration: counts follow the tick index, not timer jitter
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(2000);
  });

  it('stops when aborted', async () => {
    const ctl = new AbortController();
    const began = performance.now();
    let total = 0;
    let batches = 0;
    for await (const b of runSimulation({ scenario: 'ddos', rate: 1000, durationS: 60, seed: 4, tickMs: 50, signal: ctl.signal })) {
      total += b.length;
      if (++batches === 3) ctl.abort();
    }
    expect(batches).toBe(3);
    expect(total).toBe(150);
    expect(performance.now() - began).toBeLessThan(1000);
  });

  it('abort during a sleep ends the run promptly', async () => {
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const began = performance.now();
    const batches = await collect(runSimulation({ scenario: 'normal', rate: 10, durationS: 30, tickMs: 1000, seed: 5, signal: ctl.signal }));
    expect(batches).toHaveLength(0);
    expect(performance.now() - began).toBeLessThan(500);
  });

  it('rejects bad options', async () => {
    await expect(collect(runSimulation({ scenario: 'normal', rate: -1, durationS: 1 }))).rejects.toThrow(/rate/);
    await expect(collect(runSimulation({ scenario: 'normal', rate: 1, durationS: 1, tickMs: 0 }))).rejects.toThrow(/tickMs/);
    expect(await collect(runSimulation({ scenario: 'normal', rate: 10, durationS: 0 }))).toEqual([]);
  });
});
