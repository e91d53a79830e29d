import { z } from 'zod';
import { AlertStatus, Severity, severityRank, type Alert } from '../../contract/alerts.js';
import { frame, publicAlert, type FeedEvent, type NoticeEvent } from '../event.js';
import type { DialectHandler, Session } from '../session.js';
import type { DialectContext } from './context.js';

/** Native protocol version announced in `hello`. */
export const NATIVE_PROTOCOL_VERSION = 1;
export const NATIVE_PATH = '/ws/v1/alerts';

const Ref = z.union([z.string().max(64), z.number().int()]).optional();
const Technique = z.string().regex(/^T\d{4}(\.\d{3})?$/i, 'a technique id like T1110 or T1110.001');

export const FeedFilter = z
  .object({
    /** Only alerts at or above this severity. */
    min_severity: Severity.optional(),
    /** Only alerts from these sources (suricata, wazuh, ...). */
    sources: z.array(z.string().min(1).max(64)).max(32).optional(),
    /** Only alerts carrying one of these ATT&CK techniques (T1110 also matches T1110.001). */
    techniques: z.array(Technique).max(64).optional(),
    /** Whether `metrics` frames are wanted (default true). */
    metrics: z.boolean().optional(),
  })
  .strict();
export type FeedFilter = z.infer<typeof FeedFilter>;

/** Messages a native client may send. */
export const NativeClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('ping'), ref: Ref }).strict(),
  z.object({ type: z.literal('subscribe'), ref: Ref, filters: FeedFilter.default({}) }).strict(),
  z.object({ type: z.literal('resume'), ref: Ref, since_seq: z.number().int().min(0) }).strict(),
  z
    .object({
      type: z.literal('set_status'),
      ref: Ref,
      id: z.number().int().positive(),
      status: AlertStatus,
      note: z.string().trim().max(4000).optional(),
    })
    .strict(),
]);
export type NativeClientMessage = z.infer<typeof NativeClientMessage>;

const KNOWN_TYPES = new Set(['ping', 'subscribe', 'resume', 'set_status']);

/** A compiled subscription filter. */
export class AlertFilter {
  private readonly minRank: number;
  private readonly sources: Set<string> | null;
  private readonly techniques: string[] | null;

  /** Accepts everything (the client subscribed to no filter). */
  readonly empty: boolean;

  constructor(readonly spec: FeedFilter) {
    this.empty = !spec.min_severity && !spec.sources?.length && !spec.techniques?.length;
    this.minRank = spec.min_severity ? severityRank(spec.min_severity) : 0;
    this.sources = spec.sources && spec.sources.length ? new Set(spec.sources.map((s) => s.toLowerCase())) : null;
    this.techniques = spec.techniques && spec.techniques.length ? spec.techniques.map((t) => t.toUpperCase()) : null;
  }

  accepts(a: Alert): boolean {
    if (this.minRank > 0 && severityRank(a.severity) < this.minRank) return false;
    if (this.sources && !this.sources.has(a.source.toLowerCase())) return false;
    if (this.techniques) {
      const ts = this.techniques;
      if (!a.technique_ids.some((id) => ts.some((t) => id === t || id.startsWith(`${t}.`)))) return false;
    }
    return true;
  }
}

/** The frame of an outbox event in the native protocol (shared by every native client). */
export function nativeAlertFrame(ev: FeedEvent): Buffer {
  if (ev.kind === 'new') return frame({ type: 'alert.new', seq: ev.seq, data: publicAlert(ev.alert) });
  return frame({ type: 'alert.updated', seq: ev.seq, data: publicAlert(ev.alert), change: ev.kind === 'status' ? 'status' : 'count' });
}

/**
 * A playbook's notice in the native protocol: `notice` with the message, the severity and priority
 * it is shown with, the playbook and run, and the alert attached as it stands. `seq` is the feed's
 * head (a notice moves no outbox position, so it stays a valid resume point).
 */
export function nativeNotice(ev: NoticeEvent): unknown[] {
  const n = ev.notice;
  return [
    {
      type: 'notice',
      seq: ev.seq,
      data: { message: n.message, severity: ev.shown.severity, priority: ev.shown.priority, playbook: n.playbook, run_id: n.run_id, step_id: n.step_id, ts: n.at, alert: publicAlert(ev.alert) },
    },
  ];
}

