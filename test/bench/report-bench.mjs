#!/usr/bin/env node
// `npm run bench:report`: large reports, written through the real ReportsService.
//   1. seeds --alerts alerts (default 100,000) over 7 days, with one raw event each for the first
//      --case-alerts (default 10,000), and escalates those into one case (observables extracted)
//   2. the alerts summary of the 7 days, as HTML + PDF + CSV (alerts.csv carries every alert)
//   3. the case report of the --case-alerts alerts, as HTML + PDF + CSV (every alert in the PDF)
// Prints seconds and peak memory for each step: RSS of this Node process (sampled every 20 ms) and
// PSS of the process tree with Chromium (Linux /proc, every 200 ms), the PDF's page count and the files' sizes.
// Both reports are then verified against their manifests. Needs the compiled main process and a
// Chromium (CHROMIUM_PATH or the usual paths): `npm run bench:report` builds first.
// Usage: node test/bench/report-bench.mjs [--alerts 100000] [--case-alerts 10000] [--keep]
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { alerts: { type: 'string', default: '100000' }, 'case-alerts': { type: 'string', default: '10000' }, keep: { type: 'boolean', default: false } } });
const N = Number(values.alerts);
const CASE_N = Math.min(N, Number(values['case-alerts']));
const imp = (p) => import(pathToFileURL(path.join(root, 'dist', 'main', p)).href);
const { createServices } = await imp('core/services.js');
const { MemorySettingsBackend } = await imp('core/settings.js');
const { verifyReport } = await imp('reports/manifest.js');

const mb = (b) => Math.round(b / 1048576);

/** Descendant process ids of this process (Linux /proc; empty elsewhere). */
function descendants() {
  if (process.platform !== 'linux') return [];
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // the process ended meanwhile
    }
  }
  const out = [];
  for (const pid of parent.keys()) {
    for (let p = parent.get(pid), hops = 0; p > 1 && hops < 20; p = parent.get(p) ?? 0, hops++) {
      if (p === process.pid) {
        out.push(pid);
        break;
      }
    }
  }
  return out;
}

/**
 * Memory of this process (RSS) and of the whole tree with Chromium: PSS, so pages the Chromium
 * processes share are counted once, not once per process as a sum of RSS would.
 */
function treeMemory() {
  const self = process.memoryUsage().rss;
  let kids = 0;
  for (const pid of descendants()) {
    try {
      kids += Number(/^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) * 1024;
    } catch {
      // ended, or smaps_rollup unreadable
    }
  }
  return { self, tree: self + kids };
}

