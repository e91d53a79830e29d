import { z } from 'zod';
import { AlertStatus, AlertTag, MAX_ALERT_TAGS, Priority, Severity } from './alerts.js';
import { FeedDialect } from './feed.js';

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });
const Id = z.number().int().positive();
/** A playbook's id: lower-case words joined by dashes, as in a file name. */
export const PlaybookId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'an id is lower-case letters, digits and dashes (at most 63)');
const Name = z.string().trim().min(1).max(200);
const Text = z.string().max(4000);
const Strings = z.array(z.string().min(1).max(200)).max(200);

/**
 * The alert conditions of an automatic trigger: every condition given must hold (AND); a list
 * means any of its values (OR). No condition at all is refused: it would run on every alert.
 */
export const PlaybookConditions = z
  .object({
    /** Fire on new alerts, on updates of a grouped alert (its count grew), or both. */
    on: z.array(z.enum(['created', 'updated'])).min(1).default(['created']),
    severity_min: Severity.optional(),
    priority: z.array(Priority).min(1).optional(),
    rule: Strings.min(1).optional(),
    technique: Strings.min(1).optional(),
    threat_type: Strings.min(1).optional(),
    source: Strings.min(1).optional(),
    /** Source addresses: exact addresses or CIDR blocks (IPv4). */
    src_ip: Strings.min(1).optional(),
    host: Strings.min(1).optional(),
    /** The alert's event count is at least this. */
    min_count: z.number().int().positive().optional(),
  })
  .strict()
  .refine((c) => Object.keys(c).some((k) => k !== 'on'), { message: 'an automatic trigger needs at least one condition (it would run on every alert)' });
export type PlaybookConditions = z.infer<typeof PlaybookConditions>;

export const PlaybookTrigger = z
  .object({
    /** Alert conditions for automatic runs; absent: the playbook runs only when an analyst starts it. */
    alert: PlaybookConditions.optional(),
    /** Can be started by hand from an alert (default yes). */
    manual: z.boolean().default(true),
  })
  .strict();

const StepBase = {
  /** Unique within the playbook; shown in the log. */
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'a step id is lower-case letters, digits, _ and -'),
  name: z.string().max(200).optional(),
  /** Pause the run before this step until an analyst approves it. */
  approve: z.boolean().optional(),
  timeout_s: z.number().int().min(1).max(600).default(30),
  on_failure: z.enum(['stop', 'continue']).default('stop'),
};

