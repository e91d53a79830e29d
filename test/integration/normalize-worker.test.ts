import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { normalizeLine, TimeZone } from '../../main/pipeline/normalize/index.js';
import { packResults, unpackResults } from '../../main/pipeline/normalize/packed.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { BatchCommitter, normalizedAhead } from '../../main/pipeline/sources/commit.js';
import { FileTailDriver } from '../../main/pipeline/sources/file-tail.js';
import { leaseClaim } from '../../main/pipeline/sources/lease.js';
import { SourceSupervisor } from '../../main/pipeline/sources/supervisor.js';
import { fileSourceId } from '../../main/pipeline/runner.js';
import { until } from '../helpers/wait.js';
import { ingestFiles } from '../../main/pipeline/sources/import.js';
import { NormalizeWorker } from '../../main/pipeline/sources/normalize-worker.js';
import { BLOCK_RECORDS, RawBlockPacker, unpackRawBlock, type RawBlocks } from '../../main/store/raw-blocks.js';
import type { RawRecord, SourceBatch } from '../../main/pipeline/sources/types.js';
import type { NormalizeResult } from '../../main/pipeline/types.js';
import { repoRoot, testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const packRawBlocks = (lines: readonly string[]) => new RawBlockPacker().packAll(lines);

/** The worker runs compiled code: the build's (npm test builds first). */
const SCRIPT = path.join(repoRoot, 'dist', 'main', 'pipeline', 'normalize', 'worker-entry.js');
const fixture = (...p: string[]) => path.join(repoRoot, 'test', 'fixtures', ...p);
const linesOf = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);

/** Real EVE shapes, alerts among them, and lines each normalizer refuses for its own reason. */
const EVE_LINES = [
  ...linesOf(fixture('eve', 'records.jsonl')),
  ...linesOf(fixture('eve', 'alerts.jsonl')),
  ...linesOf(fixture('real', 'tenzir-eve.json')),
  '',
  '{"timestamp":"2026-11-21T10:00:00.000000+0000","event_type":"dns"',
  '{"event_type":"flow","src_ip":"10.0.0.1"}',
  '{"timestamp":"2026-11-21T10:00:00+0000","event_type":"Weird Type!","src_ip":"10.0.0.1","flow_id":"not a number"}',
  '[1,2,3]',
  // a NUL inside a string (JSON allows it)
  '{"timestamp":"2026-11-21T10:00:00+0000","event_type":"dns","src_ip":"10.0.0.1","dest_ip":"10.0.0.2","dns":{"rrname":"a\\u0000b.example","rrtype":"A"}}',
  ...linesOf(fixture('real', 'suricata-docs-no-offset.json')),
];

const workers: NormalizeWorker[] = [];
function worker(script = pathToFileURL(SCRIPT)): NormalizeWorker {
  if (!fs.existsSync(SCRIPT)) {
    throw new Error(`${SCRIPT} is missing: run npm run build first`);
  }
  const w = new NormalizeWorker(script);
  workers.push(w);
  return w;
}
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
});

function records(lines: readonly string[], format = 'eve'): RawRecord[] {
  return lines.map((raw, i) => ({ raw, format: format as RawRecord['format'], position: { file: 'f.json', line: i + 1, offset: i * 100 } }));
}

function onMain(recs: readonly RawRecord[], zone: string | null): NormalizeResult[] {
  const opts = { zone: zone === null ? null : TimeZone.of(zone) };
  return recs.map((r) => normalizeLine(r.format, r.raw as string, r.position, opts));
}

