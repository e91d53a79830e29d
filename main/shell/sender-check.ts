import { isAppUrl } from './app-url.js';

/**
 * The IPC sender check, kept free of electron so it is unit-tested in plain Node. The shapes
 * below are the parts of Electron's IpcMainInvokeEvent / WebContents / WebFrameMain it reads.
 */
export interface FrameLike {
  readonly url: string;
  /** Electron's WebFrameMain id of the frame node (stable across navigations of that frame). */
  readonly frameTreeNodeId?: number;
}
export interface WebContentsLike {
  readonly id: number;
  readonly mainFrame: FrameLike;
}
export interface IpcEventLike {
  readonly sender: WebContentsLike;
  /** null when the frame navigated away or was destroyed before the call is handled. */
  readonly senderFrame: FrameLike | null;
}

export type SenderVerdict = { ok: true } | { ok: false; reason: string };

/**
 * A call is accepted only when it comes from the main frame of our own window, and that frame
 * shows our own origin (`app://vigil`). Subframes, other windows / webContents, frames that
 * are gone and any other origin are refused.
 */
export function checkIpcSender(event: IpcEventLike, trusted: WebContentsLike | null | undefined): SenderVerdict {
  if (!trusted) return { ok: false, reason: 'no window is accepting calls' };
  const sender = event.sender;
  if (!sender || sender.id !== trusted.id) return { ok: false, reason: 'sender is not the Vigil window' };
  const frame = event.senderFrame;
  if (!frame) return { ok: false, reason: 'sender frame is gone' };
  if (!isSameFrame(frame, sender.mainFrame)) return { ok: false, reason: 'sender is not the main frame' };
  if (!isAppUrl(frame.url)) return { ok: false, reason: 'sender origin is not app://vigil' };
  return { ok: true };
}

/**
 * Electron hands out one WebFrameMain object per live frame, so identity is the check; the frame
 * node id is compared as well in case a wrapper was re-created for the same main frame.
 */
function isSameFrame(frame: FrameLike, main: FrameLike): boolean {
  if (frame === main) return true;
  return typeof frame.frameTreeNodeId === 'number' && frame.frameTreeNodeId === main.frameTreeNodeId;
}
