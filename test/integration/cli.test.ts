import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../main/store/db.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

const latest = MIGRATIONS.length;

describe('vigil CLI', () => {
  it('prints its version, and help for every command', () => {
    const v = runCli(['version', '--json']);
    expect(v.code).toBe(0);
    expect(JSON.parse(v.stdout)).toMatchObject({ name: 'vigil', version: '0.1.0', schema_version: latest });
    for (const cmd of ['serve', 'db', 'version']) {
      const h = runCli([cmd, '--help']);
      expect(h.code, cmd).toBe(0);
      expect(h.stdout, cmd).toMatch(new RegExp(`^Usage: vigil ${cmd}`));
    }
    expect(runCli(['--help']).stdout).toContain('Commands:');
  });

  it('db info and db migrate report the schema version of the chosen data directory', async () => {
    const dir = tempDir();
    expect(runCli(['db', 'info', '--data-dir', dir]).stdout).toContain('no database');
    const m = runCli(['db', 'migrate', '--data-dir', dir, '--json']);
    expect(m.code).toBe(0);
    expect(JSON.parse(m.stdout)).toMatchObject({ from: 0, to: latest });
    const info = runCli(['db', 'info', '--json'], { VIGIL_DATA_DIR: dir });
    expect(JSON.parse(info.stdout)).toMatchObject({ schema_version: latest, app_schema_version: latest, pending: 0 });
    expect(runCli(['db', 'info', '--data-dir', dir]).stdout).toMatch(new RegExp(`schema version\\s+${latest}`));
    // an older database (one step behind): the upgrade says on stderr what it is doing, stdout stays the answer
    const older = tempDir();
    const { db: old } = await openDatabase(path.join(older, 'vigil.db'), { migrations: MIGRATIONS.slice(0, latest - 1) });
    closeDatabase(old);
    const up = runCli(['db', 'migrate', '--data-dir', older, '--json']);
    expect(up.code).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ from: latest - 1, to: latest });
    expect(up.stderr).toMatch(/backing up the database before upgrading it .*"copied_pct":100/);
    expect(up.stderr).toMatch(new RegExp(`upgrading the database .*"migration":${latest}`));
  });

  it('refuses a database from a future version with one clear line and no stack trace', () => {
    const dir = tempDir();
    const db = new BetterSqlite3(path.join(dir, 'vigil.db'));
    db.pragma(`user_version = ${latest + 3}`);
    db.close();
    fs.chmodSync(path.join(dir, 'vigil.db'), 0o600); // private already: no notice about its mode
    for (const sub of ['info', 'migrate']) {
      const r = runCli(['db', sub, '--data-dir', dir]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`schema version ${latest + 3}`);
      expect(r.stderr).toContain(`up to ${latest}`);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('turns user mistakes into one line and exit code 2', () => {
    for (const args of [['frobnicate'], ['db', 'info', '--nope'], ['serve', '--port', 'x'], ['serve', '--port', '70000'], ['db', 'explode']]) {
      const r = runCli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^vigil: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
