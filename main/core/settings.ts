import type { Database } from 'better-sqlite3';
import { DEFAULT_SETTINGS, Settings, SettingsPatch, ContractError } from '../contract/index.js';
import type { AuditRepo } from '../store/audit-repo.js';
import { settingsMetaWriter } from '../store/settings-meta.js';
import type { EventBus } from './events.js';

/**
 * Where non-secret settings are kept: electron-store in the desktop app, `conf` (the library
 * electron-store is built on, same file format and location) in plain Node.
 */
export interface SettingsBackend {
  read(): unknown;
  write(settings: Settings): void;
}

/** An in-memory backend for tests and throwaway runs. */
export class MemorySettingsBackend implements SettingsBackend {
  constructor(private value: unknown = {}) {}
  read(): unknown {
    return this.value;
  }
  write(settings: Settings): void {
    this.value = structuredClone(settings);
  }
}

export class SettingsService {
  private current: Settings;
  private readonly writeMeta: (key: string, ts: string, actor: string) => void;

  constructor(
    private readonly backend: SettingsBackend,
    db: Database,
    private readonly audit: AuditRepo,
    private readonly bus: EventBus,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.current = SettingsService.sanitize(backend.read());
    this.writeMeta = settingsMetaWriter(db);
  }

  /**
   * Reads a stored settings object key by key: a key that no longer validates (hand-edited file,
   * older version) falls back to its default instead of throwing the whole file away.
   */
  static sanitize(raw: unknown): Settings {
    const out: Record<string, unknown> = { ...DEFAULT_SETTINGS };
    if (raw && typeof raw === 'object') {
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (!(key in DEFAULT_SETTINGS)) continue;
        const one = SettingsPatch.safeParse({ [key]: value });
        if (one.success) out[key] = (one.data as Record<string, unknown>)[key];
      }
    }
    return Settings.parse(out);
  }

  get(): Settings {
    return this.current;
  }

  set(patch: unknown, actor: string): Settings {
    const parsed = SettingsPatch.safeParse(patch);
    if (!parsed.success) {
      throw new ContractError('BAD_REQUEST', 'invalid settings', parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    }
    const changed = Object.entries(parsed.data).filter(
      ([k, v]) => v !== undefined && JSON.stringify((this.current as Record<string, unknown>)[k]) !== JSON.stringify(v),
    );
    if (changed.length === 0) return this.current;
    const next = Settings.parse({ ...this.current, ...parsed.data });
    this.backend.write(next);
    const ts = this.now().toISOString();
    for (const [key, value] of changed) {
      this.writeMeta(key, ts, actor);
      this.audit.append({ ts, actor, action: 'settings.set', target_type: 'setting', target_id: key, details: { value } });
    }
    this.current = next;
    this.bus.emit('settings.changed', next);
    return next;
  }
}
