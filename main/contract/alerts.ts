import { z } from 'zod';

export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export const Severity = z.enum(SEVERITIES);
export type Severity = z.infer<typeof Severity>;

/** Numeric rank of a severity (info 0 .. critical 4), used for ">= severity" filters. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const Priority = z.enum(PRIORITIES);
export type Priority = z.infer<typeof Priority>;

export const ALERT_STATUSES = [
  'NEW',
  'ACKNOWLEDGED',
  'INVESTIGATING',
  'SUPPRESSED',
  'RESOLVED',
  'FALSE_POSITIVE',
] as const;
export const AlertStatus = z.enum(ALERT_STATUSES);
export type AlertStatus = z.infer<typeof AlertStatus>;

/** Statuses an analyst still has to work on. */
export const OPEN_STATUSES: readonly AlertStatus[] = ['NEW', 'ACKNOWLEDGED', 'INVESTIGATING'];

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });
const Port = z.number().int().min(0).max(65535);

/** The host agent that reported an alert (Wazuh); either part may be missing. */
export const AlertAgent = z.object({ id: z.string().nullable(), name: z.string().nullable() });
export type AlertAgent = z.infer<typeof AlertAgent>;

/** One alert as every consumer sees it (renderer, CLI `--json`, LAN feed). */
export const Alert = z.object({
  id: z.number().int().positive(),
  source: z.string().min(1).max(64),
  severity: Severity,
  priority: Priority,
  status: AlertStatus,
  title: z.string(),
  rule_id: z.string().nullable(),
  src_ip: z.string().nullable(),
  src_port: Port.nullable(),
  dst_ip: z.string().nullable(),
  dst_port: Port.nullable(),
  proto: z.string().nullable(),
  first_seen: IsoUtc,
  last_seen: IsoUtc,
  count: z.number().int().positive(),
  risk_score: z.number().int().min(0).max(100),
  technique_ids: z.array(z.string()),
  tags: z.array(z.string()),
  assignee: z.string().nullable(),
  /** The Wazuh agent that reported it (host alerts); null for network alerts. */
  agent: AlertAgent.nullable(),
  /** The account it is about, as the source names it (Wazuh srcuser, targetUserName, ...). */
  user: z.string().nullable(),
  /** Who it is about: the agent's name (else id) for host alerts, else the destination (else source) address; for outbound traffic the internal source (pipeline hostOf). */
  host: z.string().nullable(),
  /** The network sensor that saw it (Suricata EVE `host`). */
  sensor: z.string().nullable(),
});
export type Alert = z.infer<typeof Alert>;

/** An alert's display host: the agent's name (else its id), else the destination, else the source address. */
export function alertHost(a: { agent: { id: string | null; name: string | null } | null; dst_ip: string | null; src_ip: string | null }): string | null {
  return a.agent?.name ?? a.agent?.id ?? a.dst_ip ?? a.src_ip ?? null;
}

/** Opaque keyset cursor: the sort key and id of the last row of the previous page. */
export const AlertCursor = z.object({ k: z.union([z.string().max(64), z.number()]), id: z.number().int().positive() }).strict();
export type AlertCursor = z.infer<typeof AlertCursor>;

export const SORT_FIELDS = ['last_seen', 'first_seen', 'risk_score', 'count', 'severity', 'priority'] as const;
export const AlertSort = z
  .object({ field: z.enum(SORT_FIELDS).default('last_seen'), dir: z.enum(['asc', 'desc']).default('desc') })
  .strict();
export type AlertSort = z.infer<typeof AlertSort>;

/**
 * A tag an analyst or a playbook puts on alerts ("phishing", "ioc:apt29", "ticket-4711"): lower
 * case, letters, digits and . _ : / # @ + -, at most 48 characters, no spaces (it is typed on the
 * command line as often as in the console).
 */
export const AlertTag = z
  .string()
  .trim()
  .toLowerCase()
  .min(1)
  .max(48)
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}._:/#@+-]*$/u, 'a tag of letters, digits and . _ : / # @ + - (no spaces)');
/** The most tags one alert keeps. */
export const MAX_ALERT_TAGS = 20;

/**
 * The words of an alert filter's `text`, as the full-text search takes them: split on white space,
 * quotes dropped, only those with a letter or digit (the others match nothing and are ignored).
 */
