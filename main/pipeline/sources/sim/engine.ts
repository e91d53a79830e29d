/**
 * The generator machinery shared by every scenario: a scenario is a small state machine that
 * plans one or more records at a time (a queue of record makers) and hands out exactly one
 * record per call, stamped with the time the caller gives.
 */
import { type Micros, type Sensor, type Tuple, type EveEvent, type Proto, type WazuhWriter, SENSOR_CORE, SENSOR_EDGE, flowId } from './format.js';
import { type Rng } from './rng.js';

export const SCENARIO_NAMES = [
  'brute_force',
  'port_scan',
  'sql_injection',
  'ddos',
  'ransomware',
  'exfiltration',
  'normal',
  'mixed',
] as const;
export type ScenarioName = (typeof SCENARIO_NAMES)[number];
/** The scenarios that generate records themselves (mixed only blends them). */
export type BaseScenario = Exclude<ScenarioName, 'mixed'>;

export interface SimRecord {
  format: 'eve' | 'wazuh';
  /** The JSON text line exactly as Suricata / the Wazuh manager writes it, without newline. */
  line: string;
  /** Which scenario made the record (in mixed: the blended part). Informational only. */
  scenario?: BaseScenario;
}

export interface Ctx {
  rng: Rng;
  wazuh: WazuhWriter;
}

export type Maker = (t: Micros) => Omit<SimRecord, 'scenario'>;

export interface RecordSource {
  step(t: Micros): SimRecord;
}

export abstract class Gen implements RecordSource {
  private readonly queue: Maker[] = [];

  constructor(
    protected readonly ctx: Ctx,
    readonly scenario: BaseScenario,
  ) {}

  protected get rng(): Rng {
    return this.ctx.rng;
  }

  /** Queue one or more record makers; plan() must queue at least one. */
  protected push(...makers: Maker[]): void {
    this.queue.push(...makers);
  }

  /** From inside a maker: queue records to come right after the current one. */
  protected pushFront(...makers: Maker[]): void {
    this.queue.unshift(...makers);
  }

  protected abstract plan(): void;

  step(t: Micros): SimRecord {
    for (let guard = 0; this.queue.length === 0; guard++) {
      if (guard > 100) throw new Error(`simulator scenario ${this.scenario} planned nothing`);
      this.plan();
    }
    const make = this.queue.shift() as Maker;
    const r = make(t);
    return { format: r.format, line: r.line, scenario: this.scenario };
  }
}

/** Picks one part per record by weight; each part keeps its own state. */
export class Blend implements RecordSource {
  constructor(
    private readonly rng: Rng,
    private readonly parts: readonly (readonly [RecordSource, number])[],
  ) {}

  step(t: Micros): SimRecord {
    return this.rng.weighted(this.parts).step(t);
  }
}

export function isInternal(ip: string): boolean {
  return ip.startsWith('10.') || ip.startsWith('192.168.');
}

/** Traffic that touches the internet is seen by the edge sensor, east-west by the core one. */
export function sensorFor(tuple: Tuple): Sensor {
  return isInternal(tuple.src_ip) && isInternal(tuple.dest_ip) ? SENSOR_CORE : SENSOR_EDGE;
}

export function tuple(src_ip: string, src_port: number, dest_ip: string, dest_port: number, proto: Proto = 'TCP'): Tuple {
  return { src_ip, src_port, dest_ip, dest_port, proto };
}

/** The common part of an EVE line; a new flow id unless one is given (same flow, several events). */
export function eveAt(ctx: Ctx, t: Micros, tup: Tuple, fid?: string): EveEvent {
  return { t, sensor: sensorFor(tup), flowId: fid ?? flowId(ctx.rng), tuple: tup };
}

export const SECOND: Micros = 1_000_000;

/**
 * A Wazuh composite rule (frequency / timeframe / ignore): fires when `frequency` child alerts
 * fell within `timeframeS`, then stays quiet for `ignoreS`.
 */
export class Frequency {
  private hits: Micros[] = [];
  private lastFire = -Infinity;

  constructor(
    readonly frequency: number,
    private readonly timeframeS: number,
    private readonly ignoreS: number,
  ) {}

  /** Count one child alert at t; true when the composite rule fires on it. */
  hit(t: Micros): boolean {
    // Only the last `frequency` hits matter: the rule fires when the oldest of them is recent enough.
    this.hits.push(t);
    if (this.hits.length > this.frequency) this.hits.shift();
    if (t - this.lastFire < this.ignoreS * SECOND) return false;
    if (this.hits.length < this.frequency || t - (this.hits[0] as Micros) > this.timeframeS * SECOND) return false;
    this.lastFire = t;
    this.hits = [];
    return true;
  }
}
