import { z } from 'zod';

/**
 * The LAN alert feed as the renderer (Feed screen), the CLI and the lead's registry see it:
 * configuration, tokens and live status. The wire protocol the feed itself speaks to teammates is
 * documented in docs/feed-protocol.md and implemented in main/feed/.
 */

/** The native protocol and the dashboard dialects, each served on its own path. */
export const FEED_DIALECTS = ['native', 'aegis', 'threatstream', 'bluewall', 'ips'] as const;
export const FeedDialect = z.enum(FEED_DIALECTS);
export type FeedDialect = z.infer<typeof FeedDialect>;

/** Dialects whose stock clients cannot send a token: they need an address allow-list. */
export const TOKENLESS_DIALECTS: readonly FeedDialect[] = ['aegis', 'threatstream'];

export const FEED_ROLES = ['viewer', 'analyst'] as const;
export const FeedRole = z.enum(FEED_ROLES);
export type FeedRole = z.infer<typeof FeedRole>;

export const FEED_TLS_MODES = ['off', 'self-signed', 'custom'] as const;
export const FeedTlsMode = z.enum(FEED_TLS_MODES);
export type FeedTlsMode = z.infer<typeof FeedTlsMode>;

const Port = z.number().int().min(0).max(65535);
const ClientCap = z.number().int().min(1).max(10_000);
const JwtLifetimeHours = z.number().int().min(1).max(24 * 366);
const JwtAudience = z.string().trim().min(1).max(256);
/** An address or CIDR block a client may connect from. */
export const FeedAddressSpec = z.union([z.ipv4(), z.ipv6(), z.cidrv4(), z.cidrv6()]);
/** The address the feed binds: an IP address (0.0.0.0 / :: = every interface) or localhost. */
export const FeedBindHost = z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]);

const DialectConfig = z
  .object({
    enabled: z.boolean().default(false),
    /** Client addresses or CIDR blocks allowed on this path; empty = any (token dialects only). */
    allow: z.array(FeedAddressSpec).max(256).default([]),
    /** Roles allowed on this path; a token or JWT of another role is closed with 4003. */
    roles: z.array(FeedRole).min(1).max(2).default(['viewer', 'analyst']),
  })
  .strict();

export const FeedConfig = z
  .object({
    enabled: z.boolean().default(false),
    host: FeedBindHost.default('127.0.0.1'),
    port: Port.default(8000),
    tls: z
      .object({
        mode: FeedTlsMode.default('off'),
        /** PEM files of the analyst's own certificate and key (mode custom). */
        cert_path: z.string().min(1).max(4096).nullable().default(null),
        key_path: z.string().min(1).max(4096).nullable().default(null),
      })
      .strict()
      .prefault({}),
    dialects: z
      .object({
        native: DialectConfig.extend({ enabled: z.boolean().default(true) }).prefault({}),
        aegis: DialectConfig.prefault({}),
        threatstream: DialectConfig.prefault({}),
        bluewall: DialectConfig.prefault({}),
        /** IPS Security Center also listens on this extra port when set (its stock client uses :3001/ws). */
        ips: DialectConfig.extend({ port: Port.nullable().default(null) }).prefault({}),
      })
      .strict()
      .prefault({}),
    jwt: z
      .object({
        /** Accept HS256 JWTs signed with the secret kept in the OS keychain. */
        enabled: z.boolean().default(false),
        /** The claim holding the role. */
        role_claim: z.string().min(1).max(64).default('role'),
        /** JWT role → feed role; a role not listed is refused with 4003. */
        role_map: z
          .record(z.string().min(1).max(64), FeedRole)
          .default({ admin: 'analyst', analyst: 'analyst', officer: 'viewer', viewer: 'viewer' }),
        /** Longest lifetime a JWT may have (exp - iat, or exp - now without iat); `exp` is required. */
        max_lifetime_hours: JwtLifetimeHours.default(24),
        /** When set, a JWT's `aud` (a string or a list) must name it. */
        audience: JwtAudience.nullable().default(null),
      })
      .strict()
      .prefault({}),
    /** Most simultaneous authenticated connections; more are refused with HTTP 503. */
    max_clients: ClientCap.default(1000),
    /** Most connections from one client address; a new one closes the address's oldest (4008). */
    max_per_address: ClientCap.default(64),
    /** Most connections of one token or JWT subject; a new one closes the token's oldest (4008). */
    max_per_token: ClientCap.default(32),
  })
  .strict()
  .superRefine((c, ctx) => {
    for (const d of TOKENLESS_DIALECTS) {
      if (c.dialects[d].enabled && c.dialects[d].allow.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['dialects', d, 'allow'],
          message: `${d} clients cannot send a token: list the addresses allowed to connect before enabling it`,
        });
      }
    }
    if (c.tls.mode === 'custom' && (!c.tls.cert_path || !c.tls.key_path)) {
      ctx.addIssue({ code: 'custom', path: ['tls'], message: 'tls mode custom needs cert_path and key_path' });
    }
    const ipsPort = c.dialects.ips.port;
    if (ipsPort !== null && ipsPort !== 0 && ipsPort === c.port) {
      ctx.addIssue({ code: 'custom', path: ['dialects', 'ips', 'port'], message: 'the extra IPS port must differ from the feed port' });
    }
  });
