import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type OpenProgress } from '../../main/store/db.js';
import { DatabaseFromFutureError } from '../../main/store/migrate.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { upgradeInWorker, upgradePending } from '../../main/store/upgrade.js';
import { spawnCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot } from '../helpers/services.js';

/** The built thread (npm run build:main), as the app starts it. */
const SCRIPT = path.join(repoRoot, 'dist', 'main', 'store', 'upgrade-entry.js');
const LATEST = MIGRATIONS.length;

/** A database two schema steps behind, with enough pages for several backup steps (4096 pages each). */
async function behind(dir = tempDir()): Promise<string> {
  const file = path.join(dir, 'vigil.db');
  const { db } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, LATEST - 2) });
  db.exec('CREATE TABLE filler (b BLOB)');
  const fill = db.prepare('INSERT INTO filler VALUES (randomblob(3000))');
  db.transaction(() => {
    for (let i = 0; i < 12_000; i++) fill.run();
  })();
  db.prepare("INSERT INTO meta (key, value) VALUES ('marker', 'kept')").run();
  closeDatabase(db);
  return file;
}

const versionOf = (file: string) => {
  const db = new BetterSqlite3(file, { readonly: true });
  try {
    return db.pragma('user_version', { simple: true }) as number;
  } finally {
    db.close();
  }
};

describe('a database upgrade runs in its own thread', () => {
  it('backs up and migrates in the worker, telling each step as it goes; opening it afterwards has nothing left to do', async () => {
    const file = await behind();
    expect(upgradePending(file)).toBe(true);
    const seen: OpenProgress[] = [];
    const outcome = await upgradeInWorker(file, { script: SCRIPT, onProgress: (p) => seen.push(p) });
    expect(outcome).toMatchObject({ from: LATEST - 2, to: LATEST });
    // not this thread (the main thread's id is 0)
    expect(outcome!.threadId).toBeGreaterThan(0);
    expect(fs.existsSync(outcome!.backupPath!)).toBe(true);
    const backups = seen.filter((p) => p.step === 'backup');
    expect(backups.length).toBeGreaterThanOrEqual(3);
    expect(backups.every((p) => p.file === outcome!.backupPath)).toBe(true);
    expect(backups.at(-1)!.copied).toBe(backups.at(-1)!.total);
    expect(seen.slice(backups.length)).toEqual(MIGRATIONS.slice(-2).map((m) => ({ step: 'migrate', version: m.version, name: m.name })));

    expect(upgradePending(file)).toBe(false);
    const opened = await openDatabase(file);
    expect({ from: opened.from, to: opened.to, backupPath: opened.backupPath }).toEqual({ from: LATEST, to: LATEST, backupPath: null });
    expect(opened.db.prepare("SELECT value FROM meta WHERE key = 'marker'").pluck().get()).toBe('kept');
    closeDatabase(opened.db);
  });

  it('starts no thread when there is nothing to upgrade: a new file, an empty one, an up-to-date one', async () => {
    const dir = tempDir();
    const missing = path.join(dir, 'none.db');
    const empty = path.join(dir, 'empty.db');
    fs.writeFileSync(empty, '');
    const current = path.join(dir, 'current.db');
    closeDatabase((await openDatabase(current)).db);
    for (const file of [missing, empty, current]) {
      const seen: OpenProgress[] = [];
      // a script that cannot run: were a thread started, onFallback would hear of it
      const fellBack: string[] = [];
      expect(await upgradeInWorker(file, { script: path.join(dir, 'no-such-entry.js'), onProgress: (p) => seen.push(p), onFallback: (w) => fellBack.push(w) })).toBeNull();
      expect({ seen, fellBack }).toEqual({ seen: [], fellBack: [] });
    }
    expect(fs.existsSync(missing)).toBe(false);
  });

  it('refuses a database from a newer Vigil before starting a thread, and leaves it untouched', async () => {
    const file = path.join(tempDir(), 'future.db');
    closeDatabase((await openDatabase(file)).db);
    const db = new BetterSqlite3(file);
    db.pragma(`user_version = ${LATEST + 5}`);
    db.close();
    await expect(upgradeInWorker(file, { script: SCRIPT })).rejects.toBeInstanceOf(DatabaseFromFutureError);
    expect(versionOf(file)).toBe(LATEST + 5);
  });

  it('rejects with the step’s own error when the upgrade fails, and the database stays at its version', async () => {
    const file = await behind();
    // another process holds the write lock past the upgrade's busy timeout (5 s)
    const holder = new BetterSqlite3(file);
    holder.prepare('BEGIN IMMEDIATE').run();
    try {
      await expect(upgradeInWorker(file, { script: SCRIPT })).rejects.toThrow(/database is locked/);
    } finally {
      holder.prepare('ROLLBACK').run();
      holder.close();
    }
    expect(versionOf(file)).toBe(LATEST - 2);
  }, 30_000);

  it('says why when its thread cannot run, and leaves the upgrade to the caller', async () => {
    const file = await behind();
    const fellBack: string[] = [];
    expect(await upgradeInWorker(file, { script: path.join(tempDir(), 'no-such-entry.js'), onFallback: (w) => fellBack.push(w) })).toBeNull();
    expect(fellBack).toHaveLength(1);
    expect(fellBack[0]).toMatch(/no-such-entry/);
    expect(versionOf(file)).toBe(LATEST - 2);
  });

  it('vigil serve upgrades an old data directory in the thread and then serves it', async () => {
    const dir = tempDir();
    await behind(dir);
    const child = spawnCli(['serve', '--port', '0', '--data-dir', dir], { VIGIL_TOKEN: 'upgrade-test-token-0123456789abcdef' });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (/serving at http/.test(out)) resolve();
        });
        child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
      });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(stderr).toMatch(/upgrading the database/);
    expect(stderr).toMatch(/database upgraded.*"thread":"upgrade"/);
    expect(stderr).not.toMatch(/upgrade thread did not run/);
    expect(versionOf(path.join(dir, 'vigil.db'))).toBe(LATEST);
  }, 120_000);
});
