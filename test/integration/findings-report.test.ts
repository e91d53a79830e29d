import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { ScanFinding } from '../../main/contract/index.js';
import { blankAsset } from '../../main/connectors/findings.js';
import { verifyReport } from '../../main/reports/manifest.js';
import { findChromium } from '../../main/reports/pdf.js';
import { FindingsRepo } from '../../main/store/findings-repo.js';
import { ScansRepo } from '../../main/store/scans-repo.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const NOW = new Date('2026-12-01T12:00:00.000Z');

let chromiumPath: string | null = null;
try {
  chromiumPath = findChromium();
} catch {
  chromiumPath = null;
}

function finding(key: string, extra: Partial<ScanFinding> = {}): ScanFinding {
  return {
    source: 'gvm',
    key,
    ruleId: `oid-${key}`,
    title: `finding ${key}`,
    severity: 'high',
    severityRaw: '7.5',
    confidence: null,
    confidenceScore: 80,
    cvss: 7.5,
    cves: ['CVE-2021-44228'],
    cweId: null,
    wascId: null,
    asset: { ...blankAsset(), host: '10.0.0.5', port: 443, protocol: 'tcp' },
    evidence: 'banner',
    description: 'd',
    solution: 'Update the <b>package</b>',
    references: [],
    observedAt: null,
    raw: { key },
    ...extra,
  };
}

/** Two hosts and a URL without host; one false positive, one accepted risk, one fixed. */
async function seeded() {
  const s = await testServices(tempDir(), () => NOW);
  const repo = new FindingsRepo(s.db, s.audit);
  const scanId = new ScansRepo(s.db, () => NOW).create({ tool: 'gvm', connector_id: 'gvm-1', target: '10.0.0.0/24', options: {}, tool_state: { phase: 'task' }, created_by: 'ana' }).id;
  s.db.transaction(() =>
    repo.upsert(
      [
        finding('a', { severity: 'critical', cvss: 10, title: 'Apache Log4j RCE', cves: ['CVE-2021-44228', 'CVE-2021-45046'] }),
        finding('b', { severity: 'high', cves: ['CVE-2021-44228'] }),
        finding('c', { severity: 'medium', cvss: 5, cves: [], cweId: 79, asset: { ...blankAsset(), host: '10.0.0.9', port: 80, protocol: 'tcp' } }),
        finding('d', { severity: 'low', cvss: 2, cves: [], asset: { ...blankAsset(), host: '10.0.0.9', port: 22, protocol: 'tcp' } }),
        finding('e', { source: 'zap', severity: 'medium', cvss: null, cves: [], asset: { ...blankAsset(), url: 'https://shop.example/login' } }),
        finding('f', { severity: 'high', title: 'fixed one' }),
      ],
      { scanId, connectorId: 'gvm-1', target: '10.0.0.0/24', seenAt: '2026-12-01T10:00:00.000Z' },
    ),
  )();
  const id = (title: string) => (s.db.prepare('SELECT id FROM findings WHERE title = ?').get(title) as { id: number }).id;
  repo.setStatus([id('finding b')], 'false_positive', 'ana', 'patched backport', NOW.toISOString());
  repo.setStatus([id('finding d')], 'accepted_risk', 'ana', null, NOW.toISOString());
  s.db.prepare("UPDATE findings SET status = 'fixed' WHERE title = 'fixed one'").run();
  return { s, repo };
}

