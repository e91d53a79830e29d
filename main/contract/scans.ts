import { z } from 'zod';
import { FindingSource } from './connectors.js';
import { Finding } from './findings.js';

/**
 * Scans the analyst starts from the console on a configured scanner (Greenbone, ZAP, SpiderFoot),
 * watched by the app's poller: status, a real progress figure
 * where the tool gives one, elapsed time and an estimate, and a stall flag when the progress has
 * not moved for the scan's stall limit.
 */

const Id = z.number().int().positive();
const IsoTime = z.string();

export const SCAN_STATUSES = ['running', 'importing', 'finished', 'stopped', 'failed'] as const;
export const ScanStatus = z.enum(SCAN_STATUSES);
export type ScanStatus = z.infer<typeof ScanStatus>;

/** ZAP: the spider then an active scan of the target URL (each can be left out). */
export const ZapScanOptions = z
  .object({
    tool: z.literal('zap'),
    spider: z.boolean().default(true),
    activeScan: z.boolean().default(true),
    /** Stay below the start URL. */
    subtreeOnly: z.boolean().default(true),
    /** Children per node for the spider (0 = unlimited). */
    maxChildren: z.number().int().min(0).max(100_000).default(0),
    /** ZAP's scan policy (its Default Policy when empty). */
    scanPolicyName: z.string().trim().max(200).default(''),
  })
  .strict();

/** SpiderFoot: a use case, or the modules or event types wanted. */
export const SpiderFootScanOptions = z
  .object({
    tool: z.literal('spiderfoot'),
    useCase: z.enum(['all', 'footprint', 'investigate', 'passive']).nullable().default('passive'),
    modules: z.array(z.string().trim().regex(/^(module_)?sfp_[a-z0-9_]+$/, 'a SpiderFoot module (sfp_...)')).max(500).default([]),
    types: z.array(z.string().trim().regex(/^[A-Z0-9_]+$/, 'a SpiderFoot event type (e.g. IP_ADDRESS)')).max(500).default([]),
  })
  .strict();

/** GMP 22.7 `alive_test` values (how gvmd decides a host is up before scanning it). */
export const GMP_ALIVE_TESTS = ['ICMP Ping', 'TCP-ACK Service Ping', 'TCP-SYN Service Ping', 'ARP Ping', 'Consider Alive', 'Scan Config Default'] as const;

/** A gvmd entity named by its id or by its exact name (e.g. "Full and fast"), as the server lists it. */
const GvmChoice = z.string().trim().min(1).max(400).nullable().default(null);

const HOST_NAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

/** An IPv4 or IPv6 address: 4, 6, or 0 when it is neither (node:net's isIP, for the renderer too). */
function ipVersion(s: string): 0 | 4 | 6 {
  if (z.ipv4().safeParse(s).success) return 4;
  return z.ipv6().safeParse(s).success ? 6 : 0;
}

/**
 * What GMP takes as a scan's hosts: addresses, CIDR ranges, a-b ranges and host names, in a comma
 * list. Null when the target is fit, else what is wrong (lower case, no full stop). The start form
 * and the scans service check with this one function.
 */
