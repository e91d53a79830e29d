import crypto from 'node:crypto';
/**
 * The credential vault: secrets (connector API keys, the feed's JWT secret, ...) live in the OS
 * keychain (macOS Keychain, Windows Credential Vault, Secret Service on Linux) through keytar,
 * and nowhere else: never in SQLite, settings files or logs. Only the main process reaches it.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, secret: string): Promise<void>;
  delete(account: string): Promise<boolean>;
  /** Accounts that have a secret (names only, never values). */
  list(): Promise<string[]>;
}

interface KeytarApi {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export class KeychainUnavailableError extends Error {
  constructor(cause: unknown) {
    super(
      `the OS keychain is not available (${cause instanceof Error ? cause.message : String(cause)}); ` +
        'on Linux Vigil needs a Secret Service such as gnome-keyring or KeePassXC',
    );
    this.name = 'KeychainUnavailableError';
  }
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

export class KeychainVault implements SecretStore {
  private keytar: Promise<KeytarApi> | null = null;

  /** @param service the keychain service name; one per data directory keeps profiles apart. */
  constructor(private readonly service: string) {}

  private api(): Promise<KeytarApi> {
    // Loaded on first use: a headless host without libsecret can still run everything else.
    this.keytar ??= import('keytar').then((m) => (m.default ?? m) as unknown as KeytarApi);
    return this.keytar;
  }

  private async call<T>(fn: (k: KeytarApi) => Promise<T>): Promise<T> {
    let api: KeytarApi;
    try {
      api = await this.api();
    } catch (err) {
      this.keytar = null;
      throw new KeychainUnavailableError(err);
    }
    try {
      return await fn(api);
    } catch (err) {
      throw new KeychainUnavailableError(err);
    }
  }

  get(account: string): Promise<string | null> {
    checkAccount(account);
    return this.call((k) => k.getPassword(this.service, account));
  }

  set(account: string, secret: string): Promise<void> {
    checkAccount(account);
    if (secret.length === 0) throw new Error('an empty secret cannot be stored');
    return this.call((k) => k.setPassword(this.service, account, secret));
  }

  delete(account: string): Promise<boolean> {
    checkAccount(account);
    return this.call((k) => k.deletePassword(this.service, account));
  }

  async list(): Promise<string[]> {
    const creds = await this.call((k) => k.findCredentials(this.service));
    return creds.map((c) => c.account).sort();
  }
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
