import { z } from 'zod';
import { Alert, AlertCursor, AlertStatus, AuditEntry, Severity } from './alerts.js';
import { BulkTarget, JobStarted } from './console.js';
import { EventRow } from './hunt.js';

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });
const IsoAny = z.iso.datetime({ offset: true });
const Id = z.number().int().positive();
const Name = z.string().trim().min(1).max(64);

export const CASE_STATUSES = ['open', 'in_progress', 'closed'] as const;
export const CaseStatus = z.enum(CASE_STATUSES);
export type CaseStatus = z.infer<typeof CaseStatus>;

/** How a closed case ended (TheHive / DFIR-IRIS style). */
export const CASE_RESOLUTIONS = ['true_positive', 'false_positive', 'benign', 'duplicate'] as const;
export const CaseResolution = z.enum(CASE_RESOLUTIONS);
export type CaseResolution = z.infer<typeof CaseResolution>;

/** Traffic Light Protocol 2.0: who may see the case and its reports. */
export const TLP_LEVELS = ['clear', 'green', 'amber', 'amber+strict', 'red'] as const;
export const Tlp = z.enum(TLP_LEVELS);
export type Tlp = z.infer<typeof Tlp>;

export const OBSERVABLE_TYPES = ['ipv4', 'ipv6', 'domain', 'url', 'md5', 'sha1', 'sha256', 'user', 'host'] as const;
export const ObservableType = z.enum(OBSERVABLE_TYPES);
export type ObservableType = z.infer<typeof ObservableType>;

const Tags = z.array(z.string().trim().min(1).max(48)).max(32);

/** One case as lists show it. */
export const Case = z.object({
  id: Id,
  title: z.string(),
  severity: Severity,
  status: CaseStatus,
  resolution: CaseResolution.nullable(),
  assignee: z.string().nullable(),
  tags: z.array(z.string()),
  tlp: Tlp,
  /** Set when this case was merged into another one (it is then closed as a duplicate). */
  merged_into: Id.nullable(),
  alert_count: z.number().int(),
  observable_count: z.number().int(),
  ioc_count: z.number().int(),
  created_at: IsoUtc,
  created_by: z.string(),
  updated_at: IsoUtc,
  closed_at: IsoUtc.nullable(),
});
export type Case = z.infer<typeof Case>;

export const CaseDetail = Case.extend({
  description: z.string(),
  closure_note: z.string().nullable(),
  note_count: z.number().int(),
  evidence_count: z.number().int(),
  timeline_count: z.number().int(),
  /** Scan findings linked to the case. */
  finding_count: z.number().int(),
  /** Raw events retained for the case's alerts (held from retention while the alert is in a case). */
  event_count: z.number().int(),
  /** Sensor records kept with the case (copies: the record store's retention does not touch them). */
  record_count: z.number().int(),
  /** The alerts' severity, status and ATT&CK techniques at a glance. */
  alerts_by_severity: z.record(Severity, z.number().int()),
  alerts_by_status: z.record(AlertStatus, z.number().int()),
  techniques: z.array(z.object({ id: z.string(), name: z.string(), alerts: z.number().int() })),
  first_seen: IsoUtc.nullable(),
  last_seen: IsoUtc.nullable(),
});
export type CaseDetail = z.infer<typeof CaseDetail>;

export const CaseFilter = z
  .object({
    status: z.array(CaseStatus).max(CASE_STATUSES.length).optional(),
    severity: z.array(Severity).max(5).optional(),
    assignee: Name.optional(),
    tag: z.string().trim().min(1).max(48).optional(),
    /** Words in the title or description. */
    text: z.string().trim().max(200).optional(),
  })
  .strict();
export type CaseFilter = z.infer<typeof CaseFilter>;

/** Keyset cursor of the case list (updated_at descending, then id). */
export const CaseCursor = z.object({ k: z.string().max(64), id: Id }).strict();
export type CaseCursor = z.infer<typeof CaseCursor>;

