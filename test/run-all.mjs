#!/usr/bin/env node
// `npm test`: builds, then runs every suite (Vitest unit + integration, Playwright e2e against
// `vigil serve` in headless Chromium, and the Electron suite where the binary exists) and prints
// one closing line: "total: N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-test-results-'));
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

// 1. Build (the CLI, the server and the e2e suite use dist/).
if (!process.env.VIGIL_TEST_SKIP_BUILD && run('npm', ['run', '--silent', 'build']) !== 0) {
  console.error('build failed');
  console.log('total: 0 passed, 1 failed');
  process.exit(1);
}

// 1b. Static checks count as suites: types (all projects) and lint (layering rules included).
const staticChecks = [
  ['typecheck', ['run', '--silent', 'typecheck']],
  ['lint', ['run', '--silent', 'lint']],
];
const staticFailures = [];
for (const [name, args] of staticChecks) {
  console.log(`\n== ${name}`);
  if (run('npm', args) !== 0) staticFailures.push(name);
  else console.log(`${name}: ok`);
}

// 2. Native modules must be built for Node (after `npm start` they may be built for Electron).
try {
  const Database = require('better-sqlite3');
  new Database(':memory:').close();
} catch (err) {
  console.error(`better-sqlite3 does not load in Node (${String(err.message).split('\n')[0]}); rebuilding for Node`);
  run('npm', ['rebuild', 'better-sqlite3']);
}

// 3. Vitest, inside a private D-Bus session with an unlocked gnome-keyring when both exist, so
//    the keychain suite talks to a real Secret Service.
const vitestJson = path.join(outDir, 'vitest.json');
const vitestArgs = ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${vitestJson}`];
let vitestStatus;
if (process.platform === 'linux' && has('dbus-run-session') && has('gnome-keyring-daemon')) {
  // a throwaway keyring: tests never touch the developer's own login keyring
  const keyringHome = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-keyring-'));
  const inner = [
    `export XDG_DATA_HOME='${keyringHome}'`,
    'printf "vigil-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1',
    `VIGIL_KEYCHAIN=1 exec "${bin('vitest')}" ${vitestArgs.map((a) => `'${a}'`).join(' ')}`,
  ].join('; ');
  vitestStatus = run('dbus-run-session', ['--', 'sh', '-c', inner]);
  fs.rmSync(keyringHome, { recursive: true, force: true });
} else {
  vitestStatus = run(bin('vitest'), vitestArgs);
}

// 4. Playwright: headless Chromium against `vigil serve`, plus the Electron suite.
const pwJson = path.join(outDir, 'playwright.json');
const pwStatus = run(bin('playwright'), ['test', '-c', 'test/e2e', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson });

// 5. One closing line.
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const v = JSON.parse(fs.readFileSync(vitestJson, 'utf8'));
  passed += v.numPassedTests;
  failed += v.numFailedTests;
  skipped += v.numPendingTests + (v.numTodoTests ?? 0);
} catch {
  failed += 1;
  console.error('vitest wrote no results');
}
try {
  const p = JSON.parse(fs.readFileSync(pwJson, 'utf8'));
  passed += p.stats.expected;
  failed += p.stats.unexpected + (p.stats.flaky ?? 0);
  skipped += p.stats.skipped;
} catch {
  failed += 1;
  console.error('playwright wrote no results');
}
passed += staticChecks.length - staticFailures.length;
failed += staticFailures.length;
if (staticFailures.length) console.error(`failed static checks: ${staticFailures.join(', ')}`);
if (vitestStatus !== 0 && failed === 0) failed += 1;
if (pwStatus !== 0 && failed === 0) failed += 1;
fs.rmSync(outDir, { recursive: true, force: true });
console.log(`\ntotal: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
