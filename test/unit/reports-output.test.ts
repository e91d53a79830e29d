import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportOutput, safeName } from '../../main/reports/output.js';
import { ReportWriter } from '../../main/reports/builder.js';
import { tempDir } from '../helpers/tmp.js';

const warnings: Error[] = [];
const onWarning = (w: Error) => warnings.push(w);

afterEach(() => {
  process.off('warning', onWarning);
  warnings.length = 0;
});

describe('report output', () => {
  it('waits for drain on a large file without piling up listeners, and hashes exactly the bytes written', async () => {
    process.on('warning', onWarning);
    const out = ReportOutput.open(path.join(tempDir(), 'r'));
    const sink = out.file('big.csv', 'text/csv');
    const chunk = `${'é,"x"'.repeat(13_000)}\r\n`; // ~80 KB, over the stream's buffer every time
    const hash = crypto.createHash('sha256');
    for (let i = 0; i < 200; i++) {
      await sink.write(chunk);
      hash.update(chunk, 'utf8');
    }
    const entry = await sink.end();
    expect(entry.sha256).toBe(hash.digest('hex'));
    expect(entry.size).toBe(Buffer.byteLength(chunk) * 200);
    // one listener per wait, removed after it: no MaxListenersExceededWarning
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
    out.add(entry);
    await out.commit((files) => ({ files }));
    expect(fs.readdirSync(out.dir).sort()).toEqual(['big.csv', 'manifest.json']);
  });

  it('refuses a directory that holds files, keeps file names inside the report, and abort removes everything', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'old.pdf'), 'x');
    expect(() => ReportOutput.open(dir)).toThrow(/not empty \(old\.pdf\)/);
    const out = ReportOutput.open(path.join(dir, 'new'));
    expect(() => out.file('../escape.txt', 'text/plain')).toThrow(/leave the report directory/);
    expect(safeName('../../etc/passwd')).toBe('etc_passwd');
    expect(safeName('résumé (final).txt')).toBe('resume_final_.txt');
    out.file('a.txt', 'text/plain');
    out.abort();
    expect(fs.readdirSync(path.join(dir, 'new'))).toEqual([]);
  });
});

describe('print passes', () => {
  it('cut at row boundaries; a table split between passes starts again with its header, and an ended one does not', async () => {
    const out = ReportOutput.open(path.join(tempDir(), 'r'));
    const w = new ReportWriter(out, new Set(['pdf']), () => undefined, undefined, 'T', 2);
    await w.write('<h1>start</h1>');
    await w.tableStart('<table><thead>H1</thead><tbody>');
    for (const r of ['a', 'b', 'c']) await w.rows(`<tr>${r}</tr>`);
    await w.tableEnd(); // pass 2 holds c
    await w.tableStart('<table><thead>H2</thead><tbody>');
    await w.rows('<tr>d</tr>');
    await w.tableEnd(); // the pass is full exactly at the table's end: pass 3 must not open H2 again
    await w.write('<p>end</p>');
    await w.close();
    const passes = w.passFiles().map((f) => fs.readFileSync(out.partialPath(f), 'utf8'));
    expect(passes).toHaveLength(3);
    expect(passes[0]).toContain('<tr>a</tr><tr>b</tr></tbody></table>');
    expect(passes[1]).toMatch(/<body>\n<table><thead>H1<\/thead><tbody><tr>c<\/tr><\/tbody><\/table>\n<table><thead>H2<\/thead><tbody><tr>d<\/tr>/);
    expect(passes[2]).not.toContain('H2');
    expect(passes[2]).not.toContain('</table>');
    expect(passes[2]).toContain('<p>end</p>');
    // report.html itself is one document with every row
    const html = fs.readFileSync(out.partialPath('report.html'), 'utf8');
    expect(html).toBe('<h1>start</h1><table><thead>H1</thead><tbody><tr>a</tr><tr>b</tr><tr>c</tr></tbody></table>\n<table><thead>H2</thead><tbody><tr>d</tr></tbody></table>\n<p>end</p>');
    out.abort();
  });
});
