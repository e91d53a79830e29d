import crypto from 'node:crypto';
import type { Alert, Priority, Severity } from '../contract/alerts.js';
import type { FeedAlert, FeedOutboxRow } from '../store/feed-repo.js';

/** Address information the pipeline stored with the alert (alert_details.enrichment). */
export interface EnrichmentAddress {
  ip?: string;
  class?: string;
  external?: boolean;
  geo?: {
    country_code?: string | null;
    country?: string | null;
    city?: string | null;
    latitude?: number | null;
    longitude?: number | null;
  } | null;
}

export interface Enrichment {
  src: EnrichmentAddress | null;
  dst: EnrichmentAddress | null;
  agent: { id?: string | null; name?: string | null; ip?: string | null } | null;
  user: string | null;
}

const EMPTY_ENRICHMENT: Enrichment = { src: null, dst: null, agent: null, user: null };

/** The ThreatStream risk index right after an event was folded in. */
export interface RiskSnapshot {
  value: number;
  level: 'NORMAL' | 'ELEVATED' | 'SUSPICIOUS' | 'CRITICAL';
  trend: 'RISING' | 'FALLING' | 'STABLE';
}

/**
 * One outbox entry with its alert, as every session sees it. Frames are rendered once per dialect
 * and shared by every client of that dialect (the JSON is never built per client).
 */
export class FeedEvent {
  readonly seq: number;
  readonly kind: 'new' | 'updated' | 'status';
  /** When the writer committed the change (outbox ts). */
  readonly ts: string;
  readonly alert: FeedAlert;
  /** Set by the server when the ThreatStream dialect is on. */
  risk: RiskSnapshot | null = null;
  private readonly cache = new Map<string, readonly Buffer[]>();
  private parsedEnrichment: Enrichment | null = null;

  constructor(seq: number, kind: FeedEvent['kind'], ts: string, alert: FeedAlert) {
    this.seq = seq;
    this.kind = kind;
    this.ts = ts;
    this.alert = alert;
  }

  static fromRows(rows: readonly FeedOutboxRow[]): FeedEvent[] {
    const out: FeedEvent[] = [];
    for (const r of rows) if (r.alert) out.push(new FeedEvent(r.seq, r.kind, r.ts, r.alert));
    return out;
  }

  /** The frames of one dialect for this event, built on first use. */
  render(key: string, build: () => readonly Buffer[]): readonly Buffer[] {
    let v = this.cache.get(key);
    if (!v) this.cache.set(key, (v = build()));
    return v;
  }

  get enrichment(): Enrichment {
    if (!this.parsedEnrichment) this.parsedEnrichment = parseEnrichment(this.alert.enrichment);
    return this.parsedEnrichment;
  }
}

/** What a playbook's feed step says to the feed's clients, about one alert. */
export interface FeedNotice {
  /** The rendered message ("P1 escalated by playbook Brute force: ..."). */
  message: string;
  /** Shown instead of the alert's own severity / priority; null keeps the alert's. */
  severity: Severity | null;
  priority: Priority | null;
  playbook: { id: string; name: string; version: number };
  run_id: string;
  step_id: string;
  /** When the step rendered it (ISO UTC). */
  at: string;
}

/**
 * A playbook's notice as every session sees it: each dialect variant is rendered once (the very
 * payloads a dry-run shows) and the same frame bytes go to every client of that variant.
 */
export class NoticeEvent {
  /** The alert as the notice shows it (severity and priority overridden). */
  readonly shown: FeedAlert;
  private readonly cache = new Map<string, { payloads: readonly unknown[]; frames: readonly Buffer[] }>();
  private parsedEnrichment: Enrichment | null = null;

  constructor(
    readonly notice: FeedNotice,
    readonly alert: FeedAlert,
    /** The feed's head when rendered: a notice moves no outbox position. */
    readonly seq: number,
    /** ThreatStream's risk index as it stands (a notice does not change it). */
    readonly risk: RiskSnapshot,
  ) {
    this.shown = { ...alert, severity: notice.severity ?? alert.severity, priority: notice.priority ?? alert.priority };
  }

