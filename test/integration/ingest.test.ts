import fs from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createPipeline } from '../../main/pipeline/stages.js';
import { ingestFiles, type ImportOptions } from '../../main/pipeline/sources/import.js';
import { leaseClaim, SourceLeaseHandle } from '../../main/pipeline/sources/lease.js';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const real = (name: string) => path.join(repoRoot, 'test', 'fixtures', 'real', name);

async function setup() {
  const s = await testServices(tempDir());
  const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
  const ingest = (files: string[], opts: Partial<ImportOptions> = {}) => ingestFiles(pipeline, s.pipelineRepo, files, { format: 'auto', ...opts });
  return { s, pipeline, ingest };
}

const count = (s: Services, table: string) => (s.db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

/** n EVE alert lines with distinct seq, timestamps with an offset. */
function alerts(from: number, n: number): string {
  let out = '';
  for (let i = from; i < from + n; i++) {
    out += `${JSON.stringify({
      timestamp: new Date(Date.UTC(2026, 10, 21, 10) + i * 1000).toISOString().replace('Z', '+0000'),
      event_type: i % 5 === 0 ? 'flow' : 'alert',
      src_ip: `198.51.100.${(i % 200) + 1}`,
      dest_ip: '10.0.0.5',
      alert: { signature_id: 2_000_000 + (i % 3), signature: `rule ${i % 3}`, severity: 2 },
      seq: i,
    })}\n`;
  }
  return out;
}

describe('vigil ingest: real output shapes', () => {
  it('counts every non-alert EVE record by type, in the summary and on the source', async () => {
    const { s, ingest } = await setup();
    const r = await ingest([real('tenzir-eve.json')]);
    expect(r.failed).toBe(0);
    expect(r.files[0]).toMatchObject({ status: 'imported', format: 'eve', read: 7, events: 1, skipped: 6, quarantined: 0 });
    const types = { dns: 1, fileinfo: 1, flow: 1, http: 1, netflow: 1, quic: 1 };
    expect(r.skipped_types).toEqual(types);
    expect(s.pipelineRepo.getSource(`import:${real('tenzir-eve.json')}`)!.skipped_types).toEqual(types);
    await s.close();
  });

  it('tells Wazuh alerts.json from eve.json, and refuses a --format that does not match with a hint', async () => {
    const { s, ingest } = await setup();
    const wrong = await ingest([real('wazuh-dfn-alerts.json')], { format: 'eve' });
    expect(wrong.files[0]).toMatchObject({ status: 'failed', error: 'this looks like Wazuh alerts.json; use --format wazuh or auto', read: 0 });
    expect(count(s, 'quarantine')).toBe(0); // nothing was read, nothing quarantined
    const auto = await ingest([real('wazuh-dfn-alerts.json')]);
    expect(auto.files[0]).toMatchObject({ status: 'imported', format: 'wazuh', read: 2, events: 2 });
    const eveAsWazuh = await ingest([real('tenzir-eve.json')], { format: 'wazuh' });
    expect(eveAsWazuh.files[0]!.error).toBe('this looks like Suricata eve.json; use --format eve or auto');
    await s.close();
  });

  it('timestamps without a UTC offset: quarantined with "no UTC offset" and a failure, then read in the zone the source is given', async () => {
    const { s, ingest } = await setup();
    const file = real('suricata-docs-no-offset.json');
    const first = await ingest([file]);
    expect(first.files[0]).toMatchObject({ status: 'failed', read: 1, events: 0, quarantined: 1 });
    expect(first.files[0]!.error).toBe(
      'nothing could be read: all 1 lines were quarantined (e.g. line 1: no UTC offset in timestamp "2009-11-24T21:27:09.534255" (set a time zone for the source)); ' +
        "give the sensor's time zone (--assume-tz Europe/Paris, say) and import it again with --again",
    );
    const fixed = await ingest([file], { assumeTz: 'America/Los_Angeles', again: true });
    expect(fixed.files[0]).toMatchObject({ status: 'imported', events: 1 });
    expect((s.db.prepare('SELECT ts FROM events').get() as { ts: string }).ts).toBe('2009-11-25T05:27:09.534Z'); // PST, -08:00
    expect(s.pipelineRepo.getSource(`import:${file}`)!.assume_tz).toBe('America/Los_Angeles');
    await s.close();
  });
});

describe('vigil ingest: import memory', () => {
  it('the same file twice adds nothing; a grown file adds only its new lines; --again reads it all', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, alerts(0, 50));
    expect((await ingest([file])).files[0]).toMatchObject({ status: 'imported', read: 50 });
    const again = await ingest([file]);
    expect(again).toMatchObject({ read: 0, events: 0, failed: 0 });
    expect(again.files[0]).toMatchObject({ status: 'nothing_new', note: 'already imported, nothing new' });
    expect(count(s, 'events')).toBe(40);
    fs.appendFileSync(file, alerts(50, 10));
    const grown = await ingest([file]);
    expect(grown.files[0]).toMatchObject({ status: 'imported', read: 10, from_line: 51 });
    expect(count(s, 'events')).toBe(48);
    const lines = s.db.prepare('SELECT line FROM events ORDER BY id DESC LIMIT 1').get() as { line: number };
    expect(lines.line).toBe(60);
    const all = await ingest([file], { again: true });
    expect(all.files[0]).toMatchObject({ status: 'imported', read: 60, note: 'imported again from the start (--again)' });
    expect(s.pipelineRepo.getSource(`import:${file}`)).toMatchObject({ lines_read: 120 });
    await s.close();
  });

  it('a file replaced by other content at the same path is read from the start', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, alerts(0, 30));
    await ingest([file]);
    fs.writeFileSync(file, alerts(1000, 40)); // longer, same inode, different first bytes
    const r = await ingest([file]);
    expect(r.files[0]).toMatchObject({ status: 'imported', read: 40, from_line: 1 });
    expect(r.files[0]!.note).toMatch(/^the file is not the one imported before/);
    await s.close();
  });

  it('an interrupted import carries on after its last committed batch: every line stored once', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, alerts(0, 1000));
    const ac = new AbortController();
    const cut = await ingest([file], { batchLines: 100, signal: ac.signal, onBatch: () => ac.abort() });
    expect(cut.files[0]).toMatchObject({ status: 'failed', read: 100 });
    expect(cut.files[0]!.error).toMatch(/^interrupted/);
    const rest = await ingest([file], { batchLines: 100 });
    expect(rest.files[0]).toMatchObject({ status: 'imported', read: 900, from_line: 101 });
    const seqs = (s.db.prepare('SELECT raw FROM events').all() as { raw: string }[]).map((r) => Number(/"seq":(\d+)/.exec(r.raw)![1]));
    expect(seqs).toHaveLength(800);
    expect(new Set(seqs).size).toBe(800);
    await s.close();
  });

  it('another process importing the same file: refused naming it, or waited for', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, alerts(0, 5));
    s.pipelineRepo.ensureSource(`import:${file}`, 'import', 'eve', file);
    const other = new SourceLeaseHandle(s.pipelineRepo, `import:${file}`, leaseClaim('vigil ingest'));
    expect(other.tryAcquire()).toBeNull();
    const refused = await ingest([file]);
    expect(refused.files[0]!.status).toBe('failed');
    expect(refused.files[0]!.error).toMatch(new RegExp(`^${file} is being imported by vigil ingest \\(pid ${process.pid}\\) since .*; use --wait to wait for it$`));
    setTimeout(() => other.release(), 100);
    const waited = await ingest([file], { wait: true, lease: { pollMs: 20 } });
    expect(waited.files[0]).toMatchObject({ status: 'imported', read: 5 });
    await s.close();
  });
});