describe('findings report', () => {
  it('reads the findings table: KPIs by status, a per-host table with top CVEs, every finding; CSV and manifest verify', async () => {
    const { s } = await seeded();
    const out = path.join(tempDir(), 'findings');
    const m = await s.reports.write({ query: { kind: 'findings' }, formats: ['html', 'csv'], dir: out, actor: 'ana' });
    expect(m.records).toMatchObject({ findings: 6, hosts: 2 });
    expect(m.files.map((f) => f.path).sort()).toEqual(['findings.csv', 'hosts.csv', 'report.html', 'report.json', 'summary.csv']);
    const summary = fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\r\n');
    expect(summary).toEqual(['status,critical,high,medium,low,info,all', 'open,1,0,2,0,0,3', 'accepted_risk,0,0,0,1,0,1', 'false_positive,0,1,0,0,0,1', 'fixed,0,1,0,0,0,1']);
    const hosts = fs.readFileSync(path.join(out, 'hosts.csv'), 'utf8').trim().split('\r\n');
    // the host with an open critical comes first; top CVEs count open findings only
    expect(hosts).toEqual(['host,open_critical,open_high,open_medium,open_low,findings,top_cves', '10.0.0.5,1,0,0,0,3,CVE-2021-44228 CVE-2021-45046', '10.0.0.9,0,0,1,0,2,']);
    const csv = fs.readFileSync(path.join(out, 'findings.csv'), 'utf8').trim().split('\r\n');
    expect(csv).toHaveLength(7);
    expect(csv[1]).toContain('Apache Log4j RCE');
    expect((await verifyReport(out)).ok).toBe(true);
    await s.close();
  });

  it('applies the filter and leaves out the sections without data, saying so', async () => {
    const { s } = await seeded();
    const none = path.join(tempDir(), 'none');
    const m = await s.reports.write({ query: { kind: 'findings', filter: { host: '192.0.2.1' } }, formats: ['html'], dir: none, actor: 'ana' });
    expect(m.records).toMatchObject({ findings: 0 });
    const html = fs.readFileSync(path.join(none, 'report.html'), 'utf8');
    expect(html).toContain('No scan finding matches these filters');
    expect(html).not.toContain('<section id="hosts"');
    const zap = path.join(tempDir(), 'zap');
    const z = await s.reports.write({ query: { kind: 'findings', filter: { source: ['zap'] } }, formats: ['html', 'csv'], dir: zap, actor: 'ana' });
    expect(z.records).toMatchObject({ findings: 1 });
    expect(fs.readFileSync(path.join(zap, 'report.html'), 'utf8')).toContain('No matching finding names a host');
    expect(z.files.map((f) => f.path)).not.toContain('hosts.csv');
    await s.close();
  });

  it("a case report's Findings section lists the findings linked to the case", async () => {
    const { s } = await seeded();
    const c = s.cases.create({ title: 'Log4j exposure', description: '', severity: 'high', assignee: null, tags: [], tlp: 'amber' }, 'ana');
    const log4j = (s.db.prepare("SELECT id FROM findings WHERE title = 'Apache Log4j RCE'").get() as { id: number }).id;
    s.cases.linkFindings(c.id, [log4j], 'ana');
    const out = path.join(tempDir(), 'case');
    const m = await s.reports.write({ query: { kind: 'case', case_id: c.id }, formats: ['html', 'csv'], dir: out, actor: 'ana' });
    expect(m.records).toMatchObject({ findings: 1 });
    const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toContain('<section id="findings"');
    expect(html).toContain('Apache Log4j RCE');
    expect(fs.readFileSync(path.join(out, 'findings.csv'), 'utf8')).toContain('CVE-2021-44228 CVE-2021-45046');
    await s.close();
  });

  it.skipIf(!chromiumPath)('HTML DOM and PDF text hold the sections, the host table and each finding with its solution', async () => {
    const { s } = await seeded();
    const out = path.join(tempDir(), 'pdf');
    await s.reports.write({ query: { kind: 'findings' }, formats: ['html', 'pdf'], dir: out, actor: 'ana' });
    const browser = await chromium.launch({ executablePath: chromiumPath!, headless: true });
    try {
      const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      await page.goto(pathToFileURL(path.join(out, 'report.html')).href);
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        sections: Array.from(document.querySelectorAll('section[id]')).map((e) => e.id),
        hostRows: Array.from(document.querySelectorAll('#hosts tbody tr')).map((tr) => tr.querySelector('td')?.textContent),
        findingRows: document.querySelectorAll('#findings tbody tr').length,
        chart: document.querySelector('#summary svg[aria-label="Open findings by severity"]') !== null,
        solution: Array.from(document.querySelectorAll('#findings td')).some((td) => td.textContent?.includes('Solution: Update the <b>package</b>')),
      }));
      expect(dom).toEqual({ scripts: 0, sections: ['summary', 'hosts', 'findings'], hostRows: ['10.0.0.5', '10.0.0.9'], findingRows: 6, chart: true, solution: true });
    } finally {
      await browser.close();
    }
    const text = execFileSync('pdftotext', ['-layout', path.join(out, 'report.pdf'), '-'], { encoding: 'utf8' });
    for (const expected of ['Scan findings', 'By host', 'Log4j', 'CWE-79', 'https://shop.example/login', 'accepted risk', 'false positive']) expect(text).toContain(expected);
    await s.close();
  }, 120_000);
});
