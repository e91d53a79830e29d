// The Wazuh simulator (test/simulators/wazuh, TypeScript) in a child process, for benches and
// demos: bundled on the fly with esbuild, started with the options given, its URLs and
// certificate pins printed as one JSON line. Stops when its stdin closes.
//   import { startSimulatorProcess } from './wazuh-sim.mjs';
//   const sim = await startSimulatorProcess({ agents: 10000, hang: false }); ... await sim.stop();
// Run directly: node test/bench/wazuh-sim.mjs --bundle FILE --options JSON (what the helper does).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Bundles the simulator into node_modules/.cache (so its bare imports resolve); returns the file. */
export async function bundleSimulator() {
  const esbuild = await import('esbuild');
  const dir = path.join(root, 'node_modules', '.cache');
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(fs.mkdtempSync(path.join(dir, 'vigil-wazuh-sim-')), 'simulator.mjs');
  await esbuild.build({
    entryPoints: [path.join(root, 'test', 'simulators', 'wazuh', 'index.ts')],
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

/**
 * Starts a simulator process. options: agents, alerts, seed, users (API user -> password),
 * maxRequestsPerMinute, hang (every API request is left unanswered: a tool that hangs).
 * Resolves with {apiUrl, indexerUrl, apiPin, indexerPin, ids, agents, stop()}.
 */
export async function startSimulatorProcess(options = {}, bundle = null) {
  const file = bundle ?? (await bundleSimulator());
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--bundle', file, '--options', JSON.stringify(options)], { stdio: ['pipe', 'pipe', 'inherit'], cwd: root });
  const info = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    readline.createInterface({ input: child.stdout }).once('line', (l) => resolve(JSON.parse(l)));
  });
  return {
    ...info,
    bundle: file,
    async stop() {
      child.stdin.end();
      await new Promise((r) => (child.exitCode !== null ? r() : child.once('exit', r)));
      if (!bundle) fs.rmSync(path.dirname(file), { recursive: true, force: true });
    },
  };
}

async function serveSimulator(bundle, options) {
  const { startWazuhSimulator } = await import(pathToFileURL(bundle).href);
  const sim = await startWazuhSimulator({
    agents: options.agents ?? 20,
    alerts: options.alerts ?? 0,
    seed: options.seed ?? 42,
    api: { maxRequestsPerMinute: options.maxRequestsPerMinute ?? 0, ...(options.users ? { users: options.users } : {}) },
    ...(options.indexerUsers ? { indexer: { users: options.indexerUsers } } : {}),
  });
  if (options.hang) sim.apiServer.faults.inject({ kind: 'timeout', times: Number.MAX_SAFE_INTEGER });
  process.stdout.write(
    `${JSON.stringify({
      apiUrl: sim.apiUrl,
      indexerUrl: sim.indexerUrl,
      apiPin: sim.apiServer.cert.fingerprint256,
      indexerPin: sim.indexerServer.cert.fingerprint256,
      ids: sim.indexer.size,
      agents: sim.api.agents.length,
    })}\n`,
  );
  process.stdin.resume();
  process.stdin.on('end', () => sim.close().then(() => process.exit(0)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { bundle: { type: 'string' }, options: { type: 'string', default: '{}' } } });
  await serveSimulator(values.bundle, JSON.parse(values.options));
}
