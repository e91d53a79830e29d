import type { TokenSource } from '../../main/contract/wire.js';

/** Connection state as the UI shows it. */
export type ConnectionStatus =
  /** First connection attempt in progress (calls are queued). */
  | 'connecting'
  /** Connected; calls go straight through. The IPC transport is always open. */
  | 'open'
  /** The socket closed; the next attempt is scheduled at `retryAt` (calls are queued). */
  | 'reconnecting'
  /** The server refused the token (close code 4001). Terminal until the page is reloaded. */
  | 'denied';

export interface ConnectionInfo {
  transport: 'ipc' | 'ws';
  status: ConnectionStatus;
  /** Reconnect attempts since the last successful open (0 when open). */
  attempt: number;
  /** Epoch ms of the next reconnect attempt, when status is 'reconnecting'. */
  retryAt: number | null;
  /** Whether a connection was ever established in this page. */
  everConnected: boolean;
  /** When denied: how `vigil serve` was given its token (null when the server did not say). */
  tokenSource?: TokenSource | null;
}

/** What both transports implement; `api/client.ts` puts the typed face on it. */
export interface Transport {
  readonly kind: 'ipc' | 'ws';
  /** Resolves with the call's result or rejects with an ApiError. */
  invoke(channel: string, request: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
  state(): ConnectionInfo;
  onState(listener: (state: ConnectionInfo) => void): () => void;
  /** Skips the remaining backoff and reconnects at once (no-op for IPC). */
  reconnectNow(): void;
  close(): void;
}