describe('vigil ingest: gzip', () => {
  it('reads .gz transparently with the line numbers of the content, and remembers it like a plain file', async () => {
    const { s, ingest } = await setup();
    const dir = tempDir();
    const file = path.join(dir, 'eve.json.gz');
    fs.writeFileSync(file, gzipSync(fs.readFileSync(real('tenzir-eve.json'))));
    const r = await ingest([file]);
    expect(r.files[0]).toMatchObject({ status: 'imported', compressed: true, format: 'eve', read: 7, events: 1, skipped: 6 });
    const ev = s.db.prepare('SELECT line, offset FROM events').get();
    expect(ev).toEqual({ line: 1, offset: 0 });
    expect((await ingest([file])).files[0]!.status).toBe('nothing_new');
    // Wazuh's daily ossec-alerts-NN.json.gz; a second gzip member appended (cat more.gz >> file.gz) adds only its lines
    const waz = path.join(dir, 'ossec-alerts-21.json.gz');
    fs.writeFileSync(waz, gzipSync(fs.readFileSync(real('wazuh-dfn-alerts.json'))));
    expect((await ingest([waz])).files[0]).toMatchObject({ format: 'wazuh', read: 2, events: 2 });
    fs.appendFileSync(waz, gzipSync(fs.readFileSync(real('wazuh-dfn-alerts.json')).toString('utf8').split('\n')[0] + '\n'));
    expect((await ingest([waz])).files[0]).toMatchObject({ status: 'imported', read: 1, from_line: 3 });
    await s.close();
  });

  it('a truncated .gz keeps every complete line before the damage, says so, and adds nothing the next time', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json.gz');
    const whole = gzipSync(Buffer.from(alerts(0, 20_000)));
    fs.writeFileSync(file, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const r = await ingest([file], { batchLines: 1000 });
    const out = r.files[0]!;
    expect(out.status).toBe('failed');
    expect(out.read).toBeGreaterThan(5000);
    expect(out.read).toBeLessThan(20_000);
    expect(out.quarantined).toBe(0); // the cut line is not taken for a whole one
    expect(out.error).toBe(`the gzip data is damaged (unexpected end of file: the file is truncated); stopped before line ${out.read + 1}; the ${out.read} lines before it were imported`);
    const seqs = (s.db.prepare('SELECT raw, line FROM events ORDER BY id').all() as { raw: string; line: number }[]).map((e) => [Number(/"seq":(\d+)/.exec(e.raw)![1]), e.line]);
    expect(seqs.every(([seq, line]) => line === seq! + 1)).toBe(true);
    const again = await ingest([file], { batchLines: 1000 });
    expect(again.files[0]).toMatchObject({ status: 'failed', read: 0 });
    expect(count(s, 'events')).toBe(seqs.length);
    await s.close();
  });
});

