#!/usr/bin/env node
// `npm run bench`: the pipeline's speed and memory, each figure next to a baseline measured in the
// same run. Phases run in separate child processes so each peak RSS is its own.
//   1. generate a seeded 1,000,000-line EVE file: 20 signatures, 5,500 sources (heavy-tailed), 160
//      targets, 10% non-alert records; each source fires a few signatures at a few targets, one in
//      four sweeps targets at random (see generate())
//   2. Vigil's full pipeline on the file (vigil ingest's code path)
//   3. floor: JSON.parse of every line + a plain batched insert of the same rows the pipeline
//      stored (exported untimed) into a fresh SQLite file with the same schema and indexes; and,
//      for reference, JSON.parse + one event row per line
//   4. follow latency: a writer appends at 5,000 events/s; ingest-to-stored latency per line
//   5. (phase gzip, not by default) the same import from the file gzipped (vigil ingest eve.json.gz)
//   6. back-fill: the Wazuh simulator (a child, bundled with esbuild) holds --alerts alerts over the
//      last 23 h and writes the same alerts' _source as one alerts.json; Vigil imports that file (the
//      file ingest), then a Vigil app (createApp, run) back-fills them from the simulator's indexer
//      (supervisor, indexer driver, one transaction per page): alerts/s of both, their ratio, peak
//      RSS, and the stored _ids checked against the index (none lost, none twice)
//   7. (phase indexes, not by default) what each index and trigger of the alerts list (migration
//      0008) costs: --index-alerts seeded alerts inserted with none of them, with each alone and
//      with all, each into a fresh database: alerts/s, µs per alert over none, and the file size
//   8. playbooks: 50 enabled playbooks' triggers evaluated over every alert write of phase 2's
//      database (the outbox, in the batches the live app reads), time next to phase 2's pipeline
//      time (goal < 10%); and a webhook step run end to end against a local receiver (run row,
//      step marks, POST, log) next to a bare POST to the same receiver: p50/p99 (goal overhead p99 <= 50 ms)
// Usage: node test/bench/pipeline-bench.mjs [--lines N] [--rate N] [--follow-seconds S] [--keep]
//        [--phases pipeline,floor,follow,backfill,playbooks,gzip,indexes] [--batch N (lines per import batch)]
//        [--alerts N (back-fill, default 200000)] [--page-size N (indexer hits per request)] [--index-alerts N]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { pipeline as pump } from 'node:stream/promises';
import { createGzip } from 'node:zlib';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    file: { type: 'string' },
    dir: { type: 'string' },
    lines: { type: 'string', default: '1000000' },
    rate: { type: 'string', default: '5000' },
    'follow-seconds': { type: 'string', default: '20' },
    keep: { type: 'boolean', default: false },
    src: { type: 'string' },
    phases: { type: 'string', default: 'pipeline,floor,follow,backfill,playbooks' },
    batch: { type: 'string' },
    format: { type: 'string', default: 'eve' },
    alerts: { type: 'string', default: '200000' },
    // the connector's default page size unless given
    'page-size': { type: 'string' },
    bundle: { type: 'string' },
    url: { type: 'string' },
    pin: { type: 'string' },
    'index-alerts': { type: 'string', default: '200000' },
    variant: { type: 'string' },
  },
});

