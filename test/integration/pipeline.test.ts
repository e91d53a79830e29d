import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../main/pipeline/stages.js';
import { ingestFiles } from '../../main/pipeline/sources/import.js';
import { DEFAULT_SETTINGS, type Settings } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { tempDir } from '../helpers/tmp.js';
import { AuditRepo } from '../../main/store/audit-repo.js';
import { FindingsRepo } from '../../main/store/findings-repo.js';
import { ScansRepo } from '../../main/store/scans-repo.js';
import { repoRoot, testServices } from '../helpers/services.js';

const resources = path.join(repoRoot, 'resources');

async function setup(over: Partial<Settings> = {}) {
  const s = await testServices(tempDir());
  const { pipeline } = await createPipeline(s.db, { ...DEFAULT_SETTINGS, ...over }, resources, () => {});
  return { s, pipeline };
}

function eve(over: { ts?: string; src?: string; dst?: string; dport?: number; sid?: number; sig?: string; cat?: string; sev?: number } = {}): string {
  return JSON.stringify({
    timestamp: over.ts ?? '2026-11-21T10:00:00.000000+0000',
    flow_id: 1,
    event_type: 'alert',
    src_ip: over.src ?? '203.0.113.9',
    src_port: 40000,
    dest_ip: over.dst ?? '10.0.0.5',
    dest_port: over.dport ?? 22,
    proto: 'TCP',
    alert: {
      action: 'allowed',
      gid: 1,
      signature_id: over.sid ?? 2001219,
      rev: 20,
      signature: over.sig ?? 'ET SCAN Potential SSH Scan',
      category: over.cat ?? 'Attempted Information Leak',
      severity: over.sev ?? 2,
    },
  }).replace('"flow_id":1', '"flow_id":18446744073709551615');
}

function write(dir: string, name: string, lines: string[], trailingNewline = true): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, lines.join('\n') + (trailingNewline ? '\n' : ''));
  return file;
}

function alertsOf(s: Services) {
  return s.alerts.list({}, 500).items;
}

