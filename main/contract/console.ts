import { z } from 'zod';
import { Alert, AlertFilter, AlertSort, AlertStatus, AlertTag, HistoryEntry, MAX_ALERT_TAGS, Priority, Severity } from './alerts.js';
import { AssumeTz, EventFormat, SourceRunState, SourceStatus, Suppression } from './pipeline.js';

const IsoAny = z.iso.datetime({ offset: true });
const Range = z.object({ from: IsoAny, to: IsoAny }).strict();

// ---------- dashboard ----------
export const DashboardSummary = z.object({
  open_by_priority: z.record(Priority, z.number().int()),
  open_total: z.number().int(),
  alerts_in_range: z.number().int(),
  events_in_range: z.number().int(),
  /** Events stored in the last 60 s, divided by 60 (every process writing this database). */
  events_per_s: z.number(),
  /** Mean seconds from an alert's creation to its first acknowledgement / resolution, for alerts created in range. */
  mtta_s: z.number().nullable(),
  mttr_s: z.number().nullable(),
  quarantine_total: z.number().int(),
  sources: z.array(SourceStatus),
  /** When the most recently seen alert was last seen, whatever the range; null with no alert. */
  newest_alert_seen: IsoAny.nullable(),
});
export type DashboardSummary = z.infer<typeof DashboardSummary>;

export const TrendPoint = z.object({
  t: z.string(),
  info: z.number().int(),
  low: z.number().int(),
  medium: z.number().int(),
  high: z.number().int(),
  critical: z.number().int(),
});
export const DashboardTrend = z.object({ bucket_s: z.number().int(), points: z.array(TrendPoint) });
export type DashboardTrend = z.infer<typeof DashboardTrend>;

export const TOP_FIELDS = ['src_ip', 'dst_ip', 'rule', 'country', 'technique'] as const;
export const TopItem = z.object({ key: z.string(), label: z.string(), alerts: z.number().int(), events: z.number().int() });
export const DashboardTop = z.object({ field: z.enum(TOP_FIELDS), items: z.array(TopItem) });
export type DashboardTop = z.infer<typeof DashboardTop>;

export const AttackCell = z.object({ technique_id: z.string(), alerts: z.number().int() });
export const DashboardAttack = z.object({ cells: z.array(AttackCell) });

export const AttackMatrix = z.object({
  version: z.string(),
  tactics: z.array(
    z.object({
      id: z.string(),
      shortname: z.string(),
      name: z.string(),
      techniques: z.array(z.object({ id: z.string(), name: z.string() })),
    }),
  ),
});
export type AttackMatrix = z.infer<typeof AttackMatrix>;

export const TechniqueInfo = z.object({
  id: z.string(),
  name: z.string(),
  tactics: z.array(z.object({ id: z.string(), name: z.string() })),
  url: z.string(),
  summary: z.string(),
});
export type TechniqueInfo = z.infer<typeof TechniqueInfo>;

// ---------- triage ----------
/** What a bulk action applies to: listed alerts, or everything matching a filter (no page cap). */
export const BulkTarget = z.union([
  z.object({ ids: z.array(z.number().int().positive()).min(1).max(100_000) }).strict(),
  z.object({ filter: AlertFilter }).strict(),
]);
export type BulkTarget = z.infer<typeof BulkTarget>;

export const BulkStatusRequest = z
  .object({ target: BulkTarget, status: AlertStatus, note: z.string().trim().max(4000).optional() })
  .strict();

export const JobStarted = z.object({ job_id: z.string(), total: z.number().int() });

export const JobProgress = z.object({
  job_id: z.string(),
  /** 'alerts.status' (a bulk status change; its job_id is the change id Undo takes) or 'alerts.export'. */
  kind: z.string(),
  done: z.number().int(),
  total: z.number().int(),
  /** 'cancelled': stopped on request; what was done stays done (`done` says how much). */
  state: z.enum(['running', 'done', 'failed', 'cancelled']),
  message: z.string().nullable(),
});
export type JobProgress = z.infer<typeof JobProgress>;

export const AssignRequest = z
  .object({ ids: z.array(z.number().int().positive()).min(1).max(10_000), assignee: z.string().trim().min(1).max(64).nullable() })
  .strict();

/** Adds and removes tags on alerts (both at once: "retag"); a tag in both lists is added. */
export const TagRequest = z
  .object({
    ids: z.array(z.number().int().positive()).min(1).max(10_000),
    add: z.array(AlertTag).max(MAX_ALERT_TAGS).default([]),
    remove: z.array(AlertTag).max(MAX_ALERT_TAGS).default([]),
  })
  .strict()
  .refine((r) => r.add.length + r.remove.length > 0, { message: 'name a tag to add or remove' });

