import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, WAL_AUTOCHECKPOINT_PAGES, WAL_FILE_LIMIT_BYTES, type Database } from '../../main/store/db.js';
import { BACKSTOP_CHECKPOINT_PAGES, Checkpointer } from '../../main/store/checkpointer.js';
import { runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { repoRoot, testApp, testServices } from '../helpers/services.js';
import { until } from '../helpers/wait.js';

/** The built thread (npm run build:main), as the app starts it. */
const SCRIPT = path.join(repoRoot, 'dist', 'main', 'store', 'checkpoint-entry.js');

const autocheckpoint = (db: Database) => db.pragma('wal_autocheckpoint', { simple: true }) as number;

/** Writes about `mb` MB in one transaction: pages the writer's own checkpoint (10,000 pages) would leave in the log. */
function write(db: Database, mb: number): void {
  db.exec('CREATE TABLE IF NOT EXISTS filler (b BLOB)');
  const fill = db.prepare('INSERT INTO filler VALUES (randomblob(4000))');
  db.transaction(() => {
    for (let i = 0; i < mb * 250; i++) fill.run();
  })();
}

async function fresh() {
  const file = path.join(tempDir(), 'vigil.db');
  const { db } = await openDatabase(file);
  return { file, db };
}

describe('the checkpoint thread', () => {
  it('copies what the writer commits into the database file, while the writer’s own checkpoint waits for a much larger log', async () => {
    const { file, db } = await fresh();
    const checkpointer = new Checkpointer(db, file, () => undefined, { script: SCRIPT, everyMs: 20 });
    expect(autocheckpoint(db)).toBe(BACKSTOP_CHECKPOINT_PAGES);
    const before = fs.statSync(file).size;
    write(db, 12);
    // 12 MB (~3,000 pages) is under either threshold: only the thread copies it into the file
    await until(() => fs.statSync(file).size - before > 11e6, 10_000, 'the thread to copy the commit');
    const stats = await checkpointer.stop();
    expect(stats!.runs).toBeGreaterThan(0);
    // stopped: the writer checkpoints by itself again, at its usual threshold
    expect(autocheckpoint(db)).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(checkpointer.failed).toBeNull();
    expect(await checkpointer.stop()).toBe(stats);
    closeDatabase(db);
  });

  it('lets the log start over once it is copied, its file cut back to 64 MiB', async () => {
    const { file, db } = await fresh();
    const checkpointer = new Checkpointer(db, file, () => undefined, { script: SCRIPT, everyMs: 20 });
    const wal = () => fs.statSync(`${file}-wal`).size;
    // a long import's log: larger than the limit, under the backstop
    write(db, 90);
    expect(wal()).toBeGreaterThan(WAL_FILE_LIMIT_BYTES);
    // once the thread has copied it all, the next commit starts the log over, in a file cut back to the limit
    await until(
      () => {
        write(db, 0.1);
        return wal() <= WAL_FILE_LIMIT_BYTES;
      },
      20_000,
      'the log to start over',
    );
    expect(fs.statSync(file).size).toBeGreaterThan(85e6);
    await checkpointer.stop();
    closeDatabase(db);
  });

  it('without it, the same commit stays in the log', async () => {
    const { file, db } = await fresh();
    db.pragma(`wal_autocheckpoint = ${BACKSTOP_CHECKPOINT_PAGES}`);
    const before = fs.statSync(file).size;
    write(db, 12);
    await new Promise((r) => setTimeout(r, 300));
    expect(fs.statSync(file).size - before).toBeLessThan(1e6);
    closeDatabase(db);
  });

  it('says why once when its thread cannot run, and the writer checkpoints by itself again', async () => {
    const { file, db } = await fresh();
    const why: string[] = [];
    const checkpointer = new Checkpointer(db, file, (w) => why.push(w), { script: path.join(tempDir(), 'no-such-entry.js') });
    await until(() => checkpointer.failed !== null, 10_000, 'the thread to fail');
    expect(why).toHaveLength(1);
    expect(why[0]).toMatch(/no-such-entry/);
    expect(autocheckpoint(db)).toBe(WAL_AUTOCHECKPOINT_PAGES);
    expect(await checkpointer.stop()).toBeNull();
    closeDatabase(db);
  });

  it('never holds a process open by itself', async () => {
    const file = path.join(tempDir(), 'vigil.db');
    const dist = (m: string) => pathToFileURL(path.join(repoRoot, 'dist', 'main', 'store', m)).href;
    const script = `
      const { openDatabase } = await import(${JSON.stringify(dist('db.js'))});
      const { Checkpointer } = await import(${JSON.stringify(dist('checkpointer.js'))});
      const { db } = await openDatabase(${JSON.stringify(file)});
      new Checkpointer(db, ${JSON.stringify(file)}, (why) => { console.error(why); process.exitCode = 3; });
      setTimeout(() => console.log('done'), 300);`;
    const entry = path.join(tempDir(), 'hold.mjs');
    fs.writeFileSync(entry, script);
    const r = spawnSync(process.execPath, [entry], { encoding: 'utf8', timeout: 20_000 });
    // ended by itself (not by the timeout's SIGTERM), the thread never failed
    expect({ status: r.status, signal: r.signal, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ status: 0, signal: null, stdout: 'done', stderr: '' });
  });

  it('runs in a running app, not in a one-shot command; closing stops it and truncates the log', async () => {
    const app = await testApp(tempDir());
    expect(app.services.checkpointer).not.toBeNull();
    await app.close();
    expect(app.services.db.open).toBe(false);
    const once = await testServices(tempDir());
    expect(once.checkpointer).toBeNull();
    await once.close();
  });

  it('runs under vigil ingest, which leaves no log behind when it ends', () => {
    const dir = tempDir();
    const r = runCli(['ingest', '--format', 'eve', path.join(repoRoot, 'test', 'fixtures', 'eve', 'records.jsonl'), '--data-dir', dir]);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/checkpoint thread/);
    const wal = path.join(dir, 'vigil.db-wal');
    expect(fs.existsSync(wal) ? fs.statSync(wal).size : 0).toBe(0);
  }, 60_000);
});
