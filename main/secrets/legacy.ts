/**
 * Secrets of the keytar era (Vigil up to 0.1: one keychain entry per secret, service
 * `vigil:<hash of the data directory>`). They are moved into the vault once, then deleted. keytar
 * is no longer a dependency (archived upstream); the move runs where it is still installed. On
 * Linux its entries are invisible to @napi-rs/keyring (other Secret Service attributes), so keytar
 * is the one reader.
 */
export interface LegacySecretSource {
  list(service: string): Promise<Array<{ account: string; password: string }>>;
  remove(service: string, account: string): Promise<void>;
}

interface KeytarApi {
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

/** keytar when it is installed and loads, else null. */
export async function keytarSource(): Promise<LegacySecretSource | null> {
  const name = 'keytar'; // not a dependency any more: resolved at run time only
  let api: KeytarApi;
  try {
    const m = (await import(name)) as { default?: KeytarApi } & KeytarApi;
    api = m.default ?? m;
    if (typeof api.findCredentials !== 'function') return null;
  } catch {
    return null;
  }
  return {
    list: (service) => api.findCredentials(service),
    remove: async (service, account) => {
      await api.deletePassword(service, account);
    },
  };
}