  get enrichment(): Enrichment {
    if (!this.parsedEnrichment) this.parsedEnrichment = parseEnrichment(this.alert.enrichment);
    return this.parsedEnrichment;
  }

  /** 8 upper-case hex digits naming this notice (its run and step), for dialects that need an id of their own. */
  get hex8(): string {
    return crypto.createHash('sha256').update(`${this.notice.run_id}/${this.notice.step_id}`).digest('hex').slice(0, 8).toUpperCase();
  }

  /** The JSON payloads of one variant, built on first use. */
  payloads(key: string, build: () => readonly unknown[]): readonly unknown[] {
    return this.entry(key, build).payloads;
  }

  /** The same payloads as complete WebSocket frames. */
  render(key: string, build: () => readonly unknown[]): readonly Buffer[] {
    return this.entry(key, build).frames;
  }

  private entry(key: string, build: () => readonly unknown[]): { payloads: readonly unknown[]; frames: readonly Buffer[] } {
    let v = this.cache.get(key);
    if (!v) {
      const payloads = build();
      this.cache.set(key, (v = { payloads, frames: payloads.map(frame) }));
    }
    return v;
  }
}

export function parseEnrichment(text: string | null): Enrichment {
  if (!text) return EMPTY_ENRICHMENT;
  try {
    const v = JSON.parse(text) as Partial<Enrichment> | null;
    if (!v || typeof v !== 'object') return EMPTY_ENRICHMENT;
    return {
      src: v.src && typeof v.src === 'object' ? v.src : null,
      dst: v.dst && typeof v.dst === 'object' ? v.dst : null,
      agent: v.agent && typeof v.agent === 'object' ? v.agent : null,
      user: typeof v.user === 'string' ? v.user : null,
    };
  } catch {
    return EMPTY_ENRICHMENT;
  }
}

/** The contract's Alert (plus the threat type), without the feed-internal columns. */
export function publicAlert(a: FeedAlert): Alert & { threat_type: string } {
  const { confidence: _c, enrichment: _e, ...alert } = a;
  return alert;
}

/**
 * A complete WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked as servers send).
 * A server's frame bytes are the same for every client, so an event is framed once and the very
 * same buffer is written to every socket.
 */
export function wireText(payload: Buffer): Buffer {
  const n = payload.length;
  const head = n < 126 ? 2 : n < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(head + n);
  out[0] = 0x81;
  if (n < 126) out[1] = n;
  else if (n < 65_536) {
    out[1] = 126;
    out.writeUInt16BE(n, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(n / 2 ** 32), 2);
    out.writeUInt32BE(n >>> 0, 6);
  }
  payload.copy(out, head);
  return out;
}

/** An object as one ready-to-write WebSocket text frame. */
export function frame(obj: unknown): Buffer {
  return wireText(Buffer.from(JSON.stringify(obj), 'utf8'));
}

/**
 * One poll's events as every live session sees them. Sessions without a filter of their own get
 * the frames of the whole batch as ONE buffer, built once per dialect and written to each socket.
 */
export class EventBatch {
  private readonly shared = new Map<string, { wire: Buffer; messages: number; alerts: number }>();

  constructor(
    readonly events: readonly FeedEvent[],
    readonly lastSeq: number,
  ) {}

  get firstSeq(): number {
    return this.events.length ? this.events[0]!.seq : this.lastSeq;
  }

  sharedFrames(key: string, frames: (ev: FeedEvent) => readonly Buffer[]): { wire: Buffer; messages: number; alerts: number } {
    let v = this.shared.get(key);
    if (!v) {
      const parts: Buffer[] = [];
      let alerts = 0;
      for (const ev of this.events) {
        const f = frames(ev);
        if (f.length === 0) continue;
        alerts++;
        for (const b of f) parts.push(b);
      }
      v = { wire: parts.length === 1 ? parts[0]! : Buffer.concat(parts), messages: parts.length, alerts };
      this.shared.set(key, v);
    }
    return v;
  }
}
