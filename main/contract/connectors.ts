import { z } from 'zod';
import { Severity } from './alerts.js';

/**
 * Connectors to the team's security tools: their (non-secret) configurations, the result of a
 * connection test and the health every connector reports. Credentials are never part of a
 * configuration: they live in the OS keychain and reach a connector through a CredentialSource
 * (main/connectors/types.ts).
 */

export const CONNECTOR_KINDS = ['wazuh-api', 'wazuh-indexer', 'zap', 'spiderfoot', 'gvm'] as const;
export const ConnectorKind = z.enum(CONNECTOR_KINDS);
export type ConnectorKind = z.infer<typeof ConnectorKind>;

/** SHA-256 of a DER certificate as AA:BB:..:FF (32 bytes, upper case); accepts lower case and no colons. */
export const Sha256Fingerprint = z
  .string()
  .trim()
  .transform((s) => s.replace(/[:\s]/g, '').toUpperCase())
  .pipe(z.string().regex(/^[0-9A-F]{64}$/, 'a SHA-256 fingerprint is 64 hex digits (AB:CD:...)'))
  .transform((hex) => hex.match(/../g)!.join(':'));

/**
 * How a connector decides to trust the server's certificate. There is no "ignore certificates"
 * mode: an unknown self-signed certificate is shown with its fingerprint and pinned on request.
 * - system: the platform's CA store, with the host name checked (a public or company-wide CA).
 * - ca: only the CA certificate(s) in this PEM file, with the host name checked.
 * - pin: exactly the certificate with this SHA-256 fingerprint; chain and host name are not
 *   checked, because the pin binds the connector to that one certificate (see README, Connectors).
 */
export const TlsTrust = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('system') }).strict(),
  z.object({ mode: z.literal('ca'), caFile: z.string().trim().min(1).max(4096) }).strict(),
  z.object({ mode: z.literal('pin'), sha256: Sha256Fingerprint }).strict(),
]);
export type TlsTrust = z.infer<typeof TlsTrust>;

/** An http(s) base URL with no credentials, query or fragment. */
export const ConnectorUrl = z
  .string()
  .trim()
  .max(2048)
  .pipe(z.url({ protocol: /^https?$/, error: 'a URL such as https://wazuh.example:55000' }))
  .superRefine((s, ctx) => {
    const u = new URL(s);
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'put credentials in the keychain, not in the URL' });
    if (u.search || u.hash) ctx.addIssue({ code: 'custom', message: 'the URL takes no query or fragment' });
  })
  .transform((s) => s.replace(/\/+$/, ''));

export const ConnectorTimeouts = z
  .object({
    /** TCP + TLS handshake. */
    connectMs: z.number().int().min(100).max(120_000).default(10_000),
    /** From the request being sent to the response headers. */
    headersMs: z.number().int().min(100).max(600_000).default(30_000),
    /** Longest silence while the body streams in. */
    bodyMs: z.number().int().min(100).max(600_000).default(60_000),
  })
  .strict();
export type ConnectorTimeouts = z.infer<typeof ConnectorTimeouts>;

/** Stable id of a connector: names its vault entry and its health record. */
export const ConnectorId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes, up to 63');

const connectorBase = {
  id: ConnectorId,
  name: z.string().trim().min(1).max(80),
  url: ConnectorUrl,
  enabled: z.boolean().default(true),
  trust: TlsTrust.default({ mode: 'system' }),
  timeouts: ConnectorTimeouts.default(ConnectorTimeouts.parse({})),
  /** How often a source driver polls this connector. */
  pollIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  /** How long a health result is reused before a new probe. */
  healthTtlSeconds: z.number().int().min(5).max(3600).default(30),
};

const username = z.string().trim().min(1).max(256);

export const WazuhApiConfig = z
  .object({
    kind: z.literal('wazuh-api'),
    ...connectorBase,
    username,
    /** Wazuh's `access.max_request_per_minute` (300 by default): the client never sends more. */
    requestsPerMinute: z.number().int().min(1).max(100_000).default(300),
  })
  .strict();
export type WazuhApiConfig = z.infer<typeof WazuhApiConfig>;

export const WazuhIndexerConfig = z
  .object({
    kind: z.literal('wazuh-indexer'),
    ...connectorBase,
    username,
    /** Index pattern of the alerts. */
    index: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[a-z0-9*][a-z0-9*._,-]*$/, 'an index name or pattern such as wazuh-alerts-*')
      .default('wazuh-alerts-*'),
    /** How far back the first pull reaches. */
    backfillHours: z.number().int().min(1).max(24 * 90).default(24),
    /** Hits per search request. */
    pageSize: z.number().int().min(1).max(10_000).default(1000),
    requestsPerMinute: z.number().int().min(1).max(100_000).default(600),
  })
  .strict();
