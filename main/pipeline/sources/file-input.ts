/**
 * Opening the files a user names: whether a path can be read at all (with the plain-words reason
 * when not), whether it is gzip-compressed (by its magic bytes, whatever its name), what format its
 * first lines are in, and its lines, gunzipped on the fly for .gz files.
 */
import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { LineScanner, readLines, type LineBatch, type ReadLinesOptions } from './file-lines.js';
import { EVENT_FORMATS, type EventFormat } from '../../contract/index.js';
import { FORMATS, formatName } from '../normalize/registry.js';

const GZIP_MAGIC = [0x1f, 0x8b];
/** How much of a file's (decompressed) start is looked at to tell its format. */
const SNIFF_BYTES = 256 * 1024;
/** How many non-empty lines decide the format. */
const SNIFF_LINES = 32;

/** What an errno means for someone who named a file. */
export function describeFileError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'the path is too long';
    default:
      return err instanceof Error ? err.message : String(err);
  }
}

export interface InputFile {
  path: string;
  dev: number;
  ino: number;
  size: number;
  /** Starts with the gzip magic bytes. */
  compressed: boolean;
}

/** A path that can be read: a regular file we may open. Throws an Error with describeFileError's words. */
export async function checkInput(path: string): Promise<InputFile> {
  let st;
  try {
    st = await stat(path);
  } catch (err) {
    throw new Error(describeFileError(err), { cause: err });
  }
  if (st.isDirectory()) throw new Error('is a folder, not a file');
  if (!st.isFile()) throw new Error('is not a regular file');
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    throw new Error(describeFileError(err), { cause: err });
  }
  try {
    const magic = Buffer.alloc(2);
    const { bytesRead } = await fh.read(magic, 0, 2, 0);
    const compressed = bytesRead === 2 && magic[0] === GZIP_MAGIC[0] && magic[1] === GZIP_MAGIC[1];
    return { path, dev: st.dev, ino: st.ino, size: st.size, compressed };
  } catch (err) {
    throw new Error(describeFileError(err), { cause: err });
  } finally {
    await fh.close();
  }
}

export interface SniffCounts {
  /** The format most of the first lines are in, or null when none of them is recognised (or a tie). */
  format: EventFormat | null;
  /** Non-empty lines looked at that are in no format Vigil reads. */
  other: number;
  /** The content looked binary (NUL bytes): not a text log, or compressed with something other than gzip. */
  binary: boolean;
}

/** What the first lines of a file are: the winning format and how many lines of each format were seen. */
export type Sniffed = SniffCounts & Record<EventFormat, number>;

/** Which format one line is in (the first format of the registry that recognises it). */
export function lineFormat(line: string): EventFormat | null {
  let v: unknown;
  try {
    v = JSON.parse(line.charCodeAt(0) === 0xfeff ? line.slice(1) : line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Record<string, unknown>;
  return EVENT_FORMATS.find((f) => FORMATS[f].recognizes(o)) ?? null;
}

/**
 * The format of a line cut by the sniff window (a record larger than the window, such as a big EVE
 * stats record), from the way each tool starts its records.
 */
function cutLineFormat(head: string): EventFormat | null {
  return EVENT_FORMATS.find((f) => FORMATS[f].head.test(head)) ?? null;
}

/** Tells the format of a file's first lines; `complete` is false when the text stops inside the file. */
export function sniffText(text: string, complete: boolean): Sniffed {
  const out = { format: null, other: 0, binary: text.includes('\u0000') } as Sniffed;
  for (const f of EVENT_FORMATS) out[f] = 0;
  if (out.binary) return out;
  const lines = text.split('\n');
  const cut = complete ? null : lines.pop()!; // the window ends inside this line
  let seen = 0;
  const count = (f: EventFormat | null) => {
    if (f === null) out.other++;
    else out[f]++;
  };
  for (const raw of lines) {
    const line = raw.trim();
    if (line.length === 0) continue;
    count(lineFormat(line));
    if (++seen >= SNIFF_LINES) break;
  }
  if (cut !== null && seen < SNIFF_LINES && cut.trim().length > 0) count(cutLineFormat(cut.slice(0, 4096)));
  // the format with the most lines, when no other has as many
  let best = 0;
  for (const f of EVENT_FORMATS) {
    if (out[f] > best) {
      best = out[f];
      out.format = f;
    } else if (out[f] === best && best > 0) out.format = null;
  }
  return out;
}

/** How many of the first lines are in any format Vigil reads. */
export function recognisedLines(sniffed: Sniffed): number {
  return EVENT_FORMATS.reduce((n, f) => n + sniffed[f], 0);
}

/**
 * Why an existing file cannot be followed as `format` (unreadable, gzip, binary, clearly the other
 * format), or null. Synchronous: for the checks made when a followed file is added.
 */
export function followableProblem(path: string, format: EventFormat): string | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (err) {
    return describeFileError(err);
  }
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    if (n >= 2 && buf[0] === GZIP_MAGIC[0] && buf[1] === GZIP_MAGIC[1]) return 'gzip-compressed: Vigil follows plain files; import .gz files with vigil ingest';
    const sniffed = sniffText(buf.toString('utf8', 0, n), n < SNIFF_BYTES);
    if (sniffed.binary) return 'binary data, not a text log';
    if (sniffed.format !== null && sniffed.format !== format) return `this looks like ${formatName(sniffed.format)}; choose that format`;
    return null;
  } catch (err) {
    return describeFileError(err);
  } finally {
    closeSync(fd);
  }
}

