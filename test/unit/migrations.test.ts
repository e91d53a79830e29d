import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, closeDatabase } from '../../main/store/db.js';
import { MIGRATIONS, type Migration } from '../../main/store/migrations/index.js';
import { DatabaseFromFutureError, applyMigrations, planMigration } from '../../main/store/migrate.js';
import { tempDir } from '../helpers/tmp.js';

/** Creates a database at schema version n (applying the app's first n steps). */
async function dbAt(n: number, file: string) {
  const { db } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, n) });
  return db;
}

describe('migration runner', () => {
  it('applies every step in order and records user_version', async () => {
    const file = path.join(tempDir(), 'v.db');
    const { db, from, to, backupPath } = await openDatabase(file);
    expect(from).toBe(0);
    expect(to).toBe(MIGRATIONS.length);
    expect(backupPath).toBeNull(); // a new file has nothing to back up
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    closeDatabase(db);
  });

  it('refuses a database from a newer Vigil, naming both versions, and leaves it untouched', async () => {
    const file = path.join(tempDir(), 'future.db');
    const raw = new BetterSqlite3(file);
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    const before = fs.readFileSync(file);
    const err = await openDatabase(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DatabaseFromFutureError);
    expect((err as Error).message).toContain(`schema version ${MIGRATIONS.length + 5}`);
    expect((err as Error).message).toContain(`up to ${MIGRATIONS.length}`);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('runs all pending steps in ONE transaction: a failing step rolls back the earlier ones', async () => {
    const file = path.join(tempDir(), 'atomic.db');
    const broken: Migration[] = [
      ...MIGRATIONS,
      { version: MIGRATIONS.length + 1, name: 'good', up: (db) => db.exec('CREATE TABLE good_step (x INTEGER)') },
      { version: MIGRATIONS.length + 2, name: 'bad', up: (db) => db.exec('CREATE TABLE alerts (x INTEGER)') },
    ];
    await expect(openDatabase(file, { migrations: broken })).rejects.toThrow(/already exists/);
    const db = new BetterSqlite3(file);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name IN ('good_step', 'alerts')").get()).toEqual({ n: 0 });
    db.close();
  });

  it('backs up an existing database with db.backup() before migrating it', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'vigil.db');
    const base = await dbAt(MIGRATIONS.length, file);
    base.prepare("INSERT INTO meta (key, value) VALUES ('marker', 'before')").run();
    closeDatabase(base);
    const next: Migration[] = [...MIGRATIONS, { version: MIGRATIONS.length + 1, name: 'extra', up: (db) => db.exec('CREATE TABLE extra (x)') }];
    const { db, backupPath, from, to } = await openDatabase(file, { migrations: next });
    expect(from).toBe(MIGRATIONS.length);
    expect(to).toBe(MIGRATIONS.length + 1);
    expect(backupPath).not.toBeNull();
    const copy = new BetterSqlite3(backupPath!, { readonly: true });
    expect(copy.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(copy.prepare("SELECT value FROM meta WHERE key = 'marker'").get()).toEqual({ value: 'before' });
    copy.close();
    closeDatabase(db);
  });

  it('rejects a migration list with gaps', () => {
    const db = new BetterSqlite3(':memory:');
    const gap: Migration[] = [{ ...MIGRATIONS[0]! }, { version: 3, name: 'gap', up: () => {} }];
    expect(() => planMigration(db, gap)).toThrow(/step 2 is numbered 3/);
    db.close();
  });

  it('is a no-op when nothing is pending', async () => {
    const file = path.join(tempDir(), 'noop.db');
    closeDatabase((await openDatabase(file)).db);
    const again = await openDatabase(file);
    expect(again.from).toBe(again.to);
    expect(again.backupPath).toBeNull();
    closeDatabase(again.db);
    const db = new BetterSqlite3(':memory:');
    applyMigrations(db, { from: 0, to: 0, pending: [] });
    db.close();
  });
});

// One test per migration: create at N-1, seed, migrate to N, assert.
describe('migration 0001 initial', () => {
  it('creates meta, settings_meta, audit_log and alerts with their constraints', async () => {
    const file = path.join(tempDir(), 'm1.db');
    const pre = await dbAt(0, file);
    pre.exec('CREATE TABLE unrelated (x)'); // a seeded pre-existing object survives
    pre.prepare('INSERT INTO unrelated VALUES (1)').run();
    closeDatabase(pre);
    const { db } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 1) });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare('SELECT x FROM unrelated').get()).toEqual({ x: 1 });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['alerts', 'audit_log', 'meta', 'settings_meta']));
    expect(db.prepare("SELECT value FROM meta WHERE key='created_at'").get()).toBeTruthy();
    const insert = db.prepare(
      `INSERT INTO alerts (source, severity, priority, title, first_seen, last_seen, created_at, updated_at)
       VALUES ('x', ?, 'P1', 't', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n')`,
    );
    insert.run('critical');
    expect(() => insert.run('catastrophic')).toThrow(/CHECK constraint/);
    const row = db.prepare('SELECT severity_rank, status, count, technique_ids FROM alerts').get();
    expect(row).toEqual({ severity_rank: 4, status: 'NEW', count: 1, technique_ids: '[]' });
    expect(() => db.prepare("INSERT INTO audit_log (ts, actor, action, target_type, details) VALUES ('t','a','b','c','not json')").run()).toThrow();
    closeDatabase(db);
  });
});

