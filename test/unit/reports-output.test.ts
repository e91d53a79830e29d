import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReportOutput, safeName } from '../../main/reports/output.js';
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