/** Reads the start of a file's content (gunzipped when compressed) and tells its format. */
export async function sniffFile(file: InputFile): Promise<Sniffed> {
  const { text, complete } = file.compressed ? await gunzipHead(file.path, SNIFF_BYTES) : await plainHead(file.path, SNIFF_BYTES);
  return sniffText(text, complete);
}

async function plainHead(path: string, max: number): Promise<{ text: string; complete: boolean }> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(max);
    const { bytesRead } = await fh.read(buf, 0, max, 0);
    return { text: buf.toString('utf8', 0, bytesRead), complete: bytesRead < max };
  } finally {
    await fh.close();
  }
}

async function gunzipHead(path: string, max: number): Promise<{ text: string; complete: boolean }> {
  const chunks: Buffer[] = [];
  let got = 0;
  const input = createReadStream(path);
  const gunzip = createGunzip();
  input.pipe(gunzip);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      chunks.push(chunk);
      got += chunk.length;
      if (got >= max) break;
    }
  } catch (err) {
    if (got === 0) throw new Error(`not a valid gzip file (${gzipReason(err)})`, { cause: err });
    // a damaged file: tell the format from what could be read; the import reports the damage
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  const all = Buffer.concat(chunks, got);
  return { text: all.toString('utf8', 0, Math.min(got, max)), complete: got < max };
}

function gzipReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException | null;
  if (e?.code === 'Z_BUF_ERROR') return 'unexpected end of file: the file is truncated';
  if (e?.code === 'Z_DATA_ERROR') return `corrupt data: ${e.message}`;
  return e instanceof Error ? e.message : String(err);
}

/** The gzip stream ended early or is damaged; the lines before the damage were read. */
export class GzipDamageError extends Error {
  constructor(
    readonly reason: string,
    /** Line number of the first line that could not be read. */
    readonly atLine: number,
  ) {
    super(`the gzip data is damaged (${reason}); stopped before line ${atLine}`);
    this.name = 'GzipDamageError';
  }
}

/**
 * The lines of a file's content in batches, from content offset `start` (line `startLine`).
 * Plain files are read with positioned reads; gzip files are decompressed as a stream (content
 * before `start` is decompressed and dropped). Batch offsets and line numbers are those of the
 * decompressed content. A damaged gzip stream yields every complete line before the damage, then
 * throws GzipDamageError (a cut last line is not handed out).
 */
export async function* readContentLines(file: InputFile, opts: ReadLinesOptions): AsyncGenerator<LineBatch> {
  if (!file.compressed) {
    yield* readLines(file.path, opts);
    return;
  }
  const batchLines = Math.max(1, opts.batchLines ?? 5000);
  const start = opts.start ?? 0;
  const scanner = new LineScanner(start, opts.startLine ?? 1, opts);
  const input = createReadStream(file.path, { highWaterMark: 1024 * 1024 });
  const gunzip = createGunzip({ chunkSize: 256 * 1024 });
  input.on('error', (err) => gunzip.destroy(err));
  input.pipe(gunzip);
  let pos = 0; // decompressed bytes seen
  let damage: unknown = null;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      let view = chunk;
      if (pos < start) {
        const skip = Math.min(view.length, start - pos);
        pos += skip;
        if (skip === view.length) continue;
        view = view.subarray(skip);
      }
      pos += view.length;
      scanner.feed(view, view.length);
      while (scanner.queued >= batchLines) yield scanner.take(batchLines) as LineBatch;
    }
  } catch (err) {
    damage = err;
  } finally {
    input.destroy();
    gunzip.destroy();
  }
  if (damage === null && opts.final) scanner.finish();
  for (let b = scanner.take(batchLines); b; b = scanner.take(batchLines)) yield b as LineBatch;
  if (damage !== null) {
    const code = (damage as NodeJS.ErrnoException).code;
    if (code && !code.startsWith('Z_')) throw new Error(describeFileError(damage));
    throw new GzipDamageError(gzipReason(damage), scanner.nextLine ?? 0);
  }
}
