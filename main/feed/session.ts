import type { Duplex } from 'node:stream';
import type { RawData, WebSocket } from 'ws';
import type { FeedClient, FeedDialect, FeedRole } from '../contract/feed.js';
import type { Logger } from '../core/logger.js';
import { frame, type EventBatch, type FeedEvent, type NoticeEvent } from './event.js';
import type { FeedLimits } from './limits.js';
import { TokenBucket } from './rate.js';

/** Who a connection is. */
export interface Identity {
  kind: 'token' | 'jwt' | 'address';
  /** feed_tokens.id for kind token. */
  tokenId: number | null;
  /** Token name, `jwt:<sub>`, or `<dialect>@<address>`. */
  name: string;
  role: FeedRole;
  /** When the credential stops being valid (epoch ms), if ever. */
  expiresAt: number | null;
  /** The role as the JWT named it (BlueWall shows it). */
  claimRole?: string;
  /** Which JWT secret admitted it (a digest): a rotated secret closes the sessions of the old one. */
  secretId?: string;
}

export type SessionState = FeedClient['state'];

/** Close codes the feed uses. */
export const CLOSE = {
  NORMAL: 1000,
  GOING_AWAY: 1001,
  POLICY: 1008,
  TRY_AGAIN_LATER: 1013,
  UNAUTHORIZED: 4001,
  FORBIDDEN: 4003,
  /** The address or token reached its connection cap and this, its oldest connection, made room. */
  SUPERSEDED: 4008,
} as const;

/** A page of outbox events as sessions read them. */
export interface EventPage {
  events: FeedEvent[];
  /** Seq of the last outbox row read (also when its alert is gone), or null when none. */
  lastSeq: number | null;
  /** Outbox rows read. */
  rows: number;
}

/** What a session needs from its server. */
export interface SessionHost {
  readonly limits: FeedLimits;
  readonly logger: Logger;
  /** The outbox position the live fan-out has reached. */
  headSeq(): number;
  /** The same read the live fan-out does, from any position (resume). */
  readEvents(afterSeq: number, limit: number): EventPage;
  /** Bytes queued (+) or flushed (-) by a session, for the global budget. */
  queued(bytes: number): void;
  counted(messages: number, alerts: number): void;
  sessionClosed(s: Session, code: number, reason: string): void;
  dropped(s: Session, why: 'lagging' | 'abuse'): void;
}

/** The per-dialect part of a connection. */
export interface DialectHandler {
  /** Called once the connection is authenticated. */
  open(): void;
  /** A text frame from the client (size-capped and rate-limited already). */
  message(text: string): void;
  /** The frames (complete WebSocket frames, shared buffers) for one outbox event, or none. */
  frames(ev: FeedEvent): readonly Buffer[];
  /**
   * A key when this session's frames are exactly those of every other session with the same key
   * (no filter of its own): the session then gets the batch's shared buffer.
   */
  sharedKey?(): string | null;
  /**
   * The frames of a playbook's notice for this session (after its own filter; none when filtered
   * out). Absent when the dialect's clients have no way to show one.
   */
  notice?(ev: NoticeEvent): readonly Buffer[];
  /** An error frame, for dialects whose clients can take one. */
  errorFrame?(code: string, message: string, ref?: string | number): Buffer | null;
  /** The notice sent before a 1013 close, for dialects whose clients can take one. */
  laggingFrame?(): Buffer | null;
  /** Periodic hooks. */
  heartbeat?(): void;
  metrics?(figures: unknown): void;
  dispose?(): void;
}

let nextId = 1;

/**
 * One client connection: the bounded outbound queue (messages and bytes handed to the socket and
 * not yet flushed, checked together with ws.bufferedAmount), inbound rate limiting, the cursor into
 * the outbox, and resume (replay) paging, which reads exactly what live delivery reads.
 */
