#!/usr/bin/env node
// `npm run bench:gvm`: import of one large GMP report through the real client, measured from the
// client's side.
//   server  one process: the GVM simulator (test/simulators/gvm, bundled with esbuild on the fly)
//           holding a finished report of --results results, streamed in 64 KiB chunks
//   client  this process: GmpClient.results() over the unix socket (or --transport tls, trusting
//           the simulator's CA); every result is parsed and validated, then dropped
// Prints results, seconds, results/s, MB of XML read, and RSS: idle (client loaded, connected,
// authenticated) and peak while importing, sampled every 20 ms. The goal: RSS grows by less than
// 150 MB over the idle process whatever the report size; the exit code says whether it was met.
//   --through app: the same report imported the way the app imports a finished Greenbone scan: the
//           GVM connector and the scans service (ScansService → GvmScanTool), every result mapped
//           to a finding and upserted a page (GVM_IMPORT_PAGE) per transaction into a fresh database with the scan's
//           cursor; RSS is then the whole import's (client, mapping, SQLite and its page cache)
// Needs the compiled main process: run `npx tsc -b main` first (npm run bench:gvm does).
// Usage: node test/bench/gvm-bench.mjs [--results 100000] [--transport unix|tls] [--min-qod 0] [--through client|app]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    bundle: { type: 'string' },
    dir: { type: 'string' },
    results: { type: 'string', default: '100000' },
    transport: { type: 'string', default: 'unix' },
    'min-qod': { type: 'string', default: '0' },
    through: { type: 'string', default: 'client' },
  },
});
const GOAL_MB = 150;
const out = (obj) => process.stdout.write(`${JSON.stringify(obj)}\n`);
const mb = (bytes) => Math.round(bytes / 1048576);

// ---------- server (child process) ----------
async function phaseServer(bundle, dir, results, transport) {
  const { GvmSimulator, makeTestPki } = await import(pathToFileURL(bundle).href);
  const pki = transport === 'tls' ? await makeTestPki() : null;
  const sim = await GvmSimulator.start(pki ? { tls: pki.server } : { unixPath: path.join(dir, 'gvmd.sock') });
  const { reportId } = sim.seedReport(results);
  let caFile = null;
  if (pki) {
    caFile = path.join(dir, 'ca.pem');
    fs.writeFileSync(caFile, pki.ca.cert);
  }
  out({ ready: true, reportId, unixPath: sim.unixPath, port: sim.tlsPort, caFile });
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  out({ done: true, reportChars: sim.stats.reportChars });
  await sim.close();
  process.exit(0);
}

