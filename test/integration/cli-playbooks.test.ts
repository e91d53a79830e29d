import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { exitOf, runCli, spawnCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/calls.js';
import { httpReceiver } from '../helpers/receivers.js';

/** `vigil playbooks`: the CLI over the same channels, and what a SIGKILL in the middle of a run leaves. */

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

async function dataDirWithAlert(): Promise<{ dir: string; alertId: number }> {
  const dir = tempDir();
  const s = await testServices(dir);
  const [alertId] = s.alerts.insertMany([sampleAlert()]);
  await s.close();
  return { dir, alertId: alertId! };
}

const hookPlaybook = (url: string) => `id: hook-then-note
name: Hook then note
steps:
  - {id: hook, type: webhook, url: "${url}", retries: 0, timeout_s: 60}
  - {id: note, type: note, text: "hooked {{alert.src_ip}}"}
`;

describe('vigil playbooks', () => {
  it('validate lists every problem with the file name and exits 1; import, list, dry-run, show', async () => {
    const { dir, alertId } = await dataDirWithAlert();
    const bad = path.join(dir, 'bad.yaml');
    fs.writeFileSync(bad, 'id: x\nname: X\nsteps:\n  - {id: a, type: webhook, url: "not a url"}\n  - {id: a, type: note, text: hi}\n');
    const v = runCli(['playbooks', 'validate', bad, '--data-dir', dir]);
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`${bad}: steps.0.url: `);
    expect(v.stdout).toContain(`${bad}: steps.1.id: step id a is used twice`);

    const good = path.join(dir, 'good.yaml');
    fs.writeFileSync(good, hookPlaybook('http://127.0.0.1:9/none'));
    expect(runCli(['playbooks', 'validate', good, '--data-dir', dir]).stdout).toBe(`${good}: valid\n`);
    expect(runCli(['playbooks', 'import', good, '--data-dir', dir]).stdout).toBe('saved hook-then-note v1 (disabled)\n');
    const list = runCli(['playbooks', 'list', '--data-dir', dir]);
    expect(list.stdout).toMatch(/hook-then-note\s+1\s+no\s+manual\s+0\s+-\s+webhook,note\s+Hook then note/);
    const dry = runCli(['playbooks', 'dry-run', 'hook-then-note', '--alert', String(alertId), '--data-dir', dir]);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/dry_run\s+webhook\s+POST the alert to 127.0.0.1:9/);
    expect(dry.stdout).toContain('request: {"method":"POST","url":"http://127.0.0.1:9/none"');
    expect(runCli(['playbooks', 'dry-run', 'hook-then-note', '--data-dir', dir]).stderr).toMatch(/--alert N or --last N/);
    expect(runCli(['playbooks', 'show', 'nope', '--data-dir', dir])).toMatchObject({ code: 1, stderr: expect.stringMatching(/playbook nope does not exist/) });
  });

  it('a run killed (SIGKILL) during a step is marked interrupted on the next start and never executed again', async () => {
    const rx = await httpReceiver(() => 'hang');
    closers.push(() => rx.close());
    const { dir, alertId } = await dataDirWithAlert();
    const file = path.join(dir, 'hook.yaml');
    fs.writeFileSync(file, hookPlaybook(rx.url));
    expect(runCli(['playbooks', 'import', file, '--data-dir', dir]).code).toBe(0);

    const child = spawnCli(['playbooks', 'run', 'hook-then-note', '--alert', String(alertId), '--data-dir', dir]);
    const exited = exitOf(child);
    await waitFor(() => (rx.hits.length > 0 ? true : undefined), 20_000);
    child.kill('SIGKILL');
    expect((await exited).code).toBe(137);

    const runs = runCli(['playbooks', 'runs', '--json', '--data-dir', dir]);
    expect(runs.code, runs.stderr).toBe(0);
    const [run] = JSON.parse(runs.stdout) as { status: string; error: string; steps: { status: string; error: string | null }[] }[];
    expect(run!.status).toBe('interrupted');
    expect(run!.error).toMatch(/interrupted during step hook/);
    expect(run!.steps.map((s) => s.status)).toEqual(['interrupted', 'skipped']);
    expect(run!.steps[0]!.error).toMatch(/may or may not have happened; not run again/);
    // the note step never ran, and the webhook was sent once
    expect(runCli(['playbooks', 'runs', '--status', 'interrupted', '--data-dir', dir]).stdout).toMatch(/interrupted: interrupted during step hook/);
    expect(rx.hits).toHaveLength(1);
    const s = await testServices(dir);
    expect(s.triage.notesFor([alertId]).get(alertId) ?? []).toEqual([]);
    await s.close();
  }, 60_000);
  it('run prints what a feed step did: with the feed off, the step is done and says nothing was sent', async () => {
    const { dir, alertId } = await dataDirWithAlert();
    const file = path.join(dir, 'tell.yaml');
    fs.writeFileSync(file, 'id: tell-team\nname: Tell the team\nsteps:\n  - {id: tell, type: feed, message: "P1: {{alert.title}}", dialects: [native]}\n');
    expect(runCli(['playbooks', 'import', file, '--data-dir', dir]).code).toBe(0);
    const run = runCli(['playbooks', 'run', 'tell-team', '--alert', String(alertId), '--data-dir', dir]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/succeeded\n\s+1\. done\s+feed\s+Tell the LAN feed \(native\): "P1: ET SCAN Potential SSH Scan"/);
    expect(run.stdout).toContain('      outcome: the LAN feed is off: nothing sent\n');
  }, 60_000);
});
