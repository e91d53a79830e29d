import type { CLOSE_UNAUTHORIZED, TokenSource, UNAUTHORIZED_REASON_PREFIX } from '../../main/contract/wire.js';
import { ApiError, isErrorShape } from './errors.js';
import type { ConnectionInfo, Transport } from './transport.js';

/** The contract's close code for a refused token (kept in sync by the type check). */
const CLOSE_DENIED: typeof CLOSE_UNAUTHORIZED = 4001;
const DENIED_REASON: typeof UNAUTHORIZED_REASON_PREFIX = 'a valid token is required; token-source=';
const TOKEN_SOURCES: readonly TokenSource[] = ['launch', 'flag', 'env', 'stdin'];

/** The token source named in a 4001 close reason, or null. */
export function tokenSourceFromReason(reason: string): TokenSource | null {
  if (!reason.startsWith(DENIED_REASON)) return null;
  const name = reason.slice(DENIED_REASON.length);
  return TOKEN_SOURCES.find((s) => s === name) ?? null;
}

/** Reconnect delays: 1 s, 2 s, 4 s, 8 s, then 15 s forever. */
export function backoffDelay(attempt: number): number {
  return Math.min(15_000, 1000 * 2 ** Math.max(0, attempt - 1));
}

/**
 * A socket opened before the app's code ran (renderer/public/early-socket.js): the transport
 * takes it over for its first connection when it was opened on the same URL.
 */
export interface EarlySocket {
  url: string;
  socket: WebSocket;
}

export interface WsTransportOptions {
  /** Full ws(s):// URL including the token; null when there is no token at all. */
  url: string | null;
  /** Called when the server refuses the token (e.g. to forget a stored token). */
  onDenied?: () => void;
  /** A socket opened early on the same URL, adopted for the first connection (null: none). */
  early?: EarlySocket | null;
  /** Injected for tests; defaults to the global WebSocket. */
  WebSocketImpl?: typeof WebSocket;
}

interface Pending {
  channel: string;
  request: unknown;
  resolve: (value: unknown) => void;
  reject: (err: ApiError) => void;
}

/**
 * Headless (`vigil serve`): one WebSocket carrying `{id, channel, request}` frames out and
 * `{type:'result'|'event', ...}` frames in. Calls made while the socket is not open wait in
 * a queue; calls in flight when it closes are rejected (DISCONNECTED), since the server may or
 * may not have run them.
 */