/** Vigil's own protocol: hello, alert.new / alert.updated, metrics; ping, subscribe, resume, set_status. */
export function nativeDialect(session: Session, ctx: DialectContext): DialectHandler {
  let filter = new AlertFilter({});
  const out = (type: string, data: Record<string, unknown>) => session.sendJson({ type, seq: session.cursor, data });
  const refOf = (ref: string | number | undefined) => (ref === undefined ? {} : { ref });

  const resume = (since: number, ref: string | number | undefined) => {
    const head = ctx.headSeq();
    if (since > head) {
      session.error('BAD_SEQ', `since_seq ${since} is ahead of this feed (head ${head}); was it taken from another Vigil?`, ref);
      return;
    }
    if (session.resumed) {
      session.error('ALREADY_RESUMED', 'resume is accepted once per connection; reconnect to resume again', ref);
      return;
    }
    session.startReplay(since, (replayed) => out('resumed', { since_seq: since, replayed, head_seq: ctx.headSeq(), ...refOf(ref) }));
  };

  const handler: DialectHandler = {
    open() {
      const raw = session.url.searchParams.get('since_seq');
      const since = raw !== null && /^\d{1,15}$/.test(raw) ? Number(raw) : null;
      const head = ctx.headSeq();
      const startAt = since !== null && since <= head ? since : head;
      session.cursor = startAt;
      out('hello', {
        server: ctx.serverName,
        version: ctx.version,
        protocol: NATIVE_PROTOCOL_VERSION,
        client_id: session.id,
        head_seq: head,
        token: { name: session.identity?.name ?? null, role: session.identity?.role ?? null },
        ping_interval_ms: ctx.limits.pingIntervalMs,
        max_payload: ctx.limits.maxPayload,
      });
      if (raw !== null && since === null) session.error('BAD_SEQ', 'since_seq must be a whole number');
      if (since !== null && since > head) session.error('BAD_SEQ', `since_seq ${since} is ahead of this feed (head ${head})`);
      if (since !== null && since <= head) resume(since, undefined);
      else session.goLive(head);
    },

    message(text) {
      const obj = session.parseObject(text);
      if (!obj) return;
      const ref = typeof obj['ref'] === 'string' || typeof obj['ref'] === 'number' ? (obj['ref'] as string | number) : undefined;
      if (typeof obj['type'] !== 'string' || !KNOWN_TYPES.has(obj['type'])) {
        session.error('UNKNOWN_TYPE', `unknown message type ${JSON.stringify(String(obj['type'] ?? '')).slice(0, 40)}; expected ping, subscribe, resume or set_status`, ref);
        return;
      }
      const parsed = NativeClientMessage.safeParse(obj);
      if (!parsed.success) {
        const issues = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`);
        session.error('BAD_REQUEST', `invalid ${obj['type']}: ${issues.join('; ')}`, ref);
        return;
      }
      const msg = parsed.data;
      switch (msg.type) {
        case 'ping':
          out('pong', { ts: new Date().toISOString(), head_seq: ctx.headSeq(), ...refOf(msg.ref) });
          return;
        case 'subscribe':
          filter = new AlertFilter(msg.filters);
          out('subscribed', { filters: msg.filters, ...refOf(msg.ref) });
          return;
        case 'resume':
          resume(msg.since_seq, msg.ref);
          return;
        case 'set_status': {
          if (session.identity?.role !== 'analyst') {
            session.error('FORBIDDEN', 'set_status needs an analyst token; this one is a viewer token', msg.ref);
            return;
          }
          const act = ctx.setStatus;
          if (!act) {
            session.error('UNAVAILABLE', 'this feed does not accept status changes', msg.ref);
            return;
          }
          if (session.inFlight >= ctx.limits.maxInFlight) {
            session.error('BUSY', 'too many set_status calls in flight', msg.ref);
            return;
          }
          session.inFlight++;
          const req = msg.note !== undefined && msg.note.length > 0 ? { id: msg.id, status: msg.status, note: msg.note } : { id: msg.id, status: msg.status };
          act(req, `feed:${session.identity.name}`)
            .then((r) => {
              if (r.ok) out('result', { ok: true, alert: r.alert, ...refOf(msg.ref) });
              else session.error(r.error.code, r.error.message, msg.ref);
            })
            .catch(() => session.error('INTERNAL', 'set_status failed', msg.ref))
            .finally(() => session.inFlight--);
          return;
        }
      }
    },

    frames(ev) {
      if (!filter.accepts(ev.alert)) return [];
      return ev.render('native', () => [nativeAlertFrame(ev)]);
    },

    // the client's subscription applies to a notice as to the alert it is about
    notice: (ev) => (filter.accepts(ev.shown) ? ev.render('native', () => nativeNotice(ev)) : []),

    sharedKey: () => (filter.empty ? 'native' : null),

    errorFrame(code, message, ref) {
      return frame({ type: 'error', seq: session.cursor, data: { code, message, ...refOf(ref) } });
    },

    laggingFrame() {
      return frame({
        type: 'lagging',
        seq: session.cursor,
        data: { resume_from: session.cursor, message: 'this client fell behind and is being disconnected (1013); reconnect with since_seq' },
      });
    },

    metrics(figures) {
      if (filter.spec.metrics === false || session.state !== 'live') return;
      out('metrics', { ...(figures as Record<string, unknown>), alerts_sent_to_you: session.alertsSent });
    },
  };
  return handler;
}
