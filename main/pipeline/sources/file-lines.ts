/**
 * Fast line splitting over raw file bytes, with exact byte offsets.
 *
 * Lines end at "\n"; one trailing "\r" before it is stripped (CRLF files). Each line is decoded
 * as UTF-8 only once it is complete, so a multi-byte character split across two reads is never
 * broken. Every record carries the byte offset of the start of its line, and every batch the
 * offset just past its last complete line (`end`): that is the value to persist as a cursor
 * once the batch's rows are committed.
 *
 * A line longer than `maxLineBytes` (MAX_LINE_BYTES by default, counted without its "\r\n") is
 * never held whole in memory: only its first `headBytes` are kept, its length is counted while
 * the rest is skipped, and it comes out as an `oversize` record so the caller can quarantine it.
 * Reading carries on after its newline.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { MAX_LINE_BYTES, QUARANTINE_RAW_MAX } from '../types.js';

export const DEFAULT_CHUNK_BYTES = 1024 * 1024;
export const DEFAULT_BATCH_LINES = 5000;
/** How much of an oversize line is kept as text. */
export const OVERSIZE_HEAD_BYTES = QUARANTINE_RAW_MAX;

/**
 * `L` is the type of the line number: always a number from `readLines`; `number | null` from the
 * tailer, which does not know line numbers when it starts in the middle of a file.
 */
export interface TextLine<L extends number | null = number> {
  text: string;
  /** Byte offset of the start of the line in the file. */
  offset: number;
  /** 1-based line number. */
  line: L;
  oversize?: undefined;
}

export interface OversizeLine<L extends number | null = number> {
  oversize: true;
  offset: number;
  line: L;
  /** Length of the line in bytes, without its "\n" (and without a "\r" before it). */
  length: number;
  /** The first headBytes of the line as text, cut on a character boundary. */
  head: string;
}

export type LineRecord<L extends number | null = number> = TextLine<L> | OversizeLine<L>;

export interface LineBatch<L extends number | null = number> {
  lines: LineRecord<L>[];
  /** Byte offset just past the last line of this batch (past its "\n" when it had one). */
  end: number;
  /** Line number of the line that starts at `end`. */
  nextLine: L;
}

export interface ScannerLimits {
  /** Longest line kept as text, in bytes (default MAX_LINE_BYTES). */
  maxLineBytes?: number;
  /** How many bytes of an oversize line are kept (default 64 KiB). */
  headBytes?: number;
}

interface Oversize {
  head: Buffer[];
  headLen: number;
  /** Raw bytes seen so far (a trailing "\r" included). */
  length: number;
  /** Last raw byte seen, to strip a "\r" that turns out to precede the "\n". */
  last: number;
}

/**
 * Incremental splitter: feed it the file's bytes in order, take complete lines out in batches.
 * Holds at most one partial line (bounded by maxLineBytes + 1 bytes) plus the queued records.
 */
export class LineScanner {
  /** File offset of the next byte to feed. */
  pos: number;
  /** File offset just past the last complete line queued (start of the partial line). */
  consumed: number;
  private lineNo: number | null;
  private carry: Buffer[] = [];
  private carryLen = 0;
  private over: Oversize | null = null;
  private items: LineRecord<number | null>[] = [];
  private ends: number[] = [];
  private head = 0;
  readonly maxLineBytes: number;
  readonly headBytes: number;

  constructor(start = 0, startLine: number | null = 1, limits: ScannerLimits = {}) {
    this.pos = start;
    this.consumed = start;
    this.lineNo = startLine;
    this.maxLineBytes = limits.maxLineBytes ?? MAX_LINE_BYTES;
    this.headBytes = limits.headBytes ?? OVERSIZE_HEAD_BYTES;
    if (!(this.maxLineBytes >= 1) || !(this.headBytes >= 0)) throw new RangeError('bad line limits');
  }

  /** Records queued and not yet taken. */
  get queued(): number {
    return this.items.length - this.head;
  }

  /** Bytes fed after the last complete line (the partial line, not consumed yet). */
  get partialBytes(): number {
    return this.pos - this.consumed;
  }

  /** Line number of the next line to be queued. */
  get nextLine(): number | null {
    return this.lineNo;
  }

  /** Forgets everything and restarts at `start` (after a truncation or a file switch). */
  reset(start: number, startLine: number | null): void {
    this.pos = start;
    this.consumed = start;
    this.lineNo = startLine;
    this.carry = [];
    this.carryLen = 0;
    this.over = null;
    this.items = [];
    this.ends = [];
    this.head = 0;
  }

