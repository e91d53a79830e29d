import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

export interface PdfJob {
  /** The finished report.html (self-contained; no script). */
  htmlPath: string;
  pdfPath: string;
  title: string;
  /** Chromium print templates: report id, TLP marking, page x of y. */
  headerTemplate: string;
  footerTemplate: string;
  /** Gives up after this long (a huge report may take minutes; a stuck one must not hang forever). */
  timeoutMs: number;
  /**
   * A tagged PDF with an outline (bookmarks per section): accessible and easy to navigate, but
   * Chromium takes 2-3 times as long and writes files about 7 times as large, so only small
   * reports get it.
   */
  tagged: boolean;
}

/**
 * Turns the report's HTML into PDF. HTML is the one layout; PDF is Chromium's print of it:
 * Electron's webContents.printToPDF in the desktop app (main/shell), a Chromium on the machine
 * driven by playwright-core in the CLI and `vigil serve`.
 */
export interface PdfEngine {
  readonly name: string;
  /** Prints each job in order (one browser for all of them, a fresh page for each). */
  render(jobs: readonly PdfJob[]): Promise<void>;
}

/** No engine could be found: says how to get one, and that HTML and CSV do not need one. */
export class PdfUnavailableError extends Error {
  constructor(detail: string) {
    super(
      `${detail}. PDF reports need a Chromium-based browser: install one (Debian/Ubuntu: apt-get install chromium; ` +
        'Fedora: dnf install chromium; macOS/Windows: Google Chrome or Microsoft Edge) or set CHROMIUM_PATH to its executable. ' +
        'HTML and CSV reports need nothing: --format html,csv',
    );
    this.name = 'PdfUnavailableError';
  }
}

/** Where Chromium-based browsers usually live, per platform. */
export function chromiumCandidates(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      '/Applications/Brave Browser.app/Contents/MacOS/Brave Browser',
    ];
  }
  if (platform === 'win32') {
    const roots = [env['PROGRAMFILES'], env['PROGRAMFILES(X86)'], env['LOCALAPPDATA']].filter((r): r is string => !!r);
    return roots.flatMap((r) => [
      path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.win32.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
      path.win32.join(r, 'Chromium', 'Application', 'chrome.exe'),
    ]);
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/snap/bin/chromium',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/usr/bin/microsoft-edge',
    '/usr/bin/brave-browser',
  ];
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * The browser to print with: CHROMIUM_PATH when set (and then only it: a wrong path is an error,
 * not a silent fallback), else the first usual location that holds an executable.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  const chosen = env['CHROMIUM_PATH'];
  if (chosen) {
    if (!isExecutable(chosen)) throw new PdfUnavailableError(`CHROMIUM_PATH is ${chosen}, which is not an executable file`);
    return chosen;
  }
  const found = chromiumCandidates(platform, env).find(isExecutable);
  if (!found) throw new PdfUnavailableError('no Chromium, Chrome or Edge was found on this machine');
  return found;
}

/**
 * Prints with a Chromium found on the machine, through playwright-core (which downloads nothing).
 * One browser per report, JavaScript off, the page loaded from the local file; closed whatever
 * happens.
 */
export class ChromiumPdfEngine implements PdfEngine {
  readonly name: string;

  constructor(private readonly executablePath: string) {
    this.name = `Chromium (${executablePath})`;
  }

  async render(jobs: readonly PdfJob[]): Promise<void> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: this.executablePath, headless: true, timeout: 60_000, args: ['--disable-gpu', '--no-first-run'] });
    try {
      const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
      for (const job of jobs) {
        const page = await context.newPage();
        try {
          page.setDefaultTimeout(job.timeoutMs);
          await page.goto(pathToFileURL(job.htmlPath).href, { waitUntil: 'load', timeout: job.timeoutMs });
          const printing = page.pdf({
            path: job.pdfPath,
            format: 'A4',
            printBackground: true,
            displayHeaderFooter: true,
            headerTemplate: job.headerTemplate,
            footerTemplate: job.footerTemplate,
            margin: { top: '16mm', bottom: '16mm', left: '11mm', right: '11mm' },
            outline: job.tagged,
            tagged: job.tagged,
          });
          await withTimeout(printing, job.timeoutMs, `Chromium did not finish the PDF within ${Math.round(job.timeoutMs / 1000)} s`);
        } finally {
          // one page at a time: a pass's memory goes before the next is loaded
          await page.close().catch(() => undefined);
        }
      }
    } finally {
      await browser.close().catch(() => undefined);
    }
  }
}

/** Rejects with `message` when `p` takes longer than `ms` (p's own failure is then ignored). */
export async function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([p, limit]);
  } finally {
    clearTimeout(timer);
    p.catch(() => undefined);
  }
}

/** The engine the CLI and headless mode use: a Chromium found now (throws PdfUnavailableError). */
export function defaultPdfEngine(): PdfEngine {
  return new ChromiumPdfEngine(findChromium());
}

/**
 * Joins the PDFs of a report printed in passes, in order, and stamps "Page x of y" at the bottom
 * right of every page (each pass numbered its own pages from 1, so its footer left them out).
 * pdf-lib copies pages object by object; the passes are read one at a time.
 */
export async function mergePdfs(parts: readonly string[], out: string): Promise<number> {
  const { PDFDocument, StandardFonts, rgb } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  for (const part of parts) {
    const src = await PDFDocument.load(await fs.promises.readFile(part));
    for (const page of await doc.copyPages(src, src.getPageIndices())) doc.addPage(page);
  }
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const pages = doc.getPages();
  const MM = 72 / 25.4;
  pages.forEach((page, i) => {
    const text = `Page ${i + 1} of ${pages.length}`;
    const size = 7;
    const { width } = page.getSize();
    page.drawText(text, { x: width - 11 * MM - font.widthOfTextAtSize(text, size), y: 7 * MM, size, font, color: rgb(0.3, 0.34, 0.4) });
  });
  await fs.promises.writeFile(out, await doc.save());
  return pages.length;
}
