import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GmpClient } from '../../../main/connectors/gvm/client.js';
import type { GmpClientConfigInput, GmpCredentials, GmpLogger, GmpTlsTarget } from '../../../main/connectors/gvm/config.js';
import { makeTestPki, type TestPki } from './certs.js';
import { GvmSimulator, type GvmSimOptions } from './server.js';

/** A simulator plus a client pointed at it, over TLS (trusting the test CA) or the unix socket. */
export interface GvmHarness {
  sim: GvmSimulator;
  client: GmpClient;
  pki: TestPki;
  dir: string;
  /** The credentials the client will use next (change them to simulate a password change). */
  creds: GmpCredentials;
  /** Writes a PEM into the harness directory and returns its path. */
  file(name: string, pem: string): string;
  /** A second client on the same simulator, with other settings. */
  newClient(overrides?: Partial<GmpClientConfigInput> & { tls?: Partial<GmpTlsTarget> }, logger?: GmpLogger): GmpClient;
  close(): Promise<void>;
}

let pkiOnce: Promise<TestPki> | null = null;
export const testPki = (): Promise<TestPki> => (pkiOnce ??= makeTestPki());

export const ADMIN = { username: 'admin', password: 'Vigil-test-pw1' };

export async function startGvm(
  transport: 'tls' | 'unix',
  simOpts: Omit<GvmSimOptions, 'tls' | 'unixPath'> & { tls?: GvmSimOptions['tls'] } = {},
  clientOpts: Partial<GmpClientConfigInput> = {},
): Promise<GvmHarness> {
  const pki = await testPki();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-gvm-'));
  const sim = await GvmSimulator.start(transport === 'tls' ? { tls: simOpts.tls ?? pki.server, ...simOpts } : { ...simOpts, unixPath: path.join(dir, 'gvmd.sock') });
  const file = (name: string, pem: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, pem);
    return p;
  };
  const caFile = file('ca.pem', pki.ca.cert);
  const creds = { ...ADMIN };
  const clients: GmpClient[] = [];
  const newClient = (overrides: Partial<GmpClientConfigInput> & { tls?: Partial<GmpTlsTarget> } = {}, logger?: GmpLogger) => {
    const { tls: tlsOverrides, ...rest } = { ...clientOpts, ...overrides };
    const target =
      transport === 'tls'
        ? { kind: 'tls' as const, host: '127.0.0.1', port: sim.tlsPort!, caFile, ...tlsOverrides }
        : { kind: 'unix' as const, path: sim.unixPath! };
    const c = new GmpClient({ target, ...rest }, () => ({ ...creds }), logger);
    clients.push(c);
    return c;
  };
  const client = newClient();
  return {
    sim,
    client,
    pki,
    dir,
    creds,
    file,
    newClient,
    async close() {
      for (const c of clients) c.close();
      await sim.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
