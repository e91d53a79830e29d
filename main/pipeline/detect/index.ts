/**
 * The detect stage: bundled mapping (Suricata category/signature, Wazuh groups and rule.mitre)
 * plus per-source correlation. Every event leaves with a Detection: a threat type ("unknown" with
 * no technique when nothing matched), ATT&CK ids that all exist in the bundled table, a
 * confidence and a basis text saying where they came from.
 */
import type { CorrelationHit, DetectedEvent, Detection, EnrichedEvent, ThreatType } from '../types.js';
import type { AttackTable } from './attack.js';
import { Correlator, type CorrelationThresholds, type ThresholdOverrides } from './correlate.js';
import { mapEvent, type Mapping } from './mapping.js';

export * from './attack.js';
export * from './correlate.js';
export * from './mapping.js';
export * from './address.js';

type CorrelationRule = CorrelationHit['rule'];

/** What a correlation turns an event into, strongest rule first. */
export const CORRELATION_EFFECTS: readonly {
  rule: CorrelationRule;
  threat_type: ThreatType;
  technique_ids: readonly string[];
  confidence: number;
  /** The rule only replaces these mapped threat types (null: always; its events are failed logins). */
  replaces: ReadonlySet<ThreatType> | null;
  describe(h: CorrelationHit): string;
}[] = [
  {
    rule: 'password_spraying',
    threat_type: 'password_spraying',
    technique_ids: ['T1110.003'],
    confidence: 0.9,
    replaces: null,
    describe: (h) => `failed logins for ${h.observed} distinct users in ${h.window_s} s from ${h.key} (threshold ${h.threshold})`,
  },
  {
    rule: 'brute_force',
    threat_type: 'brute_force',
    technique_ids: ['T1110.001'],
    confidence: 0.9,
    replaces: null,
    describe: (h) => `${h.observed} failed logins in ${h.window_s} s from ${h.key} (threshold ${h.threshold})`,
  },
  {
    rule: 'port_scan',
    threat_type: 'port_scan',
    technique_ids: ['T1046'],
    confidence: 0.9,
    replaces: new Set<ThreatType>(['unknown', 'policy', 'anomaly', 'reconnaissance', 'port_scan']),
    describe: (h) => `${h.observed} distinct destination ports in ${h.window_s} s from ${h.key} (threshold ${h.threshold})`,
  },
  {
    rule: 'flood',
    threat_type: 'flood',
    technique_ids: ['T1498'],
    confidence: 0.8,
    replaces: new Set<ThreatType>(['unknown', 'policy', 'anomaly', 'flood']),
    describe: (h) => `${h.observed} events in one second from ${h.key} (threshold ${h.threshold}/s)`,
  },
];

const EFFECT_ORDER = new Map(CORRELATION_EFFECTS.map((c, i) => [c.rule, i] as const));

/** Combines one event's mapping with its correlation hits. */
export function combine(mapping: Mapping, hits: readonly CorrelationHit[], attack?: AttackTable): Detection {
  const sorted = [...hits].sort((a, b) => (EFFECT_ORDER.get(a.rule) ?? 99) - (EFFECT_ORDER.get(b.rule) ?? 99));
  const detection: Detection = {
    threat_type: mapping.threat_type,
    technique_ids: [...mapping.technique_ids],
    confidence: mapping.confidence,
    basis: mapping.basis,
    correlations: sorted,
  };
  if (sorted.length === 0) return detection;

  const effects = sorted.map((h) => ({ h, fx: CORRELATION_EFFECTS[EFFECT_ORDER.get(h.rule) ?? -1] }));
  const winner = effects.find(({ fx }) => fx !== undefined && (fx.replaces === null || fx.replaces.has(mapping.threat_type)));
  if (winner?.fx !== undefined) {
    const { h, fx } = winner;
    const ids = [...fx.technique_ids, ...mapping.technique_ids].filter((id) => attack === undefined || attack.isKnown(id));
    detection.threat_type = fx.threat_type;
    detection.technique_ids = [...new Set(ids)];
    detection.confidence = Math.max(mapping.confidence, fx.confidence);
    detection.basis = `correlation: ${fx.rule}: ${fx.describe(h)}; mapping: ${mapping.basis}`;
  }
  const others = effects.filter((x) => x !== winner && x.fx !== undefined);
  if (others.length > 0) {
    const text = others.map(({ h, fx }) => `${h.rule} (${fx?.describe(h) ?? ''})`).join(', ');
    detection.basis += winner ? `; also fired: ${text}` : `; correlation fired: ${text}, kept ${mapping.threat_type}`;
  }
  return detection;
}

export interface DetectorOptions {
  attack: AttackTable;
  thresholds?: ThresholdOverrides;
  /** Correlator memory bounds (defaults 100 000 sources, 1024 samples per source). */
  maxKeys?: number;
  maxSamplesPerKey?: number;
}

export interface Detector {
  readonly thresholds: CorrelationThresholds;
  readonly correlator: Correlator;
  /** Maps and correlates a batch, in order; keeps the correlation windows across calls. */
  detect(events: readonly EnrichedEvent[]): DetectedEvent[];
  /**
   * Same as detect(), but attaches the detection to the given objects instead of copying them
   * (a 25-field spread per event costs more than the mapping). For callers that own the objects,
   * like the pipeline, whose enriched events are fresh copies already.
   */
  attach(events: EnrichedEvent[]): DetectedEvent[];
}

export function createDetector(opts: DetectorOptions): Detector {
  const { attack } = opts;
  const correlator = new Correlator({
    thresholds: opts.thresholds,
    maxKeys: opts.maxKeys,
    maxSamplesPerKey: opts.maxSamplesPerKey,
  });
  return {
    thresholds: correlator.thresholds,
    correlator,
    detect(events) {
      const mappings = events.map((e) => mapEvent(e, attack));
      const hits = correlator.observe(
        events,
        mappings.map((m) => m.auth_failure),
      );
      return events.map((e, i) => ({
        ...e,
        detection: combine(mappings[i] as Mapping, hits[i] ?? [], attack),
      }));
    },
    attach(events) {
      const mappings = events.map((e) => mapEvent(e, attack));
      const hits = correlator.observe(
        events,
        mappings.map((m) => m.auth_failure),
      );
      for (let i = 0; i < events.length; i++) {
        (events[i] as DetectedEvent).detection = combine(mappings[i] as Mapping, hits[i] ?? [], attack);
      }
      return events as DetectedEvent[];
    },
  };
}
