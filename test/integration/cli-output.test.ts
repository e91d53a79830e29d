import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliArgv, exitOf, runCli, spawnCli } from '../helpers/cli.js';
import { repoRoot, testServices } from '../helpers/services.js';

const ALERTS = 200_000;
const STACK_TRACE = /\n\s+at |EPIPE|Unhandled/;
const EVE_FIXTURE = path.join(repoRoot, 'test', 'fixtures', 'eve', 'alerts.jsonl');

/**
 * 200k alerts in one INSERT ... SELECT: titles with quotes, commas, multi-byte characters and now
 * and then a newline, so CSV quoting, JSON escaping and UTF-8 sequences cross every chunk boundary.
 */
async function seedAlerts(dir: string, n: number): Promise<void> {
  const s = await testServices(dir);
  s.db.exec(`
    WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})
    INSERT INTO alerts (source, severity, priority, status, title, rule_id, src_ip, src_port, dst_ip, dst_port, proto,
                        first_seen, last_seen, count, risk_score, technique_ids, tags, created_at, updated_at)
    SELECT 'suricata', 'high', 'P2', 'NEW',
           'alert ' || i || ' "quoted", ünïcødé ✓ 🙂' || CASE WHEN i % 997 = 0 THEN char(10) || 'second line' ELSE '' END,
           '1:' || (2000000 + i % 5000), '203.0.113.' || (i % 250), 40000 + i % 20000, '10.0.0.5', 22, 'TCP',
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
           strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
           1 + i % 9, i % 101, '["T1046"]', '[]', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'
    FROM seq`);
  await s.close();
}

/** Collects a child's stdout while pausing now and then, like a reader slower than the writer. */
function readSlowly(child: ReturnType<typeof spawnCli>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    if (++n % 8 === 0) {
      child.stdout.pause();
      setTimeout(() => child.stdout.resume(), 5);
    }
  });
  return new Promise((resolve) => child.stdout.on('end', () => resolve(Buffer.concat(chunks))));
}

describe('vigil CLI output: every byte, through any pipe (issue 8.1)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cliout-'));
    await seedAlerts(dir, ALERTS);
  }, 120_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('exports 200k alerts through a slow pipe byte for byte as --output FILE, and all CSV rows into | gzip', async () => {
    const file = path.join(dir, 'alerts.ndjson');
    expect(runCli(['alerts', 'export', '--format', 'ndjson', '--output', file, '--data-dir', dir])).toMatchObject({ code: 0 });
    const expected = fs.readFileSync(file);
    expect(expected.toString('utf8').trimEnd().split('\n')).toHaveLength(ALERTS);

    const child = spawnCli(['alerts', 'export', '--format', 'ndjson', '--data-dir', dir]);
    const gz = path.join(dir, 'alerts.csv.gz');
    const [node, bin] = cliArgv([]);
    // a real kernel pipe between two processes, as the shell makes it; pipefail keeps vigil's status
    const sh = spawn('bash', ['-c', 'set -o pipefail; "$0" "$1" alerts export --format csv --data-dir "$2" | gzip -1 > "$3"', node, bin, dir, gz], {
      env: { ...process.env, VIGIL_DATA_DIR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const [piped, exit, gzipExit] = await Promise.all([readSlowly(child), exitOf(child, 200_000), exitOf(sh, 200_000)]);
    expect(exit).toEqual({ code: 0, stderr: '' });
    expect(piped.length).toBe(expected.length);
    expect(piped.equals(expected)).toBe(true);

    expect(gzipExit).toEqual({ code: 0, stderr: '' });
    // rows end with CRLF; a title's own newline is a LF inside quotes
    const rows = zlib.gunzipSync(fs.readFileSync(gz)).toString('utf8').split('\r\n');
    expect(rows.pop()).toBe('');
    expect(rows).toHaveLength(ALERTS + 1);
    expect(rows.slice(1).map((r) => Number(r.slice(0, r.indexOf(',')))).sort((a, b) => a - b)).toEqual(Array.from({ length: ALERTS }, (_, i) => i + 1));
  }, 240_000);

  it('stops at once, quietly, when the reader goes away after the first chunk (| head -1)', async () => {
    const child = spawnCli(['alerts', 'export', '--format', 'ndjson', '--data-dir', dir]);
    child.stdout.once('data', () => child.stdout.destroy());
    const exit = await exitOf(child);
    expect(exit.stderr).not.toMatch(STACK_TRACE);
    expect(exit).toEqual({ code: 141, stderr: '' });
  }, 60_000);
});

describe('vigil CLI output: a closed pipe ends any command quietly (issue 8.2)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cliout-'));
    fs.writeFileSync(path.join(dir, 'bad.json'), 'not json\n'.repeat(5));
    // bad.json is all quarantined, so ingest reports that file as failed (exit 1); EVE_FIXTURE is imported
    expect(runCli(['ingest', '--format', 'eve', path.join(dir, 'bad.json'), EVE_FIXTURE, '--data-dir', dir]).code).toBe(1);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['quarantine list'],
    ['alerts show 1'],
    ['alerts list'],
    ['alerts list --json'],
    ['alerts export --format json'],
    ['status'],
    ['status --json'],
    ['settings'],
    ['db info'],
    ['--help'],
    // a follower stops too: the first through its "following" line, the second through a progress line
    ['tail --format eve test/fixtures/eve/alerts.jsonl'],
    ['tail --json --format eve test/fixtures/eve/alerts.jsonl'],
  ])('%s | head -0: exit 141, no stack trace', async (command) => {
    const child = spawnCli([...command.split(' '), ...(command === '--help' ? [] : ['--data-dir', dir])]);
    child.stdout.destroy(); // the reader is gone before the first write
    const exit = await exitOf(child);
    expect(exit.stderr).not.toMatch(STACK_TRACE);
    expect(exit).toEqual({ code: 141, stderr: '' });
  });
});

describe.skipIf(!fs.existsSync('/dev/full'))('vigil CLI output: a write error is not a closed pipe', () => {
  it('> /dev/full (no space left) fails with exit 1 and one line', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-cliout-'));
    try {
      for (const args of [['alerts', 'list'], ['alerts', 'export', '--format', 'json'], ['status', '--json']]) {
        const full = fs.openSync('/dev/full', 'w');
        const [cmd, ...rest] = cliArgv([...args, '--data-dir', dir]);
        const r = spawnSync(cmd, rest, { cwd: repoRoot, env: { ...process.env, VIGIL_DATA_DIR: '' }, stdio: ['ignore', full, 'pipe'], encoding: 'utf8' });
        fs.closeSync(full);
        expect(r.status, args.join(' ')).toBe(1);
        expect(r.stderr).toBe('vigil: cannot write the output: ENOSPC: no space left on device, write\n');
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
