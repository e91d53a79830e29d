import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli.js';
import { repoRoot } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

/** The CLI under the usual umask 022, the one that left the data world-readable. */
function vigil(args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', 'umask 022; exec "$@"', 'sh', ...cliArgv(args)], {
    cwd: repoRoot,
    env: { ...process.env, VIGIL_DATA_DIR: '' },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(process.platform === 'win32')('security (issue 15.7): the CLI keeps its data directory private', () => {
  it('creates it 0700 with vigil.db and config.json 0600, and fixes a loose one with one notice line', () => {
    const dir = path.join(tempDir(), 'Vigil');
    expect(vigil(['settings', 'set', 'analystName', 'ana', '--data-dir', dir])).toMatchObject({ code: 0, stderr: '' });
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'vigil.db'))).toBe(0o600);
    expect(mode(path.join(dir, 'config.json'))).toBe(0o600);

    const migrated = path.join(tempDir(), 'Vigil');
    expect(vigil(['db', 'migrate', '--data-dir', migrated])).toMatchObject({ code: 0, stderr: '' });
    expect(mode(migrated)).toBe(0o700);
    expect(mode(path.join(migrated, 'vigil.db'))).toBe(0o600);

    // what an older Vigil left behind
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'vigil.db'), 0o644);
    fs.chmodSync(path.join(dir, 'config.json'), 0o644);
    const r = vigil(['status', '--data-dir', dir]);
    expect(r.code).toBe(0);
    const notice = r.stderr.trim().split('\n');
    expect(notice).toHaveLength(1);
    expect(notice[0]).toContain('made the data directory private');
    expect(notice[0]).toContain(`${path.join(dir, 'config.json')} (0644 -> 0600)`);
    expect([mode(dir), mode(path.join(dir, 'vigil.db')), mode(path.join(dir, 'config.json'))]).toEqual([0o700, 0o600, 0o600]);
    expect(vigil(['status', '--data-dir', dir]).stderr).toBe('');
  }, 120_000);
});