describe('migration 0002 pipeline', () => {
  it('adds detection columns with defaults to existing alerts, and the pipeline tables', async () => {
    const file = path.join(tempDir(), 'm2.db');
    const pre = await dbAt(1, file);
    pre.prepare(
      `INSERT INTO alerts (source, severity, priority, title, src_ip, first_seen, last_seen, created_at, updated_at)
       VALUES ('suricata', 'high', 'P2', 'seeded before 0002', '10.0.0.1', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n')`,
    ).run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 2) });
    expect([from, to]).toEqual([1, 2]);
    expect(db.prepare('SELECT title, threat_type, group_key, src_ip_key FROM alerts').get()).toEqual({
      title: 'seeded before 0002',
      threat_type: 'unknown',
      group_key: null,
      src_ip_key: null,
    });
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type IN ('table') ORDER BY name").all().map((r) => (r as { name: string }).name);
    expect(tables).toEqual(expect.arrayContaining(['alert_details', 'events', 'sources', 'quarantine', 'suppressions', 'alert_outbox', 'alerts_fts', 'runtime_metrics']));
    // the outbox sequence is monotonic (AUTOINCREMENT never reuses a deleted seq)
    db.prepare("INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (1, 'new', 't')").run();
    db.prepare('DELETE FROM alert_outbox').run();
    expect(Number(db.prepare("INSERT INTO alert_outbox (alert_id, kind, ts) VALUES (1, 'new', 't')").run().lastInsertRowid)).toBe(2);
    // full-text search works on the contentless table
    db.prepare("INSERT INTO alerts_fts (rowid, title, rule_id, ips, raw) VALUES (1, 'SSH brute force', '5712', '10.0.0.1', '')").run();
    expect(db.prepare("SELECT rowid FROM alerts_fts WHERE alerts_fts MATCH '\"brute\"*'").all()).toEqual([{ rowid: 1 }]);
    closeDatabase(db);
  });
});