// ---------- data ----------
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const SIGNATURES = [
  [2001219, 'ET SCAN Potential SSH Scan', 'Attempted Information Leak', 2, 22],
  [2010935, 'ET SCAN Suspicious inbound to MSSQL port 1433', 'Potentially Bad Traffic', 2, 1433],
  [2006446, 'ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT', 'Web Application Attack', 1, 80],
  [2011042, 'ET WEB_SERVER MYSQL SELECT CONCAT SQL Injection Attempt', 'Web Application Attack', 1, 443],
  [2019401, 'ET POLICY Vulnerable Java Version 1.8.x Detected', 'Potential Corporate Privacy Violation', 1, 80],
  [2027865, 'ET INFO Observed DNS Query to .cloud TLD', 'Potentially Bad Traffic', 2, 53],
  [2013028, 'ET POLICY curl User-Agent Outbound', 'Attempted Information Leak', 2, 80],
  [2022973, 'ET MALWARE Possible Zbot Activity Common Download Struct', 'A Network Trojan was detected', 1, 80],
  [2018959, 'ET POLICY PE EXE or DLL Windows file download HTTP', 'Potential Corporate Privacy Violation', 1, 80],
  [2402000, 'ET DROP Dshield Block Listed Source', 'Misc Attack', 2, 445],
  [2100498, 'GPL ATTACK_RESPONSE id check returned root', 'Potentially Bad Traffic', 2, 80],
  [2008578, 'ET SCAN Sipvicious Scan', 'Attempted Information Leak', 2, 5060],
  [2001569, 'ET SCAN Behavioral Unusual Port 445 traffic Potential Scan or Infection', 'Misc activity', 3, 445],
  [2024792, 'ET CNC Feodo Tracker Reported CnC Server group 1', 'A Network Trojan was detected', 1, 443],
  [2016149, 'ET INFO Session Traversal Utilities for NAT (STUN Binding Request)', 'Attempted User Privilege Gain', 2, 3478],
  [2012887, 'ET POLICY Http Client Body contains pass= in cleartext', 'Potential Corporate Privacy Violation', 1, 80],
  [2210045, 'SURICATA STREAM Packet with invalid ack', 'Generic Protocol Command Decode', 3, 443],
  [2221010, 'SURICATA HTTP unable to match response to request', 'Generic Protocol Command Decode', 3, 80],
  [2030358, 'ET EXPLOIT Possible Apache Struts OGNL Expression Injection', 'Attempted Administrator Privilege Gain', 1, 8080],
  [2025275, 'ET DOS Possible NTP DDoS Inbound Frequent Un-Authed MON_LIST Requests', 'Attempted Denial of Service', 2, 123],
];
function generate(file, lines) {
  const rnd = mulberry32(1337);
  const fd = fs.openSync(file, 'w');
  const t0 = Date.UTC(2026, 10, 21, 0, 0, 0);
  let buf = '';
  for (let i = 0; i < lines; i++) {
    const ts = new Date(t0 + i * 20).toISOString().replace('Z', '123+0000');
    // Shaped like IDS output: a source (heavy-tailed over 5,000 external and 500 internal hosts)
    // fires a few signatures of its own at a few targets of its own, and 1 source in 4 picks
    // targets at random (sweeps), so grouping by rule + source + destination folds a lot but not all.
    const external = rnd() < 0.65;
    const who = external ? Math.floor(5000 * rnd() ** 2.5) : Math.floor(500 * rnd() ** 2);
    const src = external ? `${45 + (who % 150)}.${(who * 7) % 256}.${(who * 13) % 256}.${1 + (who % 250)}` : `10.0.${4 + (who % 4)}.${1 + (who % 250)}`;
    const sweeper = who % 4 === 0;
    const target = sweeper ? Math.floor(rnd() * 160) : (who * 31 + Math.floor(rnd() * 3) * 17) % 160;
    const dst = `10.0.${target % 4}.${1 + Math.floor(target / 4)}`;
    const flow = `${BigInt(Math.floor(rnd() * 2 ** 52)) * 4099n + 9007199254740993n}`;
    if (rnd() < 0.1) {
      buf += `{"timestamp":"${ts}","flow_id":${flow},"in_iface":"eth0","event_type":"${rnd() < 0.5 ? 'flow' : 'dns'}","src_ip":"${src}","src_port":${1024 + Math.floor(rnd() * 60000)},"dest_ip":"${dst}","dest_port":53,"proto":"UDP"}\n`;
    } else {
      const [sid, sig, cat, sev, port] = SIGNATURES[(who * 7 + Math.floor(rnd() * 3) * 5) % SIGNATURES.length];
      buf += `{"timestamp":"${ts}","flow_id":${flow},"in_iface":"eth0","event_type":"alert","src_ip":"${src}","src_port":${1024 + Math.floor(rnd() * 60000)},"dest_ip":"${dst}","dest_port":${port},"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":${sid},"rev":3,"signature":"${sig}","category":"${cat}","severity":${sev},"metadata":{"updated_at":["2024_01_01"]}},"app_proto":"http","flow":{"pkts_toserver":${1 + Math.floor(rnd() * 20)},"pkts_toclient":${Math.floor(rnd() * 20)},"bytes_toserver":${60 + Math.floor(rnd() * 9000)},"bytes_toclient":${Math.floor(rnd() * 9000)},"start":"${ts}"}}\n`;
    }
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
}

const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 1024);

async function openFresh(dir) {
  const { openDatabase } = await import(dist('store/db.js'));
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  return (await openDatabase(path.join(dir, 'vigil.db'))).db;
}

