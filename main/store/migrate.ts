import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations/types.js';

/** The database was written by a newer Vigil than this one. */
export class DatabaseFromFutureError extends Error {
  constructor(
    readonly dbVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `this database has schema version ${dbVersion}, but this Vigil only knows schema versions up to ${appVersion}; ` +
        'it was written by a newer Vigil. Upgrade Vigil, or point it at another data directory.',
    );
    this.name = 'DatabaseFromFutureError';
  }
}

export function schemaVersionOf(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

export function latestVersion(migrations: readonly Migration[]): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/** Checks that steps are numbered 1..N without gaps or repeats. */
export function assertWellFormed(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration list is broken: step ${i + 1} is numbered ${m.version} (${m.name})`);
    }
  });
}

export interface MigrationPlan {
  from: number;
  to: number;
  pending: readonly Migration[];
}

export function planMigration(db: Database, migrations: readonly Migration[]): MigrationPlan {
  assertWellFormed(migrations);
  const from = schemaVersionOf(db);
  const to = latestVersion(migrations);
  if (from > to) throw new DatabaseFromFutureError(from, to);
  return { from, to, pending: migrations.filter((m) => m.version > from) };
}

/**
 * Applies every pending step in ONE transaction (Signal Desktop style): either the database
 * ends at the latest version or it is left exactly as it was. The plan is read again under the
 * write lock: another process (a `vigil tail` and a `vigil status` started together on a new data
 * directory) may have migrated between planning and now, and its steps must not run twice.
 * `onStep` is told each step as it starts (one can take a while: an index rebuilt over a large store).
 */
export function applyMigrations(db: Database, plan: MigrationPlan, onStep?: (m: Migration) => void): void {
  if (plan.pending.length === 0) return;
  db.transaction(() => {
    const now = schemaVersionOf(db);
    if (now > plan.to) throw new DatabaseFromFutureError(now, plan.to);
    for (const m of plan.pending) {
      if (m.version <= now) continue;
      onStep?.(m);
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
}
