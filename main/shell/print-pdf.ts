import fs from 'node:fs';
import path from 'node:path';
import { BrowserWindow, shell } from 'electron';
import { ContractError } from '../contract/index.js';
import type { Handler } from '../core/handlers.js';
import type { Services } from '../core/services.js';
import { withTimeout, type PdfEngine, type PdfJob } from '../reports/pdf.js';

const MM_PER_INCH = 25.4;

/**
 * PDF in the desktop app: Chromium's print of the report's HTML through Electron, no other
 * browser needed. A hidden, sandboxed window with JavaScript off and its own in-memory session
 * loads the local file, prints it and is destroyed.
 */
export function electronPdfEngine(): PdfEngine {
  return {
    name: 'Electron printToPDF',
    async render(jobs: readonly PdfJob[]): Promise<void> {
      for (const job of jobs) {
        const win = new BrowserWindow({
          show: false,
          webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false, partition: 'vigil-report-print', spellcheck: false },
        });
        try {
          const work = (async () => {
            await win.loadFile(job.htmlPath);
            const data = await win.webContents.printToPDF({
              pageSize: 'A4',
              printBackground: true,
              displayHeaderFooter: true,
              headerTemplate: job.headerTemplate,
              footerTemplate: job.footerTemplate,
              margins: { top: 16 / MM_PER_INCH, bottom: 16 / MM_PER_INCH, left: 11 / MM_PER_INCH, right: 11 / MM_PER_INCH },
              generateTaggedPDF: job.tagged,
              generateDocumentOutline: job.tagged,
            });
            await fs.promises.writeFile(job.pdfPath, data);
          })();
          await withTimeout(work, job.timeoutMs, `printing the PDF did not finish within ${Math.round(job.timeoutMs / 1000)} s`);
        } finally {
          if (!win.isDestroyed()) win.destroy();
        }
      }
    },
  };
}

/** `reports.reveal` in the desktop app: the report's folder in the file manager. */
export function createReportReveal(services: () => Services | null): Handler<'reports.reveal'> {
  return (req) => {
    const s = services();
    if (!s) throw new ContractError('CONFLICT', 'Vigil is not ready');
    const r = s.reports.get(req.report_id);
    const manifest = path.join(r.dir, 'manifest.json');
    if (fs.existsSync(manifest)) shell.showItemInFolder(manifest);
    else if (fs.existsSync(r.dir)) void shell.openPath(r.dir);
    else throw new ContractError('NOT_FOUND', `the folder ${r.dir} no longer exists`);
    return { shown: true };
  };
}
