/**
 * The sensor record store as the UI and the CLI see it: Hunt (query, histogram, group-by, one
 * record), the alert Evidence section, Hosts, saved hunt queries.
 *
 * A "record" is one line a sensor wrote (every Suricata EVE event_type: flow, dns, http, tls,
 * fileinfo, alert, anomaly, ...), kept with the fields analysts pivot on plus its raw line. Lists
 * carry summary fields only; `events.get` returns one record with its raw line. Every list is
 * paged with an opaque cursor and bounded.
 *
 * Queries are strings in the hunt query language (docs/hunt-query.md), e.g.
 * `event_type:dns dns.rrname:*.example.ru src_ip:10.0.0.0/8 | groupby dns.rrname`. A query that
 * does not parse is refused with BAD_REQUEST and a message naming the column
 * ("expected a value after dns.rrname: at column 34"); `hunt.check` says the same without running it.
 */
import { z } from 'zod';
import { AlertStatus, Severity } from './alerts.js';
import { ExportStarted } from './console.js';

const IsoUtc = z.iso.datetime({ offset: false, precision: 3 });
/** A time bound as the caller writes it (any offset); answers are always UTC. */
const IsoAny = z.iso.datetime({ offset: true });
const Id = z.number().int().positive();

/** Every field the query language knows, with what it holds. One list for the parser, the docs and the UI. */
export const HUNT_FIELDS = {
  event_type: 'EVE event_type (alert, flow, netflow, dns, http, tls, fileinfo, anomaly, smtp, ssh, smb, krb5, dhcp, ...)',
  sensor: 'the sensor that wrote the record (EVE host)',
  src_ip: 'source address; a CIDR block matches a range (10.0.0.0/8, 2001:db8::/32)',
  dst_ip: 'destination address; CIDR as src_ip',
  ip: 'either address (src_ip OR dst_ip)',
  src_port: 'source port',
  dst_port: 'destination port',
  port: 'either port',
  proto: 'transport protocol (TCP, UDP, ICMP, IPV6-ICMP, ...)',
  app_proto: 'application protocol Suricata detected (http, tls, dns, smb, ...)',
  flow_id: 'Suricata flow id (exact uint64)',
  community_id: 'Community ID flow hash (same flow across sensors)',
  'alert.signature': 'alert signature',
  'alert.signature_id': 'alert signature id',
  'alert.category': 'alert category',
  'alert.severity': 'alert severity (1 = highest)',
  'dns.rrname': 'DNS query or answer name',
  'dns.rrtype': 'DNS record type (A, AAAA, TXT, ...)',
  'dns.rcode': 'DNS response code (NOERROR, NXDOMAIN, ...)',
  'dns.type': 'query or answer',
  'dns.answers': 'DNS answer data (addresses, names), space separated',
  'http.hostname': 'HTTP host',
  'http.url': 'HTTP URL (path and query)',
  'http.method': 'HTTP method',
  'http.status': 'HTTP status code',
  'http.user_agent': 'HTTP user agent',
  'http.content_type': 'HTTP response content type',
  'tls.sni': 'TLS server name indication',
  'tls.subject': 'TLS certificate subject',
  'tls.issuer': 'TLS certificate issuer',
  'tls.ja3': 'JA3 client fingerprint hash',
  'tls.ja3s': 'JA3S server fingerprint hash',
  'tls.ja4': 'JA4 client fingerprint',
  'tls.version': 'TLS version',
  'file.name': 'file name (fileinfo)',
  'file.sha256': 'file SHA-256 (fileinfo)',
  'file.magic': 'file type by libmagic (fileinfo)',
  'file.size': 'file size in bytes (fileinfo)',
  'flow.state': 'flow state (new, established, closed, ...)',
  'flow.reason': 'why the flow record was written (timeout, forced, shutdown)',
  'flow.bytes': 'bytes both ways (flow, netflow)',
  'flow.pkts': 'packets both ways (flow, netflow)',
  'flow.duration': 'flow duration in seconds (flow, netflow)',
  'anomaly.type': 'anomaly type (decode, stream, applayer)',
  'anomaly.event': 'anomaly event name',
  'ssh.client': 'SSH client software version',
  'ssh.server': 'SSH server software version',
  'smtp.from': 'SMTP MAIL FROM',
  'smtp.to': 'SMTP RCPT TO, space separated',
  'smb.command': 'SMB command',
  'smb.filename': 'SMB file name',
  'krb5.cname': 'Kerberos client name',
  'krb5.sname': 'Kerberos service name',
  'dhcp.hostname': 'DHCP client host name',
  'dhcp.assigned_ip': 'address a DHCP server assigned',
} as const;
export type HuntField = keyof typeof HUNT_FIELDS;
export const HUNT_FIELD_NAMES = Object.keys(HUNT_FIELDS) as HuntField[];