  /** Feeds buf[0, len): the file's bytes at [pos, pos + len). */
  feed(buf: Buffer, len: number): void {
    if (len <= 0) return;
    const view = len === buf.length ? buf : buf.subarray(0, len);
    const base = this.pos;
    let s = 0;
    while (s < len) {
      const nl = view.indexOf(10, s);
      if (nl === -1) {
        this.partial(view, s, len);
        break;
      }
      this.complete(view, s, nl, base + nl + 1);
      s = nl + 1;
    }
    this.pos = base + len;
  }

  /**
   * End of input: the partial line, if any, becomes a line of its own (one-shot import of a
   * whole file, or a rotated file that will not grow any more).
   */
  finish(): void {
    const end = this.pos;
    if (this.over) {
      const over = this.over;
      this.over = null;
      this.pushOversize(over, over.last === 13 ? over.length - 1 : over.length, end);
    } else if (this.carryLen > 0) {
      const joined = Buffer.concat(this.carry, this.carryLen);
      this.carry = [];
      this.carryLen = 0;
      this.emit(joined, 0, joined.length, end);
    }
  }

  /** Takes up to `max` queued records, or null when none are queued. */
  take(max: number): LineBatch<number | null> | null {
    const avail = this.items.length - this.head;
    if (avail <= 0) return null;
    const n = Math.min(avail, Math.max(1, max));
    const lines = this.head === 0 && n === this.items.length ? this.items : this.items.slice(this.head, this.head + n);
    const end = this.ends[this.head + n - 1]!;
    const last = lines[lines.length - 1]!;
    this.head += n;
    if (this.head >= this.items.length) {
      this.items = [];
      this.ends = [];
      this.head = 0;
    } else {
      // Drop what was taken: a queue that is never fully drained (batches rarely end on a chunk
      // boundary) would otherwise keep every line ever read alive.
      this.items = this.items.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
    return { lines, end, nextLine: last.line === null ? null : last.line + 1 };
  }

  /** A complete line: bytes [s, e) of view, its "\n" at e; `end` is the file offset after it. */
  private complete(view: Buffer, s: number, e: number, end: number): void {
    if (this.over) {
      const over = this.over;
      this.over = null;
      this.addHead(over, view, s, e);
      const raw = over.length + (e - s);
      const last = e > s ? view[e - 1]! : over.last;
      this.pushOversize(over, last === 13 ? raw - 1 : raw, end);
      return;
    }
    if (this.carryLen === 0) {
      this.emit(view, s, e, end);
      return;
    }
    const total = this.carryLen + (e - s);
    if (total <= this.maxLineBytes + 1) {
      this.carry.push(view.subarray(s, e));
      const joined = Buffer.concat(this.carry, total);
      this.carry = [];
      this.carryLen = 0;
      this.emit(joined, 0, joined.length, end);
      return;
    }
    const over = this.startOversize();
    this.addHead(over, view, s, e);
    const last = e > s ? view[e - 1]! : over.last;
    this.pushOversize(over, last === 13 ? total - 1 : total, end);
  }

  /** Bytes [s, len) of view start or continue the partial line. */
  private partial(view: Buffer, s: number, len: number): void {
    const n = len - s;
    if (!this.over && this.carryLen + n > this.maxLineBytes + 1) this.over = this.startOversize();
    if (this.over) {
      this.addHead(this.over, view, s, len);
      this.over.length += n;
      this.over.last = view[len - 1]!;
      return;
    }
    // The read buffer is reused by the caller: keep a copy.
    const copy = Buffer.allocUnsafe(n);
    view.copy(copy, 0, s, len);
    this.carry.push(copy);
    this.carryLen += n;
  }

  /** Moves the carried partial line into a new oversize state. */
  private startOversize(): Oversize {
    const over: Oversize = { head: [], headLen: 0, length: 0, last: 0 };
    for (const c of this.carry) {
      this.addHead(over, c, 0, c.length);
      over.length += c.length;
      if (c.length > 0) over.last = c[c.length - 1]!;
    }
    this.carry = [];
    this.carryLen = 0;
    return over;
  }

  private addHead(over: Oversize, buf: Buffer, s: number, e: number): void {
    const room = this.headBytes - over.headLen;
    if (room <= 0 || e <= s) return;
    const n = Math.min(room, e - s);
    const copy = Buffer.allocUnsafe(n);
    buf.copy(copy, 0, s, s + n);
    over.head.push(copy);
    over.headLen += n;
  }

  /** A complete line held in buf[s, e) (without its "\n"). */
  private emit(buf: Buffer, s: number, e: number, end: number): void {
    const offset = this.consumed;
    let ce = e;
    if (ce > s && buf[ce - 1] === 13) ce--;
    const length = ce - s;
    if (length > this.maxLineBytes) {
      const n = Math.min(length, this.headBytes);
      this.items.push({
        oversize: true,
        offset,
        line: this.lineNo,
        length,
        head: decodeHead(buf.subarray(s, s + n), n < length),
      });
    } else {
      let text = buf.toString('utf8', s, ce);
      if (offset === 0 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // UTF-8 BOM
      this.items.push({ text, offset, line: this.lineNo });
    }
    this.advance(end);
  }

  private pushOversize(over: Oversize, length: number, end: number): void {
    let head = over.head.length === 1 ? over.head[0]! : Buffer.concat(over.head, over.headLen);
    if (head.length > length) head = head.subarray(0, length);
    this.items.push({
      oversize: true,
      offset: this.consumed,
      line: this.lineNo,
      length,
      head: decodeHead(head, head.length < length),
    });
    this.advance(end);
  }

  private advance(end: number): void {
    this.ends.push(end);
    this.consumed = end;
    if (this.lineNo !== null) this.lineNo++;
  }
}

/** Decodes a head of a line; when it was cut, drops an incomplete character at its end. */
function decodeHead(buf: Buffer, cut: boolean): string {
  let len = buf.length;
  if (cut && len > 0) {
    let j = len - 1;
    while (j > 0 && j > len - 4 && (buf[j]! & 0xc0) === 0x80) j--;
    const lead = buf[j]!;
    const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
    if (j + need > len) len = j;
  }
  return buf.toString('utf8', 0, len);
}

export interface ReadLinesOptions extends ScannerLimits {
  /** Byte offset to start at; must be the start of a line (default 0). */
  start?: number;
  /** Line number of the line at `start` (default 1). */
  startLine?: number;
  /** Stop reading at this byte offset (default: end of file as it is read). */
  end?: number;
  /**
   * true: the input is complete, so a last line without "\n" is emitted (one-shot import).
   * false: such a line is left unconsumed (batch `end` stays before it) until its "\n" arrives.
   */
  final: boolean;
  /** Most records per batch (default 5000). */
  batchLines?: number;
  /** Read size (default 1 MiB); small values are for tests. */
  chunkBytes?: number;
}

/**
 * Reads the lines of a file region in batches. A batch's `end` is the offset to persist once the
 * batch is committed; resuming with `start: end, startLine: nextLine` continues exactly after it.
 * With `final: true` reading goes on until read() finds the end of the file, so a file still
 * being written may yield a last line cut where the writer was (tail it instead).
 */
export async function* readLines(path: string, opts: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const fh = await open(path, 'r');
  try {
    yield* readLinesFrom(fh, opts);
  } finally {
    await fh.close();
  }
}

/** Same as readLines over an already open file (the caller closes it). */
export async function* readLinesFrom(fh: FileHandle, opts: ReadLinesOptions): AsyncGenerator<LineBatch> {
  const batchLines = Math.max(1, opts.batchLines ?? DEFAULT_BATCH_LINES);
  const scanner = new LineScanner(opts.start ?? 0, opts.startLine ?? 1, opts);
  const buf = Buffer.allocUnsafe(Math.max(1, opts.chunkBytes ?? DEFAULT_CHUNK_BYTES));
  const stop = opts.end ?? Number.POSITIVE_INFINITY;
  // Line numbers are numbers here (startLine is a number), so the casts below are exact.
  for (;;) {
    while (scanner.queued >= batchLines) yield scanner.take(batchLines) as LineBatch;
    const want = Math.min(buf.length, stop - scanner.pos);
    if (want <= 0) break;
    const { bytesRead } = await fh.read(buf, 0, want, scanner.pos);
    if (bytesRead === 0) break;
    scanner.feed(buf, bytesRead);
  }
  if (opts.final) scanner.finish();
  for (let b = scanner.take(batchLines); b; b = scanner.take(batchLines)) yield b as LineBatch;
}
