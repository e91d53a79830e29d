#!/usr/bin/env node
// `npm run bench:wazuh`: the Wazuh clients against the simulator, measured from the client side.
//   sim     a child process (wazuh-sim.mjs): the Wazuh simulator (test/simulators/wazuh, bundled
//           on the fly with esbuild) with --agents agents and --alerts alerts over the last 23 h, on https with a
//           self-signed certificate the clients pin
//   client  this process: the compiled clients (dist/main/connectors) pull every alert through
//           the indexer client (search_after in a point in time, --page-size hits per request) and
//           list every agent through the API client (pages of 500)
// Prints alerts/s (wall clock, and per CPU-second of this process: the client alone, since the
// simulator runs in its own process), pages, duplicates and losses by _id, agents/s, peak RSS.
// The request budget is lifted for the pull (--rpm) so it measures the client, not the budget.
// Needs the compiled main process: run `npx tsc -b main` first (npm run bench:wazuh does).
// Usage: node test/bench/wazuh-bench.mjs [--alerts 200000] [--agents 10000] [--page-size 1000] [--rpm 100000]
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { startSimulatorProcess } from './wazuh-sim.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = (p) => pathToFileURL(path.join(root, 'dist', 'main', p)).href;
const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '200000' },
    agents: { type: 'string', default: '10000' },
    'page-size': { type: 'string', default: '1000' },
    rpm: { type: 'string', default: '100000' },
  },
});

// ---------- client (this process) ----------
async function main() {
  // the simulator runs in its own process (test/bench/wazuh-sim.mjs), so the figures are the client's
  const info = await startSimulatorProcess({ agents: Number(values.agents), alerts: Number(values.alerts), seed: 42, maxRequestsPerMinute: 0 });
  const { WazuhIndexerClient } = await import(dist('connectors/wazuh/indexer.js'));
  const { WazuhApiClient } = await import(dist('connectors/wazuh/api.js'));
  const { WazuhApiConfig, WazuhIndexerConfig } = await import(dist('contract/connectors.js'));
  const { staticCredentials } = await import(dist('connectors/types.js'));
  const timeouts = { connectMs: 5000, headersMs: 60_000, bodyMs: 60_000 };
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

  // Indexer pull
  const indexer = new WazuhIndexerClient(
    WazuhIndexerConfig.parse({
      kind: 'wazuh-indexer',
      id: 'bench-indexer',
      name: 'bench',
      url: info.indexerUrl,
      username: 'admin',
      trust: { mode: 'pin', sha256: info.indexerPin },
      timeouts,
      pageSize: Number(values['page-size']),
      requestsPerMinute: Number(values.rpm),
    }),
    { credentials: staticCredentials('admin', 'admin') },
  );
  const seen = new Set();
  let dup = 0;
  let pages = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for await (const page of indexer.pull()) {
    pages++;
    for (const h of page.hits) {
      if (seen.has(h._id)) dup++;
      else seen.add(h._id);
    }
  }
  const pullMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const pullCpuS = (cpu.user + cpu.system) / 1e6;
  await indexer.close();

  // Agent listing
  const api = new WazuhApiClient(
    WazuhApiConfig.parse({ kind: 'wazuh-api', id: 'bench-api', name: 'bench', url: info.apiUrl, username: 'wazuh', trust: { mode: 'pin', sha256: info.apiPin }, timeouts }),
    { credentials: staticCredentials('wazuh', 'wazuh') },
  );
  const t1 = performance.now();
  let agents = 0;
  let agentPages = 0;
  for await (const page of api.agents()) {
    agentPages++;
    agents += page.items.length;
  }
  const listMs = performance.now() - t1;
  await api.close();
  clearInterval(sampler);
  await info.stop();

  const lost = info.ids - seen.size;
  const lines = [
    `indexer pull: ${seen.size} alerts in ${pages} pages of ${values['page-size']} (PIT + search_after), ${(pullMs / 1000).toFixed(2)} s wall`,
    `  ${Math.round(seen.size / (pullMs / 1000))} alerts/s wall clock (client + simulator on ${os.cpus().length} cores)`,
    `  ${Math.round(seen.size / pullCpuS)} alerts per CPU-second of the client alone (${pullCpuS.toFixed(2)} CPU s)`,
    `  duplicates ${dup}, lost ${lost} (by _id, against the ${info.ids} stored)`,
    `agents listing: ${agents} agents in ${agentPages} pages of 500, ${(listMs / 1000).toFixed(2)} s, ${Math.round(agents / (listMs / 1000))} agents/s`,
    `client peak RSS ${(peakRss / 1048576).toFixed(0)} MiB`,
  ];
  console.log(lines.join('\n'));
  console.log(
    JSON.stringify({
      alerts: seen.size,
      pages,
      pullSeconds: +(pullMs / 1000).toFixed(3),
      alertsPerSecond: Math.round(seen.size / (pullMs / 1000)),
      alertsPerClientCpuSecond: Math.round(seen.size / pullCpuS),
      duplicates: dup,
      lost,
      agents,
      agentPages,
      listSeconds: +(listMs / 1000).toFixed(3),
      peakRssMiB: Math.round(peakRss / 1048576),
    }),
  );
  if (dup || lost || agents !== info.agents) process.exitCode = 1;
}

await main();