/** The tags in use, most used first (the tag picker's suggestions). */
export const KnownTags = z.array(z.object({ tag: z.string(), alerts: z.number().int() }));

export const RelatedAlerts = z.object({
  /** Other alerts about the same host (the agent for host alerts, else the address). */
  same_host: z.array(Alert),
  same_source: z.array(Alert),
  same_destination: z.array(Alert),
  same_technique: z.array(Alert),
});
export type RelatedAlerts = z.infer<typeof RelatedAlerts>;

/** Names an alert can be assigned to: the configured analyst and everyone who has acted on alerts. */
export const KnownAnalysts = z.object({ me: z.string(), names: z.array(z.string()) });
export type KnownAnalysts = z.infer<typeof KnownAnalysts>;

export const UndoResult = z.object({
  change_id: z.string(),
  /** Alerts put back to the status the change had replaced. */
  restored: z.array(z.number().int()),
  /** Alerts left alone: their status changed again since (or they are gone). */
  skipped: z.number().int(),
});
export type UndoResult = z.infer<typeof UndoResult>;

// ---------- export ----------
export const EXPORT_FORMATS = ['csv', 'json', 'ndjson'] as const;
export const ExportFormat = z.enum(EXPORT_FORMATS);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const ExportRequest = z
  .object({ filter: AlertFilter.default({}), format: ExportFormat, sort: AlertSort.default({ field: 'last_seen', dir: 'desc' }) })
  .strict();

export const ExportStarted = z.object({
  /** Null when the analyst cancelled the save dialog (desktop). */
  job_id: z.string().nullable(),
  total: z.number().int(),
  /** Headless: the one-time download address (same origin); the export runs while it is read. */
  download: z.string().nullable(),
  /** Desktop: the file being written. */
  path: z.string().nullable(),
  file_name: z.string(),
});
export type ExportStarted = z.infer<typeof ExportStarted>;

// ---------- suppressions ----------
/** A suppression rule that matches an alert, and what it hid that looks like it. */
export const AlertSuppression = z.object({
  suppression: Suppression,
  /** Events with this alert's rule, source and destination that the rule dropped. */
  hidden: z.number().int(),
  last_hidden_at: z.string().nullable(),
});
export const AlertSuppressions = z.object({ alert_id: z.number().int(), rules: z.array(AlertSuppression) });
export type AlertSuppressions = z.infer<typeof AlertSuppressions>;

export const SavedFilter = z.object({ id: z.number().int(), name: z.string(), filter: AlertFilter, created_at: z.string() });
export type SavedFilter = z.infer<typeof SavedFilter>;

// ---------- sources and simulator ----------
/** How a source is read in this process right now (its supervisor's state). */
export const SourceLive = z.object({
  state: SourceRunState,
  /** When it entered this state (ISO). */
  since: z.string(),
  /** What it does or last decided ("held by vigil tail (pid 1234) since 10:03:12", "rotated; ..."). */
  note: z.string().nullable(),
  /** The failure it backs off from (kept until it reads again). */
  last_error: z.string().nullable(),
  /** Backing off: when it tries again (ISO). */
  retry_at: z.string().nullable(),
  /** How much is known to be left: bytes of a followed file; null when unknown. */
  behind: z.number().nullable(),
  events_per_s: z.number(),
});
export type SourceLive = z.infer<typeof SourceLive>;

export const LiveSource = SourceStatus.extend({
  /** Live state in this process (null when this process does not read the source). */
  live: SourceLive.nullable(),
});
export type LiveSource = z.infer<typeof LiveSource>;

export const SourceAddRequest = z
  .object({
    path: z.string().trim().min(1).max(4096),
    format: EventFormat,
    start_at: z.enum(['beginning', 'end']).default('beginning'),
    /** Time zone for timestamps written without a UTC offset (IANA name); null = refuse them. */
    assume_tz: AssumeTz.default(null),
  })
  .strict();

export const SimulatorStatus = z.object({
  running: z.boolean(),
  scenario: z.string().nullable(),
  rate: z.number().int().nullable(),
  duration_s: z.number().int().nullable(),
  started_at: z.string().nullable(),
  records: z.number().int(),
  alerts_created: z.number().int(),
  last_error: z.string().nullable(),
  scenarios: z.array(z.object({ name: z.string(), description: z.string() })),
});
export type SimulatorStatus = z.infer<typeof SimulatorStatus>;

export const SimulatorStartRequest = z
  .object({
    scenario: z.enum(['brute_force', 'port_scan', 'sql_injection', 'ddos', 'ransomware', 'exfiltration', 'normal', 'mixed']),
    rate: z.number().int().min(1).max(5000),
    duration_s: z.number().int().min(1).max(86_400),
  })
  .strict();