// ---------- phases (each in its own process) ----------
async function phaseFloor(file, dir) {
  const db = await openFresh(dir);
  const { readLines } = await import(dist('pipeline/sources/file-lines.js'));
  const insert = db.prepare(
    `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, rule_id, title, src_ip, src_port, dst_ip, dst_port,
       proto, threat_type, technique_ids, risk_score, flow_id, suppressed_by, file, line, offset, raw)
     VALUES (NULL, 'floor', 'suricata', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unknown', '[]', 0, ?, NULL, ?, ?, ?, ?)`,
  );
  const t0 = performance.now();
  let n = 0;
  for await (const batch of readLines(file, { final: true, batchLines: 5000 })) {
    const now = new Date().toISOString();
    db.transaction(() => {
      for (const l of batch.lines) {
        const o = JSON.parse(l.text);
        const a = o.alert;
        insert.run(o.timestamp, now, a ? String(a.severity) : 'info', a ? `1:${a.signature_id}` : null, a ? a.signature : o.event_type, o.src_ip, o.src_port, o.dest_ip, o.dest_port, o.proto, String(o.flow_id), file, l.line, l.offset, l.text);
        n++;
      }
    })();
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return { lines: n, seconds: s, per_s: Math.round(n / s), peak_rss_mb: peakRssMb() };
}

/**
 * The floor as the issue defines it: JSON.parse of every line plus a plain batched insert of THE
 * SAME ROWS Vigil stored (events, alerts, alert_details, alerts_fts, alert_outbox) into a fresh
 * file with the same schema and indexes. The rows are exported from the pipeline's database
 * before the clock starts; each transaction carries the events of 10,000 lines (the pipeline's import batch) and the alerts
 * those events created, like the pipeline's own batches.
 */
async function phaseFloorSameRows(file, dir, srcDb) {
  const Database = (await import('better-sqlite3')).default;
  const src = new Database(srcDb, { readonly: true });
  const events = src.prepare('SELECT * FROM events ORDER BY id').raw().all();
  const evCols = src.prepare('SELECT * FROM events LIMIT 1').columns().map((c) => c.name);
  // generated columns (severity_rank, priority_rank, ...: hidden 2 or 3) are computed, not inserted
  const alertCols = src.pragma('table_xinfo(alerts)').filter((c) => c.hidden === 0).map((c) => c.name);
  const alerts = src.prepare(`SELECT ${alertCols.join(', ')}, (SELECT min(e.id) FROM events e WHERE e.alert_id = alerts.id) AS first_event FROM alerts ORDER BY id`).raw().all();
  const details = new Map(src.prepare('SELECT * FROM alert_details').raw().all().map((r) => [r[0], r]));
  const outbox = src.prepare('SELECT alert_id, kind, ts FROM alert_outbox ORDER BY seq').raw().all();
  src.close();
  const db = await openFresh(dir);
  const rawIdx = evCols.indexOf('raw');
  const insEvent = db.prepare(`INSERT INTO events (${evCols.join(', ')}) VALUES (${evCols.map(() => '?').join(', ')})`);
  const insAlert = db.prepare(`INSERT INTO alerts (${alertCols.join(', ')}) VALUES (${alertCols.map(() => '?').join(', ')})`);
  const insDetails = db.prepare('INSERT INTO alert_details (alert_id, confidence, detection, score_terms, enrichment) VALUES (?, ?, ?, ?, ?)');
  const insFts = db.prepare('INSERT INTO alerts_fts (rowid, title, rule_id, ips, raw) VALUES (?, ?, ?, ?, ?)');
  const insOutbox = db.prepare('INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (?, ?, ?)');
  const col = (name) => alertCols.indexOf(name);
  const [cId, cTitle, cRule, cSrc, cDst] = ['id', 'title', 'rule_id', 'src_ip', 'dst_ip'].map(col);
  const rawById = new Map();
  const { readLines } = await import(dist('pipeline/sources/file-lines.js'));
  const t0 = performance.now();
  let n = 0;
  let ei = 0;
  let ai = 0;
  let oi = 0;
  for await (const batch of readLines(file, { final: true, batchLines: 10000 })) {
    for (const l of batch.lines) JSON.parse(l.text);
    n += batch.lines.length;
    const lastOffset = batch.lines[batch.lines.length - 1].offset;
    db.transaction(() => {
      const firstEv = ei;
      while (ei < events.length && events[ei][evCols.indexOf('offset')] <= lastOffset) {
        const row = events[ei++];
        rawById.set(row[0], row[rawIdx]);
      }
      const lastEventId = events[ei - 1]?.[0] ?? 0;
      // alerts first (events reference them), as the pipeline does
      while (ai < alerts.length && (alerts[ai].at(-1) ?? 0) <= lastEventId) {
        const a = alerts[ai++];
        insAlert.run(a.slice(0, -1));
        const d = details.get(a[cId]);
        if (d) insDetails.run(d);
        insFts.run(a[cId], a[cTitle], a[cRule] ?? '', [a[cSrc], a[cDst]].filter(Boolean).join(' '), String(rawById.get(a.at(-1)) ?? '').slice(0, 1024));
      }
      for (let k = firstEv; k < ei; k++) insEvent.run(events[k]);
      const share = Math.round((outbox.length * ei) / Math.max(1, events.length));
      for (; oi < share; oi++) insOutbox.run(outbox[oi]);
    })();
    rawById.clear();
  }
  const s = (performance.now() - t0) / 1000;
  db.close();
  return { lines: n, seconds: s, per_s: Math.round(n / s), peak_rss_mb: peakRssMb(), rows: { events: events.length, alerts: alerts.length, outbox: outbox.length } };
}

async function phasePipeline(file, dir) {
  const db = await openFresh(dir);
  const { DEFAULT_SETTINGS } = await import(dist('contract/settings.js'));
  const { createPipeline } = await import(dist('pipeline/stages.js'));
  const { ingestFiles } = await import(dist('pipeline/sources/import.js'));
  const { PipelineRepo } = await import(dist('store/pipeline-repo.js'));
  const { pipeline } = await createPipeline(db, DEFAULT_SETTINGS, path.join(root, 'resources'), () => {});
  const t0 = performance.now();
  const sum = await ingestFiles(pipeline, new PipelineRepo(db), [file], { format: values.format, ...(values.batch ? { batchLines: Number(values.batch) } : {}) });
  const s = (performance.now() - t0) / 1000;
  const m = pipeline.metrics.snapshot();
  const alerts = db.prepare('SELECT count(*) AS n FROM alerts').get().n;
  db.close();
  return { lines: sum.read, events: sum.events, alerts, seconds: s, per_s: Math.round(sum.read / s), peak_rss_mb: peakRssMb(), stage_ms_per_1k: m.stage_ms_per_1k, summary: sum };
}

/** 50 playbooks with the kinds of conditions analysts write; a few match the bench's traffic. */
function benchPlaybooks() {
  const docs = [];
  for (let i = 0; i < 50; i++) {
    const alert =
      i % 10 === 0 ? { source: ['suricata'], min_count: 20 }
      : i % 5 === 0 ? { severity_min: 'critical', threat_type: ['brute_force'] }
      : i % 5 === 1 ? { rule: [`1:${9_000_000 + i}`, `1:${9_100_000 + i}`] }
      : i % 5 === 2 ? { src_ip: [`198.18.${i}.0/24`, `100.64.${i}.0/24`], severity_min: 'high' }
      : i % 5 === 3 ? { technique: [`T${1000 + i}`], priority: ['P1'] }
      : { host: [`host-${i}`], min_count: 1000 };
    docs.push({ id: `bench-${i}`, name: `Bench ${i}`, enabled: true, trigger: { alert: { on: ['created', 'updated'], ...alert } }, rate_limit: { max_runs: 5, per_minutes: 60 }, steps: [{ id: 'n', type: 'note', text: 'bench {{alert.id}}' }] });
  }
  return docs;
}

async function openBenchApp(dir) {
  const { createApp } = await import(dist('core/app.js'));
  const { MemorySettingsBackend } = await import(dist('core/settings.js'));
  const { MemoryVault } = await import(dist('secrets/vault.js'));
  return createApp({ dataDir: dir, resourcesDir: path.join(root, 'resources'), mode: 'headless', appName: 'Vigil', appVersion: 'bench', electronVersion: null, settingsBackend: new MemorySettingsBackend(), processName: `bench:${process.pid}`, secrets: new MemoryVault() });
}

function pct(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

async function phasePlaybooks(dir) {
  const app = await openBenchApp(dir);
  for (const d of benchPlaybooks()) app.playbooks.save(JSON.stringify(d), 'json', 'bench');
  const db = app.services.db;
  db.prepare("INSERT INTO playbook_state (key, value) VALUES ('trigger_cursor', '0') ON CONFLICT (key) DO UPDATE SET value = '0'").run();
  const outbox = db.prepare("SELECT count(*) AS n FROM alert_outbox WHERE kind IN ('new', 'updated')").get().n;
  const t0 = performance.now();
  const fig = app.playbooks.evaluate(2000);
  const evalS = (performance.now() - t0) / 1000;
  await app.playbooks.idle();
  // webhook step end to end vs a bare POST, against a local receiver
  const http = await import('node:http');
  const server = http.createServer((req, res) => req.resume().on('end', () => res.end('{"ok":true}')));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${server.address().port}/hook`;
  const { postWebhook } = await import(dist('notify/webhook.js'));
  app.playbooks.save(JSON.stringify({ id: 'bench-hook', name: 'Bench hook', steps: [{ id: 'h', type: 'webhook', url, retries: 0 }] }), 'json', 'bench');
  const alertId = db.prepare('SELECT id FROM alerts ORDER BY id DESC LIMIT 1').get().id;
  const n = 300;
  const bare = [];
  const step = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    await postWebhook({ url, body: '{"alert":1}', headers: {}, timeoutMs: 5000, retries: 0 });
    bare.push(performance.now() - t);
    t = performance.now();
    const run = await app.playbooks.runManual('bench-hook', alertId, 'bench');
    if (run.status !== 'succeeded') throw new Error(`webhook run ${run.status}: ${run.error}`);
    step.push(performance.now() - t);
  }
  server.close();
  await app.close();
  bare.sort((a, b) => a - b);
  step.sort((a, b) => a - b);
  const r = (x) => Number(x.toFixed(2));
  return {
    playbooks: 50,
    outbox_rows: outbox,
    alerts_evaluated: fig.alerts,
    matched: fig.matched,
    runs_started: fig.started,
    eval_seconds: evalS,
    webhook: { n, bare_p50_ms: r(pct(bare, 50)), bare_p99_ms: r(pct(bare, 99)), step_p50_ms: r(pct(step, 50)), step_p99_ms: r(pct(step, 99)), overhead_p99_ms: r(pct(step, 99) - pct(bare, 99)) },
    peak_rss_mb: peakRssMb(),
  };
}

/** Migration 0008's indexes and triggers, by name, with the SQL that creates each. */
async function listIndexObjects(dir) {
  const { openDatabase } = await import(dist('store/db.js'));
  const { MIGRATIONS } = await import(dist('store/migrations/index.js'));
  fs.mkdirSync(dir, { recursive: true });
  const { db } = await openDatabase(path.join(dir, 'probe.db'), { migrations: MIGRATIONS.filter((m) => m.version < 8) });
  const names = () => new Set(db.prepare("SELECT name FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL").all().map((r) => r.name));
  const before = names();
  MIGRATIONS.find((m) => m.version === 8).up(db);
  const objects = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') AND sql IS NOT NULL").all().filter((o) => !before.has(o.name));
  db.close();
  return objects;
}

/** Inserts --index-alerts seeded alerts into a fresh database that keeps only `variant`'s objects. */
async function phaseIndexes(dir, variant) {
  const objects = await listIndexObjects(path.join(dir, 'probe'));
  const db = await openFresh(path.join(dir, 'db'));
  for (const o of objects) {
    if (variant !== 'all' && o.name !== variant) db.exec(`DROP ${o.type.toUpperCase()} ${o.name}`);
  }
  const { AlertsRepo } = await import(dist('store/alerts-repo.js'));
  const repo = new AlertsRepo(db, null);
  const rnd = mulberry32(8);
  const pick = (xs) => xs[Math.floor(rnd() * xs.length)];
  const t0 = Date.UTC(2026, 10, 21);
  const n = Number(values['index-alerts']);
  const BATCH = 500;
  let took = 0;
  for (let done = 0; done < n; done += BATCH) {
    const batch = Array.from({ length: Math.min(BATCH, n - done) }, () => {
      const first = t0 + Math.floor(rnd() * 7 * 86_400_000);
      return {
        source: pick(['suricata', 'wazuh']),
        severity: pick(['info', 'low', 'medium', 'high', 'critical']),
        priority: pick(['P1', 'P2', 'P3', 'P4']),
        title: pick(SIGNATURES)[1],
        rule_id: String(Math.floor(rnd() * 50)),
        src_ip: `203.0.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}`,
        src_port: null,
        dst_ip: `10.0.0.${Math.floor(rnd() * 256)}`,
        dst_port: 22,
        proto: 'TCP',
        first_seen: new Date(first).toISOString(),
        last_seen: new Date(first + Math.floor(rnd() * 3_600_000)).toISOString(),
        count: 1 + Math.floor(rnd() ** 4 * 2000),
        risk_score: Math.floor(rnd() * 101),
        technique_ids: pick([[], ['T1110.001'], ['T1046'], ['T1190', 'T1059']]),
        tags: [],
      };
    });
    const t = performance.now();
    repo.insertMany(batch);
    took += performance.now() - t;
  }
  db.close();
  const size = fs.statSync(path.join(dir, 'db', 'vigil.db')).size + (fs.existsSync(path.join(dir, 'db', 'vigil.db-wal')) ? fs.statSync(path.join(dir, 'db', 'vigil.db-wal')).size : 0);
  return { variant, alerts: n, seconds: took / 1000, per_s: Math.round(n / (took / 1000)), us_per_alert: (took * 1000) / n, db_mb: size / 1e6, names: objects.map((o) => o.name) };
}

async function phaseFollow(dir, rate, seconds) {
  const db = await openFresh(dir);
  const { DEFAULT_SETTINGS } = await import(dist('contract/settings.js'));
  const { createPipeline } = await import(dist('pipeline/stages.js'));
  const { FileTailDriver } = await import(dist('pipeline/sources/file-tail.js'));
  const { BatchCommitter } = await import(dist('pipeline/sources/commit.js'));
  const { PipelineRepo } = await import(dist('store/pipeline-repo.js'));
  const { pipeline } = await createPipeline(db, DEFAULT_SETTINGS, path.join(root, 'resources'), () => {});
  const repo = new PipelineRepo(db);
  const file = path.join(dir, 'follow.json');
  fs.writeFileSync(file, '');
  // the app's path: the followed-file driver, each batch committed with its cursor
  const driver = new FileTailDriver(repo, { file, format: 'eve', pollMs: 20, batchLines: 5000 });
  repo.ensureSource(driver.sourceId, 'file', 'eve', file);
  const committer = new BatchCommitter(() => pipeline, repo, driver.sourceId, null);
  const rnd = mulberry32(7);
  const latencies = [];
  let written = 0;
  const total = rate * seconds;
  const start = performance.now();
  const fd = fs.openSync(file, 'a');
  // writer: every 10 ms, append what is due; each line carries its write time
  const writer = setInterval(() => {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    let chunk = '';
    const now = performance.timeOrigin + performance.now();
    for (; written < due; written++) {
      const [sid, sig, cat, sev, port] = SIGNATURES[Math.floor(rnd() * SIGNATURES.length)];
      chunk += `{"timestamp":"${new Date().toISOString().replace('Z', '000+0000')}","flow_id":${9007199254740993n + BigInt(written)},"event_type":"alert","src_ip":"45.${Math.floor(rnd() * 256)}.${Math.floor(rnd() * 256)}.7","src_port":4444,"dest_ip":"10.0.0.${1 + (written % 40)}","dest_port":${port},"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":${sid},"rev":1,"signature":"${sig}","category":"${cat}","severity":${sev}},"bench_written_ms":${now.toFixed(3)}}\n`;
    }
    if (chunk) fs.writeSync(fd, chunk);
  }, 10);
  const ac = new AbortController();
  let stored = 0;
  for await (const batch of driver.batches({ signal: ac.signal, report: () => {} })) {
    committer.commit(batch);
    const committed = performance.timeOrigin + performance.now();
    for (const r of batch.records) {
      const m = /"bench_written_ms":([\d.]+)/.exec(r.raw);
      if (m) latencies.push(committed - Number(m[1]));
    }
    stored += batch.records.length;
    if (stored >= total) ac.abort();
  }
  clearInterval(writer);
  fs.closeSync(fd);
  await driver.close();
  db.close();
  latencies.sort((a, b) => a - b);
  const pct = (p) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]);
  return { rate, seconds, lines: latencies.length, p50_ms: pct(0.5), p99_ms: pct(0.99), max_ms: Math.round(latencies[latencies.length - 1]), peak_rss_mb: peakRssMb() };
}

// ---------- back-fill: the Wazuh indexer vs the same alerts as alerts.json ----------

/** The Wazuh simulator (and what the bench needs of its data module), bundled for plain Node. */
async function bundleSimulator() {
  const esbuild = await import('esbuild');
  // inside the repository so the bundle's bare imports (undici, selfsigned) resolve
  const dir = path.join(root, 'node_modules', '.cache');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(fs.mkdtempSync(path.join(dir, 'vigil-backfill-bench-')), 'simulator.mjs');
  const sims = path.join(root, 'test', 'simulators', 'wazuh');
  await esbuild.build({
    stdin: { contents: "export * from './index.ts'; export { alertSource } from './data.ts';", resolveDir: sims, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: out,
    logLevel: 'warning',
  });
  return out;
}

/** Child: the simulator with --alerts alerts; writes them, in index order, as the alerts.json at --file. */
async function phaseBackfillSim() {
  const m = await import(pathToFileURL(values.bundle).href);
  const sim = await m.startWazuhSimulator({ agents: 200, seed: 42 });
  const to = Date.now() - 60_000;
  const keys = m.makeAlertKeys(Number(values.alerts), to - 23 * 3_600_000, to, 42);
  sim.indexer.add(keys);
  keys.sort((a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const fd = fs.openSync(values.file, 'w');
  let buf = '';
  for (const k of keys) {
    buf += `${JSON.stringify(m.alertSource(k, sim.indexer.opts.agents))}\n`;
    if (buf.length > 1 << 20) {
      fs.writeSync(fd, buf);
      buf = '';
    }
  }
  fs.writeSync(fd, buf);
  fs.closeSync(fd);
  process.stdout.write(`${JSON.stringify({ url: sim.indexerUrl, pin: sim.indexerServer.cert.fingerprint256, ids: sim.indexer.size })}\n`);
  process.stdin.resume();
  process.stdin.on('end', () => sim.close().then(() => process.exit(0)));
}

/** Child: a Vigil app whose one source is the simulator's indexer, from its start until every alert is stored. */
async function phaseBackfill(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  const { createApp } = await import(dist('core/app.js'));
  const { MemorySettingsBackend } = await import(dist('core/settings.js'));
  const { MemoryVault } = await import(dist('secrets/vault.js'));
  const { WazuhIndexerConfig } = await import(dist('contract/connectors.js'));
  const { WazuhIndexerConnector } = await import(dist('connectors/wazuh/indexer.js'));
  const { staticCredentials } = await import(dist('connectors/types.js'));
  const config = WazuhIndexerConfig.parse({
    kind: 'wazuh-indexer',
    id: 'bench',
    name: 'bench',
    url: values.url,
    username: 'admin',
    trust: { mode: 'pin', sha256: values.pin },
    timeouts: { connectMs: 5000, headersMs: 60_000, bodyMs: 60_000 },
    ...(values['page-size'] ? { pageSize: Number(values['page-size']) } : {}),
  });
  const connector = new WazuhIndexerConnector(config, { credentials: staticCredentials('admin', 'admin') });
  const expected = Number(values.alerts);
  const t0 = performance.now();
  const app = await createApp({
    dataDir: dir,
    resourcesDir: path.join(root, 'resources'),
    mode: 'headless',
    appName: 'Vigil',
    appVersion: 'bench',
    electronVersion: null,
    settingsBackend: new MemorySettingsBackend(),
    processName: 'bench',
    run: true,
    secrets: new MemoryVault(),
    indexers: { enabledIndexers: () => [config], indexerClientFor: () => connector.client, onChange: () => () => {} },
  });
  const db = app.services.db;
  // wait on the pipeline's own counter (records handed to a committed batch): a count(*) of the
  // events every 50 ms would grow with the table and cost this process a quarter of its time at 200k
  const metrics = app.pipeline.get().metrics;
  while (metrics.snapshot().totals.read < expected) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - t0) / 1000;
  const ids = db.prepare("SELECT count(*) AS n, count(DISTINCT record_id) AS d FROM events WHERE source_id = 'indexer:bench'").get();
  const alerts = db.prepare('SELECT count(*) AS n FROM alerts').get().n;
  const m = app.pipeline.get().metrics.snapshot();
  await app.close();
  await connector.close();
  return { alerts: expected, stored: ids.n, distinct_ids: ids.d, alert_rows: alerts, seconds, per_s: Math.round(expected / seconds), peak_rss_mb: peakRssMb(), stage_ms_per_1k: m.stage_ms_per_1k, batches: m.totals.batches, page_size: config.pageSize };
}

/** The back-fill figure: file ingest and indexer back-fill of the same alerts, in this run. */
async function backfill(work) {
  const file = path.join(work, 'alerts.json');
  const bundle = await bundleSimulator();
  const sim = spawn(process.execPath, [fileURLToPath(import.meta.url), '--phase', 'backfill-sim', '--bundle', bundle, '--alerts', values.alerts, '--file', file], {
    stdio: ['pipe', 'pipe', 'inherit'],
    cwd: root,
  });
  try {
    const info = await new Promise((resolve, reject) => {
      sim.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
      readline.createInterface({ input: sim.stdout }).once('line', (l) => resolve(JSON.parse(l)));
    });
    const fileRun = child(['--phase', 'pipeline', '--format', 'wazuh', '--file', file, '--dir', path.join(work, 'backfill-file')]);
    const idx = child(['--phase', 'backfill', '--url', info.url, '--pin', info.pin, '--alerts', String(info.ids), ...(values['page-size'] ? ['--page-size', values['page-size']] : []), '--dir', path.join(work, 'backfill-indexer')]);
    const ratio = idx.per_s / fileRun.per_s;
    console.log(`back-fill same ${info.ids.toLocaleString('en')} Wazuh alerts as alerts.json (vigil ingest): ${fileRun.per_s.toLocaleString('en')} alerts/s (${fileRun.seconds.toFixed(1)} s), peak RSS ${fileRun.peak_rss_mb} MB`);
    console.log(`          from the indexer (createApp, pages of ${idx.page_size}): ${idx.per_s.toLocaleString('en')} alerts/s end to end (${idx.seconds.toFixed(1)} s), peak RSS ${idx.peak_rss_mb} MB; stored ${idx.stored.toLocaleString('en')}, distinct _ids ${idx.distinct_ids.toLocaleString('en')}`);
    console.log(`ratio     back-fill / file ingest = ${ratio.toFixed(2)}   (goal >= 0.7)`);
    if (idx.stored !== info.ids || idx.distinct_ids !== info.ids) process.exitCode = 1;
    return { file: { ...fileRun, summary: undefined }, indexer: idx, ratio: Number(ratio.toFixed(3)) };
  } finally {
    sim.stdin.end();
    await new Promise((r) => sim.once('exit', r));
    fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  }
}

// ---------- driver ----------
function child(args) {
  const r = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ...args], { encoding: 'utf8', maxBuffer: 1 << 26, stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.status !== 0) throw new Error(`bench phase ${args.join(' ')} failed`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

if (values.phase === 'backfill-sim') {
  await phaseBackfillSim();
} else if (values.phase) {
  const out =
    values.phase === 'floor' ? await phaseFloor(values.file, values.dir)
    : values.phase === 'floor-same-rows' ? await phaseFloorSameRows(values.file, values.dir, values.src)
    : values.phase === 'pipeline' ? await phasePipeline(values.file, values.dir)
    : values.phase === 'indexes' ? await phaseIndexes(values.dir, values.variant)
    : values.phase === 'backfill' ? await phaseBackfill(values.dir)
    : values.phase === 'playbooks' ? await phasePlaybooks(values.dir)
    : await phaseFollow(values.dir, Number(values.rate), Number(values['follow-seconds']));
  process.stdout.write(`${JSON.stringify(out)}\n`);
} else {
  const lines = Number(values.lines);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-'));
  const file = path.join(work, 'eve.json');
  console.log(`Vigil pipeline bench (${os.cpus().length} cores, node ${process.versions.node})`);
  let t = performance.now();
  generate(file, lines);
  console.log(`generated ${lines.toLocaleString('en')} EVE lines (${(fs.statSync(file).size / 1e6).toFixed(0)} MB) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const phases = new Set(values.phases.split(','));
  if (phases.has('indexes')) {
    const dir = (v) => ['--phase', 'indexes', '--dir', path.join(work, `indexes-${v}`), '--variant', v, '--index-alerts', values['index-alerts']];
    const all = child(dir('all'));
    const none = child(dir('none'));
    const signed = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(1)}`;
    const line = (label, r) =>
      console.log(`indexes   ${label.padEnd(26)} ${r.per_s.toLocaleString('en').padStart(8)} alerts/s  ${signed(r.us_per_alert - none.us_per_alert).padStart(7)} µs/alert  ${`${r.db_mb.toFixed(1)} MB`.padStart(9)} (${signed(r.db_mb - none.db_mb)} MB)`);
    console.log(`indexes   ${all.alerts.toLocaleString('en')} alerts inserted through AlertsRepo (alert + FTS + outbox rows), fresh database each:`);
    line('none of 0008', none);
    for (const name of all.names) line(name, child(dir(name)));
    line('all of 0008', all);
    if (!phases.has('pipeline')) {
      if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
      process.exit(0);
    }
  }
  const full = child(['--phase', 'pipeline', '--file', file, '--dir', path.join(work, 'pipeline'), ...(values.batch ? ['--batch', values.batch] : [])]);
  console.log(`pipeline  normalize..persist:            ${full.per_s.toLocaleString('en')} lines/s (${full.seconds.toFixed(1)} s), peak RSS ${full.peak_rss_mb} MB; ${full.events.toLocaleString('en')} events -> ${full.alerts.toLocaleString('en')} alerts`);
  console.log(`          ms per 1k lines by stage: ${Object.entries(full.stage_ms_per_1k).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  if (phases.has('gzip')) {
    await pump(fs.createReadStream(file), createGzip(), fs.createWriteStream(`${file}.gz`));
    const gz = child(['--phase', 'pipeline', '--file', `${file}.gz`, '--dir', path.join(work, 'pipeline-gz'), ...(values.batch ? ['--batch', values.batch] : [])]);
    console.log(`gzip      the same from eve.json.gz (${(fs.statSync(`${file}.gz`).size / 1e6).toFixed(0)} MB): ${gz.per_s.toLocaleString('en')} lines/s (${gz.seconds.toFixed(1)} s), peak RSS ${gz.peak_rss_mb} MB; ${gz.events.toLocaleString('en')} events`);
  }
  const figures = { pipeline: { ...full, summary: undefined } };
  if (phases.has('floor')) {
    const floor = child(['--phase', 'floor-same-rows', '--file', file, '--dir', path.join(work, 'floor'), '--src', path.join(work, 'pipeline', 'vigil.db')]);
    console.log(`floor     JSON.parse + the same rows:    ${floor.per_s.toLocaleString('en')} lines/s (${floor.seconds.toFixed(1)} s), peak RSS ${floor.peak_rss_mb} MB (rows exported untimed: ${floor.rows.events} events, ${floor.rows.alerts} alerts)`);
    const evFloor = child(['--phase', 'floor', '--file', file, '--dir', path.join(work, 'floor-events')]);
    console.log(`reference JSON.parse + event rows only:  ${evFloor.per_s.toLocaleString('en')} lines/s (${evFloor.seconds.toFixed(1)} s), peak RSS ${evFloor.peak_rss_mb} MB`);
    console.log(`ratio     pipeline / floor = ${(full.per_s / floor.per_s).toFixed(2)}   (target >= 0.6; end-to-end target >= 50,000 lines/s, RSS <= 400 MB)`);
    Object.assign(figures, { floor, events_only_floor: evFloor, ratio: Number((full.per_s / floor.per_s).toFixed(3)) });
  }
  if (phases.has('follow')) {
    const follow = child(['--phase', 'follow', '--dir', path.join(work, 'follow'), '--rate', values.rate, '--follow-seconds', values['follow-seconds']]);
    console.log(`follow    ${follow.rate.toLocaleString('en')} events/s for ${follow.seconds} s: ingest-to-stored p50 ${follow.p50_ms} ms, p99 ${follow.p99_ms} ms, max ${follow.max_ms} ms (target p99 <= 250 ms), peak RSS ${follow.peak_rss_mb} MB`);
    figures.follow = follow;
  }
  if (phases.has('playbooks')) {
    const pb = child(['--phase', 'playbooks', '--dir', path.join(work, 'pipeline')]);
    const share = (100 * pb.eval_seconds) / full.seconds;
    console.log(`playbooks ${pb.playbooks} enabled triggers over ${pb.outbox_rows.toLocaleString('en')} alert writes (${pb.alerts_evaluated.toLocaleString('en')} alerts evaluated, ${pb.matched} matched, ${pb.runs_started} runs within rate limits): ${pb.eval_seconds.toFixed(2)} s = ${share.toFixed(1)}% of the pipeline's ${full.seconds.toFixed(1)} s   (goal < 10%)`);
    console.log(`          webhook step end to end p50 ${pb.webhook.step_p50_ms} ms, p99 ${pb.webhook.step_p99_ms} ms; bare POST p50 ${pb.webhook.bare_p50_ms} ms, p99 ${pb.webhook.bare_p99_ms} ms; overhead p99 ${pb.webhook.overhead_p99_ms} ms (goal <= 50 ms)`);
    figures.playbooks = { ...pb, share_of_pipeline_pct: Number(share.toFixed(2)) };
  }
  if (phases.has('backfill')) figures.backfill = await backfill(work);
  console.log(JSON.stringify(figures));
  if (!values.keep) fs.rmSync(work, { recursive: true, force: true });
  else console.log(`kept ${work}`);
}
