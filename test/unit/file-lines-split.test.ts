import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  LineScanner,
  readLines,
  type LineBatch,
  type LineRecord,
  type ReadLinesOptions,
} from '../../main/pipeline/sources/file-lines.js';
import { tempDir } from '../helpers/tmp.js';

function write(content: string | Buffer): string {
  const file = path.join(tempDir('vigil-tail-'), 'in.log');
  fs.writeFileSync(file, content);
  return file;
}

async function collect(file: string, opts: ReadLinesOptions): Promise<{ batches: LineBatch[]; lines: LineRecord[] }> {
  const batches: LineBatch[] = [];
  for await (const b of readLines(file, opts)) batches.push(b);
  return { batches, lines: batches.flatMap((b) => b.lines) };
}

const texts = (lines: LineRecord[]) => lines.map((l) => (l.oversize ? `<oversize ${l.length}>` : l.text));

describe('readLines', () => {
  it('splits LF and CRLF lines with exact offsets and line numbers', async () => {
    const file = write('alpha\r\nbeta\ngamma\r\n');
    const { batches, lines } = await collect(file, { final: true });
    expect(lines).toEqual([
      { text: 'alpha', offset: 0, line: 1 },
      { text: 'beta', offset: 7, line: 2 },
      { text: 'gamma', offset: 12, line: 3 },
    ]);
    expect(batches.at(-1)!.end).toBe(19);
    expect(batches.at(-1)!.nextLine).toBe(4);
  });

  it('keeps empty lines (LF and CRLF) as empty records', async () => {
    const file = write('\n\r\na\n\n');
    const { lines, batches } = await collect(file, { final: true });
    expect(lines).toEqual([
      { text: '', offset: 0, line: 1 },
      { text: '', offset: 1, line: 2 },
      { text: 'a', offset: 3, line: 3 },
      { text: '', offset: 5, line: 4 },
    ]);
    expect(batches.at(-1)!.end).toBe(6);
  });

  it('emits a last line without newline only when final', async () => {
    const file = write('one\ntwo\nthr');
    const fin = await collect(file, { final: true });
    expect(texts(fin.lines)).toEqual(['one', 'two', 'thr']);
    expect(fin.lines[2]).toEqual({ text: 'thr', offset: 8, line: 3 });
    expect(fin.batches.at(-1)!.end).toBe(11);

    const tail = await collect(file, { final: false });
    expect(texts(tail.lines)).toEqual(['one', 'two']);
    expect(tail.batches.at(-1)!.end).toBe(8); // the cursor stays before "thr"
    expect(tail.batches.at(-1)!.nextLine).toBe(3);
  });

  it('yields nothing for an empty file or one with only a partial line (not final)', async () => {
    expect((await collect(write(''), { final: true })).batches).toEqual([]);
    expect((await collect(write('partial'), { final: false })).batches).toEqual([]);
  });

  it('decodes multi-byte UTF-8 split across every chunk boundary', async () => {
    const lines = ['héllo wörld', '日本語のテキスト', 'emoji 😀🚀 end', '', 'ascii'];
    const content = lines.join('\n') + '\n';
    const file = write(content);
    const bytes = Buffer.from(content);
    const offsets: number[] = [];
    for (let i = 0, o = 0; i < lines.length; i++) {
      offsets.push(o);
      o += Buffer.byteLength(lines[i]!) + 1;
    }
    for (let chunk = 1; chunk <= 9; chunk++) {
      const got = await collect(file, { final: true, chunkBytes: chunk });
      expect(texts(got.lines), `chunk ${chunk}`).toEqual(lines);
      expect(got.lines.map((l) => l.offset)).toEqual(offsets);
      expect(got.lines.map((l) => l.line)).toEqual([1, 2, 3, 4, 5]);
      expect(got.batches.at(-1)!.end).toBe(bytes.length);
    }
  });

  it('turns a line over the limit into an oversize record and carries on after it', async () => {
    // limit 10 bytes; head 4 bytes
    const long = 'x'.repeat(25);
    const content = `short\n${long}\r\nafter\n0123456789\n0123456789\r\n0123456789A\nend`;
    const file = write(content);
    for (const chunk of [1, 3, 7, 64]) {
      const { lines, batches } = await collect(file, { final: true, chunkBytes: chunk, maxLineBytes: 10, headBytes: 4 });
      expect(lines, `chunk ${chunk}`).toEqual([
        { text: 'short', offset: 0, line: 1 },
        { oversize: true, offset: 6, line: 2, length: 25, head: 'xxxx' },
        { text: 'after', offset: 33, line: 3 },
        { text: '0123456789', offset: 39, line: 4 }, // exactly the limit: kept
        { text: '0123456789', offset: 50, line: 5 }, // exactly the limit plus CRLF: kept
        { oversize: true, offset: 62, line: 6, length: 11, head: '0123' },
        { text: 'end', offset: 74, line: 7 },
      ]);
      expect(batches.at(-1)!.end).toBe(Buffer.byteLength(content));
    }
  });

  it('cuts an oversize head on a character boundary', async () => {
    const file = write('aé€😀bbbbbbbbbbbbbbbbbbbbbb\nok\n'); // a(1) é(2) €(3) 😀(4)
    const { lines } = await collect(file, { final: true, chunkBytes: 2, maxLineBytes: 8, headBytes: 5 });
    expect(lines[0]).toMatchObject({ oversize: true, offset: 0, line: 1, head: 'aé' });
    expect(lines[1]).toEqual({ text: 'ok', offset: 33, line: 2 });
  });

  it('emits an unterminated oversize last line only when final', async () => {
    const file = write(`a\n${'y'.repeat(30)}`);
    const opts = { chunkBytes: 4, maxLineBytes: 10, headBytes: 3 };
    const fin = await collect(file, { ...opts, final: true });
    expect(fin.lines).toEqual([
      { text: 'a', offset: 0, line: 1 },
      { oversize: true, offset: 2, line: 2, length: 30, head: 'yyy' },
    ]);
    expect(fin.batches.at(-1)!.end).toBe(32);
    const tail = await collect(file, { ...opts, final: false });
    expect(tail.lines).toEqual([{ text: 'a', offset: 0, line: 1 }]);
    expect(tail.batches.at(-1)!.end).toBe(2);
  });

  it('splits into batches whose end and nextLine resume exactly', async () => {
    const all = Array.from({ length: 23 }, (_, i) => `line-${i + 1}`);
    const file = write(all.join('\n') + '\n');
    const { batches } = await collect(file, { final: true, batchLines: 5, chunkBytes: 16 });
    expect(batches.map((b) => b.lines.length)).toEqual([5, 5, 5, 5, 3]);
    // Resume from each batch boundary and get exactly the rest.
    for (const b of batches) {
      const rest = await collect(file, { final: true, start: b.end, startLine: b.nextLine });
      const expected = all.slice(b.nextLine - 1);
      expect(texts(rest.lines)).toEqual(expected);
      if (rest.lines[0]) expect(rest.lines[0].line).toBe(b.nextLine);
    }
  });

  it('reads only the region [start, end)', async () => {
    const file = write('a\nbb\nccc\ndddd\n');
    const got = await collect(file, { final: false, start: 2, startLine: 2, end: 11 });
    expect(got.lines).toEqual([
      { text: 'bb', offset: 2, line: 2 },
      { text: 'ccc', offset: 5, line: 3 },
    ]);
    expect(got.batches.at(-1)!.end).toBe(9);
  });

  it('strips a UTF-8 BOM at the start of the file only', async () => {
    const file = write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}\n{"b":2}\n')]));
    const { lines } = await collect(file, { final: true });
    expect(lines).toEqual([
      { text: '{"a":1}', offset: 0, line: 1 },
      { text: '{"b":2}', offset: 11, line: 2 },
    ]);
  });
});

