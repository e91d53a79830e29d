import fs from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { UserError } from './errors.js';
import { jsonText } from '../core/export.js';

export { jsonText };

/**
 * The one way the CLI writes its results, to a pipe, a file or a terminal alike.
 *
 * - Every write goes through the stream and waits for 'drain' when the stream says so: nothing
 *   is dropped or cut on a slow or non-blocking pipe, and a slow reader slows Vigil down instead
 *   of filling its memory.
 * - A reader that goes away (EPIPE: `vigil ... | head -1`) turns into OutputClosedError; the CLI
 *   then ends quietly with 141 (128 + SIGPIPE, what `seq 1e9 | head -1` gives) and no trace.
 * - Text (line, table) is made safe for a terminal: data from the network can carry escape
 *   sequences (clear screen, window title, OSC 52 clipboard writes, OSC 8 links) and bidi
 *   controls that reorder what the analyst reads; they are removed (see sanitizeText).
 *   JSON stays exact JSON (see jsonText); CSV and NDJSON exports are written byte for byte.
 */

/** The reader of the output went away (EPIPE or a destroyed stream). */
export class OutputClosedError extends Error {
  constructor(cause?: unknown) {
    super('the output was closed by its reader', { cause });
    this.name = 'OutputClosedError';
  }
}

const CLOSED_CODES = new Set(['EPIPE', 'ECONNRESET', 'ERR_STREAM_DESTROYED', 'ERR_STREAM_WRITE_AFTER_END']);

function isClosedError(err: unknown): boolean {
  return CLOSED_CODES.has((err as NodeJS.ErrnoException | null)?.code ?? '');
}

