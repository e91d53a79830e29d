#!/usr/bin/env node
// `npm run bench:feed-notice`: what a playbook's feed step costs. One process runs the feed
// (FeedService, native and BlueWall paths) and holds --clients WebSocket clients split between the
// two; it sends --notices notices about one alert and prints, per notice, the time to render every
// dialect's frames (prepareNotice: what a dry-run does), the time of the send (the fan-out, which
// runs on the feed's thread), and the time until every client had it (clients share the process,
// so this is an upper bound). Needs the compiled main process (npm run bench:feed-notice builds it).
// Usage: node test/bench/feed-notice-bench.mjs [--clients 200] [--notices 20]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { WebSocket } from 'ws';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({ options: { clients: { type: 'string', default: '200' }, notices: { type: 'string', default: '20' } } });
const clients = Number(values.clients);
const notices = Number(values.notices);

const { openDatabase } = await import(dist('store/db.js'));
const { AuditRepo } = await import(dist('store/audit-repo.js'));
const { AlertsRepo } = await import(dist('store/alerts-repo.js'));
const { FeedService } = await import(dist('feed/service.js'));
const { silentLogger } = await import(dist('core/logger.js'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-notice-bench-'));
const { db } = await openDatabase(path.join(dir, 'vigil.db'));
const [alertId] = new AlertsRepo(db, null).insertMany([
  {
    source: 'suricata',
    severity: 'high',
    priority: 'P2',
    title: 'ET SCAN Potential SSH Scan',
    rule_id: '1:2001219',
    src_ip: '203.0.113.7',
    src_port: 51514,
    dst_ip: '10.0.0.5',
    dst_port: 22,
    proto: 'TCP',
    first_seen: new Date().toISOString(),
    last_seen: new Date().toISOString(),
    count: 1,
    risk_score: 55,
    technique_ids: ['T1046'],
    tags: [],
  },
]);
const feed = new FeedService({ db, audit: new AuditRepo(db), logger: silentLogger, dataDir: dir, appName: 'Vigil', appVersion: 'bench', secrets: null, setStatus: null, processName: 'bench' });
await feed.configure(
  { patch: { enabled: true, host: '127.0.0.1', port: 0, max_per_address: 10_000, max_per_token: 10_000, max_clients: 10_000, dialects: { native: { enabled: true }, bluewall: { enabled: true } } } },
  'bench',
);
const server = feed.feedServer;
const { secret } = feed.createToken({ name: 'bench', role: 'viewer' }, 'bench');

let received = 0;
let onAll = () => {};
const sockets = [];
await Promise.all(
  Array.from({ length: clients }, (_, i) => {
    const native = i % 2 === 0;
    const url = native ? `ws://127.0.0.1:${server.port}/ws/v1/alerts` : `ws://127.0.0.1:${server.port}/ws/security/alerts?token=${secret}`;
    const ws = new WebSocket(url, native ? { headers: { Authorization: `Bearer ${secret}` }, perMessageDeflate: false } : { perMessageDeflate: false });
    sockets.push(ws);
    ws.on('message', (buf) => {
      if ((buf.includes('"notice"') || buf.includes('"security_alert"')) && ++received % clients === 0) onAll();
    });
    return new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
  }),
);
while (server.clients().filter((c) => c.state === 'live').length < clients) await new Promise((r) => setTimeout(r, 10));

const rows = [];
for (let n = 0; n < notices; n++) {
  const notice = { message: `P1 escalated by playbook bench: notice ${n}`, severity: 'critical', priority: 'P1', playbook: { id: 'bench', name: 'bench', version: 1 }, run_id: `run-${n}`, step_id: 'tell', at: new Date().toISOString() };
  const all = new Promise((resolve) => (onAll = resolve));
  const t0 = performance.now();
  const prepared = feed.prepareNotice(notice, alertId, { dialects: null, clients: null });
  const t1 = performance.now();
  const result = prepared.send();
  const t2 = performance.now();
  await all;
  const t3 = performance.now();
  if (result.sent !== clients) throw new Error(`sent to ${result.sent} of ${clients}`);
  rows.push({ render: t1 - t0, send: t2 - t1, delivered: t3 - t1 });
}
const median = (k) => rows.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(rows.length / 2)];
const max = (k) => Math.max(...rows.map((r) => r[k]));
console.log(`feed notice, ${clients} clients (${Math.ceil(clients / 2)} native, ${Math.floor(clients / 2)} BlueWall), ${notices} notices:`);
for (const k of ['render', 'send', 'delivered']) console.log(`  ${k.padEnd(9)} median ${median(k).toFixed(2)} ms   max ${max(k).toFixed(2)} ms`);
for (const ws of sockets) ws.terminate();
await feed.stop();
db.close();
fs.rmSync(dir, { recursive: true, force: true });