export const CasesListRequest = z
  .object({ filter: CaseFilter.default({}), limit: z.number().int().min(1).max(500).default(100), after: CaseCursor.optional() })
  .strict();
export const CasesListResponse = z.object({ items: z.array(Case), next: CaseCursor.nullable(), total: z.number().int() });
export type CasesListResponse = z.infer<typeof CasesListResponse>;

export const NewCase = z
  .object({
    title: z.string().trim().min(1).max(200),
    description: z.string().max(20_000).default(''),
    severity: Severity.default('medium'),
    assignee: Name.nullable().default(null),
    tags: Tags.default([]),
    tlp: Tlp.default('amber'),
  })
  .strict();
export type NewCase = z.infer<typeof NewCase>;

export const CasePatch = z
  .object({
    title: z.string().trim().min(1).max(200).optional(),
    description: z.string().max(20_000).optional(),
    severity: Severity.optional(),
    assignee: Name.nullable().optional(),
    tags: Tags.optional(),
    tlp: Tlp.optional(),
  })
  .strict()
  .refine((p) => Object.keys(p).length > 0, 'nothing to change');
export type CasePatch = z.infer<typeof CasePatch>;

export const CaseSetStatusRequest = z
  .object({
    id: Id,
    status: CaseStatus,
    /** Required to close, refused otherwise. */
    resolution: CaseResolution.optional(),
    note: z.string().trim().max(4000).optional(),
    /** On close: also close the case's open alerts (false positive → FALSE_POSITIVE, else RESOLVED). */
    close_alerts: z.boolean().default(true),
  })
  .strict()
  .refine((r) => (r.status === 'closed') === (r.resolution !== undefined), {
    message: 'a resolution is required to close a case, and only then',
    path: ['resolution'],
  });

/** Escalate alerts (listed, or everything matching a filter) into an existing case or a new one. */
export const EscalateRequest = z
  .object({
    target: BulkTarget,
    case: z.union([z.object({ id: Id }).strict(), z.object({ new: NewCase }).strict()]),
    /** Alerts already in another case are moved here when true, else left where they are (and counted). */
    move: z.boolean().default(false),
    /** NEW and ACKNOWLEDGED alerts are set to this status (null: leave statuses alone). */
    alert_status: AlertStatus.nullable().default('INVESTIGATING'),
  })
  .strict();

export const EscalateStarted = JobStarted.extend({ case_id: Id });

/** The outcome of an escalation, also in the job's final message. */
export const EscalateResult = z.object({ added: z.number().int(), moved: z.number().int(), skipped: z.number().int() });

export const CaseAlertsRequest = z
  .object({ id: Id, limit: z.number().int().min(1).max(500).default(100), after: AlertCursor.optional() })
  .strict();
export const CaseAlertsResponse = z.object({ items: z.array(Alert), next: AlertCursor.nullable(), total: z.number().int() });

export const Observable = z.object({
  id: Id,
  case_id: Id,
  type: ObservableType,
  value: z.string(),
  ioc: z.boolean(),
  origin: z.enum(['extracted', 'manual']),
  description: z.string().nullable(),
  /** In how many of the case's alerts, and in how many of their raw events, it was seen. */
  alerts: z.number().int(),
  events: z.number().int(),
  /** In how many of the sensor records kept with the case it was seen. */
  records: z.number().int(),
  /** When its latest alert was last seen, or its latest kept record was; null when in neither. */
  last_seen: IsoUtc.nullable(),
  created_at: IsoUtc,
  created_by: z.string(),
});
export type Observable = z.infer<typeof Observable>;

export const ObservablesListRequest = z
  .object({
    id: Id,
    type: ObservableType.optional(),
    ioc: z.boolean().optional(),
    text: z.string().trim().max(200).optional(),
    limit: z.number().int().min(1).max(1000).default(200),
    offset: z.number().int().min(0).max(10_000_000).default(0),
  })
  .strict();
