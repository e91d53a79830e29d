import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/services.js';

/**
 * The checkout and the ../shared folder beside it live at different absolute paths on every
 * machine (a CI run clones into a fresh directory), so no tracked file may name either by its
 * absolute path: a test or a document that does works only where it was written.
 */
describe('no tracked file names a path of this machine', () => {
  it('neither the checkout nor ../shared (where its link leads) by absolute path', () => {
    const shared = path.join(repoRoot, '..', 'shared');
    const roots = [repoRoot, fs.realpathSync(repoRoot)];
    if (fs.existsSync(shared)) roots.push(path.resolve(shared), fs.realpathSync(shared));
    const files = execFileSync('git', ['ls-files', '-z'], { cwd: repoRoot, encoding: 'utf8' }).split('\0').filter(Boolean);
    const found: string[] = [];
    for (const file of files) {
      const full = path.join(repoRoot, file);
      if (!fs.existsSync(full) || fs.statSync(full).size > 5_000_000) continue;
      const text = fs.readFileSync(full, 'latin1');
      for (const root of new Set(roots)) if (text.includes(`${root}/`)) found.push(`${file}: ${root}`);
    }
    expect(found).toEqual([]);
  });
});
