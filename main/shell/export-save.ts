import path from 'node:path';
import { BrowserWindow, dialog, type SaveDialogOptions, type WebContents } from 'electron';
import { ContractError } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { Services } from '../core/services.js';
import { exportFileName } from '../core/export.js';
import { eventsExportFileName, eventsExportWork } from '../hunt/export.js';

const FILTERS: Record<'csv' | 'json' | 'ndjson', SaveDialogOptions['filters']> = {
  csv: [{ name: 'CSV', extensions: ['csv'] }],
  json: [{ name: 'JSON', extensions: ['json'] }],
  ndjson: [{ name: 'NDJSON (one alert per line)', extensions: ['ndjson', 'jsonl'] }],
};

const RECORD_FILTERS: Record<'eve' | 'json' | 'ndjson', SaveDialogOptions['filters']> = {
  eve: [{ name: 'Suricata EVE (raw lines)', extensions: ['json', 'jsonl'] }],
  json: [{ name: 'JSON', extensions: ['json'] }],
  ndjson: [{ name: 'NDJSON (one record per line)', extensions: ['ndjson', 'jsonl'] }],
};

const CANCELLED = { job_id: null, total: 0, download: null, path: null, file_name: '' };

/** The native save dialog over the Vigil window: the path chosen, or null when cancelled. */
async function askPath(target: () => WebContents | null, title: string, defaultPath: string, filters: SaveDialogOptions['filters']): Promise<string | null> {
  const wc = target();
  if (!wc) throw new ContractError('CONFLICT', 'no Vigil window is open');
  const win = BrowserWindow.fromWebContents(wc);
  const options: SaveDialogOptions = { title, buttonLabel: 'Export', defaultPath, filters, properties: ['showOverwriteConfirmation', 'createDirectory'] };
  const result = win ? await dialog.showSaveDialog(win, options) : await dialog.showSaveDialog(options);
  return result.canceled || !result.filePath ? null : result.filePath;
}

/** `alerts.export` in the desktop app: the native save dialog, then the export job writes that file. */
export function createExportSave(target: () => WebContents | null, services: Services): Handler<'alerts.export'> {
  return async (req, ctx) => {
    const file = await askPath(target, 'Export alerts', exportFileName(req.format, services.now()), FILTERS[req.format]);
    if (file === null) return CANCELLED;
    const started = services.console.exportToFile(req.filter, req.format, req.sort, file, ctx.actor);
    return { job_id: started.job_id, total: started.total, download: null, path: file, file_name: started.file_name };
  };
}

/** `events.export` (Hunt) in the desktop app: the same, for the records a hunt matches. */
export function createEventsExportSave(target: () => WebContents | null, services: Services): Handler<'events.export'> {
  return async (req, ctx) => {
    const file = await askPath(target, 'Export records', eventsExportFileName(req.format, services.now()), RECORD_FILTERS[req.format]);
    if (file === null) return CANCELLED;
    const work = await eventsExportWork(services.huntReader, req, ctx.actor, path.basename(file));
    const started = services.console.workToFile(work, file);
    return { job_id: started.job_id, total: started.total, download: null, path: file, file_name: started.file_name };
  };
}
