import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const BAD = 1234;

interface Item {
  id: number;
  raw: string;
}

describe('vigil quarantine list: pages beyond 500 (issue 8.14)', () => {
  it('lists any number of records, --all, --before-id, as JSON and as text', () => {
    const dir = tempDir();
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, Array.from({ length: BAD }, (_, i) => `not json ${i + 1}\n`).join(''));
    // every line is quarantined, so the import itself fails (exit 1); the quarantine keeps them all
    expect(runCli(['ingest', '--format', 'eve', file, '--data-dir', dir])).toMatchObject({ code: 1 });
    const json = (...args: string[]) => {
      const r = runCli(['quarantine', 'list', '--json', ...args, '--data-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      return JSON.parse(r.stdout) as { items: Item[]; total: number };
    };

    const all = json('--all');
    expect(all.total).toBe(BAD);
    expect(all.items.map((i) => i.raw)).toEqual(Array.from({ length: BAD }, (_, i) => `not json ${BAD - i}`));
    expect(all.items.every((item, i) => i === 0 || item.id < all.items[i - 1]!.id)).toBe(true);

    expect(json().items).toEqual(all.items.slice(0, 20));
    expect(json('--limit', '501').items).toEqual(all.items.slice(0, 501));
    const next = json('--limit', '700', '--before-id', String(all.items[499]!.id));
    expect(next).toEqual({ items: all.items.slice(500, 1200), total: BAD });
    expect(json('--before-id', String(all.items.at(-1)!.id))).toEqual({ items: [], total: BAD });

    const text = runCli(['quarantine', 'list', '--limit', '600', '--data-dir', dir]).stdout.split('\n');
    expect(text[0]).toBe(`${BAD} quarantined record(s), newest first:`);
    expect(text.filter((l) => l.startsWith('#'))).toHaveLength(600);
    expect(text.at(-2)).toBe(`more: vigil quarantine list --before-id ${all.items[599]!.id}`);
    const rest = runCli(['quarantine', 'list', '--all', '--before-id', String(all.items[599]!.id), '--data-dir', dir]).stdout.split('\n');
    expect(rest.filter((l) => l.startsWith('#'))).toHaveLength(BAD - 600);
    expect(rest.at(-2)).toBe('    not json 1');

    expect(runCli(['quarantine', 'list', '--all', '--limit', '5', '--data-dir', dir])).toMatchObject({ code: 2 });
    expect(runCli(['quarantine', 'list', '--before-id', 'x', '--data-dir', dir])).toMatchObject({ code: 2 });
  }, 120_000);
});