export class Session {
  readonly id = `c${nextId++}`;
  readonly connectedAt: Date;
  state: SessionState;
  handler!: DialectHandler;
  /** Everything up to this outbox seq has been handled (sent or filtered out). */
  cursor = 0;
  /** The seq live delivery started from on this connection (for resume without duplicates). */
  liveFrom = 0;
  resumed = false;
  messagesSent = 0;
  alertsSent = 0;
  pendingMsgs = 0;
  pendingBytes = 0;
  lastAlive: number;
  inFlight = 0;
  /** The close code the server chose, once it chose one. */
  closeCode: number | null = null;
  /** Set while the session waits for a token in its first message (the server's deadline). */
  authTimer: NodeJS.Timeout | null = null;
  private finished = false;
  private readonly bucket: TokenBucket;
  private excess = 0;
  private excessWindowStart = 0;
  private errorWindowStart = 0;
  private errorsInWindow = 0;
  private replaySkip: { from: number; to: number } | null = null;
  private replayed = 0;
  private pumpScheduled = false;
  private onReplayDone: ((replayed: number) => void) | null = null;
  private graceTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly host: SessionHost,
    readonly ws: WebSocket,
    private readonly socket: Duplex,
    readonly dialect: FeedDialect,
    readonly address: string,
    public identity: Identity | null,
    readonly url: URL,
    now: Date,
  ) {
    this.connectedAt = now;
    this.lastAlive = now.getTime();
    this.state = identity ? 'waiting' : 'authenticating';
    const L = host.limits;
    this.bucket = new TokenBucket(L.msgRatePerSec, L.msgBurst, now.getTime());
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('pong', () => (this.lastAlive = Date.now()));
    ws.on('error', () => ws.terminate());
    ws.on('close', (code, reason) => this.onClose(code, reason.toString()));
  }

  get open(): boolean {
    return this.state !== 'closing' && this.ws.readyState === this.ws.OPEN;
  }

  // ---------- outbound ----------

  /**
   * Writes complete WebSocket frames straight to the socket (one corked write). Refuses (and drops
   * the client with 1013) when its queue is over the limit: a client that does not read cannot make
   * the server hold more. The queue counts frames until the socket has flushed them to the network.
   */
  send(frames: readonly Buffer[], alerts = 0): boolean {
    return this.sendWire(frames, frames.length, alerts);
  }

  private sendWire(chunks: readonly Buffer[], messages: number, alerts: number): boolean {
    if (!this.open || chunks.length === 0) return false;
    const L = this.host.limits;
    // over the limit already: the client is not reading. (One tick's batch may overshoot the limit;
    // its size is bounded by pollBatch / replayPage.)
    if (this.pendingMsgs > L.maxQueueMessages || this.pendingBytes > L.maxQueueBytes || this.ws.bufferedAmount > L.maxQueueBytes) {
      this.dropLagging();
      return false;
    }
    let bytes = 0;
    for (const c of chunks) bytes += c.length;
    this.pendingMsgs += messages;
    this.pendingBytes += bytes;
    this.host.queued(bytes);
    const done = () => {
      if (this.finished) return;
      this.pendingMsgs -= messages;
      this.pendingBytes -= bytes;
      this.host.queued(-bytes);
      if (this.state === 'replaying') this.schedulePump();
    };
    if (chunks.length === 1) this.socket.write(chunks[0]!, done);
    else {
      this.socket.cork();
      try {
        for (let i = 0; i < chunks.length; i++) this.socket.write(chunks[i]!, i === chunks.length - 1 ? done : undefined);
      } finally {
        this.socket.uncork();
      }
    }
    this.messagesSent += messages;
    this.alertsSent += alerts;
    this.host.counted(messages, alerts);
    return true;
  }

  sendJson(obj: unknown): boolean {
    return this.send([frame(obj)]);
  }

  /** An error frame (if the dialect has them), at most errorsPerSec per second. */
  error(code: string, message: string, ref?: string | number): void {
    const now = Date.now();
    if (now - this.errorWindowStart >= 1000) {
      this.errorWindowStart = now;
      this.errorsInWindow = 0;
    }
    if (++this.errorsInWindow > this.host.limits.errorsPerSec) return;
    const f = this.handler?.errorFrame?.(code, message, ref);
    if (f) this.send([f]);
  }

  /**
   * Delivers outbox events (live fan-out and replay alike): each event after the cursor goes
   * through the dialect's filter and renderer; the cursor then moves to lastSeq. A live session
   * without a filter of its own takes the batch's shared buffer.
   */
  deliver(events: readonly FeedEvent[], lastSeq: number, batch?: EventBatch): void {
    if (!this.open) return;
    const key = batch && events.length > 0 && batch.firstSeq > this.cursor ? (this.handler.sharedKey?.() ?? null) : null;
    if (key !== null && batch) {
      const shared = batch.sharedFrames(key, (ev) => this.handler.frames(ev));
      if (shared.messages > 0 && !this.sendWire([shared.wire], shared.messages, shared.alerts)) return;
      if (lastSeq > this.cursor) this.cursor = lastSeq;
      return;
    }
    let out: Buffer[] | null = null;
    let alerts = 0;
    for (const ev of events) {
      if (ev.seq <= this.cursor) continue;
      const f = this.handler.frames(ev);
      if (f.length === 0) continue;
      out ??= [];
      for (const b of f) out.push(b);
      alerts++;
    }
    if (out && !this.send(out, alerts)) return;
    if (lastSeq > this.cursor) this.cursor = lastSeq;
  }

  /** Starts live delivery from the current head. */
  goLive(from = this.host.headSeq()): void {
    if (this.state === 'closing') return;
    this.cursor = Math.max(this.cursor, from);
    this.liveFrom = this.cursor;
    this.state = 'live';
  }

  /**
   * Replays every outbox event after `since` from SQLite, a page at a time and only while the
   * client keeps up (bounded memory), then continues live without gap or duplicate. Events this
   * connection already received live (after liveFrom) are not sent twice.
   */
  startReplay(since: number, onDone: (replayed: number) => void): void {
    if (this.state === 'closing') return;
    this.replaySkip = this.state === 'live' && this.cursor > this.liveFrom && since < this.liveFrom ? { from: this.liveFrom, to: this.cursor } : null;
    // a resume point inside what this connection already got live: continue from where it stands
    if (this.state === 'live' && since >= this.liveFrom) since = Math.max(since, this.cursor);
    this.resumed = true;
    this.cursor = since;
    this.replayed = 0;
    this.onReplayDone = onDone;
    this.state = 'replaying';
    this.schedulePump();
  }

  private schedulePump(): void {
    if (this.pumpScheduled || this.state !== 'replaying') return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** One replay page; the next is scheduled, or waits for the socket to drain. */
  private pump(): void {
    if (this.state !== 'replaying' || !this.open) return;
    const L = this.host.limits;
    if (this.pendingBytes > L.maxQueueBytes / 4 || this.pendingMsgs > L.maxQueueMessages / 4) return; // the drain callback resumes
    const head = this.host.headSeq();
    let page: EventPage;
    try {
      page = this.host.readEvents(this.cursor, L.replayPage);
    } catch (err) {
      this.host.logger.warn('feed replay read failed', { client: this.id, error: err instanceof Error ? err.message : String(err) });
      this.close(CLOSE.TRY_AGAIN_LATER, 'replay failed; resume again');
      return;
    }
    const skip = this.replaySkip;
    const events = skip ? page.events.filter((e) => !(e.seq > skip.from && e.seq <= skip.to)) : page.events;
    const before = this.alertsSent;
    this.deliver(events, page.lastSeq ?? this.cursor);
    if (this.state !== 'replaying') return; // dropped while sending
    this.replayed += this.alertsSent - before;
    if (skip && this.cursor >= skip.from) {
      this.cursor = Math.max(this.cursor, skip.to);
      this.replaySkip = null;
    }
    if (page.rows < L.replayPage || this.cursor >= head) {
      // caught up with what live delivery has reached: the fan-out takes over after this cursor
      this.state = 'live';
      if (this.cursor < head) this.cursor = head;
      const done = this.onReplayDone;
      this.onReplayDone = null;
      done?.(this.replayed);
      return;
    }
    this.schedulePump();
  }

  // ---------- inbound ----------

  private onMessage(data: RawData, isBinary: boolean): void {
    const now = Date.now();
    this.lastAlive = now;
    if (this.state === 'closing') return;
    if (!this.bucket.take(now)) {
      if (now - this.excessWindowStart > this.host.limits.abuseWindowMs) {
        this.excessWindowStart = now;
        this.excess = 0;
      }
      if (++this.excess > this.host.limits.abuseLimit) {
        this.host.dropped(this, 'abuse');
        this.close(CLOSE.POLICY, 'too many messages');
        return;
      }
      this.error('RATE_LIMITED', 'too many messages; slow down');
      return;
    }
    if (isBinary) {
      this.error('BAD_FRAME', 'binary frames are not accepted');
      return;
    }
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    try {
      this.handler.message(text);
    } catch (err) {
      this.host.logger.warn('feed message handler failed', { client: this.id, dialect: this.dialect, error: err instanceof Error ? err.message : String(err) });
      this.error('INTERNAL', 'the message could not be handled');
    }
  }

  /** Parses a client frame as a JSON object; null (and an error frame) otherwise. */
  parseObject(text: string): Record<string, unknown> | null {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      this.error('BAD_JSON', 'the frame is not JSON');
      return null;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      this.error('BAD_FRAME', 'a frame must be a JSON object');
      return null;
    }
    return v as Record<string, unknown>;
  }

  // ---------- closing ----------

  /** Sends the lagging notice and closes with 1013. */
  dropLagging(): void {
    if (this.state === 'closing') return;
    const notice = this.handler?.laggingFrame?.();
    this.host.dropped(this, 'lagging');
    // the notice and the close frame go behind what is queued; a client that never reads them is
    // cut off after the grace period so its buffers are freed
    if (notice && this.ws.readyState === this.ws.OPEN) this.socket.write(notice);
    this.close(CLOSE.TRY_AGAIN_LATER, 'client is lagging; resume from the last seq received');
  }

  close(code: number, reason: string): void {
    if (this.state === 'closing') return;
    this.state = 'closing';
    this.closeCode = code;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
    this.graceTimer = setTimeout(() => this.ws.terminate(), this.host.limits.lagGraceMs);
    this.graceTimer.unref();
  }

  terminate(code: number, reason: string): void {
    if (this.closeCode === null) this.closeCode = code;
    this.state = 'closing';
    void reason;
    this.ws.terminate();
  }

  private onClose(code: number, reason: string): void {
    if (this.finished) return;
    this.finished = true;
    this.state = 'closing';
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.host.queued(-this.pendingBytes);
    this.pendingBytes = 0;
    this.pendingMsgs = 0;
    try {
      this.handler?.dispose?.();
    } catch {
      // nothing to do
    }
    this.host.sessionClosed(this, this.closeCode ?? code, reason);
  }

  info(): FeedClient {
    return {
      id: this.id,
      token_name: this.identity?.name ?? '(authenticating)',
      role: this.identity?.role ?? 'viewer',
      address: this.address,
      dialect: this.dialect,
      state: this.state,
      queue_depth: this.pendingMsgs,
      queue_bytes: Math.max(this.pendingBytes, this.ws.bufferedAmount),
      messages_sent: this.messagesSent,
      alerts_sent: this.alertsSent,
      seq: this.cursor,
      connected_since: this.connectedAt.toISOString(),
    };
  }
}
