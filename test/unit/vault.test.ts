import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeychainUnavailableError, SecretsFileError, openVault, type SafeStorageLike } from '../../main/secrets/vault.js';
import { KeyringMasterKey, type MasterKeyStore } from '../../main/secrets/master-key.js';
import type { LegacySecretSource } from '../../main/secrets/legacy.js';
import { tempDir } from '../helpers/tmp.js';

/** An OS keychain in memory, shared by every "process" of a test. */
class FakeKeychain implements MasterKeyStore {
  readonly label = 'the OS keychain';
  key: Buffer | null = null;
  down = false;
  async read() {
    if (this.down) throw new KeychainUnavailableError(new Error('no Secret Service'));
    return this.key;
  }
  async write(key: Buffer) {
    if (this.down) throw new KeychainUnavailableError(new Error('no Secret Service'));
    this.key = Buffer.from(key);
  }
}

/** Electron's safeStorage stand-in: reversible, marked, and with a selectable Linux backend. */
function fakeSafeStorage(backend = 'gnome_libsecret'): SafeStorageLike & { calls: number } {
  const mark = Buffer.from('SAFE:');
  return {
    calls: 0,
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => backend,
    encryptString(text: string) {
      this.calls++;
      return Buffer.concat([mark, Buffer.from(text, 'utf8').reverse()]);
    },
    decryptString(buf: Buffer) {
      if (!buf.subarray(0, mark.length).equals(mark)) throw new Error('not ours');
      return Buffer.from(buf.subarray(mark.length)).reverse().toString('utf8');
    },
  };
}

const noLegacy = async () => null;
const onLinux = process.platform === 'linux';

