import { BrowserWindow, dialog, type SaveDialogOptions, type WebContents } from 'electron';
import { ContractError } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { Services } from '../core/services.js';
import { exportFileName } from '../core/export.js';

const FILTERS: Record<'csv' | 'json' | 'ndjson', SaveDialogOptions['filters']> = {
  csv: [{ name: 'CSV', extensions: ['csv'] }],
  json: [{ name: 'JSON', extensions: ['json'] }],
  ndjson: [{ name: 'NDJSON (one alert per line)', extensions: ['ndjson', 'jsonl'] }],
};

/** `alerts.export` in the desktop app: the native save dialog, then the export job writes that file. */
export function createExportSave(target: () => WebContents | null, services: Services): Handler<'alerts.export'> {
  return async (req, ctx) => {
    const wc = target();
    if (!wc) throw new ContractError('CONFLICT', 'no Vigil window is open');
    const win = BrowserWindow.fromWebContents(wc);
    const options: SaveDialogOptions = {
      title: 'Export alerts',
      buttonLabel: 'Export',
      defaultPath: exportFileName(req.format, services.now()),
      filters: FILTERS[req.format],
      properties: ['showOverwriteConfirmation', 'createDirectory'],
    };
    const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
    if (result.canceled || !result.filePath) return { job_id: null, total: 0, download: null, path: null, file_name: '' };
    const started = services.console.exportToFile(req.filter, req.format, req.sort, result.filePath, ctx.actor);
    return { job_id: started.job_id, total: started.total, download: null, path: result.filePath, file_name: started.file_name };
  };
}
