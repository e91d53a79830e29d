#!/usr/bin/env node
// The record store's figures (part of `npm run bench`), on the realistic sensor mix of
// sensor-mix.mjs (~1% alerts; flow, dns, tls, http, fileinfo, netflow, anomaly). Phases run in child
// processes so each peak RSS is its own:
//   1. ingest: --lines lines (default 1,000,000) written once to a cached file, imported by Vigil's
//      full pipeline (vigil ingest's code path), every record stored: lines/s, peak RSS, bytes on
//      disk per record (database after a checkpoint, indexes included) next to the raw line's size
//   2. floor: the same file, JSON.parse of every line plus a plain batched insert of the same columns
//      into the same records table (same indexes), nothing else: lines/s; the ratio ingest/floor.
//   3. build: a store of --records records (default 10,000,000 over 7 days) fed straight from the
//      generator through the pipeline (no file: 10M lines are ~6 GB), kept in --cache and reused
//      by later runs (it takes long: see the printed build time); peak RSS
//   4. query: on that store, the four timings of the issue: pivot by flow_id, one host's DNS and
//      HTTP in a one-hour window, group-bys over one day (DNS by name and by client, all by type), the Hunt screen's first rows (first page
//      and histogram of the last 24 hours; the busiest host over the week); each the median of several runs on different keys
//   Ingest and floor run in turns, --rounds times (default 3): each round's ratio is printed, and the
//   round of the median ratio is the figure.
// Usage: node test/bench/records-bench.mjs [--lines N] [--records N] [--cache DIR] [--phases ingest,floor,build,query] [--rounds N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sensorMix, mulberry32 } from './sensor-mix.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    records: { type: 'string', default: '10000000' },
    cache: { type: 'string', default: path.join(os.tmpdir(), 'vigil-records-bench') },
    phases: { type: 'string', default: 'ingest,floor,build,query' },
    rounds: { type: 'string', default: '3' },
  },
});
const DAY = 86_400_000;
const START = Date.UTC(2026, 10, 14);
const SPAN = 7 * DAY;
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);
const cache = path.resolve(values.cache);

function mixFile(lines) {
  const file = path.join(cache, `mix-${lines}.json`);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(cache, { recursive: true });
    const tmp = `${file}.part`;
    const fd = fs.openSync(tmp, 'w');
    for (const chunk of sensorMix({ count: lines, startMs: START, spanMs: SPAN })) fs.writeSync(fd, `${chunk.join('\n')}\n`);
    fs.closeSync(fd);
    fs.renameSync(tmp, file);
  }
  return file;
}

async function fresh(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const { openDatabase } = await import(dist('store/db.js'));
  return (await openDatabase(path.join(dir, 'vigil.db'))).db;
}

function dbBytes(db, dir) {
  db.pragma('wal_checkpoint(TRUNCATE)');
  return fs.statSync(path.join(dir, 'vigil.db')).size;
}

async function phaseIngest() {
  const file = mixFile(Number(values.lines));
  const dir = path.join(cache, 'ingest');
  const db = await fresh(dir);
  const { DEFAULT_SETTINGS } = await import(dist('contract/settings.js'));
  const { createPipeline } = await import(dist('pipeline/stages.js'));
  const { ingestFiles } = await import(dist('pipeline/sources/import.js'));
  const { PipelineRepo } = await import(dist('store/pipeline-repo.js'));
  const { NormalizeWorker } = await import(dist('pipeline/sources/normalize-worker.js'));
  const { Checkpointer } = await import(dist('store/checkpointer.js'));
  const { pipeline } = await createPipeline(db, DEFAULT_SETTINGS, path.join(root, 'resources'), () => {});
  // as `vigil ingest` does: lines normalized on the second core, the log checkpointed by a thread of its own
  const worker = new NormalizeWorker();
  const checkpointer = new Checkpointer(db, path.join(dir, 'vigil.db'), (why) => {
    throw new Error(`checkpoint thread: ${why}`);
  });
  const t0 = performance.now();
  const sum = await ingestFiles(pipeline, new PipelineRepo(db), [file], { format: 'eve', worker });
  const s = (performance.now() - t0) / 1000;
  const inWorker = worker.lines;
  await worker.close();
  await checkpointer.stop();
  const stored = db.prepare('SELECT count(*) AS n FROM records').get().n;
  const bytes = dbBytes(db, dir);
  const raw = fs.statSync(file).size;
  db.close();
  return {
    lines: sum.read,
    records: stored,
    alerts: sum.events,
    seconds: +s.toFixed(1),
    per_s: Math.round(sum.read / s),
    normalized_in_worker: inWorker,
    peak_rss_mb: peakRssMb(),
    bytes_per_record: Math.round(bytes / stored),
    raw_bytes_per_line: Math.round(raw / sum.read),
  };
}

