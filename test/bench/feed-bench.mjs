#!/usr/bin/env node
// `npm run bench:feed`: the LAN feed under load, measured from outside the server.
//   server   one process: the feed (FeedService over the data directory), native protocol only
//   writer   one process: alerts enter through the pipeline (Pipeline.process with generated EVE
//            lines, each with its own signature and source so each creates an alert) at --rate/s for
//            --seconds; the write time is embedded in each signature ("BENCH t=<epoch ms>")
//   clients  --client-procs processes holding --clients WebSocket clients in total; each client
//            checks order (seq strictly increasing) and counts what it got; latency = receive time
//            - embedded write time (same machine, same clock), kept in a 0.1 ms histogram
// Prints delivered/expected, p50/p99/max latency, server RSS (peak and at the end), drops.
// Needs the compiled main process: run `npx tsc -b main` first (npm run bench:feed does).
// Usage: node test/bench/feed-bench.mjs [--clients 500] [--client-procs 2] [--rate 1000] [--seconds 30] [--keep]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    dir: { type: 'string' },
    port: { type: 'string' },
    token: { type: 'string' },
    clients: { type: 'string', default: '500' },
    'client-procs': { type: 'string', default: '2' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '30' },
    keep: { type: 'boolean', default: false },
  },
});
const nowMs = () => performance.timeOrigin + performance.now();
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);

// ---------- server ----------
async function phaseServer(dir) {
  const { openDatabase } = await import(dist('store/db.js'));
  const { AuditRepo } = await import(dist('store/audit-repo.js'));
  const { FeedService } = await import(dist('feed/service.js'));
  const { createLogger } = await import(dist('core/logger.js'));
  const { db } = await openDatabase(path.join(dir, 'vigil.db'));
  const audit = new AuditRepo(db);
  const feed = new FeedService({
    db,
    audit,
    logger: createLogger('feed-bench', true),
    dataDir: dir,
    appName: 'Vigil',
    appVersion: 'bench',
    secrets: null,
    setStatus: null,
    processName: 'bench',
  });
  // every bench client comes from 127.0.0.1 with the one token: the per-address and per-token caps
  // are raised to the client count so the bench measures the fan-out, not admission
  await feed.configure({ patch: { enabled: true, host: '127.0.0.1', port: 0, max_per_address: 10_000, max_per_token: 10_000 } }, 'bench');
  const server = feed.feedServer;
  if (!server) throw new Error('feed did not start');
  const { secret } = feed.createToken({ name: 'bench', role: 'viewer' }, 'bench');
  let peak = process.memoryUsage().rss;
  const sample = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  out({ ready: true, port: server.port, token: secret });
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  clearInterval(sample);
  const rss = process.memoryUsage().rss;
  const totals = server.totals();
  await feed.stop();
  db.close();
  const cpu = process.cpuUsage();
  out({ done: true, cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)), rss_mb: Math.round(rss / 1048576), peak_rss_mb: Math.round(Math.max(peak, rss) / 1048576), totals });
}

