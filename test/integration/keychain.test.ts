import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { KeychainVault, KeychainUnavailableError } from '../../main/secrets/vault.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

// test/run-all.mjs runs the suites inside `dbus-run-session` with an unlocked gnome-keyring
// (a real Secret Service) and sets VIGIL_KEYCHAIN=1 when it could.
const available = process.env['VIGIL_KEYCHAIN'] === '1';
const reason = 'no Secret Service session (run through `npm test`, which starts dbus + gnome-keyring when they are installed)';

describe.skipIf(!available)(`OS keychain through keytar${available ? '' : ` (skipped: ${reason})`}`, () => {
  it('stores, reads, lists and deletes a secret in the real keychain', async () => {
    const vault = new KeychainVault(`vigil-test-${crypto.randomUUID()}`);
    const secret = `s3cr3t-${crypto.randomUUID()}`;
    await vault.set('feed.jwt', secret);
    expect(await vault.get('feed.jwt')).toBe(secret);
    expect(await vault.list()).toEqual(['feed.jwt']);
    // a second vault object (as after a restart) reads the same secret back from the keychain
    expect(await new KeychainVault(vault['service' as keyof KeychainVault] as unknown as string).get('feed.jwt')).toBe(secret);
    expect(await vault.delete('feed.jwt')).toBe(true);
    expect(await vault.get('feed.jwt')).toBeNull();
  });

  it('never writes the secret into the data directory (SQLite, settings, logs)', async () => {
    const dir = tempDir();
    const services = await testServices(dir);
    const vault = new KeychainVault(`vigil-test-${crypto.randomUUID()}`);
    const secret = `needle-${crypto.randomUUID()}`;
    await vault.set('connector.wazuh.password', secret);
    await services.close();
    for (const file of fs.readdirSync(dir)) {
      expect(fs.readFileSync(path.join(dir, file)).includes(secret), file).toBe(false);
    }
    await vault.delete('connector.wazuh.password');
  });
});

describe('vault input checks', () => {
  it('refuses bad secret names before touching the keychain', async () => {
    const vault = new KeychainVault('vigil-test');
    expect(() => vault.get('../etc')).toThrow(/invalid secret name/);
    expect(() => vault.set('ok', '')).toThrow(/empty secret/);
    expect(KeychainUnavailableError.name).toBe('KeychainUnavailableError');
  });
});