async function measure(label, fn) {
  let peakSelf = 0;
  let peakTree = 0;
  let n = 0;
  const sample = () => {
    const self = process.memoryUsage().rss;
    peakSelf = Math.max(peakSelf, self);
    // the tree (reading /proc) every 10th sample: 200 ms
    if (n++ % 10 === 0) peakTree = Math.max(peakTree, treeMemory().tree);
  };
  const timer = setInterval(sample, 20);
  sample();
  const t0 = process.hrtime.bigint();
  try {
    return { result: await fn(), seconds: Number(process.hrtime.bigint() - t0) / 1e9, peakSelf, peakTree, label };
  } finally {
    clearInterval(timer);
    sample();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-report-bench-'));
const s = await createServices({ dataDir: path.join(dir, 'data'), resourcesDir: path.join(root, 'resources'), mode: 'headless', appName: 'Vigil', appVersion: 'bench', electronVersion: null, settingsBackend: new MemorySettingsBackend() });
const SEV = ['info', 'low', 'medium', 'high', 'critical'];
const TECH = [['T1110'], ['T1110.001'], ['T1046'], ['T1190'], ['T1071', 'T1041'], ['T1486'], []];
const start = Date.parse('2026-11-14T00:00:00.000Z');
const span = 7 * 86_400_000;

const seeded = await measure('seed', () => {
  const batch = 5000;
  for (let i = 0; i < N; i += batch) {
    const rows = [];
    for (let j = i; j < Math.min(N, i + batch); j++) {
      const t = new Date(start + Math.floor((j / N) * span)).toISOString();
      rows.push({
        source: j % 3 ? 'suricata' : 'wazuh',
        severity: SEV[j % 5],
        priority: ['P4', 'P3', 'P3', 'P2', 'P1'][j % 5],
        title: `ET SCAN rule ${j % 97} <with markup & "quotes">`,
        rule_id: `r${j % 97}`,
        src_ip: `203.0.${(j >> 8) % 256}.${j % 256}`,
        src_port: 40000 + (j % 20000),
        dst_ip: `10.0.${j % 16}.${j % 200}`,
        dst_port: [22, 80, 443, 3389][j % 4],
        proto: 'TCP',
        first_seen: t,
        last_seen: t,
        count: 1 + (j % 7),
        risk_score: j % 101,
        technique_ids: TECH[j % TECH.length],
      });
    }
    s.alerts.insertMany(rows);
  }
  const ins = s.db.prepare(
    `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, title, threat_type, risk_score, file, line, raw)
     SELECT id, 'bench', source, first_seen, first_seen, severity, title, 'unknown', risk_score, '/var/log/suricata/eve.json', id,
       json_object('timestamp', first_seen, 'event_type', 'alert', 'src_ip', src_ip, 'src_port', src_port, 'dest_ip', dst_ip, 'dest_port', dst_port,
                   'proto', 'TCP', 'alert', json_object('signature', title, 'severity', 2), 'http', json_object('hostname', 'shop.example.com', 'url', '/login.php'))
     FROM alerts WHERE id <= ?`,
  );
  ins.run(CASE_N);
  return null;
});
process.stdout.write(`seeded ${N.toLocaleString()} alerts and ${CASE_N.toLocaleString()} raw events in ${seeded.seconds.toFixed(1)} s\n`);

const c = s.cases.create({ title: `Bench case with ${CASE_N.toLocaleString()} alerts`, description: 'A **large** case.', severity: 'high', assignee: 'bench', tags: ['bench'], tlp: 'amber' }, 'bench');
const esc = await measure('escalate', () => {
  for (let i = 1; i <= CASE_N; i += 500) s.cases.linkChunk(c.id, Array.from({ length: Math.min(500, CASE_N - i + 1) }, (_, k) => i + k), 'bench', false, 'INVESTIGATING', null);
  return s.cases.detail(c.id);
});
process.stdout.write(`escalated ${esc.result.alert_count.toLocaleString()} alerts into case #${c.id} (${esc.result.observable_count.toLocaleString()} observables) in ${esc.seconds.toFixed(1)} s, peak RSS ${mb(esc.peakSelf)} MB\n`);

const rows = [];
async function report(label, query) {
  const out = path.join(dir, label);
  const m = await measure(label, () => s.reports.write({ query, formats: ['html', 'pdf', 'csv'], dir: out, actor: 'bench' }));
  const pdf = path.join(out, 'report.pdf');
  let pages = '?';
  try {
    pages = /Pages:\s+(\d+)/.exec(execFileSync('pdfinfo', [pdf], { encoding: 'utf8' }))?.[1] ?? '?';
  } catch {
    // pdfinfo (poppler-utils) not installed
  }
  const size = (f) => (fs.existsSync(path.join(out, f)) ? `${mb(fs.statSync(path.join(out, f)).size)} MB` : '-');
  const v = await verifyReport(out);
  rows.push({ label, ...m, pages, html: size('report.html'), pdfSize: size('report.pdf'), csv: size('alerts.csv'), verified: v.ok });
  process.stdout.write(
    `${label}: ${m.seconds.toFixed(1)} s, peak RSS of Node ${mb(m.peakSelf)} MB, with Chromium (PSS) ${mb(m.peakTree)} MB; PDF ${pages} pages ${size('report.pdf')}, HTML ${size('report.html')}, alerts.csv ${size('alerts.csv')}; ${v.ok ? 'verified' : `NOT VERIFIED: ${JSON.stringify(v.problems)}`}\n`,
  );
}

await report('alerts-summary', { kind: 'alerts', filter: { from: new Date(start).toISOString(), to: new Date(start + span).toISOString() } });
await report('case-report', { kind: 'case', case_id: c.id });

await s.close();
if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
else process.stdout.write(`kept ${dir}\n`);
process.exitCode = rows.every((r) => r.verified) ? 0 : 1;