export function searchWords(text: string): string[] {
  return text
    .split(/\s+/)
    .map((w) => w.replace(/"/g, ''))
    .filter((w) => /[\p{L}\p{N}]/u.test(w));
}

export const AlertFilter = z
  .object({
    severity: z.array(Severity).max(SEVERITIES.length).optional(),
    min_severity: Severity.optional(),
    status: z.array(AlertStatus).max(ALERT_STATUSES.length).optional(),
    /** Inclusive lower bound on last_seen (ISO 8601). */
    from: z.iso.datetime({ offset: true }).optional(),
    /** Exclusive upper bound on last_seen (ISO 8601). */
    to: z.iso.datetime({ offset: true }).optional(),
    /** Free text (full-text search over titles, rules, addresses and raw events). */
    text: z.string().trim().max(200).optional(),
    priority: z.array(Priority).max(PRIORITIES.length).optional(),
    /** Event sources, e.g. suricata, wazuh. */
    source: z.array(z.string().min(1).max(64)).max(16).optional(),
    /** An address or a CIDR block (IPv4 or IPv6). */
    src_ip: z.string().trim().min(1).max(64).optional(),
    dst_ip: z.string().trim().min(1).max(64).optional(),
    /** An ATT&CK technique id; T1110 also matches its sub-techniques (T1110.001 ...). */
    technique: z.string().trim().regex(/^T\d{4}(\.\d{3})?$/i, 'a technique id like T1110 or T1110.001').optional(),
    assignee: z.string().trim().min(1).max(64).optional(),
    /** ISO 3166-1 alpha-2 country of the source address (from geo enrichment). */
    country: z.string().trim().regex(/^[A-Za-z]{2}$/, 'a two-letter country code').optional(),
    /** Exact match on the host, the agent's name or id, the sensor, or the source or destination address. */
    host: z.string().trim().min(1).max(255).optional(),
    /** Exact rule id (Suricata sid, Wazuh rule id, vigil:brute_force ...). */
    rule_id: z.string().trim().min(1).max(200).optional(),
    /** Alerts carrying this tag. */
    tag: AlertTag.optional(),
  })
  .strict();
export type AlertFilter = z.infer<typeof AlertFilter>;

export const AlertsListRequest = z
  .object({
    filter: AlertFilter.default({}),
    limit: z.number().int().min(1).max(500).default(100),
    /** Default: newest first (last_seen descending); ties broken by id in the same direction. */
    sort: AlertSort.default({ field: 'last_seen', dir: 'desc' }),
    after: AlertCursor.optional(),
  })
  .strict();

export const AlertsListResponse = z.object({
  items: z.array(Alert),
  /** Cursor for the next page, or null when this page is the last one. */
  next: AlertCursor.nullable(),
});
export type AlertsListResponse = z.infer<typeof AlertsListResponse>;

export const AuditEntry = z.object({
  id: z.number().int(),
  ts: IsoUtc,
  actor: z.string(),
  action: z.string(),
  target_type: z.string(),
  target_id: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const StatusChange = z.object({
  ts: IsoUtc,
  actor: z.string(),
  from: AlertStatus,
  to: AlertStatus,
  note: z.string().nullable(),
});
export type StatusChange = z.infer<typeof StatusChange>;

/** One line of an alert's history: a status change (an undo is one too), a note, an assignment. */
export const HistoryEntry = z.discriminatedUnion('kind', [
  StatusChange.extend({
    kind: z.literal('status'),
    /** The change this entry belongs to (one alert, or one bulk job); null for older entries. */
    change_id: z.string().nullable(),
    /** This entry put back the status a change had replaced (Undo). */
    undo: z.boolean(),
  }),
  z.object({ kind: z.literal('note'), ts: IsoUtc, actor: z.string(), note: z.string() }),
  z.object({ kind: z.literal('assign'), ts: IsoUtc, actor: z.string(), assignee: z.string().nullable() }),
  z.object({ kind: z.literal('tags'), ts: IsoUtc, actor: z.string(), added: z.array(z.string()), removed: z.array(z.string()) }),
]);
export type HistoryEntry = z.infer<typeof HistoryEntry>;

export const ScoreTerm = z.object({ name: z.string(), points: z.number(), detail: z.string() });

export const AlertEvent = z.object({
  id: z.number().int(),
  ts: IsoUtc,
  severity: Severity,
  title: z.string(),
  src_ip: z.string().nullable(),
  src_port: Port.nullable(),
  dst_ip: z.string().nullable(),
  dst_port: Port.nullable(),
  risk_score: z.number().int(),
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  offset: z.number().int().nullable(),
  raw: z.string(),
});
export type AlertEvent = z.infer<typeof AlertEvent>;

export const AlertDetail = z.object({
  alert: Alert,
  /** Status changes, undos, notes and assignments, oldest first. */
  history: z.array(HistoryEntry),
  threat_type: z.string(),
  /** Why the alert has its priority: the priority rule that decided it (README "Priorities"). */
  priority_reason: z.string(),
  confidence: z.number(),
  /** Each named contribution to risk_score; the points add up to it. */
  score_terms: z.array(ScoreTerm),
  /** How the threat type and techniques were decided (source mapping, correlation hits). */
  detection: z.record(z.string(), z.unknown()),
  /** Address class, geo and agent/user of the first occurrence. */
  enrichment: z.record(z.string(), z.unknown()),
  /** The grouped occurrences that are still retained, oldest first (at most 200). */
  events: z.array(AlertEvent),
  events_total: z.number().int(),
  /** The alert's techniques, named from the bundled ATT&CK table. */
  techniques: z.array(
    z.object({ id: z.string(), name: z.string(), tactics: z.array(z.object({ id: z.string(), name: z.string() })), url: z.string(), summary: z.string() }),
  ),
});
export type AlertDetail = z.infer<typeof AlertDetail>;

export const AlertsGetRequest = z.object({ id: z.number().int().positive() }).strict();

export const AlertsSetStatusRequest = z
  .object({
    id: z.number().int().positive(),
    status: AlertStatus,
    note: z.string().trim().max(4000).optional(),
  })
  .strict();

/** What one status change did, alert by alert: what Undo (alerts.undoStatus) puts back. */
export const StatusChangeSet = z.object({
  change_id: z.string(),
  status: AlertStatus,
  /** The alerts it changed and the status each had before (an alert already in that status is not listed). */
  items: z.array(z.object({ id: z.number().int().positive(), from: AlertStatus })),
});
export type StatusChangeSet = z.infer<typeof StatusChangeSet>;

export const SetStatusResult = z.object({ alert: Alert, change: StatusChangeSet });
export type SetStatusResult = z.infer<typeof SetStatusResult>;
