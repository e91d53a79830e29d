import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const eveFixture = path.join(repoRoot, 'test', 'fixtures', 'eve', 'alerts.jsonl');
const wazuhFixture = path.join(repoRoot, 'test', 'fixtures', 'wazuh', 'alerts.jsonl');

describe('vigil ingest / alerts / quarantine / status', () => {
  it('ingests files and prints the summary as one JSON object; a file of which nothing could be read fails', () => {
    const dir = tempDir();
    const bad = path.join(dir, 'bad.json');
    fs.writeFileSync(bad, 'garbage\n{"timestamp":"2026-11-21T10:00:00Z","event_type":"alert"}'); // no trailing newline
    const r = runCli(['ingest', '--format', 'eve', eveFixture, bad, '--json', '--data-dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      `vigil: ${bad}: nothing could be read: all 2 lines were quarantined (e.g. line 2: missing alert object); fix the cause and import it again with --again\n` +
        'vigil: 1 of 2 file(s) failed\n',
    );
    const sum = JSON.parse(r.stdout);
    expect(Object.keys(sum).sort()).toEqual(
      ['alerts_created', 'alerts_updated', 'duration_ms', 'events', 'failed', 'files', 'quarantined', 'read', 'records', 'skipped', 'skipped_types', 'suppressed'].sort(),
    );
    const lines = fs.readFileSync(eveFixture, 'utf8').split('\n').filter((l) => l.length > 0).length;
    expect(sum.read).toBe(lines + 2);
    expect(sum.quarantined).toBe(2);
    expect(sum.skipped).toBe(2);
    expect(sum.skipped_types).toEqual({ dns: 1, flow: 1 });
    expect(sum.alerts_created).toBeGreaterThan(0);
    expect(sum.files.map((f: { status: string }) => f.status)).toEqual(['imported', 'failed']);

    const w = JSON.parse(runCli(['ingest', '--format', 'wazuh', wazuhFixture, '--json', '--data-dir', dir]).stdout);
    expect(w.events).toBeGreaterThan(0);

    const q = JSON.parse(runCli(['quarantine', 'list', '--json', '--data-dir', dir]).stdout);
    expect(q.total).toBe(2);
    expect(q.items.map((i: { reason: string; file: string }) => [path.basename(i.file), i.reason.split(':')[0]])).toEqual([
      ['bad.json', 'missing alert object'],
      ['bad.json', 'invalid JSON'],
    ]);
    expect(runCli(['quarantine', 'list', '--data-dir', dir]).stdout).toContain('missing alert object');

    const st = JSON.parse(runCli(['status', '--json', '--data-dir', dir]).stdout);
    expect(st.sources.map((x: { kind: string }) => x.kind)).toEqual(['import', 'import', 'import']);
    expect(st.sources[0]).toMatchObject({ skipped_types: { dns: 1, flow: 1 }, lease: null, assume_tz: null });
    expect(st.quarantine_total).toBe(2);
    const text = runCli(['status', '--data-dir', dir]).stdout;
    expect(text).toContain('import:');
    expect(text).toContain(`import:${eveFixture}: skipped by type: dns 1 · flow 1`);
  }, 120_000);

  it('lists with filters, shows one alert with score terms and events, and exports json, ndjson and csv', () => {
    const dir = tempDir();
    runCli(['ingest', '--format', 'eve', eveFixture, '--data-dir', dir]);
    runCli(['ingest', '--format', 'wazuh', wazuhFixture, '--data-dir', dir]);
    const all = JSON.parse(runCli(['alerts', 'list', '--json', '--limit', '1000', '--data-dir', dir]).stdout) as { id: number; source: string; severity: string; src_ip: string | null }[];
    expect(all.length).toBeGreaterThan(3);
    const wazuh = JSON.parse(runCli(['alerts', 'list', '--source', 'wazuh', '--json', '--data-dir', dir]).stdout) as { source: string }[];
    expect(wazuh.length).toBeGreaterThan(0);
    expect(wazuh.every((a) => a.source === 'wazuh')).toBe(true);
    const high = JSON.parse(runCli(['alerts', 'list', '--min-severity', 'high', '--json', '--data-dir', dir]).stdout) as { severity: string }[];
    expect(high.every((a) => a.severity === 'high' || a.severity === 'critical')).toBe(true);
    const withSrc = all.find((a) => a.src_ip && !a.src_ip.includes(':'))!;
    const cidr = `${withSrc.src_ip!.split('.').slice(0, 3).join('.')}.0/24`;
    const byCidr = JSON.parse(runCli(['alerts', 'list', '--src', cidr, '--json', '--data-dir', dir]).stdout) as { id: number }[];
    expect(byCidr.map((a) => a.id)).toContain(withSrc.id);
    expect(runCli(['alerts', 'list', '--src', '10.0.0.0/33', '--data-dir', dir])).toMatchObject({ code: 2 });
    expect(runCli(['alerts', 'list', '--since', 'yesterday', '--data-dir', dir])).toMatchObject({ code: 2 });

    const show = JSON.parse(runCli(['alerts', 'show', String(all[0]!.id), '--json', '--data-dir', dir]).stdout);
    expect(show.alert.id).toBe(all[0]!.id);
    expect(show.score_terms.reduce((a: number, t: { points: number }) => a + t.points, 0)).toBe(show.alert.risk_score);
    expect(show.events.length).toBeGreaterThan(0);
    expect(runCli(['alerts', 'show', String(all[0]!.id), '--data-dir', dir]).stdout).toContain('score:');
    expect(runCli(['alerts', 'show', '999999', '--data-dir', dir])).toMatchObject({ code: 1 });

    const json = JSON.parse(runCli(['alerts', 'export', '--format', 'json', '--data-dir', dir]).stdout);
    expect(json).toHaveLength(all.length);
    const nd = runCli(['alerts', 'export', '--format', 'ndjson', '--data-dir', dir]).stdout.trim().split('\n');
    expect(nd.map((l) => JSON.parse(l).id)).toEqual(all.map((a) => a.id));
    const out = path.join(dir, 'alerts.csv');
    expect(runCli(['alerts', 'export', '--format', 'csv', '--output', out, '--data-dir', dir]).code).toBe(0);
    const csv = fs.readFileSync(out, 'utf8').split('\r\n').filter(Boolean);
    expect(csv[0]).toBe(
      'id,source,severity,priority,status,title,rule_id,src_ip,src_port,dst_ip,dst_port,proto,first_seen,last_seen,count,risk_score,technique_ids,tags,assignee,agent_id,agent_name,user,host,sensor,notes',
    );
    expect(csv).toHaveLength(all.length + 1);
  }, 120_000);

  it('shows the host, agent, user and sensor in list, show and every export, and filters by host', () => {
    const dir = tempDir();
    runCli(['ingest', '--format', 'wazuh', wazuhFixture, '--data-dir', dir]);
    type Listed = { id: number; source: string; host: string | null; user: string | null; agent: { id: string; name: string } | null; sensor: string | null };
    const all = JSON.parse(runCli(['alerts', 'list', '--json', '--data-dir', dir]).stdout) as Listed[];
    const web = all.find((a) => a.agent?.name === 'web-01' && a.user !== null)!;
    expect(web).toMatchObject({ host: 'web-01', agent: { id: '001', name: 'web-01' }, sensor: null });
    // FIM alerts have no address: their host is the agent
    expect(all.every((a) => a.host !== null)).toBe(true);
    const listed = runCli(['alerts', 'list', '--host', 'web-01', '--data-dir', dir]).stdout.split('\n').filter(Boolean);
    expect(listed[0]).toMatch(/\bSOURCE\s+HOST\s+SRC\b/);
    expect(listed.length - 1).toBe(all.filter((a) => a.host === 'web-01').length);
    expect(listed.slice(1).every((l) => / wazuh\s+web-01\s/.test(l))).toBe(true);
    expect(runCli(['alerts', 'show', String(web.id), '--data-dir', dir]).stdout).toContain(`host web-01  agent web-01 (id 001)  user ${web.user}  sensor -`);
    const out = path.join(dir, 'alerts.csv');
    runCli(['alerts', 'export', '--format', 'csv', '--output', out, '--data-dir', dir]);
    const row = fs.readFileSync(out, 'utf8').split('\r\n').find((l) => l.startsWith(`${web.id},`))!;
    expect(row.endsWith(`,001,web-01,${web.user},web-01,,`)).toBe(true); // no sensor, no notes
    const nd = runCli(['alerts', 'export', '--format', 'ndjson', '--host', '001', '--data-dir', dir]).stdout.trim().split('\n').map((l) => JSON.parse(l) as Listed);
    expect(nd.map((a) => a.id).sort()).toEqual(all.filter((a) => a.agent?.id === '001').map((a) => a.id).sort());
    expect(nd.find((a) => a.id === web.id)).toMatchObject({ agent: { id: '001', name: 'web-01' }, host: 'web-01', user: web.user, sensor: null });
  }, 120_000);

  it('simulates a scenario through the same pipeline', () => {
    const dir = tempDir();
    const r = runCli(['simulate', '--scenario', 'brute_force', '--rate', '200', '--duration', '2', '--seed', '7', '--json', '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const sum = JSON.parse(r.stdout);
    expect(sum.read).toBeGreaterThanOrEqual(350);
    expect(sum.alerts_created).toBeGreaterThan(0);
    const alerts = JSON.parse(runCli(['alerts', 'list', '--json', '--data-dir', dir]).stdout) as { rule_id: string }[];
    expect(alerts.some((a) => a.rule_id === 'vigil:brute_force')).toBe(true);
    expect(runCli(['simulate', '--scenario', 'nope', '--data-dir', dir])).toMatchObject({ code: 2 });
  }, 120_000);
});
