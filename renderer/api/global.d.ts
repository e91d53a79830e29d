import type { VigilBridge } from '../../main/contract/wire.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge). Absent in a plain browser (`vigil serve`). */
    readonly vigil?: VigilBridge;
  }
}

export {};