export type WazuhIndexerConfig = z.infer<typeof WazuhIndexerConfig>;

/** Is `name` an IANA time zone this runtime knows (e.g. "Europe/Paris", "UTC")? */
function knownTimeZone(name: string): boolean {
  if (name.length === 0 || name.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * OWASP ZAP's API (default http://127.0.0.1:8080). The API key comes from the keychain and goes
 * only in the X-ZAP-API-Key header, never in a URL.
 */
export const ZapConfig = z
  .object({
    kind: z.literal('zap'),
    ...connectorBase,
    /** Longest wait for ZAP's passive scanner to drain its backlog before alerts are read. */
    passiveScanTimeoutSeconds: z.number().int().min(10).max(86_400).default(600),
    /** Alerts per request when paging with start/count. */
    alertPageSize: z.number().int().min(1).max(10_000).default(500),
    requestsPerMinute: z.number().int().min(1).max(100_000).default(1200),
  })
  .strict();
export type ZapConfig = z.infer<typeof ZapConfig>;

/**
 * SpiderFoot's web API (default http://127.0.0.1:5001). No authentication unless the server has a
 * `passwd` file; then HTTP Digest with this user name and the password from the keychain.
 */
export const SpiderFootConfig = z
  .object({
    kind: z.literal('spiderfoot'),
    ...connectorBase,
    /** Digest user (SpiderFoot's passwd file); null when the server asks for no login. */
    username: username.nullable().default(null),
    /**
     * SpiderFoot writes dates as the server's local wall time with no zone ("2026-12-04 20:07:31").
     * The IANA zone of the SpiderFoot host places them in time; null reads them as UTC, and every
     * converted time then says the zone was assumed.
     */
    serverTimeZone: z
      .string()
      .trim()
      .max(64)
      .refine(knownTimeZone, { message: 'not a time zone name (use an IANA name such as Europe/Paris or UTC)' })
      .nullable()
      .default(null),
    requestsPerMinute: z.number().int().min(1).max(100_000).default(600),
  })
  .strict();
export type SpiderFootConfig = z.infer<typeof SpiderFootConfig>;

/**
 * Where gvmd listens for GMP (XML, not HTTP): `tls://host:9390` (TLS over TCP, the port defaults
 * to 9390) or `unix:///run/gvmd/gvmd.sock` (gvmd's socket on this machine, no TLS).
 */
export const GmpAddress = z
  .string()
  .trim()
  .max(2048)
  .superRefine((s, ctx) => {
    let u: URL;
    try {
      u = new URL(s);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'a GMP address such as tls://gvm.example:9390 or unix:///run/gvmd/gvmd.sock' });
      return;
    }
    if (u.username || u.password) ctx.addIssue({ code: 'custom', message: 'put credentials in the keychain, not in the address' });
    else if (u.search || u.hash) ctx.addIssue({ code: 'custom', message: 'the address takes no query or fragment' });
    else if (u.protocol === 'tls:') {
      if (!u.hostname) ctx.addIssue({ code: 'custom', message: 'tls:// needs a host, e.g. tls://gvm.example:9390' });
      else if (u.pathname && u.pathname !== '/') ctx.addIssue({ code: 'custom', message: 'tls:// takes a host and a port, no path' });
    } else if (u.protocol === 'unix:') {
      if (u.host || !u.pathname.startsWith('/') || u.pathname.length < 2) ctx.addIssue({ code: 'custom', message: 'unix: needs an absolute socket path, e.g. unix:///run/gvmd/gvmd.sock' });
    } else ctx.addIssue({ code: 'custom', message: `GMP is reached over tls:// or a unix: socket, not ${u.protocol}` });
  })
  .transform((s) => s.replace(/\/+$/, ''));

/**
 * Greenbone / OpenVAS over GMP: gvmd's TLS port (9390) or its unix socket. The user's password
 * comes from the keychain. The results of a finished task are imported with the filter below:
 * results under `minQod` (gvmd hides them by default below 70) and false positives are left out.
 */
