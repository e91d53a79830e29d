import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import type { Readable } from 'node:stream';
import path from 'node:path';
import { repoRoot } from './services.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built `vigil` CLI synchronously (needs `npm run build`; `npm test` builds first). */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, input?: string): CliResult {
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, VIGIL_DATA_DIR: '', ...env },
    encoding: 'utf8',
    input,
    timeout: 120_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the built `vigil` CLI without blocking this process (a simulator in the test answers it). */
export function runCliAsync(args: string[], env: NodeJS.ProcessEnv = {}, input = ''): Promise<CliResult> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(input);
  return new Promise((resolve) => child.once('close', (code) => resolve({ code: code ?? -1, stdout, stderr })));
}

/** The command line that runs the built `vigil` CLI: [node, vigil.mjs, ...args]. */
export function cliArgv(args: string[]): [string, string, ...string[]] {
  return [process.execPath, path.join(repoRoot, 'main', 'cli', 'bin', 'vigil.mjs'), ...args];
}

/** Starts the built `vigil` CLI without waiting, its stdout and stderr piped to the test. */
export function spawnCli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessByStdio<null, Readable, Readable> {
  const [cmd, ...rest] = cliArgv(args);
  return spawn(cmd, rest, { cwd: repoRoot, env: { ...process.env, VIGIL_DATA_DIR: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
}

/**
 * The exit code (128 + n for a signal) and everything a child wrote to stderr. A child still
 * running after `killAfterMs` is killed (exit 137), so a failing test leaves no process behind.
 */
export async function exitOf(child: ChildProcessByStdio<null, Readable, Readable>, killAfterMs = 25_000): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
  const [code, signal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  clearTimeout(timer);
  return { code: code ?? 128 + (signal ? os.constants.signals[signal] : 0), stderr };
}
