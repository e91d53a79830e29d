import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { CHANNEL_NAMES, IPC_EVENT_CHANNEL, type CallOutcome, type EventName } from '../contract/index.js';
import { dispatch } from '../core/dispatch.js';
import type { Handlers } from '../core/handlers.js';
import type { Logger } from '../core/logger.js';
import type { Services } from '../core/services.js';
import type { SourcePathPolicy } from '../core/source-policy.js';
import { isAppUrl } from './app-url.js';
import { checkIpcSender } from './sender-check.js';

/** The single channel push events travel on (preload/index.ts listens on the same name). */

export interface IpcOptions {
  services: Services;
  handlers: Handlers;
  logger: Logger;
  /** The webContents of our window, or null while there is none. Calls from anything else are refused. */
  target: () => WebContents | null;
  /** Which files the calling window may add as sources (the files picked in its dialog). */
  sourcePaths: (sender: WebContents) => SourcePathPolicy;
}

/**
 * The one way into ipcMain: one `ipcMain.handle` per contract channel, each checking the sender
 * and then going through core/dispatch (schema validation, typed errors). Returns the function
 * that unregisters everything (used on quit).
 */
export function registerIpc({ services, handlers, logger, target, sourcePaths }: IpcOptions): () => void {
  let refusedLogged = 0;
  for (const channel of CHANNEL_NAMES) {
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, request: unknown): Promise<CallOutcome<unknown>> => {
      const verdict = checkIpcSender(event, target());
      if (!verdict.ok) {
        // Bounded so a hostile frame cannot fill the log.
        if (refusedLogged++ < 50) logger.warn('ipc call refused', { channel, reason: verdict.reason });
        return { ok: false, error: { code: 'FORBIDDEN', message: `${channel} refused: ${verdict.reason}` } };
      }
      const ctx = { actor: services.settings.get().analystName, transport: 'ipc' as const, client: `ipc:${event.sender.id}`, sourcePaths: sourcePaths(event.sender) };
      return dispatch(handlers, channel, request, ctx, logger);
    });
  }

  const unsubscribe = services.bus.onAny((event: EventName, payload: unknown) => {
    const wc = target();
    // Events go only to our own page, never to whatever else the window might be showing.
    if (!wc || wc.isDestroyed() || !isAppUrl(wc.mainFrame.url)) return;
    try {
      wc.send(IPC_EVENT_CHANNEL, { event, payload });
    } catch (err) {
      logger.warn('push event not delivered', { event, error: err instanceof Error ? err.message : String(err) });
    }
  });

  return () => {
    unsubscribe();
    for (const channel of CHANNEL_NAMES) ipcMain.removeHandler(channel);
  };
}