export const ObservablesListResponse = z.object({ items: z.array(Observable), total: z.number().int() });

export const ObservableAddRequest = z
  .object({
    id: Id,
    type: ObservableType,
    value: z.string().trim().min(1).max(2048),
    ioc: z.boolean().default(false),
    description: z.string().trim().max(2000).optional(),
  })
  .strict();

export const ObservableUpdateRequest = z
  .object({ observable_id: Id, ioc: z.boolean().optional(), description: z.string().trim().max(2000).nullable().optional() })
  .strict();

export const TIMELINE_KINDS = ['alert', 'entry', 'event', 'record', 'note', 'status', 'activity'] as const;
export const TimelineItem = z.object({
  /**
   * alert: an alert first seen; entry: added by hand; event: a pinned raw event; record: a sensor
   * record kept with the case, at the record's time; note; status: a status change; activity: other
   * audited changes.
   */
  kind: z.enum(TIMELINE_KINDS),
  ts: IsoUtc,
  title: z.string(),
  body: z.string().nullable(),
  actor: z.string().nullable(),
  /** What the item points at: an alert id, a timeline entry id, a kept record's id (CaseRecord.id), a note id, an audit entry id. */
  ref: z.number().int().nullable(),
  severity: Severity.nullable(),
});
export type TimelineItem = z.infer<typeof TimelineItem>;

export const TimelineRequest = z
  .object({
    id: Id,
    limit: z.number().int().min(1).max(2000).default(500),
    /** Newest first by default; a report reads oldest first. */
    order: z.enum(['desc', 'asc']).default('desc'),
    /** The `next` of the previous page. */
    cursor: z.string().max(200).optional(),
    kinds: z.array(z.enum(TIMELINE_KINDS)).max(TIMELINE_KINDS.length).optional(),
  })
  .strict();
export const TimelineResponse = z.object({ items: z.array(TimelineItem), next: z.string().nullable() });
export type TimelineResponse = z.infer<typeof TimelineResponse>;

export const TimelineAddRequest = z
  .object({
    id: Id,
    ts: IsoAny,
    title: z.string().trim().min(1).max(300),
    body: z.string().max(20_000).optional(),
    /** Pin a raw event of one of the case's alerts (a copy of it is kept with the entry). */
    event_id: Id.optional(),
  })
  .strict();

/**
 * Edits an entry added to the timeline by hand or a pinned event: what it says, and for an entry its
 * time (a pinned event stays at its event's time). `body: null` clears the details.
 */
export const TimelineUpdateRequest = z
  .object({
    entry_id: Id,
    ts: IsoAny.optional(),
    title: z.string().trim().min(1).max(300).optional(),
    body: z.string().max(20_000).nullable().optional(),
  })
  .strict();

export const CaseNote = z.object({
  id: Id,
  case_id: Id,
  /** Markdown; shown without HTML and without remote images. */
  body: z.string(),
  /** The body rendered to safe HTML by main (no raw HTML, no images, links as text). */
  html: z.string(),
  created_at: IsoUtc,
  created_by: z.string(),
  updated_at: IsoUtc,
});
export type CaseNote = z.infer<typeof CaseNote>;

export const NOTE_MAX = 100_000;
/** Largest text evidence: the request still fits one headless WebSocket frame (1 MiB). */
export const EVIDENCE_MAX_BYTES = 512 * 1024;

export const Evidence = z.object({
  id: Id,
  case_id: Id,
  name: z.string(),
  media_type: z.string(),
  description: z.string().nullable(),
  size: z.number().int(),
  sha256: z.string(),
  added_at: IsoUtc,
  added_by: z.string(),
});
export type Evidence = z.infer<typeof Evidence>;

export const EvidenceAddRequest = z
  .object({
    id: Id,
    name: z.string().trim().min(1).max(255),
    content: z.string().max(EVIDENCE_MAX_BYTES),
    description: z.string().trim().max(2000).optional(),
    media_type: z.string().trim().regex(/^text\/[a-z0-9.+-]+$/, 'a text media type like text/plain').default('text/plain'),
  })
  .strict();

