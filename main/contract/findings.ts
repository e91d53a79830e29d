import { z } from 'zod';
import { AuditEntry, Severity } from './alerts.js';
import { FindingConfidence, FindingSource } from './connectors.js';

/**
 * Findings: every scanner's results in one table, one row per finding identity (GVM: NVT OID +
 * host + port; ZAP: the alert's key; SpiderFoot: the event hash), severity on the console's one
 * scale, and a status that belongs to the identity (a false positive stays one on re-import).
 */

const Id = z.number().int().positive();

export const FINDING_STATUSES = ['open', 'accepted_risk', 'false_positive', 'fixed'] as const;
export const FindingStatus = z.enum(FINDING_STATUSES);
export type FindingStatus = z.infer<typeof FindingStatus>;

export const Finding = z.object({
  id: Id,
  source: FindingSource,
  connector_id: z.string(),
  target: z.string(),
  rule_id: z.string(),
  title: z.string(),
  severity: Severity,
  severity_raw: z.string(),
  confidence: FindingConfidence.nullable(),
  /** GVM's QoD, SpiderFoot's confidence (0-100). */
  confidence_score: z.number().int().nullable(),
  cvss: z.number().nullable(),
  cves: z.array(z.string()),
  cwe_id: z.number().int().nullable(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  url: z.string().nullable(),
  evidence: z.string().nullable(),
  solution: z.string().nullable(),
  status: FindingStatus,
  first_seen: z.string(),
  last_seen: z.string(),
  last_scan_id: Id,
});
export type Finding = z.infer<typeof Finding>;

export const FindingDetail = z.object({
  finding: Finding,
  description: z.string(),
  references: z.array(z.string()),
  raw: z.unknown(),
  /** Status changes, reopenings and fixes, oldest first. */
  history: z.array(AuditEntry),
  /** The scans that saw it, newest first. */
  scan_ids: z.array(Id),
});
export type FindingDetail = z.infer<typeof FindingDetail>;

export const FindingFilter = z
  .object({
    status: z.array(FindingStatus).max(FINDING_STATUSES.length).optional(),
    severity: z.array(Severity).max(5).optional(),
    source: z.array(FindingSource).max(3).optional(),
    host: z.string().trim().max(255).optional(),
    scan_id: Id.optional(),
    /** Words anywhere in title, host, URL, CVE ids, rule and evidence. */
    text: z.string().trim().max(200).optional(),
  })
  .strict();
export type FindingFilter = z.infer<typeof FindingFilter>;

export const FindingsListRequest = z
  .object({
    filter: FindingFilter.default({}),
    limit: z.number().int().min(1).max(5000).default(200),
    offset: z.number().int().min(0).default(0),
  })
  .strict();

export const FindingsListResponse = z.object({ items: z.array(Finding), total: z.number().int() });
export type FindingsListResponse = z.infer<typeof FindingsListResponse>;

export const FindingsSetStatusRequest = z
  .object({
    ids: z.array(Id).min(1).max(10_000),
    status: z.enum(['open', 'accepted_risk', 'false_positive']),
    note: z.string().trim().max(2000).optional(),
  })
  .strict();

/** The dashboard's tile: open findings by severity, and how the scans are doing. */
export const FindingsSummary = z.object({
  open: z.record(Severity, z.number().int()),
  scans: z.object({
    running: z.number().int(),
    stalled: z.number().int(),
    /** Scans that failed in the last 24 hours. */
    failed_24h: z.number().int(),
    /** Running scans whose last poll failed (the tool did not answer). */
    erroring: z.number().int(),
  }),
});
export type FindingsSummary = z.infer<typeof FindingsSummary>;

export const findingsChannels = {
  'findings.summary': { request: z.object({}).strict().default({}), response: FindingsSummary },
  'findings.list': { request: FindingsListRequest, response: FindingsListResponse },
  /** Open high and critical findings of these hosts (an alert's destination and source), most severe first. */
  'findings.forHosts': {
    request: z.object({ hosts: z.array(z.string().trim().min(1).max(255)).min(1).max(10), limit: z.number().int().min(1).max(200).default(20) }).strict(),
    response: z.array(Finding),
  },
  'findings.get': { request: z.object({ id: Id }).strict(), response: FindingDetail },
  'findings.setStatus': { request: FindingsSetStatusRequest, response: z.object({ updated: z.number().int() }) },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
export type FindingsChannelName = keyof typeof findingsChannels;