export type FeedConfig = z.infer<typeof FeedConfig>;

export const DEFAULT_FEED_CONFIG: FeedConfig = FeedConfig.parse({});

const DialectPatch = z
  .object({
    enabled: z.boolean().optional(),
    allow: z.array(FeedAddressSpec).max(256).optional(),
    roles: z.array(FeedRole).min(1).max(2).optional(),
  })
  .strict();

/** A partial update; nested objects are merged, arrays replaced. Validated again as a whole. */
export const FeedConfigPatch = z
  .object({
    enabled: z.boolean().optional(),
    host: FeedBindHost.optional(),
    port: Port.optional(),
    tls: z
      .object({
        mode: FeedTlsMode.optional(),
        cert_path: z.string().min(1).max(4096).nullable().optional(),
        key_path: z.string().min(1).max(4096).nullable().optional(),
      })
      .strict()
      .optional(),
    dialects: z
      .object({
        native: DialectPatch.optional(),
        aegis: DialectPatch.optional(),
        threatstream: DialectPatch.optional(),
        bluewall: DialectPatch.optional(),
        ips: DialectPatch.extend({ port: Port.nullable().optional() }).optional(),
      })
      .strict()
      .optional(),
    jwt: z
      .object({
        enabled: z.boolean().optional(),
        role_claim: z.string().min(1).max(64).optional(),
        role_map: z.record(z.string().min(1).max(64), FeedRole).optional(),
        max_lifetime_hours: JwtLifetimeHours.optional(),
        audience: JwtAudience.nullable().optional(),
      })
      .strict()
      .optional(),
    max_clients: ClientCap.optional(),
    max_per_address: ClientCap.optional(),
    max_per_token: ClientCap.optional(),
  })
  .strict();
export type FeedConfigPatch = z.infer<typeof FeedConfigPatch>;

export const FeedConfigureRequest = z
  .object({
    patch: FeedConfigPatch.default({}),
    /** Write-only: the HS256 secret, stored in the OS keychain (never in SQLite, settings or logs). */
    jwt_secret: z.string().min(32, 'a JWT secret needs at least 32 characters').max(4096).optional(),
    /** Removes the JWT secret from the keychain. */
    clear_jwt_secret: z.boolean().optional(),
  })
  .strict();

export const FeedToken = z.object({
  id: z.number().int().positive(),
  name: z.string(),
  role: FeedRole,
  /** The first characters of the token, to recognise it; the token itself is never stored. */
  prefix: z.string(),
  created_at: z.string(),
  created_by: z.string(),
  expires_at: z.string().nullable(),
  revoked_at: z.string().nullable(),
  last_used_at: z.string().nullable(),
  last_used_addr: z.string().nullable(),
  /** Neither revoked nor expired. */
  active: z.boolean(),
});
export type FeedToken = z.infer<typeof FeedToken>;

export const FEED_TOKEN_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._@-]{0,63}$/u;

export const FeedTokenCreateRequest = z
  .object({
    name: z.string().trim().regex(FEED_TOKEN_NAME, 'a name of 1-64 letters, digits, spaces, dots, dashes, underscores or @'),
    role: FeedRole.default('viewer'),
    /** Lifetime in hours; omitted = until revoked. */
    expires_in_hours: z.number().int().min(1).max(24 * 3650).optional(),
  })
  .strict();

export const FeedTokenCreated = z.object({
  token: FeedToken,
  /** The token itself: shown once, never stored. */
  secret: z.string(),
});
export type FeedTokenCreated = z.infer<typeof FeedTokenCreated>;

