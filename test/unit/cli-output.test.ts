import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Output, OutputClosedError, cell, jsonText, sanitizeText, tableLines } from '../../main/cli/output.js';
import { ESCAPE_PAYLOADS, UNSAFE } from '../helpers/escapes.js';

/** A writable that accepts `hwm` bytes at a time and completes each write after a tick. */
function slowSink(hwm = 16): { stream: Writable; chunks: string[]; maxBuffered: () => number } {
  const chunks: string[] = [];
  let max = 0;
  const stream = new Writable({
    highWaterMark: hwm,
    decodeStrings: false,
    write(chunk: string, _enc, cb) {
      chunks.push(chunk);
      setImmediate(cb);
    },
  });
  const write = stream.write.bind(stream);
  stream.write = ((...args: Parameters<Writable['write']>) => {
    const ok = write(...args);
    max = Math.max(max, stream.writableLength);
    return ok;
  }) as Writable['write'];
  return { stream, chunks, maxBuffered: () => max };
}

describe('cli output: terminal-safe text', () => {
  it.each(ESCAPE_PAYLOADS)('strips %s', (_name, payload, visible, inCell) => {
    expect(sanitizeText(payload)).toBe(visible);
    expect(cell(payload)).toBe(inCell ?? visible);
    expect(sanitizeText(payload)).not.toMatch(UNSAFE);
  });

  it('keeps newlines and tabs in text, but flattens them in a cell', () => {
    expect(sanitizeText('a\tb\nc')).toBe('a\tb\nc');
    expect(cell('title\nFAKE: alert resolved\tx\r\ny')).toBe('title FAKE: alert resolved x y');
    expect(cell('Ünïcødé ✓ 日本 🙂')).toBe('Ünïcødé ✓ 日本 🙂');
  });

  it('aligns table columns on the sanitized cells', () => {
    expect(tableLines([['A', 'B'], ['\x1b[31mred\x1b[0m', 'x\ny']])).toEqual(['A    B', 'red  x y']);
  });

  it('keeps JSON exact while escaping what a terminal would act on', () => {
    const value = { s: ESCAPE_PAYLOADS.map(([, p]) => p).join('|'), line: '\u2028\u2029' };
    const text = jsonText(value, 2);
    expect(text).not.toMatch(UNSAFE);
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText('\u202e')).toBe('"\\u202e"');
  });
});

describe('cli output: the writer', () => {
  it('waits for drain: every byte arrives in order and the buffer stays bounded', async () => {
    const sink = slowSink(64);
    const out = new Output(sink.stream);
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const text = `line ${i} ${'é✓'.repeat(i % 7)}`;
      expected.push(`${text}\n`);
      await out.line(text);
    }
    await out.end();
    expect(sink.chunks.join('')).toBe(expected.join(''));
    // without backpressure all 2000 lines would sit in the buffer at once
    expect(sink.maxBuffered()).toBeLessThan(200);
  });

  it('streams a JSON array exactly as JSON.stringify(all, null, 2) formats it', async () => {
    const items = [{ a: 1, b: ['x', { c: null }] }, { a: 2, b: [] }, 'text', 3];
    for (const [pages, depth] of [[[items.slice(0, 1), [], items.slice(1)], 0], [[], 0], [[items], 1]] as const) {
      const sink = slowSink();
      const out = new Output(sink.stream);
      const n = await out.jsonArray(pages, depth);
      await out.end();
      const all = pages.flat();
      expect(n).toBe(all.length);
      const expected = depth === 0 ? JSON.stringify(all, null, 2) : JSON.stringify({ k: all }, null, 2).split('\n').slice(1, -1).join('\n').replace(/^ {2}"k": /, '');
      expect(sink.chunks.join('')).toBe(expected);
    }
  });

  it('turns a reader that went away (EPIPE) into OutputClosedError and aborts `closed`', async () => {
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const out = new Output(stream);
    await expect(async () => {
      for (let i = 0; i < 10; i++) await out.line('x');
    }).rejects.toBeInstanceOf(OutputClosedError);
    expect(out.closed.aborted).toBe(true);
    await expect(out.flush()).rejects.toBeInstanceOf(OutputClosedError);
  });

  it('passes other write errors (a full disk) through as they are', async () => {
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('no space left on device'), { code: 'ENOSPC' }));
      },
    });
    const out = new Output(stream);
    await out.line('x').catch(() => {});
    await expect(out.flush()).rejects.toMatchObject({ code: 'ENOSPC' });
  });

  it('lineDetached never rejects: a closed reader only fires `closed`', async () => {
    const stream = new Writable({
      write(_chunk, _enc, cb) {
        cb(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const out = new Output(stream);
    out.lineDetached('a');
    out.lineDetached('b');
    await new Promise((r) => setImmediate(r));
    expect(out.closed.aborted).toBe(true);
  });
});
