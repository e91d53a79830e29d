import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../helpers/cli.js';
import { repoRoot } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const real = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'real', name);
const NOBODY = 65534;

/**
 * Runs the CLI as a user who may not read `unreadable` (mode 000). As root, mode bits do not stop
 * reads, so the CLI then runs as nobody, owning the data directory.
 */
function runCliWithout(unreadable: string, args: string[], dataDir: string): CliResult {
  fs.chmodSync(unreadable, 0o000);
  if (process.getuid?.() !== 0) return runCli([...args, '--data-dir', dataDir]);
  fs.chmodSync(path.dirname(unreadable), 0o711); // nobody may pass through the test's folder
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // private, as Vigil makes it (no notice)
  fs.chownSync(dataDir, NOBODY, NOBODY);
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), ...args, '--data-dir', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, VIGIL_DATA_DIR: '', HOME: dataDir },
    encoding: 'utf8',
    timeout: 60_000,
    uid: NOBODY,
    gid: NOBODY,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('vigil ingest from the command line', { timeout: 120_000 }, () => {
  it('auto-detects the format by default, counts record types, and a second run says nothing new', () => {
    const dir = tempDir();
    const first = runCli(['ingest', real('tenzir-eve.json'), real('wazuh-dfn-alerts.json'), '--data-dir', dir]);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/tenzir-eve\.json\s+eve\s+imported\s+1\s+7\s+1\s+6 \(dns 1 · fileinfo 1 · flow 1 · \+3 more\)/);
    expect(first.stdout).toMatch(/wazuh-dfn-alerts\.json\s+wazuh\s+imported/);
    expect(first.stdout).toContain('read 9 lines: 3 events, 6 skipped (dns 1 · fileinfo 1 · flow 1 · http 1 · +2 more), 7 records kept, 0 quarantined');
    const second = runCli(['ingest', real('tenzir-eve.json'), '--data-dir', dir]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/nothing new .* already imported, nothing new/);
    expect(second.stdout).toContain('read 0 lines: 0 events');
    const again = JSON.parse(runCli(['ingest', real('tenzir-eve.json'), '--again', '--json', '--data-dir', dir]).stdout);
    expect(again).toMatchObject({ read: 7, failed: 0 });
  });

  it('reads eve.json.gz instead of quarantining binary "lines"', () => {
    const dir = tempDir();
    const gz = path.join(dir, 'eve.json.gz');
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(real('tenzir-eve.json'))));
    const r = runCli(['ingest', gz, '--json', '--data-dir', path.join(dir, 'data')]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ read: 7, events: 1, quarantined: 0, files: [{ compressed: true, format: 'eve' }] });
  });

  it('a wrong --format is refused with a hint and exit 1; nothing is read', () => {
    const dir = tempDir();
    const r = runCli(['ingest', '--format', 'eve', real('wazuh-dfn-alerts.json'), '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`vigil: ${real('wazuh-dfn-alerts.json')}: this looks like Wazuh alerts.json; use --format wazuh or auto\nvigil: 1 of 1 file(s) failed; nothing was imported\n`);
    expect(JSON.parse(runCli(['quarantine', 'list', '--json', '--data-dir', dir]).stdout).total).toBe(0);
    expect(runCli(['ingest', '--format', 'syslog', real('wazuh-dfn-alerts.json'), '--data-dir', dir])).toMatchObject({ code: 2 });
  });

  it('one bad path among several: every path checked first, a row per file, nothing imported, exit 1', () => {
    const dir = tempDir();
    const missing = path.join(dir, 'missing.json');
    const r = runCli(['ingest', real('tenzir-eve.json'), missing, real('wazuh-dfn-alerts.json'), '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/tenzir-eve\.json\s+eve\s+not read/);
    expect(r.stdout).toMatch(/missing\.json\s+-\s+FAILED .*no such file/);
    expect(r.stdout).toMatch(/wazuh-dfn-alerts\.json\s+wazuh\s+not read/);
    expect(r.stderr).toBe(`vigil: ${missing}: no such file\nvigil: 1 of 3 file(s) failed; nothing was imported\n`);
    expect(JSON.parse(runCli(['status', '--json', '--data-dir', dir]).stdout).sources).toEqual([]);
    const skip = runCli(['ingest', real('tenzir-eve.json'), missing, '--skip-bad', '--data-dir', dir]);
    expect(skip.code).toBe(1);
    expect(skip.stdout).toMatch(/tenzir-eve\.json\s+eve\s+imported/);
    expect(skip.stderr).toBe(`vigil: ${missing}: no such file\nvigil: 1 of 2 file(s) failed\n`);
  });

  it('--assume-tz reads offset-less timestamps and is kept with the source; an unknown zone is a usage error', () => {
    const dir = tempDir();
    const file = real('suricata-docs-no-offset.json');
    const refused = runCli(['ingest', file, '--data-dir', dir]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('no UTC offset in timestamp "2009-11-24T21:27:09.534255"');
    expect(runCli(['ingest', file, '--assume-tz', 'Mars/Olympus_Mons', '--data-dir', dir])).toMatchObject({ code: 2 });
    const ok = runCli(['ingest', file, '--again', '--assume-tz', 'Europe/Paris', '--json', '--data-dir', dir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ events: 1 });
    const alerts = JSON.parse(runCli(['alerts', 'list', '--json', '--data-dir', dir]).stdout) as { first_seen: string }[];
    expect(alerts[0]!.first_seen).toBe('2009-11-24T20:27:09.534Z');
    const st = runCli(['status', '--data-dir', dir]).stdout;
    expect(st).toContain(`import:${file}: timestamps without an offset read as Europe/Paris`);
  });

  it('an unreadable file says "permission denied" (ingest and tail)', () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.copyFileSync(real('tenzir-eve.json'), file);
    const ing = runCliWithout(file, ['ingest', file], path.join(dir, 'data'));
    expect(ing.code).toBe(1);
    expect(ing.stderr).toBe(`vigil: ${file}: permission denied\nvigil: 1 of 1 file(s) failed; nothing was imported\n`);
    const tail = runCliWithout(file, ['tail', file], path.join(dir, 'data'));
    expect(tail.code).toBe(1);
    expect(tail.stderr).toBe(`vigil: cannot follow ${file}: permission denied\n`);
  });
});

describe('vigil tail refuses what it cannot follow', { timeout: 120_000 }, () => {
  it('a .gz file: tail follows plain files', () => {
    const dir = tempDir();
    const gz = path.join(dir, 'eve.json.gz');
    fs.writeFileSync(gz, gzipSync('{}\n'));
    const r = runCli(['tail', gz, '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`vigil: ${gz} is gzip-compressed: tail follows plain files; use vigil ingest for .gz\n`);
    const notYet = runCli(['tail', path.join(dir, 'later.json.gz'), '--data-dir', dir]);
    expect(notYet).toMatchObject({ code: 1, stderr: 'vigil: tail follows plain files; use vigil ingest for .gz\n' });
  });

  it('a file in the other format than --format', () => {
    const dir = tempDir();
    const r = runCli(['tail', '--format', 'wazuh', real('tenzir-eve.json'), '--data-dir', dir]);
    expect(r).toMatchObject({ code: 1, stderr: `vigil: ${real('tenzir-eve.json')}: this looks like Suricata eve.json; use --format eve or auto\n` });
  });
});
