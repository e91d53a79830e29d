import { spawnSync } from 'node:child_process';
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
