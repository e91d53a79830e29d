import { z } from 'zod';

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });

/**
 * The record formats Vigil reads, by name: each has one normalizer in main/pipeline/normalize/
 * (registry.ts). A new format is a name here, its normalizer file and its registry line.
 */
export const EVENT_FORMATS = ['eve', 'wazuh'] as const;
export const EventFormat = z.enum(EVENT_FORMATS);
export type EventFormat = z.infer<typeof EventFormat>;

/** A source's format: one of the record formats, or mixed (the simulator writes both). */
export const SOURCE_FORMATS = [...EVENT_FORMATS, 'mixed'] as const;

/**
 * How a source is read (its driver): a followed file, a one-shot import, the scenario simulator,
 * a Wazuh indexer polled for alerts.
 */
export const SOURCE_KINDS = ['file', 'import', 'simulator', 'indexer'] as const;
export const SourceKind = z.enum(SOURCE_KINDS);
export type SourceKind = z.infer<typeof SourceKind>;

/**
 * What the process reading a source is doing: starting; running (reading); caught_up (read
 * everything there is for now); waiting (for its input, or for another process that reads it);
 * backing_off (it failed: it tries again at retry_at); paused.
 */
export const SOURCE_RUN_STATES = ['starting', 'running', 'caught_up', 'waiting', 'backing_off', 'paused'] as const;
export const SourceRunState = z.enum(SOURCE_RUN_STATES);
export type SourceRunState = z.infer<typeof SourceRunState>;

export const QuarantineItem = z.object({
  id: z.number().int(),
  ts: IsoUtc,
  source_id: z.string(),
  format: z.string(),
  reason: z.string(),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  offset: z.number().int().nullable(),
  raw: z.string(),
  /** The record's own id in its source (an indexer hit's _id), else null. */
  record_id: z.string().nullable(),
});
export type QuarantineItem = z.infer<typeof QuarantineItem>;

export const QuarantineListRequest = z
  .object({
    limit: z.number().int().min(1).max(500).default(100),
    /** Keyset: return items with id below this one. */
    before_id: z.number().int().positive().optional(),
    source_id: z.string().max(4096).optional(),
  })
  .strict();

export const QuarantineListResponse = z.object({ items: z.array(QuarantineItem), total: z.number().int() });

/** Who is reading a source right now: one process at a time holds a source's lease. */
export const SourceLease = z.object({
  /** Random id of the holding process (changes on every start). */
  instance: z.string(),
  host: z.string(),
  pid: z.number().int(),
  /** What holds it: "vigil tail", "vigil ingest", "Vigil desktop app", "vigil serve". */
  process: z.string(),
  acquired_at: z.string(),
  renewed_at: z.string(),
  expires_at: z.string(),
  /** How the holder's reader is doing (its supervisor's state), with its note and last error. */
  state: SourceRunState,
  note: z.string().nullable(),
  last_error: z.string().nullable(),
  /** Backing off: when it tries again (ISO). */
  retry_at: z.string().nullable(),
});
export type SourceLease = z.infer<typeof SourceLease>;

