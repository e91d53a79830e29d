/**
 * Scenario simulator: a record source that writes realistic Suricata EVE and Wazuh alerts.json
 * lines (JSON text exactly as those tools write it) for the normal pipeline to ingest. It is
 * deterministic for a seed; time comes from the caller (`next(n, at)`) or from an injectable
 * clock (`runSimulation`).
 */
import { randomInt } from 'node:crypto';
import { type BaseScenario, type Ctx, type RecordSource, type ScenarioName, type SimRecord, Blend, SCENARIO_NAMES } from './sim/engine.js';
import { type Micros, WazuhWriter } from './sim/format.js';
import { Rng, mixSeed } from './sim/rng.js';
import { BruteForce } from './sim/brute-force.js';
import { PortScan } from './sim/port-scan.js';
import { SqlInjection } from './sim/sql-injection.js';
import { Ddos } from './sim/ddos.js';
import { Ransomware } from './sim/ransomware.js';
import { Exfiltration } from './sim/exfiltration.js';
import { Normal } from './sim/normal.js';

export { SCENARIO_NAMES, type ScenarioName, type SimRecord } from './sim/engine.js';

/** One line per scenario, for the UI picker and the CLI help. */
export const SCENARIOS: Readonly<Record<ScenarioName, string>> = {
  brute_force: 'SSH brute force: one external address hammers sshd on an exposed host with many usernames (Wazuh 5760/5710 failures, 5763/5712 level 10, ET SCAN SSH alerts).',
  port_scan: 'Port scan: one source probes hundreds of ports or sweeps the exposed hosts fast (ET SCAN alerts, iptables drops 4101/4151).',
  sql_injection: 'SQL injection against the web servers on :80/:443 (ET WEB_SERVER alerts, Wazuh 31103/31164/31152 from the access log, T1190).',
  ddos: 'DDoS: SYN and HTTP floods or UDP reflection from many spoofed sources against one target (ET DOS alerts, flood flows).',
  ransomware: 'Ransomware: payload pushed over SMB, shadow copies deleted, hundreds of files renamed to .locked (Wazuh FIM 550/553/554, level 12 rules, T1486; shadow copies deleted is level 15, T1490).',
  exfiltration: 'Exfiltration: an internal host tunnels data over DNS to a .top domain and uploads large volumes outbound (ET INFO/POLICY alerts, T1048).',
  normal: 'Normal traffic: flow/dns/http/tls records, low-severity Suricata alerts, Wazuh level 3 logins, sudo and package installs.',
  mixed: 'Mixed: normal traffic dominant, with every attack scenario blended in.',
};

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** Share of background noise inside each attack scenario (the rest is the attack itself). */
const NOISE: Record<Exclude<BaseScenario, 'normal'>, number> = {
  brute_force: 0.15,
  port_scan: 0.15,
  sql_injection: 0.15,
  ddos: 0.08,
  ransomware: 0.15,
  exfiltration: 0.2,
};

/** The blend for mixed: normal dominant. */
const MIXED_WEIGHTS: Record<BaseScenario, number> = {
  normal: 70,
  brute_force: 7,
  port_scan: 6,
  sql_injection: 5,
  ddos: 5,
  exfiltration: 4,
  ransomware: 3,
};

function attack(ctx: Ctx, name: Exclude<BaseScenario, 'normal'>): RecordSource {
  switch (name) {
    case 'brute_force':
      return new BruteForce(ctx);
    case 'port_scan':
      return new PortScan(ctx);
    case 'sql_injection':
      return new SqlInjection(ctx);
    case 'ddos':
      return new Ddos(ctx);
    case 'ransomware':
      return new Ransomware(ctx);
    case 'exfiltration':
      return new Exfiltration(ctx);
  }
}

function build(ctx: Ctx, scenario: ScenarioName): RecordSource {
  if (scenario === 'normal') return new Normal(ctx);
  if (scenario === 'mixed') {
    const normal = new Normal(ctx);
    const parts = (Object.keys(MIXED_WEIGHTS) as BaseScenario[]).map(
      (name) => [name === 'normal' ? normal : attack(ctx, name), MIXED_WEIGHTS[name]] as const,
    );
    return new Blend(ctx.rng, parts);
  }
  const noise = NOISE[scenario];
  return new Blend(ctx.rng, [
    [attack(ctx, scenario), 1 - noise],
    [new Normal(ctx), noise],
  ]);
}

