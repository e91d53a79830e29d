import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

/**
 * CherryPy's auth_digest, the real one, in front of SpiderFoot-shaped endpoints
 * (cherrypy-digest.py): where CherryPy is installed, the Digest client is also checked against it.
 */

const SCRIPT = fileURLToPath(new URL('./cherrypy-digest.py', import.meta.url));

/** A Python that can import cherrypy ($VIGIL_PYTHON, python3, then the system's), or null. */
export function pythonWithCherryPy(): string | null {
  const candidates = [process.env.VIGIL_PYTHON, 'python3', '/usr/bin/python3'].filter((c): c is string => Boolean(c));
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import cherrypy'], { stdio: 'ignore', timeout: 10_000 });
    if (r.status === 0) return py;
  }
  return null;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

export interface CherryPyServer {
  url: string;
  close(): Promise<void>;
}

/** Starts the script and waits for "ready" (it stops when its stdin closes, or after 120 s). */
export async function startCherryPy(python: string, user: string, password: string): Promise<CherryPyServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(python, [SCRIPT, String(port), user, password], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`CherryPy did not start in 20 s: ${err}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`CherryPy exited (${code}): ${err}`));
    });
  });
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.stdin!.end();
      const timer = setTimeout(() => child.kill(), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