describe('pipeline end to end', () => {
  it('scores an alert on a host with open high findings with a named exposure term (false positives do not count)', async () => {
    const { s, pipeline } = await setup();
    const audit = new AuditRepo(s.db);
    const scans = new ScansRepo(s.db, () => new Date());
    const findings = new FindingsRepo(s.db, audit);
    const scanId = scans.create({ tool: 'gvm', connector_id: 'gvm-1', target: '10.0.0.0/24', options: {}, tool_state: { phase: 'task' }, created_by: 'ana' }).id;
    const base = { source: 'gvm' as const, ruleId: 'oid', severityRaw: '9.8', confidence: null, confidenceScore: 80, cvss: 9.8, cweId: null, wascId: null, evidence: null, description: '', solution: null, references: [], observedAt: null, raw: {} };
    const asset = (host: string) => ({ url: null, method: null, param: null, host, port: 443, protocol: 'tcp' });
    findings.upsert(
      [
        { ...base, key: 'gvm:a', title: 'Log4Shell', severity: 'critical', cves: ['CVE-2021-44228'], asset: asset('10.0.0.5') },
        { ...base, key: 'gvm:b', title: 'Weak cipher', severity: 'high', cves: [], asset: asset('10.0.0.6') },
      ],
      { scanId, connectorId: 'gvm-1', target: '10.0.0.0/24', seenAt: new Date().toISOString() },
    );
    findings.setStatus([findings.list({ host: '10.0.0.6' }, 1, 0).items[0]!.id], 'false_positive', 'ana', null, new Date().toISOString());
    const dir = tempDir();
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'eve.json', [eve({ dst: '10.0.0.5' }), eve({ dst: '10.0.0.6', sid: 2010935 })])], { format: 'eve' });
    const byDst = new Map(alertsOf(s).map((a) => [a.dst_ip, s.alerts.detail(a.id)!]));
    expect(byDst.get('10.0.0.5')!.score_terms.find((t) => t.name === 'exposure')).toEqual({ name: 'exposure', points: 12, detail: '10.0.0.5 has 1 critical open finding, e.g. CVE-2021-44228' });
    expect(byDst.get('10.0.0.6')!.score_terms.map((t) => t.name)).not.toContain('exposure');
    await s.close();
  });

  it('ingests, groups same rule+src+dst into one alert, and quarantines bad lines with reasons', async () => {
    const { s, pipeline } = await setup();
    const dir = tempDir();
    const lines = [
      eve({ ts: '2026-11-21T10:00:00.000000+0000' }),
      eve({ ts: '2026-11-21T10:01:00.000000+0000' }),
      eve({ ts: '2026-11-21T10:52:00.500000+0100' }), // 09:52Z: within the window before first_seen, which moves back
      '{"timestamp":"2026-11-21T10:00:00Z","event_type":"dns"}',
      'not json at all',
      '{"timestamp":"2026-11-21T10:00:00Z","event_type":"alert"}',
      '',
      eve({ sid: 2010935, sig: 'ET SCAN Suspicious inbound to MSSQL port 1433', dport: 1433 }),
    ];
    const file = write(dir, 'eve.json', lines, false); // last line without newline is still processed
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'eve' });
    expect(sum).toMatchObject({ read: 8, events: 4, skipped: 2, quarantined: 2, alerts_created: 2 });
    const alerts = alertsOf(s);
    expect(alerts).toHaveLength(2);
    const ssh = alerts.find((a) => a.rule_id === '1:2001219')!;
    expect(ssh).toMatchObject({ count: 3, first_seen: '2026-11-21T09:52:00.500Z', last_seen: '2026-11-21T10:01:00.000Z', severity: 'medium', src_ip: '203.0.113.9' });
    const q = s.pipelineRepo.listQuarantine(10);
    expect(q.total).toBe(2);
    expect(q.items.map((i) => [i.line, i.reason])).toEqual([
      [6, 'missing alert object'],
      [5, expect.stringMatching(/^invalid JSON/)],
    ]);
    // the grouped events are kept with their raw line and position
    const detail = s.alerts.detail(ssh.id)!;
    expect(detail.events.map((e) => e.line)).toEqual([3, 1, 2]);
    expect(detail.events[0]!.raw).toBe(lines[2]);
    expect(detail.score_terms.reduce((a, t) => a + t.points, 0)).toBe(ssh.risk_score);
    expect(detail.score_terms.map((t) => t.name)).toContain('severity');
    await s.close();
  });

  it('opens a new alert when the grouping window has passed, and not for resolved alerts', async () => {
    const { s, pipeline } = await setup({ groupWindowMinutes: 10 });
    const dir = tempDir();
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'a.json', [eve({ ts: '2026-11-21T10:00:00.000000+0000' })])], { format: 'eve' });
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'b.json', [eve({ ts: '2026-11-21T10:11:00.000000+0000' })])], { format: 'eve' });
    expect(alertsOf(s)).toHaveLength(2);
    const newest = alertsOf(s)[0]!;
    s.alerts.setStatus(newest.id, 'RESOLVED', 'ana', 'done');
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'c.json', [eve({ ts: '2026-11-21T10:12:00.000000+0000' })])], { format: 'eve' });
    expect(alertsOf(s)).toHaveLength(3);
    await s.close();
  });

  it('below the alert severity an event is stored but raises no alert', async () => {
    const { s, pipeline } = await setup({ minAlertSeverity: 'high' });
    const dir = tempDir();
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'e.json', [eve({ sev: 2 }), eve({ sev: 1, sid: 1, sig: 'ET EXPLOIT x' })])], { format: 'eve' });
    expect(sum).toMatchObject({ events: 2, alerts_created: 1 });
    expect(s.pipelineRepo.status().events_retained).toBe(2);
    await s.close();
  });

  it('correlates a brute force into its own alert with technique T1110', async () => {
    const { s, pipeline } = await setup({ bruteForceFailures: 5 });
    const dir = tempDir();
    const fail = (i: number, user: string) =>
      JSON.stringify({
        timestamp: `2026-11-21T10:00:${String(10 + i).padStart(2, '0')}.000+0000`,
        rule: { level: 5, id: '5716', description: 'sshd: authentication failed.', groups: ['syslog', 'sshd', 'authentication_failed'], mitre: { id: ['T1110.001'] } },
        agent: { id: '001', name: 'web-01', ip: '10.0.0.5' },
        data: { srcip: '81.2.69.142', dstip: '10.0.0.5', srcuser: user },
        full_log: `Failed password for ${user} from 81.2.69.142 port 50000 ssh2`,
        location: '/var/log/auth.log',
      });
    const file = write(dir, 'alerts.json', [0, 1, 2, 3, 4, 5].map((i) => fail(i, 'root')));
    await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh' });
    const alerts = alertsOf(s);
    const bf = alerts.find((a) => a.rule_id === 'vigil:brute_force');
    expect(bf, JSON.stringify(alerts.map((a) => a.title))).toBeDefined();
    expect(bf!.title).toMatch(/^Brute force: \d+ authentication failures from 81\.2\.69\.142/);
    expect(bf!.severity).toBe('high');
    expect(bf!.technique_ids.some((t) => t.startsWith('T1110'))).toBe(true);
    const detail = s.alerts.detail(bf!.id)!;
    expect(detail.threat_type).toBe('brute_force');
    expect(detail.score_terms.map((t) => t.name)).toContain('correlation');
    await s.close();
  });

  it('suppression rules stop matching events from alerting and count their hits', async () => {
    const { s, pipeline } = await setup();
    s.suppressions.create({ src_ip: '203.0.113.0/24' }, 'pentest window', 'ana', null);
    const dir = tempDir();
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 's.json', [eve(), eve({ src: '198.51.100.1' }), eve()])], { format: 'eve' });
    expect(sum).toMatchObject({ events: 3, suppressed: 2, alerts_created: 1 });
    expect(s.suppressions.list()[0]).toMatchObject({ hits: 2, reason: 'pentest window', state: 'active' });
    await s.close();
  });

  it('writes the outbox in commit order and finds alerts by CIDR, technique and text', async () => {
    const { s, pipeline } = await setup();
    const dir = tempDir();
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'x.json', [eve(), eve({ src: '2001:db8::7', sid: 5, sig: 'ET EXPLOIT Apache Struts RCE', cat: 'Attempted Administrator Privilege Gain', sev: 1 })])], { format: 'eve' });
    const out = s.pipelineRepo.outboxSince(0, 100);
    expect(out.map((o) => o.kind)).toEqual(['new', 'new']);
    expect(out[1]!.seq).toBeGreaterThan(out[0]!.seq);
    expect(s.alerts.list({ src_ip: '203.0.113.0/24' }, 10).items).toHaveLength(1);
    expect(s.alerts.list({ src_ip: '2001:db8::/32' }, 10).items).toHaveLength(1);
    expect(s.alerts.list({ src_ip: '2001:0db8:0:0::7' }, 10).items).toHaveLength(1);
    expect(s.alerts.list({ text: 'struts' }, 10).items.map((a) => a.title)).toEqual(['ET EXPLOIT Apache Struts RCE']);
    expect(s.alerts.list({ text: '203.0.113.9' }, 10).items).toHaveLength(1);
    const withTech = s.alerts.list({}, 10).items.find((a) => a.technique_ids.length > 0)!;
    expect(s.alerts.list({ technique: withTech.technique_ids[0]!.split('.')[0]! }, 10).items.map((a) => a.id)).toContain(withTech.id);
    await s.close();
  });
});

