import crypto from 'node:crypto';
import fs from 'node:fs';
import { isMasterKey } from './secrets-file.js';

/**
 * Where the vault's master key (32 random bytes) is kept. Never in the data directory in the
 * clear: in the OS keychain (every mode), and in the desktop app also wrapped by Electron's
 * safeStorage. The vault copies the key into every store that lacks it, so a secret set in the
 * desktop app is readable by `vigil serve` and the CLI on the same data directory, and back.
 */
export interface MasterKeyStore {
  /** Shown in messages: "the OS keychain", "Electron safeStorage". */
  readonly label: string;
  /** The key, or null when this store has none. Throws KeychainUnavailableError when it cannot be asked. */
  read(): Promise<Buffer | null>;
  write(key: Buffer): Promise<void>;
}

export class KeychainUnavailableError extends Error {
  /** Why, without the advice around it. */
  readonly detail: string;
  constructor(cause: unknown, what = 'the OS keychain') {
    const detail = cause instanceof KeychainUnavailableError ? cause.detail : cause instanceof Error ? cause.message : String(cause);
    super(`${what} is not available (${detail}); on Linux Vigil needs a Secret Service such as gnome-keyring or KeePassXC`);
    this.name = 'KeychainUnavailableError';
    this.detail = detail;
  }
}

/** The keychain account that holds the master key (one per data directory: the service name). */
export const MASTER_KEY_ACCOUNT = 'vault-master-key';

interface KeyringEntry {
  getPassword(): Promise<string | null>;
  setPassword(password: string): Promise<void>;
  deletePassword(): Promise<boolean>;
}
type EntryFactory = (service: string, account: string) => Promise<KeyringEntry>;

/**
 * The OS keychain through @napi-rs/keyring (maintained, N-API: the same prebuilt binary loads in
 * Node and Electron, nothing to rebuild). On Linux the entry is pinned to the Secret Service:
 * the library's fallback, the kernel keyring, forgets everything at reboot.
 */
const napiEntry: EntryFactory = async (service, account) => {
  const { AsyncEntry } = await import('@napi-rs/keyring');
  return new AsyncEntry(service, account, { linux: { store: 'secret-service' } });
};

function decodeKey(text: string | null, where: string): Buffer | null {
  if (text === null) return null;
  const key = Buffer.from(text, 'base64');
  if (!isMasterKey(key)) throw new KeychainUnavailableError(new Error(`the master key in ${where} is damaged`), where);
  return key;
}

export class KeyringMasterKey implements MasterKeyStore {
  readonly label = 'the OS keychain';

  /** @param service the keychain service name (one per data directory, keychainServiceFor). */
  constructor(
    private readonly service: string,
    private readonly entry: EntryFactory = napiEntry,
  ) {}

  private async call<T>(fn: (e: KeyringEntry) => Promise<T>): Promise<T> {
    try {
      return await fn(await this.entry(this.service, MASTER_KEY_ACCOUNT));
    } catch (err) {
      if (err instanceof KeychainUnavailableError) throw err;
      throw new KeychainUnavailableError(err);
    }
  }

  async read(): Promise<Buffer | null> {
    return decodeKey(await this.call((e) => e.getPassword()), this.label);
  }

  write(key: Buffer): Promise<void> {
    return this.call((e) => e.setPassword(key.toString('base64')));
  }

  /** Removes the master key (tests, and "forget every secret"). */
  delete(): Promise<boolean> {
    return this.call((e) => e.deletePassword());
  }
}

/** The parts of Electron's safeStorage the desktop backend uses (injected: secrets/ never imports electron). */
export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  /** Linux only: 'basic_text', 'gnome_libsecret', 'kwallet', 'kwallet5', 'kwallet6' or 'unknown'. */
  getSelectedStorageBackend?(): string;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

/**
 * The desktop app's copy of the master key, wrapped by Electron's safeStorage (Keychain on
 * macOS, DPAPI on Windows, the Secret Service or KWallet on Linux) in a 0600 file of the data
 * directory. Linux's `basic_text` backend encrypts with a hard-coded password, which is plain
 * text in effect: it is refused.
 */
export class SafeStorageMasterKey implements MasterKeyStore {
  readonly label = 'Electron safeStorage';

  constructor(
    private readonly file: string,
    private readonly safe: SafeStorageLike,
    private readonly platform: NodeJS.Platform = process.platform,
  ) {}

  private usable(): void {
    if (!this.safe.isEncryptionAvailable()) throw new KeychainUnavailableError(new Error('encryption is not available'), this.label);
    if (this.platform !== 'linux') return;
    const backend = this.safe.getSelectedStorageBackend?.() ?? 'unknown';
    if (backend === 'basic_text' || backend === 'unknown') {
      throw new KeychainUnavailableError(new Error(`its backend is ${backend}, which keeps secrets in plain text in effect`), this.label);
    }
  }

  async read(): Promise<Buffer | null> {
    let wrapped: Buffer;
    try {
      wrapped = fs.readFileSync(this.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    this.usable();
    let text: string;
    try {
      text = this.safe.decryptString(wrapped);
    } catch (err) {
      throw new KeychainUnavailableError(err, this.label);
    }
    return decodeKey(text, this.label);
  }

  async write(key: Buffer): Promise<void> {
    this.usable();
    const wrapped = this.safe.encryptString(key.toString('base64'));
    const tmp = `${this.file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, wrapped, { mode: 0o600, flag: 'wx' });
    fs.renameSync(tmp, this.file);
  }
}
