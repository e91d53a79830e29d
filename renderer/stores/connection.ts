import { create } from 'zustand';
import type { ConnectionInfo, VigilApi } from '../api/index.js';

export interface ConnectionState extends ConnectionInfo {
  /** Incremented each time the connection (re)opens after having been lost: stores refresh on it. */
  reopenedCount: number;
}

export const useConnection = create<ConnectionState>(() => ({
  transport: 'ws',
  status: 'connecting',
  attempt: 0,
  retryAt: null,
  everConnected: false,
  reopenedCount: 0,
}));

/** Mirrors the client's connection state into the store; returns the unsubscribe function. */
export function bindConnection(client: VigilApi): () => void {
  useConnection.setState({ ...client.connection() });
  return client.onConnection((next) => {
    const prev = useConnection.getState();
    const reopened = next.status === 'open' && prev.status !== 'open' && prev.everConnected;
    useConnection.setState({ ...next, reopenedCount: prev.reopenedCount + (reopened ? 1 : 0) });
  });
}
