/**
 * Follows a growing log file like `tail -F`, with a durable cursor.
 *
 * Cursor: `{ path, dev, ino, offset }`, offset = byte offset just past the last complete line
 * handed out. Every TailBatch carries the cursor that is valid once that batch is committed;
 * nothing after it is considered consumed, so persisting the cursor in the same transaction as
 * the batch's rows and passing it back to the constructor resumes exactly: no line twice, none
 * skipped. A batch may carry zero lines: it then only reports a rotation or truncation and moves
 * the cursor (to offset 0 of the new or truncated file); persist it like any other batch.
 *
 * Only complete lines are handed out: a last line without "\n" stays unconsumed until its newline
 * arrives, and is then emitted once, whole. The one exception is a rotated file (see below),
 * which no longer grows, so its last line is emitted even without a newline.
 *
 * Polling (fstat of the open file, stat of the path) is what works everywhere; in follow() an
 * fs.watch on the directory only wakes the poll early.
 *
 * Rotation (the path now names another file, by dev/ino): the old file stays open; it is read
 * until a poll finds it no longer grows (so lines the writer adds just before or after the rename
 * are kept), its last unterminated line is emitted, then the new file is read from offset 0.
 * While the path is missing (between a rename and the creation of the new file) the old file
 * keeps being read. Lines a writer appends to the old file after we switched are not seen (the
 * writer must reopen its log after rotation, as logrotate's postrotate/HUP arranges).
 *
 * Truncation (same file, smaller than what was read): reading restarts at offset 0. With
 * copytruncate, whatever the writer appended between the copy and the truncate is lost: that is
 * inherent to copytruncate. If the file is truncated and rewritten past our read position
 * between two polls, the shrink cannot be seen and reading goes on at the old offset (the first
 * line read may then be a fragment, which normalize quarantines).
 *
 * Resuming from a persisted cursor:
 * - same dev/ino, size >= offset and the byte before offset is "\n": continue at offset;
 * - same dev/ino but smaller (or not at a line boundary): truncated while stopped, start at 0;
 * - another dev/ino: the file was rotated while stopped. A sibling whose name starts with the
 *   file's name or stem (eve.json.1, eve.json-20261121, eve-20261121.json) and has the cursor's
 *   dev/ino is drained first from the cursor offset; then the current file is read from 0.
 *   If no such sibling exists, the current file is read from 0 and the lines that were left in
 *   the old file are lost (status().note says so).
 *
 * Line numbers: known (1-based) when the tailer read the file from offset 0; null when it started
 * in the middle (resume from a cursor, startAt 'end').
 *
 * Identity is by dev/ino; on file systems that report ino 0 rotation by rename is not detected
 * (truncation still is).
 */
import { watch, type FSWatcher, type Stats } from 'node:fs';
import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import {
  DEFAULT_BATCH_LINES,
  DEFAULT_CHUNK_BYTES,
  LineScanner,
  type LineRecord,
  type ScannerLimits,
} from './file-lines.js';
import { z } from 'zod';
import { MAX_LINE_BYTES } from '../types.js';

export interface FileCursor {
  path: string;
  dev: number;
  ino: number;
  /** Byte offset just past the last complete line handed out. */
  offset: number;
}

/** A followed file's cursor as its source keeps it (sources.cursor): the file's identity and where reading stopped. */
export const StoredFileCursor = z.object({ dev: z.number(), ino: z.number(), offset: z.number().int().nonnegative() });
export type StoredFileCursor = z.infer<typeof StoredFileCursor>;

/** The tailer cursor of `path` from a source's stored cursor; null when there is none (or it is not a file cursor). */
export function fileCursorOf(path: string, stored: unknown): FileCursor | null {
  const c = StoredFileCursor.safeParse(stored);
  return c.success ? { path, ...c.data } : null;
}

export type TailLine = LineRecord<number | null>;

export interface TailBatch {
  lines: TailLine[];
  /** The cursor to persist once this batch is committed. */
  cursor: FileCursor;
  /** Set on the first batch after the tailer moved to a new file at the path. */
  rotated?: boolean;
  /** Set on the first batch after the file was found truncated (reading restarted at 0). */
  truncated?: boolean;
}

export type TailState = 'waiting' | 'following' | 'error';

export interface TailStatus {
  path: string;
  state: TailState;
  /** Cursor of the last batch handed out (or the starting position). */
  cursor: FileCursor | null;
  lastError: string | null;
  /** Bytes in the open file after the cursor (not yet handed out). */
  bytesBehind: number;
  /** The last notable event (resume decision, rotation, truncation, missing path). */
  note: string | null;
  /** The path does not exist right now. */
  pathMissing: boolean;
  /** The open file is a rotated-away file still being drained. */
  draining: boolean;
  rotations: number;
  truncations: number;
}

