import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TimeZone, normalizeLine, normalizeWazuh, wazuhSeverity } from '../../main/pipeline/normalize/index.js';
import { WAZUH_DST_FIELDS, WAZUH_SRC_FIELDS, WAZUH_USER_FIELDS, addressOf, wazuhFields } from '../../main/pipeline/normalize/wazuh-fields.js';
import { type NormalizeResult, type SecurityEvent, type SourcePosition } from '../../main/pipeline/types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'wazuh');
const pos: SourcePosition = { file: '/var/ossec/logs/alerts/alerts.json', line: null, offset: 4096 };

function event(r: NormalizeResult): SecurityEvent {
  if (r.kind !== 'event') throw new Error(`expected an event, got ${r.kind}: ${r.reason}`);
  return r.event;
}
function reason(r: NormalizeResult): string {
  if (r.kind === 'event') throw new Error('expected no event');
  return r.reason;
}

/** A valid 5710 line; `patch` edits the parsed object. */
function wazuhLine(
  patch: (o: Record<string, unknown>, rule: Record<string, unknown>, data: Record<string, unknown>) => void = () => {},
): string {
  const rule: Record<string, unknown> = {
    level: 5,
    description: 'sshd: Attempt to login using a non-existent user',
    id: '5710',
    mitre: { id: ['T1110.001'], tactic: ['Credential Access'], technique: ['Password Guessing'] },
    firedtimes: 1,
    mail: false,
    groups: ['syslog', 'sshd', 'authentication_failed', 'invalid_login'],
  };
  const data: Record<string, unknown> = { srcip: '203.0.113.45', srcport: '51234', srcuser: 'admin' };
  const o: Record<string, unknown> = {
    timestamp: '2026-11-21T10:00:01.234+0000',
    rule,
    agent: { id: '001', name: 'web-01', ip: '10.0.0.21' },
    manager: { name: 'wazuh-manager' },
    id: '1795255201.10452',
    full_log: 'Nov 21 10:00:01 web-01 sshd[2412]: Invalid user admin from 203.0.113.45 port 51234',
    decoder: { parent: 'sshd', name: 'sshd' },
    data,
    location: '/var/log/auth.log',
  };
  patch(o, rule, data);
  return JSON.stringify(o);
}

