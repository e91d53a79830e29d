import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCliAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startSpiderFootSimulator, type SpiderFootSimulator } from '../simulators/spiderfoot/index.js';
import { ADMIN, startGvm, type GvmHarness } from '../simulators/gvm/harness.js';

const vigil = (args: string[], dataDir: string) => runCliAsync(args, { VIGIL_DATA_DIR: dataDir });

let sim: SpiderFootSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('vigil scan and vigil findings', { timeout: 120_000 }, () => {
  it('starts a SpiderFoot scan, waits for it, lists, marks a false positive and exports the findings', async () => {
    sim = await startSpiderFootSimulator({ seedRecorded: false, startupMs: 200, durationMs: 2500 });
    const dir = tempDir();
    const added = await vigil(['connectors', 'add', 'spiderfoot', '--name', 'SF', '--url', sim.url, '--set', 'serverTimeZone=UTC'], dir);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);

    const bad = await vigil(['scan', 'start', '--connector', 'sf'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--target');

    const started = await vigil(['scan', 'start', '--connector', 'sf', '--target', 'example.com', '--wait'], dir);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^scan #1 started on SF: SpiderFoot scan \w+ started/);
    expect(started.stdout).toMatch(/finished/);

    const status = JSON.parse((await vigil(['scan', 'status', '1', '--json'], dir)).stdout) as { scan: { status: string; imported: number }; log: unknown[] };
    expect(status.scan.status).toBe('finished');
    expect(status.scan.imported).toBeGreaterThan(0);
    const listed = await vigil(['scan', 'list'], dir);
    expect(listed.stdout).toMatch(/^ID\s+STARTED \(UTC\)\s+TOOL\s+STATUS/);
    expect(listed.stdout).toContain('example.com');

    const findings = JSON.parse((await vigil(['findings', 'list', '--json', '--limit', '5000'], dir)).stdout) as { id: number; status: string }[];
    expect(findings).toHaveLength(status.scan.imported);
    const id = findings[0]!.id;
    const marked = await vigil(['findings', 'status', String(id), 'false_positive', '--note', 'our own test host'], dir);
    expect(marked.stdout).toBe('1 finding(s) changed\n');
    const nope = await vigil(['findings', 'status', String(id), 'maybe'], dir);
    expect(nope.code).toBe(2);

    // import again: the false positive stays one, nothing is duplicated
    expect((await vigil(['scan', 'import', '1'], dir)).code).toBe(0);
    const again = JSON.parse((await vigil(['findings', 'list', '--json', '--limit', '5000'], dir)).stdout) as { id: number; status: string }[];
    expect(again).toHaveLength(findings.length);
    expect(again.find((f) => f.id === id)!.status).toBe('false_positive');
    const shown = await vigil(['findings', 'show', String(id)], dir);
    expect(shown.stdout).toMatch(/finding\.status \{"from":"open","to":"false_positive","note":"our own test host"\}/);

    const file = path.join(dir, 'fp.csv');
    const exported = await vigil(['findings', 'export', '--format', 'csv', '--status', 'false_positive', '--output', file], dir);
    expect(exported.code).toBe(0);
    const rows = fs.readFileSync(file, 'utf8').trim().split('\r\n');
    expect(rows[0]).toMatch(/^id,source,severity,status,title,host/);
    expect(rows).toHaveLength(2);
    expect(rows[1]).toMatch(new RegExp(`^${id},spiderfoot,\\w+,false_positive,`));
    const json = JSON.parse((await vigil(['findings', 'export', '--format', 'json'], dir)).stdout) as unknown[];
    expect(json).toHaveLength(findings.length);
  });
});

// Greenbone: the password goes to the vault under a key in the OS keychain (see cli-connectors)
const keychain = process.env['VIGIL_KEYCHAIN'] === '1';

describe.skipIf(!keychain)('vigil scan on Greenbone', { timeout: 180_000 }, () => {
  let gvm: GvmHarness | undefined;
  afterEach(async () => {
    await gvm?.close();
    gvm = undefined;
  });

  it('adds a gvm connector, lists its choices, starts a scan by config name, waits, resumes nothing that is done', async () => {
    gvm = await startGvm('tls', { progressStep: 100, reportSize: 20 });
    const dir = tempDir();
    const ca = path.join(gvm.dir, 'ca.pem');
    const added = await runCliAsync(['connectors', 'add', 'gvm', '--name', 'GVM', '--url', `tls://127.0.0.1:${gvm.sim.tlsPort}`, '--user', ADMIN.username, '--ca', ca, '--password-stdin'], { VIGIL_DATA_DIR: dir }, `${ADMIN.password}\n`);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);

    const choices = await vigil(['scan', 'choices', '--connector', 'gvm'], dir);
    expect(choices.code).toBe(0);
    expect(choices.stdout).toMatch(/Scan configs \(--scan-config\):\n(.*\n)*\s+\* Full and fast\s+daba56c8-73ec-11df-a475-002264764cea/);
    expect(choices.stdout).toContain('Alive tests (--alive-test): ICMP Ping');

    const started = await vigil(['scan', 'start', '--connector', 'gvm', '--target', '10.0.0.5', '--scan-config', 'Discovery', '--alive-test', 'Consider Alive', '--wait'], dir);
    expect(started.stderr).toBe('');
    expect(started.code).toBe(0);
    expect(started.stdout).toMatch(/^scan #1 started on GVM: task [0-9a-f-]+ started \(scan config "Discovery"/);
    expect(started.stdout).toMatch(/finished/);
    const status = JSON.parse((await vigil(['scan', 'status', '1', '--json'], dir)).stdout) as { scan: { status: string; imported: number; tool: string }; log: { message: string }[] };
    expect(status.scan).toMatchObject({ status: 'finished', tool: 'gvm' });
    expect(status.scan.imported).toBeGreaterThan(0);
    expect(status.log.some((l) => /min_qod=70/.test(l.message))).toBe(true);
    const listed = await vigil(['scan', 'list', '--tool', 'gvm'], dir);
    expect(listed.stdout).toMatch(/\bgvm\s+finished\s+100%/);
    const resumed = await vigil(['scan', 'resume', '1'], dir);
    expect(resumed.code).toBe(1);
    expect(resumed.stderr).toContain('only a stopped or failed scan can be resumed');
  });
});
