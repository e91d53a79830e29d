import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../../main/reports/pdf.js';
import { runCli } from '../helpers/cli.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

let hasChromium = true;
try {
  findChromium();
} catch {
  hasChromium = false;
}

/** Ingests the EVE fixture with the CLI, then escalates every alert into one case. */
async function seeded(): Promise<{ dir: string; caseId: number }> {
  const dir = tempDir();
  const ingest = runCli(['ingest', '--format', 'eve', path.join(repoRoot, 'test/fixtures/eve/alerts.jsonl'), '--data-dir', dir]);
  expect(ingest.code, ingest.stderr).toBe(0);
  const s = await testServices(dir);
  const ids = (s.db.prepare('SELECT id FROM alerts ORDER BY id').all() as { id: number }[]).map((r) => r.id);
  const c = s.cases.create({ title: 'Scan then brute force', description: '', severity: 'high', assignee: 'ana', tags: ['ssh'], tlp: 'green' }, 'ana');
  s.cases.linkChunk(c.id, ids, 'ana', false, 'INVESTIGATING', null);
  s.cases.addNote(c.id, 'Blocked **203.0.113.45**.', 'ana');
  // the first sensor record of the file, kept with the case
  const first = (s.db.prepare('SELECT min(id) AS id FROM records').get() as { id: number }).id;
  await s.cases.keepRecords(c.id, [first], async (ids) => s.hunt.getMany(ids), 'ana');
  await s.close();
  return { dir, caseId: c.id };
}

describe('vigil cases and vigil report', () => {
  it('lists, shows and exports cases', async () => {
    const { dir, caseId } = await seeded();
    const list = runCli(['cases', 'list', '--data-dir', dir]);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+UPDATED \(UTC\)\s+SEV\s+STATUS/);
    expect(list.stdout).toContain('Scan then brute force');
    expect(JSON.parse(runCli(['cases', 'list', '--status', 'closed', '--json', '--data-dir', dir]).stdout)).toEqual([]);
    const show = runCli(['cases', 'show', String(caseId), '--data-dir', dir]);
    expect(show.stdout).toContain(`#${caseId}  Scan then brute force`);
    expect(show.stdout).toMatch(/ipv4\s+203\.0\.113\.45/);
    expect(show.stdout).toContain('Blocked **203.0.113.45**.');
    expect(show.stdout).toContain(', 1 kept record(s)');
    expect(show.stdout).toMatch(/^ {2}record \d+ \S+ \S+ {2}alert \S+ -> \S+ .* sha256 [0-9a-f]{64}$/m);
    const out = path.join(tempDir(), 'case.json');
    expect(runCli(['cases', 'export', String(caseId), '--format', 'json', '--output', out, '--data-dir', dir]).code).toBe(0);
    const doc = JSON.parse(fs.readFileSync(out, 'utf8')) as {
      case: { id: number; alert_count: number };
      alerts: unknown[];
      observables: unknown[];
      timeline: unknown[];
      records: { raw: string }[];
      history: unknown[];
    };
    const firstLine = fs.readFileSync(path.join(repoRoot, 'test/fixtures/eve/alerts.jsonl'), 'utf8').split('\n')[0];
    expect(doc.records.map((r) => r.raw)).toEqual([firstLine]);
    expect(doc.case.id).toBe(caseId);
    expect(doc.alerts).toHaveLength(doc.case.alert_count);
    expect(doc.observables.length).toBeGreaterThan(0);
    expect(doc.history.length).toBeGreaterThan(0);
    const csv = runCli(['cases', 'export', String(caseId), '--format', 'csv', '--data-dir', dir]);
    expect(csv.stdout.trim().split('\r\n')).toHaveLength(doc.case.alert_count + 1);
    const missing = runCli(['cases', 'show', '999', '--data-dir', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('vigil: case 999 does not exist\n');
    expect(runCli(['cases', 'show', 'x', '--data-dir', dir]).code).toBe(2);
  });

  it('writes a case report, verifies it, and names what was altered (exit 1)', async () => {
    const { dir, caseId } = await seeded();
    const out = path.join(tempDir(), 'report');
    const r = runCli(['report', 'case', String(caseId), '--format', 'html,csv', '--output', out, '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^report VR-\d{8}-\d+-[0-9a-f]{6} written to /);
    expect(r.stderr).toContain('writing report: 100%');
    const ok = runCli(['report', 'verify', out]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^verified: \d+ file\(s\) in .* match manifest\.json/);
    fs.appendFileSync(path.join(out, 'report.html'), '<!-- edited -->');
    const bad = runCli(['report', 'verify', out]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('NOT VERIFIED: 1 problem(s)');
    expect(bad.stdout).toMatch(/modified\s+report\.html: size \d+ bytes in the manifest, \d+ now/);
    const again = runCli(['report', 'case', String(caseId), '--format', 'html', '--output', out, '--data-dir', dir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/is not empty/);
  });

  it('writes an alerts summary of a range and a findings report; refuses PDF without Chromium, saying how to get one', async () => {
    const { dir } = await seeded();
    const out = path.join(tempDir(), 'summary');
    const r = runCli(['report', 'alerts', '--since', '2026-11-01T00:00:00Z', '--until', '2026-12-01T00:00:00Z', '--format', 'csv', '--output', out, '--json', '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout) as { query: { kind: string }; files: { path: string }[]; records: { alerts: number } };
    expect(m.query.kind).toBe('alerts');
    expect(m.records.alerts).toBeGreaterThan(0);
    expect(m.files.map((f) => f.path).sort()).toEqual(['alerts.csv', 'attack.csv', 'report.json', 'summary.csv', 'top.csv', 'trend.csv']);
    expect(runCli(['report', 'alerts', '--output', path.join(tempDir(), 'x'), '--data-dir', dir]).stderr).toContain('needs --since');
    const f = runCli(['report', 'findings', '--format', 'html', '--output', path.join(tempDir(), 'f'), '--data-dir', dir]);
    expect(f.code, f.stderr).toBe(0);
    const ff = runCli(['report', 'findings', '--status', 'open,fixed', '--source', 'zap', '--format', 'csv', '--json', '--output', path.join(tempDir(), 'ff'), '--data-dir', dir]);
    expect(ff.code, ff.stderr).toBe(0);
    expect((JSON.parse(ff.stdout) as { query: unknown }).query).toEqual({ kind: 'findings', filter: { status: ['open', 'fixed'], source: ['zap'] } });
    const bad = runCli(['report', 'findings', '--status', 'closed', '--output', path.join(tempDir(), 'fb'), '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--status');
    const nopdf = runCli(['report', 'findings', '--format', 'pdf', '--output', path.join(tempDir(), 'p'), '--data-dir', dir], { CHROMIUM_PATH: '/nonexistent/chrome' });
    expect(nopdf.code).toBe(1);
    expect(nopdf.stderr).toContain('CHROMIUM_PATH is /nonexistent/chrome, which is not an executable file');
    expect(nopdf.stderr).toContain('apt-get install chromium');
    expect(runCli(['report', 'case', '1', '--format', 'docx', '--output', 'x', '--data-dir', dir]).code).toBe(2);
  });

  it.skipIf(!hasChromium)('writes a PDF from the command line', async () => {
    const { dir, caseId } = await seeded();
    const out = path.join(tempDir(), 'pdf');
    const r = runCli(['report', 'case', String(caseId), '--format', 'pdf', '--output', out, '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readdirSync(out).sort()).toEqual(['evidence', 'manifest.json', 'report.json', 'report.pdf']);
    expect(fs.readFileSync(path.join(out, 'report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