/** A hunt query string (the language of docs/hunt-query.md). */
export const HuntQuery = z.string().max(4000);

/** The time range a query runs over: [from, to). Both optional; lists default to the last 24 hours. */
export const HuntRange = z
  .object({
    from: IsoAny.optional(),
    to: IsoAny.optional(),
  })
  .strict();

/** One stored record as lists show it (no raw line). */
export const EventRow = z.object({
  /** Stable id of the record in this data directory. */
  id: Id,
  ts: IsoUtc,
  event_type: z.string(),
  sensor: z.string().nullable(),
  source_id: z.string(),
  src_ip: z.string().nullable(),
  src_port: z.number().int().nullable(),
  dst_ip: z.string().nullable(),
  dst_port: z.number().int().nullable(),
  proto: z.string().nullable(),
  app_proto: z.string().nullable(),
  /** Exact uint64 as a decimal string. */
  flow_id: z.string().nullable(),
  community_id: z.string().nullable(),
  /** The per-type fields, keyed by query field name ("dns.rrname": "example.com"); only those present. */
  summary: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type EventRow = z.infer<typeof EventRow>;

/** One record with its raw line as the sensor wrote it. */
export const EventDetail = EventRow.extend({
  raw: z.string(),
  /** Where in its source the line was read: file and byte offset when known. */
  file: z.string().nullable(),
  offset: z.number().int().nullable(),
});
export type EventDetail = z.infer<typeof EventDetail>;

export const EventsQueryRequest = z
  .object({
    query: HuntQuery.default(''),
    ...HuntRange.shape,
    limit: z.number().int().min(1).max(1000).default(200),
    /** From the previous page's `next`. */
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const EventsQueryResponse = z.object({
  rows: z.array(EventRow),
  /** Cursor of the next page; null when this page is the last. */
  next: z.string().nullable(),
  /** The range the query ran over, resolved (UTC). */
  from: IsoUtc,
  to: IsoUtc,
});
export type EventsQueryResponse = z.infer<typeof EventsQueryResponse>;

export const EventsHistogramRequest = z
  .object({
    query: HuntQuery.default(''),
    ...HuntRange.shape,
    /** About this many buckets (the width is rounded to a whole second, minute, ... step). */
    buckets: z.number().int().min(4).max(500).default(60),
  })
  .strict();

export const EventsHistogramResponse = z.object({
  from: IsoUtc,
  to: IsoUtc,
  bucket_ms: z.number().int().positive(),
  /** Non-empty buckets only, in time order; `ts` is the bucket's start. */
  buckets: z.array(z.object({ ts: IsoUtc, count: z.number().int() })),
  total: z.number().int(),
  /**
   * How many of them the list reaches (events.query's pages, Keep all, an export): `total`, or fewer
   * for a `| head N`, or for a sort by a field other than time (10,000: each page sorts anew).
   */
  listed: z.number().int(),
});
export type EventsHistogramResponse = z.infer<typeof EventsHistogramResponse>;

export const EventsGroupByRequest = z
  .object({
    query: HuntQuery.default(''),
    ...HuntRange.shape,
    /** One or two fields; without them, those of the query's `| groupby`. */
    fields: z.array(z.string().max(64)).min(1).max(2).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();

export const EventsGroupByResponse = z.object({
  from: IsoUtc,
  to: IsoUtc,
  fields: z.array(z.string()),
  /** Largest groups first. */
  groups: z.array(
    z.object({
      values: z.array(z.union([z.string(), z.number(), z.null()])),
      count: z.number().int(),
      /** The query that lists this group's records (the drill-down). */
      drill: z.string(),
    }),
  ),
  /** Records matched in all (in all groups, shown or not). */
  total: z.number().int(),
});
export type EventsGroupByResponse = z.infer<typeof EventsGroupByResponse>;

export const EventsGetRequest = z.object({ id: Id }).strict();

export const EventsEvidenceRequest = z
  .object({
    alert_id: Id,
    /** Host records this many seconds either side of the alert's span. */
    window_s: z.number().int().min(10).max(86_400).default(900),
    /** At most this many rows per section. */
    limit: z.number().int().min(1).max(1000).default(200),
  })
  .strict();

/** An event that made a correlation alert fire (a failed login, a probed port). */
export const Contributor = z.object({
  /** Id of the alert occurrence (the alert's events list). */
  event_id: Id,
  ts: IsoUtc,
  source: z.string(),
  rule_id: z.string().nullable(),
  title: z.string(),
  src_ip: z.string().nullable(),
  src_port: z.number().int().nullable(),
  dst_ip: z.string().nullable(),
  dst_port: z.number().int().nullable(),
  /** The sensor record of the same line, when it is in the record store. */
  record_id: Id.nullable(),
});
export type Contributor = z.infer<typeof Contributor>;

const EvidenceSection = z.object({
  rows: z.array(EventRow),
  /** More rows matched than were returned (use Hunt with `query` to see them all). */
  truncated: z.boolean(),
  /** The hunt query that lists this section. */
  query: z.string(),
});

export const EventsEvidence = z.object({
  alert_id: Id,
  /** The window host records were looked up in. */
  from: IsoUtc,
  to: IsoUtc,
  /** Records with the alert's flow_ids (every sensor that kept one). */
  flow: EvidenceSection,
  /** Records of the same flow (community_id) from other sensors or with other flow ids. */
  community: EvidenceSection,
  /** DNS, HTTP, TLS and file records of the alert's source and destination hosts in the window. */
  hosts: EvidenceSection,
  /** For correlation alerts: the events that made it fire (the latest ones, up to a bound). */
  contributors: z.object({
    rows: z.array(Contributor),
    /** How many contributed in all (the rows are the latest of them). */
    total: z.number().int(),
  }),
});
export type EventsEvidence = z.infer<typeof EventsEvidence>;

/** Address classes (private, loopback, ...), as the enrich stage names them. */
export const HostsListRequest = z
  .object({
    /** Addresses within this CIDR block or equal to this address. */
    cidr: z.string().max(64).optional(),
    /** Seen at or after this time. */
    seen_after: IsoAny.optional(),
    sort: z.enum(['last_seen', 'first_seen', 'records']).default('last_seen'),
    limit: z.number().int().min(1).max(500).default(100),
    cursor: z.string().max(200).optional(),
  })
  .strict();

export const Host = z.object({
  ip: z.string(),
  first_seen: IsoUtc,
  last_seen: IsoUtc,
  /** Records that named this address (as source or destination; one from it to itself, once). */
  records: z.number().int(),
  /** private, loopback, link_local, multicast, reserved, public, ... */
  class: z.string(),
  country: z.string().nullable(),
  /** Open alerts (not resolved nor false positive) naming the address, by severity. */
  open_alerts: z.record(Severity, z.number().int()),
});
export type Host = z.infer<typeof Host>;

export const HostsListResponse = z.object({ rows: z.array(Host), next: z.string().nullable() });
export type HostsListResponse = z.infer<typeof HostsListResponse>;

export const HostsGetRequest = z
  .object({
    ip: z.string().min(1).max(64),
    /** Recent records of each type to return. */
    per_type: z.number().int().min(1).max(100).default(10),
  })
  .strict();

/** The days of a host's activity hosts.get gives, up to its last seen. */
export const HOST_ACTIVITY_DAYS = 90;

/** The span of one bucket of a host's activity: an hour, starting on the hour (UTC). */
export const HOST_ACTIVITY_BUCKET_MS = 3_600_000;

export const HostDetail = Host.extend({
  /**
   * When it was active: the records naming it per hour (each once, as `records` counts them),
   * hours with none left out, over its last HOST_ACTIVITY_DAYS days seen.
   */
  activity: z.array(z.object({ hour: IsoUtc, count: z.number().int() })),
  /** Recent records by event type (the latest `per_type` of each), with the type's total. */
  recent: z.array(z.object({ event_type: z.string(), total: z.number().int(), rows: z.array(EventRow) })),
  /** The latest open alerts naming the address. */
  alerts: z.array(z.object({ id: Id, title: z.string(), severity: Severity, status: AlertStatus, last_seen: IsoUtc })),
  /** The host agent with this address, once an agent inventory knows it. */
  agent: z.object({ id: z.string(), name: z.string().nullable() }).nullable(),
  /** Hunt queries for the links: every record of the host, its DNS, ... */
  queries: z.object({ all: z.string(), dns: z.string(), http: z.string(), tls: z.string() }),
});
export type HostDetail = z.infer<typeof HostDetail>;

export const SavedHuntQuery = z.object({
  id: Id,
  name: z.string(),
  query: z.string(),
  created_by: z.string(),
  created_at: IsoUtc,
});
export type SavedHuntQuery = z.infer<typeof SavedHuntQuery>;

/** Where a query failed to parse: a message and the 1-based column it points at. */
export const HuntCheckResponse = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), fields: z.array(z.string()), pipes: z.array(z.string()) }),
  z.object({ ok: z.literal(false), message: z.string(), column: z.number().int().positive() }),
]);
export type HuntCheckResponse = z.infer<typeof HuntCheckResponse>;

const Empty = z.object({}).strict().default({});

/**
 * Exports of a hunt's records: `eve` the raw lines as the sensor wrote them (an eve.json, for
 * Suricata tools and another Vigil), `ndjson` and `json` the rows Hunt shows.
 */
export const EventsExportFormat = z.enum(['eve', 'ndjson', 'json']);
export type EventsExportFormat = z.infer<typeof EventsExportFormat>;

export const EventsExportRequest = z
  .object({
    /** A `| groupby` query has no rows to export: refused. */
    query: HuntQuery.default(''),
    ...HuntRange.shape,
    format: EventsExportFormat,
  })
  .strict();

export const huntChannels = {
  /** Records matching a query in a range, newest first (or as `| sort` says), paged. */
  'events.query': { request: EventsQueryRequest, response: EventsQueryResponse },
  /** Counts over time of the records a query matches. */
  'events.histogram': { request: EventsHistogramRequest, response: EventsHistogramResponse },
  /** Counts by one or two fields, largest first, each with its drill-down query. */
  'events.groupby': { request: EventsGroupByRequest, response: EventsGroupByResponse },
  /** One record with its raw line. */
  'events.get': { request: EventsGetRequest, response: EventDetail },
  /** Every record a query matches, written by an export job (headless: a one-time download; desktop: a save dialog). */
  'events.export': { request: EventsExportRequest, response: ExportStarted },
  /** An alert's evidence: same flow, same community id, its hosts' records around it, correlation contributors. */
  'events.evidence': { request: EventsEvidenceRequest, response: EventsEvidence },
  /** Parses a query without running it: ok with its fields, or the message and column of the first error. */
  'hunt.check': { request: z.object({ query: HuntQuery }).strict(), response: HuntCheckResponse },
  'hunt.savedQueries.list': { request: Empty, response: z.array(SavedHuntQuery) },
  'hunt.savedQueries.save': { request: z.object({ name: z.string().trim().min(1).max(80), query: HuntQuery }).strict(), response: SavedHuntQuery },
  'hunt.savedQueries.remove': { request: z.object({ id: Id }).strict(), response: z.object({ removed: z.boolean() }) },
  /** Every address seen in records or alerts, with first/last seen and open alerts. */
  'hosts.list': { request: HostsListRequest, response: HostsListResponse },
  /** One address: its figures, recent records by type, open alerts, agent. */
  'hosts.get': { request: HostsGetRequest, response: HostDetail },
} as const satisfies Record<string, { request: z.ZodType; response: z.ZodType }>;

export type HuntChannelName = keyof typeof huntChannels;
