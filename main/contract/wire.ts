import { z } from 'zod';
import { type ContractErrorShape } from './errors.js';

/**
 * Frames of the headless transport (`vigil serve`): the same contract as the Electron IPC,
 * carried over one WebSocket.
 */
export const ClientFrame = z
  .object({
    id: z.number().int().nonnegative(),
    channel: z.string().max(64),
    request: z.unknown(),
  })
  .strict();
export type ClientFrame = z.infer<typeof ClientFrame>;

export type ServerFrame =
  | { type: 'result'; id: number; ok: true; result: unknown }
  | { type: 'result'; id: number; ok: false; error: ContractErrorShape }
  | { type: 'event'; event: string; payload: unknown };

/** What a transport returns for one call: a result or the typed error. */
export type CallOutcome<T> = { ok: true; result: T } | { ok: false; error: ContractErrorShape };

/** The API object preload exposes as window.vigil. */
export interface VigilBridge {
  invoke(channel: string, request: unknown): Promise<CallOutcome<unknown>>;
  /** Subscribes to a push event; returns the function that unsubscribes. */
  on(event: string, listener: (payload: unknown) => void): () => void;
}

/** The one IPC channel main uses to push contract events to the preload. */
export const IPC_EVENT_CHANNEL = 'vigil:event';

/** Headless WebSocket path and close codes. */
export const HEADLESS_WS_PATH = '/api/ws';
export const CLOSE_UNAUTHORIZED = 4001;

/**
 * How `vigil serve` got its token: a fresh one per launch, `--token`, `VIGIL_TOKEN` or
 * `--token-stdin`. A refused socket is closed with CLOSE_UNAUTHORIZED and the reason
 * `unauthorizedReason(source)`, so the access-denied page can say where the right token is.
 */
export const TOKEN_SOURCES = ['launch', 'flag', 'env', 'stdin'] as const;
export type TokenSource = (typeof TOKEN_SOURCES)[number];
export const UNAUTHORIZED_REASON_PREFIX = 'a valid token is required; token-source=';
export function unauthorizedReason(source: TokenSource): string {
  return `${UNAUTHORIZED_REASON_PREFIX}${source}`;
}
