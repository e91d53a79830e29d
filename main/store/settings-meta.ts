import type { Database } from 'better-sqlite3';

/**
 * Who last changed each setting, and when (settings_meta): the settings themselves live in the
 * settings file, never in SQLite. Returns the writer of one key's change.
 */
export function settingsMetaWriter(db: Database): (key: string, ts: string, actor: string) => void {
  const stmt = db.prepare(
    `INSERT INTO settings_meta (key, updated_at, updated_by) VALUES (?, ?, ?)
     ON CONFLICT(key) DO UPDATE SET updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
  );
  return (key, ts, actor) => {
    stmt.run(key, ts, actor);
  };
}