describe('normalize worker', () => {
  it('packed results read back as they were, for every kind of result', () => {
    for (const [format, lines] of [
      ['eve', EVE_LINES],
      ['wazuh', linesOf(fixture('wazuh', 'alerts.jsonl'))],
    ] as const) {
      const results = onMain(records(lines, format), 'Europe/Paris');
      const packed = packResults(results);
      if (format === 'eve') {
        expect([...new Set(results.map((r) => r.kind))].sort()).toEqual(['event', 'quarantined', 'skipped']);
        // the common case (a record that is no alert) crosses as flat values, not as an object
        expect(packed.others.length).toBeLessThan(results.length / 2);
      }
      expect(unpackResults(packed, lines)).toEqual(results);
    }
  });

  it('refuses packed results that do not match the lines', () => {
    const results = onMain(records(EVE_LINES.slice(0, 4)), null);
    const packed = packResults(results);
    expect(() => unpackResults({ ...packed, flat: packed.flat.slice(1) }, EVE_LINES)).toThrow(/packed results/);
    expect(() => unpackResults({ ...packed, kinds: packed.kinds.slice(1) }, EVE_LINES)).toThrow(/packed results/);
  });

  it('reads every line as the main thread does, positions included', async () => {
    const w = worker();
    const recs = records(EVE_LINES);
    for (const zone of [null, 'America/New_York']) {
      const got = await w.normalize(recs, zone);
      expect(got?.results).toEqual(onMain(recs, zone));
    }
    const alert = (await w.normalize(recs, null))!.results.find((r) => r?.kind === 'event');
    expect(alert?.kind === 'event' && alert.event.position).toEqual(expect.objectContaining({ file: 'f.json', line: expect.any(Number) }));
    expect(w.failed).toBeNull();
  });

  it('leaves to the main thread what it cannot do', async () => {
    const w = worker();
    const recs = records(EVE_LINES.slice(0, 3));
    const mixed = [...recs, { ...recs[0]!, format: 'wazuh' as const }];
    expect(await w.normalize(mixed, null)).toBeNull();
    const withObject: RawRecord[] = [recs[0]!, { ...recs[1]!, raw: JSON.parse(recs[1]!.raw as string) as Record<string, never> }, { ...recs[2]!, oversize: 'too long' }];
    const got = await w.normalize(withObject, null);
    expect(got?.results.map((r) => r?.kind ?? null)).toEqual(['skipped', null, null]);
    expect(await w.normalize(records(['{}'], 'no-such-format'), null)).toBeNull();
    expect(await w.normalize(recs, 'Not/AZone')).toBeNull();
    expect(w.failed).toBeNull();
  });

  it('a worker that cannot start or has stopped hands every batch back', async () => {
    const broken = worker(pathToFileURL(path.join(tempDir(), 'missing.js')));
    expect(await broken.normalize(records(EVE_LINES.slice(0, 2)), null)).toBeNull();
    expect(broken.failed).not.toBeNull();
    const w = worker();
    await w.close();
    expect(await w.normalize(records(EVE_LINES.slice(0, 2)), null)).toBeNull();
  });
});

/** What a run stored, for comparing runs. */
const dump = (s: Services) => ({
  records: s.db.prepare('SELECT * FROM records ORDER BY id').all(),
  blocks: s.db.prepare('SELECT id, last_id, file, ts_min, ts_max, raw_bytes FROM record_blocks ORDER BY id').all(),
  alerts: s.db.prepare('SELECT id, rule_id, title, severity, count, first_seen, last_seen, src_ip, dst_ip, host FROM alerts ORDER BY id').all(),
  quarantine: s.db.prepare('SELECT reason, line, raw FROM quarantine ORDER BY id').all(),
  raw: storedRaw(s),
});

/** Every stored raw line, block by block. */
function storedRaw(s: Services): string[][] {
  return (s.db.prepare('SELECT data FROM record_raw ORDER BY block').pluck().all() as Buffer[]).map((d) => unpackRawBlock(d));
}