describe('normalizeWazuh golden fixtures', () => {
  const lines = fs.readFileSync(path.join(fixtures, 'alerts.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'alerts.expected.json'), 'utf8')) as Array<{
    kind: 'event';
    event: Omit<SecurityEvent, 'raw' | 'position'>;
  }>;
  const names = [
    'sshd 5710 authentication failure, level 5, mitre ids',
    'sshd 5712 brute force, level 10, T1110',
    'VirusTotal 87105, level 12, +0100 offset',
    'custom ransomware rule, level 15, dstuser/protocol/non-numeric srcport',
    'syscheck FIM 550, multi-line full_log',
    'manager (agent 000) event without agent ip',
  ];

  it('has one expectation per line', () => {
    expect(expected).toHaveLength(lines.length);
    expect(names).toHaveLength(lines.length);
  });

  for (let i = 0; i < names.length; i++) {
    it(names[i]!, () => {
      const line = lines[i]!;
      const position: SourcePosition = { file: 'alerts.json', line: i + 1, offset: 2000 * i };
      const got = normalizeWazuh(line, position);
      expect(got).toEqual({ kind: 'event', event: { ...expected[i]!.event, raw: line, position } });
      expect(event(got).raw).toBe(line);
      expect(normalizeLine('wazuh', line, position)).toEqual(got);
    });
  }
});

describe('Wazuh severity buckets', () => {
  it.each([
    [0, 'low'],
    [1, 'low'],
    [6, 'low'],
    [7, 'medium'],
    [11, 'medium'],
    [12, 'high'],
    [14, 'high'],
    [15, 'critical'],
    [16, 'critical'],
  ])('rule.level %i → %s', (level, want) => {
    expect(wazuhSeverity(level)).toBe(want);
    const e = event(normalizeWazuh(wazuhLine((_, r) => (r.level = level)), pos));
    expect(e.severity).toBe(want);
    expect(e.sev_raw).toBe(level);
  });
});

describe('Wazuh fields', () => {
  it('data ports are strings in the file and become numbers; non-numeric ones are ignored', () => {
    const e = event(normalizeWazuh(wazuhLine((_, __, d) => ((d.srcport = '22'), (d.dstport = 443))), pos));
    expect([e.src_port, e.dst_port]).toEqual([22, 443]);
    for (const bad of ['', 'ssh', '65536', '-1', '22.0', ' 22', '123456', 22.5, true, ['22'], {}]) {
      const r = event(normalizeWazuh(wazuhLine((_, __, d) => (d.srcport = bad)), pos));
      expect(r.src_port, JSON.stringify(bad)).toBeNull();
    }
    expect(event(normalizeWazuh(wazuhLine((_, __, d) => (d.srcport = '0')), pos)).src_port).toBe(0);
    expect(event(normalizeWazuh(wazuhLine((_, __, d) => (d.srcport = '65535')), pos)).src_port).toBe(65535);
  });

  it('data fields of unexpected types are ignored, not quarantined', () => {
    const e = event(normalizeWazuh(wazuhLine((_, __, d) => ((d.srcip = 1), (d.dstip = ['x']), (d.srcuser = {}), (d.protocol = []))), pos));
    expect([e.src_ip, e.dst_ip, e.user, e.proto]).toEqual([null, null, null, null]);
    const noData = event(normalizeWazuh(wazuhLine((o) => (o.data = 'x')), pos));
    expect([noData.src_ip, noData.src_port, noData.user]).toEqual([null, null, null]);
  });

  it('user: srcuser, then dstuser, then user', () => {
    const u = (d: Record<string, unknown>) => event(normalizeWazuh(wazuhLine((_, __, data) => {
      delete data.srcuser;
      Object.assign(data, d);
    }), pos)).user;
    expect(u({ srcuser: 'a', dstuser: 'b', user: 'c' })).toBe('a');
    expect(u({ dstuser: 'b', user: 'c' })).toBe('b');
    expect(u({ user: 'c' })).toBe('c');
    expect(u({})).toBeNull();
  });

  it('protocol is upper-cased', () => {
    expect(event(normalizeWazuh(wazuhLine((_, __, d) => (d.protocol = 'udp')), pos)).proto).toBe('UDP');
  });

  it('mitre ids are validated and deduplicated; missing mitre gives []', () => {
    const e = event(normalizeWazuh(wazuhLine((_, r) => (r.mitre = { id: ['T1110', 'T1110', 'bogus', 'T1110.1', 5, 'T1021.004'] })), pos));
    expect(e.technique_ids).toEqual(['T1110', 'T1021.004']);
    expect(event(normalizeWazuh(wazuhLine((_, r) => delete r.mitre), pos)).technique_ids).toEqual([]);
    expect(event(normalizeWazuh(wazuhLine((_, r) => (r.mitre = 'T1110')), pos)).technique_ids).toEqual([]);
  });

  it('groups: category keeps the original text, groups are lower-cased and unique', () => {
    const e = event(normalizeWazuh(wazuhLine((_, r) => (r.groups = ['Web', 'attack', 'ATTACK', '', 3])), pos));
    expect(e.category).toBe('Web,attack,ATTACK');
    expect(e.groups).toEqual(['web', 'attack']);
    const none = event(normalizeWazuh(wazuhLine((_, r) => delete r.groups), pos));
    expect([none.category, none.groups]).toEqual([null, []]);
  });

  it('a numeric rule.id is accepted; a missing one gives null and a fallback title', () => {
    expect(event(normalizeWazuh(wazuhLine((_, r) => (r.id = 5710)), pos)).rule_id).toBe('5710');
    const e = event(normalizeWazuh(wazuhLine((_, r) => ((r.id = undefined), (r.description = undefined))), pos));
    expect([e.rule_id, e.title]).toEqual([null, 'Wazuh alert level 5']);
    const f = event(normalizeWazuh(wazuhLine((_, r) => (r.description = undefined)), pos));
    expect(f.title).toBe('Wazuh rule 5710');
  });

  it('a missing or empty agent gives null; missing full_log/location give null', () => {
    const e = event(normalizeWazuh(wazuhLine((o) => ((o.agent = undefined), (o.full_log = undefined), (o.location = undefined))), pos));
    expect([e.agent, e.full_log, e.location]).toEqual([null, null, null]);
    expect(event(normalizeWazuh(wazuhLine((o) => (o.agent = {})), pos)).agent).toBeNull();
  });

  it.each([
    ['2026-11-21T10:00:01.234+0000', '2026-11-21T10:00:01.234Z'],
    ['2026-11-21T11:00:01.234+0100', '2026-11-21T10:00:01.234Z'],
    ['2026-11-21T04:30:01.234-0530', '2026-11-21T10:00:01.234Z'],
    ['2026-11-21T10:00:01Z', '2026-11-21T10:00:01.000Z'],
  ])('timestamp %s → %s', (ts, want) => {
    expect(event(normalizeWazuh(wazuhLine((o) => (o.timestamp = ts)), pos)).ts).toBe(want);
  });

  it('a timestamp without a UTC offset is quarantined saying so, and read in the source\'s zone when it has one', () => {
    const line = wazuhLine((o) => (o.timestamp = '2026-07-01T12:00:00.123'));
    expect(normalizeWazuh(line, pos)).toMatchObject({ kind: 'quarantined', reason: expect.stringMatching(/^no UTC offset in timestamp "2026-07-01T12:00:00.123"/) });
    expect(event(normalizeWazuh(line, pos, { zone: TimeZone.of('Europe/Berlin') })).ts).toBe('2026-07-01T10:00:00.123Z');
  });

  it('the Suricata-only fields are null', () => {
    const e = event(normalizeWazuh(wazuhLine(), pos));
    expect([e.flow_id, e.community_id, e.action]).toEqual([null, null, null]);
    expect(e.source).toBe('wazuh');
  });
});

describe('Wazuh quarantine', () => {
  const cases: Array<[string, string, string]> = [
    ['truncated line', wazuhLine().slice(0, 120), 'invalid JSON: '],
    ['garbage', 'Nov 21 10:00:01 web-01 sshd[2412]: Invalid user', 'invalid JSON: '],
    ['an array', '[]', 'not a JSON object'],
    ['no timestamp', wazuhLine((o) => delete o.timestamp), 'missing timestamp'],
    ['epoch timestamp', wazuhLine((o) => (o.timestamp = 1763719201)), 'timestamp is not a string'],
    ['syslog timestamp', wazuhLine((o) => (o.timestamp = 'Nov 21 10:00:01')), 'invalid timestamp "Nov 21 10:00:01"'],
    ['no rule', wazuhLine((o) => delete o.rule), 'missing rule object'],
    ['rule a string', wazuhLine((o) => (o.rule = '5710')), 'rule is not an object'],
    ['no level', wazuhLine((_, r) => delete r.level), 'missing rule.level'],
    ['level a string', wazuhLine((_, r) => (r.level = '5')), 'rule.level is not a number'],
    ['level negative', wazuhLine((_, r) => (r.level = -1)), 'rule.level out of range'],
    ['level fractional', wazuhLine((_, r) => (r.level = 5.5)), 'rule.level out of range'],
    ['rule.id an object', wazuhLine((_, r) => (r.id = {})), 'rule.id is not a string'],
    ['description a number', wazuhLine((_, r) => (r.description = 1)), 'rule.description is not a string'],
    ['groups a string', wazuhLine((_, r) => (r.groups = 'sshd')), 'rule.groups is not an array'],
    ['agent a string', wazuhLine((o) => (o.agent = '001')), 'agent is not an object'],
    ['agent.id a number', wazuhLine((o) => (o.agent = { id: 1 })), 'agent.id is not a string'],
    ['full_log an object', wazuhLine((o) => (o.full_log = {})), 'full_log is not a string'],
    ['location a number', wazuhLine((o) => (o.location = 1)), 'location is not a string'],
  ];
  it.each(cases)('%s', (_name, line, want) => {
    const r = normalizeWazuh(line, pos);
    expect(r.kind).toBe('quarantined');
    if (want.endsWith(': ')) expect(reason(r).startsWith(want)).toBe(true);
    else expect(reason(r)).toBe(want);
  });

  it('blank lines are skipped', () => {
    expect(normalizeWazuh('   ', pos)).toEqual({ kind: 'skipped', reason: 'blank line' });
  });
});

/** An object with `value` at a dotted path. */
function nested(path: string, value: unknown, into: Record<string, unknown> = {}): Record<string, unknown> {
  const keys = path.split('.');
  let o = into;
  for (const k of keys.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
  o[keys[keys.length - 1]!] = value;
  return into;
}

describe('Wazuh decoder field table (real decoder shapes)', () => {
  const lines = fs.readFileSync(path.join(fixtures, 'decoders.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  type Want = { src: [string | null, number | null]; dst: [string | null, number | null]; user: string | null; agent: string | null };
  const want: Array<[string, Want]> = [
    ['sshd 5712 (wazuh/wazuh test alert)', { src: ['172.17.1.1', 56404], dst: [null, null], user: 'paco', agent: 'localhost.localdomain' }],
    ['Windows 4625 eventchannel: ipAddress ::ffff:-mapped, ipPort, targetUserName', { src: ['192.168.80.13', 50412], dst: [null, null], user: 'Bluecheap', agent: 'DESKTOP-RL1K13Q' }],
    ['AWS CloudTrail: sourceIPAddress wins over the module\'s source_ip_address', { src: ['14.71.171.162', null], dst: [null, null], user: 'some.user', agent: 'wazuh-manager' }],
    ['Office 365: ClientIP as ip:port', { src: ['203.0.113.44', 51238], dst: [null, null], user: 'wazuh@wazuh.com', agent: 'wazuh-manager' }],
    ['Office 365 with sanitized addresses: no address, the user is still read', { src: [null, null], dst: [null, null], user: 'wazuh@wazuh.com', agent: 'wazuh-manager' }],
    ['Barracuda WAF: client and server', { src: ['20.88.228.79', 61507], dst: ['10.9.0.4', 443], user: null, agent: 'wazuh-manager' }],
    ['FIM with who-data: the user who changed the file', { src: [null, null], dst: [null, null], user: 'deploy', agent: 'db-01' }],
    ['Suricata EVE through the JSON decoder: src_ip/dest_ip', { src: ['198.51.100.20', 41022], dst: ['10.0.0.22', 22], user: null, agent: 'ids-01' }],
    ['VirusTotal: no address in the stock integration, the host is the agent', { src: [null, null], dst: [null, null], user: null, agent: 'ws-alice' }],
    ['unknown decoder: a host name in srcip is not an address; raw kept', { src: [null, null], dst: [null, null], user: null, agent: 'gw-01' }],
  ];

  it('has one expectation per fixture line', () => {
    expect(lines).toHaveLength(want.length);
  });

  for (let i = 0; i < want.length; i++) {
    const [name, w] = want[i]!;
    it(name, () => {
      const e = event(normalizeWazuh(lines[i]!, pos));
      expect({ src: [e.src_ip, e.src_port], dst: [e.dst_ip, e.dst_port], user: e.user, agent: e.agent?.name ?? null }).toEqual(w);
      expect(e.raw).toBe(lines[i]);
      expect(e.sensor).toBeNull();
    });
  }

  it('every row of the table is read (address rows with their port, user rows)', () => {
    for (const [rows, side] of [[WAZUH_SRC_FIELDS, 'src'], [WAZUH_DST_FIELDS, 'dst']] as const) {
      for (const row of rows) {
        const o = nested(row.ip, '198.51.100.7');
        if (row.port) nested(row.port, '8443', o);
        const f = wazuhFields(o);
        expect(side === 'src' ? [f.src_ip, f.src_port] : [f.dst_ip, f.dst_port], row.ip).toEqual(['198.51.100.7', row.port ? 8443 : null]);
      }
    }
    for (const row of WAZUH_USER_FIELDS) expect(wazuhFields(nested(row.path, 'CORP\\svc-backup')).user, row.path).toBe('CORP\\svc-backup');
  });

  it('first match wins; a value that is not an address falls through to the next row', () => {
    const o = nested('data.win.eventdata.ipAddress', '203.0.113.9', nested('data.srcip', '198.51.100.1'));
    expect(wazuhFields(o).src_ip).toBe('198.51.100.1');
    nested('data.srcip', 'attacker.example.org', o);
    expect(wazuhFields(o).src_ip).toBe('203.0.113.9');
    nested('data.win.eventdata.ipAddress', '-', o);
    expect(wazuhFields(o).src_ip).toBeNull();
  });

  it('a port is taken from the row of its address, not from another decoder', () => {
    const o = nested('data.srcport', '22', nested('data.win.eventdata.ipAddress', '203.0.113.9', nested('data.win.eventdata.ipPort', '-')));
    expect([wazuhFields(o).src_ip, wazuhFields(o).src_port]).toEqual(['203.0.113.9', null]);
  });

  it('users: "-" and empty strings are no user', () => {
    const o = nested('data.win.eventdata.targetUserName', '-', nested('data.win.eventdata.subjectUserName', 'WIN-DC01$'));
    expect(wazuhFields(o).user).toBe('WIN-DC01$');
    expect(wazuhFields(nested('data.srcuser', '')).user).toBeNull();
  });

  it.each([
    ['10.0.0.5', { ip: '10.0.0.5', port: null }],
    ['2001:db8::1', { ip: '2001:db8::1', port: null }],
    ['::ffff:10.0.0.5', { ip: '10.0.0.5', port: null }],
    ['::FFFF:10.0.0.5', { ip: '10.0.0.5', port: null }],
    ['198.51.100.4:51238', { ip: '198.51.100.4', port: 51238 }],
    ['[2001:db8::7]:443', { ip: '2001:db8::7', port: 443 }],
    ['[2001:db8::7]', null],
    ['999.1.1.1', null],
    ['1.2.3.4:99999', { ip: '1.2.3.4', port: null }],
    ['localhost', null],
    ['-', null],
    ['', null],
    [1234, null],
    [null, null],
  ])('addressOf(%j)', (v, want) => {
    expect(addressOf(v)).toEqual(want);
  });
});
