/**
 * The renderer's only door to Vigil: everything else imports `api` from here and never
 * touches window.vigil or the WebSocket directly.
 */
import type { ChannelName, Response } from '../../main/contract/channels.js';
import type { EventName, EventPayload } from '../../main/contract/events.js';
import { createApi, type CallArgs, type VigilApi } from './client.js';

export { ApiError, errorMessage, type ApiErrorCode } from './errors.js';
export type { ConnectionInfo, ConnectionStatus } from './transport.js';
export { createApi, createApiFromTransport, type CallArgs, type VigilApi } from './client.js';

let instance: VigilApi | null = null;

/** The page's client, created on first use (nothing connects at import time). */
export function getApi(): VigilApi {
  return (instance ??= createApi());
}

/** Replaces the client (tests, storybook-like harnesses). Closes the previous one. */
export function setApi(next: VigilApi | null): void {
  instance?.close();
  instance = next;
}

/** Lazy facade over getApi(): `api.call('alerts.list', {...})`, `api.on('alerts.changed', fn)`. */
export const api: VigilApi = {
  get transport() {
    return getApi().transport;
  },
  call<C extends ChannelName>(channel: C, ...args: CallArgs<C>): Promise<Response<C>> {
    return getApi().call(channel, ...args);
  },
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void) {
    return getApi().on(event, listener);
  },
  connection: () => getApi().connection(),
  onConnection: (l) => getApi().onConnection(l),
  reconnectNow: () => getApi().reconnectNow(),
  close: () => getApi().close(),
};
