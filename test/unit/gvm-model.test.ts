import { describe, expect, it } from 'vitest';
import { GmpResultSchema, parsePort, parseResult, parseTags, parseTask, taskState, type GmpResult } from '../../main/connectors/gvm/model.js';
import { consoleSeverity, severityBucket } from '../../main/connectors/gvm/severity.js';
import { child, children, type XNode } from '../../main/connectors/gvm/xml.js';
import { replyTree } from '../simulators/gvm/parse.js';
import { exchange, loadProtocolExamples, loadRecording } from '../simulators/gvm/recorded.js';

const unix = loadRecording('unix');
const tls = loadRecording('tls');
const examples = loadProtocolExamples();

function task(xml: string) {
  return parseTask(child(replyTree(xml), 'task')!);
}

/** Results of a get_reports reply, read only under the nested report (the quirk). */
function reportResults(xml: string): XNode[] {
  return children(child(child(child(replyTree(xml), 'report'), 'report'), 'results'), 'result');
}

function ok(r: ReturnType<typeof parseResult>): GmpResult {
  if (!r.ok) throw new Error(`not a result: ${r.reason}`);
  return r.result;
}

/** A result as gvmd 22.x writes it with a synced feed (tags, refs, severities, solution). */
const RICH_RESULT = `<result id="ae4c1f79-5b0e-4bd4-8f6b-1f3c9f1f0a11"><name>OpenSSH Information Disclosure Vulnerability (CVE-2016-20012)</name><owner><name>admin</name></owner><modification_time>2024-03-01T10:00:00Z</modification_time><comment></comment><creation_time>2024-03-01T09:58:00Z</creation_time><host>192.168.56.10<asset asset_id="5e1d4f0a-0000-4000-8000-000000000001"/><hostname>web01.lab</hostname></host><port>22/tcp</port><nvt oid="1.3.6.1.4.1.25623.1.0.117574"><type>nvt</type><name>OpenSSH Information Disclosure Vulnerability (CVE-2016-20012)</name><family>General</family><cvss_base>5.3</cvss_base><severities score="5.3"><severity type="cvss_base_v3"><origin></origin><date>2021-09-15T00:00:00Z</date><score>5.3</score><value>CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N</value></severity></severities><tags>cvss_base_vector=CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N|summary=OpenSSH is prone to an information disclosure vulnerability.|insight=a|b piece with a pipe|affected=OpenSSH versions through 8.7.|solution=No known solution is available.|vuldetect=Checks if a vulnerable version is present on the target host.|solution_type=NoneAvailable</tags><solution type="NoneAvailable">No known solution is available as of 2024-03-01.</solution><refs><ref type="cve" id="CVE-2016-20012"/><ref type="url" id="https://www.openwall.com/lists/oss-security/2021/09/"/><ref type="cert-bund" id="CB-K21/0987"/><ref type="cve" id="CVE-2021-36368"/></refs></nvt><scan_nvt_version>2021-09-21T07:42:03Z</scan_nvt_version><threat>Medium</threat><severity>5.3</severity><qod><value>80</value><type>remote_banner_unreliable</type></qod><description>Installed version: 7.4p1
Fixed version:     None</description><original_threat>Medium</original_threat><original_severity>5.3</original_severity><compliance>undefined</compliance></result>`;