export function createWsTransport(opts: WsTransportOptions): Transport {
  const WS = opts.WebSocketImpl ?? WebSocket;
  let socket: WebSocket | null = null;
  let nextId = 1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  const inFlight = new Map<number, Pending>();
  const queue: Pending[] = [];
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const stateListeners = new Set<(s: ConnectionInfo) => void>();
  let earlySocket = opts.early ?? null;
  let info: ConnectionInfo = { transport: 'ws', status: 'connecting', attempt: 0, retryAt: null, everConnected: false };

  function setState(patch: Partial<ConnectionInfo>): void {
    info = { ...info, ...patch };
    for (const l of stateListeners) {
      try {
        l(info);
      } catch (err) {
        console.error('connection listener failed', err);
      }
    }
  }

  function send(p: Pending): void {
    const id = nextId++;
    inFlight.set(id, p);
    try {
      socket!.send(JSON.stringify({ id, channel: p.channel, request: p.request }));
    } catch (err) {
      inFlight.delete(id);
      p.reject(ApiError.from(err, p.channel));
    }
  }

  function rejectAll(list: Iterable<Pending>, makeError: (p: Pending) => ApiError): void {
    for (const p of list) p.reject(makeError(p));
  }

  function deny(tokenSource: TokenSource | null = null): void {
    setState({ status: 'denied', retryAt: null, tokenSource });
    const err = (p: Pending) => new ApiError('UNAUTHORIZED', 'Access denied: the token was refused', undefined, p.channel);
    rejectAll(inFlight.values(), err);
    inFlight.clear();
    rejectAll(queue.splice(0), err);
    opts.onDenied?.();
  }

  function onMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let frame: unknown;
    try {
      frame = JSON.parse(data);
    } catch {
      console.warn('vigil: ignoring a frame that is not JSON');
      return;
    }
    if (typeof frame !== 'object' || frame === null) return;
    const f = frame as Record<string, unknown>;
    if (f.type === 'result' && typeof f.id === 'number') {
      const p = inFlight.get(f.id);
      if (!p) return;
      inFlight.delete(f.id);
      if (f.ok === true) p.resolve(f.result);
      else if (isErrorShape(f.error)) p.reject(ApiError.fromShape(f.error, p.channel));
      else p.reject(new ApiError('TRANSPORT', 'The server answered with a malformed error', undefined, p.channel));
    } else if (f.type === 'event' && typeof f.event === 'string') {
      const set = eventListeners.get(f.event);
      if (!set) return;
      for (const l of [...set]) {
        try {
          l(f.payload);
        } catch (err) {
          console.error(`listener for ${f.event} failed`, err);
        }
      }
    }
  }

  function scheduleReconnect(): void {
    const attempt = info.attempt + 1;
    const delay = backoffDelay(attempt);
    setState({ status: 'reconnecting', attempt, retryAt: Date.now() + delay });
    timer = setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  }

  /** The early socket, if it is for this URL and still usable; taken once. */
  function takeEarly(): WebSocket | null {
    const early = earlySocket;
    earlySocket = null;
    if (!early) return null;
    const usable = early.socket.readyState === WS.CONNECTING || early.socket.readyState === WS.OPEN;
    if (early.url !== opts.url || !usable) {
      if (usable) early.socket.close(1000);
      return null;
    }
    return early.socket;
  }

  function opened(ws: WebSocket): void {
    if (socket !== ws) return;
    setState({ status: 'open', attempt: 0, retryAt: null, everConnected: true });
    for (const p of queue.splice(0)) send(p);
  }

  function connect(): void {
    if (closed) return;
    if (opts.url === null) {
      deny();
      return;
    }
    const early = takeEarly();
    let ws: WebSocket;
    try {
      ws = early ?? new WS(opts.url);
    } catch (err) {
      console.error('vigil: cannot open the WebSocket', err);
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.onopen = () => opened(ws);
    ws.onmessage = (ev: MessageEvent) => {
      if (socket === ws) onMessage(ev.data);
    };
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      const lost = (p: Pending) => new ApiError('DISCONNECTED', 'The connection to Vigil was lost', undefined, p.channel);
      if (ev.code === CLOSE_DENIED) {
        deny(tokenSourceFromReason(ev.reason));
        return;
      }
      rejectAll(inFlight.values(), lost);
      inFlight.clear();
      if (!closed) scheduleReconnect();
    };
    // 'error' is always followed by 'close'; nothing to do here beyond not throwing.
    ws.onerror = () => {};
    // an early socket may be open already: its 'open' event has gone by
    if (early && ws.readyState === WS.OPEN) opened(ws);
  }

  connect();

  return {
    kind: 'ws',
    invoke(channel, request) {
      return new Promise<unknown>((resolve, reject) => {
        if (info.status === 'denied') {
          reject(new ApiError('UNAUTHORIZED', 'Access denied: the token was refused', undefined, channel));
          return;
        }
        const p: Pending = { channel, request, resolve, reject };
        if (socket && socket.readyState === WS.OPEN) send(p);
        else queue.push(p);
      });
    },
    on(event, listener) {
      let set = eventListeners.get(event);
      if (!set) eventListeners.set(event, (set = new Set()));
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    state: () => info,
    onState(listener) {
      stateListeners.add(listener);
      return () => {
        stateListeners.delete(listener);
      };
    },
    reconnectNow() {
      if (info.status !== 'reconnecting' || closed) return;
      if (timer) clearTimeout(timer);
      timer = null;
      setState({ retryAt: null });
      connect();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      const s = socket;
      socket = null;
      s?.close(1000);
      const lost = (p: Pending) => new ApiError('DISCONNECTED', 'The connection was closed', undefined, p.channel);
      rejectAll(inFlight.values(), lost);
      inFlight.clear();
      rejectAll(queue.splice(0), lost);
    },
  };
}
