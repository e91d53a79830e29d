import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { findCredentials } from '@napi-rs/keyring';
import { keychainServiceFor, openVault } from '../../main/secrets/vault.js';
import { KeyringMasterKey, MASTER_KEY_ACCOUNT } from '../../main/secrets/master-key.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

// test/run-all.mjs runs the suites inside `dbus-run-session` with an unlocked gnome-keyring
// (a real Secret Service) and sets VIGIL_KEYCHAIN=1 when it could.
const available = process.env['VIGIL_KEYCHAIN'] === '1';
const reason = 'no Secret Service session (run through `npm test`, which starts dbus + gnome-keyring when they are installed)';
const noLegacy = async () => null;

describe.skipIf(!available)(`OS keychain through @napi-rs/keyring${available ? '' : ` (skipped: ${reason})`}`, () => {
  it('keeps the master key in the real keychain: written, read back by a new object, deleted', async () => {
    const service = `vigil-test-${crypto.randomUUID()}`;
    const store = new KeyringMasterKey(service);
    const key = crypto.randomBytes(32);
    expect(await store.read()).toBeNull();
    await store.write(key);
    expect((await new KeyringMasterKey(service).read())!.equals(key)).toBe(true);
    expect(await store.delete()).toBe(true);
    expect(await store.read()).toBeNull();
  });

  it('the CLI vault stores, reads (as after a restart), lists and deletes secrets; the keychain holds only the master key', async () => {
    const dir = tempDir();
    const vault = openVault(dir, { legacy: noLegacy });
    const secret = `s3cr3t-${crypto.randomUUID()}`;
    try {
      await vault.set('feed.jwt.secret', secret);
      expect(await vault.get('feed.jwt.secret')).toBe(secret);
      expect(await vault.list()).toEqual(['feed.jwt.secret']);
      // a second vault object (another process, a restart) gets the key from the keychain
      expect(await openVault(dir, { legacy: noLegacy }).get('feed.jwt.secret')).toBe(secret);
      const entries = findCredentials(keychainServiceFor(dir));
      expect(entries.map((e) => e.account)).toEqual([MASTER_KEY_ACCOUNT]);
      expect(entries[0]!.password).not.toContain(secret);
      expect(await vault.delete('feed.jwt.secret')).toBe(true);
      expect(await vault.get('feed.jwt.secret')).toBeNull();
    } finally {
      await new KeyringMasterKey(keychainServiceFor(dir)).delete();
    }
  });

  it('never writes the secret into the data directory in the clear (SQLite, settings, secrets file, logs)', async () => {
    const dir = tempDir();
    const services = await testServices(dir);
    const vault = openVault(dir, { legacy: noLegacy });
    const secret = `needle-${crypto.randomUUID()}`;
    try {
      await vault.set('connector.wazuh.password', secret);
      await services.close();
      for (const file of fs.readdirSync(dir)) {
        expect(fs.readFileSync(path.join(dir, file)).includes(secret), file).toBe(false);
      }
    } finally {
      await new KeyringMasterKey(keychainServiceFor(dir)).delete();
    }
  });
});