describe('the encrypted vault (issue 15 item 9)', () => {
  it('stores, lists and deletes secrets; the file is 0600 and holds no secret or key in the clear', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    const vault = openVault(dir, { keychain, legacy: noLegacy });
    expect(await vault.get('feed.jwt.secret')).toBeNull();
    await vault.set('feed.jwt.secret', 'needle-one');
    await vault.set('connector.wazuh.password', 'needle-two');
    expect(await vault.get('feed.jwt.secret')).toBe('needle-one');
    expect(await vault.list()).toEqual(['connector.wazuh.password', 'feed.jwt.secret']);
    const file = path.join(dir, 'secrets.json');
    if (process.platform !== 'win32') expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).not.toContain('needle');
    expect(text).not.toContain(keychain.key!.toString('base64'));
    expect(await vault.delete('feed.jwt.secret')).toBe(true);
    expect(await vault.delete('feed.jwt.secret')).toBe(false);
    expect(await vault.get('feed.jwt.secret')).toBeNull();
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses bad names and empty secrets before touching anything', () => {
    const vault = openVault(tempDir(), { keychain: new FakeKeychain(), legacy: noLegacy });
    expect(() => vault.get('../etc')).toThrow(/invalid secret name/);
    expect(() => vault.set('ok', '')).toThrow(/empty secret/);
  });

  it('a secret set in the desktop app (safeStorage) is read by vigil serve / the CLI (keychain only), and back', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    const desktop = openVault(dir, { keychain, safeStorage: fakeSafeStorage(), legacy: noLegacy });
    await desktop.set('feed.jwt.secret', 'from-desktop');
    expect(fs.existsSync(path.join(dir, 'secrets.key'))).toBe(true); // the safeStorage-wrapped copy
    const cli = openVault(dir, { keychain, legacy: noLegacy });
    expect(await cli.get('feed.jwt.secret')).toBe('from-desktop');
    await cli.set('connector.gvm.password', 'from-cli');
    expect(await desktop.get('connector.gvm.password')).toBe('from-cli');
    // a fresh desktop process whose safeStorage copy was lost takes the key from the keychain again
    fs.rmSync(path.join(dir, 'secrets.key'));
    const again = openVault(dir, { keychain, safeStorage: fakeSafeStorage(), legacy: noLegacy });
    expect(await again.get('feed.jwt.secret')).toBe('from-desktop');
    expect(fs.existsSync(path.join(dir, 'secrets.key'))).toBe(true);
  });

  it('a secret set by the CLI first is read by the desktop app', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    await openVault(dir, { keychain, legacy: noLegacy }).set('feed.jwt.secret', 'cli-first');
    expect(await openVault(dir, { keychain, safeStorage: fakeSafeStorage(), legacy: noLegacy }).get('feed.jwt.secret')).toBe('cli-first');
  });

  it.runIf(onLinux)("refuses safeStorage's basic_text backend on Linux (plain text in effect)", async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    keychain.down = true;
    const safe = fakeSafeStorage('basic_text');
    const desktop = openVault(dir, { keychain, safeStorage: safe, legacy: noLegacy });
    await expect(desktop.set('feed.jwt.secret', 'x')).rejects.toThrow(/basic_text, which keeps secrets in plain text/);
    expect(safe.calls).toBe(0);
    expect(fs.existsSync(path.join(dir, 'secrets.key'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'secrets.json'))).toBe(false);
    // with a working keychain the desktop app still keeps its secrets there, never in basic_text
    keychain.down = false;
    await desktop.set('feed.jwt.secret', 'x');
    expect(safe.calls).toBe(0);
    expect(fs.existsSync(path.join(dir, 'secrets.key'))).toBe(false);
  });

  it('says so when no key store is reachable, and loses nothing', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    await openVault(dir, { keychain, legacy: noLegacy }).set('feed.jwt.secret', 'kept');
    const before = fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8');
    keychain.down = true;
    const vault = openVault(dir, { keychain, legacy: noLegacy });
    await expect(vault.get('feed.jwt.secret')).rejects.toBeInstanceOf(KeychainUnavailableError);
    await expect(vault.set('other', 'y')).rejects.toThrow(/not available/);
    expect(fs.readFileSync(path.join(dir, 'secrets.json'), 'utf8')).toBe(before);
  });

  it('detects a wrong master key, an altered entry and an entry moved to another name', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    const vault = openVault(dir, { keychain, legacy: noLegacy });
    await vault.set('a', 'alpha');
    await vault.set('b', 'beta');
    const file = path.join(dir, 'secrets.json');
    const data = JSON.parse(fs.readFileSync(file, 'utf8'));
    data.entries.a = data.entries.b; // beta's ciphertext under the name a
    fs.writeFileSync(file, JSON.stringify(data));
    await expect(openVault(dir, { keychain, legacy: noLegacy }).get('a')).rejects.toThrow(/integrity check/);
    keychain.key = Buffer.alloc(32, 7);
    await expect(openVault(dir, { keychain, legacy: noLegacy }).get('b')).rejects.toThrow(/master key of secrets.json is not in the OS keychain/);
    fs.writeFileSync(file, '{"nope":1}');
    await expect(openVault(dir, { keychain, legacy: noLegacy }).list()).rejects.toBeInstanceOf(SecretsFileError);
  });

  it('moves keytar-era secrets once: written to the vault, deleted from the old entries', async () => {
    const dir = tempDir();
    const keychain = new FakeKeychain();
    const old = new Map([
      ['feed.jwt.secret', 'old-jwt'],
      ['connector.zap.key', 'old-zap'],
    ]);
    const services: string[] = [];
    let listed = 0;
    const legacy: LegacySecretSource = {
      async list(service) {
        listed++;
        services.push(service);
        return [...old].map(([account, password]) => ({ account, password }));
      },
      async remove(_service, account) {
        old.delete(account);
      },
    };
    const vault = openVault(dir, { keychain, legacy: async () => legacy });
    expect(await vault.get('feed.jwt.secret')).toBe('old-jwt');
    expect(await vault.list()).toEqual(['connector.zap.key', 'feed.jwt.secret']);
    expect(old.size).toBe(0);
    expect(services[0]).toMatch(/^vigil:[0-9a-f]{16}$/);
    // another process (or a restart) does not look again
    await openVault(dir, { keychain, legacy: async () => legacy }).list();
    expect(listed).toBe(1);
    // without keytar the move is simply not possible yet; nothing breaks
    const other = openVault(tempDir(), { keychain: new FakeKeychain(), legacy: noLegacy });
    expect(await other.list()).toEqual([]);
  });

  it('the keychain store keeps only the master key, under one account of the data directory service', async () => {
    const calls: Array<{ service: string; account: string }> = [];
    let stored: string | null = null;
    const store = new KeyringMasterKey('vigil:0123456789abcdef', async (service, account) => {
      calls.push({ service, account });
      return {
        getPassword: async () => stored,
        setPassword: async (p: string) => {
          stored = p;
        },
        deletePassword: async () => true,
      };
    });
    expect(await store.read()).toBeNull();
    await store.write(Buffer.alloc(32, 1));
    expect((await store.read())!.equals(Buffer.alloc(32, 1))).toBe(true);
    expect(calls.every((c) => c.account === 'vault-master-key' && c.service === 'vigil:0123456789abcdef')).toBe(true);
    stored = 'short';
    await expect(store.read()).rejects.toThrow(/damaged/);
  });
});
