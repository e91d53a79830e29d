import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { App } from '../../main/core/app.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import type { ScanStarter } from '../../main/playbooks/ports.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testApp } from '../helpers/services.js';
import { callAs, waitFor } from '../helpers/calls.js';
import { httpReceiver, localCert, refusedPort, smtpReceiver, syslogReceiver } from '../helpers/receivers.js';
import { ADMIN, startGvm } from '../simulators/gvm/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function app(over: Parameters<typeof testApp>[1] = {}): Promise<App & { call(channel: string, req: unknown, actor?: string): Promise<any> }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests check the fields they use
  const a = await testApp(tempDir(), { run: false, secrets: new MemoryVault(), playbooks: { webhookBackoffMs: () => 5 }, ...over });
  cleanups.push(() => a.close());
  return Object.assign(a, { call: (channel: string, req: unknown, actor = 'ana') => callAs(a.handlers, channel, req, actor) });
}

function later<T extends { close(): Promise<void> }>(x: T): T {
  cleanups.push(() => x.close());
  return x;
}

const webhookPlaybook = (url: string, extra = '') => `
id: tell-soc
name: Tell the SOC
version: 1
trigger:
  alert:
    on: [created]
    severity_min: high
steps:
  - id: hook
    type: webhook
    url: ${url}
    secret: soc-hook
    retries: 2
    timeout_s: 2
    body: '{"text": "{{alert.title}} from {{alert.src_ip}}", "alert_id": "{{alert.id}}", "tags": "{{alert.technique_ids}}"}'
${extra}`;

