import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileTailer, type FileCursor, type TailBatch, type TailLine } from '../../main/pipeline/sources/tail.js';
import { tempDir } from '../helpers/tmp.js';

const open: FileTailer[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.close();
});

function tailer(opts: ConstructorParameters<typeof FileTailer>[0]): FileTailer {
  const t = new FileTailer({ pollMs: 20, ...opts });
  open.push(t);
  return t;
}

const texts = (lines: TailLine[]) => lines.map((l) => (l.oversize ? `<oversize ${l.length}>` : l.text));

/**
 * Calls next() until it returns null twice in a row (nothing new, and a rotated file has had its
 * idle poll), collecting every batch. Deterministic: all writes happen before it is called.
 */
async function drain(t: FileTailer, maxCalls = 50): Promise<TailBatch[]> {
  const out: TailBatch[] = [];
  let idle = 0;
  for (let i = 0; i < maxCalls && idle < 2; i++) {
    const b = await t.next();
    if (b) {
      out.push(b);
      idle = 0;
    } else {
      idle++;
    }
  }
  return out;
}

const allTexts = (batches: TailBatch[]) => texts(batches.flatMap((b) => b.lines));

function ident(file: string): { dev: number; ino: number } {
  const st = fs.statSync(file);
  return { dev: st.dev, ino: st.ino };
}

