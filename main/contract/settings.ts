import { z } from 'zod';
import { Severity } from './alerts.js';

/**
 * Non-secret settings. Secrets (API keys, passwords, feed JWT secrets) never live here: they go
 * to the OS keychain through main/secrets.
 */
export const Settings = z
  .object({
    theme: z.enum(['dark', 'light']).default('dark'),
    /** Rows per page the Alerts screen asks for. */
    alertsPageSize: z.number().int().min(25).max(500).default(100),
    /** Whether resolving an alert or marking it a false positive requires a note. */
    requireNoteOnClose: z.boolean().default(true),
    /** Analyst name written to the audit log for actions taken in this console. */
    analystName: z.string().trim().min(1).max(64).default('analyst'),
    /** How the console shows times: the computer's zone, or UTC (the CLI always prints UTC). */
    timeZone: z.enum(['local', 'utc']).default('local'),
    /** Silences toasts and desktop notifications for new P1/P2 alerts. */
    doNotDisturb: z.boolean().default(false),
    /** Columns shown in the Alerts table, in order. */
    alertsColumns: z
      .array(z.enum(['severity', 'priority', 'status', 'title', 'source', 'host', 'src', 'dst', 'count', 'risk', 'technique', 'assignee', 'first_seen', 'last_seen']))
      .min(1)
      .max(14)
      .default(['severity', 'priority', 'status', 'title', 'source', 'host', 'src', 'dst', 'count', 'risk', 'last_seen']),

    // --- threat pipeline ---
    /** Events at or above this severity become alerts. */
    minAlertSeverity: Severity.default('low'),
    /** Same rule + source + destination (+ agent for Wazuh) within this many minutes of an alert's span, either way, updates it. */
    groupWindowMinutes: z.number().int().min(1).max(1440).default(10),
    /** Raw events older than this are pruned (in small batches). */
    eventRetentionDays: z.number().int().min(1).max(3650).default(30),
    /** At most this many raw events are kept (the oldest go first). */
    eventRetentionMaxRows: z.number().int().min(10_000).max(100_000_000).default(5_000_000),
    /** Sensor records (flow, dns, http, tls, ... every EVE type) older than this many days are pruned. */
    recordRetentionDays: z.number().int().min(1).max(3650).default(7),
    /** The database is kept under this many GB by pruning the oldest sensor records first. */
    recordRetentionMaxGb: z.number().int().min(1).max(100_000).default(10),
    /** Correlation thresholds (per source, over the correlation window). */
    bruteForceFailures: z.number().int().min(2).max(10_000).default(5),
    portScanPorts: z.number().int().min(2).max(65_535).default(15),
    floodEventsPerSecond: z.number().int().min(2).max(1_000_000).default(100),
    sprayingUsers: z.number().int().min(2).max(10_000).default(5),
    correlationWindowSeconds: z.number().int().min(5).max(3600).default(60),
    /** MaxMind-format geo databases (GeoLite2 or DB-IP lite) the analyst points to; '' = none. */
    geoCityDb: z.string().max(4096).default(''),
    geoCountryDb: z.string().max(4096).default(''),
    geoAsnDb: z.string().max(4096).default(''),
    /**
     * Folders whose files `vigil serve` lets a browser add as sources (besides --source-dir).
     * Changed only on the command line: the desktop app and the browser cannot widen them.
     */
    sourceDirs: z.array(z.string().trim().min(1).max(4096)).max(64).default([]),
  })
  .strict();
export type Settings = z.infer<typeof Settings>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});

type SettingsShape = typeof Settings.shape;

/**
 * A partial update: every key optional, unknown keys refused, and NO defaults filled in (in zod 4
 * `.partial()` keeps `.default()`, which would reset every key the caller did not send).
 */
export const SettingsPatch = z
  .object(
    Object.fromEntries(Object.entries(Settings.shape).map(([k, v]) => [k, v.unwrap().optional()])) as {
      [K in keyof SettingsShape]: z.ZodOptional<ReturnType<SettingsShape[K]['unwrap']>>;
    },
  )
  .strict();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