async function phaseFloor() {
  const file = mixFile(Number(values.lines));
  const dir = path.join(cache, 'floor');
  const db = await fresh(dir);
  const readline = await import('node:readline');
  const insert = db.prepare(
    `INSERT INTO records (ts, type, sensor, src, sport, dst, dport, proto, app_proto, flow_id, community_id, s1, s2, s3, s4, s5, s6, s7, n1, n2, n3)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const v4 = (ip) => {
    const p = ip.split('.');
    return Buffer.from([4, +p[0], +p[1], +p[2], +p[3]]);
  };
  const write = db.transaction((rows) => {
    for (const o of rows) {
      const x = o.dns ?? o.http ?? o.tls ?? o.fileinfo ?? o.flow ?? o.netflow ?? o.anomaly ?? o.alert ?? {};
      insert.run(Date.parse(o.timestamp), o.event_type, o.host ?? null, v4(o.src_ip), o.src_port ?? null, v4(o.dest_ip), o.dest_port ?? null, o.proto ?? null,
        o.app_proto ?? null, BigInt.asIntN(64, BigInt(o.flow_id)), o.community_id ?? null,
        x.rrname ?? x.hostname ?? x.sni ?? x.filename ?? x.state ?? x.type ?? x.signature ?? null, x.rrtype ?? x.url ?? x.subject ?? x.sha256 ?? x.reason ?? x.event ?? x.category ?? null,
        x.rcode ?? x.http_method ?? x.issuerdn ?? x.magic ?? null, x.http_user_agent ?? x.ja3?.hash ?? null, x.http_content_type ?? x.ja4 ?? null, x.version ?? null, x.ja3s?.hash ?? null,
        x.status ?? x.size ?? x.bytes_toserver ?? x.bytes ?? x.signature_id ?? null, x.pkts_toserver ?? x.pkts ?? x.severity ?? null, null);
    }
  });
  const t0 = performance.now();
  let n = 0;
  let batch = [];
  const rl = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line) continue;
    // flow_id is a uint64: quoted before parsing, as Vigil does
    batch.push(JSON.parse(line.replace(/"flow_id":(\d+)/, '"flow_id":"$1"')));
    n++;
    if (batch.length === 10000) {
      write(batch);
      batch = [];
    }
  }
  if (batch.length) write(batch);
  const s = (performance.now() - t0) / 1000;
  db.close();
  return { lines: n, seconds: +s.toFixed(1), per_s: Math.round(n / s), peak_rss_mb: peakRssMb() };
}

function storeDir(records) {
  return path.join(cache, `store-${records}`);
}

async function phaseBuild() {
  const records = Number(values.records);
  const dir = storeDir(records);
  const done = path.join(dir, 'complete.json');
  if (fs.existsSync(done)) return { ...JSON.parse(fs.readFileSync(done, 'utf8')), reused: true };
  const db = await fresh(dir);
  const { DEFAULT_SETTINGS } = await import(dist('contract/settings.js'));
  const { createPipeline } = await import(dist('pipeline/stages.js'));
  const { PipelineRepo } = await import(dist('store/pipeline-repo.js'));
  const { pipeline } = await createPipeline(db, DEFAULT_SETTINGS, path.join(root, 'resources'), () => {});
  new PipelineRepo(db).ensureSource('import:bench', 'import', 'eve', null);
  const t0 = performance.now();
  let n = 0;
  let lastReport = t0;
  for (const chunk of sensorMix({ count: records, startMs: START, spanMs: SPAN })) {
    pipeline.process('import:bench', chunk.map((raw, i) => ({ raw, format: 'eve', position: { file: 'bench', line: n + i + 1, offset: null } })), { cursor: { n: n + chunk.length } });
    n += chunk.length;
    if (performance.now() - lastReport > 60_000) {
      lastReport = performance.now();
      process.stderr.write(`build: ${n} records, ${Math.round(n / ((lastReport - t0) / 1000))}/s\n`);
    }
  }
  const s = (performance.now() - t0) / 1000;
  const bytes = dbBytes(db, dir);
  db.close();
  const out = { records: n, seconds: Math.round(s), per_s_incl_generation: Math.round(n / s), peak_rss_mb: peakRssMb(), bytes_per_record: Math.round(bytes / n), db_gb: +(bytes / 1e9).toFixed(2) };
  fs.writeFileSync(done, JSON.stringify(out));
  return out;
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return +s[Math.floor(s.length / 2)].toFixed(1);
}

async function phaseQuery() {
  const records = Number(values.records);
  const dir = storeDir(records);
  if (!fs.existsSync(path.join(dir, 'complete.json'))) throw new Error(`no store of ${records} records in ${dir}: run the build phase`);
  const { openDatabase } = await import(dist('store/db.js'));
  const { db } = await openDatabase(path.join(dir, 'vigil.db'));
  const { RecordsRepo } = await import(dist('store/records-repo.js'));
  const { HuntService } = await import(dist('hunt/service.js'));
  const endMs = START + SPAN;
  const hunt = new HuntService(new RecordsRepo(db), () => new Date(endMs));
  const rnd = mulberry32(99);
  const maxId = db.prepare('SELECT max(id) AS m FROM records').get().m;
  const time = (fn) => {
    const t = performance.now();
    const r = fn();
    return { ms: performance.now() - t, r };
  };
  const iso = (ms) => new Date(ms).toISOString();
  const pick = () => db.prepare("SELECT ts, CAST(flow_id AS TEXT) AS f, src FROM records WHERE id >= ? AND flow_id IS NOT NULL AND type <> 'flow' LIMIT 1").get(1 + Math.floor(rnd() * maxId));
  const { flowIdFromSql } = await import(dist('store/records-query.js'));
  const { blobIp } = await import(dist('store/ipblob.js'));
  const pivot = [];
  const hostHour = [];
  for (let i = 0; i < 15; i++) {
    const p = pick();
    const q = time(() => hunt.query(`flow_id:${flowIdFromSql(p.f)}`, { from: iso(START - DAY), to: iso(endMs + DAY) }, 200, undefined));
    pivot.push(q.ms);
    const ip = blobIp(p.src);
    const h = time(() => hunt.query(`ip:${ip} event_type:(dns OR http)`, { from: iso(p.ts - 1_800_000), to: iso(p.ts + 1_800_000) }, 200, undefined));
    hostHour.push(h.ms);
  }
  // the busiest client (heavy-tailed: the generator's first client) over a whole hour
  const busiest = time(() => hunt.query('ip:10.0.0.1 event_type:(dns OR http)', { from: iso(endMs - 3_600_000), to: iso(endMs) }, 200, undefined));
  const dayFrom = iso(endMs - DAY);
  const dayTo = iso(endMs);
  const groupDns = [];
  const groupSrc = [];
  const groupDnsClient = [];
  for (let i = 0; i < 3; i++) {
    groupDns.push(time(() => hunt.groupBy('event_type:dns | groupby dns.rrname', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    groupSrc.push(time(() => hunt.groupBy('| groupby event_type', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    groupDnsClient.push(time(() => hunt.groupBy('event_type:dns | groupby src_ip', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
  }
  // a day's top talkers: every record by one address (whole hours from the hourly counts; the
  // half-hour-shifted day counts its two partial hours from the records), and by both addresses
  const halfHour = 1_800_000;
  const shifted = { from: iso(endMs - DAY - halfHour), to: iso(endMs - halfHour) };
  const talkers = { src: [], dst: [], srcShifted: [], pair: [] };
  for (let i = 0; i < 3; i++) {
    talkers.src.push(time(() => hunt.groupBy('| groupby src_ip', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    talkers.dst.push(time(() => hunt.groupBy('| groupby dst_ip', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    talkers.srcShifted.push(time(() => hunt.groupBy('| groupby src_ip', shifted, undefined, 100)).ms);
    talkers.pair.push(time(() => hunt.groupBy('| groupby src_ip dst_ip', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
  }
  // a day by port, protocol or sensor (the hourly counts of migration 0021), aligned and shifted
  const kinds = { port: [], portShifted: [], srcPort: [], srcDstPort: [], dstDstPort: [], srcSensor: [], protoPort: [], sensorShifted: [], srcType: [], flowShifted: [], communityShifted: [] };
  for (let i = 0; i < 3; i++) {
    kinds.port.push(time(() => hunt.groupBy('| groupby dst_port', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    kinds.portShifted.push(time(() => hunt.groupBy('| groupby dst_port', shifted, undefined, 100)).ms);
    // source ports: no hourly count, every record of the day read, the ports counted in an array
    kinds.srcPort.push(time(() => hunt.groupBy('| groupby src_port', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    // an address and a port or sensor: each address's values counted from its index entries
    kinds.srcDstPort.push(time(() => hunt.groupBy('| groupby src_ip dst_port', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    kinds.dstDstPort.push(time(() => hunt.groupBy('| groupby dst_ip dst_port', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    kinds.srcSensor.push(time(() => hunt.groupBy('| groupby src_ip sensor', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    kinds.protoPort.push(time(() => hunt.groupBy('| groupby proto dst_port', shifted, undefined, 100)).ms);
    kinds.sensorShifted.push(time(() => hunt.groupBy('event_type:flow | groupby sensor app_proto', shifted, undefined, 100)).ms);
    // one address and the type: each address's types counted from its index entries
    kinds.srcType.push(time(() => hunt.groupBy('| groupby src_ip event_type', { from: dayFrom, to: dayTo }, undefined, 100)).ms);
    // flow and community ids: about a group per record, grouped from the id-bucket indexes
    kinds.flowShifted.push(time(() => hunt.groupBy('| groupby flow_id', shifted, undefined, 100)).ms);
    kinds.communityShifted.push(time(() => hunt.groupBy('| groupby community_id', shifted, undefined, 100)).ms);
  }
  const first = [];
  const histo = [];
  for (let i = 0; i < 3; i++) {
    first.push(time(() => hunt.query('', { from: dayFrom, to: dayTo }, 200, undefined)).ms);
    histo.push(time(() => hunt.histogram('', { from: dayFrom, to: dayTo }, 96)).ms);
  }
  const firstDns = time(() => hunt.query('event_type:dns dns.rrname:*.ru', { from: dayFrom, to: dayTo }, 200, undefined));
  // "hunt this host" (either address) on the busiest host, over the whole week
  const huntHost = [];
  for (let i = 0; i < 3; i++) huntHost.push(time(() => hunt.query('ip:10.0.0.1', { from: iso(START), to: iso(endMs) }, 200, undefined)).ms);
  // the Hosts screen: its first page (as listed, and by record count) and the busiest host's page
  const hostsFirst = [];
  const hostsByRecords = [];
  const hostPage = [];
  for (let i = 0; i < 3; i++) {
    hostsFirst.push(time(() => hunt.hosts({ sort: 'last_seen', limit: 100 })).ms);
    hostsByRecords.push(time(() => hunt.hosts({ sort: 'records', limit: 100 })).ms);
    hostPage.push(time(() => hunt.hostDetail('10.0.0.1', 10)).ms);
  }
  // the alert detail's Evidence section: random alerts, with the default (±5 min) and widest (±24 h) window
  const maxAlert = db.prepare('SELECT max(id) AS m FROM alerts').get().m ?? 0;
  const evidence5m = [];
  const evidence24h = [];
  for (let i = 0; i < (maxAlert ? 15 : 0); i++) {
    const a = db.prepare('SELECT id FROM alerts WHERE id >= ? ORDER BY id LIMIT 1').get(1 + Math.floor(rnd() * maxAlert)).id;
    evidence5m.push(time(() => hunt.evidence(a, 300, 200)).ms);
    evidence24h.push(time(() => hunt.evidence(a, 86_400, 200)).ms);
  }
  const dayCount = db.prepare('SELECT count(*) AS n FROM records WHERE ts >= ? AND ts < ?').get(endMs - DAY, endMs).n;
  db.close();
  return {
    records,
    records_in_last_day: dayCount,
    pivot_flow_id_ms: median(pivot),
    pivot_flow_id_max_ms: +Math.max(...pivot).toFixed(1),
    host_dns_http_1h_ms: median(hostHour),
    host_dns_http_1h_busiest_ms: +busiest.ms.toFixed(1),
    groupby_dns_rrname_1d_ms: median(groupDns),
    groupby_event_type_1d_ms: median(groupSrc),
    groupby_dns_src_ip_1d_ms: median(groupDnsClient),
    groupby_src_ip_1d_ms: median(talkers.src),
    groupby_dst_ip_1d_ms: median(talkers.dst),
    groupby_src_ip_1d_partial_hours_ms: median(talkers.srcShifted),
    groupby_src_ip_dst_ip_1d_ms: median(talkers.pair),
    groupby_dst_port_1d_ms: median(kinds.port),
    groupby_dst_port_1d_partial_hours_ms: median(kinds.portShifted),
    groupby_src_port_1d_ms: median(kinds.srcPort),
    groupby_src_ip_dst_port_1d_ms: median(kinds.srcDstPort),
    groupby_dst_ip_dst_port_1d_ms: median(kinds.dstDstPort),
    groupby_src_ip_sensor_1d_ms: median(kinds.srcSensor),
    groupby_proto_dst_port_1d_partial_hours_ms: median(kinds.protoPort),
    groupby_flow_sensor_app_proto_1d_partial_hours_ms: median(kinds.sensorShifted),
    groupby_src_ip_event_type_1d_ms: median(kinds.srcType),
    groupby_flow_id_1d_partial_hours_ms: median(kinds.flowShifted),
    groupby_community_id_1d_partial_hours_ms: median(kinds.communityShifted),
    hunt_first_rows_24h_ms: median(first),
    hunt_histogram_24h_ms: median(histo),
    hunt_first_rows_dns_ru_24h_ms: +firstDns.ms.toFixed(1),
    hunt_busiest_host_7d_ms: median(huntHost),
    hosts_first_page_ms: median(hostsFirst),
    hosts_first_page_by_records_ms: median(hostsByRecords),
    host_page_busiest_ms: median(hostPage),
    evidence_5m_ms: evidence5m.length ? median(evidence5m) : null,
    evidence_24h_ms: evidence24h.length ? median(evidence24h) : null,
    evidence_24h_max_ms: evidence24h.length ? +Math.max(...evidence24h).toFixed(1) : null,
  };
}

const phases = { ingest: phaseIngest, floor: phaseFloor, build: phaseBuild, query: phaseQuery };

if (values.phase) {
  const out = await phases[values.phase]();
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const results = {};
  const runPhase = (p) => {
    const args = [fileURLToPath(import.meta.url), '--phase', p, '--lines', values.lines, '--records', values.records, '--cache', cache];
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`phase ${p} failed (${r.status})`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const wanted = values.phases.split(',');
  const rounds = Math.max(1, Number(values.rounds));
  const paired = wanted.includes('ingest') && wanted.includes('floor');
  for (const p of wanted) {
    if (paired && p === 'floor') continue;
    if (paired && p === 'ingest') {
      // this machine's speed drifts between runs: ingest and floor alternate, each round a ratio of
      // its own, and the median round is the figure (every round printed)
      const pairs = [];
      for (let i = 0; i < rounds; i++) {
        const floor = runPhase('floor');
        const ingest = runPhase('ingest');
        pairs.push({ ingest, floor, ratio: ingest.per_s / floor.per_s });
        console.log(`round ${i + 1}: ingest ${JSON.stringify(ingest)}`);
        console.log(`round ${i + 1}: floor ${JSON.stringify(floor)}; ratio ${(ingest.per_s / floor.per_s).toFixed(2)}`);
      }
      const mid = [...pairs].sort((a, b) => a.ratio - b.ratio)[Math.floor(pairs.length / 2)];
      results.ingest = mid.ingest;
      results.floor = mid.floor;
      results.ratios = pairs.map((x) => +x.ratio.toFixed(2));
      continue;
    }
    results[p] = runPhase(p);
    console.log(`${p}: ${JSON.stringify(results[p])}`);
  }
  if (results.ingest && results.floor) {
    const rounds = results.ratios ? ` (median of ${results.ratios.length} rounds: ${results.ratios.join(', ')})` : '';
    console.log(`record store ingest: ${results.ingest.per_s} lines/s, ${(results.ingest.per_s / results.floor.per_s).toFixed(2)} of the floor (${results.floor.per_s} lines/s)${rounds}; ` +
      `${results.ingest.bytes_per_record} bytes/record on disk vs ${results.ingest.raw_bytes_per_line} bytes/raw line; peak RSS ${results.ingest.peak_rss_mb} MB`);
  }
}
