import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorConfig, type ConnectorKind, type ConnectorKindSpec } from '../../main/contract/connectors.js';
import { connectorKindSpecs } from '../../main/core/connector-kinds.js';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import type { MasterKeyStore } from '../../main/secrets/master-key.js';
import { EncryptedFileVault } from '../../main/secrets/vault.js';
import { SECRETS_FILE } from '../../main/secrets/secrets-file.js';
import { capturingLogger, connectorsFor } from '../helpers/connectors.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { startWazuhSimulator, type WazuhSimulator } from '../simulators/wazuh/index.js';
import { GvmSimulator } from '../simulators/gvm/server.js';
import { testPki } from '../simulators/gvm/harness.js';
import { basicAuth, json, SimServer } from '../simulators/wazuh/server-kit.js';

/**
 * Issue 10 §2: a credential lives only in the vault. For EVERY kind in the registry (a kind added
 * later is covered without a line here), a connector is created with a recognisable secret and
 * exercised (test, save, health, and the kind's own calls: agents, actions, alerts); then every
 * file of the data directory (vigil.db, its WAL, config.json, secrets.json...) and every log
 * line are searched for the secret, in the clear and in the encodings it travels in.
 */

/** A master-key store in memory: the vault's file format and encryption are the real ones. */
function memoryKeyStore(): MasterKeyStore {
  let key: Buffer | null = null;
  return { label: 'test key store', read: async () => key, write: async (k) => void (key = Buffer.from(k)) };
}