// Escape sequences, in the order they must be tried at one position:
// - control strings: OSC (ESC ] or 0x9D: window title, OSC 8 links, OSC 52 clipboard), DCS
//   (ESC P / 0x90), SOS (ESC X / 0x98), PM (ESC ^ / 0x9E), APC (ESC _ / 0x9F), up to BEL or ST
//   (ESC \ or 0x9C). An unterminated one loses only its introducer (below): the rest is text.
// - CSI (ESC [ or 0x9B) with its parameter, intermediate and final bytes (cursor moves, erase).
// - any other escape: ESC, intermediates, one final byte (ESC c = full reset, ESC 7, ESC ( 0).
const ESCAPE_SEQUENCES =
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  /(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?|\x1b[\x20-\x2f]*[\x30-\x7e]?/g;
// C0 controls but TAB and LF, DEL, C1 controls, and the invisible characters that reorder or
// hide text: bidi embeddings/overrides/isolates (U+202A-202E, U+2066-2069), the marks
// U+200E/200F/061C, and the line/paragraph separators U+2028/2029.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const LINE_BREAKS = /\r\n|[\n\t\v\f\r\u2028\u2029]/g;

/**
 * Text safe to print to a terminal: escape sequences and control characters removed, bidi
 * controls removed. Newlines and tabs stay (our own layout uses them); everything else goes.
 */
export function sanitizeText(text: string): string {
  return text.replace(ESCAPE_SEQUENCES, '').replace(CONTROLS, '');
}

/**
 * One printed value on one line (a table cell, a title or raw line inside a sentence):
 * sanitized, and line breaks and tabs shown as one space so a value can neither start a
 * line of its own (and pass for output of Vigil) nor break the columns.
 */
export function cell(value: string): string {
  return sanitizeText(value.replace(LINE_BREAKS, ' '));
}

/** Lines of a JSON value pretty-printed `depth` levels deep inside an enclosing value. */
function nestedJson(value: unknown, depth: number): string {
  const pad = '  '.repeat(depth + 1);
  return pad + jsonText(value, 2).replace(/\n/g, `\n${pad}`);
}

/** Aligned columns (the first row is the header); every cell goes through cell(). */
export function tableLines(rows: readonly (readonly string[])[]): string[] {
  const clean = rows.map((row) => row.map(cell));
  const widths: number[] = [];
  for (const row of clean) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return clean.map((row) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  '));
}

/** Lines are joined into writes of about this size: few syscalls, bounded memory. */
const CHUNK = 64 * 1024;

export class Output {
  #error: Error | null = null;
  #inflight = 0;
  #idle: (() => void)[] = [];
  readonly #closed = new AbortController();

  constructor(private readonly stream: Writable) {
    stream.on('error', (err) => this.#fail(err));
  }

  /** The process's standard output (what every command writes to unless told otherwise). */
  static stdout(): Output {
    return new Output(process.stdout);
  }

  /** A file (created or truncated), written through the same path as stdout. */
  static async toFile(file: string): Promise<Output> {
    const stream = fs.createWriteStream(file, { flags: 'w' });
    try {
      await once(stream, 'open');
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new UserError(`cannot write ${file}: ${e.code ?? e.message}`);
    }
    return new Output(stream);
  }

  /** Aborted when the output fails (the reader went away, the disk is full), so a long-running command can stop. */
  get closed(): AbortSignal {
    return this.#closed.signal;
  }

  /** Why the output ended: OutputClosedError for a reader that went away, else the write error; null while it works. */
  get failure(): Error | null {
    return this.#error;
  }

  #fail(err: unknown): void {
    if (this.#error) return;
    this.#error = isClosedError(err) ? new OutputClosedError(err) : err instanceof Error ? err : new Error(String(err));
    this.#closed.abort(this.#error);
    this.#settle();
  }

  #settle(): void {
    if (this.#inflight > 0 && !this.#error) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Throws the error that ended the output, if one did. */
  check(): void {
    if (this.#error) throw this.#error;
    // a failed write marks (and most streams destroy) the stream at once; 'error' comes a tick later
    if (this.stream.errored || this.stream.destroyed) this.#fail(this.stream.errored ?? new OutputClosedError());
    if (this.#error) throw this.#error;
  }

  /** Writes text as it is, waiting while the stream's buffer is full. */
  async write(text: string): Promise<void> {
    this.check();
    if (text.length === 0) return;
    this.#inflight++;
    const ready = this.stream.write(text, (err) => {
      this.#inflight--;
      if (err) this.#fail(err);
      this.#settle();
    });
    this.check();
    if (!ready) await this.#drain();
  }

  #drain(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('close', done);
        this.#closed.signal.removeEventListener('abort', done);
        try {
          if (this.stream.destroyed && !this.#error) this.#fail(new OutputClosedError());
          this.check();
          resolve();
        } catch (err) {
          reject(err as Error);
        }
      };
      this.stream.on('drain', done);
      this.stream.on('close', done);
      this.#closed.signal.addEventListener('abort', done);
    });
  }

  /** One line of text, made safe for a terminal (see sanitizeText). */
  line(text = ''): Promise<void> {
    return this.write(`${sanitizeText(text)}\n`);
  }

  /** Many lines, written in chunks. */
  async lines(texts: Iterable<string>): Promise<void> {
    let chunk = '';
    for (const text of texts) {
      chunk += `${sanitizeText(text)}\n`;
      if (chunk.length >= CHUNK) {
        await this.write(chunk);
        chunk = '';
      }
    }
    await this.write(chunk);
  }

  /**
   * A line for code that cannot wait (a timer's callback): written in order with the rest;
   * if the reader is gone, `closed` fires instead of an unhandled rejection.
   */
  lineDetached(text: string): void {
    this.line(text).catch((err: unknown) => this.#fail(err));
  }

  /** A value as pretty-printed JSON (two-space indent), exact and terminal-safe. */
  json(value: unknown): Promise<void> {
    return this.write(`${jsonText(value, 2)}\n`);
  }

  /**
   * Pages of items as one JSON array, formatted exactly as json() would format the whole array
   * nested `depth` levels deep, without holding all items. Returns how many were written.
   * The caller writes what comes before and after (nothing after a top-level array but "\n").
   */
  async jsonArray(pages: AsyncIterable<readonly unknown[]> | Iterable<readonly unknown[]>, depth = 0): Promise<number> {
    let n = 0;
    let chunk = '[';
    for await (const page of pages) {
      for (const item of page) {
        chunk += `${n++ > 0 ? ',' : ''}\n${nestedJson(item, depth)}`;
        if (chunk.length >= CHUNK) {
          await this.write(chunk);
          chunk = '';
        }
      }
    }
    await this.write(`${chunk}${n > 0 ? `\n${'  '.repeat(depth)}` : ''}]`);
    return n;
  }

  /** Rows as aligned columns (the first row is the header); cells are sanitized. */
  table(rows: readonly (readonly string[])[]): Promise<void> {
    return this.lines(tableLines(rows));
  }

  /** Resolves when everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    this.check();
    if (this.#inflight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    this.check();
  }

  /** Flushes and closes a file output (never call it on process.stdout). */
  async end(): Promise<void> {
    await this.flush();
    this.stream.end();
    await finished(this.stream).catch((err: unknown) => this.#fail(err));
    if (this.#error) throw this.#error; // (a finished stream is destroyed: check() would call that closed)
  }
}
