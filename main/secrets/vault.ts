import crypto from 'node:crypto';
import path from 'node:path';
import type { Logger } from '../core/logger.js';
import { silentLogger } from '../core/logger.js';
import { keytarSource, type LegacySecretSource } from './legacy.js';
import { KeychainUnavailableError, KeyringMasterKey, SafeStorageMasterKey, type MasterKeyStore, type SafeStorageLike } from './master-key.js';
import {
  SECRETS_FILE,
  SecretsFileError,
  emptySecretsFile,
  isMasterKey,
  keyCheck,
  newMasterKey,
  openSecret,
  readSecretsFile,
  sealSecret,
  withFileLock,
  writeSecretsFile,
  type SecretsFileData,
} from './secrets-file.js';

export { KeychainUnavailableError, type SafeStorageLike } from './master-key.js';
export { SecretsFileError } from './secrets-file.js';

/**
 * The credential vault: secrets (connector API keys, the feed's JWT secret, ...) are reached only
 * from the main process, and never stored in SQLite, settings files or logs. Only the main
 * process reaches it.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Accounts that have a secret (names only, never values). */
  list(): Promise<string[]>;
}

/**
 * The keychain service name for one data directory: secrets of two Vigil profiles on the same
 * machine never mix. The same in the desktop app, `vigil serve` and the CLI.
 */
export function keychainServiceFor(dataDir: string): string {
  return `vigil:${crypto.createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
}

const ACCOUNT = /^[a-z0-9][a-z0-9._:-]{0,127}$/i;

function checkAccount(account: string): void {
  if (!ACCOUNT.test(account)) throw new Error(`invalid secret name "${account.slice(0, 40)}"`);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function detailOf(err: unknown): string {
  return err instanceof KeychainUnavailableError ? err.detail : messageOf(err);
}

export interface EncryptedFileVaultOptions {
  /** The secrets file (secrets.json in the data directory). */
  file: string;
  /** Where the master key is kept, most trusted first (desktop: safeStorage, then the keychain). */
  keyStores: readonly MasterKeyStore[];
  /** The keychain service of the keytar era, for the one-time move (legacy.ts). */
  legacyService: string;
  /** Where keytar-era secrets are read from; default: keytar when installed. */
  legacy?: () => Promise<LegacySecretSource | null>;
  logger?: Logger;
}

/**
 * Secrets encrypted one by one in `secrets.json` (AES-256-GCM, secrets-file.ts) under a master
 * key kept in the OS keychain (master-key.ts). Every call reads the file, so a secret set by
 * another Vigil process on the same data directory is seen at once; changes hold a lock.
 */
export class EncryptedFileVault implements SecretStore {
  private key: Buffer | null = null;
  private migration: Promise<void> | null = null;
  private readonly logger: Logger;

  constructor(private readonly opts: EncryptedFileVaultOptions) {
    if (opts.keyStores.length === 0) throw new Error('a vault needs at least one master-key store');
    this.logger = opts.logger ?? silentLogger;
  }

  get(account: string): Promise<string | null> {
    checkAccount(account);
    return this.ready().then(async () => {
      const data = readSecretsFile(this.opts.file);
      const entry = data?.entries[account];
      if (!data || !entry) return null;
      const key = await this.masterKey(data, false);
      if (!key) throw new SecretsFileError(`${SECRETS_FILE} holds secrets but no master key was found for it`);
      return openSecret(key, account, entry);
    });
  }

  set(account: string, secret: string): Promise<void> {
    checkAccount(account);
    if (secret.length === 0) throw new Error('an empty secret cannot be stored');
    return this.ready().then(() =>
      this.change(async (data) => {
        const key = (await this.masterKey(data, true))!;
        data.entries[account] = sealSecret(key, account, secret);
        return true;
      }),
    ).then(() => undefined);
  }

  delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.ready().then(() =>
      this.change((data) => {
        if (!data.entries[account]) return false;
        delete data.entries[account];
        return true;
      }),
    );
  }

  async list(): Promise<string[]> {
    await this.ready();
    return Object.keys(readSecretsFile(this.opts.file)?.entries ?? {}).sort();
  }

  /** Read-modify-write under the lock; `fn` returns whether it changed anything. */
  private change(fn: (data: SecretsFileData) => boolean | Promise<boolean>): Promise<boolean> {
    return withFileLock(this.opts.file, async () => {
      const data = readSecretsFile(this.opts.file) ?? emptySecretsFile();
      const changed = await fn(data);
      if (changed) writeSecretsFile(this.opts.file, data);
      return changed;
    });
  }

  /**
   * The master key for `data`: the cached one, else the first store holding the key the file
   * was written with (key_check). It is then copied into every store that lacks it. With
   * `create` and no key anywhere, a new one is made (and recorded in `data.key_check`).
   */
  private async masterKey(data: SecretsFileData, create: boolean): Promise<Buffer | null> {
    const check = data.key_check;
    if (this.key && (check === null || keyCheck(this.key) === check)) {
      if (check === null) data.key_check = keyCheck(this.key);
      return this.key;
    }
    const found: Array<{ store: MasterKeyStore; key: Buffer | null; failed: boolean }> = [];
    const errors: string[] = [];
    for (const store of this.opts.keyStores) {
      try {
        const key = await store.read();
        found.push({ store, key: isMasterKey(key) ? key : null, failed: false });
      } catch (err) {
        errors.push(this.opts.keyStores.length > 1 ? `${store.label}: ${detailOf(err)}` : detailOf(err));
        found.push({ store, key: null, failed: true });
      }
    }
    const unavailable = () => new KeychainUnavailableError(new Error(errors.join('; ')), this.opts.keyStores.map((s) => s.label).join(' or '));
    let key = found.find((f) => f.key && (check === null || keyCheck(f.key) === check))?.key ?? null;
    if (!key) {
      if (found.every((f) => f.failed)) throw unavailable();
      if (check !== null) {
        throw new SecretsFileError(
          `the master key of ${SECRETS_FILE} is not in ${found.filter((f) => !f.failed).map((f) => f.store.label).join(' or ')}, so its secrets cannot be read; move the file away and set them again`,
        );
      }
      if (!create) return null;
      key = newMasterKey();
    }
    let held = 0;
    for (const f of found) {
      if (f.key?.equals(key)) {
        held++;
        continue;
      }
      if (f.failed) continue;
      try {
        await f.store.write(key);
        held++;
      } catch (err) {
        errors.push(detailOf(err));
        this.logger.warn(`the vault's master key could not be copied to ${f.store.label}`, { error: messageOf(err) });
      }
    }
    if (held === 0) throw unavailable();
    for (const f of found.filter((x) => x.failed)) {
      this.logger.warn(`the vault's master key is not in ${f.store.label}: other Vigil processes may not read these secrets`);
    }
    data.key_check = keyCheck(key);
    this.key = key;
    return key;
  }

  /** Runs the one-time move of keytar-era secrets before the first call of this process. */
  private ready(): Promise<void> {
    this.migration ??= this.migrateLegacy().catch((err: unknown) => {
      this.logger.warn('secrets of the keytar era could not be moved; they stay where they were', { error: messageOf(err) });
    });
    return this.migration;
  }

  private async migrateLegacy(): Promise<void> {
    if (readSecretsFile(this.opts.file)?.legacy_migrated) return;
    const legacy = await (this.opts.legacy ?? keytarSource)();
    if (!legacy) return; // keytar is gone: nothing can read its entries here; try again next start
    const old = (await legacy.list(this.opts.legacyService)).filter((c) => ACCOUNT.test(c.account) && c.password.length > 0);
    const moved: string[] = [];
    await this.change(async (data) => {
      if (data.legacy_migrated) return false;
      if (old.length > 0) {
        const key = (await this.masterKey(data, true))!;
        for (const c of old) {
          if (data.entries[c.account]) continue; // set since: the newer value wins
          data.entries[c.account] = sealSecret(key, c.account, c.password);
          moved.push(c.account);
        }
      }
      data.legacy_migrated = true;
      return true;
    });
    for (const c of old) {
      try {
        await legacy.remove(this.opts.legacyService, c.account);
      } catch (err) {
        this.logger.warn('an old keychain entry could not be deleted after the move', { account: c.account, error: messageOf(err) });
      }
    }
    if (old.length > 0) this.logger.info('moved secrets of the keytar era into the vault', { accounts: moved });
  }
}

