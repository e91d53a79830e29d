import { describe, expect, it } from 'vitest';
import { ScanFinding, SpiderFootConfig } from '../../main/contract/connectors.js';
import { correlationToFinding, eventSeverity, eventToFinding, htmlUnescape, rowParsers, type SpiderFootEvent } from '../../main/connectors/spiderfoot/model.js';
import { ZoneClock } from '../../main/connectors/spiderfoot/time.js';

const utc = rowParsers(new ZoneClock(null));

describe('SpiderFoot dates (server local time, no zone)', () => {
  it('reads a wall time in the configured zone, with its DST rules', () => {
    const paris = new ZoneClock('Europe/Paris');
    expect(paris.parse('2026-12-04 20:07:31')).toEqual({ local: '2026-12-04 20:07:31', utc: '2026-12-04T19:07:31.000Z', zoneAssumed: false });
    expect(paris.parse('2026-07-04 20:07:31').utc).toBe('2026-07-04T18:07:31.000Z');
    // the repeated hour of the fall-back: the earlier instant (still summer time)
    expect(paris.parse('2026-10-25 02:30:00').utc).toBe('2026-10-25T00:30:00.000Z');
    // the skipped hour of the spring-forward: moved on by the gap (03:30 summer time)
    expect(paris.parse('2026-03-29 02:30:00').utc).toBe('2026-03-29T01:30:00.000Z');
    expect(new ZoneClock('America/New_York').parse('2026-12-04 15:07:31').utc).toBe('2026-12-04T20:07:31.000Z');
  });

  it('reads it as UTC without a zone, and says the zone was assumed', () => {
    expect(new ZoneClock(null).parse('2026-12-04 20:07:31')).toEqual({ local: '2026-12-04 20:07:31', utc: '2026-12-04T20:07:31.000Z', zoneAssumed: true });
  });

  it('treats "Not yet" and the epoch of a running scan (in any zone) as unset', () => {
    expect(new ZoneClock(null).parse('Not yet').utc).toBeNull();
    expect(new ZoneClock(null).parse('1970-01-01 00:00:00').utc).toBeNull();
    expect(new ZoneClock('Europe/Paris').parse('1970-01-01 01:00:00').utc).toBeNull();
    expect(new ZoneClock('America/Los_Angeles').parse('1969-12-31 16:00:00').utc).toBeNull();
    expect(new ZoneClock('Asia/Tokyo').parse('1970-01-01 09:00:00').utc).toBeNull();
    // no zone configured for a server far east: its epoch still reads as unset
    expect(new ZoneClock(null).parse('1970-01-01 14:00:00').utc).toBeNull();
  });

  it('refuses what is not a date', () => {
    expect(() => new ZoneClock(null).parse('04/12/2026 20:07')).toThrow(/not a SpiderFoot date/);
    expect(() => new ZoneClock(null).parse('2026-02-30 10:00:00')).toThrow(/not a valid date/);
  });

  it('formats an instant as the server would write it', () => {
    expect(new ZoneClock('Europe/Paris').format(Date.parse('2026-12-04T19:07:31Z'))).toBe('2026-12-04 20:07:31');
    expect(new ZoneClock(null).format(0)).toBe('1970-01-01 00:00:00');
  });

  it('configuration: an IANA zone name or null', () => {
    const base = { kind: 'spiderfoot', id: 'sf', name: 'SpiderFoot', url: 'http://127.0.0.1:5001' };
    expect(SpiderFootConfig.parse(base)).toMatchObject({ serverTimeZone: null, username: null, requestsPerMinute: 600 });
    expect(SpiderFootConfig.parse({ ...base, serverTimeZone: 'Europe/Paris' }).serverTimeZone).toBe('Europe/Paris');
    expect(SpiderFootConfig.safeParse({ ...base, serverTimeZone: 'Mars/Olympus' }).error?.issues[0]?.message).toMatch(/not a time zone name/);
  });
});

