/**
 * Preload for the Vigil window (sandboxed, context-isolated; bundled to dist/preload/index.cjs).
 * Exposes exactly `window.vigil = { invoke, on }` (VigilBridge) for contract channels and push
 * events. ipcRenderer itself, the IPC event object and Node never reach the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { CHANNEL_NAMES } from '../main/contract/channels.js';
import { EVENT_NAMES } from '../main/contract/events.js';
import { IPC_EVENT_CHANNEL, type CallOutcome, type VigilBridge } from '../main/contract/wire.js';


const channels: ReadonlySet<string> = new Set<string>(CHANNEL_NAMES);
const eventNames: ReadonlySet<string> = new Set<string>(EVENT_NAMES);
const listeners = new Map<string, Set<(payload: unknown) => void>>();
let listening = false;

function onPush(_event: IpcRendererEvent, message: unknown): void {
  if (typeof message !== 'object' || message === null) return;
  const { event, payload } = message as { event?: unknown; payload?: unknown };
  if (typeof event !== 'string') return;
  const set = listeners.get(event);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`[vigil] listener for ${event} failed:`, err);
    }
  }
}

const bridge: VigilBridge = {
  invoke(channel: string, request: unknown): Promise<CallOutcome<unknown>> {
    if (typeof channel !== 'string' || !channels.has(channel)) {
      return Promise.reject(new Error(`vigil: unknown channel ${JSON.stringify(String(channel).slice(0, 64))}`));
    }
    return ipcRenderer.invoke(channel, request) as Promise<CallOutcome<unknown>>;
  },

  on(event: string, listener: (payload: unknown) => void): () => void {
    if (typeof event !== 'string' || !eventNames.has(event)) {
      throw new Error(`vigil: unknown event ${JSON.stringify(String(event).slice(0, 64))}`);
    }
    if (typeof listener !== 'function') throw new TypeError('vigil: listener must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    if (!listening) {
      ipcRenderer.on(IPC_EVENT_CHANNEL, onPush);
      listening = true;
    }
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const current = listeners.get(event);
      current?.delete(listener);
      if (current && current.size === 0) listeners.delete(event);
      if (listeners.size === 0 && listening) {
        ipcRenderer.removeListener(IPC_EVENT_CHANNEL, onPush);
        listening = false;
      }
    };
  },
};

contextBridge.exposeInMainWorld('vigil', Object.freeze(bridge));