describe('LineScanner', () => {
  it('holds a partial line across feeds and completes it once', () => {
    const s = new LineScanner(100, null);
    s.feed(Buffer.from('ab'), 2);
    expect(s.take(10)).toBeNull();
    expect(s.partialBytes).toBe(2);
    s.feed(Buffer.from('c\nd'), 3);
    expect(s.take(10)).toEqual({ lines: [{ text: 'abc', offset: 100, line: null }], end: 104, nextLine: null });
    expect(s.consumed).toBe(104);
    expect(s.pos).toBe(105);
  });

  it('never keeps more than the limit of an oversize line in memory', () => {
    const s = new LineScanner(0, 1, { maxLineBytes: 16, headBytes: 8 });
    const chunk = Buffer.alloc(1000, 0x41);
    for (let i = 0; i < 50; i++) s.feed(chunk, chunk.length);
    // Nothing but the 8-byte head is retained (no carry of the 50,000 bytes).
    expect((s as unknown as { carryLen: number }).carryLen).toBe(0);
    s.feed(Buffer.from('\nok\n'), 4);
    expect(s.take(10)!.lines).toEqual([
      { oversize: true, offset: 0, line: 1, length: 50_000, head: 'AAAAAAAA' },
      { text: 'ok', offset: 50_001, line: 2 },
    ]);
  });
});

describe('LineScanner memory', () => {
  it('keeps only the untaken records when batches do not drain the queue (regression: every line stayed referenced)', () => {
    const scanner = new LineScanner(0, 1);
    const chunk = Buffer.from('x'.repeat(99) + '\n'); // 100 bytes, one line
    const big = Buffer.concat(Array.from({ length: 37 }, () => chunk)); // 37 lines per feed
    let taken = 0;
    for (let i = 0; i < 2000; i++) {
      scanner.feed(big, big.length);
      while (scanner.queued >= 50) taken += scanner.take(50)!.lines.length;
      // what the scanner still holds is at most one batch plus one feed, never the history
      const held = (scanner as unknown as { items: unknown[] }).items.length;
      expect(held).toBeLessThan(50 + 37);
    }
    expect(taken + scanner.queued).toBe(2000 * 37);
  });
});