export interface OpenVaultOptions {
  logger?: Logger;
  /** The desktop app's Electron safeStorage: the master key is also kept wrapped by it. */
  safeStorage?: SafeStorageLike;
  /** Replaces the OS keychain (tests). */
  keychain?: MasterKeyStore;
  legacy?: () => Promise<LegacySecretSource | null>;
}

/** File holding the desktop app's safeStorage-wrapped copy of the master key. */
export const SAFE_STORAGE_KEY_FILE = 'secrets.key';

/** The vault of a data directory, as the desktop app (with safeStorage), `vigil serve` and the CLI open it. */
export function openVault(dataDir: string, opts: OpenVaultOptions = {}): EncryptedFileVault {
  const service = keychainServiceFor(dataDir);
  const keychain = opts.keychain ?? new KeyringMasterKey(service);
  const keyStores = opts.safeStorage ? [new SafeStorageMasterKey(path.join(dataDir, SAFE_STORAGE_KEY_FILE), opts.safeStorage), keychain] : [keychain];
  return new EncryptedFileVault({
    file: path.join(dataDir, SECRETS_FILE),
    keyStores,
    legacyService: service,
    ...(opts.legacy ? { legacy: opts.legacy } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
}

/** A vault that lives only in memory, for tests and throwaway sessions. */
export class MemoryVault implements SecretStore {
  private readonly map = new Map<string, string>();
  async get(account: string) {
    return this.map.get(account) ?? null;
  }
  async set(account: string, secret: string) {
    checkAccount(account);
    this.map.set(account, secret);
  }
  async delete(account: string) {
    return this.map.delete(account);
  }
  async list() {
    return [...this.map.keys()].sort();
  }
}
