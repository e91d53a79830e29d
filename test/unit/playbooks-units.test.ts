import { describe, expect, it } from 'vitest';
import { render, renderJson } from '../../main/playbooks/template.js';
import { parsePlaybook } from '../../main/playbooks/loader.js';
import { compileTrigger } from '../../main/playbooks/trigger.js';
import { unavailable } from '../../main/playbooks/executors.js';
import { formatSyslog, frameOctetCounting } from '../../main/notify/syslog.js';
import type { Alert } from '../../main/contract/index.js';

const alert = (over: Partial<Alert> = {}): Alert => ({
  id: 7,
  source: 'wazuh',
  severity: 'high',
  priority: 'P2',
  status: 'NEW',
  title: 'sshd: brute force "root"',
  rule_id: '5712',
  src_ip: '203.0.113.7',
  src_port: 4000,
  dst_ip: '10.0.0.5',
  dst_port: 22,
  proto: 'tcp',
  first_seen: '2026-11-21T10:00:00.000Z',
  last_seen: '2026-11-21T10:00:00.000Z',
  count: 12,
  risk_score: 70,
  technique_ids: ['T1110.001'],
  tags: [],
  assignee: null,
  agent: { id: '001', name: 'web-01' },
  user: 'root',
  host: 'web-01',
  sensor: null,
  ...over,
});

describe('templates', () => {
  it('replace paths only; missing values are reported, nothing is evaluated', () => {
    expect(render('{{alert.src_ip}} on {{ alert.agent.name }}', { alert: alert() })).toEqual({ text: '203.0.113.7 on web-01', missing: [] });
    expect(render('{{alert.nope}}|{{constructor.name}}|{{alert.toString}}', { alert: alert() })).toEqual({ text: '||', missing: ['alert.nope', 'constructor.name', 'alert.toString'] });
    expect(render('{{ 1 + 1 }} {{alert.src_ip || "x"}}', { alert: alert() }).text).toBe('{{ 1 + 1 }} {{alert.src_ip || "x"}}');
  });

  it('JSON bodies escape inserted text, and a whole-string tag becomes the value', () => {
    const r = renderJson('{"t": "title: {{alert.title}}", "a": "{{alert.agent}}", "n": "{{alert.count}}"}', { alert: alert() });
    expect(r.value).toEqual({ t: 'title: sshd: brute force "root"', a: { id: '001', name: 'web-01' }, n: 12 });
    expect(() => renderJson('{"t": {{alert.title}}}', { alert: alert() })).toThrow(/not JSON once rendered/);
  });
});

describe('loader', () => {
  it('reads YAML and JSON alike, with defaults; refuses duplicate keys and YAML bombs', () => {
    const y = parsePlaybook('id: a\nname: A\nsteps:\n  - {id: s, type: note, text: hi}\n');
    const j = parsePlaybook('{"id": "a", "name": "A", "steps": [{"id": "s", "type": "note", "text": "hi"}]}');
    expect(y.ok && j.ok).toBe(true);
    if (y.ok && j.ok) {
      expect(y.doc).toEqual(j.doc);
      expect(y.doc).toMatchObject({ version: 1, enabled: false, trigger: { manual: true }, rate_limit: { max_runs: 10, per_minutes: 60 }, steps: [{ timeout_s: 30, on_failure: 'stop' }] });
    }
    expect(parsePlaybook('id: a\nid: b\nname: A\nsteps: []\n').errors[0]).toMatch(/not valid YAML: .*[Dd]uplicate|unique/);
    const bomb = 'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n';
    expect(parsePlaybook(bomb).errors[0]).toMatch(/not valid YAML: .*[Ee]xcessive alias count/);
  });
});

describe('triggers', () => {
  const trig = (conditions: Record<string, unknown>) => {
    const p = parsePlaybook(JSON.stringify({ id: 't', name: 'T', trigger: { alert: conditions }, steps: [{ id: 's', type: 'note', text: 'x' }] }));
    if (!p.ok) throw new Error(p.errors.join('; '));
    return compileTrigger(p.doc)!;
  };
  it('every condition must hold; lists are any-of; techniques match their parent; CIDR blocks', () => {
    const f = { alert: alert(), threat_type: 'brute_force' };
    expect(trig({ severity_min: 'high', threat_type: ['brute_force'] }).matches(f)).toBe(true);
    expect(trig({ severity_min: 'critical' }).matches(f)).toBe(false);
    expect(trig({ technique: ['T1110'] }).matches(f)).toBe(true);
    expect(trig({ src_ip: ['203.0.113.0/24'], min_count: 10 }).matches(f)).toBe(true);
    expect(trig({ src_ip: ['203.0.113.0/24'], min_count: 13 }).matches(f)).toBe(false);
    expect(trig({ src_ip: ['198.51.100.0/24'] }).matches(f)).toBe(false);
    expect(trig({ rule: ['5712'], source: ['WAZUH'], host: ['web-01'], priority: ['P1', 'P2'] }).matches(f)).toBe(true);
    expect(trig({ src_ip: ['203.0.113.0/24'] }).matches({ ...f, alert: alert({ src_ip: null }) })).toBe(false);
    expect(() => trig({ src_ip: ['300.1.1.1/8'] })).toThrow(/not an address or CIDR block/);
    expect(trig({ severity_min: 'low' }).on).toEqual(new Set(['created']));
  });
});

describe('syslog framing', () => {
  it('writes RFC 5424 with escaped structured data, NILVALUE for empty fields, octet counting by bytes', () => {
    const m = formatSyslog({ facility: 13, severity: 4, appName: 'vigil', structured: [['vigil@32473', { title: 'a "b" ] c\\' }]], message: 'héllo', timestamp: new Date('2026-11-21T10:00:00.000Z'), hostname: 'ws 1' });
    expect(m).toBe(`<108>1 2026-11-21T10:00:00.000Z ws1 vigil ${process.pid} - [vigil@32473 title="a \\"b\\" \\] c\\\\"] héllo`);
    expect(frameOctetCounting('héllo').toString('utf8')).toBe('6 héllo');
  });
});

describe('the feed step', () => {
  it('reads with its defaults, and says at validation when this process has no feed', () => {
    const r = parsePlaybook('id: x\nname: X\nsteps:\n  - {id: t, type: feed, message: "P1: {{alert.title}}", dialects: [native, bluewall], severity: critical}\n');
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const step = r.doc.steps[0]!;
    expect(step).toMatchObject({ type: 'feed', dialects: ['native', 'bluewall'], severity: 'critical', on_failure: 'stop', timeout_s: 30 });
    expect(step).not.toHaveProperty('clients');
    expect(unavailable(step, { scans: null, wazuh: null, feed: null })).toBe('step t: the LAN feed is not available (the feed step cannot run)');
    expect(unavailable(step, { scans: null, wazuh: null, feed: { prepareNotice: () => ({ preview: { feed: 'off', dialects: [] }, send: () => ({ outcome: 'feed_off', message: '', sent: 0, dialects: [] }) }) } })).toBeNull();
  });
});
