import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliArgv } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';

// The CLI keeps secrets in the vault under a key in the OS keychain: these run where a Secret
// Service is (npm test starts dbus + gnome-keyring, see test/run-all.mjs).
const available = process.env['VIGIL_KEYCHAIN'] === '1';
const PASSWORD = 'Cli-Pa55word-7f3a';

/** Runs the built CLI without blocking this process (the simulator answers from here). */
function vigil(args: string[], dataDir: string, input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const [cmd, ...rest] = cliArgv(args);
  const child = spawn(cmd, rest, { env: { ...process.env, VIGIL_DATA_DIR: dataDir }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input ?? '');
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

let sim: WazuhSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe.skipIf(!available)('vigil connectors and vigil wazuh', { timeout: 240_000 }, () => {
  it('adds a Wazuh connector from stdin after trust-on-first-use, tests, lists, acts on agents and removes it', async () => {
    sim = await startWazuhSimulator({ agents: 12, api: { users: { 'wazuh-wui': PASSWORD } } });
    const dir = tempDir();
    const add = ['connectors', 'add', 'wazuh-api', '--name', 'Prod', '--url', sim.apiUrl, '--user', 'wazuh-wui', '--password-stdin'];

    // an unknown certificate: its fingerprint, and nothing saved
    const untrusted = await vigil(add, dir, `${PASSWORD}\n`);
    expect(untrusted.code).toBe(1);
    expect(untrusted.stderr).toContain('tls_untrusted');
    expect(untrusted.stderr).toContain(sim.apiServer.cert!.fingerprint256);
    expect(untrusted.stderr).toContain('nothing was saved');
    expect(sim.api.logins).toBe(0);
    expect(JSON.parse((await vigil(['connectors', 'list', '--json'], dir)).stdout)).toEqual([]);

    const added = await vigil([...add, '--trust-fingerprint', sim.apiServer.cert!.fingerprint256], dir, `${PASSWORD}\n`);
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^ok: Wazuh API 4\.14\.7 answered in \d+ ms/);
    expect(added.stdout).toContain('saved Prod (wazuh-api, id prod); its secret is in the vault');
    const [view] = JSON.parse((await vigil(['connectors', 'list', '--json'], dir)).stdout) as { has_secret: boolean; config: Record<string, unknown> }[];
    expect(view).toMatchObject({ has_secret: true, config: { id: 'prod', username: 'wazuh-wui', trust: { mode: 'pin' } } });
    for (const f of fs.readdirSync(dir)) {
      if (fs.statSync(path.join(dir, f)).isFile()) expect(fs.readFileSync(path.join(dir, f)).includes(PASSWORD), f).toBe(false);
    }

    const tested = await vigil(['connectors', 'test', 'prod'], dir);
    expect([tested.code, tested.stdout]).toEqual([0, expect.stringMatching(/^ok: Wazuh API/)]);
    sim.api.opts.users = { 'wazuh-wui': 'rotated' };
    const denied = await vigil(['connectors', 'test', 'PROD', '--json'], dir);
    expect(denied.code).toBe(1);
    expect(JSON.parse(denied.stdout)).toMatchObject({ ok: false, failure: { kind: 'auth_failed', status: 401 } });
    sim.api.opts.users = { 'wazuh-wui': PASSWORD };

    const agents = await vigil(['wazuh', 'agents', '--sync', '--json'], dir);
    expect(agents.code).toBe(0);
    expect(JSON.parse(agents.stdout)).toMatchObject({ total: 13, sync: [{ connector_name: 'Prod', total: 13, error: null }] });
    const table = await vigil(['wazuh', 'agents', '--status', 'active'], dir);
    expect(table.stdout).toMatch(/^Prod: 13 agents, synced \d+ s ago/);

    const active = sim.api.agents.find((a) => a.id !== '000' && a.status === 'active' && !a.arDisabled)!;
    const down = sim.api.agents.find((a) => a.status === 'disconnected' || a.status === 'never_connected')!;
    const unasked = await vigil(['wazuh', 'restart', active.id], dir);
    expect([unasked.code, unasked.stderr]).toEqual([2, expect.stringContaining('asks before it acts')]);
    expect(sim.api.actions).toEqual([]);
    const none = await vigil(['wazuh', 'restart', '--yes'], dir);
    expect([none.code, none.stderr]).toEqual([2, expect.stringContaining('Wazuh would act on every agent')]);

    const restart = await vigil(['wazuh', 'restart', active.name, down.id, '--yes'], dir);
    expect(restart.code).toBe(1);
    expect(restart.stdout).toContain('queued, not confirmed');
    expect(restart.stdout).toMatch(new RegExp(`queued\\s+${active.id}\\s+${active.name}`));
    expect(restart.stdout).toMatch(/failed\s+\d{3}\s+Cannot send request, agent is not active \(Wazuh error 1707\)/);
    expect(sim.api.actions).toEqual([{ type: 'restart', agents: [active.id] }]);

    const ar = await vigil(['wazuh', 'ar', active.id, '--srcip', '203.0.113.7', '--yes', '--json'], dir);
    expect(ar.code).toBe(0);
    expect(JSON.parse(ar.stdout)).toMatchObject({ state: 'queued', command: '!firewall-drop', srcip: '203.0.113.7' });
    expect(sim.api.actions.at(-1)).toMatchObject({ type: 'active-response', command: '!firewall-drop', alert: { data: { srcip: '203.0.113.7' } } });

    const removed = await vigil(['connectors', 'remove', 'Prod'], dir);
    expect(removed.code).toBe(0);
    expect(JSON.parse((await vigil(['connectors', 'list', '--json'], dir)).stdout)).toEqual([]);
  });

  it('never takes a secret as an argument, and needs one from stdin off a terminal', async () => {
    const dir = tempDir();
    const flag = await vigil(['connectors', 'add', 'wazuh-api', '--name', 'x', '--url', 'https://192.0.2.1:55000', '--user', 'u', '--password=hunter2'], dir);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--password is not an option');
    expect(flag.stderr).not.toContain('hunter2');
    const noStdin = await vigil(['connectors', 'add', 'wazuh-api', '--name', 'x', '--url', 'https://192.0.2.1:55000', '--user', 'u'], dir);
    expect(noStdin.code).toBe(2);
    expect(noStdin.stderr).toContain('--password-stdin');
    const bad = await vigil(['connectors', 'add', 'wazuh-api', '--name', 'x', '--url', 'ftp://x', '--user', 'u', '--password-stdin', '--no-test'], dir, 'pw\n');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('config.url');
  });
});
