import type { VigilBridge } from '../../main/contract/wire.js';
import type { EarlySocket } from './ws-transport.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge). Absent in a plain browser (`vigil serve`). */
    readonly vigil?: VigilBridge;
    /** The headless socket opened before the app's code ran (public/early-socket.js); null once taken. */
    __vigilEarlySocket?: EarlySocket | null;
  }
}

export {};
