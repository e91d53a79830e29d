#!/usr/bin/env node
// `npm run bench:findings`: the app side of a large scan import and the Findings screen's queries.
//   import  --results GMP results (generated, 1 of 20 hosts, 1 of 500 NVTs, every severity band)
//           mapped to findings (gmpResultToFinding, checked against the contract) and upserted a
//           page of --page per transaction with the scan's cursor, exactly as ScansService does;
//           run twice (the second run is a re-import: every finding already known)
//   queries the Findings screen's calls on the result: first page (most severe first, with the
//           total), a severity filter, a host filter, a text search
// Prints results/s per run, RSS idle (database open, nothing imported) and peak (sampled every
// 20 ms), and each query's time. The goal: RSS grows by less than 150 MB over idle whatever the
// count; first page <= 1 s; filters <= 300 ms. The exit code says whether the RSS goal was met.
// Needs the compiled main process: run `npx tsc -b main` first (npm run bench:findings does).
// Usage: node test/bench/findings-bench.mjs [--results 100000] [--page 1000]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({ options: { results: { type: 'string', default: '100000' }, page: { type: 'string', default: '1000' } } });
const total = Number(values.results);
const pageSize = Number(values.page);

const { openDatabase, closeDatabase } = await import(dist('store/db.js'));
const { AuditRepo } = await import(dist('store/audit-repo.js'));
const { FindingsRepo } = await import(dist('store/findings-repo.js'));
const { ScansRepo } = await import(dist('store/scans-repo.js'));
const { gmpResultToFinding } = await import(dist('connectors/gvm/finding.js'));
const { checkedFinding } = await import(dist('connectors/findings.js'));
const { severityBucket } = await import(dist('connectors/gvm/severity.js'));

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-findings-bench-'));
const { db } = await openDatabase(path.join(dir, 'vigil.db'));
const audit = new AuditRepo(db);
const scans = new ScansRepo(db, () => new Date());
const findings = new FindingsRepo(db, audit);

const SCORES = [9.8, 7.5, 5.3, 2.6, 0];
/** One GMP result as the client yields it (model.ts GmpResult). */
function result(i) {
  const nvt = i % 500;
  const host = `10.1.${Math.floor(i / 5000) % 256}.${i % 20}`;
  const port = 1 + (Math.floor(i / 20) % 5000);
  const severity = SCORES[nvt % SCORES.length];
  return {
    id: `r-${i}`,
    reportId: 'report-1',
    name: `NVT ${nvt}: a vulnerability with a long enough name to be realistic`,
    host: { ip: host, hostname: null, assetId: null },
    port: { raw: `${port}/tcp`, number: port, protocol: 'tcp' },
    nvt: {
      oid: `1.3.6.1.4.1.25623.1.0.${100000 + nvt}`,
      name: `NVT ${nvt}`,
      type: 'nvt',
      family: 'General',
      cvssBase: severity,
      severityScore: severity,
      severityVector: null,
      cves: nvt % 3 ? [`CVE-2024-${10000 + nvt}`] : [],
      refs: [],
      tags: { summary: 'The remote host is affected by a vulnerability.', insight: 'Details about it.', solution: 'Update to the latest version.' },
      solution: { type: 'VendorFix', text: 'Update to the latest version.' },
    },
    threat: 'High',
    severity,
    severityBucket: severityBucket(severity),
    originalSeverity: severity,
    qod: { value: 80, type: 'remote_banner' },
    description: `Installed version: 1.${i % 10}\nFixed version: 2.0`,
    creationTime: '2026-12-01T10:00:00Z',
    modificationTime: '2026-12-01T10:00:00Z',
    scanNvtVersion: null,
  };
}

let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
global.gc?.();
const idle = process.memoryUsage().rss;
const timer = setInterval(sample, 20);

async function importRun(label) {
  const scanId = scans.create({ tool: 'gvm', connector_id: 'gvm-bench', target: '10.1.0.0/16', options: {}, tool_state: { phase: 'report' }, created_by: 'bench' }).id;
  const t0 = performance.now();
  let n = 0;
  for (let start = 0; start < total; start += pageSize) {
    const page = [];
    for (let i = start; i < Math.min(total, start + pageSize); i++) {
      const f = gmpResultToFinding(result(i));
      if (f) page.push(checkedFinding(f));
    }
    const seenAt = new Date().toISOString();
    scans.transaction(() => {
      findings.upsert(page, { scanId, connectorId: 'gvm-bench', target: '10.1.0.0/16', seenAt });
      scans.addCounts(scanId, page.length, 0);
      scans.update(scanId, { import_cursor: { start: start + pageSize } });
    });
    n += page.length;
    sample();
    await new Promise((r) => setImmediate(r)); // let the sampler run, as the app's event loop would
  }
  const s = (performance.now() - t0) / 1000;
  return { run: label, results: total, findings: n, seconds: Number(s.toFixed(2)), results_per_s: Math.round(total / s) };
}

const runs = [await importRun('first import'), await importRun('re-import')];
clearInterval(timer);
const time = (fn) => {
  const t0 = performance.now();
  const r = fn();
  return { ms: Number((performance.now() - t0).toFixed(1)), total: r.total };
};
const queries = {
  first_page: time(() => findings.list({ status: ['open'] }, 200, 0)),
  severity_filter: time(() => findings.list({ severity: ['critical'] }, 200, 0)),
  host_filter: time(() => findings.list({ host: '10.1.3.7' }, 200, 0)),
  text_search: time(() => findings.list({ text: 'CVE-2024-10124' }, 200, 0)),
  exposure_index: time(() => ({ total: findings.exposed().length })),
};
const growthMb = (peak - idle) / 1048576;
const out = { runs, rss_idle_mb: Math.round(idle / 1048576), rss_peak_mb: Math.round(peak / 1048576), rss_growth_mb: Math.round(growthMb), goal_rss_growth_lt_150mb: growthMb < 150, queries };
console.log(JSON.stringify(out, null, 2));
closeDatabase(db);
fs.rmSync(dir, { recursive: true, force: true });
process.exitCode = growthMb < 150 ? 0 : 1;
