import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import type {} from '../../renderer/api/global.js';
import { headlessSocketUrl } from '../../renderer/api/token.js';
import { createWsTransport, type EarlySocket } from '../../renderer/api/ws-transport.js';

/** A stand-in WebSocket: records what is sent, opens and closes when the test says. */
class FakeSocket {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSING = 2;
  static readonly CLOSED = 3;
  static made: FakeSocket[] = [];
  readyState = FakeSocket.CONNECTING;
  sent: unknown[] = [];
  closedWith: number | null = null;
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.made.push(this);
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(code = 1000): void {
    this.closedWith = code;
    this.readyState = FakeSocket.CLOSED;
  }
  open(): void {
    this.readyState = FakeSocket.OPEN;
    this.onopen?.();
  }
  answer(id: number, result: unknown): void {
    this.onmessage?.({ data: JSON.stringify({ type: 'result', id, ok: true, result }) });
  }
  drop(code = 1006): void {
    this.readyState = FakeSocket.CLOSED;
    this.onclose?.({ code, reason: '' });
  }
}

const URL_A = 'ws://127.0.0.1:4780/api/ws?token=a';
const Impl = FakeSocket as unknown as typeof WebSocket;

function early(url: string, state: number): { early: EarlySocket; socket: FakeSocket } {
  const socket = new FakeSocket(url);
  socket.readyState = state;
  FakeSocket.made = [];
  return { early: { url, socket: socket as unknown as WebSocket }, socket };
}

describe('the headless transport takes over a socket opened before the app ran', () => {
  it('an early socket already open: no second socket, the state is open and calls go straight out on it', async () => {
    const { early: e, socket } = early(URL_A, FakeSocket.OPEN);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    expect(FakeSocket.made).toHaveLength(0);
    expect(t.state()).toMatchObject({ status: 'open', everConnected: true });
    const call = t.invoke('alerts.list', { limit: 100 });
    expect(socket.sent).toEqual([{ id: 1, channel: 'alerts.list', request: { limit: 100 } }]);
    socket.answer(1, { items: [], next: null });
    await expect(call).resolves.toEqual({ items: [], next: null });
    t.close();
  });

  it('an early socket still connecting: calls wait for its open, in the order they were made', () => {
    const { early: e, socket } = early(URL_A, FakeSocket.CONNECTING);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    expect(FakeSocket.made).toHaveLength(0);
    expect(t.state().status).toBe('connecting');
    t.invoke('alerts.list', {}).catch(() => undefined);
    t.invoke('settings.get', {}).catch(() => undefined);
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.sent.map((f) => (f as { channel: string }).channel)).toEqual(['alerts.list', 'settings.get']);
    expect(t.state().status).toBe('open');
    t.close();
  });

  it('pushed events reach listeners through the adopted socket', () => {
    const { early: e, socket } = early(URL_A, FakeSocket.OPEN);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    const got: unknown[] = [];
    t.on('alerts.changed', (p) => got.push(p));
    socket.onmessage?.({ data: JSON.stringify({ type: 'event', event: 'alerts.changed', payload: { ids: [1] } }) });
    expect(got).toEqual([{ ids: [1] }]);
    t.close();
  });

  it('an early socket for another URL (another token) is closed, and the transport opens its own', () => {
    const { early: e, socket } = early('ws://127.0.0.1:4780/api/ws?token=old', FakeSocket.OPEN);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    expect(socket.closedWith).toBe(1000);
    expect(FakeSocket.made.map((s) => s.url)).toEqual([URL_A]);
    expect(t.state().status).toBe('connecting');
    t.close();
  });

  it('an early socket that has closed already (e.g. refused) is left alone: a new one gets the answer', () => {
    const { early: e } = early(URL_A, FakeSocket.CLOSED);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    expect(FakeSocket.made.map((s) => s.url)).toEqual([URL_A]);
    t.close();
  });

  it('the early socket serves the first connection only: after it drops, a fresh one is opened', () => {
    const { early: e, socket } = early(URL_A, FakeSocket.OPEN);
    const t = createWsTransport({ url: URL_A, early: e, WebSocketImpl: Impl });
    socket.drop();
    expect(t.state().status).toBe('reconnecting');
    t.reconnectNow();
    expect(FakeSocket.made.map((s) => s.url)).toEqual([URL_A]);
    expect(FakeSocket.made[0]).not.toBe(socket);
    t.close();
  });
});

describe('early-socket.js', () => {
  const source = fs.readFileSync(path.join(import.meta.dirname, '../../renderer/public/early-socket.js'), 'utf8');

  function runScript(href: string, extra: { stored?: string; vigil?: unknown; taken?: boolean } = {}) {
    const made: string[] = [];
    const location = new URL(href);
    const win: Record<string, unknown> = {};
    if (extra.vigil) win.vigil = extra.vigil;
    if (extra.taken) win.__vigilEarlySocket = null;
    const context = vm.createContext({
      window: win,
      location,
      URL,
      encodeURIComponent,
      sessionStorage: { getItem: (k: string) => (k === 'vigil.token' ? (extra.stored ?? null) : null) },
      WebSocket: class {
        constructor(readonly url: string) {
          made.push(url);
        }
      },
    });
    vm.runInContext(source, context);
    return { made, early: win.__vigilEarlySocket as { url: string } | null | undefined, location };
  }

  it('opens the very URL the transport would open, token from the launch link, and changes nothing', () => {
    const href = 'http://127.0.0.1:4780/?token=abc%2Bdef#/alerts';
    const { made, early: e, location } = runScript(href);
    const expected = headlessSocketUrl('abc+def', '/api/ws', location as unknown as Location);
    expect(made).toEqual([expected]);
    expect(e?.url).toBe(expected);
    expect(location.href).toBe(href);
  });

  it('reads the token kept in sessionStorage after a reload, and uses wss on https', () => {
    const { made } = runScript('https://vigil.lan:4780/#/alerts', { stored: 'kept' });
    expect(made).toEqual(['wss://vigil.lan:4780/api/ws?token=kept']);
  });

  it('opens nothing without a token, in the desktop app, or once the app has started', () => {
    expect(runScript('http://127.0.0.1:4780/#/alerts').made).toEqual([]);
    expect(runScript('http://127.0.0.1:4780/?token=abc', { vigil: {} }).made).toEqual([]);
    expect(runScript('http://127.0.0.1:4780/?token=abc', { taken: true }).made).toEqual([]);
  });
});
