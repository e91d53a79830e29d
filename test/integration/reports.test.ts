import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Manifest } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { verifyReport } from '../../main/reports/manifest.js';
import { findChromium, PdfUnavailableError, type PdfEngine } from '../../main/reports/pdf.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { MIGRATIONS } from '../../main/store/migrations/index.js';
import { latestVersion } from '../../main/store/migrate.js';

const NOW = new Date('2026-11-21T12:00:00.000Z');

function pdfText(file: string): string {
  return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** A case with three alerts (raw events naming a C2 domain), a note, evidence and a hand-added IOC. */
async function seedCase(s: Services): Promise<number> {
  const ids = s.alerts.insertMany([
    sampleAlert({ title: 'ET SCAN Potential SSH Scan', src_ip: '203.0.113.7', severity: 'high' }),
    sampleAlert({ title: 'sshd: brute force trying to get access', source: 'wazuh', src_ip: '203.0.113.7', severity: 'critical', technique_ids: ['T1110'] }),
    sampleAlert({ title: 'ET POLICY outbound <script> beacon', src_ip: '10.0.0.5', dst_ip: '198.51.100.23', severity: 'medium' }),
  ]);
  const ins = s.db.prepare(
    `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, title, threat_type, risk_score, file, line, raw)
     VALUES (?, 't', 'suricata', '2026-11-21T10:00:00.000Z', '2026-11-21T10:00:00.000Z', 'high', 'x', 'unknown', 50, '/var/log/suricata/eve.json', ?, ?)`,
  );
  ids.forEach((id, i) => ins.run(id, i + 1, JSON.stringify({ src_ip: '203.0.113.7', dest_ip: '10.0.0.5', dns: { rrname: 'c2.evil-example.net' } })));
  const c = s.cases.create({ title: 'SSH brute force against web-01', description: 'Seen by **Suricata** and Wazuh.', severity: 'high', assignee: 'ana', tags: ['ssh'], tlp: 'amber' }, 'ana');
  s.cases.linkChunk(c.id, ids, 'ana', false, 'INVESTIGATING', null);
  s.cases.addNote(c.id, '## Containment\nBlocked 203.0.113.7 at the edge. <img src=x onerror=alert(1)> ![t](https://tracker.example/p.gif)', 'ana');
  s.cases.addEvidence(c.id, 'proxy.log', 'GET http://c2.evil-example.net/beacon from 10.0.0.5\n', 'text/plain', 'proxy excerpt', 'ana');
  s.cases.addObservable(c.id, 'domain', 'c2.evil-example.net', true, 'C2 server', 'ana');
  return c.id;
}

let chromiumPath: string | null = null;
try {
  chromiumPath = findChromium();
} catch {
  chromiumPath = null;
}

describe('reports', () => {
  let s: Services;
  let caseId: number;
  let dir: string;
  let manifest: Manifest;

  let root: string;

  beforeAll(async () => {
    // kept for the whole file (tempDir() is removed after each test)
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-reports-'));
    s = await testServices(path.join(root, 'data'), () => NOW);
    caseId = await seedCase(s);
    dir = path.join(root, 'case-report');
    manifest = await s.reports.write({ query: { kind: 'case', case_id: caseId }, formats: ['html', 'pdf', 'csv'], dir, actor: 'ana' });
  }, 120_000);
  afterAll(async () => {
    await s?.close();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('writes the case report as HTML, PDF, CSV and evidence files, every one listed with its SHA-256', async () => {
    const names = manifest.files.map((f) => f.path).sort();
    expect(names).toEqual([
      'activity.csv',
      'alerts.csv',
      'evidence/1-proxy.log',
      'evidence/events.ndjson',
      'notes.csv',
      'observables.csv',
      'report.html',
      'report.json',
      'report.pdf',
      'timeline.csv',
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(['activity.csv', 'alerts.csv', 'evidence', 'manifest.json', 'notes.csv', 'observables.csv', 'report.html', 'report.json', 'report.pdf', 'timeline.csv']);
    expect(manifest).toMatchObject({ manifest_version: 1, generator: { name: 'Vigil', version: '0.0.0-test' }, schema_version: latestVersion(MIGRATIONS), query: { kind: 'case', case_id: caseId }, created_by: 'ana', created_at: NOW.toISOString() });
    expect(manifest.records).toMatchObject({ alerts: 3, observables: 5, events: 3, notes: 1, evidence_files: 1 });
    const v = await verifyReport(dir);
    expect(v).toMatchObject({ ok: true, checked: 10, problems: [] });
    // the attachment is byte for byte what was attached, and the manifest's hash is the one taken then
    const ev = s.casesRepo.evidence(caseId)[0]!;
    expect(manifest.files.find((f) => f.path === 'evidence/1-proxy.log')!.sha256).toBe(ev.sha256);
    const csv = fs.readFileSync(path.join(dir, 'alerts.csv'), 'utf8').split('\r\n');
    expect(csv[0]).toBe('id,source,severity,priority,status,title,rule_id,src_ip,src_port,dst_ip,dst_port,proto,first_seen,last_seen,count,risk_score,technique_ids,tags,assignee,agent_id,agent_name,user,host,sensor');
    expect(csv.filter(Boolean)).toHaveLength(4);
    expect(fs.readFileSync(path.join(dir, 'evidence/events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).line)).toEqual([1, 2, 3]);
  });

  it.skipIf(!chromiumPath)('prints a PDF whose text holds the case, its alerts, observables, notes and page numbers', () => {
    const text = pdfText(path.join(dir, 'report.pdf'));
    for (const expected of [
      `Case #${caseId}: SSH brute force against web-01`,
      'TLP:AMBER',
      'ET SCAN Potential SSH Scan',
      'sshd: brute force trying to get access',
      'c2.evil-example.net',
      'Containment',
      'Blocked 203.0.113.7 at the edge.',
      'proxy.log',
      'Activity log',
      'Page 1 of',
      manifest.report_id,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Findings\n'); // no scan findings: the section is left out
  });

  it.skipIf(!chromiumPath)('writes a self-contained HTML file: no script, no remote resource, the sections and rows in the DOM', async () => {
    const browser = await chromium.launch({ executablePath: chromiumPath!, headless: true });
    try {
      const page = await (await browser.newContext({ javaScriptEnabled: false })).newPage();
      const requests: string[] = [];
      page.on('request', (r) => requests.push(r.url()));
      await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
      expect(requests.filter((u) => !u.startsWith('file:'))).toEqual([]);
      const dom = await page.evaluate(() => ({
        scripts: document.querySelectorAll('script').length,
        images: document.querySelectorAll('img').length,
        links: Array.from(document.querySelectorAll('a[href]')).map((a) => a.getAttribute('href')),
        remote: Array.from(document.querySelectorAll('[src],[href]')).map((e) => e.getAttribute('src') ?? e.getAttribute('href')).filter((u) => /^[a-z]+:/i.test(u ?? '')),
        sections: Array.from(document.querySelectorAll('section[id]')).map((e) => e.id),
        alertRows: document.querySelectorAll('#alerts tbody tr').length,
        ioc: document.querySelector('#observables .ioc')?.closest('tr')?.textContent,
        noteHeading: document.querySelector('#notes .md h2')?.textContent,
        noteText: document.querySelector('#notes .md')?.textContent,
        title: document.title,
        escapedTitle: Array.from(document.querySelectorAll('#alerts tbody td')).some((td) => td.textContent === 'ET POLICY outbound <script> beacon'),
      }));
      expect(dom.scripts).toBe(0);
      expect(dom.images).toBe(0);
      expect(dom.remote).toEqual([]);
      expect(dom.links.every((h) => h?.startsWith('#'))).toBe(true);
      expect(dom.sections).toEqual(['summary', 'timeline', 'alerts', 'observables', 'evidence', 'notes', 'activity']);
      expect(dom.alertRows).toBe(3);
      expect(dom.ioc).toContain('c2.evil-example.net');
      expect(dom.noteHeading).toBe('Containment');
      expect(dom.noteText).toContain('<img src=x onerror=alert(1)>');
      expect(dom.escapedTitle).toBe(true);
      expect(dom.title).toBe(`Case #${caseId}: SSH brute force against web-01`);
    } finally {
      await browser.close();
    }
  });

  it('verify says exactly what was altered: a modified, a missing and an extra file, and a changed manifest field', async () => {
    const copy = path.join(tempDir(), 'tampered');
    fs.cpSync(dir, copy, { recursive: true });
    fs.appendFileSync(path.join(copy, 'alerts.csv'), '999,forged\r\n');
    fs.rmSync(path.join(copy, 'observables.csv'));
    fs.writeFileSync(path.join(copy, 'notes-extra.txt'), 'slipped in');
    const m = JSON.parse(fs.readFileSync(path.join(copy, 'manifest.json'), 'utf8')) as Manifest;
    m.created_by = 'mallory';
    fs.writeFileSync(path.join(copy, 'manifest.json'), JSON.stringify(m));
    const v = await verifyReport(copy);
    expect(v.ok).toBe(false);
    const byKind = Object.fromEntries(v.problems.map((p) => [`${p.kind}:${p.path}`, p.detail]));
    expect(Object.keys(byKind).sort()).toEqual(['extra:notes-extra.txt', 'manifest:manifest.json', 'missing:observables.csv', 'modified:alerts.csv']);
    expect(byKind['modified:alerts.csv']).toMatch(/SHA-256 [0-9a-f]{64} in the manifest, [0-9a-f]{64} now/);
    expect(byKind['manifest:manifest.json']).toBe('field "created_by" was altered: the manifest says "mallory", report.json says "ana"');
    // a report without its manifest is not a report
    fs.rmSync(path.join(copy, 'manifest.json'));
    expect((await verifyReport(copy)).problems[0]).toMatchObject({ kind: 'missing', path: 'manifest.json' });
  });

  it('a report that fails half-way leaves nothing in the directory and says why; the record says failed', async () => {
    const broken: PdfEngine = {
      name: 'broken',
      render: async (jobs) => {
        fs.writeFileSync(jobs[0]!.pdfPath, '%PDF-1.7 half'); // a half-written PDF must not survive
        throw new Error('the browser crashed');
      },
    };
    const t = await testServices(tempDir(), () => NOW, { pdfEngine: () => broken });
    const id = await seedCase(t);
    const out = path.join(tempDir(), 'failed');
    await expect(t.reports.write({ query: { kind: 'case', case_id: id }, formats: ['pdf', 'csv'], dir: out, actor: 'ana' })).rejects.toThrow('the browser crashed');
    expect(fs.readdirSync(out)).toEqual([]);
    expect(t.reports.list(5)[0]).toMatchObject({ state: 'failed', error: 'the browser crashed', files: [] });
    expect(t.audit.forTarget('case', String(id), 'report.create')[0]!.details).toMatchObject({ state: 'failed', error: 'the browser crashed' });
    await t.close();
  });

  it('an interrupted report (Ctrl-C) stops at the next step and leaves nothing behind', async () => {
    const t = await testServices(tempDir(), () => NOW);
    const ids = t.alerts.insertMany(Array.from({ length: 3000 }, (_, i) => sampleAlert({ title: `a${i}` })));
    const c = t.cases.create({ title: 'big', description: '', severity: 'low', assignee: null, tags: [], tlp: 'amber' }, 'ana');
    for (let i = 0; i < ids.length; i += 500) t.cases.linkChunk(c.id, ids.slice(i, i + 500), 'ana', false, null, null);
    const out = path.join(tempDir(), 'interrupted');
    const abort = new AbortController();
    const run = t.reports.prepare({ query: { kind: 'case', case_id: c.id }, formats: ['html', 'csv'], dir: out, actor: 'ana', signal: abort.signal, onProgress: () => abort.abort(new Error('interrupted')) });
    await expect(run.execute()).rejects.toThrow('interrupted');
    expect(fs.readdirSync(out)).toEqual([]);
    expect(t.reports.list(1)[0]).toMatchObject({ state: 'failed', error: 'interrupted' });
    await t.close();
  });

  it('without any Chromium, PDF is refused before anything is written, with how to get one; HTML and CSV still work', async () => {
    const t = await testServices(tempDir(), () => NOW, {
      pdfEngine: () => {
        throw new PdfUnavailableError('no Chromium, Chrome or Edge was found on this machine');
      },
    });
    const id = await seedCase(t);
    const out = path.join(tempDir(), 'nopdf');
    expect(() => t.reports.prepare({ query: { kind: 'case', case_id: id }, formats: ['pdf'], dir: out, actor: 'ana' })).toThrow(/apt-get install chromium.*CHROMIUM_PATH.*--format html,csv/);
    expect(fs.existsSync(out)).toBe(false);
    const m = await t.reports.write({ query: { kind: 'case', case_id: id }, formats: ['html', 'csv'], dir: out, actor: 'ana' });
    expect(m.files.map((f) => f.path)).toContain('report.html');
    expect(() => t.reports.prepare({ query: { kind: 'case', case_id: id }, formats: ['html'], dir: out, actor: 'ana' })).toThrow(/not empty/);
    expect(() => t.reports.prepare({ query: { kind: 'case', case_id: 999 }, formats: ['html'], dir: path.join(out, 'x'), actor: 'ana' })).toThrow(/case 999 does not exist/);
    await t.close();
  });

  it.skipIf(!chromiumPath)('prints a large report in passes, merged into one PDF numbered "Page x of y" throughout', async () => {
    const t = await testServices(tempDir(), () => NOW);
    const ids = t.alerts.insertMany(Array.from({ length: 14 }, (_, i) => sampleAlert({ title: `multi-pass alert ${String(i).padStart(2, '0')}`, src_ip: `198.51.100.${i}` })));
    const c = t.cases.create({ title: 'Many passes', description: '', severity: 'high', assignee: null, tags: [], tlp: 'red' }, 'ana');
    t.cases.linkChunk(c.id, ids, 'ana', false, null, null);
    const out = path.join(tempDir(), 'passes');
    const m = await t.reports.write({ query: { kind: 'case', case_id: c.id }, formats: ['pdf'], dir: out, actor: 'ana', printRows: 5 });
    expect(m.files.map((f) => f.path).sort()).toEqual(['report.json', 'report.pdf']);
    expect(fs.readdirSync(out).sort()).toEqual(['manifest.json', 'report.json', 'report.pdf']);
    const text = pdfText(path.join(out, 'report.pdf'));
    const pages = Number(/Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [path.join(out, 'report.pdf')], { encoding: 'utf8' }))![1]);
    expect(pages).toBeGreaterThan(3);
    for (let p = 1; p <= pages; p++) expect(text).toContain(`Page ${p} of ${pages}`);
    for (let i = 0; i < 14; i++) expect(text).toContain(`multi-pass alert ${String(i).padStart(2, '0')}`);
    expect(text).toContain('TLP:RED');
    expect((await verifyReport(out)).ok).toBe(true);
    await t.close();
  }, 120_000);

  it.skipIf(!chromiumPath)('writes the alerts summary of a range: figures that add up to the rows of alerts.csv', async () => {
    const t = await testServices(tempDir(), () => NOW);
    t.alerts.insertMany(
      Array.from({ length: 60 }, (_, i) =>
        sampleAlert({
          title: `rule ${i % 4}`,
          rule_id: `r${i % 4}`,
          severity: (['low', 'medium', 'high', 'critical'] as const)[i % 4],
          src_ip: `198.51.100.${i % 5}`,
          technique_ids: i % 2 ? ['T1110'] : ['T1046'],
          count: 2,
          first_seen: new Date(Date.parse('2026-11-21T00:00:00Z') + i * 600_000).toISOString(),
          last_seen: new Date(Date.parse('2026-11-21T00:00:00Z') + i * 600_000).toISOString(),
        }),
      ),
    );
    const out = path.join(tempDir(), 'summary');
    const m = await t.reports.write({
      query: { kind: 'alerts', filter: { from: '2026-11-21T00:00:00Z', to: '2026-11-21T06:00:00Z' } },
      formats: ['html', 'pdf', 'csv'],
      dir: out,
      actor: 'ana',
    });
    expect(m.records['alerts']).toBe(36);
    expect(fs.readFileSync(path.join(out, 'alerts.csv'), 'utf8').trim().split('\r\n')).toHaveLength(37);
    const summary = Object.fromEntries(fs.readFileSync(path.join(out, 'summary.csv'), 'utf8').trim().split('\r\n').slice(1).map((l) => l.split(',')));
    expect(summary).toMatchObject({ alerts: '36', events: '72', 'severity.critical': '9' });
    const text = pdfText(path.join(out, 'report.pdf'));
    for (const expected of ['Alerts summary', 'Brute Force', 'Credential Access', '198.51.100.0', 'Highest-risk alerts', 'MTTA']) expect(text).toContain(expected);
    expect((await verifyReport(out)).ok).toBe(true);
    await t.close();
  }, 120_000);
});