describe('GMP tasks', () => {
  it('reads a new task: progress -1 becomes null, no reports', () => {
    const t = task(exchange(unix, 'get_tasks-new').response);
    expect(t).toMatchObject({ id: 'b8a830ef-f6ea-414b-86f6-3c62d6f54bdb', name: 'vigil-task-u1', status: 'New', state: 'idle', progress: null, rawProgress: -1 });
    expect(t).toMatchObject({ configId: 'fb692425-5e0c-4e7b-b9f6-c41fe653db70', scannerId: '08b69003-5fc2-4037-a479-93b440211c73', currentReport: null, lastReport: null });
    expect(t.reportCount).toEqual({ total: 0, finished: 0 });
  });

  it('reads an interrupted task: progress 0 (not -1), the current report', () => {
    const t = task(exchange(tls, 'get_tasks-poll-0').response);
    expect(t).toMatchObject({ status: 'Interrupted', state: 'interrupted', progress: 0, rawProgress: 0 });
    expect(t.currentReport).toMatchObject({ id: '04b6a6ae-674d-4064-96f3-53483af38a57', scanStart: null, scanEnd: '2026-12-04T20:37:45Z' });
    expect(t.reportCount).toEqual({ total: 1, finished: 0 });
  });

  it('reads a done task: progress -1 (null), the last report with per-level counts', () => {
    const t = task(exchange(tls, 'get_tasks-container-poll-2').response);
    expect(t).toMatchObject({ status: 'Done', state: 'done', progress: null, resultCount: 4 });
    expect(t.lastReport).toMatchObject({ id: 'ea2e5671-4069-4590-b193-c6d29958f6fa', severity: 9.8 });
    expect(t.lastReport!.counts).toEqual({ critical: 1, high: 1, medium: 0, low: 1, log: 1, falsePositive: 0 });
  });

  it("reads the protocol definition's examples (older counts without critical)", () => {
    const t = task(examples.get_tasks![0]!.response);
    expect(t).toMatchObject({ status: 'Done', state: 'done', progress: null, name: 'Scan Webserver' });
    expect(t.lastReport!.counts).toEqual({ critical: 0, high: 0, medium: 3, low: 7, log: 0, falsePositive: 0 });
    const imported = task(examples.get_tasks![2]!.response);
    expect(imported.reportCount).toEqual({ total: 1, finished: 1 });
    expect(imported.lastReport!.severity).toBe(9);
  });

  it('decides the state from the status alone, Processing included', () => {
    expect(taskState('Processing')).toBe('active');
    expect(taskState('Requested')).toBe('active');
    expect(taskState('Queued')).toBe('active');
    expect(taskState('Stop Requested')).toBe('active');
    expect(taskState('Stopped')).toBe('stopped');
    expect(taskState('Ultimate Delete Requested')).toBe('deleting');
    expect(taskState('Something New')).toBe('unknown');
  });
});

