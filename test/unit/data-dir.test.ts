import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { prepareDataDir } from '../../main/core/data-dir.js';
import { ConfSettingsBackend } from '../../main/core/conf-settings.js';
import type { Logger } from '../../main/core/logger.js';
import { closeDatabase, openDatabase } from '../../main/store/db.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const mode = (file: string) => fs.statSync(file).mode & 0o777;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info() {}, error() {}, warn: (m) => warnings.push(m) };
}

/** The services the CLI builds: conf writes config.json in the data directory. */
function servicesFor(dataDir: string, logger: Logger, settingsBackend = new ConfSettingsBackend(dataDir)) {
  return testServices(dataDir, undefined, { settingsBackend, logger });
}

// The usual umask (022) is what made the files world-readable; stricter ones would hide the bug.
let umask: number;
beforeEach(() => {
  umask = process.umask(0o022);
});
afterEach(() => {
  process.umask(umask);
});

describe.skipIf(process.platform === 'win32')('security (issue 15.7): the data directory is private', () => {
  it('a new data directory is 0700 and the database, its WAL and SHM, and config.json are 0600', async () => {
    const dir = path.join(tempDir(), 'nested', 'Vigil');
    const settings = new ConfSettingsBackend(dir);
    expect(fs.existsSync(dir)).toBe(false); // conf would create it with the umask's 0755
    const logger = recordingLogger();
    const s = await servicesFor(dir, logger, settings);
    try {
      s.settings.set({ analystName: 'ana' }, 'test'); // config.json, and a row (so a WAL) in the database
      expect(mode(dir)).toBe(0o700);
      for (const name of ['vigil.db', 'vigil.db-wal', 'vigil.db-shm', 'config.json']) expect(mode(path.join(dir, name)), name).toBe(0o600);
    } finally {
      await s.close();
    }
    expect(logger.warnings).toEqual([]); // nothing to fix in a directory it created itself
  });

  it('the copy taken before a migration is 0600', async () => {
    const file = path.join(tempDir(), 'vigil.db');
    closeDatabase((await openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) })).db);
    const opened = await openDatabase(file);
    closeDatabase(opened.db);
    expect(opened.backupPath).not.toBeNull();
    expect(mode(opened.backupPath!)).toBe(0o600);
    expect(mode(file)).toBe(0o600);
  });

  it('an existing loose directory is fixed on start, with one notice; other files are left alone', async () => {
    const dir = tempDir();
    const loose = ['vigil.db', 'vigil.db-wal', 'vigil.db-shm', 'vigil.db.v2.2026-01-01T00-00-00-000Z.bak', 'config.json', 'feed-tls/key.pem'];
    fs.mkdirSync(path.join(dir, 'feed-tls'));
    closeDatabase((await openDatabase(path.join(dir, 'vigil.db'))).db);
    for (const name of loose.slice(1).concat('feed-tls/cert.pem', 'notes.txt')) fs.writeFileSync(path.join(dir, name), name === 'config.json' ? '{}' : '');
    for (const name of [...loose, 'feed-tls/cert.pem', 'notes.txt']) fs.chmodSync(path.join(dir, name), 0o644);
    fs.chmodSync(path.join(dir, 'feed-tls'), 0o755);
    fs.chmodSync(dir, 0o755);

    const logger = recordingLogger();
    await (await servicesFor(dir, logger)).close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(path.join(dir, 'feed-tls'))).toBe(0o700);
    for (const name of loose.filter((n) => !n.includes('-wal') && !n.includes('-shm'))) expect(mode(path.join(dir, name)), name).toBe(0o600);
    expect(mode(path.join(dir, 'feed-tls', 'cert.pem'))).toBe(0o644); // a certificate is public
    expect(mode(path.join(dir, 'notes.txt'))).toBe(0o644); // not Vigil's
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain(`${dir} (0755 -> 0700)`);
    for (const name of loose) expect(logger.warnings[0]).toContain(`${path.join(dir, name)} (0644 -> 0600)`);

    const again = recordingLogger();
    await (await servicesFor(dir, again)).close();
    expect(again.warnings).toEqual([]);
  });

  it('keeps the owner\'s bits and does not follow links inside the directory', () => {
    const dir = tempDir();
    const outside = path.join(tempDir(), 'elsewhere.db');
    fs.writeFileSync(outside, '');
    fs.chmodSync(outside, 0o644);
    fs.symlinkSync(outside, path.join(dir, 'vigil.db'));
    fs.writeFileSync(path.join(dir, 'config.json'), '{}');
    fs.chmodSync(path.join(dir, 'config.json'), 0o444);
    expect(prepareDataDir(dir).map((f) => [path.basename(f.path), f.to])).toEqual([['config.json', 0o400]]);
    expect(mode(outside)).toBe(0o644);
  });

  it('changes nothing on Windows, where modes mean nothing', () => {
    const dir = tempDir();
    fs.chmodSync(dir, 0o755);
    expect(prepareDataDir(dir, 'win32')).toEqual([]);
    expect(mode(dir)).toBe(0o755);
  });
});
