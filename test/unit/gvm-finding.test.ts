import { describe, expect, it } from 'vitest';
import { ScanFinding } from '../../main/contract/index.js';
import { gmpResultToFinding } from '../../main/connectors/gvm/finding.js';
import { parseResult, type GmpResult } from '../../main/connectors/gvm/model.js';
import { child, children } from '../../main/connectors/gvm/xml.js';
import { replyTree } from '../simulators/gvm/parse.js';
import { exchange, loadRecording } from '../simulators/gvm/recorded.js';

function results(): GmpResult[] {
  const xml = exchange(loadRecording('unix'), 'get_reports-imported-all').response;
  return children(child(child(child(replyTree(xml), 'report'), 'report'), 'results'), 'result').map((n) => {
    const r = parseResult(n, '261d005c-d9bf-419b-bcc7-46cdfb1315c7');
    if (!r.ok) throw new Error(r.reason);
    return r.result;
  });
}

describe('GMP result → finding', () => {
  it('maps every recorded result onto the one scale (log = info), keyed by NVT OID + host + port', () => {
    const all = results();
    const findings = all.map(gmpResultToFinding);
    for (const f of findings) expect(ScanFinding.safeParse(f).success).toBe(true);
    expect(findings.map((f) => f!.severity).sort()).toEqual(['critical', 'high', 'info', 'low', 'medium']);
    const crit = findings.find((f) => f!.severity === 'critical')!;
    expect(crit).toMatchObject({ source: 'gvm', ruleId: '1.3.6.1.4.1.25623.1.0.999003', severityRaw: '9.8', confidenceScore: 97, cvss: 9.8, asset: { host: '127.0.0.2', port: 443, protocol: 'tcp' } });
    // the same NVT on the same host and port in a later report (new result id) is the same finding
    const r = all.find((x) => x.severity === 9.8)!;
    expect(gmpResultToFinding({ ...r, id: 'another-result-id', reportId: 'another-report' })!.key).toBe(crit.key);
    expect(gmpResultToFinding({ ...r, port: { raw: '8443/tcp', number: 8443, protocol: 'tcp' } })!.key).not.toBe(crit.key);
  });

  it("leaves out gvmd's false positive, debug and error results (they are not findings)", () => {
    const r = results()[0]!;
    expect(gmpResultToFinding({ ...r, severity: -1, severityBucket: 'false_positive' })).toBeNull();
    expect(gmpResultToFinding({ ...r, severity: -3, severityBucket: 'error' })).toBeNull();
  });
});
