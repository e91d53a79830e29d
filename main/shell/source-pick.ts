import { BrowserWindow, dialog, type OpenDialogOptions, type WebContents } from 'electron';
import { ContractError } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import { GrantedPaths } from '../core/source-policy.js';

/**
 * The files each window's analyst picked in the native dialog: the only files `sources.add`
 * accepts from that window (core/source-policy.ts). Forgotten with the window.
 */
export class WindowGrants {
  private readonly byContents = new Map<number, GrantedPaths>();

  for(wc: WebContents): GrantedPaths {
    let grants = this.byContents.get(wc.id);
    if (!grants) {
      const id = wc.id;
      grants = new GrantedPaths();
      this.byContents.set(id, grants);
      wc.once('destroyed', () => this.byContents.delete(id));
    }
    return grants;
  }
}

const PICK_OPTIONS: OpenDialogOptions = {
  title: 'Choose a file to follow',
  buttonLabel: 'Follow',
  properties: ['openFile', 'showHiddenFiles', 'dontAddToRecent', 'promptToCreate'],
  filters: [
    { name: 'JSON lines (eve.json, alerts.json)', extensions: ['json', 'jsonl', 'log'] },
    { name: 'All files', extensions: ['*'] },
  ],
};

/** `sources.pick` in the desktop app: the native open dialog over our window; the choice is granted to it. */
export function createSourcePick(target: () => WebContents | null, grants: WindowGrants): Handler<'sources.pick'> {
  return async () => {
    const wc = target();
    if (!wc) throw new ContractError('CONFLICT', 'no Vigil window is open');
    const win = BrowserWindow.fromWebContents(wc);
    const result = win ? await dialog.showOpenDialog(win, PICK_OPTIONS) : await dialog.showOpenDialog(PICK_OPTIONS);
    const file = result.canceled ? undefined : result.filePaths[0];
    if (!file) return { path: null };
    grants.for(wc).grant(file);
    return { path: file };
  };
}