export interface SimulatorOptions {
  scenario: ScenarioName;
  /** Same seed (and same calls) → identical lines. Defaults to a random seed, see `Simulator.seed`. */
  seed?: number;
  /** Start of the first tick; without it the first tick is the 100 ms before the first `at`. */
  start?: Date;
}

export interface Simulator {
  readonly scenario: ScenarioName;
  /** The seed in use (log it to reproduce a run). */
  readonly seed: number;
  /**
   * The next `n` records, their event times spread in order over the current tick: from the
   * previous call's `at` (or `start`) up to `at`.
   */
  next(n: number, at: Date): SimRecord[];
}

export const DEFAULT_TICK_MS = 100;

export function createSimulator(opts: SimulatorOptions): Simulator {
  if (!isScenarioName(opts.scenario)) throw new Error(`unknown simulator scenario: ${String(opts.scenario)}`);
  const seed = opts.seed === undefined ? randomInt(2 ** 32 - 1) : Math.trunc(opts.seed) >>> 0;
  const rng = new Rng(mixSeed(seed));
  const ctx: Ctx = { rng, wazuh: new WazuhWriter(rng) };
  const source = build(ctx, opts.scenario);
  let last: Micros | null = opts.start ? opts.start.getTime() * 1000 : null;
  let lastT: Micros = -Infinity;

  return {
    scenario: opts.scenario,
    seed,
    next(n: number, at: Date): SimRecord[] {
      const to = at.getTime() * 1000;
      if (!Number.isFinite(to)) throw new Error('simulator: invalid tick time');
      let from = last ?? to - DEFAULT_TICK_MS * 1000;
      if (from >= to) from = to - 1000;
      last = to;
      const count = Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
      const times: Micros[] = [];
      for (let i = 0; i < count; i++) times.push(from + Math.floor(rng.float() * (to - from)));
      times.sort((a, b) => a - b);
      const out: SimRecord[] = [];
      for (const raw of times) {
        const t = Math.max(raw, lastT);
        lastT = t;
        out.push(source.step(t));
      }
      return out;
    },
  };
}

export interface RunSimulationOptions {
  scenario: ScenarioName;
  /** Records per second. */
  rate: number;
  /** How long to run, in seconds (Infinity: until aborted). */
  durationS: number;
  seed?: number;
  signal?: AbortSignal;
  /** Tick length; one batch per tick. Default 100 ms. */
  tickMs?: number;
  /** Clock (read at start for event times and before each tick to know how long to sleep). */
  now?: () => Date;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Drive a simulator in real time: one batch per tick, sized so the total hits `rate` (e.g.
 * rate 1000 with 100 ms ticks → 100 records per batch), sleeping until each tick is due.
 * Event times are the tick boundaries from the clock's start, so a slow consumer gets the
 * backlog stamped when it was due. Ticks that round to zero records yield nothing.
 */
export async function* runSimulation(opts: RunSimulationOptions): AsyncGenerator<SimRecord[]> {
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS;
  if (!(tickMs > 0) || !Number.isFinite(tickMs)) throw new Error('runSimulation: tickMs must be a positive number');
  if (!(opts.rate >= 0) || !Number.isFinite(opts.rate)) throw new Error('runSimulation: rate must be a finite number >= 0');
  if (!(opts.durationS >= 0)) throw new Error('runSimulation: durationS must be >= 0');
  const now = opts.now ?? (() => new Date());
  const { signal } = opts;
  const t0 = now().getTime();
  const sim = createSimulator({ scenario: opts.scenario, ...(opts.seed !== undefined ? { seed: opts.seed } : {}), start: new Date(t0) });
  const durationMs = opts.durationS * 1000;
  let emitted = 0;
  for (let i = 1; durationMs > 0; i++) {
    const dueMs = Math.min(i * tickMs, durationMs);
    if (signal?.aborted) return;
    await sleep(t0 + dueMs - now().getTime(), signal);
    if (signal?.aborted) return;
    const target = Math.round((opts.rate * dueMs) / 1000);
    const n = target - emitted;
    if (n > 0) {
      emitted = target;
      yield sim.next(n, new Date(t0 + dueMs));
    }
    if (dueMs >= durationMs) return;
  }
}
