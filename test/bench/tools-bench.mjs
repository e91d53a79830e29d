#!/usr/bin/env node
/**
 * `npm run bench:tools`: the Tools and Agents screens, measured (never asserted).
 *
 *   npm run build && node test/bench/tools-bench.mjs [--agents 10000] [--runs 5]
 *
 * 1. Agents screen with --agents agents: a Wazuh simulator (its own process), a connector added
 *    with `vigil connectors add` (the password from stdin, into the vault), the inventory synced
 *    with `vigil wazuh agents --sync`; then `vigil serve` and headless Chromium:
 *    navigation → first agent rows visible; a filter (status chip, then a name search) → the
 *    list shows only matching rows. Median of --runs.
 * 2. Four tools, one of them hanging (every API request of its manager left unanswered):
 *    navigation → the dashboard's tool figure, and → all four Tools cards, while the hanging
 *    tool's probe is still running (it shows "Checking…"); then when its probe gives up.
 * Connector secrets need a Secret Service: the bench re-runs itself in a private D-Bus session
 * with a throwaway gnome-keyring when it is not in one (as npm test does for the suites).
 */
/* global document -- used inside page.waitForFunction (runs in the browser) */
import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { bundleSimulator, startSimulatorProcess } from './wazuh-sim.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'main', 'cli', 'bin', 'vigil.mjs');
const { values } = parseArgs({ options: { agents: { type: 'string', default: '10000' }, runs: { type: 'string', default: '5' } } });
const AGENTS = Number(values.agents);
const RUNS = Number(values.runs);
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

if (process.env.VIGIL_KEYCHAIN !== '1') {
  // a private session bus and an unlocked throwaway keyring, then this script again inside them
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-keyring-'));
  const script = fileURLToPath(import.meta.url);
  const inner = `export XDG_DATA_HOME='${home}'; printf vigil-bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; VIGIL_KEYCHAIN=1 exec '${process.execPath}' '${script}' ${process.argv.slice(2).map((a) => `'${a}'`).join(' ')}`;
  const r = spawnSync('dbus-run-session', ['--', 'sh', '-c', inner], { stdio: 'inherit' });
  fs.rmSync(home, { recursive: true, force: true });
  process.exit(r.status ?? 1);
}

for (const built of ['dist/main/cli/index.js', 'dist/renderer/index.html']) {
  if (!fs.existsSync(path.join(root, built))) {
    console.error(`${built} is missing: run \`npm run build\` first`);
    process.exit(1);
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${Math.round(x)} ms`;

function vigil(dataDir, args, input = '') {
  const r = spawnSync(process.execPath, [cli, ...args], { env: { ...process.env, VIGIL_DATA_DIR: dataDir }, input, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`vigil ${args.join(' ')} → ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function serve(dataDir) {
  const token = crypto.randomBytes(24).toString('base64url');
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--data-dir', dataDir], { env: { ...process.env, VIGIL_TOKEN: token }, stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c;
      const m = /serving at (http:\/\/\S+)/.exec(out);
      if (m) resolve(`${m[1].replace(/\/?$/, '/')}?token=${token}`);
    });
    child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((r) => {
        child.once('exit', r);
        child.kill('SIGTERM');
      }),
  };
}

const addApi = (dataDir, name, sim, extra = []) =>
  vigil(dataDir, ['connectors', 'add', 'wazuh-api', '--name', name, '--url', sim.apiUrl, '--user', 'wazuh-wui', '--password-stdin', '--trust-fingerprint', sim.apiPin, ...extra], 'bench-pass\n');

