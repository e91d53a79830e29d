import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import type { LiveSource } from '../../main/contract/index.js';
import { eveAlertLine } from '../helpers/eve.js';
import { repoRoot, testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

function alertLines(from: number, n: number): string {
  let out = '';
  for (let i = from; i < from + n; i++) out += `${eveAlertLine(i)}\n`;
  return out;
}

interface Tail {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exited: Promise<number | null>;
}

function tail(file: string, dataDir: string, ...extra: string[]): Tail {
  const child = spawn(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), 'tail', file, '--data-dir', dataDir, ...extra], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, out: () => out, err: () => err, exited };
}

async function until<T>(what: string, pred: () => T | undefined | null | false | Promise<T | undefined | null | false>, ms = 90_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function query<T>(dataDir: string, sql: string): T | null {
  const file = path.join(dataDir, 'vigil.db');
  if (!fs.existsSync(file)) return null;
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).get() as T;
  } catch {
    return null; // not migrated yet
  } finally {
    db.close();
  }
}

const holderPid = (dataDir: string) => query<{ pid: number }>(dataDir, 'SELECT pid FROM source_leases')?.pid;
const storedEvents = (dataDir: string) => query<{ n: number }>(dataDir, 'SELECT count(*) AS n FROM events')?.n ?? 0;

describe('one reader per source', () => {
  it('two vigil tail processes on one file: the second refuses naming the first, a waiting one takes over after a SIGKILL; every line counted once', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'eve.json');
    let written = 0;
    const write = (n: number) => {
      fs.appendFileSync(file, alertLines(written, n));
      written += n;
    };
    write(2000);

    const a = tail(file, dataDir);
    const aPid = await until('the first tail to take the lease', () => holderPid(dataDir) === a.child.pid && a.child.pid);

    const b = tail(file, dataDir);
    expect(await b.exited).toBe(1);
    expect(b.err()).toMatch(new RegExp(`^vigil: ${file} is followed by vigil tail \\(pid ${aPid}\\) since \\d\\d:\\d\\d:\\d\\d; use --wait to wait for it\\n$`));

    const c = tail(file, dataDir, '--wait');
    await until('the waiting tail to say so', () => c.out().includes(`is followed by vigil tail (pid ${aPid})`));
    write(1000);
    await until('the first tail to read on', () => storedEvents(dataDir) >= 2500);
    a.child.kill('SIGKILL');
    await a.exited;
    write(1500);
    await until('the waiting tail to take over', () => holderPid(dataDir) === c.child.pid);
    await until('every line to be stored', () => storedEvents(dataDir) >= written);
    write(500);
    await until('the last lines', () => storedEvents(dataDir) >= written);
    c.child.kill('SIGTERM');
    expect(await c.exited).toBe(0);
    expect(c.out()).toContain(`took over from vigil tail (pid ${aPid})`);

    const db = new BetterSqlite3(path.join(dataDir, 'vigil.db'), { readonly: true });
    const seqs = (db.prepare('SELECT raw FROM events').all() as { raw: string }[]).map((r) => Number(/"seq":(\d+)/.exec(r.raw)![1]));
    const alertSum = (db.prepare('SELECT sum(count) AS n FROM alerts').get() as { n: number }).n;
    const lease = db.prepare('SELECT count(*) AS n FROM source_leases').get() as { n: number };
    db.close();
    expect(seqs).toHaveLength(written);
    expect(new Set(seqs).size).toBe(written);
    expect(alertSum).toBe(written);
    expect(lease.n).toBe(0); // released on a clean stop
  }, 240_000);

  it('the app does not follow a file a vigil tail holds: it shows who holds it, and takes over when that process dies', async () => {
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, alertLines(0, 300));
    const t = tail(file, dataDir, '--format', 'eve');
    const tPid = await until('the tail to take the lease', () => holderPid(dataDir) === t.child.pid && t.child.pid);
    await until('the tail to store the file', () => storedEvents(dataDir) >= 300);

    const app = await testApp(dataDir, { processName: 'desktop:1' }); // the source exists (the tail made it): the app tries to follow it
    const s = app.services;
    const h = app.handlers;
    const list = async () => {
      const r = await dispatch(h, 'sources.list', {}, { actor: 'ana', transport: 'test' }, silentLogger);
      if (!r.ok) throw new Error(r.error.message);
      return (r.result as LiveSource[])[0]!;
    };
    const held = await until('the app to see the holder', async () => (await list()).live?.note?.startsWith('held by') ?? false);
    expect(held).toBe(true);
    const src = await list();
    expect(src.live).toMatchObject({ state: 'waiting', note: expect.stringMatching(new RegExp(`^held by vigil tail \\(pid ${tPid}\\) since`)) });
    expect(src.lease).toMatchObject({ pid: tPid, process: 'vigil tail' });

    fs.appendFileSync(file, alertLines(300, 200));
    await until('the tail to store the new lines', () => storedEvents(dataDir) >= 500);
    t.child.kill('SIGKILL');
    await t.exited;
    fs.appendFileSync(file, alertLines(500, 200));
    await until('the app to take over and read on', () => (s.db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n >= 700);
    const after = await list();
    expect(after.lease).toMatchObject({ pid: process.pid, process: 'Vigil desktop app' });
    expect(['running', 'caught_up']).toContain(after.live?.state); // followed by this process
    const n = s.db.prepare('SELECT count(*) AS n, count(DISTINCT offset) AS d FROM events').get() as { n: number; d: number };
    expect(n).toEqual({ n: 700, d: 700 });
    await app.sources!.stop();
    expect(s.pipelineRepo.getLease(src.id)).toBeNull();
    await app.close();
  }, 240_000);
});
