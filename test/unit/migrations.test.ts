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

describe('migration 0005 sources', () => {
  it('keeps existing sources (assume_tz NULL) and adds leases, import memory and per-type counts', async () => {
    const file = path.join(tempDir(), 'm5.db');
    const pre = await dbAt(4, file);
    pre.prepare(
      `INSERT INTO sources (id, kind, format, path, skipped, created_at, updated_at)
       VALUES ('file:/var/log/suricata/eve.json', 'file', 'eve', '/var/log/suricata/eve.json', 12, 't', 't')`,
    ).run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 5) });
    expect([from, to]).toEqual([4, 5]);
    expect(db.prepare('SELECT id, skipped, assume_tz FROM sources').get()).toEqual({ id: 'file:/var/log/suricata/eve.json', skipped: 12, assume_tz: null });
    const lease = db.prepare(
      "INSERT INTO source_leases (source_id, instance, host, pid, process, acquired_at, renewed_at, expires_at) VALUES (?, ?, 'h', 1, 'vigil tail', 't', 't', 't')",
    );
    lease.run('file:/x', 'a');
    expect(() => lease.run('file:/x', 'b')).toThrow(/UNIQUE|PRIMARY KEY/); // one holder per source
    const memory = db.prepare("INSERT INTO source_imports (source_id, identity, cursor, updated_at) VALUES ('import:/x', ?, ?, 't')");
    expect(() => memory.run('{"dev":1}', 'not json')).toThrow(/CHECK constraint/);
    memory.run('{"dev":1}', '{"offset":10}');
    const types = db.prepare("INSERT INTO source_record_types (source_id, type, count) VALUES ('file:/x', ?, ?) ON CONFLICT DO UPDATE SET count = count + excluded.count");
    types.run('flow', 3);
    types.run('flow', 4);
    expect(db.prepare('SELECT type, count FROM source_record_types').all()).toEqual([{ type: 'flow', count: 7 }]);
    closeDatabase(db);
  });
});

describe('migration 0010 connectors', () => {
  it('adds connectors (unique names, no secret column), health history and the agent inventory, removed with their connector', async () => {
    const file = path.join(tempDir(), 'm10.db');
    const pre = await dbAt(9, file);
    pre.prepare("INSERT INTO meta (key, value) VALUES ('marker', 'kept')").run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 10) });
    expect([from, to]).toEqual([9, 10]);
    expect(db.prepare("SELECT value FROM meta WHERE key = 'marker'").get()).toEqual({ value: 'kept' });
    // nothing in the schema can hold a credential
    const columns = (db.prepare("SELECT name FROM pragma_table_info('connectors')").all() as { name: string }[]).map((c) => c.name);
    expect(columns.filter((c) => /pass|secret|token|key/i.test(c))).toEqual([]);
    expect(db.prepare('SELECT config_rev FROM connectors_state').get()).toEqual({ config_rev: 0 });
    const add = db.prepare("INSERT INTO connectors (id, kind, name, config, created_at, created_by, updated_at, updated_by) VALUES (?, 'wazuh-api', ?, ?, 't', 'ana', 't', 'ana')");
    add.run('prod', 'Prod', '{"url":"https://w:55000"}');
    expect(() => add.run('prod2', 'PROD', '{}')).toThrow(/UNIQUE/); // names are unique whatever their case
    expect(() => add.run('bad', 'Bad', 'not json')).toThrow(/CHECK constraint/);
    db.prepare("INSERT INTO connector_health (connector_id, checked_at, status) VALUES ('prod', 't', 'ok')").run();
    expect(() => db.prepare("INSERT INTO connector_health (connector_id, checked_at, status) VALUES ('nope', 't', 'ok')").run()).toThrow(/FOREIGN KEY/);
    const agent = db.prepare("INSERT INTO wazuh_agents (connector_id, agent_id, name, status, seen_at) VALUES ('prod', ?, ?, 'active', 't')");
    agent.run('001', 'web-1');
    expect(() => agent.run('001', 'web-1-again')).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare("INSERT INTO wazuh_agent_sync (connector_id, succeeded_at, total) VALUES ('prod', 't', 1)").run();
    db.prepare("DELETE FROM connectors WHERE id = 'prod'").run();
    for (const table of ['connector_health', 'wazuh_agents', 'wazuh_agent_sync']) {
      expect(db.prepare(`SELECT count(*) AS n FROM ${table}`).get(), table).toEqual({ n: 0 });
    }
    closeDatabase(db);
  });
});