describe('an import with the normalize worker', () => {
  async function importWith(files: string[], w: NormalizeWorker | null, assumeTz: string | null): Promise<Services> {
    const s = await testServices(tempDir());
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    const report = await ingestFiles(pipeline, s.pipelineRepo, files, { format: 'eve', assumeTz, batchLines: 7, worker: w });
    expect(report.failed).toBe(0);
    return s;
  }


  it('stores exactly what an import without it stores', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    // many batches of 7 (each handed over while the one before is stored), alerts that fold
    // together across batches, and bad lines in between
    const lines: string[] = [];
    for (let i = 0; i < 12; i++) lines.push(...EVE_LINES.map((l) => l.replace('2026-11-21T10', `2026-11-21T${String(10 + (i % 10)).padStart(2, '0')}`)));
    fs.writeFileSync(file, `${lines.join('\n')}\n`);
    for (const zone of [null, 'Europe/Paris']) {
      const plain = dump(await importWith([file], null, zone));
      const w = worker();
      const viaWorker = dump(await importWith([file], w, zone));
      expect(w.lines).toBe(lines.length);
      expect(viaWorker.records.length).toBeGreaterThan(300);
      expect(viaWorker.alerts.length).toBeGreaterThan(0);
      expect(viaWorker.quarantine.length).toBeGreaterThan(0);
      expect(viaWorker).toEqual(plain);
    }
  });

  it('stores the worker\'s results (a worker that marks what it quarantined)', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, `${EVE_LINES.join('\n')}\n`);
    const marking = worker(pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'marking-normalize-worker.mjs')));
    const reasons = dump(await importWith([file], marking, null)).quarantine.map((q) => (q as { reason: string }).reason);
    expect(reasons.length).toBeGreaterThan(3);
    expect(reasons.every((r) => r.startsWith('[worker] '))).toBe(true);
  });

  it('a batch normalized before its source changed time zone is read again on the main thread', async () => {
    const s = await testServices(tempDir());
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    s.pipelineRepo.ensureSource('import:a', 'import', 'eve', 'a.json');
    const committer = new BatchCommitter(() => pipeline, s.pipelineRepo, 'import:a', null);
    const recs = records(linesOf(fixture('real', 'suricata-docs-no-offset.json')));
    const inParis = await worker().normalize(recs, 'Europe/Paris');
    expect(inParis?.results[0]?.kind).toBe('event');
    // the source has no zone (the no-offset line is refused); results made for Paris are not used
    expect(committer.commit({ records: recs }, { pre: inParis!, zone: 'Europe/Paris' }).quarantined).toBe(1);
    s.pipelineRepo.setSourceAssumeTz('import:a', 'Europe/Paris');
    expect(committer.commit({ records: recs }, { pre: inParis!, zone: 'Europe/Paris' }).quarantined).toBe(0);
  });

  it('results that do not line up with the batch are refused, and nothing of the batch is stored', async () => {
    const s = await testServices(tempDir());
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    const recs = records(linesOf(fixture('eve', 'records.jsonl')));
    const { results } = (await worker().normalize(recs, null))!;
    expect(() => pipeline.process('import:a', recs.slice(1), { normalized: results })).toThrow(/normalized results for \d+ records given with a batch of \d+/);
    expect(s.db.prepare('SELECT count(*) AS n FROM records').pluck().get()).toBe(0);
    expect(pipeline.process('import:a', recs, { normalized: results }).records).toBe(recs.length);
  });
});