describe('FileTailer', () => {
  it('emits a partial last line once, whole, when its newline arrives', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'a1\na2\npar');
    const t = tailer({ path: file });

    const b1 = await t.next();
    expect(texts(b1!.lines)).toEqual(['a1', 'a2']);
    expect(b1!.lines[0]).toEqual({ text: 'a1', offset: 0, line: 1 });
    expect(b1!.cursor).toEqual({ path: file, ...ident(file), offset: 6 });
    expect(await t.next()).toBeNull();
    expect(t.status()).toMatchObject({ state: 'following', bytesBehind: 3 });

    fs.appendFileSync(file, 'tial');
    expect(await t.next()).toBeNull();
    fs.appendFileSync(file, '-line\nb1');
    const b2 = await t.next();
    expect(b2!.lines).toEqual([{ text: 'partial-line', offset: 6, line: 3 }]);
    expect(b2!.cursor.offset).toBe(19);
    fs.appendFileSync(file, '\n');
    const b3 = await t.next();
    expect(b3!.lines).toEqual([{ text: 'b1', offset: 19, line: 4 }]);
    expect(b3!.cursor.offset).toBe(22);
    expect(await t.next()).toBeNull();
    expect(t.status()).toMatchObject({ state: 'following', bytesBehind: 0, cursor: b3!.cursor });
  });

  it('splits large appends into batches of batchLines with exact cursors', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    const lines = Array.from({ length: 12 }, (_, i) => `{"n":${i}}`);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const t = tailer({ path: file, batchLines: 5, chunkBytes: 7 });
    const batches = await drain(t);
    expect(batches.map((b) => b.lines.length)).toEqual([5, 5, 2]);
    expect(allTexts(batches)).toEqual(lines);
    for (const b of batches) {
      const last = b.lines.at(-1)!;
      expect(b.cursor.offset).toBe(last.offset + Buffer.byteLength(texts([last])[0]!) + 1);
    }
  });

  it('follows a rename rotation without losing lines written around the rename', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    const rotated = path.join(dir, 'eve.json.1');
    fs.writeFileSync(file, 'old1\n');
    const t = tailer({ path: file });
    expect(texts((await t.next())!.lines)).toEqual(['old1']);
    const oldId = ident(file);

    // The writer keeps its fd: it writes before and after the rename, ending without a newline.
    const writer = fs.openSync(file, 'a');
    fs.writeSync(writer, 'old2\nold3\n');
    fs.renameSync(file, rotated);
    fs.writeSync(writer, 'old4\nold5-no-newline');
    fs.closeSync(writer);
    fs.writeFileSync(file, 'new1\nnew2\n');
    const newId = ident(file);
    expect(newId.ino).not.toBe(oldId.ino);

    const batches = await drain(t);
    expect(allTexts(batches)).toEqual(['old2', 'old3', 'old4', 'old5-no-newline', 'new1', 'new2']);
    const oldBatches = batches.filter((b) => b.cursor.ino === oldId.ino);
    const newBatches = batches.filter((b) => b.cursor.ino === newId.ino);
    expect(oldBatches.every((b) => !b.rotated)).toBe(true);
    expect(oldBatches.at(-1)!.cursor.offset).toBe(fs.statSync(rotated).size);
    expect(newBatches[0]!.rotated).toBe(true);
    expect(newBatches.flatMap((b) => b.lines)[0]).toEqual({ text: 'new1', offset: 0, line: 1 });
    expect(batches.at(-1)!.cursor).toEqual({ path: file, ...newId, offset: 10 });
    expect(t.status()).toMatchObject({ state: 'following', rotations: 1, draining: false, bytesBehind: 0 });
  });

  it('finalizes a rotated file only after a poll finds it idle', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'old1\n');
    const t = tailer({ path: file });
    await drain(t);
    const writer = fs.openSync(file, 'a');
    fs.renameSync(file, path.join(dir, 'eve.json.1'));
    fs.writeFileSync(file, 'new1\n');

    expect(await t.next()).toBeNull(); // sees the rotation
    expect(t.status().draining).toBe(true);
    fs.writeSync(writer, 'late-');
    expect(await t.next()).toBeNull(); // the old file grew: not final yet
    fs.writeSync(writer, 'line\n');
    fs.closeSync(writer);
    expect(allTexts(await drain(t))).toEqual(['late-line', 'new1']);
  });

  it('keeps reading the old file while the path is missing, then moves to the new one', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'alerts.json');
    fs.writeFileSync(file, 'a\n');
    const t = tailer({ path: file });
    await drain(t);
    fs.appendFileSync(file, 'b\n');
    fs.renameSync(file, path.join(dir, 'alerts.json.1'));
    const during = await drain(t);
    expect(allTexts(during)).toEqual(['b']);
    expect(t.status()).toMatchObject({ pathMissing: true, state: 'following' });

    fs.writeFileSync(file, 'c\n');
    const after = await drain(t);
    expect(allTexts(after)).toEqual(['c']);
    expect(after[0]!.rotated).toBe(true);
    expect(t.status().pathMissing).toBe(false);
  });

  it('reports a rotation to an empty new file with an empty batch that moves the cursor', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'x\n');
    const t = tailer({ path: file });
    await drain(t);
    fs.renameSync(file, path.join(dir, 'eve.json.1'));
    fs.writeFileSync(file, '');
    const batches = await drain(t);
    expect(batches).toEqual([{ lines: [], cursor: { path: file, ...ident(file), offset: 0 }, rotated: true }]);
  });

  it('restarts at 0 after copytruncate', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'first-1\nfirst-2\nfirst-3\n');
    const t = tailer({ path: file });
    expect(allTexts(await drain(t))).toEqual(['first-1', 'first-2', 'first-3']);
    const id = ident(file);

    fs.copyFileSync(file, path.join(dir, 'eve.json.1'));
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'second-1\n');
    expect(ident(file)).toEqual(id);

    const batches = await drain(t);
    expect(batches[0]!.truncated).toBe(true);
    expect(batches[0]!.lines).toEqual([{ text: 'second-1', offset: 0, line: 1 }]);
    expect(batches[0]!.cursor).toEqual({ path: file, ...id, offset: 9 });
    expect(t.status().truncations).toBe(1);

    fs.appendFileSync(file, 'second-2\n');
    const more = await drain(t);
    expect(allTexts(more)).toEqual(['second-2']);
    expect(more[0]!.truncated).toBeUndefined();
  });

  it('resumes from a persisted cursor on the same file', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'l1\nl2\nl3\n');
    const t1 = tailer({ path: file });
    const first = await drain(t1);
    const cursor: FileCursor = JSON.parse(JSON.stringify(first.at(-1)!.cursor));
    await t1.close();

    fs.appendFileSync(file, 'l4\nl5\n');
    const t2 = tailer({ path: file, cursor });
    const batches = await drain(t2);
    expect(batches.flatMap((b) => b.lines)).toEqual([
      { text: 'l4', offset: 9, line: null },
      { text: 'l5', offset: 12, line: null },
    ]);
    expect(batches[0]!.rotated).toBeUndefined();
    expect(batches[0]!.truncated).toBeUndefined();
  });

  it('resumes mid-file from a batch cursor without repeating or skipping', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    const all = Array.from({ length: 9 }, (_, i) => `e${i}`);
    fs.writeFileSync(file, all.join('\n') + '\n');
    const t1 = tailer({ path: file, batchLines: 4 });
    const b = (await t1.next())!;
    await t1.close(); // "crash" after committing only the first batch
    const t2 = tailer({ path: file, cursor: b.cursor });
    expect([...texts(b.lines), ...allTexts(await drain(t2))]).toEqual(all);
  });

  it('starts the current file at 0 when the cursor names another inode', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'old1\nold2\n');
    const cursor: FileCursor = { path: file, ...ident(file), offset: 5 };
    // Rotated away to a name that is not a sibling of eve.json, so it cannot be found.
    fs.renameSync(file, path.join(dir, 'archive.log'));
    fs.writeFileSync(file, 'new1\nnew2\n');

    const t = tailer({ path: file, cursor });
    const batches = await drain(t);
    expect(allTexts(batches)).toEqual(['new1', 'new2']);
    expect(batches[0]!.rotated).toBe(true);
    expect(batches[0]!.lines[0]).toEqual({ text: 'new1', offset: 0, line: 1 });
    expect(t.status().note).toMatch(/rotated while stopped/);
  });

  it('drains the rotated sibling from the cursor before the new file after a restart', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'old1\nold2\n');
    const cursor: FileCursor = { path: file, ...ident(file), offset: 5 };
    fs.appendFileSync(file, 'old3');
    fs.renameSync(file, path.join(dir, 'eve.json.1'));
    fs.writeFileSync(file, 'new1\n');

    const t = tailer({ path: file, cursor });
    const batches = await drain(t);
    expect(allTexts(batches)).toEqual(['old2', 'old3', 'new1']);
    expect(batches[0]!.lines[0]).toEqual({ text: 'old2', offset: 5, line: null });
    expect(batches[0]!.cursor.ino).toBe(cursor.ino);
    const first = batches.findIndex((b) => b.rotated);
    expect(batches[first]!.lines[0]).toEqual({ text: 'new1', offset: 0, line: 1 });
  });

  it('starts at 0 when the same inode is now shorter than the cursor', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'aaaaaaaa\nbbbbbbbb\n');
    const cursor: FileCursor = { path: file, ...ident(file), offset: 18 };
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, 'c\n');
    const t = tailer({ path: file, cursor });
    const batches = await drain(t);
    expect(batches[0]!.truncated).toBe(true);
    expect(batches.flatMap((b) => b.lines)).toEqual([{ text: 'c', offset: 0, line: 1 }]);
  });

  it('waits for a missing file and reads it from 0 once it appears', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'later.json');
    const t = tailer({ path: file, startAt: 'end' });
    expect(await t.next()).toBeNull();
    expect(await t.next()).toBeNull();
    expect(t.status()).toMatchObject({ state: 'waiting', pathMissing: true, cursor: null, bytesBehind: 0 });

    fs.writeFileSync(file, 'hello\n');
    const b = await t.next();
    expect(b!.lines).toEqual([{ text: 'hello', offset: 0, line: 1 }]);
    expect(t.status()).toMatchObject({ state: 'following', pathMissing: false });
  });

  it("startAt 'end' skips existing complete lines but not a line being written", async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'old1\nold2\nhalf');
    const t = tailer({ path: file, startAt: 'end' });
    expect(await t.next()).toBeNull();
    expect(t.status().cursor!.offset).toBe(10);
    fs.appendFileSync(file, '-done\nnew\n');
    expect((await drain(t)).flatMap((b) => b.lines)).toEqual([
      { text: 'half-done', offset: 10, line: null },
      { text: 'new', offset: 20, line: null },
    ]);
  });

  it('reports an oversize line and keeps following', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'ok1\n' + 'z'.repeat(40));
    const t = tailer({ path: file, maxLineBytes: 16, headBytes: 4, chunkBytes: 8 });
    expect(texts((await t.next())!.lines)).toEqual(['ok1']);
    expect(await t.next()).toBeNull(); // the long line is not complete yet
    fs.appendFileSync(file, 'z'.repeat(40) + '\nok2\n');
    const b = (await t.next())!;
    expect(b.lines).toEqual([
      { oversize: true, offset: 4, line: 2, length: 80, head: 'zzzz' },
      { text: 'ok2', offset: 85, line: 3 },
    ]);
    expect(b.cursor.offset).toBe(89);
  });

  it('reports an error instead of throwing, and recovers', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.mkdirSync(file);
    const t = tailer({ path: file });
    expect(await t.next()).toBeNull();
    expect(t.status()).toMatchObject({ state: 'error', cursor: null });
    expect(t.status().lastError).toBeTruthy();
    fs.rmdirSync(file);
    fs.writeFileSync(file, 'ok\n');
    expect(texts((await t.next())!.lines)).toEqual(['ok']);
    expect(t.status()).toMatchObject({ state: 'following', lastError: null });
  });

  it('follow() yields appended lines until aborted', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, 'f1\n');
    const t = tailer({ path: file });
    const ac = new AbortController();
    const seen: string[] = [];
    for await (const b of t.follow(ac.signal)) {
      seen.push(...texts(b.lines));
      if (seen.length === 1) fs.appendFileSync(file, 'f2\nf3\n');
      if (seen.length >= 3) ac.abort();
    }
    expect(seen).toEqual(['f1', 'f2', 'f3']);
  });

  it('close() stops follow() and next()', async () => {
    const dir = tempDir('vigil-tail-');
    const file = path.join(dir, 'missing.json');
    const t = tailer({ path: file });
    const ac = new AbortController();
    const run = (async () => {
      const got: TailBatch[] = [];
      for await (const b of t.follow(ac.signal)) got.push(b);
      return got;
    })();
    await t.close();
    expect(await run).toEqual([]);
    expect(await t.next()).toBeNull();
  });
});