// ---------- notifications ----------
export const AlertNotice = z.object({
  items: z.array(z.object({ id: z.number().int(), title: z.string(), priority: Priority, severity: Severity, src_ip: z.string().nullable() })),
  /** New P1/P2 alerts folded into this notice beyond the listed ones. */
  more: z.number().int(),
});
export type AlertNotice = z.infer<typeof AlertNotice>;

export const consoleChannels = {
  'dashboard.summary': { request: Range, response: DashboardSummary },
  'dashboard.trend': { request: Range.extend({ buckets: z.number().int().min(4).max(240).default(48) }).strict(), response: DashboardTrend },
  'dashboard.top': { request: Range.extend({ field: z.enum(TOP_FIELDS), limit: z.number().int().min(1).max(50).default(10) }).strict(), response: DashboardTop },
  'dashboard.attack': { request: Range, response: DashboardAttack },
  'attack.matrix': { request: z.object({}).strict().default({}), response: AttackMatrix },
  'alerts.count': { request: z.object({ filter: AlertFilter.default({}) }).strict(), response: z.object({ total: z.number().int() }) },
  'alerts.bulkSetStatus': { request: BulkStatusRequest, response: JobStarted },
  'alerts.assign': { request: AssignRequest, response: z.object({ updated: z.number().int() }) },
  'alerts.tag': { request: TagRequest, response: z.object({ updated: z.number().int() }) },
  'alerts.tags': { request: z.object({}).strict().default({}), response: KnownTags },
  'alerts.undoStatus': { request: z.object({ change_id: z.string().min(1).max(64) }).strict(), response: UndoResult },
  'alerts.addNote': { request: z.object({ id: z.number().int().positive(), note: z.string().trim().min(1).max(4000) }).strict(), response: HistoryEntry },
  'alerts.export': { request: ExportRequest, response: ExportStarted },
  'analysts.list': { request: z.object({}).strict().default({}), response: KnownAnalysts },
  /** Stops a running job (bulk status change, export) between two chunks. */
  'jobs.cancel': { request: z.object({ job_id: z.string().min(1).max(64) }).strict(), response: z.object({ cancelled: z.boolean() }) },
  'suppressions.expire': { request: z.object({ id: z.number().int().positive() }).strict(), response: Suppression },
  /** "Which suppression hid this?": the rules whose match fits this alert, with what they dropped. */
  'suppressions.forAlert': { request: z.object({ id: z.number().int().positive() }).strict(), response: AlertSuppressions },
  'alerts.related': { request: z.object({ id: z.number().int().positive(), limit: z.number().int().min(1).max(50).default(10) }).strict(), response: RelatedAlerts },
  'savedFilters.list': { request: z.object({}).strict().default({}), response: z.array(SavedFilter) },
  'savedFilters.save': { request: z.object({ name: z.string().trim().min(1).max(80), filter: AlertFilter }).strict(), response: SavedFilter },
  'savedFilters.remove': { request: z.object({ id: z.number().int().positive() }).strict(), response: z.object({ removed: z.boolean() }) },
  'sources.list': { request: z.object({}).strict().default({}), response: z.array(LiveSource) },
  'sources.add': { request: SourceAddRequest, response: LiveSource },
  /** Desktop only: the native file dialog; the chosen file may then be added (null: cancelled). */
  'sources.pick': { request: z.object({}).strict().default({}), response: z.object({ path: z.string().nullable() }) },
  'sources.setEnabled': { request: z.object({ id: z.string().min(1).max(4200), enabled: z.boolean() }).strict(), response: LiveSource },
  'sources.remove': { request: z.object({ id: z.string().min(1).max(4200) }).strict(), response: z.object({ removed: z.boolean() }) },
  'sources.setAssumeTz': { request: z.object({ id: z.string().min(1).max(4200), assume_tz: AssumeTz }).strict(), response: LiveSource },
  'simulator.status': { request: z.object({}).strict().default({}), response: SimulatorStatus },
  'simulator.start': { request: SimulatorStartRequest, response: SimulatorStatus },
  'simulator.stop': { request: z.object({}).strict().default({}), response: SimulatorStatus },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export const consoleEvents = {
  /** Progress of a long-running job (bulk status change, export), about 10 times a second while it runs. */
  'jobs.progress': JobProgress,
  /** New P1/P2 alerts, grouped and rate-limited (at most one notice every few seconds). */
  'alerts.notice': AlertNotice,
  'simulator.status': SimulatorStatus,
  /** A source's live state changed in this process (live null: it is no longer read here). */
  'sources.state': z.object({ id: z.string(), live: SourceLive.nullable() }),
} as const satisfies Record<string, z.ZodType>;