// ---------- client (this process) ----------
async function bundleSimulator(dir) {
  const esbuild = await import('esbuild');
  const bundle = path.join(dir, 'gvm-sim.mjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'simulators', 'gvm', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: bundle,
    logLevel: 'warning',
    // CommonJS dependencies bundled into ESM need a require()
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  return bundle;
}

async function main() {
  const results = Number(values.results);
  const transport = values.transport === 'tls' ? 'tls' : 'unix';
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gvm-bench-'));
  const bundle = await bundleSimulator(dir);
  const server = spawn(process.execPath, [fileURLToPath(import.meta.url), '--phase', 'server', '--bundle', bundle, '--dir', dir, '--results', String(results), '--transport', transport], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = readline.createInterface({ input: server.stdout });
  const next = () => new Promise((resolve) => lines.once('line', (l) => resolve(JSON.parse(l))));
  const ready = await next();

  if (values.through === 'app') return throughApp(server, next, ready, dir, results, transport);
  const { GmpClient } = await import(pathToFileURL(path.join(root, 'dist', 'main', 'connectors', 'gvm', 'index.js')).href);
  const target = transport === 'tls' ? { kind: 'tls', host: '127.0.0.1', port: ready.port, caFile: ready.caFile } : { kind: 'unix', path: ready.unixPath };
  const client = new GmpClient({ target }, () => ({ username: 'admin', password: 'Vigil-test-pw1' }));
  await client.getVersion();
  await client.listScanners(); // connected and authenticated
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const idle = process.memoryUsage().rss;
  let peak = idle;
  let peakHeap = process.memoryUsage().heapUsed;
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);

  const start = performance.now();
  let count = 0;
  let invalid = 0;
  const gen = client.results(ready.reportId, { minQod: Number(values['min-qod']), levels: 'chmlgf', onInvalid: () => invalid++ });
  let step;
  while (!(step = await gen.next()).done) {
    count++;
    if ((count & 1023) === 0) peak = Math.max(peak, process.memoryUsage().rss);
  }
  const seconds = (performance.now() - start) / 1000;
  clearInterval(sample);
  peak = Math.max(peak, process.memoryUsage().rss);
  client.close();

  server.kill('SIGTERM');
  const done = await next();
  fs.rmSync(dir, { recursive: true, force: true });

  const growth = peak - idle;
  const met = growth < GOAL_MB * 1048576;
  out({
    bench: 'gvm-import',
    transport,
    results: count,
    expected: step.value.expected,
    invalid,
    seconds: Number(seconds.toFixed(2)),
    results_per_s: Math.round(count / seconds),
    xml_mb: mb(done.reportChars),
    xml_mb_per_s: Number((done.reportChars / 1048576 / seconds).toFixed(1)),
    rss_idle_mb: mb(idle),
    rss_peak_mb: mb(peak),
    rss_growth_mb: mb(growth),
    heap_peak_mb: mb(peakHeap),
    goal: `RSS growth < ${GOAL_MB} MB`,
    goal_met: met,
  });
  process.exit(met && count === results ? 0 : 1);
}

/** RSS sampled every 20 ms from now on: { peak(), stop() }. */
function rssSampler() {
  let peak = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const t = setInterval(() => {
    const m = process.memoryUsage();
    peak = Math.max(peak, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 20);
  return { peak: () => Math.max(peak, process.memoryUsage().rss), heap: () => heap, stop: () => clearInterval(t) };
}

// ---------- the app's import of a finished scan (--through app) ----------
async function throughApp(server, next, ready, dir, results, transport) {
  const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
  const { GvmConnector } = await import(dist('connectors/gvm/connector.js'));
  const { staticCredentials } = await import(dist('connectors/types.js'));
  const { GvmConfig } = await import(dist('contract/index.js'));
  const { ScansService } = await import(dist('scans/service.js'));
  const { ScansRepo } = await import(dist('store/scans-repo.js'));
  const { FindingsRepo } = await import(dist('store/findings-repo.js'));
  const { AuditRepo } = await import(dist('store/audit-repo.js'));
  const { openDatabase, closeDatabase } = await import(dist('store/db.js'));
  const { silentLogger } = await import(dist('core/logger.js'));

  const url = transport === 'tls' ? `tls://127.0.0.1:${ready.port}` : `unix://${ready.unixPath}`;
  const config = GvmConfig.parse({
    kind: 'gvm',
    id: 'bench',
    name: 'bench gvmd',
    url,
    username: 'admin',
    minQod: Number(values['min-qod']),
    ...(transport === 'tls' ? { trust: { mode: 'ca', caFile: ready.caFile } } : {}),
  });
  const connector = new GvmConnector(config, { credentials: staticCredentials('admin', 'Vigil-test-pw1') });
  const { db } = await openDatabase(path.join(dir, 'vigil.db'));
  const audit = new AuditRepo(db);
  const repo = new ScansRepo(db, () => new Date());
  const scans = new ScansService({ repo, findings: new FindingsRepo(db, audit), connector: async () => connector, logger: silentLogger, now: () => new Date() });
  const scan = repo.create({ tool: 'gvm', connector_id: 'bench', target: '10.0.0.0/8', options: { tool: 'gvm' }, tool_state: { phase: 'task', task: ready.reportId, report: ready.reportId }, created_by: 'bench' });
  repo.update(scan.id, { status: 'importing' });
  const test = await connector.test(); // connected and authenticated once, like a configured connector
  if (!test.ok) throw new Error(`gvm connector: ${test.failure.message}`);
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  const idle = process.memoryUsage().rss;
  const rss = rssSampler();
  const start = performance.now();
  await scans.importNow(scan.id, 'bench');
  const seconds = (performance.now() - start) / 1000;
  rss.stop();
  const done = repo.get(scan.id);
  const log = repo.logLines(scan.id).map((l) => l.message);
  await scans.close();
  await connector.close();
  closeDatabase(db);
  server.kill('SIGTERM');
  const sim = await next();
  fs.rmSync(dir, { recursive: true, force: true });
  const growth = rss.peak() - idle;
  const met = growth < GOAL_MB * 1048576;
  out({
    bench: 'gvm-import-through-app',
    transport,
    status: done.status,
    results_in_report: results,
    findings_imported: done.imported,
    rejected: done.rejected,
    filter: log.find((m) => m.startsWith('read ')) ?? null,
    seconds: Number(seconds.toFixed(2)),
    results_per_s: Math.round(results / seconds),
    xml_mb: mb(sim.reportChars),
    rss_idle_mb: mb(idle),
    rss_peak_mb: mb(rss.peak()),
    rss_growth_mb: mb(growth),
    heap_peak_mb: mb(rss.heap()),
    goal: `RSS growth < ${GOAL_MB} MB`,
    goal_met: met,
  });
  process.exit(met && done.status === 'finished' ? 0 : 1);
}

if (values.phase === 'server') await phaseServer(values.bundle, values.dir, Number(values.results), values.transport);
else await main();