export interface FileTailerOptions extends ScannerLimits {
  path: string;
  /** Persisted cursor to resume from. */
  cursor?: FileCursor | null;
  /** Poll interval of follow() (default 250 ms). */
  pollMs?: number;
  /** Most records per batch (default 5000). */
  batchLines?: number;
  /** Where to start without a cursor: 'beginning' (default) or 'end' (only new lines). */
  startAt?: 'beginning' | 'end';
  /** Read size (default 1 MiB). */
  chunkBytes?: number;
  /** Let follow() use fs.watch on the directory to wake up early (default true). */
  watch?: boolean;
}

interface OpenFile {
  fh: FileHandle;
  /** The name it was opened under (the path, or a rotated sibling on resume). */
  name: string;
  dev: number;
  ino: number;
  size: number;
  scanner: LineScanner;
  /** Rotated away: read to its end, then finalize. */
  draining: boolean;
  /** Its last line was emitted; switch to the path once the queue is empty. */
  finalized: boolean;
}

export class FileTailer {
  readonly path: string;
  readonly pollMs: number;
  readonly batchLines: number;
  private readonly startAt: 'beginning' | 'end';
  private readonly limits: ScannerLimits;
  private readonly chunkBytes: number;
  private readonly useWatch: boolean;
  private resume: FileCursor | null;
  private buf: Buffer | null = null;
  private cur: OpenFile | null = null;
  private cursor: FileCursor | null;
  private placed = false;
  private missingAtStart = false;
  /** Identity and end of the last finalized file, so a file renamed back is not read twice. */
  private lastFinal: { dev: number; ino: number; pos: number; line: number | null } | null = null;
  private pendingRotated = false;
  private pendingTruncated = false;
  private state: TailState = 'waiting';
  private lastError: string | null = null;
  private note: string | null = null;
  private pathMissing = false;
  private rotations = 0;
  private truncations = 0;
  private closed = false;
  private chain: Promise<unknown> = Promise.resolve();
  private wake: (() => void) | null = null;

