import { z } from 'zod';
import { AlertFilter } from './alerts.js';
import { FindingFilter } from './findings.js';

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });
const Id = z.number().int().positive();

export const REPORT_KINDS = ['case', 'alerts', 'findings'] as const;
export const ReportKind = z.enum(REPORT_KINDS);
export type ReportKind = z.infer<typeof ReportKind>;

export const REPORT_FORMATS = ['html', 'pdf', 'csv'] as const;
export const ReportFormat = z.enum(REPORT_FORMATS);
export type ReportFormat = z.infer<typeof ReportFormat>;

/** What a report is about: one case, the alerts of a time range (with optional filters), or scan findings. */
export const ReportQuery = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('case'), case_id: Id }).strict(),
  z
    .object({
      kind: z.literal('alerts'),
      /** The range (on last_seen) and any other alert filters; from and to are required. */
      filter: AlertFilter.refine((f) => f.from !== undefined && f.to !== undefined, 'an alerts summary needs a time range (from and to)'),
    })
    .strict(),
  /** Scan findings by host and severity; the filter is the Findings screen's (none: every finding). */
  z.object({ kind: z.literal('findings'), filter: FindingFilter.optional() }).strict(),
]);
export type ReportQuery = z.infer<typeof ReportQuery>;

export const ReportFormats = z
  .array(ReportFormat)
  .min(1)
  .max(3)
  .transform((f) => [...new Set(f)]);

export const ManifestFile = z.object({
  path: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().min(0),
  media_type: z.string(),
});
export type ManifestFile = z.infer<typeof ManifestFile>;

/**
 * What a report is and where it came from; written as report.json (listed and hashed in the
 * manifest) and repeated in manifest.json, so a field changed in the manifest alone is caught.
 */
export const ReportFacts = z.object({
  report_id: z.string().min(1),
  title: z.string(),
  query: ReportQuery,
  formats: z.array(ReportFormat),
  generator: z.object({ name: z.string(), version: z.string() }),
  schema_version: z.number().int(),
  created_at: IsoUtc,
  created_by: z.string(),
  /** Highest row ids when the data was read: the report can be rebuilt from a copy of the database. */
  data_as_of: z.object({ alert_id: z.number().int(), event_id: z.number().int(), audit_id: z.number().int() }),
  /** Rows written, per table or section. */
  records: z.record(z.string(), z.number().int()),
});
export type ReportFacts = z.infer<typeof ReportFacts>;

export const Manifest = ReportFacts.extend({
  manifest_version: z.literal(1),
  files: z.array(ManifestFile),
});
export type Manifest = z.infer<typeof Manifest>;

export const VerifyProblem = z.object({
  kind: z.enum(['modified', 'missing', 'extra', 'manifest', 'unreadable']),
  path: z.string(),
  detail: z.string(),
});
export type VerifyProblem = z.infer<typeof VerifyProblem>;

export const VerifyResult = z.object({
  ok: z.boolean(),
  dir: z.string(),
  checked: z.number().int(),
  problems: z.array(VerifyProblem),
  facts: ReportFacts.nullable(),
});
export type VerifyResult = z.infer<typeof VerifyResult>;

export const ReportRecord = z.object({
  id: Id,
  kind: ReportKind,
  title: z.string(),
  query: ReportQuery,
  formats: z.array(ReportFormat),
  dir: z.string(),
  state: z.enum(['running', 'done', 'failed']),
  error: z.string().nullable(),
  files: z.array(ManifestFile),
  created_at: IsoUtc,
  created_by: z.string(),
  finished_at: IsoUtc.nullable(),
});
export type ReportRecord = z.infer<typeof ReportRecord>;

export const ReportCreateRequest = z
  .object({
    query: ReportQuery,
    formats: ReportFormats.default(['html', 'pdf', 'csv']),
    /** Marking of an alerts or findings report (a case report carries its case's). Default amber. */
    tlp: z.enum(['clear', 'green', 'amber', 'amber+strict', 'red']).optional(),
  })
  .strict();

export const reportsChannels = {
  /** Starts writing a report under the data directory's reports/ folder; progress as jobs.progress (kind "report"). */
  'reports.create': { request: ReportCreateRequest, response: z.object({ job_id: z.string(), report_id: Id, dir: z.string() }) },
  'reports.list': {
    request: z.object({ case_id: Id.optional(), limit: z.number().int().min(1).max(500).default(50) }).strict(),
    response: z.array(ReportRecord),
  },
  /** Checks a report written by this Vigil against its manifest. */
  'reports.verify': { request: z.object({ report_id: Id }).strict(), response: VerifyResult },
  /** Desktop only: shows the report's folder in the file manager. */
  'reports.reveal': { request: z.object({ report_id: Id }).strict(), response: z.object({ shown: z.boolean() }) },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type ReportsChannelName = keyof typeof reportsChannels;
