import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, type Page } from '@playwright/test';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const artifactsDir = path.join(repoRoot, 'test', 'artifacts', 'screens');

export interface Served {
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  stop(): Promise<void>;
}

/** Runs the real `vigil` CLI (node main/cli/bin/vigil.mjs) as a child process. */
export function vigil(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  return spawn(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Whether `keychain: true` can work here: a D-Bus session and gnome-keyring to start in it. */
export function keychainAvailable(): boolean {
  return process.platform === 'linux' && ['/usr/bin/dbus-run-session', '/usr/bin/gnome-keyring-daemon'].every((f) => fs.existsSync(f));
}

/**
 * `vigil serve` inside its own D-Bus session with a throwaway unlocked gnome-keyring (a real
 * Secret Service, as test/run-all.mjs gives the Vitest suites), in its own process group.
 */
function vigilWithKeychain(args: string[], env: NodeJS.ProcessEnv, keyringHome: string): ChildProcess {
  const cli = path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs');
  const quoted = [process.execPath, cli, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const inner = `export XDG_DATA_HOME='${keyringHome}'; printf vigil-e2e | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; exec ${quoted}`;
  return spawn('dbus-run-session', ['--', 'sh', '-c', inner], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
}

/** Starts `vigil serve` on a free loopback port and waits for its ready line. */
export async function startServe(opts: { dataDir?: string; token?: string; args?: string[]; keychain?: boolean } = {}): Promise<Served> {
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  const token = opts.token ?? `e2e-${crypto.randomBytes(24).toString('base64url')}`;
  const keyringHome = opts.keychain ? fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-keyring-')) : null;
  const serveArgs = ['serve', '--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])];
  // the token goes in VIGIL_TOKEN (not --token, which the process list shows)
  const child = keyringHome ? vigilWithKeychain(serveArgs, { VIGIL_TOKEN: token }, keyringHome) : vigil(serveArgs, { VIGIL_TOKEN: token });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`vigil serve did not get ready: ${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /^Vigil is serving at (http:\/\/\S+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        // a token given to vigil serve is not echoed: the link is the printed one plus ?token=
        resolve(`${m[1]!}?token=${encodeURIComponent(token)}`);
      }
    });
    child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    token,
    dataDir,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // with a keychain: the session, its keyring daemon and vigil serve are one process group
        if (keyringHome) process.kill(-child.pid!, 'SIGTERM');
        else child.kill('SIGTERM');
        await exited;
      }
      if (!opts.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      if (keyringHome) fs.rmSync(keyringHome, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, `${name}.png`);
}

/** The MaxMind test databases in ../shared beside the checkout (their addresses are the ones the simulator uses). */
const GEO_DIR = path.resolve(repoRoot, '..', 'shared', 'data', 'geo');
export const GEO_TEST_DBS = {
  geoCityDb: path.join(GEO_DIR, 'GeoLite2-City-Test.mmdb'),
  geoAsnDb: path.join(GEO_DIR, 'GeoLite2-ASN-Test.mmdb'),
};

/**
 * Writes settings into a data directory before any Vigil process starts: `config.json` is the
 * file ConfSettingsBackend (conf, configName 'config') reads in plain Node.
 */
export function writeSettings(dataDir: string, settings: Record<string, unknown>): void {
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(path.join(dataDir, 'config.json'), JSON.stringify(settings, null, 2));
}

/** Runs a `vigil` command to completion; resolves with its exit code and output. */
export function runVigil(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = vigil(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * `vigil serve` over a data directory of its own, into which these files (name -> lines) were first
 * written and read by `vigil ingest`, in order. The directory goes with stop(), as startServe's own.
 */
export async function serveIngested(files: Record<string, readonly string[]>): Promise<Served> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-'));
  try {
    for (const [name, lines] of Object.entries(files)) {
      const file = path.join(dataDir, name);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      const out = await runVigil(['ingest', file, '--data-dir', dataDir]);
      if (out.code !== 0) throw new Error(`vigil ingest ${name} failed (${out.code}): ${out.stderr}`);
    }
    const served = await startServe({ dataDir });
    return {
      ...served,
      async stop() {
        await served.stop();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Feeds a data directory through the simulator (`vigil simulate`), run before `vigil serve` starts. */
export async function simulate(dataDir: string, scenario: string, rate: number, durationS: number, seed = 7): Promise<void> {
  const out = await runVigil(['simulate', '--scenario', scenario, '--rate', String(rate), '--duration', String(durationS), '--seed', String(seed), '--json', '--data-dir', dataDir]);
  if (out.code !== 0) throw new Error(`vigil simulate ${scenario} failed (${out.code}): ${out.stderr}`);
}

/** How many alerts a data directory holds (`vigil status --json`). */
export async function alertsTotal(dataDir: string): Promise<number> {
  const out = await runVigil(['status', '--json', '--data-dir', dataDir]);
  if (out.code !== 0) throw new Error(`vigil status failed (${out.code}): ${out.stderr}`);
  return (JSON.parse(out.stdout) as { alerts_total: number }).alerts_total;
}

/**
 * Puts the page in `theme` once the saved settings have been applied (before that, the page shows
 * the cached theme and a toggle would race the settings' own).
 */
export async function useTheme(page: Page, theme: 'dark' | 'light'): Promise<void> {
  const html = page.locator('html');
  await expect(html).toHaveAttribute('data-theme-source', 'saved', { timeout: 20_000 });
  if ((await html.getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click();
  await expect(html).toHaveAttribute('data-theme', theme);
}

/** A call of the page held on its contract socket: sent on to the server, or answered here with an error. */
export interface HeldCall {
  id: number;
  channel: string;
  release(): void;
  fail(code: string, message: string): void;
}

export interface CallHold {
  /** The calls held so far, in order (released ones leave by `release(channel)` only). */
  held: HeldCall[];
  /** The channels held now: add or delete to hold more or fewer from here on. */
  holding: Set<string>;
  /** Stops holding `channel` and sends its held calls on to the server. */
  release(channel: string): void;
}

/**
 * Holds the page's calls on `channels` on its contract socket (vigil serve's /api/ws); every other
 * frame goes through. Set up before the page opens the socket.
 */
export async function holdCalls(page: Page, channels: Iterable<string>): Promise<CallHold> {
  const hold: CallHold = {
    held: [],
    holding: new Set(channels),
    release(channel) {
      hold.holding.delete(channel);
      for (const call of hold.held.filter((c) => c.channel === channel)) {
        hold.held.splice(hold.held.indexOf(call), 1);
        call.release();
      }
    },
  };
  await page.routeWebSocket(/\/api\/ws/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const { id, channel } = JSON.parse(String(message)) as { id: number; channel?: string };
      if (channel === undefined || !hold.holding.has(channel)) return server.send(message);
      hold.held.push({
        id,
        channel,
        release: () => server.send(message),
        fail: (code, text) => ws.send(JSON.stringify({ type: 'result', id, ok: false, error: { code, message: text } })),
      });
    });
  });
  return hold;
}
