import { create } from 'zustand';
import type { RequestInput, Response } from '../../main/contract/channels.js';
import type { EventPayload } from '../../main/contract/events.js';
import type { FeedStatus, FeedToken, FeedTokenCreated } from '../../main/contract/feed.js';
import { api, errorMessage } from '../api/index.js';

/** feed.status (and the token list) are polled this often while the Feed screen is visible. */
export const FEED_POLL_MS = 2000;

export type Loadable = 'idle' | 'loading' | 'ready' | 'error';
export type FeedConfigureInput = RequestInput<'feed.configure'>;
export type FeedTokenCreateInput = RequestInput<'feed.tokens.create'>;
export type FeedRevokeResult = Response<'feed.tokens.revoke'>;

export interface FeedState {
  status: FeedStatus | null;
  statusState: Loadable;
  /** The last failed load; the previous status stays on screen when there is one. */
  statusError: string | null;
  updatedAt: number | null;

  tokens: FeedToken[];
  tokensState: Loadable;
  tokensError: string | null;
  includeRevoked: boolean;

  /** A feed.configure call is in flight (switch and Save are disabled). */
  configuring: boolean;
  /** Token ids with a revoke in flight. */
  revoking: Record<number, boolean>;

  load(): Promise<void>;
  loadTokens(): Promise<void>;
  /** Polls status and tokens while the screen is mounted and the page visible, and follows feed.changed; returns the stop function. */
  startPolling(): () => void;
  handleChanged(p: EventPayload<'feed.changed'>): void;
  /** Saves configuration. Rejects with the ApiError (the screen shows it inline). */
  configure(req: FeedConfigureInput): Promise<FeedStatus>;
  /** Creates a token. Resolves with the secret, which is shown once and never kept here. */
  createToken(req: FeedTokenCreateInput): Promise<FeedTokenCreated>;
  revokeToken(id: number): Promise<FeedRevokeResult>;
  setIncludeRevoked(v: boolean): void;
}

export const useFeed = create<FeedState>((set, get) => {
  // Responses are applied in the order their requests started: a poll that began before a
  // configure call must not put the old configuration back on screen.
  let statusSeq = 0;
  let appliedSeq = 0;
  let statusInFlight = false;
  let statusAgain = false;
  let tokensSeq = 0;

  const applyStatus = (seq: number, status: FeedStatus) => {
    if (seq < appliedSeq) return;
    appliedSeq = seq;
    set({ status, statusState: 'ready', statusError: null, updatedAt: Date.now() });
  };

  return {
    status: null,
    statusState: 'idle',
    statusError: null,
    updatedAt: null,
    tokens: [],
    tokensState: 'idle',
    tokensError: null,
    includeRevoked: true,
    configuring: false,
    revoking: {},

    async load() {
      if (statusInFlight) {
        statusAgain = true;
        return;
      }
      statusInFlight = true;
      if (get().statusState !== 'ready') set({ statusState: 'loading' });
      const seq = ++statusSeq;
      try {
        applyStatus(seq, await api.call('feed.status'));
      } catch (err) {
        if (get().status) set({ statusError: errorMessage(err) });
        else set({ statusState: 'error', statusError: errorMessage(err) });
      } finally {
        statusInFlight = false;
        if (statusAgain) {
          statusAgain = false;
          void get().load();
        }
      }
    },

    async loadTokens() {
      const seq = ++tokensSeq;
      if (get().tokensState !== 'ready') set({ tokensState: 'loading' });
      try {
        const tokens = await api.call('feed.tokens.list', { include_revoked: get().includeRevoked });
        if (seq !== tokensSeq) return;
        set({ tokens, tokensState: 'ready', tokensError: null });
      } catch (err) {
        if (seq !== tokensSeq) return;
        set(get().tokensState === 'ready' ? { tokensError: errorMessage(err) } : { tokensState: 'error', tokensError: errorMessage(err) });
      }
    },

    startPolling() {
      const tick = () => {
        void get().load();
        void get().loadTokens();
      };
      tick();
      const t = setInterval(() => {
        if (document.visibilityState === 'visible') tick();
      }, FEED_POLL_MS);
      const onVisible = () => {
        if (document.visibilityState === 'visible') tick();
      };
      document.addEventListener('visibilitychange', onVisible);
      const off = api.on('feed.changed', (p) => get().handleChanged(p));
      return () => {
        clearInterval(t);
        document.removeEventListener('visibilitychange', onVisible);
        off();
      };
    },

    handleChanged(p) {
      const s = get().status;
      // Reflect the event at once; the full status follows.
      if (s && s.totals && s.running === p.running) set({ status: { ...s, totals: { ...s.totals, connections_active: p.connections_active } } });
      void get().load();
      void get().loadTokens();
    },

    async configure(req) {
      set({ configuring: true });
      const seq = ++statusSeq;
      try {
        const status = await api.call('feed.configure', req);
        applyStatus(seq, status);
        return status;
      } finally {
        set({ configuring: false });
      }
    },

    async createToken(req) {
      const created = await api.call('feed.tokens.create', req);
      set({ tokens: [created.token, ...get().tokens.filter((t) => t.id !== created.token.id)] });
      void get().loadTokens();
      return created;
    },

    async revokeToken(id) {
      set({ revoking: { ...get().revoking, [id]: true } });
      try {
        const out = await api.call('feed.tokens.revoke', { id });
        await Promise.all([get().loadTokens(), get().load()]);
        return out;
      } finally {
        const revoking = { ...get().revoking };
        delete revoking[id];
        set({ revoking });
      }
    },

    setIncludeRevoked(v) {
      set({ includeRevoked: v });
      void get().loadTokens();
    },
  };
});