export const FeedClient = z.object({
  id: z.string(),
  /** Token name, `jwt:<sub>`, or `<dialect>@<address>` for allow-listed token-less clients. */
  token_name: z.string(),
  role: FeedRole,
  address: z.string(),
  dialect: FeedDialect,
  state: z.enum(['authenticating', 'waiting', 'replaying', 'live', 'closing']),
  /** Messages and bytes handed to the socket and not yet flushed to the network. */
  queue_depth: z.number().int(),
  queue_bytes: z.number().int(),
  messages_sent: z.number().int(),
  alerts_sent: z.number().int(),
  /** The outbox position this client has been given everything up to. */
  seq: z.number().int(),
  connected_since: z.string(),
});
export type FeedClient = z.infer<typeof FeedClient>;

/** Most clients a feed process publishes for `vigil feed status` (the rest are counted in totals). */
export const FEED_PUBLISHED_CLIENTS = 2000;

export const FeedTotals = z.object({
  connections_total: z.number().int(),
  connections_active: z.number().int(),
  alerts_sent: z.number().int(),
  messages_sent: z.number().int(),
  auth_failures: z.number().int(),
  dropped_lagging: z.number().int(),
  dropped_abuse: z.number().int(),
  /** Connections closed (4008) to make room under the per-address and per-token caps. */
  dropped_superseded: z.number().int().default(0),
  head_seq: z.number().int(),
  uptime_s: z.number(),
});
export type FeedTotals = z.infer<typeof FeedTotals>;

export const FeedListening = z.object({
  host: z.string(),
  port: z.number().int(),
  /** Extra ports (IPS Security Center). */
  extra_ports: z.array(z.number().int()),
  tls: z.boolean(),
  /** ws:// or wss:// base URL of the native protocol. */
  url: z.string(),
  /** SHA-256 fingerprint of the certificate (AA:BB:...), for teammates to pin. */
  fingerprint256: z.string().nullable(),
});
export type FeedListening = z.infer<typeof FeedListening>;

/** Figures another Vigil process (e.g. `vigil feed serve`) publishes for its feed. */
export const FeedProcess = z.object({
  process: z.string(),
  updated_at: z.string(),
  listening: FeedListening,
  totals: FeedTotals,
  /** Its connected clients (oldest first; at most FEED_PUBLISHED_CLIENTS of them). */
  clients: z.array(FeedClient).default([]),
});
export type FeedProcess = z.infer<typeof FeedProcess>;

export const FeedStatus = z.object({
  /** Whether this process's feed server is running. */
  running: z.boolean(),
  config: FeedConfig,
  listening: FeedListening.nullable(),
  jwt_secret_set: z.boolean(),
  clients: z.array(FeedClient),
  totals: FeedTotals.nullable(),
  /** Why the server is not running although enabled (port in use, bad certificate, ...). */
  last_error: z.string().nullable(),
  /** Feed servers of other Vigil processes on this data directory (published every few seconds). */
  processes: z.array(FeedProcess),
});
export type FeedStatus = z.infer<typeof FeedStatus>;

const Empty = z.object({}).strict().default({});

/** The feed's contract channels; the lead spreads them into `channels`. */
export const feedChannels = {
  'feed.status': { request: Empty, response: FeedStatus },
  'feed.configure': { request: FeedConfigureRequest, response: FeedStatus },
  'feed.tokens.list': {
    request: z.object({ include_revoked: z.boolean().default(false) }).strict().default({ include_revoked: false }),
    response: z.array(FeedToken),
  },
  'feed.tokens.create': { request: FeedTokenCreateRequest, response: FeedTokenCreated },
  'feed.tokens.revoke': {
    request: z.object({ id: z.number().int().positive() }).strict(),
    /** closed: open sockets of that token that were closed at once. */
    response: z.object({ revoked: z.boolean(), closed: z.number().int() }),
  },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type FeedChannels = typeof feedChannels;
export type FeedChannelName = keyof FeedChannels;
export type FeedRequest<C extends FeedChannelName> = z.output<FeedChannels[C]['request']>;
export type FeedResponse<C extends FeedChannelName> = z.output<FeedChannels[C]['response']>;

/** Push events of the feed. */
export const feedEvents = {
  /** A client connected or disconnected, or the server started or stopped (throttled to ~1/s). */
  'feed.changed': z.object({ running: z.boolean(), connections_active: z.number().int() }),
} as const satisfies Record<string, z.ZodType>;