/** A Wazuh sshd 5710 line in the alerts.json shape (fixtures/wazuh/alerts.jsonl line 1). */
function sshd(over: { ts: string; agent?: { id: string; name: string; ip: string }; src?: string; user?: string }): string {
  const agent = over.agent ?? { id: '001', name: 'web-01', ip: '10.0.0.21' };
  const src = over.src ?? '203.0.113.45';
  const user = over.user ?? 'admin';
  return JSON.stringify({
    timestamp: over.ts,
    rule: {
      level: 5,
      description: 'sshd: Attempt to login using a non-existent user',
      id: '5710',
      mitre: { id: ['T1110.001', 'T1021.004'], tactic: ['Credential Access', 'Lateral Movement'], technique: ['Password Guessing', 'SSH'] },
      firedtimes: 1,
      mail: false,
      groups: ['syslog', 'sshd', 'authentication_failed', 'invalid_login'],
    },
    agent,
    manager: { name: 'wazuh-manager' },
    id: '1795255201.10452',
    full_log: `Nov 21 10:00:01 ${agent.name} sshd[2412]: Invalid user ${user} from ${src} port 51234`,
    predecoder: { program_name: 'sshd', timestamp: 'Nov 21 10:00:01', hostname: agent.name },
    decoder: { parent: 'sshd', name: 'sshd' },
    data: { srcip: src, srcport: '51234', srcuser: user },
    location: '/var/log/auth.log',
  });
}

const minute = (m: number) => new Date(Date.parse('2026-11-21T10:00:00.000Z') + m * 60_000).toISOString().replace('Z', '+0000');