describe('GMP results', () => {
  it('finds results only under the nested <report><report>, and parses each', () => {
    const nodes = reportResults(exchange(unix, 'get_reports-imported-all').response);
    expect(nodes).toHaveLength(5);
    const results = nodes.map((n) => ok(parseResult(n, '261d005c-d9bf-419b-bcc7-46cdfb1315c7')));
    const crit = results.find((r) => r.severity === 9.8)!;
    expect(crit).toMatchObject({
      id: '8d530701-19ba-4874-a0aa-997577b3223f',
      reportId: '261d005c-d9bf-419b-bcc7-46cdfb1315c7',
      host: { ip: '127.0.0.2', hostname: 'h-127.0.0.2', assetId: 'de351012-6c50-4904-afd6-f197aab50742' },
      port: { raw: '443/tcp', number: 443, protocol: 'tcp' },
      threat: 'Critical',
      severityBucket: 'critical',
      qod: { value: 97, type: 'remote_banner' },
      description: 'crit <b> & "quoted" é',
      creationTime: '2026-12-04T20:37:14Z',
    });
    // no feed: gvmd knows no NVT metadata, the name is the OID
    expect(crit.nvt).toMatchObject({ oid: '1.3.6.1.4.1.25623.1.0.999003', name: '1.3.6.1.4.1.25623.1.0.999003', cvssBase: null, cves: [], tags: {}, solution: null });
    expect(crit.name).toBe('1.3.6.1.4.1.25623.1.0.999003');
    const cpe = results.find((r) => r.port.raw === 'general/CPE-T')!;
    expect(cpe).toMatchObject({ port: { number: null, protocol: 'CPE-T' }, severity: 0, severityBucket: 'log' });
    expect(results.map((r) => r.severityBucket).sort()).toEqual(['critical', 'high', 'log', 'low', 'medium']);
  });

  it('parses results of get_results (with their report id) the same way', () => {
    const root = replyTree(exchange(tls, 'get_results-imported-all').response);
    const results = children(root, 'result').map((n) => ok(parseResult(n, 'ignored')));
    expect(results).toHaveLength(5);
    expect(new Set(results.map((r) => r.reportId))).toEqual(new Set(['ea2e5671-4069-4590-b193-c6d29958f6fa']));
  });

  it('parses a feed-era result: CVE refs, tags incl. solution, severity vector', () => {
    const r = ok(parseResult(replyTree(RICH_RESULT), 'r1'));
    expect(r.name).toBe('OpenSSH Information Disclosure Vulnerability (CVE-2016-20012)');
    expect(r.host).toEqual({ ip: '192.168.56.10', hostname: 'web01.lab', assetId: '5e1d4f0a-0000-4000-8000-000000000001' });
    expect(r.nvt.cves).toEqual(['CVE-2016-20012', 'CVE-2021-36368']);
    expect(r.nvt.refs).toContainEqual({ type: 'cert-bund', id: 'CB-K21/0987' });
    expect(r.nvt).toMatchObject({ family: 'General', cvssBase: 5.3, severityScore: 5.3, severityVector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N' });
    expect(r.nvt.tags.insight).toBe('a|b piece with a pipe');
    expect(r.nvt.tags.solution_type).toBe('NoneAvailable');
    expect(r.nvt.solution).toEqual({ type: 'NoneAvailable', text: 'No known solution is available as of 2024-03-01.' });
    expect(r).toMatchObject({ severity: 5.3, severityBucket: 'medium', originalSeverity: 5.3, qod: { value: 80, type: 'remote_banner_unreliable' }, scanNvtVersion: '2021-09-21T07:42:03Z' });
    expect(r.description).toBe('Installed version: 7.4p1\nFixed version:     None');
    expect(GmpResultSchema.parse(r)).toEqual(r);
  });

  it('takes the solution from the tags when there is no <solution> element', () => {
    const xml = RICH_RESULT.replace(/<solution type="NoneAvailable">[^<]*<\/solution>/, '');
    expect(ok(parseResult(replyTree(xml), 'r1')).nvt.solution).toEqual({ type: 'NoneAvailable', text: 'No known solution is available.' });
  });

  it('reports a result it cannot trust instead of passing it on half-filled', () => {
    const noSeverity = parseResult(replyTree(RICH_RESULT.replace('<severity>5.3</severity>', '')), 'r1');
    expect(noSeverity).toMatchObject({ ok: false, id: 'ae4c1f79-5b0e-4bd4-8f6b-1f3c9f1f0a11' });
    expect(!noSeverity.ok && noSeverity.reason).toMatch(/severity/);
    const noHost = parseResult(replyTree(RICH_RESULT.replace('<host>192.168.56.10', '<host>')), 'r1');
    expect(!noHost.ok && noHost.reason).toMatch(/host\.ip/);
    const badSeverity = parseResult(replyTree(RICH_RESULT.replace('<severity>5.3</severity>', '<severity>55</severity>')), 'r1');
    expect(badSeverity.ok).toBe(false);
    // the protocol examples come from a GMP without <severity> on results
    const example = child(replyTree(examples.get_results![0]!.response), 'result')!;
    expect(parseResult(example, 'x').ok).toBe(false);
  });

  it('keeps a record whose descriptive numbers are out of range, dropping only those', () => {
    const r = ok(parseResult(replyTree(RICH_RESULT.replace('<severities score="5.3">', '<severities score="50">').replace('<cvss_base>5.3</cvss_base>', '<cvss_base>x</cvss_base>')), 'r1'));
    expect(r.nvt.severityScore).toBeNull();
    expect(r.nvt.cvssBase).toBeNull();
  });

  it('splits ports and tags', () => {
    expect(parsePort('443/tcp')).toEqual({ raw: '443/tcp', number: 443, protocol: 'tcp' });
    expect(parsePort('general/tcp')).toEqual({ raw: 'general/tcp', number: null, protocol: 'tcp' });
    expect(parsePort('package')).toEqual({ raw: 'package', number: null, protocol: null });
    expect(parsePort('99999/udp')).toEqual({ raw: '99999/udp', number: null, protocol: 'udp' });
    expect(parsePort('')).toEqual({ raw: '', number: null, protocol: null });
    expect(parseTags('NOTAGS')).toEqual({});
    expect(parseTags('summary=a=b|solution=x')).toEqual({ summary: 'a=b', solution: 'x' });
  });
});

describe('GMP severity buckets (connectors.md §8)', () => {
  it.each([
    [10, 'critical'],
    [9, 'critical'],
    [8.9, 'high'],
    [7, 'high'],
    [6.9, 'medium'],
    [4, 'medium'],
    [3.9, 'low'],
    [0.1, 'low'],
    [0, 'log'],
    [-1, 'false_positive'],
    [-2, 'debug'],
    [-3, 'error'],
  ] as const)('%d is %s', (score, bucket) => {
    expect(severityBucket(score)).toBe(bucket);
  });

  it('maps onto the console scale: log is info, the specials are not findings', () => {
    expect(consoleSeverity('log')).toBe('info');
    expect(consoleSeverity('critical')).toBe('critical');
    expect(consoleSeverity('false_positive')).toBeNull();
    expect(consoleSeverity('error')).toBeNull();
  });
});
