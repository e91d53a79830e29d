/** Timings and bounds of the feed server; tests shrink them, the defaults suit a LAN. */
export interface FeedLimits {
  /** How often the outbox is read (one query per poll, shared by every client). */
  pollMs: number;
  /** Most outbox rows read per poll; a full batch is followed by another read at once. */
  pollBatch: number;
  /** Outbox rows per replay page (`resume`). */
  replayPage: number;
  /** Protocol ping interval, and how long a client may stay silent (no pong, no message). */
  pingIntervalMs: number;
  pongTimeoutMs: number;
  /** ThreatStream heartbeat JSON interval. */
  heartbeatMs: number;
  /** ThreatStream: initial_state goes out on the first client message or after this long. */
  initialStateWaitMs: number;
  /** IPS Security Center: time to send the token in the first message when the URL had none. */
  authTimeoutMs: number;
  /**
   * Sockets still waiting for a first-message token: a small pool of their own (they never count
   * toward max_clients), per address (the oldest is closed to make room) and in all (HTTP 503).
   */
  maxUnauthenticated: number;
  maxUnauthenticatedPerAddress: number;
  /** Native `metrics` frame interval. */
  metricsIntervalMs: number;
  /** ThreatStream risk decay interval (30 s in ThreatStream). */
  riskDecayMs: number;
  /** Per-client queue: messages and bytes handed to the socket but not flushed to the network. */
  maxQueueMessages: number;
  maxQueueBytes: number;
  /** All clients together; beyond it the client with the longest queue is dropped. */
  totalQueueBytes: number;
  /** After the lagging notice and the 1013 close, the socket is destroyed after this long. */
  lagGraceMs: number;
  /** Largest inbound frame (ws closes larger ones with 1009). */
  maxPayload: number;
  /** Inbound messages per client: a token bucket. */
  msgRatePerSec: number;
  msgBurst: number;
  /** Messages over the rate within abuseWindowMs that get a client closed with 1008. */
  abuseLimit: number;
  abuseWindowMs: number;
  /** Error frames per client per second; more are dropped. */
  errorsPerSec: number;
  /** Authentication failures of one (address, credential) before that pair is refused with HTTP 429. */
  authFailMax: number;
  authFailWindowMs: number;
  authBlockMs: number;
  /** How often the token revision is checked (revocations made by other processes). */
  tokenCheckMs: number;
  /** How often this server's figures are published for `vigil feed status`. */
  runtimePublishMs: number;
  /** Repeated auth failures of one address are written to the audit log once per this period. */
  auditAggregateMs: number;
  /** Alerts an Aegis dashboard gets on connect (newest last). */
  aegisBacklog: number;
  /** set_status calls one client may have in flight. */
  maxInFlight: number;
}

export const DEFAULT_FEED_LIMITS: FeedLimits = {
  pollMs: 25,
  pollBatch: 2000,
  replayPage: 256,
  pingIntervalMs: 30_000,
  pongTimeoutMs: 60_000,
  heartbeatMs: 30_000,
  initialStateWaitMs: 2000,
  authTimeoutMs: 5000,
  maxUnauthenticated: 64,
  maxUnauthenticatedPerAddress: 4,
  metricsIntervalMs: 10_000,
  riskDecayMs: 30_000,
  maxQueueMessages: 4096,
  maxQueueBytes: 2 * 1024 * 1024,
  totalQueueBytes: 256 * 1024 * 1024,
  lagGraceMs: 5000,
  maxPayload: 64 * 1024,
  msgRatePerSec: 20,
  msgBurst: 40,
  abuseLimit: 200,
  abuseWindowMs: 10_000,
  errorsPerSec: 10,
  authFailMax: 10,
  authFailWindowMs: 60_000,
  authBlockMs: 5 * 60_000,
  tokenCheckMs: 250,
  runtimePublishMs: 2000,
  auditAggregateMs: 60_000,
  aegisBacklog: 20,
  maxInFlight: 8,
};
