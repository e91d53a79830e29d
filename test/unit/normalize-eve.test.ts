import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TimeZone, eveSeverity, normalizeEve, normalizeLine } from '../../main/pipeline/normalize/index.js';
import { MAX_LINE_BYTES, type NormalizeResult, type SecurityEvent, type SourcePosition } from '../../main/pipeline/types.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'eve');
const pos: SourcePosition = { file: '/var/log/suricata/eve.json', line: 1, offset: 0 };

function event(r: NormalizeResult): SecurityEvent {
  if (r.kind !== 'event') throw new Error(`expected an event, got ${r.kind}: ${r.reason}`);
  return r.event;
}
function reason(r: NormalizeResult): string {
  if (r.kind === 'event') throw new Error('expected no event');
  return r.reason;
}

/** A valid alert line; `patch` edits the parsed object (undefined values delete the key). */
function alertLine(patch: (o: Record<string, unknown>, alert: Record<string, unknown>) => void = () => {}): string {
  const alert: Record<string, unknown> = {
    action: 'allowed',
    gid: 1,
    signature_id: 2001219,
    rev: 20,
    signature: 'ET SCAN Potential SSH Scan',
    category: 'Attempted Information Leak',
    severity: 2,
  };
  const o: Record<string, unknown> = {
    timestamp: '2026-11-21T10:00:00.123456+0100',
    flow_id: 1,
    in_iface: 'eth0',
    event_type: 'alert',
    src_ip: '203.0.113.45',
    src_port: 54321,
    dest_ip: '192.168.1.10',
    dest_port: 22,
    proto: 'TCP',
    alert,
  };
  patch(o, alert);
  return JSON.stringify(o);
}