export const GvmConfig = z
  .object({
    kind: z.literal('gvm'),
    ...connectorBase,
    url: GmpAddress,
    username,
    /** Lowest quality of detection imported (gvmd's own default is 70). */
    minQod: z.number().int().min(0).max(100).default(70),
    /** Include log-level results (severity 0: open ports, detected products) as info findings. */
    includeLog: z.boolean().default(true),
  })
  .strict();
export type GvmConfig = z.infer<typeof GvmConfig>;

/** A connector's address speaks TLS (so a CA or a pinned certificate applies). */
export function usesTls(c: { kind: string; url: string }): boolean {
  return c.url.startsWith(c.kind === 'gvm' ? 'tls:' : 'https:');
}

export const ConnectorConfig = z
  .discriminatedUnion('kind', [WazuhApiConfig, WazuhIndexerConfig, ZapConfig, SpiderFootConfig, GvmConfig])
  .superRefine((c, ctx) => {
    if (c.trust.mode !== 'system' && !usesTls(c))
      ctx.addIssue({ code: 'custom', path: ['trust'], message: `trust mode "${c.trust.mode}" needs ${c.kind === 'gvm' ? 'a tls:// address' : 'an https URL'}` });
  });
export type ConnectorConfig = z.infer<typeof ConnectorConfig>;

/** What went wrong when a connector could not be reached or used. */
export const CONNECTOR_FAILURE_KINDS = [
  'invalid_config',
  'dns',
  'refused',
  'timeout',
  /** The certificate is not trusted (self-signed or unknown CA): the fingerprint is attached. */
  'tls_untrusted',
  /** The certificate differs from the pinned one (or its name does not match the URL). */
  'tls_mismatch',
  'tls_error',
  'auth_failed',
  'forbidden',
  'wrong_product',
  'rate_limited',
  'http_error',
  'bad_response',
  'circuit_open',
  'network',
] as const;
export const ConnectorFailureKind = z.enum(CONNECTOR_FAILURE_KINDS);
export type ConnectorFailureKind = z.infer<typeof ConnectorFailureKind>;

/** What a server's certificate looks like, for "trust this certificate?". */
export const CertificateInfo = z.object({
  fingerprint256: z.string(),
  subject: z.string(),
  issuer: z.string(),
  subjectAltName: z.string().nullable(),
  validFrom: z.string(),
  validTo: z.string(),
  selfSigned: z.boolean(),
});
export type CertificateInfo = z.infer<typeof CertificateInfo>;

export const ConnectorFailure = z.object({
  kind: ConnectorFailureKind,
  /** One sentence for the analyst, naming the fix where there is one. */
  message: z.string(),
  /** The presented certificate (tls_untrusted, tls_mismatch). */
  certificate: CertificateInfo.optional(),
  /** HTTP status, when the server answered. */
  status: z.number().int().optional(),
  /** The tool's own error code and remediation text (e.g. Wazuh 6001). */
  code: z.number().int().optional(),
  /** The tool's own error code when it is a word (ZAP `url_not_found`, SpiderFoot `ERROR`). */
  toolCode: z.string().optional(),
  remediation: z.string().optional(),
  /** How long the server asked us to wait (rate_limited). */
  retryAfterMs: z.number().int().optional(),
});
export type ConnectorFailure = z.infer<typeof ConnectorFailure>;

export const ConnectorTestResult = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    product: z.string(),
    version: z.string(),
    latencyMs: z.number(),
    /** Extra facts worth showing (cluster name, API revision, ...). */
    details: z.record(z.string(), z.string()).default({}),
  }),
  z.object({ ok: z.literal(false), failure: ConnectorFailure, latencyMs: z.number().nullable() }),
]);
export type ConnectorTestResult = z.infer<typeof ConnectorTestResult>;

export const HEALTH_STATUSES = ['ok', 'degraded', 'down', 'auth_failed', 'untrusted_certificate'] as const;
export const HealthStatus = z.enum(HEALTH_STATUSES);
export type HealthStatus = z.infer<typeof HealthStatus>;

export const ConnectorHealth = z.object({
  status: HealthStatus,
  version: z.string().nullable(),
  latencyMs: z.number().nullable(),
  /** Why it is not ok (degraded: what is partly wrong). */
  lastError: z.object({ failure: ConnectorFailure, at: z.string() }).nullable(),
  /** When the probe behind this result ran (ISO). */
  checkedAt: z.string(),
  details: z.record(z.string(), z.string()).default({}),
});
export type ConnectorHealth = z.infer<typeof ConnectorHealth>;

// ---- scan findings ---------------------------------------------------------------------------