describe('playbook documents', () => {
  it('validates YAML and JSON, listing every problem; saves, exports and refuses a lower version', async () => {
    const a = await app();
    const bad = await a.call('playbooks.validate', { source: 'id: Bad Id\nname: ""\nsteps: []\n' });
    expect(bad.ok).toBe(false);
    expect(bad.errors.join('\n')).toMatch(/^id: an id is lower-case/m);
    expect(bad.errors.join('\n')).toMatch(/^steps: /m);
    const tpl = await a.call('playbooks.validate', { source: 'id: x\nname: X\nsteps:\n  - {id: n, type: note, text: "{{process.env}}"}\n' });
    expect(tpl.errors).toEqual(['steps.0: {{process.env}} is not a known value (use alert.*, run.*, playbook.* or step.*)']);
    const all = await a.call('playbooks.validate', { source: 'id: x\nname: X\ntrigger: {alert: {on: [created]}}\nsteps:\n  - {id: n, type: note, text: hi}\n' });
    expect(all.errors.join()).toMatch(/at least one condition/);

    const saved = await a.call('playbooks.save', { source: webhookPlaybook('http://127.0.0.1:9/x') });
    expect(saved).toMatchObject({ id: 'tell-soc', version: 1, enabled: false, automatic: true, format: 'yaml', step_types: ['webhook'] });
    const json = a.playbooks.exportSource('tell-soc', 'json');
    expect(JSON.parse(json)).toMatchObject({ id: 'tell-soc', steps: [{ type: 'webhook', retries: 2 }] });
    // the JSON export imports back
    expect((await a.call('playbooks.validate', { source: json })).ok).toBe(true);
    await a.call('playbooks.save', { source: webhookPlaybook('http://127.0.0.1:9/x').replace('version: 1', 'version: 3') });
    await expect(a.call('playbooks.save', { source: webhookPlaybook('http://127.0.0.1:9/x') })).rejects.toThrow(/version 3: raise the version/);
    const audit = a.services.db.prepare("SELECT action FROM audit_log WHERE target_type = 'playbook' ORDER BY id").all();
    expect(audit).toEqual([{ action: 'playbook.create' }, { action: 'playbook.update' }]);
  });

  it('without a scans service, a playbook that starts a scan says so; with one, the step runs through it', async () => {
    const src = 'id: scan\nname: Scan\nsteps:\n  - {id: s, type: start_scan, tool: zap, target: "http://{{alert.dst_ip}}/", approve: false}\n';
    const a = await app({ scanStarter: null });
    const v = await a.call('playbooks.validate', { source: src });
    expect(v).toMatchObject({ ok: false, errors: ['step s: scans are not available (start_scan cannot run)'] });
    await expect(a.call('playbooks.save', { source: src })).rejects.toThrow(/scans are not available/);

    const started: unknown[] = [];
    const scans: ScanStarter = {
      async start(req) {
        started.push(req);
        return { scan_id: 'zap-1', description: `ZAP scan of ${req.target} queued` };
      },
    };
    const b = await app({ scanStarter: scans });
    await b.call('playbooks.save', { source: src });
    const [id] = b.services.alerts.insertMany([sampleAlert()]);
    const run = await b.call('playbooks.run', { id: 'scan', alert_id: id });
    expect(run.status).toBe('succeeded');
    expect(started).toEqual([{ tool: 'zap', target: 'http://10.0.0.5/', connector: null, reason: `playbook Scan, alert ${id}`, actor: expect.stringMatching(/^playbook:scan#/) }]);
    expect(run.steps[0]).toMatchObject({ status: 'done', response: { scan_id: 'zap-1' } });
  });
});

describe('start_scan on Greenbone, for real', () => {
  it('starts a gvmd task on the alert\'s host through the configured connector (password from the vault)', async () => {
    const gvm = await startGvm('tls');
    cleanups.push(() => gvm.close());
    const a = await app();
    const config = { kind: 'gvm', id: 'lab', name: 'Lab gvmd', url: `tls://127.0.0.1:${gvm.sim.tlsPort}`, username: ADMIN.username, trust: { mode: 'ca', caFile: path.join(gvm.dir, 'ca.pem') } };
    await a.call('connectors.save', { config, secret: ADMIN.password, create: true });
    await a.call('playbooks.save', { source: 'id: scan-host\nname: Scan the host\nsteps:\n  - {id: s, type: start_scan, tool: gvm, target: "{{alert.dst_ip}}", approve: false}\n' });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const run = await a.call('playbooks.run', { id: 'scan-host', alert_id: id });
    expect(run.status, JSON.stringify(run.steps)).toBe('succeeded');
    const scanId = Number(run.steps[0].response.scan_id);
    const scan = (await a.call('scans.get', { id: scanId })).scan;
    expect(scan).toMatchObject({ tool: 'gvm', connector_id: 'lab', target: '10.0.0.5', status: 'running', created_by: expect.stringMatching(/^playbook:scan-host#/) });
    const tasks = [...gvm.sim.state.tasks.values()];
    expect(tasks).toHaveLength(1);
    expect(gvm.sim.state.targets.get(tasks[0]!.targetId)?.hosts).toBe('10.0.0.5');
    expect(gvm.sim.stats.authentications).toBeGreaterThan(0);
  });
});

describe('webhook step', () => {
  it('posts the rendered JSON with the secret header from the vault; the log keeps the request without the secret', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    await a.vault.set('playbook:soc-hook', 's3cret-value');
    await a.call('playbooks.save', { source: webhookPlaybook(rx.url) });
    const [id] = a.services.alerts.insertMany([sampleAlert({ title: 'He said "hi"' })]);
    const run = await a.call('playbooks.run', { id: 'tell-soc', alert_id: id });
    expect(run.status).toBe('succeeded');
    expect(rx.hits).toHaveLength(1);
    expect(rx.hits[0]!.headers['x-vigil-secret']).toBe('s3cret-value');
    expect(JSON.parse(rx.hits[0]!.body)).toEqual({ text: 'He said "hi" from 203.0.113.7', alert_id: id, tags: ['T1046'] });
    const step = run.steps[0];
    expect(step.request.headers).toEqual({ 'X-Vigil-Secret': '«secret soc-hook»' });
    expect(step.response).toMatchObject({ status: 200, attempts: 1 });
    expect(step.duration_ms).toBeGreaterThan(0);
    // the secret is nowhere in the database
    const dump = a.services.db.prepare("SELECT group_concat(coalesce(request, '') || coalesce(response, ''), '') AS t FROM playbook_run_steps").get() as { t: string };
    expect(dump.t).not.toContain('s3cret-value');
    expect(JSON.stringify(a.services.db.prepare('SELECT * FROM audit_log').all())).not.toContain('s3cret-value');
  });

  it('retries a 500, fails on a 400 at once, times out on a receiver that hangs, and says when refused', async () => {
    const flaky = later(await httpReceiver((n) => (n === 0 ? 500 : 200)));
    const a = await app();
    await a.vault.set('playbook:soc-hook', 'x');
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const runWith = async (url: string) => {
      await a.call('playbooks.remove', { id: 'tell-soc' });
      await a.call('playbooks.save', { source: webhookPlaybook(url) });
      return a.call('playbooks.run', { id: 'tell-soc', alert_id: id });
    };
    const ok = await runWith(flaky.url);
    expect(ok.status).toBe('succeeded');
    expect(ok.steps[0].response).toMatchObject({ status: 200, attempts: 2 });

    const reject = later(await httpReceiver(() => 400));
    const r400 = await runWith(reject.url);
    expect(r400.status).toBe('failed');
    expect(reject.hits).toHaveLength(1);
    expect(r400.steps[0].error).toMatch(/answered HTTP 400/);

    const down = later(await httpReceiver(() => 500));
    const r500 = await runWith(down.url);
    expect(down.hits).toHaveLength(3);
    expect(r500.steps[0].error).toMatch(/HTTP 500.*after 3 attempts/);

    const hang = later(await httpReceiver(() => 'hang'));
    const rHang = await runWith(hang.url);
    expect(rHang.status).toBe('failed');
    expect(rHang.steps[0].error).toMatch(/no answer within 2000 ms|timed out/);

    const port = await refusedPort();
    const rRefused = await runWith(`http://127.0.0.1:${port}/hook`);
    expect(rRefused.steps[0].error).toMatch(/ECONNREFUSED|refused/i);
  }, 30_000);

  it('a missing vault secret fails the step before anything is sent', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    await a.call('playbooks.save', { source: webhookPlaybook(rx.url) });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const run = await a.call('playbooks.run', { id: 'tell-soc', alert_id: id });
    expect(run.status).toBe('failed');
    expect(run.steps[0].error).toMatch(/the vault has no secret "soc-hook"/);
    expect(rx.hits).toHaveLength(0);
  });
});

describe('syslog and email steps', () => {
  for (const transport of ['udp', 'tcp', 'tls'] as const) {
    it(`sends an RFC 5424 message over ${transport.toUpperCase()}`, async () => {
      const creds = transport === 'tls' ? await localCert() : undefined;
      const rx = later(await syslogReceiver(transport, creds));
      const dir = tempDir();
      let ca = '';
      if (creds) {
        ca = path.join(dir, 'ca.pem');
        fs.writeFileSync(ca, creds.cert);
      }
      const a = await app();
      await a.call('playbooks.save', {
        source: JSON.stringify({
          id: 'syslog-out',
          name: 'Syslog',
          steps: [{ id: 's', type: 'syslog', host: '127.0.0.1', port: rx.port, transport, ...(ca ? { ca_file: ca } : {}), message: 'alert {{alert.id}}: {{alert.title}}' }],
        }),
      });
      const [id] = a.services.alerts.insertMany([sampleAlert()]);
      const run = await a.call('playbooks.run', { id: 'syslog-out', alert_id: id });
      expect(run.status, run.steps[0].error).toBe('succeeded');
      await waitFor(() => (rx.messages.length > 0 ? true : undefined), 5000);
      expect(rx.messages).toHaveLength(1);
      expect(rx.messages[0]).toMatch(new RegExp(`^<108>1 \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z \\S+ vigil \\d+ playbook \\[vigil@32473 playbook="syslog-out" run="${run.id}" alert="${id}"\\] alert ${id}: ET SCAN Potential SSH Scan$`));
    });
  }

  it('a TLS syslog server whose certificate is not trusted is refused', async () => {
    const rx = later(await syslogReceiver('tls', await localCert()));
    const a = await app();
    await a.call('playbooks.save', { source: JSON.stringify({ id: 'syslog-out', name: 'Syslog', steps: [{ id: 's', type: 'syslog', host: '127.0.0.1', port: rx.port, transport: 'tls', message: 'm' }] }) });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const run = await a.call('playbooks.run', { id: 'syslog-out', alert_id: id });
    expect(run.steps[0].error).toMatch(/self.signed|certificate/i);
    expect(rx.messages).toHaveLength(0);
  });

  it('sends mail over STARTTLS with the password from the vault, and refuses a server without STARTTLS', async () => {
    const creds = await localCert();
    const ca = path.join(tempDir(), 'ca.pem');
    fs.writeFileSync(ca, creds.cert);
    const rx = later(await smtpReceiver(creds, { password: 'mail-pass' }));
    const a = await app();
    await a.vault.set('playbook:smtp', 'mail-pass');
    const mail = (port: number) =>
      JSON.stringify({
        id: 'mail',
        name: 'Mail',
        steps: [{ id: 'm', type: 'email', host: '127.0.0.1', port, ca_file: ca, user: 'vigil', secret: 'smtp', from: 'vigil@example.org', to: ['soc@example.org'], subject: 'Alert {{alert.id}}\r\nBcc: x@evil', text: '{{alert.title}} from {{alert.src_ip}}' }],
      });
    await a.call('playbooks.save', { source: mail(rx.port) });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const run = await a.call('playbooks.run', { id: 'mail', alert_id: id });
    expect(run.status, run.steps[0].error).toBe('succeeded');
    expect(rx.mails).toHaveLength(1);
    expect(rx.mails[0]).toMatchObject({ from: 'vigil@example.org', to: ['soc@example.org'], secure: true, user: 'vigil' });
    expect(rx.mails[0]!.data).toContain(`Subject: Alert ${id} Bcc: x@evil`);
    expect(rx.mails[0]!.data).toContain('ET SCAN Potential SSH Scan from 203.0.113.7');
    expect(run.steps[0].request.password).toBe('«secret smtp»');

    const plain = later(await smtpReceiver(creds, { noStartTls: true }));
    await a.call('playbooks.remove', { id: 'mail' });
    await a.call('playbooks.save', { source: mail(plain.port) });
    const refused = await a.call('playbooks.run', { id: 'mail', alert_id: id });
    expect(refused.status).toBe('failed');
    expect(refused.steps[0].error).toMatch(/STARTTLS/i);
    expect(plain.mails).toHaveLength(0);
  }, 20_000);
});

const approvalPlaybook = (url: string) => `
id: approve-me
name: Approve me
trigger: {manual: true}
steps:
  - {id: note, type: note, text: "looking at {{alert.src_ip}}"}
  - {id: hook, type: webhook, url: "${url}", approve: true, body: '{"ip": "{{alert.src_ip}}"}', retries: 0}
  - {id: done, type: set_status, status: INVESTIGATING}
`;

describe('approvals and dry-run', () => {
  it('a step marked approve waits with exactly what it will send; approve (edited) goes on, reject ends the run', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    const notices: unknown[] = [];
    a.services.bus.on('playbooks.notice', (n) => notices.push(n));
    await a.call('playbooks.save', { source: approvalPlaybook(rx.url) });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const run = await a.call('playbooks.run', { id: 'approve-me', alert_id: id });
    expect(run.status).toBe('waiting_approval');
    expect(run.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'waiting_approval', 'pending']);
    expect(run.steps[1].request).toMatchObject({ method: 'POST', url: rx.url, body: { ip: '203.0.113.7' } });
    expect(rx.hits).toHaveLength(0);
    expect(notices).toEqual([{ kind: 'approval', run_id: run.id, title: 'Approval needed: Approve me', body: `POST the alert to ${new URL(rx.url).host}` }]);
    expect((await a.call('playbooks.runs', { status: 'waiting_approval' })).map((r: { id: string }) => r.id)).toEqual([run.id]);

    await expect(a.call('playbooks.approve', { run_id: run.id, edits: { url: 'ftp://x' } })).rejects.toThrow(/invalid edit/);
    const done = await a.call('playbooks.approve', { run_id: run.id, edits: { body: '{"ip": "{{alert.src_ip}}", "edited": true}' } }, 'ben');
    expect(done.status).toBe('succeeded');
    expect(JSON.parse(rx.hits[0]!.body)).toEqual({ ip: '203.0.113.7', edited: true });
    expect(done.steps[1]).toMatchObject({ status: 'done', decided_by: 'ben' });
    expect(a.services.alerts.get(id!)!.status).toBe('INVESTIGATING');
    await expect(a.call('playbooks.approve', { run_id: run.id })).rejects.toThrow(/succeeded, not waiting/);

    const second = await a.call('playbooks.run', { id: 'approve-me', alert_id: id });
    const rejected = await a.call('playbooks.reject', { run_id: second.id, reason: 'shared NAT address' }, 'ben');
    expect(rejected.status).toBe('rejected');
    expect(rejected.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'rejected', 'skipped']);
    expect(rx.hits).toHaveLength(1);
    const actions = a.services.db.prepare("SELECT action, actor FROM audit_log WHERE target_type = 'playbook_run' ORDER BY id").all();
    expect(actions).toEqual(expect.arrayContaining([{ action: 'playbook.approved', actor: 'ben' }, { action: 'playbook.rejected', actor: 'ben' }]));
  });

  it('a dry-run renders every step and changes nothing, for one alert or the last N matching', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    await a.vault.set('playbook:soc-hook', 'x');
    await a.call('playbooks.save', { source: webhookPlaybook(rx.url, '  - {id: close, type: set_status, status: ACKNOWLEDGED}') });
    const ids = a.services.alerts.insertMany([sampleAlert({ src_ip: '198.51.100.1' }), sampleAlert({ severity: 'low', src_ip: '198.51.100.2' }), sampleAlert({ src_ip: '198.51.100.3' })]);
    const [one] = await a.call('playbooks.dryRun', { id: 'tell-soc', alert_id: ids[1] });
    expect(one).toMatchObject({ mode: 'dry_run', status: 'dry_run', alert_id: ids[1] });
    expect(one.steps.map((s: { status: string }) => s.status)).toEqual(['dry_run', 'dry_run']);
    expect(one.steps[0].request.body.text).toBe('ET SCAN Potential SSH Scan from 198.51.100.2');
    expect(one.steps[1]).toMatchObject({ summary: `Set alert ${ids[1]} to ACKNOWLEDGED`, request: { status: 'ACKNOWLEDGED' } });
    const last = await a.call('playbooks.dryRun', { id: 'tell-soc', last: 5 });
    // only the high ones match the trigger, newest first
    expect(last.map((r: { alert_id: number }) => r.alert_id)).toEqual([ids[2], ids[0]]);
    expect(rx.hits).toHaveLength(0);
    expect(ids.map((i) => a.services.alerts.get(i)!.status)).toEqual(['NEW', 'NEW', 'NEW']);
    // dry-runs do not count against the rate limit
    expect((await a.call('playbooks.list', {})).playbooks[0].runs_last_hour).toBe(0);
  });
});

describe('automatic runs and guard rails', () => {
  const auto = (url: string, rate = '{max_runs: 10, per_minutes: 60}') => `
id: auto-hook
name: Auto hook
enabled: true
rate_limit: ${rate}
trigger:
  alert: {on: [created, updated], severity_min: high, src_ip: ["203.0.113.0/24"]}
steps:
  - {id: hook, type: webhook, url: "${url}", retries: 0}
`;

  it('fires once per matching alert, not for others; the kill switch pauses automatic runs', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    a.playbooks.evaluate(); // the trigger cursor starts at the outbox head
    await a.call('playbooks.save', { source: auto(rx.url) });
    const ids = a.services.alerts.insertMany([sampleAlert(), sampleAlert({ src_ip: '198.51.100.7' }), sampleAlert({ severity: 'medium' })]);
    expect(a.playbooks.evaluate()).toMatchObject({ alerts: 3, matched: 1, started: 1 });
    await a.playbooks.idle();
    expect(rx.hits).toHaveLength(1);
    const runs = await a.call('playbooks.runs', { playbook_id: 'auto-hook' });
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ mode: 'auto', status: 'succeeded', alert_id: ids[0], actor: 'playbook:auto-hook' });
    // an update of the same alert does not run it again; nothing new: nothing evaluated
    a.services.db.prepare("INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, 'updated', '2026-01-01T00:00:00.000Z')").run(ids[0]);
    expect(a.playbooks.evaluate()).toMatchObject({ matched: 1, started: 0 });
    expect(a.playbooks.evaluate()).toMatchObject({ alerts: 0 });

    await a.call('playbooks.setPaused', { paused: true });
    a.services.alerts.insertMany([sampleAlert({ src_ip: '203.0.113.99' })]);
    expect(a.playbooks.evaluate()).toMatchObject({ matched: 1, started: 0, skipped_paused: 1 });
    expect((await a.call('playbooks.list', {})).paused).toBe(true);
    await a.call('playbooks.setPaused', { paused: false });
    await a.playbooks.idle();
    expect(rx.hits).toHaveLength(1);
  });

  it('the rate limit caps runs per window, and says so in the audit log', async () => {
    const rx = later(await httpReceiver());
    const a = await app();
    a.playbooks.evaluate();
    await a.call('playbooks.save', { source: auto(rx.url, '{max_runs: 2, per_minutes: 60}') });
    a.services.alerts.insertMany([1, 2, 3, 4].map((i) => sampleAlert({ src_ip: `203.0.113.${i}` })));
    expect(a.playbooks.evaluate()).toMatchObject({ matched: 4, started: 2, skipped_rate: 2 });
    await a.playbooks.idle();
    expect(rx.hits).toHaveLength(2);
    // said once for the window, not once per skipped alert
    expect(a.services.db.prepare("SELECT count(*) AS n FROM audit_log WHERE action = 'playbook.rate_limited'").get()).toEqual({ n: 1 });
  });

  it('loop protection: an alert about what the playbook just acted on does not trigger it again', async () => {
    const a = await app({ scanStarter: { start: async (req) => ({ scan_id: '1', description: req.target }) } });
    a.playbooks.evaluate();
    // each run scans the alert's host, and a scan raises new alerts about that host (as real scanners do)
    await a.call('playbooks.save', {
      source: 'id: scan-loop\nname: Scan loop\nenabled: true\ntrigger: {alert: {source: [suricata]}}\nsteps:\n  - {id: s, type: start_scan, tool: gvm, approve: false}\n',
    });
    a.services.alerts.insertMany([sampleAlert({ host: '10.0.0.5' })]);
    expect(a.playbooks.evaluate()).toMatchObject({ started: 1 });
    await a.playbooks.idle();
    a.services.alerts.insertMany([sampleAlert({ rule_id: '1:9', title: 'probe from the scanner', src_ip: '10.9.9.9', host: '10.0.0.5' })]); // about host 10.0.0.5 again
    expect(a.playbooks.evaluate()).toMatchObject({ matched: 1, started: 0, skipped_loop: 1 });
    const stopped = a.services.db.prepare("SELECT details FROM audit_log WHERE action = 'playbook.loop_stopped'").all() as { details: string }[];
    expect(stopped).toHaveLength(1);
    expect(JSON.parse(stopped[0]!.details)).toMatchObject({ keys: ['ip:10.9.9.9', 'host:10.0.0.5'] });
  });

  it('the trigger evaluation runs in the live app after the pipeline writes alerts', async () => {
    const rx = later(await httpReceiver());
    const a = await testApp(tempDir(), { secrets: new MemoryVault(), playbooks: { pollMs: 20 } });
    cleanups.push(() => a.close());
    // the shipped playbooks are there, disabled
    expect((await callAs(a.handlers, 'playbooks.list', {})).playbooks.map((p: { id: string; enabled: boolean }) => [p.id, p.enabled])).toEqual([
      ['block-brute-forcers', false],
      ['case-for-every-p1', false],
      ['scan-attacked-host', false],
    ]);
    await new Promise((r) => setTimeout(r, 60));
    await callAs(a.handlers, 'playbooks.save', { source: auto(rx.url) });
    a.services.alerts.insertMany([sampleAlert()]);
    for (let i = 0; i < 200 && rx.hits.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(rx.hits).toHaveLength(1);
  });
});