describe('normalizeEve golden fixtures', () => {
  const lines = fs.readFileSync(path.join(fixtures, 'alerts.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
  const expected = JSON.parse(fs.readFileSync(path.join(fixtures, 'alerts.expected.json'), 'utf8')) as Array<
    { kind: 'event'; event: Omit<SecurityEvent, 'raw' | 'position'> } | { kind: 'skipped' | 'quarantined'; reason: string }
  >;
  const names = [
    'ET SCAN alert (+0100, 6-digit fraction, 64-bit flow_id, community_id)',
    'ET POLICY SSH alert with ATT&CK metadata',
    'SSH brute force, blocked, priority 1',
    'dns event is skipped',
    'flow event is skipped',
    'ICMP alert without ports (-0530, host as agent)',
    'IPv6 alert (Z, no gid, no agent, flow_id 2^64-1)',
    'edge: gid 3, priority 5, empty category, ports 0 and 65535, lower-case proto, +01:00',
  ];

  it('has one expectation per line', () => {
    expect(expected).toHaveLength(lines.length);
    expect(names).toHaveLength(lines.length);
  });

  for (let i = 0; i < names.length; i++) {
    it(names[i]!, () => {
      const line = lines[i]!;
      const position: SourcePosition = { file: 'eve.json', line: i + 1, offset: 1000 * i };
      const want = expected[i]!;
      const got = normalizeEve(line, position);
      if (want.kind === 'event') {
        expect(got).toEqual({ kind: 'event', event: { ...want.event, raw: line, position }, record: expect.objectContaining({ type: 'alert', raw: line }) });
        expect(event(got).raw).toBe(line);
        expect(event(got).position).toBe(position);
      } else if (want.kind === 'skipped') {
        expect(got).toMatchObject(want);
        expect(got.kind === 'skipped' && got.record?.raw).toBe(line);
      } else {
        expect(got).toEqual(want);
      }
      expect(normalizeLine('eve', line, position)).toEqual(got);
    });
  }
});

describe('EVE severity', () => {
  it('maps priority 1..255 (1 highest) with no critical', () => {
    expect([1, 2, 3, 4, 5, 255].map(eveSeverity)).toEqual(['high', 'medium', 'low', 'info', 'info', 'info']);
  });
  it.each([
    [1, 'high'],
    [2, 'medium'],
    [3, 'low'],
    [4, 'info'],
    [255, 'info'],
  ])('alert.severity %i → %s', (sev, want) => {
    const e = event(normalizeEve(alertLine((_, a) => (a.severity = sev)), pos));
    expect(e.severity).toBe(want);
    expect(e.sev_raw).toBe(sev);
  });
});

describe('EVE pitfalls', () => {
  it.each(['1234567890123456789', '18446744073709551615', '9007199254740993', '0', '42'])('flow_id %s is kept exact', (id) => {
    const line = alertLine().replace('"flow_id":1', `"flow_id":${id}`);
    expect(event(normalizeEve(line, pos)).flow_id).toBe(id);
  });

  it('flow_id with spaces around the colon, and as the first key', () => {
    const a = alertLine().replace('"flow_id":1', '"flow_id" : 1234567890123456789 ');
    expect(event(normalizeEve(a, pos)).flow_id).toBe('1234567890123456789');
    const b = alertLine().replace('{"timestamp"', '{"flow_id":18446744073709551615,"timestamp"').replace(',"flow_id":1,', ',');
    expect(event(normalizeEve(b, pos)).flow_id).toBe('18446744073709551615');
  });

  it('"flow_id":<digits> inside a string value is not touched', () => {
    const line = alertLine((_, a) => (a.signature = 'ET TEST ,"flow_id":12345678901234567890 in payload'));
    const e = event(normalizeEve(line, pos));
    expect(e.title).toBe('ET TEST ,"flow_id":12345678901234567890 in payload');
    expect(e.flow_id).toBe('1');
  });

  it('a missing flow_id gives null; bad ones are quarantined', () => {
    expect(event(normalizeEve(alertLine((o) => delete o.flow_id), pos)).flow_id).toBeNull();
    for (const bad of ['18446744073709551616', '-1', '1.5', '1e30', '"abc"', 'true', '[]']) {
      const line = alertLine().replace('"flow_id":1', `"flow_id":${bad}`);
      expect(reason(normalizeEve(line, pos)), bad).toBe('flow_id is not an unsigned 64-bit integer');
    }
  });

  it.each([
    ['2026-11-21T10:00:00.123456+0100', '2026-11-21T09:00:00.123Z'],
    ['2026-11-21T10:00:00.123456-0530', '2026-11-21T15:30:00.123Z'],
    ['2026-11-21T10:00:00.123456Z', '2026-11-21T10:00:00.123Z'],
    ['2026-11-21T10:00:00+0000', '2026-11-21T10:00:00.000Z'],
  ])('timestamp %s → %s', (ts, want) => {
    expect(event(normalizeEve(alertLine((o) => (o.timestamp = ts)), pos)).ts).toBe(want);
  });

  it('a timestamp without a UTC offset is quarantined saying so, and read in the source\'s zone when it has one', () => {
    const line = alertLine((o) => (o.timestamp = '2019-01-02T03:50:10.576769'));
    expect(normalizeEve(line, pos)).toEqual({
      kind: 'quarantined',
      reason: 'no UTC offset in timestamp "2019-01-02T03:50:10.576769" (set a time zone for the source)',
    });
    expect(event(normalizeEve(line, pos, { zone: TimeZone.of('Europe/Paris') })).ts).toBe('2019-01-02T02:50:10.576Z');
    expect(event(normalizeLine('eve', line, pos, { zone: TimeZone.of('America/New_York') })).ts).toBe('2019-01-02T08:50:10.576Z');
  });

  it('an alert with only the required fields', () => {
    const line = JSON.stringify({
      timestamp: '2026-11-21T10:00:00Z',
      event_type: 'alert',
      alert: { signature_id: 9, severity: 3 },
    });
    expect(normalizeEve(line, pos)).toEqual({
      record: expect.objectContaining({ type: 'alert' }),
      kind: 'event',
      event: {
        source: 'suricata',
        ts: '2026-11-21T10:00:00.000Z',
        severity: 'low',
        sev_raw: 3,
        rule_id: '1:9',
        title: 'Suricata signature 1:9',
        category: null,
        src_ip: null,
        src_port: null,
        dst_ip: null,
        dst_port: null,
        proto: null,
        agent: null,
        user: null,
        sensor: null,
        technique_ids: [],
        flow_id: null,
        community_id: null,
        action: null,
        groups: [],
        full_log: null,
        location: null,
        raw: line,
        position: pos,
      },
    });
  });

  it('host is the sensor; a network sensor is never a host agent, and in_iface is not a sensor name', () => {
    const e = event(normalizeEve(alertLine((o) => (o.host = 'sensor-9')), pos));
    expect([e.sensor, e.agent]).toEqual(['sensor-9', null]);
    const noHost = event(normalizeEve(alertLine(), pos));
    expect([noHost.sensor, noHost.agent]).toEqual([null, null]);
    expect(event(normalizeEve(alertLine((o) => (o.host = '')), pos)).sensor).toBeNull();
  });

  it('metadata: tags lower-cased and deduplicated, dates and ids left out, techniques validated', () => {
    const line = alertLine((_, a) => {
      a.metadata = {
        created_at: ['2010_07_30'],
        mitre_technique_id: ['T1046', 'T1046', 'T1595.002', 'T123', 'x'],
        mitre_tactic_id: ['TA0043'],
        tag: ['Scan', 'SCAN', '', 7, null],
        deployment: 'Perimeter',
        nested: [['Deep']],
      };
    });
    const e = event(normalizeEve(line, pos));
    expect(e.technique_ids).toEqual(['T1046', 'T1595.002']);
    expect(e.groups).toEqual(['scan', 'perimeter']);
  });

  it('metadata that is not an object is ignored', () => {
    expect(event(normalizeEve(alertLine((_, a) => (a.metadata = ['x'])), pos)).groups).toEqual([]);
  });

  it('proto is upper-cased; a numeric proto becomes its decimal string', () => {
    expect(event(normalizeEve(alertLine((o) => (o.proto = 'ipv6-icmp')), pos)).proto).toBe('IPV6-ICMP');
    expect(event(normalizeEve(alertLine((o) => (o.proto = 47)), pos)).proto).toBe('47');
  });

  it('a BOM before the first line and a trailing CR are tolerated; raw stays exact', () => {
    const line = `\uFEFF${alertLine()}\r`;
    const e = event(normalizeEve(line, pos));
    expect(e.raw).toBe(line);
  });

  it.each(['dns', 'flow', 'http', 'tls', 'fileinfo', 'stats', 'anomaly', 'netflow', 'drop'])('event_type %s is no alert, and is kept as a record', (type) => {
    const line = alertLine((o) => {
      o.event_type = type;
      delete o.alert;
    });
    expect(normalizeEve(line, pos)).toMatchObject({ kind: 'skipped', reason: `event_type ${type}`, record_type: type, record: { type, raw: line, flow_id: '1' } });
  });

  it('a non-alert type outside Suricata naming is counted and stored as "other" (junk cannot grow the per-type counts)', () => {
    const line = JSON.stringify({ timestamp: '2026-11-21T10:00:00Z', event_type: 'drop table; --' });
    expect(normalizeEve(line, pos)).toMatchObject({ kind: 'skipped', reason: 'event_type drop table; --', record_type: 'other', record: { type: 'other', raw: line } });
  });

  it('non-alert records are read whole even when pretty-printed or oddly ordered', () => {
    const line = JSON.stringify({ event_type: 'dns', timestamp: '2026-11-21T10:00:00Z' }, null, 1).replace(/\n/g, ' ');
    expect(normalizeEve(line, pos)).toMatchObject({ kind: 'skipped', reason: 'event_type dns', record_type: 'dns', record: { ts: Date.parse('2026-11-21T10:00:00Z') } });
  });

  it('a non-alert record with no readable time is quarantined (it would have no place in the record store), never dropped', () => {
    const line = JSON.stringify({ event_type: 'dns', timestamp: 'not a time' });
    expect(normalizeEve(line, pos)).toEqual({ kind: 'quarantined', reason: 'invalid timestamp "not a time"' });
  });

  it('a non-alert record keeps its record even when a field has the wrong type (left out; the raw line keeps it)', () => {
    const line = JSON.stringify({ timestamp: '2026-11-21T10:00:00Z', event_type: 'flow', flow_id: 'x', src_port: 'http', dns: 5 });
    expect(normalizeEve(line, pos)).toMatchObject({ kind: 'skipped', record: { flow_id: null, src_port: null, type: 'flow' } });
  });

  it('blank lines are skipped, not quarantined', () => {
    for (const l of ['', ' ', '\t', '\r', '  \t \r', '\uFEFF']) expect(normalizeEve(l, pos)).toEqual({ kind: 'skipped', reason: 'blank line' });
  });
});

describe('EVE quarantine', () => {
  const cases: Array<[string, string, string]> = [
    ['truncated line', alertLine().slice(0, 80), 'invalid JSON: '],
    ['binary garbage', '\u0000\u0001\u0002\u00ff\ufffd', 'invalid JSON: '],
    ['NUL inside the object', alertLine().replace('"proto"', '\u0000"proto"'), 'invalid JSON: '],
    ['not an object', '[1,2,3]', 'not a JSON object'],
    ['a JSON string', '"alert"', 'not a JSON object'],
    ['null', 'null', 'not a JSON object'],
    ['no event_type', alertLine((o) => delete o.event_type), 'missing event_type'],
    ['empty event_type', alertLine((o) => (o.event_type = '')), 'missing event_type'],
    ['event_type not a string', alertLine((o) => (o.event_type = 1)), 'event_type is not a string'],
    ['no timestamp', alertLine((o) => delete o.timestamp), 'missing timestamp'],
    ['timestamp not a string', alertLine((o) => (o.timestamp = 1763715600)), 'timestamp is not a string'],
    ['month 13', alertLine((o) => (o.timestamp = '2026-13-21T10:00:00.123456+0100')), 'invalid timestamp "2026-13-21T10:00:00.123456+0100"'],
    ['no alert object', alertLine((o) => delete o.alert), 'missing alert object'],
    ['alert not an object', alertLine((o) => (o.alert = 'x')), 'alert is not an object'],
    ['no signature_id', alertLine((_, a) => delete a.signature_id), 'missing alert.signature_id'],
    ['signature_id a string', alertLine((_, a) => (a.signature_id = '2001219')), 'alert.signature_id is not a number'],
    ['signature_id negative', alertLine((_, a) => (a.signature_id = -1)), 'alert.signature_id out of range'],
    ['no severity', alertLine((_, a) => delete a.severity), 'missing alert.severity'],
    ['severity a string', alertLine((_, a) => (a.severity = 'high')), 'alert.severity is not a number'],
    ['severity 0', alertLine((_, a) => (a.severity = 0)), 'alert.severity out of range'],
    ['severity 1.5', alertLine((_, a) => (a.severity = 1.5)), 'alert.severity out of range'],
    ['severity 256', alertLine((_, a) => (a.severity = 256)), 'alert.severity out of range'],
    ['gid a string', alertLine((_, a) => (a.gid = '1')), 'alert.gid is not a number'],
    ['signature an object', alertLine((_, a) => (a.signature = {})), 'alert.signature is not a string'],
    ['src_port 65536', alertLine((o) => (o.src_port = 65536)), 'src_port is not a port number'],
    ['src_port -1', alertLine((o) => (o.src_port = -1)), 'src_port is not a port number'],
    ['dest_port a string', alertLine((o) => (o.dest_port = '22')), 'dest_port is not a port number'],
    ['dest_port 22.5', alertLine((o) => (o.dest_port = 22.5)), 'dest_port is not a port number'],
    ['src_ip a number', alertLine((o) => (o.src_ip = 3405803776)), 'src_ip is not a string'],
    ['proto an array', alertLine((o) => (o.proto = ['TCP'])), 'proto is not a string'],
  ];
  it.each(cases)('%s', (_name, line, want) => {
    const r = normalizeEve(line, pos);
    expect(r.kind).toBe('quarantined');
    if (want.endsWith(': ')) expect(reason(r).startsWith(want)).toBe(true);
    else expect(reason(r)).toBe(want);
  });

  it('severity 1e999 (Infinity after JSON.parse) is out of range', () => {
    const line = alertLine().replace('"severity":2', '"severity":1e999');
    expect(reason(normalizeEve(line, pos))).toBe('alert.severity out of range');
  });

  it('invalid JSON reasons are short and printable', () => {
    const r = reason(normalizeEve(`{"a":"${'\u0001'.repeat(5000)}`, pos));
    expect(r.length).toBeLessThan(160);
    // eslint-disable-next-line no-control-regex
    expect(r).not.toMatch(/[\u0000-\u001f]/);
  });

  it('lines longer than MAX_LINE_BYTES are quarantined before parsing', () => {
    const big = alertLine((_, a) => (a.signature = 'x'.repeat(MAX_LINE_BYTES)));
    expect(normalizeEve(big, pos)).toEqual({ kind: 'quarantined', reason: 'line exceeds 1048576 bytes' });
  });

  it('the byte limit counts UTF-8 bytes, not UTF-16 units', () => {
    const big = alertLine((_, a) => (a.signature = '€'.repeat(Math.ceil(MAX_LINE_BYTES / 3))));
    expect(big.length).toBeLessThan(MAX_LINE_BYTES);
    expect(reason(normalizeEve(big, pos))).toBe('line exceeds 1048576 bytes');
    const ok = alertLine((_, a) => (a.signature = '€'.repeat(Math.floor(MAX_LINE_BYTES / 3) - 200)));
    expect(normalizeEve(ok, pos).kind).toBe('event');
  });

  it('normalizeLine rejects an unknown format without throwing', () => {
    expect(normalizeLine('syslog' as 'eve', alertLine(), pos)).toEqual({ kind: 'quarantined', reason: 'unsupported format "syslog"' });
  });
});