/** The scanners whose results become findings. */
export const FINDING_SOURCES = ['zap', 'gvm', 'spiderfoot'] as const;
export const FindingSource = z.enum(FINDING_SOURCES);
export type FindingSource = z.infer<typeof FindingSource>;

/** How sure the tool is (ZAP's confidence words; GVM and SpiderFoot give a 0-100 score instead). */
export const FINDING_CONFIDENCES = ['false_positive', 'low', 'medium', 'high', 'confirmed'] as const;
export const FindingConfidence = z.enum(FINDING_CONFIDENCES);
export type FindingConfidence = z.infer<typeof FindingConfidence>;

const nullableText = z.string().nullable();

/**
 * One result of a scan, the same shape whichever scanner found it: a ZAP alert (web: url,
 * method, param, evidence), a GVM result (network: host, port, NVT OID, CVSS, CVEs, QoD) or a
 * SpiderFoot event or correlation (OSINT: the datum and its type). Fields a tool does not have
 * are null (or empty lists); `raw` keeps the tool's own record for the detail view.
 * Severity follows reference/connectors.md §8 per tool; `severityRaw` keeps the tool's words.
 */
export const ScanFinding = z.object({
  source: FindingSource,
  /**
   * Identifies the same finding across imports of the same scan, so an import can be repeated
   * without duplicates: the tool's own id where it is stable (GVM result id, SpiderFoot event
   * hash), else a digest of the fields that make the finding (ZAP).
   */
  key: z.string().min(1).max(512),
  /** The tool's rule: ZAP plugin id / alertRef, GVM NVT OID, SpiderFoot event type or correlation rule. */
  ruleId: z.string().max(512),
  title: z.string().max(4096),
  severity: Severity,
  /** The tool's own severity words or number ("Medium", "7.5", "HIGH", "40"). */
  severityRaw: z.string().max(64),
  confidence: FindingConfidence.nullable(),
  /** 0-100: GVM's quality of detection, SpiderFoot's confidence. */
  confidenceScore: z.number().int().min(0).max(100).nullable(),
  /** CVSS base score (GVM). */
  cvss: z.number().min(0).max(10).nullable(),
  cves: z.array(z.string()),
  cweId: z.number().int().positive().nullable(),
  wascId: z.number().int().positive().nullable(),
  /** Where it was found; every part that does not apply is null. */
  asset: z.object({
    url: nullableText,
    method: nullableText,
    param: nullableText,
    host: nullableText,
    port: z.number().int().min(0).max(65_535).nullable(),
    protocol: nullableText,
  }),
  /** What the tool saw (ZAP evidence, SpiderFoot datum), as text for display. */
  evidence: nullableText,
  description: z.string(),
  solution: nullableText,
  references: z.array(z.string()),
  /** When the tool last saw it (UTC ISO), when it says. */
  observedAt: nullableText,
  raw: z.unknown(),
});
export type ScanFinding = z.infer<typeof ScanFinding>;
// ---- the app's connectors: views, channels and events ---------------------------------------

const IsoTime = z.string();
const Empty = z.object({}).strict().default({});

/** A password, token or API key on its way from the analyst to the vault: never sent back. */
export const ConnectorSecret = z.string().min(1, 'the secret is empty').max(4096, 'the secret is longer than 4096 characters');

/** How a kind authenticates: a password for the configured user, an optional one, or an API key. */
export const CREDENTIAL_MODES = ['password', 'optional_password', 'api_key'] as const;
export const CredentialMode = z.enum(CREDENTIAL_MODES);
export type CredentialMode = z.infer<typeof CredentialMode>;

/** One kind-specific field of a configuration form, derived from the kind's schema. */
export const ConnectorFieldSpec = z.object({
  /** The configuration key (e.g. username, index, backfillHours). */
  name: z.string(),
  label: z.string(),
  hint: z.string().nullable(),
  type: z.enum(['string', 'integer', 'number', 'boolean', 'enum']),
  required: z.boolean(),
  /** null is a valid value (e.g. "no login"). */
  nullable: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean(), z.null()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  options: z.array(z.string()).optional(),
  /** Shown under "Advanced" (limits, paging). */
  advanced: z.boolean(),
});
export type ConnectorFieldSpec = z.infer<typeof ConnectorFieldSpec>;

/** What the Tools screen needs to offer a kind: its name and its form, from its schema. */
export const ConnectorKindSpec = z.object({
  kind: ConnectorKind,
  label: z.string(),
  description: z.string(),
  /** e.g. https://wazuh.example:55000 */
  urlExample: z.string(),
  credential: z.object({ mode: CredentialMode, label: z.string() }),
  fields: z.array(ConnectorFieldSpec),
});
export type ConnectorKindSpec = z.infer<typeof ConnectorKindSpec>;

