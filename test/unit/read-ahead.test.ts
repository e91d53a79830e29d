import { describe, expect, it } from 'vitest';
import { readAhead } from '../../main/pipeline/sources/indexer.js';

describe('readAhead (the indexer driver asks for the next page while this one is stored)', () => {
  it('requests item n+1 as soon as item n is handed out, yields all in order, and closes the source', async () => {
    const log: string[] = [];
    async function* pages() {
      try {
        for (let i = 1; i <= 3; i++) {
          log.push(`fetch ${i}`);
          await new Promise((r) => setTimeout(r, 1));
          yield i;
        }
      } finally {
        log.push('closed');
      }
    }
    const got: number[] = [];
    for await (const p of readAhead(pages())) {
      await new Promise((r) => setTimeout(r, 5)); // storing the page
      log.push(`stored ${p}`);
      got.push(p);
    }
    expect(got).toEqual([1, 2, 3]);
    // page 2 was being fetched before page 1 was stored
    expect(log.indexOf('fetch 2')).toBeLessThan(log.indexOf('stored 1'));
    expect(log.filter((l) => l === 'closed')).toHaveLength(1);
  });

  it('a failed fetch surfaces where the consumer asks for that page, never as an unhandled rejection', async () => {
    async function* pages() {
      yield 1;
      throw new Error('HTTP 503');
    }
    const got: number[] = [];
    const run = async () => {
      for await (const p of readAhead(pages())) {
        await new Promise((r) => setTimeout(r, 5));
        got.push(p);
      }
    };
    await expect(run()).rejects.toThrow('HTTP 503');
    expect(got).toEqual([1]);
  });

  it('stopping early returns the source (its finally runs)', async () => {
    let closed = false;
    async function* pages() {
      try {
        for (let i = 1; ; i++) yield i;
      } finally {
        closed = true;
      }
    }
    for await (const p of readAhead(pages())) if (p === 2) break;
    expect(closed).toBe(true);
  });
});