/**
 * A sensor record kept with a case: the record as Hunt showed it, copied with its raw line when it
 * was kept, so the record store's retention never takes it from the case.
 */
export const CaseRecord = EventRow.extend({
  /** Id of the kept copy. */
  id: Id,
  /** The record's id in the record store when it was kept (Hunt's `events.get` finds it while it is retained). */
  record_id: Id,
  /** The timeline's line for it: type, endpoints and what it says. */
  title: z.string(),
  raw: z.string(),
  /** The file the sensor line was read from, when known. */
  file: z.string().nullable(),
  /** SHA-256 of the raw line's UTF-8 bytes, taken when it was kept. */
  sha256: z.string(),
  added_at: IsoUtc,
  added_by: z.string(),
});
export type CaseRecord = z.infer<typeof CaseRecord>;

/** Records kept (or let go) in one call. */
export const CASE_RECORDS_PER_CALL = 500;
/**
 * Records Hunt's "Keep all" keeps from one hunt, in calls of CASE_RECORDS_PER_CALL: a day of one
 * host's DNS and TLS, not a whole store (each copy carries its raw line into the case and its report).
 */
export const CASE_RECORDS_KEEP_ALL = 10_000;

/** Where the next page of a case's kept records starts (they are in time order, then by copy id). */
export const CaseRecordCursor = z.object({ ts: IsoUtc, id: Id }).strict();
export type CaseRecordCursor = z.infer<typeof CaseRecordCursor>;

export const CaseRecordsAddResponse = z.object({
  /** Record ids kept now. */
  added: z.array(Id),
  /** Record ids the case already keeps (left as they are). */
  already: z.array(Id),
  /** Record ids the record store does not hold (never stored, or pruned). */
  missing: z.array(Id),
});
export type CaseRecordsAddResponse = z.infer<typeof CaseRecordsAddResponse>;

/** A scan finding linked to a case, as the case shows it. */
export const LinkedFinding = z.object({ id: Id, severity: Severity, host: z.string().nullable(), title: z.string(), status: z.string(), cves: z.array(z.string()) });
export type LinkedFinding = z.infer<typeof LinkedFinding>;

export const CaseRef = z.object({ alert_id: Id, case_id: Id, title: z.string(), status: CaseStatus });
export type CaseRef = z.infer<typeof CaseRef>;

