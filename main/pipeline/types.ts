import type { EventFormat, Severity } from '../contract/index.js';

export type { EventFormat } from '../contract/index.js';

/** Where a record came from inside its source: enough to find it again. */
export interface SourcePosition {
  /** File path, index name (an indexer hit), or a label such as "simulator:brute_force". */
  file: string;
  /** 1-based line number when known (one-shot ingest), else null (tail, indexer). */
  line: number | null;
  /** Byte offset of the start of the line in the file; null where there is none (an indexer hit). */
  offset: number | null;
  /**
   * The record's own id in its source (an indexer hit's _id), for sources that may hand a record
   * out twice: a record whose id the source already stored is dropped.
   */
  id?: string;
}

export interface AgentRef {
  id: string | null;
  name: string | null;
  ip: string | null;
}

/** One normalized security event: every source is turned into this shape. */
export interface SecurityEvent {
  source: 'suricata' | 'wazuh';
  /** ISO 8601 UTC with milliseconds, e.g. 2026-11-21T09:00:00.123Z. */
  ts: string;
  severity: Severity;
  /** The source's own severity value (Suricata alert.severity, Wazuh rule.level). */
  sev_raw: number | null;
  /** Suricata "gid:signature_id", Wazuh rule.id. */
  rule_id: string | null;
  /** Suricata alert.signature, Wazuh rule.description. */
  title: string;
  /** Suricata alert.category; Wazuh rule.groups joined with ",". */
  category: string | null;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  /** Upper-case protocol name (TCP, UDP, ICMP, ...). */
  proto: string | null;
  /** The host agent that reported the event (Wazuh); null for network sensors. */
  agent: AgentRef | null;
  /** The account the event is about (Wazuh: the first user field of the decoder table). */
  user: string | null;
  /** The network sensor that saw the event (Suricata EVE `host`, when configured). */
  sensor: string | null;
  /** ATT&CK technique ids carried by the source itself (Wazuh rule.mitre.id). */
  technique_ids: string[];
  /** Suricata flow_id kept exact as a decimal string (it is a uint64). */
  flow_id: string | null;
  community_id: string | null;
  /** Suricata alert.action (allowed|blocked). */
  action: string | null;
  /** Wazuh rule.groups, Suricata metadata tags; lower-case. */
  groups: string[];
  /** Wazuh full_log, location. */
  full_log: string | null;
  location: string | null;
  /** The original line exactly as read. */
  raw: string;
  position: SourcePosition;
}

/**
 * One sensor record (any EVE event_type) as the record store keeps it: the fields analysts pivot
 * on, the per-type summary fields in the slots main/hunt/fields.ts assigns, and the raw line.
 */
export interface SensorRecord {
  /** The record's own time, epoch ms (UTC). */
  ts: number;
  /** EVE event_type; types outside Suricata's plain naming are kept as "other". */
  type: string;
  sensor: string | null;
  src_ip: string | null;
  src_port: number | null;
  dst_ip: string | null;
  dst_port: number | null;
  proto: string | null;
  app_proto: string | null;
  /** Exact uint64 as a decimal string. */
  flow_id: string | null;
  community_id: string | null;
  /** s1..s7 then n1..n3 (main/hunt/fields.ts TYPE_LAYOUT). */
  slots: (string | number | null)[];
  raw: string;
}

/** What normalizing one line gives. */
export type NormalizeResult =
  /** record: the line as a sensor record too (EVE alerts), for the record store. */
  | { kind: 'event'; event: SecurityEvent; record?: SensorRecord }
  /**
   * record_type: what kind of record was skipped (EVE event_type), counted per source; record:
   * the line as a sensor record, kept in the record store although it is no alert.
   */
  | { kind: 'skipped'; reason: string; record_type?: string; record?: SensorRecord }
  | { kind: 'quarantined'; reason: string };

export interface QuarantineRecord {
  format: EventFormat;
  reason: string;
  /** The offending line (cut to QUARANTINE_RAW_MAX bytes, with the cut noted in reason). */
  raw: string;
  position: SourcePosition;
}

export const MAX_LINE_BYTES = 1024 * 1024;
export const QUARANTINE_RAW_MAX = 64 * 1024;

export type AddressClass =
  | 'public'
  | 'private'
  | 'loopback'
  | 'link-local'
  | 'cgnat'
  | 'documentation'
  | 'multicast'
  | 'broadcast'
  | 'unspecified'
  | 'reserved'
  | 'benchmarking'
  | 'unique-local'
  | 'invalid';

export interface GeoInfo {
  country_code: string | null;
  country: string | null;
  city: string | null;
  latitude: number | null;
  longitude: number | null;
  asn: number | null;
  as_org: string | null;
}

export interface AddressInfo {
  ip: string;
  class: AddressClass;
  /** True when the address is routable on the internet (class public). */
  external: boolean;
  geo: GeoInfo | null;
}

export interface EnrichedEvent extends SecurityEvent {
  src: AddressInfo | null;
  dst: AddressInfo | null;
}

export const THREAT_TYPES = [
  'brute_force',
  'password_spraying',
  'port_scan',
  'flood',
  'sql_injection',
  'web_attack',
  'exploit',
  'malware',
  'ransomware',
  'c2',
  'exfiltration',
  'reconnaissance',
  'policy',
  'anomaly',
  'unknown',
] as const;
export type ThreatType = (typeof THREAT_TYPES)[number];

/** A correlation rule that fired for this event's source over its window. */
export interface CorrelationHit {
  rule: 'brute_force' | 'port_scan' | 'flood' | 'password_spraying';
  /** The key the window is kept by (the source IP, or agent/user when there is no IP). */
  key: string;
  /** What was counted (failures, distinct ports, events in the second, distinct users). */
  observed: number;
  threshold: number;
  window_s: number;
}

export interface Detection {
  threat_type: ThreatType;
  technique_ids: string[];
  /** 0..1: how sure the mapping is (1 for the source's own ATT&CK ids). */
  confidence: number;
  /** Where the mapping came from: "wazuh rule.mitre", "suricata category: ...", "correlation: ...". */
  basis: string;
  correlations: CorrelationHit[];
}

export interface DetectedEvent extends EnrichedEvent {
  detection: Detection;
}

/** One named contribution to the risk score, kept with the alert so the UI can explain it. */
export interface ScoreTerm {
  name: string;
  points: number;
  detail: string;
}

export interface Score {
  risk: number;
  terms: ScoreTerm[];
}

export interface ScoredEvent extends DetectedEvent {
  score: Score;
}
