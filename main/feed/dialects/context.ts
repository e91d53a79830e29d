import type { Alert, AlertStatus } from '../../contract/alerts.js';
import type { FeedDialect, FeedTotals } from '../../contract/feed.js';
import type { FeedRepo } from '../../store/feed-repo.js';
import type { FeedLimits } from '../limits.js';
import type { ThreatStreamShared } from './threatstream.js';
import type { DialectHandler, Session } from '../session.js';

/** The contract's alerts.setStatus, called with the token's name as the actor. */
export type SetStatusAction = (
  req: { id: number; status: AlertStatus; note?: string },
  actor: string,
) => Promise<{ ok: true; alert: Alert } | { ok: false; error: { code: string; message: string } }>;

/** What a dialect handler may use besides its session. */
export interface DialectContext {
  readonly serverName: string;
  readonly version: string;
  readonly limits: FeedLimits;
  readonly repo: FeedRepo;
  readonly threatstream: ThreatStreamShared;
  readonly setStatus: SetStatusAction | null;
  headSeq(): number;
  totals(): FeedTotals;
  /** ATT&CK technique name, when the bundled table knows it. */
  techniqueName(id: string): string | null;
  /**
   * Authenticates a token sent in a message (IPS; null: the message had none) for this session's
   * path and address, under the caps of authenticated clients. On failure the session is closed;
   * returns whether it is authenticated now.
   */
  authenticateLate(session: Session, token: string | null): boolean;
  /** Sessions of one dialect (for broadcasts such as ThreatStream's risk_update). */
  sessionsOf(dialect: FeedDialect): Iterable<Session>;
}

export type DialectFactory = (session: Session, ctx: DialectContext) => DialectHandler;