describe('vigil ingest: several files', () => {
  it('checks every path first: one bad path and nothing is imported, each file has an outcome', async () => {
    const { s, ingest } = await setup();
    const dir = tempDir();
    const good = path.join(dir, 'eve.json');
    fs.writeFileSync(good, alerts(0, 10));
    const garbage = path.join(dir, 'notes.txt');
    fs.writeFileSync(garbage, 'hello\nworld\n');
    const binary = path.join(dir, 'eve.json.bz2');
    fs.writeFileSync(binary, Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41, 0x59, 0x00, 0x26, 0x53, 0x59, 0x0a]));
    const empty = path.join(dir, 'empty.json');
    fs.writeFileSync(empty, '');
    const files = [good, path.join(dir, 'missing.json'), dir, garbage, binary, empty];
    const r = await ingest(files);
    expect(r.files.map((f) => [path.basename(f.file), f.status, f.error])).toEqual([
      ['eve.json', 'not_read', null],
      ['missing.json', 'failed', 'no such file'],
      [path.basename(dir), 'failed', 'is a folder, not a file'],
      ['notes.txt', 'failed', 'could not tell the format: the first lines are neither Suricata eve.json nor Wazuh alerts.json records (give --format to import it anyway)'],
      ['eve.json.bz2', 'failed', 'binary data, not a text log (compressed with something other than gzip?)'],
      ['empty.json', 'nothing_new', null],
    ]);
    expect(r.failed).toBe(4);
    expect(count(s, 'events')).toBe(0);
    expect(s.pipelineRepo.listSources()).toEqual([]);
    const skip = await ingest(files, { skipBad: true });
    expect(skip.files[0]).toMatchObject({ status: 'imported', read: 10 });
    expect(skip.failed).toBe(4);
    await s.close();
  });

  it('refuses to import a file that is followed (its lines would be counted twice)', async () => {
    const { s, ingest } = await setup();
    const file = path.join(tempDir(), 'eve.json');
    fs.writeFileSync(file, alerts(0, 10));
    s.pipelineRepo.ensureSource(`file:${file}`, 'file', 'eve', file);
    const r = await ingest([file]);
    expect(r.files[0]).toMatchObject({ status: 'failed', read: 0 });
    expect(r.files[0]!.error).toMatch(/^this file is a followed source \(vigil tail or the app read it\): importing it too would count its lines twice/);
    await s.close();
  });
});