describe('grouping', () => {
  // minutes after 10:00, in the order the lines appear in the file (a merged, out-of-order file)
  const OUT_OF_ORDER = [60, 3, 82, 30, 0, 64, 36, 7, 70, 33];
  const WINDOW_MIN = 10;

  /** Every alert spans exactly its events, with no gap between neighbours wider than the window. */
  function checkSpans(s: Services) {
    const alerts = alertsOf(s);
    for (const a of alerts) {
      const ts = s.alerts.detail(a.id)!.events.map((e) => Date.parse(e.ts)).sort((x, y) => x - y);
      expect(ts).toHaveLength(a.count);
      expect([a.first_seen, a.last_seen]).toEqual([new Date(ts[0]!).toISOString(), new Date(ts[ts.length - 1]!).toISOString()]);
      for (let i = 1; i < ts.length; i++) expect(ts[i]! - ts[i - 1]!).toBeLessThanOrEqual(WINDOW_MIN * 60_000);
    }
    return alerts.map((a) => [a.first_seen.slice(11, 16), a.last_seen.slice(11, 16), a.count]).sort();
  }

  const expected = [
    ['10:00', '10:07', 3],
    ['10:30', '10:36', 3],
    ['11:00', '11:10', 3],
    ['11:22', '11:22', 1],
  ];

  it('out-of-order lines over 82 minutes with a 10-minute window make several alerts, in one batch', async () => {
    const { s, pipeline } = await setup({ groupWindowMinutes: WINDOW_MIN });
    const file = write(tempDir(), 'alerts.json', OUT_OF_ORDER.map((m) => sshd({ ts: minute(m) })));
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh' });
    expect(sum).toMatchObject({ events: 10, alerts_created: 4 });
    expect(checkSpans(s)).toEqual(expected);
    await s.close();
  });

  it('the same holds when every line is its own batch (the groups come from the database)', async () => {
    const { s, pipeline } = await setup({ groupWindowMinutes: WINDOW_MIN });
    const file = write(tempDir(), 'alerts.json', OUT_OF_ORDER.map((m) => sshd({ ts: minute(m) })));
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh', batchLines: 1 });
    expect(sum).toMatchObject({ events: 10, alerts_created: 4, alerts_updated: 6 });
    expect(checkSpans(s)).toEqual(expected);
    await s.close();
  });

  it('an event joins the nearest group when two could take it', async () => {
    const { s, pipeline } = await setup({ groupWindowMinutes: WINDOW_MIN });
    // groups [10:00] and [10:16]; 10:07 is within the window of both, nearer the first
    const file = write(tempDir(), 'alerts.json', [0, 16, 7].map((m) => sshd({ ts: minute(m) })));
    await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh', batchLines: 1 });
    expect(checkSpans(s)).toEqual([
      ['10:00', '10:07', 2],
      ['10:16', '10:16', 1],
    ]);
    await s.close();
  });

  it('a batch spanning more than the window finishes every alert it started (counts and outbox)', async () => {
    const { s, pipeline } = await setup({ groupWindowMinutes: WINDOW_MIN });
    const file = write(tempDir(), 'alerts.json', [0, 1, 30, 31, 32].map((m) => sshd({ ts: minute(m) })));
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh' });
    expect(sum).toMatchObject({ events: 5, alerts_created: 2 });
    expect(checkSpans(s)).toEqual([
      ['10:00', '10:01', 2],
      ['10:30', '10:32', 3],
    ]);
    expect(s.pipelineRepo.outboxSince(0, 100).map((o) => o.kind)).toEqual(['new', 'new']);
    await s.close();
  });

  it('folding occurrences into an alert writes only the columns that change (no index or trigger rewritten for nothing)', async () => {
    const { s, pipeline } = await setup();
    // count every UPDATE that assigns each folded column, whatever the value
    s.db.exec('CREATE TEMP TABLE writes (col TEXT)');
    for (const col of ['first_seen', 'last_seen', 'severity', 'priority', 'risk_score', 'technique_ids', 'threat_type']) {
      s.db.exec(`CREATE TEMP TRIGGER w_${col} AFTER UPDATE OF ${col} ON main.alerts BEGIN INSERT INTO writes VALUES ('${col}'); END`);
    }
    const writes = () => (s.db.prepare('SELECT col, count(*) AS n FROM writes GROUP BY col ORDER BY col').all() as { col: string; n: number }[]).map((r) => `${r.col} ${r.n}`);
    const dir = tempDir();
    // the same occurrence again, one batch per line: only count and last_seen move
    const same = [0, 1, 2].map((m) => eve({ ts: `2026-11-21T10:0${m}:00.000000+0000` }));
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'a.json', same)], { format: 'eve', batchLines: 1 });
    expect(writes()).toEqual(['last_seen 2']);
    // a more severe occurrence of the same group raises severity (and what follows from it)
    s.db.exec('DELETE FROM writes');
    await ingestFiles(pipeline, s.pipelineRepo, [write(dir, 'b.json', [eve({ ts: '2026-11-21T10:03:00.000000+0000', sev: 1 })])], { format: 'eve' });
    expect(writes()).toContain('severity 1');
    const [a] = alertsOf(s);
    expect(a).toMatchObject({ count: 4, severity: 'high', first_seen: '2026-11-21T10:00:00.000Z', last_seen: '2026-11-21T10:03:00.000Z' });
    await s.close();
  });

  it('Wazuh: one rule on two agents is two alerts; the same agent again joins its own', async () => {
    const { s, pipeline } = await setup();
    const web = { id: '001', name: 'web-01', ip: '10.0.0.21' };
    const db = { id: '003', name: 'db-01', ip: '10.0.0.31' };
    const file = write(tempDir(), 'alerts.json', [
      sshd({ ts: minute(0), agent: web }),
      sshd({ ts: minute(1), agent: db }),
      sshd({ ts: minute(2), agent: web }),
    ]);
    const sum = await ingestFiles(pipeline, s.pipelineRepo, [file], { format: 'wazuh' });
    expect(sum).toMatchObject({ events: 3, alerts_created: 2 });
    const counts = alertsOf(s).map((a) => [s.alerts.detail(a.id)!.enrichment['agent'], a.count]);
    expect(counts).toEqual(expect.arrayContaining([[web, 2], [db, 1]]));
    await s.close();
  });
});


