import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { ManifestFile } from '../contract/index.js';

export const MANIFEST_NAME = 'manifest.json';
export const PARTIAL_PREFIX = '.partial-';

/** A problem with the output directory the user can fix (not empty, not writable). */
export class ReportOutputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReportOutputError';
  }
}

/**
 * One file being written: text goes out through a stream that waits for 'drain' (bounded memory
 * whatever the report's size) and is hashed on the way, so the manifest's SHA-256 is of exactly
 * the bytes written.
 */
export class FileSink {
  private readonly stream: fs.WriteStream;
  private readonly hash = crypto.createHash('sha256');
  private size = 0;
  private failure: Error | null = null;

  constructor(
    readonly relPath: string,
    readonly mediaType: string,
    readonly absPath: string,
  ) {
    fs.mkdirSync(path.dirname(absPath), { recursive: true });
    this.stream = fs.createWriteStream(absPath, { flags: 'wx', mode: 0o644 });
    this.stream.on('error', (err) => (this.failure ??= err));
  }

  async write(text: string): Promise<void> {
    if (this.failure) throw this.failure;
    if (text.length === 0) return;
    const buf = Buffer.from(text, 'utf8');
    this.hash.update(buf);
    this.size += buf.length;
    if (!this.stream.write(buf)) await this.drained();
  }

  /** Waits for 'drain' (or the stream's error), leaving no listener behind either way. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        this.stream.off('drain', onDrain);
        this.stream.off('error', onError);
        if (err) reject(err);
        else resolve();
      };
      const onDrain = () => done();
      const onError = (err: Error) => done(err);
      this.stream.on('drain', onDrain);
      this.stream.on('error', onError);
    });
  }

  /** Flushes, syncs to disk and closes; returns the file's manifest entry. */
  async end(): Promise<ManifestFile> {
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
    });
    if (this.failure) throw this.failure;
    const fd = fs.openSync(this.absPath, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    return { path: this.relPath, sha256: this.hash.digest('hex'), size: this.size, media_type: this.mediaType };
  }

  destroy(): void {
    this.stream.destroy();
  }
}

/** SHA-256 and size of a file on disk, read as a stream. */
export async function hashFile(file: string): Promise<{ sha256: string; size: number }> {
  const hash = crypto.createHash('sha256');
  let size = 0;
  for await (const chunk of fs.createReadStream(file)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** A report file name that stays inside the report: letters, digits, dot, dash, underscore. */
export function safeName(name: string, max = 80): string {
  const base = name.normalize('NFKD').replace(/\p{M}/gu, '').replace(/[^\w.-]+/g, '_').replace(/^[._]+/, '').slice(0, max);
  return base || 'file';
}

/**
 * The report directory. Everything is written under DIR/.partial-<random>/ first; only when every
 * file is complete are they renamed into DIR, and manifest.json is written LAST. A report that
 * failed or was interrupted leaves no file in DIR that looks complete: without its manifest it is
 * not a report (and `vigil report verify` says so).
 */
export class ReportOutput {
  private readonly files: ManifestFile[] = [];
  private readonly sinks = new Set<FileSink>();
  private done = false;

  private constructor(
    readonly dir: string,
    readonly partialDir: string,
  ) {}

  /** Opens DIR (created if missing); refuses a directory that already holds anything but leftovers of interrupted runs. */
  static open(dir: string): ReportOutput {
    const abs = path.resolve(dir);
    try {
      fs.mkdirSync(abs, { recursive: true });
    } catch (err) {
      throw new ReportOutputError(`cannot create ${abs}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!fs.statSync(abs).isDirectory()) throw new ReportOutputError(`${abs} is not a directory`);
    const busy = fs.readdirSync(abs).filter((n) => !n.startsWith(PARTIAL_PREFIX));
    if (busy.length > 0) throw new ReportOutputError(`${abs} is not empty (${busy.slice(0, 3).join(', ')}${busy.length > 3 ? ', ...' : ''}): give a new or empty directory`);
    try {
      fs.accessSync(abs, fs.constants.W_OK);
    } catch {
      throw new ReportOutputError(`${abs} is not writable`);
    }
    const partial = fs.mkdtempSync(path.join(abs, PARTIAL_PREFIX));
    return new ReportOutput(abs, partial);
  }

  /** A new file at a relative path ('report.html', 'evidence/3-log.txt'). */
  file(relPath: string, mediaType: string): FileSink {
    const sink = new FileSink(relPath, mediaType, this.partialPath(relPath));
    this.sinks.add(sink);
    return sink;
  }

  partialPath(relPath: string): string {
    const p = path.resolve(this.partialDir, relPath);
    if (!p.startsWith(this.partialDir + path.sep)) throw new Error(`report file ${relPath} would leave the report directory`);
    return p;
  }

  /** Records a finished file (from FileSink.end or hashed after another program wrote it). */
  add(entry: ManifestFile): void {
    this.files.push(entry);
  }

  async addWritten(relPath: string, mediaType: string): Promise<ManifestFile> {
    const { sha256, size } = await hashFile(this.partialPath(relPath));
    const entry = { path: relPath, sha256, size, media_type: mediaType };
    this.add(entry);
    return entry;
  }

  /** Removes a helper file that is not part of the report (e.g. the HTML of a PDF-only report). */
  discard(relPath: string): void {
    fs.rmSync(this.partialPath(relPath), { force: true });
    const i = this.files.findIndex((f) => f.path === relPath);
    if (i >= 0) this.files.splice(i, 1);
  }

  /** Removes a helper directory (the print passes) from the partial directory. */
  removeDir(relPath: string): void {
    fs.rmSync(this.partialPath(relPath), { recursive: true, force: true });
  }

  listed(): readonly ManifestFile[] {
    return this.files;
  }

  /** Moves every file into DIR, then writes the manifest (built from the final list) last. */
  async commit(manifest: (files: ManifestFile[]) => unknown): Promise<ManifestFile[]> {
    const files = [...this.files].sort((a, b) => a.path.localeCompare(b.path));
    for (const f of files) {
      const to = path.join(this.dir, f.path);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(this.partialPath(f.path), to);
    }
    const text = `${JSON.stringify(manifest(files), null, 2)}\n`;
    const tmp = path.join(this.partialDir, MANIFEST_NAME);
    fs.writeFileSync(tmp, text, { mode: 0o644 });
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(tmp, path.join(this.dir, MANIFEST_NAME));
    fs.rmSync(this.partialDir, { recursive: true, force: true });
    this.done = true;
    return files;
  }

  /** Drops everything written so far. Safe to call after commit (does nothing then). */
  abort(): void {
    if (this.done) return;
    for (const s of this.sinks) s.destroy();
    fs.rmSync(this.partialDir, { recursive: true, force: true });
    this.done = true;
  }
}