describe('tag step', () => {
  it('adds and removes alert tags as the playbook, audited; a dry-run renders it; the change does not run it again', async () => {
    const a = await app();
    a.playbooks.evaluate();
    await a.call('playbooks.save', {
      source: 'id: tagger\nname: Tagger\nenabled: true\ntrigger: {alert: {on: [created, updated], severity_min: high}}\nsteps:\n  - {id: t, type: tag, add: [brute-force, p1], remove: [triage]}\n',
    });
    const [id] = a.services.alerts.insertMany([sampleAlert({ tags: ['triage', 'ssh'] })]);
    const [dry] = await a.call('playbooks.dryRun', { id: 'tagger', alert_id: id });
    expect(dry.steps[0]).toMatchObject({ status: 'dry_run', summary: `Tag alert ${id}: add brute-force, p1; remove triage`, request: { alert_id: id, add: ['brute-force', 'p1'], remove: ['triage'] } });
    expect(a.services.alerts.get(id!)!.tags).toEqual(['triage', 'ssh']);

    expect(a.playbooks.evaluate()).toMatchObject({ started: 1 });
    await a.playbooks.idle();
    expect(a.services.alerts.get(id!)!.tags).toEqual(['ssh', 'brute-force', 'p1']);
    const audit = a.services.db.prepare("SELECT actor, details FROM audit_log WHERE action = 'alert.tags'").all() as { actor: string; details: string }[];
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toMatch(/^playbook:tagger#/);
    // the same audit as an analyst's tag change, so the alert's history shows it
    expect(JSON.parse(audit[0]!.details)).toEqual({ added: ['brute-force', 'p1'], removed: ['triage'] });
    expect((await a.call('alerts.get', { id })).history).toContainEqual(expect.objectContaining({ kind: 'tags', added: ['brute-force', 'p1'], removed: ['triage'] }));
    // the tag change is an update of the alert the playbook already considered: no second run
    expect(a.playbooks.evaluate()).toMatchObject({ matched: 1, started: 0 });
    await a.playbooks.idle();
    const runs = await a.call('playbooks.runs', { playbook_id: 'tagger' });
    expect(runs.filter((r: { mode: string }) => r.mode === 'auto')).toHaveLength(1);
  });

  it('a tag step must add or remove something, and tags have no spaces', async () => {
    const a = await app();
    const base = 'id: bad\nname: Bad\nsteps:\n  - ';
    const empty = await a.call('playbooks.validate', { source: `${base}{id: t, type: tag}\n` });
    expect(empty.ok).toBe(false);
    expect(empty.errors.join('\n')).toContain('a tag step adds or removes at least one tag');
    const spaced = await a.call('playbooks.validate', { source: `${base}{id: t, type: tag, add: ["two words"]}\n` });
    expect(spaced.errors.join('\n')).toContain('(no spaces)');
    expect((await a.call('playbooks.validate', { source: `${base}{id: t, type: tag, remove: [old]}\n` })).ok).toBe(true);
  });
});

describe('runs of a case', () => {
  it('playbooks.runs by case_id lists the runs on the alerts of that case, the one whose step opened it included', async () => {
    const a = await app();
    await a.call('playbooks.save', { source: 'id: opener\nname: Opener\nsteps:\n  - {id: c, type: escalate_case, title: "Case {{alert.id}}"}\n' });
    const [inCase, other] = a.services.alerts.insertMany([sampleAlert(), sampleAlert({ src_ip: '198.51.100.9' })]);
    const run = await a.call('playbooks.run', { id: 'opener', alert_id: inCase });
    expect(run.status).toBe('succeeded');
    await a.call('playbooks.save', { source: 'id: noter\nname: Noter\nsteps:\n  - {id: n, type: note, text: seen}\n' });
    await a.call('playbooks.run', { id: 'noter', alert_id: other });
    const caseId: number = run.steps[0].response.case_id;
    // tied by the step that opened the case, before the escalation job has added the alert
    a.services.db.prepare('DELETE FROM case_alerts').run();
    const runs = await a.call('playbooks.runs', { case_id: caseId });
    expect(runs.map((r: { id: string }) => r.id)).toEqual([run.id]);
    expect(runs[0].steps[0]).toMatchObject({ step_id: 'c', status: 'done' });
    // and by the alerts in the case: a later run on one of them is listed too
    const noted = await a.call('playbooks.run', { id: 'noter', alert_id: inCase });
    a.services.db.prepare("INSERT OR IGNORE INTO case_alerts (alert_id, case_id, added_at, added_by) VALUES (?, ?, '2026-01-01T00:00:00.000Z', 'ana')").run(inCase, caseId);
    expect((await a.call('playbooks.runs', { case_id: caseId })).map((r: { id: string }) => r.id).sort()).toEqual([run.id, noted.id].sort());
    expect(await a.call('playbooks.runs', { case_id: caseId + 100 })).toEqual([]);
  });
});

describe('seed playbooks', () => {
  it('are imported disabled once; one the analyst removed is not brought back', async () => {
    const a = await app();
    const dir = path.join(process.cwd(), 'resources', 'playbooks');
    expect(a.playbooks.seed(dir, 'system')).toEqual(['block-brute-forcers', 'case-for-every-p1', 'scan-attacked-host']);
    expect((await a.call('playbooks.list', {})).playbooks.every((p: { enabled: boolean }) => !p.enabled)).toBe(true);
    await a.call('playbooks.remove', { id: 'case-for-every-p1' });
    expect(a.playbooks.seed(dir, 'system')).toEqual([]);
    expect((await a.call('playbooks.list', {})).playbooks.map((p: { id: string }) => p.id)).toEqual(['block-brute-forcers', 'scan-attacked-host']);
  });
});

describe('recommended actions', () => {
  it('come from the playbooks whose trigger matches, rendered for the alert', async () => {
    const a = await app();
    a.playbooks.seed(path.join(process.cwd(), 'resources', 'playbooks'), 'system');
    const [id] = a.services.alerts.insertMany([sampleAlert({ priority: 'P1', host: 'web-01' })]);
    const rec = await a.call('playbooks.recommended', { alert_id: id });
    expect(rec).toEqual([
      {
        playbook_id: 'case-for-every-p1',
        playbook_name: 'Open a case for every P1',
        label: `Open case "P1: ET SCAN Potential SSH Scan (web-01)" with alert ${id} (playbook: Open a case for every P1)`,
        steps: [`Open case "P1: ET SCAN Potential SSH Scan (web-01)" with alert ${id}`, `Set alert ${id} to INVESTIGATING`, `Tag alert ${id}: add p1-case`],
      },
    ]);
  });
});

describe('recovery after a crash', () => {
  it('a run stopped between two steps resumes; one with a step started is interrupted; live owners and approvals are left alone', async () => {
    const a = await app();
    await a.call('playbooks.save', { source: 'id: two\nname: Two\nsteps:\n  - {id: a, type: note, text: one}\n  - {id: b, type: note, text: two}\n' });
    const [id] = a.services.alerts.insertMany([sampleAlert()]);
    const doc = (await a.call('playbooks.get', { id: 'two' })).doc;
    const mk = (owner: string, status: string, next: number, stepStatus: string[]) => {
      const runId = crypto.randomUUID();
      a.services.db
        .prepare("INSERT INTO playbook_runs (id, playbook_id, playbook_name, playbook_version, doc, alert_id, mode, status, actor, owner, next_step, created_at, updated_at) VALUES (?, 'two', 'Two', 1, ?, ?, 'auto', ?, 'x', ?, ?, 't', 't')")
        .run(runId, JSON.stringify(doc), id, status, owner, next);
      stepStatus.forEach((st, i) => a.services.db.prepare("INSERT INTO playbook_run_steps (run_id, idx, step_id, type, name, status) VALUES (?, ?, ?, 'note', 'n', ?)").run(runId, i, i ? 'b' : 'a', st));
      return runId;
    };
    const dead = 'serve:2147483646'; // no such process
    const between = mk(dead, 'running', 1, ['done', 'pending']);
    const during = mk(dead, 'running', 1, ['done', 'started']);
    const live = mk(`desktop:${process.pid}`, 'running', 1, ['done', 'started']);
    const waiting = mk(dead, 'waiting_approval', 1, ['done', 'waiting_approval']);
    a.playbooks.start(1_000_000);
    await a.playbooks.idle();
    const status = async (r: string) => (await a.call('playbooks.runGet', { id: r })).steps.map((s: { status: string }) => s.status);
    expect(await status(between)).toEqual(['done', 'done']);
    expect((await a.call('playbooks.runGet', { id: between })).status).toBe('succeeded');
    expect(await status(during)).toEqual(['done', 'interrupted']);
    expect((await a.call('playbooks.runGet', { id: during })).status).toBe('interrupted');
    expect((await a.call('playbooks.runGet', { id: live })).status).toBe('running');
    expect((await a.call('playbooks.runGet', { id: waiting })).status).toBe('waiting_approval');
    // the resumed run added its one missing note; nothing ran twice
    expect(a.services.triage.notesFor([id!]).get(id!)?.map((n) => n.note)).toEqual(['two']);
  });
});