/** A saved connector as the UI sees it: its configuration, whether a secret is set, its cached health. */
export const ConnectorView = z.object({
  config: ConnectorConfig,
  /** The vault holds a secret for it (the secret itself never leaves main). */
  has_secret: z.boolean(),
  /** The last probe's result (null before the first one, or when disabled). */
  health: ConnectorHealth.nullable(),
  /** A probe is running now. */
  probing: z.boolean(),
  created_at: IsoTime,
  created_by: z.string(),
  updated_at: IsoTime,
  updated_by: z.string(),
});
export type ConnectorView = z.infer<typeof ConnectorView>;

export const HealthSample = z.object({
  checked_at: IsoTime,
  status: HealthStatus,
  version: z.string().nullable(),
  latency_ms: z.number().nullable(),
  error: ConnectorFailure.nullable(),
});
export type HealthSample = z.infer<typeof HealthSample>;

/** The one figure of the dashboard: how the configured tools are, together. */
export const ToolsOverall = z.object({
  /** ok: every enabled tool ok; degraded: some not ok; down: none ok; none: no enabled tool. */
  status: z.enum(['ok', 'degraded', 'down', 'none']),
  enabled: z.number().int(),
  /** Enabled tools per health status; `unknown` = not probed yet. */
  by_status: z.record(z.string(), z.number().int()),
  /** The tools that are not ok, by name. */
  problems: z.array(z.object({ id: z.string(), name: z.string(), status: z.string(), message: z.string().nullable() })),
});
export type ToolsOverall = z.infer<typeof ToolsOverall>;

export const ConnectorTestRequest = z
  .object({
    config: ConnectorConfig,
    /** The secret to test with; without it, the one saved for config.id (editing a connector). */
    secret: ConnectorSecret.optional(),
  })
  .strict();

export const ConnectorSaveRequest = z
  .object({
    config: ConnectorConfig,
    /** A new secret for the vault; without it, the saved one is kept. */
    secret: ConnectorSecret.optional(),
    /** true: add (the id must be free); false: change the connector with this id. */
    create: z.boolean(),
  })
  .strict();

export const connectorChannels = {
  'connectors.kinds': { request: Empty, response: z.array(ConnectorKindSpec) },
  'connectors.list': { request: Empty, response: z.array(ConnectorView) },
  'connectors.test': { request: ConnectorTestRequest, response: ConnectorTestResult },
  'connectors.save': { request: ConnectorSaveRequest, response: ConnectorView },
  'connectors.setEnabled': { request: z.object({ id: ConnectorId, enabled: z.boolean() }).strict(), response: ConnectorView },
  'connectors.remove': { request: z.object({ id: ConnectorId }).strict(), response: z.object({ removed: z.boolean() }) },
  /** Pins the certificate the server presents now, which must be the one the analyst saw. */
  'connectors.trust': { request: z.object({ id: ConnectorId, sha256: Sha256Fingerprint }).strict(), response: ConnectorView },
  /** Cached health; `force` probes now (never more than one probe in flight per tool). */
  'connectors.health': { request: z.object({ id: ConnectorId, force: z.boolean().default(false) }).strict(), response: ConnectorHealth },
  'connectors.history': {
    request: z.object({ id: ConnectorId, limit: z.number().int().min(1).max(2000).default(120) }).strict(),
    /** Newest first. */
    response: z.array(HealthSample),
  },
  'connectors.overall': { request: Empty, response: ToolsOverall },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export const connectorEvents = {
  /** Connectors were added, changed, enabled/disabled or removed (in any process). */
  'connectors.changed': z.object({ ids: z.array(z.string()), reason: z.enum(['saved', 'enabled', 'removed', 'reloaded']) }),
  /** A connector's health changed status (or was probed on request). */
  'connectors.health': z.object({ id: z.string(), health: ConnectorHealth }),
} as const satisfies Record<string, z.ZodType>;

export type ConnectorChannels = typeof connectorChannels;
export type ConnectorChannelName = keyof ConnectorChannels;
export type ConnectorRequest<C extends ConnectorChannelName> = z.output<ConnectorChannels[C]['request']>;
export type ConnectorResponse<C extends ConnectorChannelName> = z.output<ConnectorChannels[C]['response']>;