describe('host and agent on every alert', () => {
  it('Wazuh alerts carry their agent, user and host; FIM and VirusTotal alerts are no longer host-less', async () => {
    const { s, pipeline } = await setup({ minAlertSeverity: 'info' });
    const fixture = path.join(repoRoot, 'test', 'fixtures', 'wazuh', 'decoders.jsonl');
    await ingestFiles(pipeline, s.pipelineRepo, [fixture], { format: 'wazuh' });
    const byRule = new Map(alertsOf(s).filter((a) => !a.rule_id?.startsWith('vigil:')).map((a) => [a.rule_id, a]));
    expect(byRule.get('60122')).toMatchObject({ agent: { id: '002', name: 'DESKTOP-RL1K13Q' }, user: 'Bluecheap', host: 'DESKTOP-RL1K13Q', src_ip: '192.168.80.13', sensor: null });
    expect(byRule.get('550')).toMatchObject({ agent: { id: '003', name: 'db-01' }, user: 'deploy', host: 'db-01', src_ip: null, dst_ip: null });
    expect(byRule.get('87105')).toMatchObject({ agent: { id: '004', name: 'ws-alice' }, host: 'ws-alice' });
    expect(byRule.get('80254')).toMatchObject({ src_ip: '14.71.171.162', user: 'some.user', host: 'wazuh-manager' });
    for (const a of byRule.values()) expect(a.host, a.title).not.toBeNull();
    // the detail keeps them in its enrichment too
    expect(s.alerts.detail(byRule.get('550')!.id)!.enrichment).toMatchObject({ agent: { id: '003', name: 'db-01' }, user: 'deploy', sensor: null });
    await s.close();
  });

  it('Suricata alerts carry the sensor and the destination as host, and no agent', async () => {
    const { s, pipeline } = await setup();
    const line = eve().replace('{', '{"host":"sensor-01","in_iface":"eth0",'); // (JSON.parse would round flow_id)
    await ingestFiles(pipeline, s.pipelineRepo, [write(tempDir(), 'eve.json', [line])], { format: 'eve' });
    expect(alertsOf(s)[0]).toMatchObject({ agent: null, user: null, host: '10.0.0.5', sensor: 'sensor-01' });
    expect(s.alerts.list({ host: 'sensor-01' }, 10).items).toHaveLength(1);
    expect(s.alerts.list({ text: 'sensor-01' }, 10).items).toHaveLength(1);
    await s.close();
  });
});