describe('raw lines packed by the worker', () => {
  /** More lines than a block holds, records and alerts among them, and lines that carry no record. */
  const LINES = Array.from({ length: 40 }, () => EVE_LINES).flat();
  const storing = async () => {
    const s = await testServices(tempDir());
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
    return { s, pipeline };
  };
  /** The same lines with one character changed in each (the same sizes): stored only if taken as they are. */
  const marked = (raw: RawBlocks) => packRawBlocks(raw.blocks.flatMap((b) => unpackRawBlock(b.data)).map((l) => l.replace('{', '[')));

  it('packs the lines of the records its results carry, in order, as the record store does', async () => {
    const recs = records(LINES);
    const got = (await worker().normalize(recs, null))!;
    const carried = recs.filter((_, i) => {
      const r = got.results[i];
      return r !== null && r !== undefined && r.kind !== 'quarantined' && r.record !== undefined;
    });
    expect(carried.length).toBeGreaterThan(BLOCK_RECORDS + 1);
    expect(carried.length).toBeLessThan(LINES.length);
    expect(got.raw.records).toBe(carried.length);
    expect(got.raw.blocks.map((b) => unpackRawBlock(b.data).length)).toEqual([BLOCK_RECORDS, carried.length - BLOCK_RECORDS]);
    const lines = carried.map((r) => r.raw as string);
    expect(got.raw.blocks.map((b) => unpackRawBlock(b.data))).toEqual([lines.slice(0, BLOCK_RECORDS), lines.slice(BLOCK_RECORDS)]);
    expect(got.raw.blocks.map((b) => b.rawBytes)).toEqual(packRawBlocks(lines).blocks.map((b) => b.rawBytes));
  });

  it('a batch stores the blocks the worker packed when they are its records\'', async () => {
    const { s, pipeline } = await storing();
    const recs = records(LINES);
    const got = (await worker().normalize(recs, null))!;
    const taken = marked(got.raw);
    pipeline.process('import:a', recs, { normalized: got.results, rawBlocks: taken });
    expect(storedRaw(s)).toEqual(taken.blocks.map((b) => unpackRawBlock(b.data)));
    expect(storedRaw(s).flat().every((l) => l.startsWith('['))).toBe(true);
  });

  it('packs the lines again when the blocks are not the records\' (another count, two files, another size)', async () => {
    const recs = records(LINES);
    const got = (await worker().normalize(recs, null))!;
    const expected = async (batch: RawRecord[], results: (NormalizeResult | null)[], raw: RawBlocks) => {
      const plain = await storing();
      plain.pipeline.process('import:a', batch, { normalized: results });
      const withBlocks = await storing();
      withBlocks.pipeline.process('import:a', batch, { normalized: results, rawBlocks: raw });
      expect(storedRaw(withBlocks.s)).toEqual(storedRaw(plain.s));
      expect(storedRaw(withBlocks.s).flat().some((l) => l.startsWith('['))).toBe(false);
    };
    // a record the worker left to the main thread (handed over as an object), read there: one more
    // record than the worker packed
    const first = got.results.findIndex((r) => r?.kind === 'skipped' && r.record !== undefined);
    const withObject = recs.map((r, i) => (i === first ? { ...r, raw: JSON.parse(r.raw as string) as Record<string, never> } : r));
    const left = (await worker().normalize(withObject, null))!;
    expect(left.results[first]).toBeNull();
    expect(left.raw.records).toBe(got.raw.records - 1);
    await expected(withObject, left.results, marked(left.raw));
    // the batch's lines from two files: two runs
    const twoFiles = recs.map((r, i) => (i < 500 ? r : { ...r, position: { ...r.position, file: 'g.json' } }));
    await expected(twoFiles, got.results, marked(got.raw));
    // blocks of other sizes than the lines'
    const longer = packRawBlocks(got.raw.blocks.flatMap((b) => unpackRawBlock(b.data)).map((l) => `${l} `));
    await expected(recs, got.results, longer);
  });
});

describe('a followed file with the normalize worker', () => {
  it('stores exactly what it stores without the worker, catching up and at the live end, with the worker\'s results', async () => {
    const dumps: ReturnType<typeof dump>[] = [];
    for (const script of [null, pathToFileURL(SCRIPT), pathToFileURL(path.join(repoRoot, 'test', 'helpers', 'marking-normalize-worker.mjs'))]) {
      const dir = tempDir();
      const file = path.join(dir, 'eve.json');
      // behind by many batches of 7 lines (each normalized while the one before is stored)
      const early = Array.from({ length: 4 }, () => EVE_LINES).flat();
      fs.writeFileSync(file, `${early.join('\n')}\n`);
      const s = await testServices(path.join(dir, 'data'));
      const id = fileSourceId('file', file);
      s.pipelineRepo.ensureSource(id, 'file', 'eve', file);
      const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {}, s.now);
      const w = script ? worker(script) : null;
      const sup = new SourceSupervisor({ pipeline: () => pipeline, repo: s.pipelineRepo, claim: leaseClaim('test'), worker: w });
      const done = () => (s.pipelineRepo.getCursor(id) as { offset?: number } | null)?.offset === fs.statSync(file).size;
      sup.start({ id, create: () => new FileTailDriver(s.pipelineRepo, { file, format: 'eve', pollMs: 10, batchLines: 7 }) });
      await until(() => sup.get(id)?.state === 'caught_up' && done());
      // at the live end: lines written while it waits
      fs.appendFileSync(file, `${EVE_LINES.slice(0, 5).join('\n')}\n`);
      await until(() => done());
      await sup.stopAll();
      // every line went to the worker
      if (w) expect(w.lines).toBe(early.length + 5);
      const d = dump(s);
      // each run follows a file of its own folder
      dumps.push({ ...d, blocks: d.blocks.map((b) => ({ ...(b as object), file: path.basename((b as { file: string }).file) })) });
      await s.close();
    }
    const [plain, viaWorker, marked] = dumps;
    expect(viaWorker!.records.length).toBeGreaterThan(150);
    expect(viaWorker).toEqual(plain);
    // the marking worker's results were the ones stored
    const reasons = marked!.quarantine.map((q) => (q as { reason: string }).reason);
    expect(reasons.length).toBeGreaterThan(3);
    expect(reasons.every((r) => r.startsWith('[worker] '))).toBe(true);
  });
});

