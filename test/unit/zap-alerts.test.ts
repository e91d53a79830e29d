import { describe, expect, it } from 'vitest';
import { ScanFinding } from '../../main/contract/connectors.js';
import { mapFindings } from '../../main/connectors/findings.js';
import { ZapAlert, zapAlertToFinding, zapInt, zapRiskId } from '../../main/connectors/zap/alerts.js';

/** An alert as ZAP 2.16 sends it from alert/view/alerts (AlertAPI.alertToSet): all strings. */
const wire = {
  sourceid: '3',
  other: '',
  method: 'GET',
  evidence: '<form action="/login" method="post">',
  pluginId: '10202',
  cweid: '352',
  confidence: 'Low',
  wascid: '9',
  description: 'No Anti-CSRF tokens were found in a HTML submission form.',
  messageId: '17',
  inputVector: '',
  url: 'https://shop.example:8443/login?next=%2F',
  tags: { OWASP_2021_A01: 'https://owasp.org/Top10/A01_2021-Broken_Access_Control/' },
  reference: 'https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html\nhttps://cwe.mitre.org/data/definitions/352.html',
  solution: 'Use a vetted library or framework that does not allow this weakness to occur.',
  alert: 'Absence of Anti-CSRF Tokens',
  param: '',
  attack: '',
  name: 'Absence of Anti-CSRF Tokens',
  risk: 'Medium',
  id: '41',
  alertRef: '10202',
};

describe('ZAP alerts → findings', () => {
  it('reads the string-typed alert and maps it to the tool-neutral finding', () => {
    const f = zapAlertToFinding(ZapAlert.parse(wire));
    expect(ScanFinding.parse(f)).toEqual(f);
    expect(f).toMatchObject({
      source: 'zap',
      ruleId: '10202',
      title: 'Absence of Anti-CSRF Tokens',
      severity: 'medium',
      severityRaw: 'Medium',
      confidence: 'low',
      confidenceScore: null,
      cweId: 352,
      wascId: 9,
      asset: { url: wire.url, method: 'GET', param: null, host: 'shop.example', port: 8443, protocol: 'https' },
      evidence: wire.evidence,
      solution: wire.solution,
      references: ['https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html', 'https://cwe.mitre.org/data/definitions/352.html'],
      observedAt: null,
    });
    expect(f.key).toMatch(/^zap:[0-9a-f]{40}$/);
  });

  it('maps risk per reference §8 (no critical) and every confidence word', () => {
    const sev = ['Informational', 'Low', 'Medium', 'High'].map((risk) => zapAlertToFinding(ZapAlert.parse({ ...wire, risk })).severity);
    expect(sev).toEqual(['info', 'low', 'medium', 'high']);
    const conf = ['False Positive', 'Low', 'Medium', 'High', 'Confirmed'].map((confidence) => zapAlertToFinding(ZapAlert.parse({ ...wire, confidence })).confidence);
    expect(conf).toEqual(['false_positive', 'low', 'medium', 'high', 'confirmed']);
    expect(['info', 'low', 'medium', 'high'].map((s) => zapRiskId(s as 'info'))).toEqual([0, 1, 2, 3]);
  });

  it('keys by what makes the alert, not by ZAP’s session-local id', () => {
    const a = zapAlertToFinding(ZapAlert.parse(wire));
    expect(zapAlertToFinding(ZapAlert.parse({ ...wire, id: '999', messageId: '5' })).key).toBe(a.key);
    expect(zapAlertToFinding(ZapAlert.parse({ ...wire, url: 'https://shop.example:8443/cart' })).key).not.toBe(a.key);
    expect(zapAlertToFinding(ZapAlert.parse({ ...wire, param: 'q' })).key).not.toBe(a.key);
  });

  it('treats ZAP’s "-1"/"0" CWE and WASC ids as none and default ports by scheme', () => {
    const f = zapAlertToFinding(ZapAlert.parse({ ...wire, cweid: '-1', wascid: '0', url: 'http://10.0.0.5/x', alertRef: '' }));
    expect(f).toMatchObject({ cweId: null, wascId: null, ruleId: '10202', asset: { host: '10.0.0.5', port: 80, protocol: 'http' } });
  });

  it('refuses numbers that are not whole numbers, and alerts with an unknown risk word', () => {
    expect(zapInt.parse('57')).toBe(57);
    expect(zapInt.parse(12)).toBe(12);
    expect(zapInt.safeParse('57%').success).toBe(false);
    expect(zapInt.safeParse('').success).toBe(false);
    expect(ZapAlert.safeParse({ ...wire, risk: 'Critical' }).success).toBe(false);
    expect(ZapAlert.safeParse({ ...wire, cweid: 'n/a' }).success).toBe(false);
    expect(ZapAlert.safeParse({ ...wire, id: undefined }).success).toBe(false);
  });

  it('maps a batch, setting aside (with the reason) what does not fit the finding schema', () => {
    const good = ZapAlert.parse(wire);
    const huge = ZapAlert.parse({ ...wire, alertRef: 'x'.repeat(600) });
    const r = mapFindings([good, huge], zapAlertToFinding);
    expect(r.findings).toHaveLength(1);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]!.reason).toMatch(/ruleId/);
  });
});