/** A template: text where {{alert.src_ip}}-style paths are replaced; no code. */
const Template = z.string().max(20_000);
/** An alert tag a playbook sets: one token, no spaces ("brute-force", "playbook:p1"). */
export const PlaybookStep = z.discriminatedUnion('type', [
  z.object({ ...StepBase, type: z.literal('set_status'), status: AlertStatus, note: Template.optional() }).strict(),
  z.object({ ...StepBase, type: z.literal('assign'), assignee: z.string().trim().min(1).max(100).nullable() }).strict(),
  z.object({ ...StepBase, type: z.literal('note'), text: Template.min(1) }).strict(),
  z
    .object({ ...StepBase, type: z.literal('tag'), add: z.array(AlertTag).max(MAX_ALERT_TAGS).default([]), remove: z.array(AlertTag).max(MAX_ALERT_TAGS).default([]) })
    .strict()
    .refine((s) => s.add.length + s.remove.length > 0, { message: 'a tag step adds or removes at least one tag' }),
  z.object({ ...StepBase, type: z.literal('escalate_case'), title: Template.min(1), severity: Severity.default('medium'), description: Template.default('') }).strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('suppress'),
      /** Which fields of the alert the suppression matches on. */
      match: z.array(z.enum(['source', 'rule_id', 'src_ip', 'dst_ip', 'dst_port'])).min(1),
      reason: Template.min(1),
      expires_in_hours: z.number().int().min(1).max(24 * 365),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('wazuh_active_response'),
      /** The Wazuh API connector (id or name). */
      connector: z.string().min(1),
      command: z.string().min(1).max(100).default('!firewall-drop'),
      /** Agent ids, or "alert" for the agents the alert points at. */
      agents: z.union([z.literal('alert'), z.array(z.string().regex(/^\d{3,}$/)).min(1)]).default('alert'),
      /** The address to block (a template); default the alert's source. */
      srcip: Template.default('{{alert.src_ip}}'),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('wazuh_restart_agent'),
      connector: z.string().min(1),
      agents: z.union([z.literal('alert'), z.array(z.string().regex(/^\d{3,}$/)).min(1)]).default('alert'),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('start_scan'),
      tool: z.enum(['gvm', 'zap', 'spiderfoot']),
      /** What to scan (a template): default the alert's host. */
      target: Template.default('{{alert.host}}'),
      connector: z.string().min(1).optional(),
    })
    .strict(),
  z.object({ ...StepBase, type: z.literal('notify'), title: Template.min(1), body: Template.default('') }).strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('webhook'),
      url: z.url({ protocol: /^https?$/ }),
      /** JSON body template; default: the alert as JSON. */
      body: Template.optional(),
      /** Vault account whose secret is sent in `secret_header` (never stored in the playbook). */
      secret: z.string().min(1).max(200).optional(),
      secret_header: z.string().regex(/^[A-Za-z0-9-]{1,64}$/).default('X-Vigil-Secret'),
      retries: z.number().int().min(0).max(5).default(2),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('syslog'),
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535).default(514),
      transport: z.enum(['udp', 'tcp', 'tls']).default('udp'),
      /** Trust this CA (PEM file path) for TLS; default the system's. */
      ca_file: z.string().min(1).optional(),
      facility: z.number().int().min(0).max(23).default(13),
      severity: z.number().int().min(0).max(7).default(4),
      app_name: z.string().regex(/^[\x21-\x7e]{1,48}$/).default('vigil'),
      message: Template.min(1),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('email'),
      host: z.string().min(1).max(253),
      port: z.number().int().min(1).max(65535).default(587),
      /** Refuse to send unless the server upgrades to TLS with STARTTLS (or it is implicit TLS on 465). */
      require_tls: z.boolean().default(true),
      ca_file: z.string().min(1).optional(),
      user: z.string().min(1).max(200).optional(),
      /** Vault account of the SMTP password. */
      secret: z.string().min(1).max(200).optional(),
      from: z.string().min(3).max(300),
      to: z.array(z.string().min(3).max(300)).min(1).max(50),
      subject: Template.min(1),
      text: Template.min(1),
    })
    .strict(),
  z
    .object({
      ...StepBase,
      type: z.literal('feed'),
      /** What the LAN feed's clients are told (a template), e.g. "P1 escalated by playbook {{playbook.name}}: {{alert.title}}". */
      message: Template.min(1),
      /** Shown with the notice instead of the alert's own severity / priority. */
      severity: Severity.optional(),
      priority: Priority.optional(),
      /** Only these dialects (default: every enabled one). */
      dialects: z.array(FeedDialect).min(1).max(5).optional(),
      /** Only the clients of these feed tokens (or JWT subjects), by name (default: every client). */
      clients: z.array(z.string().min(1).max(200)).min(1).max(100).optional(),
    })
    .strict(),
  z.object({ ...StepBase, type: z.literal('approval'), message: Template.default('Continue this playbook?') }).strict(),
]);
export type PlaybookStep = z.infer<typeof PlaybookStep>;
export type PlaybookStepType = PlaybookStep['type'];

export const PlaybookDoc = z
  .object({
    id: PlaybookId,
    name: Name,
    /** Raised by the author on every change; runs record the version they ran. */
    version: z.number().int().positive().default(1),
    description: Text.default(''),
    enabled: z.boolean().default(false),
    trigger: PlaybookTrigger.default({ manual: true }),
    /** At most this many runs per window (automatic and manual). */
    rate_limit: z.object({ max_runs: z.number().int().positive().max(10_000), per_minutes: z.number().int().positive().max(10_080) }).strict().default({ max_runs: 10, per_minutes: 60 }),
    steps: z.array(PlaybookStep).min(1).max(50),
  })
  .strict()
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.steps.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['steps', i, 'id'], message: `step id ${s.id} is used twice` });
      seen.add(s.id);
    });
  });
export type PlaybookDoc = z.infer<typeof PlaybookDoc>;

export const PlaybookFormat = z.enum(['yaml', 'json']);
export type PlaybookFormat = z.infer<typeof PlaybookFormat>;

export const PlaybookSummary = z.object({
  id: PlaybookId,
  name: z.string(),
  version: z.number().int(),
  description: z.string(),
  enabled: z.boolean(),
  automatic: z.boolean(),
  step_types: z.array(z.string()),
  updated_at: IsoUtc,
  updated_by: z.string(),
  runs_last_hour: z.number().int(),
  last_run_at: IsoUtc.nullable(),
});
export type PlaybookSummary = z.infer<typeof PlaybookSummary>;

export const PlaybookView = PlaybookSummary.extend({ format: PlaybookFormat, source: z.string(), doc: z.unknown() });
export type PlaybookView = z.infer<typeof PlaybookView>;

export const ValidationResult = z.object({ ok: z.boolean(), errors: z.array(z.string()), doc: z.unknown().nullable() });
export type ValidationResult = z.infer<typeof ValidationResult>;

export const RUN_STATUSES = ['running', 'waiting_approval', 'succeeded', 'failed', 'rejected', 'interrupted', 'dry_run'] as const;
export const RunStatus = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof RunStatus>;