describe('batches normalized ahead', () => {
  /** A worker that answers on the next turn of the event loop, noting each batch it is given. */
  function fakeWorker(log: string[]): NormalizeWorker {
    return {
      normalize: async (recs: readonly RawRecord[]) => {
        log.push(`normalize ${String(recs[0]!.raw)}`);
        await new Promise((r) => setImmediate(r));
        return { results: recs.map(() => null), raw: { records: 0, blocks: [] } };
      },
    } as unknown as NormalizeWorker;
  }
  const batch = (name: string): SourceBatch => ({ records: records([name]) });
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
  };

  it('hands a batch already read to the worker before the one before it is stored', async () => {
    const log: string[] = [];
    async function* three() {
      for (const b of ['a', 'b', 'c']) yield batch(b);
    }
    for await (const { batch: b, normalized } of normalizedAhead(three(), fakeWorker(log), () => null, 0)) {
      expect(normalized?.pre.results).toHaveLength(1);
      log.push(`store ${String(b.records[0]!.raw)}`);
    }
    expect(log).toEqual(['normalize a', 'normalize b', 'store a', 'normalize c', 'store b', 'store c']);
    // a read that takes a few turns of the event loop (a file's): waited for a moment, then handed over
    for (const waitMs of [0, 50]) {
      const slow: string[] = [];
      async function* reads() {
        for (const b of ['a', 'b']) {
          await new Promise((r) => setTimeout(r, 5));
          yield batch(b);
        }
      }
      for await (const { batch: b } of normalizedAhead(reads(), fakeWorker(slow), () => null, waitMs)) slow.push(`store ${String(b.records[0]!.raw)}`);
      expect(slow, String(waitMs)).toEqual(waitMs ? ['normalize a', 'normalize b', 'store a', 'store b'] : ['normalize a', 'store a', 'normalize b', 'store b']);
    }
  });

  it('at the live end, yields a batch after waiting a moment for the next; an import waits for it', async () => {
    for (const waitMs of [20, Infinity]) {
      let release!: () => void;
      const more = new Promise<void>((r) => (release = r));
      async function* live() {
        yield batch('a');
        await more;
        yield batch('b');
      }
      const got: string[] = [];
      const run = (async () => {
        for await (const { batch: b } of normalizedAhead(live(), fakeWorker([]), () => null, waitMs)) got.push(String(b.records[0]!.raw));
      })();
      if (waitMs === Infinity) {
        await new Promise((r) => setTimeout(r, 100));
        expect(got).toEqual([]);
      } else await until(() => got.length === 1);
      release();
      await run;
      expect(got).toEqual(['a', 'b']);
    }
  });

  it('a failure to read the next batch comes after the batch before it; leaving early does not wait for a pending read', async () => {
    async function* failing() {
      yield batch('a');
      throw new Error('the file went away');
    }
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const { batch: b } of normalizedAhead(failing(), fakeWorker([]), () => null, Infinity)) got.push(String(b.records[0]!.raw));
      })(),
    ).rejects.toThrow('the file went away');
    expect(got).toEqual(['a']);

    let release!: () => void;
    const never = new Promise<void>((r) => (release = r));
    let ended = false;
    async function* waiting() {
      try {
        yield batch('a');
        await never;
        yield batch('b');
      } finally {
        ended = true;
      }
    }
    for await (const { batch: b } of normalizedAhead(waiting(), fakeWorker([]), () => null, 20)) {
      expect(b.records[0]!.raw).toBe('a');
      break;
    }
    // the pending read ends the source once it returns (its signal or its driver's close)
    expect(ended).toBe(false);
    release();
    await turns(5);
    expect(ended).toBe(true);
  });
});