// ---------- writer ----------
async function phaseWriter(dir, rate, seconds) {
  const { openDatabase } = await import(dist('store/db.js'));
  const { DEFAULT_SETTINGS } = await import(dist('contract/settings.js'));
  const { createPipeline } = await import(dist('pipeline/stages.js'));
  const { PipelineRepo } = await import(dist('store/pipeline-repo.js'));
  const { db } = await openDatabase(path.join(dir, 'vigil.db'));
  const { pipeline } = await createPipeline(db, DEFAULT_SETTINGS, path.join(root, 'resources'), () => {});
  new PipelineRepo(db).ensureSource('bench', 'import', 'eve', null);
  const total = rate * seconds;
  let written = 0;
  let created = 0;
  let updated = 0;
  const start = performance.now();
  while (written < total) {
    const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
    if (due > written) {
      const records = [];
      const t = nowMs().toFixed(3);
      const ts = new Date().toISOString().replace('Z', '000+0000');
      for (; written < due; written++) {
        const n = written;
        const src = `${45 + (n >> 16) % 150}.${(n >> 8) & 255}.${n & 255}.${1 + (n % 250)}`;
        const line = `{"timestamp":"${ts}","flow_id":${1000000 + n},"event_type":"alert","src_ip":"${src}","src_port":${1024 + (n % 60000)},"dest_ip":"10.0.${n % 4}.${1 + (n % 200)}","dest_port":${[22, 80, 443, 445][n % 4]},"proto":"TCP","alert":{"action":"allowed","gid":1,"signature_id":${3000000 + n},"rev":1,"signature":"BENCH t=${t} n=${n}","category":"Attempted Information Leak","severity":${1 + (n % 3)}}}`;
        records.push({ raw: line, format: 'eve', position: { file: 'bench', line: n + 1, offset: 0 } });
      }
      const o = pipeline.process('bench', records);
      created += o.alerts_created;
      updated += o.alerts_updated;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  db.close();
  const cpu = process.cpuUsage();
  out({ cpu_s: Number(((cpu.user + cpu.system) / 1e6).toFixed(1)), written, alerts_created: created, alerts_updated: updated, seconds: (performance.now() - start) / 1000 });
}

// ---------- clients ----------
async function phaseClients(port, token, count) {
  const { WebSocket } = await import('ws');
  const HIST = 100_000; // 0.1 ms buckets up to 10 s
  const hist = new Uint32Array(HIST + 1);
  const SEQ = Buffer.from('"seq":');
  const T = Buffer.from('BENCH t=');
  const clients = [];
  let opened = 0;
  const startSec = Math.floor(nowMs() / 1000);
  const perSecondMax = new Float64Array(600);
  let stopping = false;
  await new Promise((resolve, reject) => {
    // a client that falls behind is dropped with 1013; like a real client it reconnects with
    // ?since_seq=<last seq received> and gets the rest from SQLite, so delivery stays complete
    const connect = (c, first) => {
      const q = c.lastSeq > 0 ? `?since_seq=${c.lastSeq}` : '';
      const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/v1/alerts${q}`, { headers: { Authorization: `Bearer ${token}` }, perMessageDeflate: false });
      ws.on('message', (buf) => {
        const now = nowMs();
        // frames start {"type":"alert.new","seq":N,...: read seq and the embedded write time without JSON.parse
        if (buf[9] !== 0x61 /* a of alert. */) {
          if (first && buf.indexOf('"hello"') >= 0 && ++opened === count) resolve();
          return;
        }
        const s = buf.indexOf(SEQ);
        let seq = 0;
        for (let j = s + 6; j < buf.length && buf[j] >= 48 && buf[j] <= 57; j++) seq = seq * 10 + (buf[j] - 48);
        if (seq <= c.lastSeq) c.disorder++;
        else if (c.lastSeq !== 0 && seq !== c.lastSeq + 1) c.gaps++;
        c.lastSeq = seq;
        c.received++;
        const t = buf.indexOf(T);
        if (t >= 0) {
          const end = buf.indexOf(0x20, t + 8);
          const written = Number(buf.toString('latin1', t + 8, end));
          const ms = now - written;
          hist[Math.min(HIST, Math.max(0, Math.round(ms * 10)))]++;
          const sec = Math.floor(written / 1000) - startSec;
          if (sec >= 0 && sec < perSecondMax.length && ms > perSecondMax[sec]) perSecondMax[sec] = ms;
        }
      });
      ws.on('close', (code) => {
        c.closes.push(code);
        if (!stopping) connect(c, false);
      });
      ws.on('error', (err) => (first ? reject(err) : undefined));
      c.ws = ws;
    };
    for (let i = 0; i < count; i++) {
      const c = { received: 0, lastSeq: 0, disorder: 0, gaps: 0, closes: [], ws: null };
      clients.push(c);
      connect(c, true);
    }
  });
  out({ ready: true, clients: count });
  // the driver tells us how many alerts to expect once the writer is done
  const rl = readline.createInterface({ input: process.stdin });
  const expected = await new Promise((resolve) => rl.once('line', (l) => resolve(Number(JSON.parse(l).expected))));
  const deadline = Date.now() + 20_000;
  while (clients.some((c) => c.received < expected) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  stopping = true;
  const pct = (p) => {
    const total = hist.reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let i = 0; i <= HIST; i++) if ((acc += hist[i]) >= total * p) return i / 10;
    return HIST / 10;
  };
  let max = 0;
  for (let i = HIST; i >= 0; i--) if (hist[i]) { max = i / 10; break; }
  const complete = clients.filter((c) => c.received === expected && c.disorder === 0).length;
  out({
    clients: count,
    delivered: clients.reduce((a, c) => a + c.received, 0),
    expected: expected * count,
    complete,
    disorder: clients.reduce((a, c) => a + c.disorder, 0),
    gaps: clients.reduce((a, c) => a + c.gaps, 0),
    reconnected: clients.filter((c) => c.closes.length > 0).length,
    close_codes: [...new Set(clients.flatMap((c) => c.closes))],
    p50_ms: pct(0.5),
    p90_ms: pct(0.9),
    p95_ms: pct(0.95),
    per_second_max_ms: Array.from(perSecondMax.slice(0, 120), (x) => Math.round(x)),
    p99_ms: pct(0.99),
    max_ms: max,
    peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
    cpu_s: Number(((process.cpuUsage().user + process.cpuUsage().system) / 1e6).toFixed(1)),
  });
  rl.close();
  process.exit(0);
}

// ---------- driver ----------
function child(args) {
  const p = spawn(process.execPath, [fileURLToPath(import.meta.url), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  readline.createInterface({ input: p.stdout }).on('line', (l) => {
    let v;
    try {
      v = JSON.parse(l);
    } catch {
      return;
    }
    lines.push(v);
    for (const w of waiters.splice(0)) w();
  });
  const exited = new Promise((resolve) => p.on('exit', (code) => resolve(code)));
  const next = async (pred) => {
    for (;;) {
      const found = lines.find(pred);
      if (found) return found;
      const code = await Promise.race([new Promise((r) => waiters.push(r)).then(() => null), exited]);
      if (code !== null && !lines.find(pred)) throw new Error(`bench phase ${args.slice(0, 2).join(' ')} exited with ${code}`);
    }
  };
  return { p, next, exited };
}

if (values.phase === 'server') await phaseServer(values.dir);
else if (values.phase === 'writer') await phaseWriter(values.dir, Number(values.rate), Number(values.seconds));
else if (values.phase === 'clients') await phaseClients(Number(values.port), values.token, Number(values.clients));
else {
  const clients = Number(values.clients);
  const procs = Math.max(1, Number(values['client-procs']));
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-feed-bench-'));
  console.log(`Vigil feed bench (${os.cpus().length} cores, node ${process.versions.node}): ${clients} clients in ${procs} process(es), ${rate} alerts/s for ${seconds} s through the pipeline`);
  const server = child(['--phase', 'server', '--dir', dir]);
  const ready = await server.next((l) => l.ready);
  const groups = Array.from({ length: procs }, (_, i) => Math.floor(clients / procs) + (i < clients % procs ? 1 : 0)).filter((n) => n > 0);
  const t0 = performance.now();
  const clientProcs = groups.map((n) => child(['--phase', 'clients', '--port', String(ready.port), '--token', ready.token, '--clients', String(n)]));
  await Promise.all(clientProcs.map((c) => c.next((l) => l.ready)));
  console.log(`${clients} clients connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const writer = child(['--phase', 'writer', '--dir', dir, '--rate', String(rate), '--seconds', String(seconds)]);
  const w = await writer.next((l) => l.written !== undefined);
  const expected = w.alerts_created + w.alerts_updated;
  console.log(`writer: ${w.written} EVE lines in ${w.seconds.toFixed(1)} s -> ${w.alerts_created} alerts created, ${w.alerts_updated} updated`);
  for (const c of clientProcs) c.p.stdin.write(`${JSON.stringify({ expected })}\n`);
  const results = await Promise.all(clientProcs.map((c) => c.next((l) => l.delivered !== undefined)));
  server.p.kill('SIGTERM');
  const s = await server.next((l) => l.done);
  const delivered = results.reduce((a, r) => a + r.delivered, 0);
  const want = results.reduce((a, r) => a + r.expected, 0);
  const complete = results.reduce((a, r) => a + r.complete, 0);
  const worst = (k) => Math.max(...results.map((r) => r[k]));
  console.log(`delivered ${delivered.toLocaleString('en')} / ${want.toLocaleString('en')} (${((100 * delivered) / want).toFixed(3)} %); ${complete}/${clients} clients got every alert in order; out of order ${results.reduce((a, r) => a + r.disorder, 0)}, seq gaps ${results.reduce((a, r) => a + r.gaps, 0)}; ${results.reduce((a, r) => a + r.reconnected, 0)} client(s) fell behind, were dropped (close codes ${[...new Set(results.flatMap((r) => r.close_codes))].join(', ') || '-'}) and resumed with since_seq`);
  console.log(`latency ingestion -> client: p50 ${Math.max(...results.map((r) => r.p50_ms))} ms, p99 ${worst('p99_ms')} ms, max ${worst('max_ms')} ms (worst client process; target: within 100 ms)`);
  console.log(`server: RSS ${s.rss_mb} MB at the end, peak ${s.peak_rss_mb} MB; alerts sent ${s.totals.alerts_sent.toLocaleString('en')}, dropped lagging ${s.totals.dropped_lagging}; client processes peak RSS ${results.map((r) => r.peak_rss_mb).join(' / ')} MB`);
  console.log(`CPU seconds: server ${s.cpu_s}, writer ${w.cpu_s}, clients ${results.map((r) => r.cpu_s).join(' / ')} (over ~${seconds} s on ${os.cpus().length} cores, shared with whatever else runs)`);
  console.log(JSON.stringify({ clients, rate, seconds, writer: w, results, server: s }));
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
  process.exit(complete === clients ? 0 : 1);
}