describe('SpiderFoot rows (positional arrays)', () => {
  it('names the positions of a scanlist row (the recorded one: started before created)', () => {
    const r = utc.scan(['E73E6315', 'vigil-t1', '127.0.0.1', '2026-12-04 20:04:54', '2026-12-04 20:04:53', '2026-12-04 20:05:12', 'FINISHED', 2, { HIGH: 0, MEDIUM: 1, LOW: 0, INFO: 3 }]);
    expect(r).toEqual({
      ok: true,
      value: {
        id: 'E73E6315',
        name: 'vigil-t1',
        target: '127.0.0.1',
        created: { local: '2026-12-04 20:04:54', utc: '2026-12-04T20:04:54.000Z', zoneAssumed: true },
        started: { local: '2026-12-04 20:04:53', utc: '2026-12-04T20:04:53.000Z', zoneAssumed: true },
        finished: { local: '2026-12-04 20:05:12', utc: '2026-12-04T20:05:12.000Z', zoneAssumed: true },
        status: 'FINISHED',
        eventCount: 2,
        risk: { high: 0, medium: 1, low: 0, info: 3 },
      },
    });
  });

  it('reads a running scan’s status: the epoch end time is no end time', () => {
    const r = utc.status(['vigil-rec', '127.0.0.1', '2026-12-04 20:07:31', '2026-12-04 20:07:31', '1970-01-01 00:00:00', 'RUNNING', { HIGH: 0, MEDIUM: 0, LOW: 0, INFO: 0 }]);
    expect(r.ok && r.value).toMatchObject({ status: 'RUNNING', finished: { utc: null, local: '1970-01-01 00:00:00' } });
  });

  it('reads an event row, unescaping data for display and keeping it raw', () => {
    const r = utc.event(['2026-12-04 20:07:48', '&lt;b&gt;Tom &amp; Jerry&#x27;s &quot;site&quot;&lt;/b&gt; &amp;lt;', '127.0.0.1', 'sfp_x', 100, 90, 40, 'h'.repeat(64), 0, 1, 'RAW_RIR_DATA']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value).toMatchObject({
      data: '<b>Tom & Jerry\'s "site"</b> &lt;',
      dataRaw: '&lt;b&gt;Tom &amp; Jerry&#x27;s &quot;site&quot;&lt;/b&gt; &amp;lt;',
      confidence: 100,
      visibility: 90,
      risk: 40,
      falsePositive: false,
      parentFalsePositive: true,
      eventType: 'RAW_RIR_DATA',
    });
  });

  it('says why a row does not fit', () => {
    expect(utc.event(['2026-12-04 20:07:48', 'x', 'y', 'm', 100, 100, 101, 'h', 0, 0, 'T'])).toMatchObject({ ok: false, reason: expect.stringMatching(/position 6/) });
    expect(utc.scan(['id', 'n'])).toMatchObject({ ok: false });
    expect(utc.scan(['id', 'n', 't', 'yesterday', 'Not yet', 'Not yet', 'RUNNING', 0, {}])).toMatchObject({ ok: false, reason: expect.stringMatching(/not a SpiderFoot date/) });
  });

  it('unescapes only once', () => {
    expect(htmlUnescape('&amp;amp; &#60; &#x3e; &bogus;')).toBe('&amp; < > &bogus;');
  });
});

describe('SpiderFoot findings', () => {
  const event = (over: Partial<SpiderFootEvent>): SpiderFootEvent => ({
    lastSeen: { local: '2026-12-04 20:07:48', utc: '2026-12-04T20:07:48.000Z', zoneAssumed: true },
    data: '127.0.0.1:8888',
    dataRaw: '127.0.0.1:8888',
    sourceData: '127.0.0.1',
    sourceDataRaw: '127.0.0.1',
    module: 'sfp_portscan_tcp',
    confidence: 100,
    visibility: 100,
    risk: 0,
    hash: 'cd3b6086b73aae1817af2f41d11587f93762cb0e45ae0fdeaecd5a11d1a9c64c',
    falsePositive: false,
    parentFalsePositive: false,
    eventType: 'TCP_PORT_OPEN',
    ...over,
  });

  it('maps an open port to a host:port finding keyed by scan and event hash', () => {
    const f = eventToFinding('122D9153', event({}), new Map([['TCP_PORT_OPEN', 'Open TCP Port']]))!;
    expect(ScanFinding.parse(f)).toEqual(f);
    expect(f).toMatchObject({
      source: 'spiderfoot',
      key: 'spiderfoot:122D9153:cd3b6086b73aae1817af2f41d11587f93762cb0e45ae0fdeaecd5a11d1a9c64c',
      ruleId: 'TCP_PORT_OPEN',
      title: 'Open TCP Port: 127.0.0.1:8888',
      severity: 'info',
      severityRaw: '0',
      confidence: null,
      confidenceScore: 100,
      asset: { host: '127.0.0.1', port: 8888, protocol: 'tcp', url: null },
      evidence: '127.0.0.1:8888',
      observedAt: '2026-12-04T20:07:48.000Z',
    });
  });

  it('leaves out the ROOT event, marks false positives, reads hosts, URLs and CVEs', () => {
    expect(eventToFinding('S', event({ eventType: 'ROOT', hash: 'ROOT' }))).toBeNull();
    expect(eventToFinding('S', event({ parentFalsePositive: true }))!.confidence).toBe('false_positive');
    expect(eventToFinding('S', event({ eventType: 'IP_ADDRESS', data: '10.1.2.3' }))!.asset.host).toBe('10.1.2.3');
    expect(eventToFinding('S', event({ eventType: 'LINKED_URL_INTERNAL', data: 'https://a.example/x' }))!.asset).toMatchObject({ url: 'https://a.example/x', host: 'a.example' });
    expect(eventToFinding('S', event({ eventType: 'VULNERABILITY_CVE_HIGH', data: 'cve-2021-44228', risk: 80 }))).toMatchObject({ cves: ['CVE-2021-44228'], severity: 'high' });
  });

  it('event risk 0-100 → severity (Vigil’s policy), correlation risk per reference §8', () => {
    expect([0, 1, 33, 34, 66, 67, 100].map(eventSeverity)).toEqual(['info', 'low', 'low', 'medium', 'medium', 'high', 'high']);
    const c = { id: 'c1', title: 'Host has a blacklisted IP', ruleId: 'blacklisted_ip', ruleRisk: 'HIGH', ruleName: 'Blacklisted IP', ruleDescription: 'An IP is blacklisted.', ruleLogic: '{}', eventCount: 2 };
    expect(correlationToFinding('S', c)).toMatchObject({ severity: 'high', severityRaw: 'HIGH', key: 'spiderfoot:S:correlation:c1', ruleId: 'blacklisted_ip' });
    expect(['INFO', 'LOW', 'MEDIUM'].map((ruleRisk) => correlationToFinding('S', { ...c, ruleRisk }).severity)).toEqual(['info', 'low', 'medium']);
    expect(() => correlationToFinding('S', { ...c, ruleRisk: 'SEVERE' })).toThrow(/unknown risk/);
  });
});
