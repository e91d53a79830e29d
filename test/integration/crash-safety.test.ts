import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { eveAlertLine as alertLine, eveFlowLine as flowLine } from '../helpers/eve.js';
import { repoRoot } from '../helpers/services.js';
import { mulberry32 } from '../helpers/random.js';
import { tempDir } from '../helpers/tmp.js';

function startTail(file: string, dataDir: string): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), 'tail', '--format', 'eve', file, '--data-dir', dataDir], {
    stdio: 'ignore',
  });
}

function sleep(ms: number) {
  return new Promise((r) => setTimeout(r, ms));
}

describe('crash safety', () => {
  it('SIGKILL at random points while the file grows loses nothing and duplicates nothing (alerts and sensor records)', async () => {
    const rnd = mulberry32(20261121);
    const dir = tempDir();
    const dataDir = path.join(dir, 'data');
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, '');
    let written = 0; // complete lines written: every third one a flow record, the others alerts
    const isFlow = (i: number) => i % 3 === 2;
    const alertsWritten = () => written - Math.floor(written / 3);
    let pending = ''; // a partial line carried over to the next write
    let writing = true;
    const writer = (async () => {
      while (writing) {
        let chunk = pending;
        const n = 50 + Math.floor(rnd() * 400);
        for (let k = 0; k < n; k++) chunk += `${isFlow(written + k) ? flowLine(written + k) : alertLine(written + k)}\n`;
        written += n;
        // split the chunk at a random byte so a line is often half-written at a kill
        const cut = Math.floor(rnd() * chunk.length);
        fs.appendFileSync(file, chunk.slice(0, cut));
        pending = chunk.slice(cut);
        await sleep(10 + rnd() * 40);
      }
      fs.appendFileSync(file, pending);
    })();

    const kills = 12;
    for (let i = 0; i < kills; i++) {
      const child = startTail(file, dataDir);
      await sleep(150 + rnd() * 900);
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
    writing = false;
    await writer;

    // a last run catches up with the whole file, then stops cleanly
    const child = startTail(file, dataDir);
    const db = () => new BetterSqlite3(path.join(dataDir, 'vigil.db'), { readonly: true, fileMustExist: true });
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (fs.existsSync(path.join(dataDir, 'vigil.db'))) {
        const d = db();
        // a run killed while migrating leaves the file without tables (the migration is one
        // transaction); the last run is then still migrating it
        const n = d.prepare("SELECT 1 FROM sqlite_master WHERE name = 'records'").get()
          ? (d.prepare('SELECT count(*) AS n FROM records').get() as { n: number }).n
          : 0;
        d.close();
        if (n >= written) break;
      }
      if (Date.now() > deadline) throw new Error('the last tail run did not catch up');
      await sleep(200);
    }
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;

    const d = db();
    const events = d.prepare('SELECT count(*) AS n, count(DISTINCT offset) AS offsets, min(offset) AS lo FROM events').get() as { n: number; offsets: number };
    const alertSum = (d.prepare("SELECT sum(count) AS n FROM alerts WHERE rule_id NOT LIKE 'vigil:%'").get() as { n: number }).n;
    const quarantined = (d.prepare('SELECT count(*) AS n FROM quarantine').get() as { n: number }).n;
    const seqs = d.prepare('SELECT raw FROM events').all() as { raw: string }[];
    const records = d.prepare("SELECT count(*) AS n, count(DISTINCT flow_id) AS flows, sum(type = 'flow') AS flowRecords FROM records").get() as { n: number; flows: number; flowRecords: number };
    const blocks = d.prepare('SELECT sum(last_id - id + 1) AS n FROM record_blocks').get() as { n: number };
    d.close();
    const seen = new Set(seqs.map((r) => Number(/"seq":(\d+)/.exec(r.raw)![1])));

    expect(quarantined).toBe(0); // no half line was ever taken for a whole one
    expect(events.n).toBe(alertsWritten()); // nothing lost, nothing twice
    expect(events.offsets).toBe(alertsWritten());
    expect(seen.size).toBe(alertsWritten());
    expect(alertSum).toBe(alertsWritten()); // every alert line counted exactly once in the stored alerts
    // every line, alert or not, is one sensor record (each line has its own flow id), in a block
    expect(records).toEqual({ n: written, flows: written, flowRecords: written - alertsWritten() });
    expect(blocks.n).toBe(written);
  }, 180_000);
});