/** Every way the secret could be written down: as is, JSON-escaped, base64 of user:secret (Basic), hex. */
function forms(secret: string, user: string): string[] {
  return [secret, JSON.stringify(secret).slice(1, -1), Buffer.from(`${user}:${secret}`).toString('base64'), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('hex')];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** A server for a kind no simulator speaks yet: it records what credentials it was sent and refuses them. */
async function catchAllServer(seen: string[]): Promise<SimServer> {
  return new SimServer((req) => {
    const basic = basicAuth(req);
    if (basic) seen.push(basic.password);
    for (const [k, v] of Object.entries(req.headers)) if (k !== 'host' && typeof v === 'string') seen.push(v);
    seen.push(req.query.toString(), req.text);
    return json(401, { title: 'Unauthorized', detail: 'unknown client' });
  }).start();
}

/** A configuration of a kind from its form: required fields filled, pinned to the server. */
function configFor(spec: ConnectorKindSpec, server: { url: string; sha256: string }, user: string): ConnectorConfig {
  const input: Record<string, unknown> = {
    kind: spec.kind,
    id: `leak-${spec.kind}`,
    name: `Leak ${spec.kind}`,
    url: server.url,
    trust: { mode: 'pin', sha256: server.sha256 },
    timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 2000 },
  };
  for (const f of spec.fields) {
    if (f.name === 'username') input['username'] = user;
    else if (f.required) input[f.name] = f.type === 'integer' || f.type === 'number' ? (f.min ?? 1) : f.type === 'boolean' ? false : 'x';
  }
  return ConnectorConfig.parse(input);
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

describe('connector secrets never leave the vault', () => {
  it('for every kind in the registry: not in SQLite (db, WAL), settings, logs or the vault file in the clear', async () => {
    const dir = tempDir();
    const logger = capturingLogger();
    const s = await testServices(dir, undefined, { logger });
    const vault = new EncryptedFileVault({ file: path.join(dir, SECRETS_FILE), keyStores: [memoryKeyStore()], legacyService: 'vigil-test', legacy: async () => null, logger });
    const c = connectorsFor(s, { secrets: vault, logger, probeTimeoutMs: 4000 });
    const h = createHandlers(s, null, null, c);
    const ctx = { actor: 'ana', transport: 'test' as const };
    const call = (channel: Parameters<typeof dispatch>[1], req: unknown) => dispatch(h, channel, req, ctx, logger);
    cleanup.push(async () => {
      await c.stop();
      await s.close();
    });

    const kinds = connectorKindSpecs();
    expect(kinds.length).toBeGreaterThanOrEqual(2);
    const secrets = new Map<ConnectorKind, string>();
    const seenByCatchAll: string[] = [];
    let sim: WazuhSimulator | null = null;
    let gvm: GvmSimulator | null = null;
    const user = 'leak-user';

    for (const spec of kinds) {
      const secret = `LEAK-${spec.kind}-${crypto.randomBytes(9).toString('hex')}`;
      secrets.set(spec.kind, secret);
      let server: { url: string; sha256: string };
      if (spec.kind === 'gvm') {
        // GMP is XML over TLS, not HTTP: the GMP simulator, with this user and secret
        const pki = await testPki();
        const g = await GvmSimulator.start({ tls: pki.server, users: { [user]: secret } });
        gvm = g;
        cleanup.push(() => g.close());
        server = { url: `tls://127.0.0.1:${g.tlsPort}`, sha256: new crypto.X509Certificate(pki.server.cert).fingerprint256 };
      } else if (spec.kind === 'wazuh-api' || spec.kind === 'wazuh-indexer') {
        sim ??= await startWazuhSimulator({ agents: 8, alerts: 50 });
        const simNow = sim;
        cleanup.push(() => simNow.close());
        if (spec.kind === 'wazuh-api') sim.api.opts.users = { [user]: secret };
        else sim.indexer.opts.users = { [user]: secret };
        const simServer = spec.kind === 'wazuh-api' ? sim.apiServer : sim.indexerServer;
        server = { url: simServer.url, sha256: simServer.cert!.fingerprint256 };
      } else {
        const catchAll = await catchAllServer(seenByCatchAll);
        cleanup.push(() => catchAll.close());
        server = { url: catchAll.url, sha256: catchAll.cert!.fingerprint256 };
      }
      const config = configFor(spec, server, user);
      // the ways a secret enters: a test before saving (good, wrong, untrusted), the save, the checks
      await call('connectors.test', { config, secret });
      await call('connectors.test', { config, secret: `${secret}-wrong` });
      await call('connectors.test', { config: { ...config, trust: { mode: 'system' } }, secret });
      const saved = await call('connectors.save', { config, secret, create: true });
      expect(saved.ok, JSON.stringify(saved)).toBe(true);
      await call('connectors.health', { id: config.id, force: true });
      await call('connectors.list', {});
      if (spec.kind === 'wazuh-api') {
        await call('wazuh.agents.sync', { connector_id: config.id });
        const restart = await call('wazuh.agents.restart', { connector_id: config.id, agent_ids: ['001', '002'] });
        expect(restart.ok).toBe(true);
        await call('wazuh.ar.run', { connector_id: config.id, agent_ids: ['001'], srcip: '203.0.113.7' });
        await call('wazuh.ar.commands', { connector_id: config.id });
        expect(sim!.api.logins).toBeGreaterThan(0); // the secret was really used
      }
      if (spec.kind === 'gvm') {
        const test = await call('connectors.test', { config, secret });
        expect(test, JSON.stringify(test)).toMatchObject({ ok: true, result: { ok: true } });
        expect(gvm!.stats.authentications).toBeGreaterThan(0); // the secret was really used
      }
      if (spec.kind === 'wazuh-indexer') {
        await c.ready();
        let hits = 0;
        for await (const page of c.indexerClientFor(config.id).pull({ from: new Date(Date.now() - 48 * 3_600_000) })) hits += page.hits.length;
        expect(hits).toBe(50); // the secret was really used
      }
      // a rotated secret goes to the vault too, and the old one with it
      await call('connectors.save', { config, secret: `${secret}-next`, create: false });
      await call('connectors.save', { config, secret, create: false });
    }
    await c.start();
    await c.stop();
    if (seenByCatchAll.length) {
      for (const spec of kinds.filter((k) => k.kind !== 'wazuh-api' && k.kind !== 'wazuh-indexer' && k.kind !== 'gvm')) {
        // a kind with a secret sent it to its server (else this test would prove nothing for it)
        if (spec.credential.mode !== 'optional_password') expect(seenByCatchAll.join('\n'), spec.kind).toContain(secrets.get(spec.kind)!);
      }
    }

    const check = (when: string) => {
      for (const file of filesUnder(dir)) {
        const bytes = fs.readFileSync(file);
        for (const [kind, secret] of secrets) {
          for (const form of forms(secret, user)) expect(bytes.includes(form), `${when}: ${path.relative(dir, file)} holds the ${kind} secret (${form.slice(0, 12)}…)`).toBe(false);
        }
      }
    };
    check('while open'); // vigil.db, vigil.db-wal, vigil.db-shm, secrets.json
    expect(fs.existsSync(path.join(dir, 'vigil.db-wal'))).toBe(true);
    await s.close();
    check('after close');
    expect(Object.keys(JSON.parse(fs.readFileSync(path.join(dir, SECRETS_FILE), 'utf8')).entries).sort()).toEqual(kinds.map((k) => `connector.leak-${k.kind}.secret`).sort());
    const log = logger.lines.join('\n');
    expect(logger.lines.length).toBeGreaterThan(0);
    for (const [kind, secret] of secrets) for (const form of forms(secret, user)) expect(log.includes(form), `the log holds the ${kind} secret`).toBe(false);
  });
});
