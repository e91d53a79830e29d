import type { ChannelName, RequestInput, Response } from '../../main/contract/channels.js';
import type { EventName, EventPayload } from '../../main/contract/events.js';
import type { HEADLESS_WS_PATH } from '../../main/contract/wire.js';
import { ApiError } from './errors.js';
import { createIpcTransport } from './ipc-transport.js';
import type { ConnectionInfo, Transport } from './transport.js';
import { forgetToken, headlessSocketUrl, takeToken } from './token.js';
import { createWsTransport } from './ws-transport.js';

/** The contract's headless WebSocket path (kept in sync by the type check). */
const WS_PATH: typeof HEADLESS_WS_PATH = '/api/ws';

/** Request argument: optional for channels whose whole request has a default (e.g. `app.info`). */
export type CallArgs<C extends ChannelName> = undefined extends RequestInput<C>
  ? [request?: RequestInput<C>]
  : [request: RequestInput<C>];

/** The typed face of the contract for UI code. */
export interface VigilApi {
  /** Which transport carries the calls: Electron IPC or the headless WebSocket. */
  readonly transport: 'ipc' | 'ws';
  /** Calls a contract channel. Rejects with an ApiError (contract code, message, issues). */
  call<C extends ChannelName>(channel: C, ...args: CallArgs<C>): Promise<Response<C>>;
  /** Subscribes to a push event; returns the function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  connection(): ConnectionInfo;
  onConnection(listener: (state: ConnectionInfo) => void): () => void;
  /** Headless: retry the connection now instead of waiting out the backoff. */
  reconnectNow(): void;
  close(): void;
}

export function createApiFromTransport(t: Transport): VigilApi {
  return {
    transport: t.kind,
    async call<C extends ChannelName>(channel: C, ...args: CallArgs<C>): Promise<Response<C>> {
      const request = args[0] ?? {};
      try {
        return (await t.invoke(channel, request)) as Response<C>;
      } catch (err) {
        throw ApiError.from(err, channel);
      }
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
      return t.on(event, listener as (payload: unknown) => void);
    },
    connection: () => t.state(),
    onConnection: (l) => t.onState(l),
    reconnectNow: () => t.reconnectNow(),
    close: () => t.close(),
  };
}

/**
 * Picks the transport: the Electron preload bridge when present, otherwise the headless
 * WebSocket of the page's own origin, authenticated with the token from the launch link.
 */
export function createApi(win: Window = window): VigilApi {
  if (win.vigil) return createApiFromTransport(createIpcTransport(win.vigil));
  const token = takeToken(win);
  // the socket early-socket.js opened while this code loaded; null marks it taken (a late
  // early script then opens nothing)
  const early = win.__vigilEarlySocket ?? null;
  win.__vigilEarlySocket = null;
  return createApiFromTransport(
    createWsTransport({
      // without a token the socket is still opened: its refusal says how the server got its token
      url: headlessSocketUrl(token, WS_PATH, win.location),
      onDenied: () => forgetToken(win),
      early,
    }),
  );
}
