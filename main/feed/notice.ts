import type { FeedDialect } from '../contract/feed.js';
import type { NoticeEvent } from './event.js';
import { NATIVE_PATH, nativeNotice } from './dialects/native.js';
import { AEGIS_PATHS, aegisNotice } from './dialects/aegis.js';
import { THREATSTREAM_PATH, threatStreamNotice } from './dialects/threatstream.js';
import { BLUEWALL_PATH, IPS_PATHS, IPS_STOCK_PATH, ipsStockNotice, securityNotice } from './dialects/security-alert.js';

/**
 * How each dialect carries a playbook's notice: one entry per frame shape (IPS has two paths with
 * two shapes). The key is the render key the dialect handlers use, so a dry-run shows exactly the
 * payloads the clients get. Facts on what each client shows: reference/feed-clients.md and the
 * comments of each dialect's notice function.
 */
export const NOTICE_VARIANTS: readonly {
  dialect: FeedDialect;
  key: string;
  paths: readonly string[];
  how: string;
  build(ev: NoticeEvent, techniqueName: (id: string) => string | null): readonly unknown[];
}[] = [
  { dialect: 'native', key: 'native', paths: [NATIVE_PATH], how: 'a notice frame with the alert attached', build: nativeNotice },
  { dialect: 'aegis', key: 'aegis', paths: AEGIS_PATHS, how: 'the alert re-sent (same id: the page replaces it) with the message as its description', build: aegisNotice },
  {
    dialect: 'threatstream',
    key: 'threatstream',
    paths: [THREATSTREAM_PATH],
    how: 'a new_threat of its own id with the message as its description, then risk_update (the gauge stays)',
    build: threatStreamNotice,
  },
  { dialect: 'bluewall', key: 'security_alert', paths: [BLUEWALL_PATH], how: 'a security_alert whose details start with the message', build: securityNotice },
  { dialect: 'ips', key: 'security_alert', paths: IPS_PATHS.filter((p) => p !== IPS_STOCK_PATH), how: 'a security_alert whose description is the message', build: securityNotice },
  { dialect: 'ips', key: 'ips_alert', paths: [IPS_STOCK_PATH], how: 'an alert titled with the message', build: ipsStockNotice },
];

/** Who gets a notice: these dialects (null: every one), and only these clients by token name (null: all). */
export interface FeedNoticeTarget {
  dialects: readonly FeedDialect[] | null;
  clients: readonly string[] | null;
}

export interface FeedNoticePlan {
  dialect: FeedDialect;
  /** Whether the dialect is enabled in the feed's configuration (a disabled one gets nothing). */
  enabled: boolean;
  variants: { paths: readonly string[]; how: string; frames: readonly unknown[] }[];
}

/** Where the feed is: running here, in another Vigil process (whose clients this one cannot reach), or off. */
export type FeedPlace = 'running' | 'other_process' | 'off';

/** What a notice would send (dry-run, approvals, the step log's request). */
export interface FeedNoticePreview {
  feed: FeedPlace;
  dialects: FeedNoticePlan[];
}

/** What a notice did, per dialect. */
export interface FeedNoticeDelivery {
  dialect: FeedDialect;
  enabled: boolean;
  /** Clients of this dialect connected when it was sent. */
  connected: number;
  sent: number;
  /** Their own subscription (severity, source, agent...) does not take it. */
  filtered: number;
  /** Not live yet (authenticating, waiting for a handshake, replaying). */
  not_ready: number;
  /** Not one of the clients the step names. */
  not_chosen: number;
  /** The dialect's clients have no way to show a notice (or it could not be rendered for them). */
  unsupported: number;
  /** The client was not reading and was dropped (1013) instead. */
  dropped: number;
}

export interface FeedNoticeResult {
  /** sent: at least one client got it; the others are clear non-errors that sent nothing. */
  outcome: 'sent' | 'no_clients' | 'feed_off' | 'feed_in_other_process';
  /** One line for the step log. */
  message: string;
  sent: number;
  dialects: FeedNoticeDelivery[];
  /** The feed moved on between the rendering (shown in the log) and the send: it was rendered again. */
  rendered_again?: true;
}

/** A notice rendered once: its preview, and the send of exactly those frames. */
export interface PreparedFeedNotice {
  preview: FeedNoticePreview;
  send(): FeedNoticeResult;
}