export const STEP_STATUSES = ['pending', 'waiting_approval', 'started', 'done', 'failed', 'skipped', 'rejected', 'interrupted', 'dry_run'] as const;
export const StepStatus = z.enum(STEP_STATUSES);
export type StepStatus = z.infer<typeof StepStatus>;

export const RunStep = z.object({
  idx: z.number().int(),
  step_id: z.string(),
  type: z.string(),
  name: z.string(),
  status: StepStatus,
  /** Exactly what the step does (or would do): the rendered request, secrets shown as «secret». */
  request: z.unknown().nullable(),
  summary: z.string(),
  response: z.unknown().nullable(),
  error: z.string().nullable(),
  duration_ms: z.number().nullable(),
  started_at: IsoUtc.nullable(),
  ended_at: IsoUtc.nullable(),
  decided_by: z.string().nullable(),
});
export type RunStep = z.infer<typeof RunStep>;

const StepOutcome = z.object({ outcome: z.string(), message: z.string() });

/** What a step's response says happened, in one line (the feed step's `{outcome, message}`), or null. */
export function stepOutcome(response: unknown): string | null {
  const r = StepOutcome.safeParse(response);
  return r.success ? r.data.message : null;
}

export const PlaybookRun = z.object({
  id: z.string(),
  playbook_id: z.string(),
  playbook_name: z.string(),
  playbook_version: z.number().int(),
  alert_id: z.number().int().nullable(),
  mode: z.enum(['auto', 'manual', 'dry_run']),
  status: RunStatus,
  actor: z.string(),
  depth: z.number().int(),
  created_at: IsoUtc,
  updated_at: IsoUtc,
  error: z.string().nullable(),
  steps: z.array(RunStep),
});
export type PlaybookRun = z.infer<typeof PlaybookRun>;

export const RunsListRequest = z
  .object({
    playbook_id: PlaybookId.optional(),
    alert_id: Id.optional(),
    /** Runs on the alerts of this case (the alert a run's escalate_case step put in it included). */
    case_id: Id.optional(),
    status: RunStatus.optional(),
    limit: z.number().int().min(1).max(500).default(50),
  })
  .strict();

export const RecommendedAction = z.object({ playbook_id: z.string(), playbook_name: z.string(), label: z.string(), steps: z.array(z.string()) });
export type RecommendedAction = z.infer<typeof RecommendedAction>;

const SourceInput = z.object({ source: z.string().min(1).max(200_000), format: PlaybookFormat.optional() }).strict();

export const playbooksChannels = {
  'playbooks.list': { request: z.object({}).strict().default({}), response: z.object({ paused: z.boolean(), playbooks: z.array(PlaybookSummary) }) },
  'playbooks.get': { request: z.object({ id: PlaybookId }).strict(), response: PlaybookView },
  'playbooks.validate': { request: SourceInput, response: ValidationResult },
  'playbooks.save': { request: SourceInput, response: PlaybookView },
  'playbooks.setEnabled': { request: z.object({ id: PlaybookId, enabled: z.boolean() }).strict(), response: PlaybookView },
  'playbooks.remove': { request: z.object({ id: PlaybookId }).strict(), response: z.object({ removed: z.boolean() }) },
  'playbooks.setPaused': { request: z.object({ paused: z.boolean() }).strict(), response: z.object({ paused: z.boolean() }) },
  'playbooks.dryRun': {
    request: z.object({ id: PlaybookId, alert_id: Id.optional(), last: z.number().int().min(1).max(50).optional() }).strict(),
    response: z.array(PlaybookRun),
  },
  'playbooks.run': { request: z.object({ id: PlaybookId, alert_id: Id }).strict(), response: PlaybookRun },
  'playbooks.runs': { request: RunsListRequest, response: z.array(PlaybookRun) },
  'playbooks.runGet': { request: z.object({ id: z.string().uuid() }).strict(), response: PlaybookRun },
  'playbooks.approve': {
    request: z.object({ run_id: z.string().uuid(), edits: z.record(z.string(), z.unknown()).optional() }).strict(),
    response: PlaybookRun,
  },
  'playbooks.reject': { request: z.object({ run_id: z.string().uuid(), reason: z.string().max(2000).optional() }).strict(), response: PlaybookRun },
  'playbooks.recommended': { request: z.object({ alert_id: Id }).strict(), response: z.array(RecommendedAction) },
} as const;
export type PlaybooksChannelName = keyof typeof playbooksChannels;

export const playbooksEvents = {
  /** A run started, changed state or ended. */
  'playbooks.run': z.object({ id: z.string(), playbook_id: z.string(), status: z.string(), alert_id: z.number().int().nullable() }),
  /** A run waits for approval, or a notify step ran: the desktop shows it as a notification. */
  'playbooks.notice': z.object({ kind: z.enum(['notify', 'approval']), run_id: z.string(), title: z.string(), body: z.string() }),
};