export function gvmTargetProblem(target: string): string | null {
  const hosts = target
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  if (hosts.length === 0) return 'name at least one host, address or range';
  if (hosts.length > 4096) return 'at most 4096 hosts or ranges per scan';
  for (const h of hosts) {
    if (/^[a-z]+:\/\//i.test(h)) return `Greenbone scans hosts, not URLs: use the host of ${h} (ZAP scans web applications)`;
    const [addr, bits, ...rest] = h.split('/');
    if (rest.length === 0 && bits !== undefined) {
      const v = ipVersion(addr!);
      const n = Number(bits);
      if (!v || !/^\d+$/.test(bits) || n > (v === 4 ? 32 : 128)) return `"${h}" is not an address range (CIDR such as 10.0.0.0/24)`;
      continue;
    }
    if (bits !== undefined) return `"${h}" is not a host, an address or a range`;
    const dash = h.split('-');
    if (dash.length === 2 && ipVersion(dash[0]!)) {
      // 10.0.0.1-10.0.0.20 or 10.0.0.1-20
      if (ipVersion(dash[1]!) || /^\d{1,3}$/.test(dash[1]!)) continue;
      return `"${h}" is not an address range (10.0.0.1-10.0.0.20 or 10.0.0.1-20)`;
    }
    if (ipVersion(h) || HOST_NAME.test(h)) continue;
    return `"${h}" is not a host, an address or a range`;
  }
  return null;
}

/**
 * Greenbone: a target and a task are created on gvmd for the scan. The scan config, port list and
 * scanner are those the server lists (`scans.choices`), by id or name; null takes the server's own
 * "Full and fast", "All IANA assigned TCP" and "OpenVAS Default" (found by name, never by a
 * hard-coded id), or the first it lists.
 */
export const GvmScanOptions = z
  .object({
    tool: z.literal('gvm'),
    scanConfig: GvmChoice,
    portList: GvmChoice,
    scanner: GvmChoice,
    /** null: the scan config's default. */
    aliveTest: z.enum(GMP_ALIVE_TESTS).nullable().default(null),
  })
  .strict();

export const ScanOptions = z.discriminatedUnion('tool', [ZapScanOptions, SpiderFootScanOptions, GvmScanOptions]);
export type ScanOptions = z.infer<typeof ScanOptions>;

export const ScanStartRequest = z
  .object({
    connector_id: z.string().min(1).max(64),
    /** An address, a range (CIDR), a URL or a domain; each tool says which it takes. */
    target: z.string().trim().min(1).max(2048),
    options: ScanOptions,
    /** No progress for this long shows "stalled since ..." (default: the app's, 15 minutes). */
    stall_minutes: z.number().int().min(1).max(10_080).optional(),
  })
  .strict();
export type ScanStartRequest = z.infer<typeof ScanStartRequest>;

export const Scan = z.object({
  id: Id,
  tool: FindingSource,
  connector_id: z.string(),
  target: z.string(),
  options: z.record(z.string(), z.unknown()),
  status: ScanStatus,
  /** What the poller is doing ("spider", "active scan", "passive scan backlog", "import"). */
  phase: z.string(),
  /** 0-100, or null when the tool gives no percentage (SpiderFoot). */
  progress: z.number().min(0).max(100).nullable(),
  /** The tool's own progress words ("RUNNING, 412 events"). */
  progress_note: z.string().nullable(),
  started_at: IsoTime,
  ended_at: IsoTime.nullable(),
  elapsed_ms: z.number().int().min(0),
  /** Time left, from the progress so far; null when it cannot be told. */
  eta_ms: z.number().int().min(0).nullable(),
  /** When the progress last moved. */
  progress_at: IsoTime,
  /** Set when the scan runs but its progress has not moved for the stall limit. */
  stalled_since: IsoTime.nullable(),
  stall_minutes: z.number().int(),
  error: z.string().nullable(),
  /** Findings imported from this scan, and records that could not be mapped. */
  imported: z.number().int(),
  rejected: z.number().int(),
  /** The tool's scan / task ids. */
  tool_ids: z.record(z.string(), z.string()),
  created_by: z.string(),
});
export type Scan = z.infer<typeof Scan>;

export const ScanLogLine = z.object({ ts: IsoTime, level: z.enum(['info', 'warn', 'error']), message: z.string() });
export type ScanLogLine = z.infer<typeof ScanLogLine>;

export const ScanDetail = z.object({ scan: Scan, log: z.array(ScanLogLine) });
export type ScanDetail = z.infer<typeof ScanDetail>;

const DiffPart = z.object({ items: z.array(Finding), total: z.number().int() });

/** A run against the one before it on the same connector and target. */
export const ScanDiff = z.object({
  scan_id: Id,
  /** The earlier finished run, or null when this is the first (everything is new). */
  previous_id: Id.nullable(),
  new: DiffPart,
  still: DiffPart,
  /** Seen by the earlier run, not by this one (fixed when this run finished). */
  gone: DiffPart,
});
export type ScanDiff = z.infer<typeof ScanDiff>;

export const ScansListRequest = z
  .object({
    status: z.array(ScanStatus).max(SCAN_STATUSES.length).optional(),
    tool: FindingSource.optional(),
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

export const ScanChoice = z.object({ id: z.string(), name: z.string(), comment: z.string() });
export type ScanChoice = z.infer<typeof ScanChoice>;

/** What a scanner offers for a new scan, as the server lists it now (Greenbone: configs, port lists, scanners). */
export const ScanChoices = z.object({
  tool: FindingSource,
  scan_configs: z.array(ScanChoice),
  port_lists: z.array(ScanChoice),
  scanners: z.array(ScanChoice),
  alive_tests: z.array(z.string()),
  /** The ids a scan gets when it names none (null: the server lists none, e.g. before its first feed sync). */
  defaults: z.object({ scan_config: z.string().nullable(), port_list: z.string().nullable(), scanner: z.string().nullable() }),
});
export type ScanChoices = z.infer<typeof ScanChoices>;

export const scansChannels = {
  'scans.list': { request: ScansListRequest, response: z.array(Scan) },
  'scans.get': { request: z.object({ id: Id }).strict(), response: ScanDetail },
  'scans.start': { request: ScanStartRequest, response: Scan },
  'scans.stop': { request: z.object({ id: Id }).strict(), response: Scan },
  'scans.diff': { request: z.object({ id: Id, limit: z.number().int().min(1).max(5000).default(200) }).strict(), response: ScanDiff },
  /** Imports (again) what the tool holds for a scan that is over. */
  'scans.import': { request: z.object({ id: Id }).strict(), response: Scan },
  /** Resumes a stopped or interrupted scan on the tool (Greenbone); its report goes on where it stopped. */
  'scans.resume': { request: z.object({ id: Id }).strict(), response: Scan },
  /** What the connector's scanner offers for a new scan (listed from the server). */
  'scans.choices': { request: z.object({ connector_id: z.string().min(1).max(64) }).strict(), response: ScanChoices },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;
export type ScansChannelName = keyof typeof scansChannels;

export const scansEvents = {
  /** A scan of this process changed: started, polled (progress, stall), importing, ended, stopped or resumed. */
  'scans.changed': Scan,
} as const satisfies Record<string, z.ZodType>;