export const casesChannels = {
  'cases.list': { request: CasesListRequest, response: CasesListResponse },
  'cases.get': { request: z.object({ id: Id }).strict(), response: CaseDetail },
  'cases.create': { request: NewCase, response: CaseDetail },
  'cases.update': { request: z.object({ id: Id, patch: CasePatch }).strict(), response: CaseDetail },
  'cases.setStatus': { request: CaseSetStatusRequest, response: CaseDetail },
  'cases.escalate': { request: EscalateRequest, response: EscalateStarted },
  'cases.merge': { request: z.object({ source_id: Id, target_id: Id }).strict(), response: CaseDetail },
  'cases.alerts': { request: CaseAlertsRequest, response: CaseAlertsResponse },
  'cases.detachAlerts': { request: z.object({ id: Id, alert_ids: z.array(Id).min(1).max(10_000) }).strict(), response: z.object({ removed: z.number().int() }) },
  'cases.moveAlerts': {
    request: z.object({ from_id: Id, to_id: Id, alert_ids: z.array(Id).min(1).max(10_000) }).strict(),
    response: z.object({ moved: z.number().int() }),
  },
  /** Which case each of these alerts is in (alerts in none are left out). */
  /** Links scan findings to an open case (unknown or already linked ids are skipped). */
  'cases.linkFindings': { request: z.object({ id: Id, finding_ids: z.array(Id).min(1).max(10_000) }).strict(), response: z.object({ linked: z.array(Id) }) },
  'cases.unlinkFindings': { request: z.object({ id: Id, finding_ids: z.array(Id).min(1).max(10_000) }).strict(), response: z.object({ removed: z.array(Id) }) },
  /** The case's linked findings, most severe first. */
  'cases.findings': { request: z.object({ id: Id }).strict(), response: z.array(LinkedFinding) },
  'cases.forAlerts': { request: z.object({ alert_ids: z.array(Id).min(1).max(10_000) }).strict(), response: z.array(CaseRef) },
  'cases.observables': { request: ObservablesListRequest, response: ObservablesListResponse },
  'cases.observables.add': { request: ObservableAddRequest, response: Observable },
  'cases.observables.update': { request: ObservableUpdateRequest, response: Observable },
  'cases.observables.remove': { request: z.object({ observable_id: Id }).strict(), response: z.object({ removed: z.boolean() }) },
  'cases.timeline': { request: TimelineRequest, response: TimelineResponse },
  'cases.timeline.add': { request: TimelineAddRequest, response: TimelineItem },
  'cases.timeline.update': { request: TimelineUpdateRequest, response: TimelineItem },
  'cases.timeline.remove': { request: z.object({ entry_id: Id }).strict(), response: z.object({ removed: z.boolean() }) },
  'cases.notes': { request: z.object({ id: Id }).strict(), response: z.array(CaseNote) },
  'cases.notes.add': { request: z.object({ id: Id, body: z.string().trim().min(1).max(NOTE_MAX) }).strict(), response: CaseNote },
  'cases.notes.edit': { request: z.object({ note_id: Id, body: z.string().trim().min(1).max(NOTE_MAX) }).strict(), response: CaseNote },
  'cases.notes.remove': { request: z.object({ note_id: Id }).strict(), response: z.object({ removed: z.boolean() }) },
  /** Renders Markdown exactly as notes are shown (for a live preview). */
  'cases.markdown': { request: z.object({ text: z.string().max(NOTE_MAX) }).strict(), response: z.object({ html: z.string() }) },
  /** The sensor records kept with the case, oldest first. */
  'cases.records': {
    request: z.object({ id: Id, limit: z.number().int().min(1).max(2000).default(500), after: CaseRecordCursor.optional() }).strict(),
    response: z.object({ items: z.array(CaseRecord), next: CaseRecordCursor.nullable(), total: z.number().int() }),
  },
  /** Keeps sensor records (by their record store ids, from Hunt or an alert's Evidence) with an open case. */
  'cases.records.add': { request: z.object({ id: Id, record_ids: z.array(Id).min(1).max(CASE_RECORDS_PER_CALL) }).strict(), response: CaseRecordsAddResponse },
  /** Lets kept records go (their copies stay in the case's audit trail). */
  'cases.records.remove': { request: z.object({ id: Id, record_ids: z.array(Id).min(1).max(CASE_RECORDS_PER_CALL) }).strict(), response: z.object({ removed: z.array(Id) }) },
  'cases.evidence': { request: z.object({ id: Id }).strict(), response: z.array(Evidence) },
  'cases.evidence.add': { request: EvidenceAddRequest, response: Evidence },
  'cases.evidence.get': { request: z.object({ evidence_id: Id }).strict(), response: Evidence.extend({ content: z.string() }) },
  'cases.evidence.remove': { request: z.object({ evidence_id: Id }).strict(), response: z.object({ removed: z.boolean() }) },
  /** The case's audit trail, oldest first. */
  'cases.history': { request: z.object({ id: Id, limit: z.number().int().min(1).max(5000).default(1000) }).strict(), response: z.array(AuditEntry) },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export const casesEvents = {
  /** A case was created or changed (its alerts, observables, notes, status...). */
  'cases.changed': z.object({ ids: z.array(Id), reason: z.string() }),
} as const satisfies Record<string, z.ZodType>;

export type CasesChannelName = keyof typeof casesChannels;