  constructor(opts: FileTailerOptions) {
    this.path = opts.path;
    this.pollMs = Math.max(1, opts.pollMs ?? 250);
    this.batchLines = Math.max(1, opts.batchLines ?? DEFAULT_BATCH_LINES);
    this.startAt = opts.startAt ?? 'beginning';
    this.limits = { maxLineBytes: opts.maxLineBytes, headBytes: opts.headBytes };
    this.chunkBytes = Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES);
    this.useWatch = opts.watch ?? true;
    const c = opts.cursor ?? null;
    if (c && c.path !== opts.path) {
      this.resume = null;
      this.note = `ignored a cursor for another file (${c.path})`;
    } else {
      this.resume = c ? { ...c } : null;
    }
    this.cursor = this.resume ? { ...this.resume } : null;
  }

  /**
   * The next batch of complete lines, or null when there is nothing new right now. Never throws
   * for file-system trouble: the tailer goes to state 'error' (or 'waiting' when the file is
   * missing) and tries again on the next call. Calls are serialized.
   */
  next(): Promise<TailBatch | null> {
    const run = this.chain.then(() => this.step());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /**
   * Polls next() until the signal aborts (or close()), yielding each batch. `onIdle` is called
   * each time there is nothing new, before waiting (throwing from it ends the follow).
   */
  async *follow(signal: AbortSignal, onIdle?: () => void): AsyncGenerator<TailBatch> {
    const watcher = this.useWatch ? this.startWatch() : null;
    try {
      while (!signal.aborted && !this.closed) {
        const batch = await this.next();
        if (batch) {
          yield batch;
          continue;
        }
        onIdle?.();
        await this.sleep(signal);
      }
    } finally {
      watcher?.close();
    }
  }

  status(): TailStatus {
    const cur = this.cur;
    let behind = 0;
    if (cur) {
      const c = this.cursor;
      const done = c && c.dev === cur.dev && c.ino === cur.ino ? c.offset : cur.scanner.consumed;
      behind = Math.max(0, Math.max(cur.size, cur.scanner.pos) - done);
    }
    return {
      path: this.path,
      state: this.state,
      cursor: this.cursor ? { ...this.cursor } : null,
      lastError: this.lastError,
      bytesBehind: behind,
      note: this.note,
      pathMissing: this.pathMissing,
      draining: cur?.draining ?? false,
      rotations: this.rotations,
      truncations: this.truncations,
    };
  }

  /** Closes the open file; next() returns null afterwards. */
  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
    await this.chain;
    await this.closeCur();
  }

  // ---------------------------------------------------------------------------------------------

  private async step(): Promise<TailBatch | null> {
    if (this.closed) return null;
    try {
      const batch = await this.advance();
      if (this.cur) {
        this.state = 'following';
        this.lastError = null;
      }
      return batch;
    } catch (err) {
      this.state = 'error';
      this.lastError = err instanceof Error ? err.message : String(err);
      return null;
    }
  }

  private async advance(): Promise<TailBatch | null> {
    // A few rounds at most: finalize the old file, switch, read the new one.
    for (let round = 0; round < 4; round++) {
      if (!this.cur && !(await this.openPath())) return null;
      const cur = this.cur!;

      const queued = this.take(cur);
      if (queued) return queued;

      if (cur.finalized) {
        this.lastFinal = {
          dev: cur.dev,
          ino: cur.ino,
          pos: cur.scanner.pos,
          line: cur.scanner.nextLine,
        };
        await this.closeCur();
        continue; // open the file now at the path
      }

      if (!cur.draining) {
        const st = await cur.fh.stat();
        if (st.size < cur.scanner.pos) {
          cur.scanner.reset(0, 1);
          this.truncations++;
          this.pendingTruncated = true;
          this.note = `truncated (size ${st.size} < read position); restarted at 0`;
          this.cursor = this.cursorAt(cur, 0);
        }
        cur.size = st.size;
      }

      const before = cur.scanner.pos;
      await this.fill(cur);
      const got = this.take(cur);
      if (got) return got;

      if (cur.draining) {
        if (cur.scanner.pos === before) {
          // Rotated and no longer growing: its last line needs no newline.
          cur.scanner.finish();
          cur.finalized = true;
          const last = this.take(cur);
          if (last) return last;
          continue;
        }
        return this.flagBatch();
      }

      // Nothing new in the open file: does the path still name it?
      const ps = await statOrNull(this.path);
      this.pathMissing = ps === null;
      if (ps === null) {
        this.note = 'path missing; still reading the file that was open';
      } else if (ps.dev !== cur.dev || ps.ino !== cur.ino) {
        cur.draining = true;
        this.note = 'rotated; draining the old file';
      }
      return this.flagBatch();
    }
    return this.flagBatch();
  }

  /** Opens the file at the path, deciding where to start. False when it does not exist. */
  private async openPath(): Promise<boolean> {
    let fh: FileHandle;
    try {
      fh = await open(this.path, 'r');
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.pathMissing = true;
      this.state = 'waiting';
      if (!this.placed) this.missingAtStart = true;
      this.note = 'file not found; waiting for it';
      return false;
    }
    this.pathMissing = false;
    let st: Stats;
    try {
      st = await fh.stat();
      if (!st.isFile()) throw new Error(`${this.path} is not a regular file`);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }

    let start = 0;
    let line: number | null = 1;
    if (!this.placed) {
      this.placed = true;
      const resume = this.resume;
      this.resume = null;
      if (resume) {
        if (resume.dev === st.dev && resume.ino === st.ino) {
          if (resume.offset <= st.size && (await endsLine(fh, resume.offset))) {
            start = resume.offset;
            line = start === 0 ? 1 : null;
            this.note = `resumed at offset ${start}`;
          } else {
            this.truncations++;
            this.pendingTruncated = true;
            this.note = `file shorter than the cursor (${resume.offset}); truncated while stopped, started at 0`;
          }
        } else {
          this.rotations++;
          this.pendingRotated = true;
          const old = await this.findRotated(resume);
          if (old) {
            await fh.close();
            this.cur = old;
            this.cursor = this.cursorAt(old, resume.offset);
            this.note = `rotated while stopped; draining ${old.name} from offset ${resume.offset}, then the new file from 0`;
            return true;
          }
          this.note = 'rotated while stopped and the old file was not found; started the current file at 0 (lines left in the old file were not read)';
        }
      } else if (this.startAt === 'end' && !this.missingAtStart) {
        start = await lastLineStart(fh, st.size, this.limits.maxLineBytes);
        line = start === 0 ? 1 : null;
        this.note = `started at the end (offset ${start})`;
      }
    } else {
      const prev = this.lastFinal;
      if (prev && prev.dev === st.dev && prev.ino === st.ino && st.size >= prev.pos) {
        // The file we just finished is back under the path: carry on after what was read.
        start = prev.pos;
        line = prev.line;
      } else {
        this.rotations++;
        this.pendingRotated = true;
        this.note = 'rotated; now reading the new file from 0';
      }
    }
    this.lastFinal = null;
    this.cur = {
      fh,
      name: this.path,
      dev: st.dev,
      ino: st.ino,
      size: st.size,
      scanner: new LineScanner(start, line, this.limits),
      draining: false,
      finalized: false,
    };
    this.cursor = this.cursorAt(this.cur, start);
    return true;
  }

  /** A rotated sibling of the path that is the file the cursor points into, opened for draining. */
  private async findRotated(c: FileCursor): Promise<OpenFile | null> {
    const dir = dirname(this.path);
    const base = basename(this.path);
    const stem = base.slice(0, base.length - extname(base).length);
    let names: string[];
    try {
      names = await readdir(dir);
    } catch {
      return null;
    }
    const candidates = names
      .filter((n) => n !== base && (n.startsWith(base) || (stem.length > 0 && n.startsWith(stem))))
      .sort()
      .slice(0, 64);
    for (const name of candidates) {
      const full = join(dir, name);
      const st = await statOrNull(full);
      if (!st || !st.isFile() || st.dev !== c.dev || st.ino !== c.ino || st.size < c.offset) continue;
      let fh: FileHandle;
      try {
        fh = await open(full, 'r');
      } catch {
        continue;
      }
      const fst = await fh.stat();
      if (fst.dev !== c.dev || fst.ino !== c.ino) {
        await fh.close();
        continue;
      }
      return {
        fh,
        name: full,
        dev: fst.dev,
        ino: fst.ino,
        size: fst.size,
        scanner: new LineScanner(c.offset, c.offset === 0 ? 1 : null, this.limits),
        draining: true,
        finalized: false,
      };
    }
    return null;
  }

  /** Reads the open file from the scanner's position to its end, or until a batch is queued. */
  private async fill(cur: OpenFile): Promise<void> {
    const buf = (this.buf ??= Buffer.allocUnsafe(this.chunkBytes));
    const sc = cur.scanner;
    while (sc.queued < this.batchLines) {
      const { bytesRead } = await cur.fh.read(buf, 0, buf.length, sc.pos);
      if (bytesRead === 0) break;
      sc.feed(buf, bytesRead);
    }
    if (sc.pos > cur.size) cur.size = sc.pos;
  }

  private take(cur: OpenFile): TailBatch | null {
    const b = cur.scanner.take(this.batchLines);
    if (!b) return null;
    return this.hand({ lines: b.lines, cursor: this.cursorAt(cur, b.end) });
  }

  /** An empty batch carrying a rotation/truncation notice and the moved cursor, if one is due. */
  private flagBatch(): TailBatch | null {
    if ((!this.pendingRotated && !this.pendingTruncated) || !this.cur || !this.cursor) return null;
    if (this.cur.draining) return null; // the notice goes with the new file
    return this.hand({ lines: [], cursor: { ...this.cursor } });
  }

  private hand(batch: TailBatch): TailBatch {
    // Flags describe the file now being read, so they wait while an old file is still drained.
    if (!this.cur?.draining) {
      if (this.pendingRotated) batch.rotated = true;
      if (this.pendingTruncated) batch.truncated = true;
      this.pendingRotated = false;
      this.pendingTruncated = false;
    }
    this.cursor = { ...batch.cursor };
    return batch;
  }

  private cursorAt(cur: OpenFile, offset: number): FileCursor {
    return { path: this.path, dev: cur.dev, ino: cur.ino, offset };
  }

  private async closeCur(): Promise<void> {
    const cur = this.cur;
    this.cur = null;
    if (cur) await cur.fh.close().catch(() => undefined);
  }

  private startWatch(): FSWatcher | null {
    const base = basename(this.path);
    const stem = base.slice(0, base.length - extname(base).length);
    try {
      const w = watch(dirname(this.path), { persistent: false }, (_event, name) => {
        const n = name === null ? null : String(name);
        if (n === null || n.startsWith(base) || (stem.length > 0 && n.startsWith(stem))) this.wake?.();
      });
      w.on('error', () => w.close());
      return w;
    } catch {
      return null; // polling alone is enough
    }
  }

  private sleep(signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = null;
        resolve();
      };
      const timer = setTimeout(done, this.pollMs);
      signal.addEventListener('abort', done, { once: true });
      this.wake = done;
    });
  }
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

/** True when `offset` is 0 or the byte before it is "\n" (a cursor must sit at a line start). */
async function endsLine(fh: FileHandle, offset: number): Promise<boolean> {
  if (offset === 0) return true;
  const one = Buffer.alloc(1);
  const { bytesRead } = await fh.read(one, 0, 1, offset - 1);
  return bytesRead === 1 && one[0] === 10;
}

/** Start of the line that contains the end of the file (so a line being written is read whole). */
async function lastLineStart(fh: FileHandle, size: number, maxLineBytes?: number): Promise<number> {
  const limit = (maxLineBytes ?? MAX_LINE_BYTES) + 2;
  const buf = Buffer.allocUnsafe(64 * 1024);
  let end = size;
  while (end > 0 && size - end < limit) {
    const from = Math.max(0, end - buf.length);
    const { bytesRead } = await fh.read(buf, 0, end - from, from);
    const i = buf.subarray(0, bytesRead).lastIndexOf(10);
    if (i !== -1) return from + i + 1;
    end = from;
  }
  return end === 0 ? 0 : size;
}