describe('migration 0003 console', () => {
  it('backfills acknowledged/resolved times from the audit log and the source country from enrichment', async () => {
    const file = path.join(tempDir(), 'm3.db');
    const pre = await dbAt(2, file);
    pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, title, first_seen, last_seen, created_at, updated_at)
       VALUES (7, 'suricata', 'high', 'P2', 'seeded before 0003', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n')`,
    ).run();
    pre.prepare(`INSERT INTO alert_details (alert_id, enrichment) VALUES (7, '{"src":{"geo":{"country_code":"GB"}}}')`).run();
    const audit = pre.prepare("INSERT INTO audit_log (ts, actor, action, target_type, target_id, details) VALUES (?, 'ana', 'alert.status', 'alert', '7', ?)");
    audit.run('2026-01-01T00:01:00.000Z', '{"from":"NEW","to":"ACKNOWLEDGED"}');
    audit.run('2026-01-01T00:05:00.000Z', '{"from":"ACKNOWLEDGED","to":"RESOLVED"}');
    closeDatabase(pre);
    const { db, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 3) });
    expect(to).toBe(3);
    expect(db.prepare('SELECT acknowledged_at, resolved_at, src_country FROM alerts WHERE id = 7').get()).toEqual({
      acknowledged_at: '2026-01-01T00:01:00.000Z',
      resolved_at: '2026-01-01T00:05:00.000Z',
      src_country: 'GB',
    });
    db.prepare("INSERT INTO saved_filters (name, filter, created_at, created_by) VALUES ('Open', '{}', 't', 'ana')").run();
    expect(() => db.prepare("INSERT INTO saved_filters (name, filter, created_at, created_by) VALUES ('Open', '{}', 't', 'ana')").run()).toThrow(/UNIQUE/);
    closeDatabase(db);
  });
});

describe('migration 0009 cases', () => {
  it('adds cases and their parts with their constraints; existing alerts and events are untouched', async () => {
    const file = path.join(tempDir(), 'm9.db');
    const pre = await dbAt(8, file);
    pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, title, first_seen, last_seen, created_at, updated_at)
       VALUES (7, 'suricata', 'high', 'P2', 'seeded before 0009', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n')`,
    ).run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 9) });
    expect([from, to]).toEqual([8, 9]);
    expect(db.prepare('SELECT title FROM alerts WHERE id = 7').get()).toEqual({ title: 'seeded before 0009' });
    const newCase = db.prepare("INSERT INTO cases (title, severity, status, resolution, created_at, created_by, updated_at) VALUES ('c', 'high', ?, ?, 't', 'ana', 't')");
    const id = Number(newCase.run('open', null).lastInsertRowid);
    // a closed case needs a resolution, and only a closed one has one
    expect(() => newCase.run('closed', null)).toThrow(/CHECK constraint/);
    expect(() => newCase.run('open', 'benign')).toThrow(/CHECK constraint/);
    expect(() => newCase.run('closed', 'maybe')).toThrow(/CHECK constraint/);
    expect(db.prepare('SELECT severity_rank, tlp, tags FROM cases WHERE id = ?').get(id)).toEqual({ severity_rank: 3, tlp: 'amber', tags: '[]' });
    // an alert is in one case at most
    const link = db.prepare("INSERT INTO case_alerts (alert_id, case_id, added_at, added_by) VALUES (7, ?, 't', 'ana')");
    link.run(id);
    expect(() => link.run(id)).toThrow(/UNIQUE|PRIMARY KEY/);
    const obs = db.prepare("INSERT INTO case_observables (case_id, type, value, origin, created_at, created_by) VALUES (?, ?, ?, 'extracted', 't', 'ana')");
    obs.run(id, 'ipv4', '10.0.0.1');
    expect(() => obs.run(id, 'ipv4', '10.0.0.1')).toThrow(/UNIQUE/);
    expect(() => obs.run(id, 'mac', 'aa:bb')).toThrow(/CHECK constraint/);
    // deleting a case takes its parts with it
    db.prepare('DELETE FROM cases WHERE id = ?').run(id);
    expect(db.prepare('SELECT count(*) AS n FROM case_alerts').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM case_observables').get()).toEqual({ n: 0 });
    expect(() => db.prepare("INSERT INTO reports (kind, title, params, formats, dir, state, created_at, created_by) VALUES ('weekly', 't', '{}', '[]', 'd', 'done', 't', 'a')").run()).toThrow(/CHECK constraint/);
    closeDatabase(db);
  });
});