/** Is `name` an IANA time zone this runtime knows (e.g. "Europe/Paris", "UTC")? */
export function isTimeZoneName(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** A source's time zone for timestamps written without a UTC offset; null = refuse such lines. */
export const AssumeTz = z
  .string()
  .trim()
  .max(64)
  .refine(isTimeZoneName, { message: 'not a time zone name (use an IANA name such as Europe/Paris or UTC)' })
  .nullable();

/** The `max` most frequent record types (most first, then by name) and how many types are left out. */
export function topRecordTypes(types: Readonly<Record<string, number>>, max: number): { shown: [string, number][]; more: number } {
  const all = Object.entries(types).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { shown: all.slice(0, max), more: Math.max(0, all.length - max) };
}

/**
 * A source's cursor in a few words: a followed file's byte offset and inode, an indexer's last
 * alert time and _id; null when there is nothing to say (no cursor, or a kind without one).
 */
export function describeCursor(kind: SourceKind, cursor: unknown): { short: string; detail: string } | null {
  if (cursor === null || typeof cursor !== 'object' || Array.isArray(cursor)) return null;
  const c = cursor as Record<string, unknown>;
  if (kind === 'file' && typeof c['offset'] === 'number') {
    return { short: `${c['offset']} B`, detail: `byte offset ${c['offset']} of inode ${typeof c['ino'] === 'number' ? c['ino'] : '?'}` };
  }
  const sort = c['sort'];
  if (kind === 'indexer' && Array.isArray(sort) && typeof sort[0] === 'number' && typeof sort[1] === 'string') {
    const at = new Date(sort[0]);
    const iso = Number.isNaN(at.getTime()) ? String(sort[0]) : at.toISOString();
    return { short: iso, detail: `last alert ${iso}, _id ${sort[1]}` };
  }
  return null;
}

export const SourceStatus = z.object({
  id: z.string(),
  kind: SourceKind,
  format: z.enum(SOURCE_FORMATS),
  path: z.string().nullable(),
  enabled: z.boolean(),
  /** Where reading stopped, as the source's driver keeps it (committed with the rows): see describeCursor. */
  cursor: z.json().nullable(),
  lines_read: z.number().int(),
  events: z.number().int(),
  skipped: z.number().int(),
  /** Skipped records by type (EVE event_type: flow, dns, http, ...), most first. */
  skipped_types: z.record(z.string(), z.number().int()),
  quarantined: z.number().int(),
  alerts_created: z.number().int(),
  alerts_updated: z.number().int(),
  suppressed: z.number().int(),
  last_event_at: z.string().nullable(),
  last_error: z.string().nullable(),
  updated_at: z.string(),
  assume_tz: z.string().nullable(),
  /** The process reading this source now (an unexpired lease), or null. */
  lease: SourceLease.nullable(),
});
export type SourceStatus = z.infer<typeof SourceStatus>;

const StageMs = z.object({ normalize: z.number(), enrich: z.number(), detect: z.number(), score: z.number(), persist: z.number() });

export const PipelineMetrics = z.object({
  totals: z.object({
    read: z.number(),
    events: z.number(),
    skipped: z.number(),
    quarantined: z.number(),
    suppressed: z.number(),
    alerts_created: z.number(),
    alerts_updated: z.number(),
    batches: z.number(),
  }),
  events_per_s: z.number(),
  alerts_per_min: z.number(),
  stage_ms_per_1k: StageMs,
  batch_ms_mean: z.number(),
  batch_ms_p99: z.number(),
  queue_depth: z.number(),
  updated_at: z.string(),
});
export type PipelineMetrics = z.infer<typeof PipelineMetrics>;

/** The pipeline as `vigil status` and the UI see it: sources, live figures of every running process, database-wide counts. */
export const PipelineStatus = z.object({
  sources: z.array(SourceStatus),
  /** Figures published by each running Vigil process (desktop app, serve, tail, simulate). */
  processes: z.array(z.object({ process: z.string(), updated_at: z.string(), metrics: PipelineMetrics })),
  /** Database-wide, from stored rows: events received in the last minute, alerts created in the last minute. */
  events_last_min: z.number().int(),
  alerts_last_min: z.number().int(),
  quarantine_total: z.number().int(),
  alerts_total: z.number().int(),
  events_retained: z.number().int(),
});
export type PipelineStatus = z.infer<typeof PipelineStatus>;

export const SuppressionMatchShape = z
  .object({
    source: z.enum(['suricata', 'wazuh']).optional(),
    rule_id: z.string().min(1).max(200).optional(),
    src_ip: z.string().min(1).max(64).optional(),
    dst_ip: z.string().min(1).max(64).optional(),
    dst_port: z.number().int().min(0).max(65535).optional(),
    title_contains: z.string().min(1).max(200).optional(),
  })
  .strict();

export const Suppression = z.object({
  id: z.number().int(),
  created_at: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  reason: z.string(),
  match: SuppressionMatchShape,
  hits: z.number().int(),
  last_hit_at: z.string().nullable(),
  enabled: z.boolean(),
});
export type Suppression = z.infer<typeof Suppression>;

export const SuppressionCreateRequest = z
  .object({
    match: SuppressionMatchShape,
    reason: z.string().trim().min(1).max(500),
    /** Lifetime in hours; omitted = until removed. */
    expires_in_hours: z.number().int().min(1).max(24 * 365).optional(),
  })
  .strict();