const bundle = await bundleSimulator();
const users = { 'wazuh-wui': 'bench-pass' };
const big = await startSimulatorProcess({ agents: AGENTS, users }, bundle);
const small = await startSimulatorProcess({ agents: 50, users }, bundle);
const hung = await startSimulatorProcess({ agents: 5, users, hang: true }, bundle);
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-tools-'));
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
const results = {};
try {
  // ---------- 1. Agents screen with AGENTS agents ----------
  addApi(dataDir, 'Production manager', big);
  let t = performance.now();
  vigil(dataDir, ['wazuh', 'agents', '--sync', '--limit', '1']);
  results.syncSeconds = +((performance.now() - t) / 1000).toFixed(2);

  let server = await serve(dataDir);
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const firstRows = [];
  const navRows = [];
  const chipFilter = [];
  const searchFilter = [];
  for (let run = 0; run < RUNS; run++) {
    await page.goto('about:blank');
    t = performance.now();
    await page.goto(`${server.url}#/agents`);
    await page.waitForSelector('[data-testid="agent-row"]');
    firstRows.push(performance.now() - t);

    // in the app: from another screen, the Agents link → first rows (no page load)
    await page.click('nav[aria-label="Main"] a[href="#/tools"]');
    await page.waitForSelector('[data-testid="connector-card"]');
    t = performance.now();
    await page.click('nav[aria-label="Main"] a[href="#/agents"]');
    await page.waitForSelector('[data-testid="agent-row"]');
    navRows.push(performance.now() - t);

    t = performance.now();
    await page.click('[data-testid="status-chip-disconnected"]');
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('[data-testid="agent-row"]')];
      return rows.length > 0 && rows.every((r) => r.getAttribute('data-status') === 'disconnected');
    });
    chipFilter.push(performance.now() - t);
    await page.click('[data-testid="status-chip-all"]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="agent-row"]')].some((r) => r.getAttribute('data-status') !== 'disconnected'));

    const needle = `agent-0${String(1000 + run * 7).padStart(4, '0')}`;
    t = performance.now();
    await page.fill('[data-testid="agents-search"]', needle);
    await page.press('[data-testid="agents-search"]', 'Enter');
    await page.waitForFunction((n) => {
      const rows = [...document.querySelectorAll('[data-testid="agent-row"]')];
      return rows.length === 1 && rows[0].textContent.includes(n);
    }, needle);
    searchFilter.push(performance.now() - t);
    await page.fill('[data-testid="agents-search"]', '');
    await page.press('[data-testid="agents-search"]', 'Enter');
  }
  results.agents = AGENTS + 1;
  results.agentsFirstRowsMs = Math.round(median(firstRows));
  results.agentsFirstRowsInAppMs = Math.round(median(navRows));
  results.agentsStatusFilterMs = Math.round(median(chipFilter));
  results.agentsSearchFilterMs = Math.round(median(searchFilter));
  await page.close();
  await server.stop();

  // ---------- 2. Four tools, one hanging ----------
  vigil(dataDir, ['connectors', 'add', 'wazuh-indexer', '--name', 'Production indexer', '--url', big.indexerUrl, '--user', 'admin', '--password-stdin', '--trust-fingerprint', big.indexerPin], 'admin\n');
  addApi(dataDir, 'Lab manager', small);
  addApi(dataDir, 'DMZ manager (hangs)', hung, ['--no-test']);
  server = await serve(dataDir);
  const dash = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  t = performance.now();
  await dash.goto(`${server.url}#/dashboard`);
  await dash.waitForSelector('h1');
  results.dashboardHeadingMs = Math.round(performance.now() - t);
  await dash.waitForSelector('[data-testid="tools-health"]');
  results.dashboardToolsFigureMs = Math.round(performance.now() - t);
  results.dashboardToolsFigure = await dash.textContent('[data-testid="tools-health"]');
  t = performance.now();
  await dash.goto(`${server.url}#/tools`);
  await dash.waitForFunction(() => document.querySelectorAll('[data-testid="connector-card"]').length === 4);
  results.toolsFourCardsMs = Math.round(performance.now() - t);
  results.hangingToolShownAs = await dash.getAttribute('[data-connector-id="dmz-manager-hangs"]', 'data-health');
  t = performance.now();
  await dash.waitForSelector('[data-connector-id="dmz-manager-hangs"][data-health="down"]', { timeout: 120_000 });
  results.hangingProbeGaveUpAfterMs = Math.round(performance.now() - t);
  await dash.close();
  await server.stop();
} finally {
  await browser.close();
  await Promise.all([big.stop(), small.stop(), hung.stop()]);
  fs.rmSync(path.dirname(bundle), { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
}

console.log(
  [
    `agent inventory sync (vigil wazuh agents --sync): ${results.agents} agents in ${results.syncSeconds} s (pages of 500)`,
    `Agents screen, ${results.agents} agents, median of ${RUNS}: first rows ${ms(results.agentsFirstRowsInAppMs)} from the Agents link (${ms(results.agentsFirstRowsMs)} with a cold page load), status filter ${ms(results.agentsStatusFilterMs)}, name search ${ms(results.agentsSearchFilterMs)}`,
    `4 tools, one hanging: dashboard (cold page load) heading in ${ms(results.dashboardHeadingMs)}, tool figure "${results.dashboardToolsFigure}" in ${ms(results.dashboardToolsFigureMs)}; Tools screen, 4 cards in ${ms(results.toolsFourCardsMs)} with the hanging one shown as "${results.hangingToolShownAs}"; its probe gave up ${ms(results.hangingProbeGaveUpAfterMs)} later`,
  ].join('\n'),
);
console.log(`(load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')} on ${os.cpus().length} cores)`);
console.log(JSON.stringify(results));
