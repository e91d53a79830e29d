import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openDatabase, closeDatabase, type OpenProgress } from '../../main/store/db.js';
import { upgradeLog } from '../../main/core/upgrade-log.js';
import { MIGRATIONS, type Migration } from '../../main/store/migrations/index.js';
import { DatabaseFromFutureError, applyMigrations, planMigration } from '../../main/store/migrate.js';
import { tempDir } from '../helpers/tmp.js';
import { groupKey } from '../../main/pipeline/pipeline.js';
import type { SecurityEvent } from '../../main/pipeline/types.js';
import { parseHuntQuery } from '../../main/hunt/query.js';
import { RECORD_BUCKETS, compileWhere } from '../../main/store/records-query.js';
import { RecordsRepo } from '../../main/store/records-repo.js';

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

  it('has no empty step: each one changes the schema (a placeholder would be skipped by every database past it)', () => {
    const db = new BetterSqlite3(':memory:');
    const schema = () => JSON.stringify(db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY type, name').all());
    for (const m of MIGRATIONS) {
      const before = schema();
      applyMigrations(db, { from: m.version - 1, to: m.version, pending: [m] });
      expect(schema(), `step ${m.version} (${m.name})`).not.toBe(before);
    }
    db.close();
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

  it('two processes opening one new database: the one that waited for the other migrates nothing twice', () => {
    // both read user_version 0 before either migrates (vigil tail and vigil status started together)
    const file = path.join(tempDir(), 'race.db');
    const a = new BetterSqlite3(file);
    const b = new BetterSqlite3(file);
    const planA = planMigration(a, MIGRATIONS);
    const planB = planMigration(b, MIGRATIONS);
    expect(planA.pending.length).toBe(MIGRATIONS.length);
    applyMigrations(b, planB);
    expect(() => applyMigrations(a, planA)).not.toThrow();
    expect(a.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    a.close();
    b.close();
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

describe('migration 0006 alert host', () => {
  it('adds agent, user, host and sensor columns, filled from enrichment and the first event, and rekeys open Wazuh groups', async () => {
    const file = path.join(tempDir(), 'm6.db');
    const pre = await dbAt(5, file);
    const alert = pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, status, title, rule_id, src_ip, dst_ip, first_seen, last_seen, created_at, updated_at, group_key)
       VALUES (?, ?, 'medium', 'P3', ?, ?, ?, ?, ?, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n', ?)`,
    );
    const details = pre.prepare('INSERT INTO alert_details (alert_id, enrichment) VALUES (?, ?)');
    const event = pre.prepare(
      `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, title, threat_type, risk_score, raw)
       VALUES (?, 'import:x', 'suricata', ?, 'n', 'medium', 't', 'unknown', 10, ?)`,
    );
    const agent = (id: string, name: string) => ({ agent: { id, name, ip: '10.0.0.21' } });
    // 1 an open sshd alert on web-01; 2 a resolved FIM alert on db-01 (no addresses)
    alert.run(1, 'wazuh', 'NEW', 'sshd: Attempt to login using a non-existent user', '5710', '203.0.113.45', null, 'wazuh|5710|203.0.113.45|');
    details.run(1, JSON.stringify({ src: null, dst: null, ...agent('001', 'web-01'), user: 'admin' }));
    alert.run(2, 'wazuh', 'RESOLVED', 'Integrity checksum changed.', '550', null, null, 'wazuh|550||');
    details.run(2, JSON.stringify({ ...agent('003', 'db-01'), user: null }));
    // 3 Suricata: the old enrichment named the interface as agent; the first event names the sensor
    alert.run(3, 'suricata', 'NEW', 'ET SCAN Potential SSH Scan', '1:2001219', '203.0.113.9', '10.0.0.5', 'suricata|1:2001219|203.0.113.9|10.0.0.5');
    details.run(3, JSON.stringify({ agent: { id: null, name: 'eth0', ip: null }, user: null }));
    event.run(3, '2026-01-01T00:00:01.000Z', '{"timestamp":"2026-01-01T00:00:01.000000+0000","flow_id":18446744073709551615,"host":"sensor-01","event_type":"alert"}');
    event.run(3, '2026-01-01T00:00:00.500Z', '{"timestamp":"2026-01-01T00:00:00.500000+0000","host":"sensor-01","event_type":"alert"}');
    // 4 Suricata without retained events; 5 Wazuh with unreadable enrichment; 6 Suricata whose first raw line is not JSON
    alert.run(4, 'suricata', 'NEW', 'ET POLICY curl User-Agent Outbound', '1:2013028', '10.0.0.8', null, 'suricata|1:2013028|10.0.0.8|');
    alert.run(5, 'wazuh', 'NEW', 'Custom rule', '100900', '198.51.100.99', '10.0.0.80', 'wazuh|100900|198.51.100.99|10.0.0.80');
    details.run(5, 'not json');
    alert.run(6, 'suricata', 'NEW', 'ET INFO x', '1:1', '203.0.113.1', '10.0.0.6', 'suricata|1:1|203.0.113.1|10.0.0.6');
    event.run(6, '2026-01-01T00:00:00.000Z', '{"host": broken');
    // 7 a correlation alert keeps its key
    alert.run(7, 'wazuh', 'NEW', 'Brute force: 6 authentication failures from 81.2.69.142 within 60 s', 'vigil:brute_force', '81.2.69.142', null, 'vigil|brute_force|81.2.69.142');
    details.run(7, JSON.stringify({ ...agent('001', 'web-01'), user: 'root' }));
    closeDatabase(pre);

    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 6) });
    expect([from, to]).toEqual([5, 6]);
    const rows = db.prepare('SELECT id, agent_id, agent_name, user, host, sensor, group_key FROM alerts ORDER BY id').all();
    expect(rows).toEqual([
      { id: 1, agent_id: '001', agent_name: 'web-01', user: 'admin', host: 'web-01', sensor: null, group_key: 'wazuh|5710|agent:001/web-01|203.0.113.45|' },
      { id: 2, agent_id: '003', agent_name: 'db-01', user: null, host: 'db-01', sensor: null, group_key: 'wazuh|550||' },
      { id: 3, agent_id: null, agent_name: null, user: null, host: '10.0.0.5', sensor: 'sensor-01', group_key: 'suricata|1:2001219|203.0.113.9|10.0.0.5' },
      { id: 4, agent_id: null, agent_name: null, user: null, host: '10.0.0.8', sensor: null, group_key: 'suricata|1:2013028|10.0.0.8|' },
      { id: 5, agent_id: null, agent_name: null, user: null, host: '10.0.0.80', sensor: null, group_key: 'wazuh|100900|198.51.100.99|10.0.0.80' },
      { id: 6, agent_id: null, agent_name: null, user: null, host: '10.0.0.6', sensor: null, group_key: 'suricata|1:1|203.0.113.1|10.0.0.6' },
      { id: 7, agent_id: '001', agent_name: 'web-01', user: 'root', host: 'web-01', sensor: null, group_key: 'vigil|brute_force|81.2.69.142' },
    ]);
    // the rekeyed group is the one the pipeline looks for, so the next occurrence on web-01 joins it
    const next = { source: 'wazuh', rule_id: '5710', title: 't', agent: { id: '001', name: 'web-01', ip: '10.0.0.21' }, src_ip: '203.0.113.45', dst_ip: null };
    expect((rows[0] as { group_key: string }).group_key).toBe(groupKey(next as SecurityEvent));
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts'").all().map((r) => (r as { name: string }).name);
    expect(indexes).toEqual(expect.arrayContaining(['alerts_host', 'alerts_agent_id', 'alerts_sensor']));
    closeDatabase(db);
  });
});

describe('migration 0009 source drivers', () => {
  it('moves file cursors to one JSON column, drops the fixed kinds and formats, and adds record ids and reader state', async () => {
    const file = path.join(tempDir(), 'm9.db');
    const pre = await dbAt(8, file);
    const src = pre.prepare(
      `INSERT INTO sources (id, kind, format, path, cursor_dev, cursor_ino, cursor_offset, lines_read, assume_tz, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 't', 't')`,
    );
    src.run('file:/var/log/eve.json', 'file', 'eve', '/var/log/eve.json', 2049, 1234567, 98765, 4321, 'Europe/Paris');
    src.run('file:/var/log/new.json', 'file', 'wazuh', '/var/log/new.json', null, null, 0, 0, null); // never read yet
    src.run('simulator:ddos', 'simulator', 'mixed', null, null, null, 0, 500, null);
    expect(() => src.run('indexer:wazuh-prod', 'indexer', 'wazuh', null, null, null, 0, 0, null)).toThrow(/CHECK constraint/);
    pre.prepare("INSERT INTO source_leases (source_id, instance, host, pid, process, acquired_at, renewed_at, expires_at) VALUES ('file:/var/log/eve.json', 'i', 'h', 1, 'vigil tail', 't', 't', 't')").run();
    closeDatabase(pre);

    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 9) });
    expect([from, to]).toEqual([8, 9]);
    expect(db.prepare('SELECT id, kind, format, cursor, lines_read, assume_tz FROM sources ORDER BY id').all()).toEqual([
      { id: 'file:/var/log/eve.json', kind: 'file', format: 'eve', cursor: '{"dev":2049,"ino":1234567,"offset":98765}', lines_read: 4321, assume_tz: 'Europe/Paris' },
      { id: 'file:/var/log/new.json', kind: 'file', format: 'wazuh', cursor: null, lines_read: 0, assume_tz: null },
      { id: 'simulator:ddos', kind: 'simulator', format: 'mixed', cursor: null, lines_read: 500, assume_tz: null },
    ]);
    const columns = (t: string) => (db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(columns('sources')).not.toEqual(expect.arrayContaining(['cursor_dev']));
    // any driver kind now, and the cursor must be JSON
    db.prepare("INSERT INTO sources (id, kind, format, cursor, created_at, updated_at) VALUES ('indexer:wazuh-prod', 'indexer', 'wazuh', ?, 't', 't')").run('{"v":1,"sort":[1795000000000,"AbC"]}');
    expect(() => db.prepare("UPDATE sources SET cursor = 'not json' WHERE id = 'indexer:wazuh-prod'").run()).toThrow(/CHECK constraint/);
    expect(columns('events')).toContain('record_id');
    expect(columns('quarantine')).toContain('record_id');
    // a record id is stored once per source
    const seen = db.prepare("INSERT INTO source_records (source_id, record_id, ts) VALUES (?, 'AbC', 1)");
    seen.run('indexer:wazuh-prod');
    expect(() => seen.run('indexer:wazuh-prod')).toThrow(/UNIQUE|PRIMARY KEY/);
    seen.run('indexer:other');
    // an existing lease reads as running, with no error
    expect(db.prepare('SELECT state, note, last_error, retry_at FROM source_leases').get()).toEqual({ state: 'running', note: null, last_error: null, retry_at: null });
    closeDatabase(db);
  });
});

describe('migration 0008 connectors', () => {
  it('adds connectors (unique names, no secret column), health history and the agent inventory, removed with their connector', async () => {
    const file = path.join(tempDir(), 'm8.db');
    const pre = await dbAt(7, file);
    pre.prepare("INSERT INTO meta (key, value) VALUES ('marker', 'kept')").run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 8) });
    expect([from, to]).toEqual([7, 8]);
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

describe('migration 0007 cases', () => {
  it('adds cases and their parts with their constraints; existing alerts and events are untouched', async () => {
    const file = path.join(tempDir(), 'm7.db');
    const pre = await dbAt(6, file);
    pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, title, first_seen, last_seen, created_at, updated_at)
       VALUES (7, 'suricata', 'high', 'P2', 'seeded before 0009', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n')`,
    ).run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 7) });
    expect([from, to]).toEqual([6, 7]);
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

describe('migration 0010 triage', () => {
  it('adds the undo log and the indexes for suppressed events, the rule filter and the known analysts; rows are kept', async () => {
    const file = path.join(tempDir(), 'm10.db');
    const pre = await dbAt(9, file);
    pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, status, title, rule_id, first_seen, last_seen, created_at, updated_at, assignee)
       VALUES (1, 'suricata', 'high', 'P2', 'NEW', 't', '1:2001219', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z', 'n', 'n', 'ana')`,
    ).run();
    pre.prepare(
      `INSERT INTO events (alert_id, source_id, source, ts, received_at, severity, title, threat_type, risk_score, suppressed_by, raw)
       VALUES (NULL, 'import:x', 'suricata', '2026-01-01T00:00:00.000Z', 'n', 'high', 't', 'unknown', 10, 4, '{}')`,
    ).run();
    closeDatabase(pre);

    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 10) });
    expect([from, to]).toEqual([9, 10]);
    db.prepare("INSERT INTO status_changes (change_id, alert_id, from_status, to_status, ts, actor) VALUES ('c1', 1, 'NEW', 'ACKNOWLEDGED', 't', 'ana')").run();
    // one row per alert of a change
    expect(() => db.prepare("INSERT INTO status_changes (change_id, alert_id, from_status, to_status, ts, actor) VALUES ('c1', 1, 'NEW', 'RESOLVED', 't', 'ana')").run()).toThrow(/UNIQUE/);
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((p) => p.detail).join('\n');
    expect(plan('SELECT count(*) FROM events WHERE suppressed_by = 4')).toContain('events_suppressed');
    expect(plan("SELECT id FROM alerts WHERE rule_id = '1:2001219' ORDER BY last_seen DESC")).toContain('alerts_rule');
    expect(plan("SELECT min(actor) FROM audit_log WHERE actor > 'a'")).toContain('audit_log_actor');
    expect(plan("SELECT min(assignee) FROM alerts WHERE assignee IS NOT NULL AND assignee > 'a'")).toContain('alerts_assignee_name');
    expect(db.prepare('SELECT count(*) AS n FROM events WHERE suppressed_by = 4').get()).toEqual({ n: 1 });
    closeDatabase(db);
  });
});

describe('migration 0011 alert list', () => {
  const at11 = MIGRATIONS.findIndex((m) => m.version === 11);

  it('indexes every sort key, ranks priority, and keeps alert_techniques in step with technique_ids', async () => {
    const file = path.join(tempDir(), 'm11.db');
    const pre = await dbAt(at11, file);
    const alert = pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, status, title, first_seen, last_seen, created_at, updated_at, technique_ids)
       VALUES (?, 'wazuh', 'medium', ?, 'NEW', 't', 'n', 'n', 'n', 'n', ?)`,
    );
    alert.run(1, 'P1', '["T1110","T1110.001"]');
    alert.run(2, 'P4', '[]');
    alert.run(3, 'P2', '{"T1190":1}');
    alert.run(4, 'P3', '["T1046",7,"T1046"]');
    closeDatabase(pre);

    const { db, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, at11 + 1) });
    expect(to).toBe(11);
    expect(db.prepare('SELECT id, priority_rank AS r FROM alerts ORDER BY id').all()).toEqual([
      { id: 1, r: 4 },
      { id: 2, r: 1 },
      { id: 3, r: 3 },
      { id: 4, r: 2 },
    ]);
    const techniques = () => db.prepare('SELECT technique, alert_id FROM alert_techniques ORDER BY alert_id, technique').all();
    // backfilled from the text entries of arrays, each once
    expect(techniques()).toEqual([
      { technique: 'T1110', alert_id: 1 },
      { technique: 'T1110.001', alert_id: 1 },
      { technique: 'T1046', alert_id: 4 },
    ]);
    db.prepare(`INSERT INTO alerts (id, source, severity, priority, status, title, first_seen, last_seen, created_at, updated_at, technique_ids)
                VALUES (5, 'suricata', 'high', 'P2', 'NEW', 't', 'n', 'n', 'n', 'n', '["T1190"]')`).run();
    db.prepare(`UPDATE alerts SET technique_ids = '["T1110.001","T1078"]' WHERE id = 1`).run();
    db.prepare('DELETE FROM alerts WHERE id = 4').run();
    expect(techniques()).toEqual([
      { technique: 'T1078', alert_id: 1 },
      { technique: 'T1110.001', alert_id: 1 },
      { technique: 'T1190', alert_id: 5 },
    ]);
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'alerts'").all().map((r) => (r as { name: string }).name);
    expect(indexes).toEqual(
      expect.arrayContaining(['alerts_first_seen', 'alerts_risk', 'alerts_count', 'alerts_severity_rank', 'alerts_priority_rank', 'alerts_source', 'alerts_country']),
    );
    closeDatabase(db);
  });
});

describe('migration 0012 records', () => {
  it('adds the record store, hosts, correlation contributors and saved hunt queries; existing alerts are untouched', async () => {
    const file = path.join(tempDir(), 'm12.db');
    const pre = await dbAt(11, file);
    pre.prepare(
      `INSERT INTO alerts (id, source, severity, priority, status, title, first_seen, last_seen, created_at, updated_at, group_key)
       VALUES (1, 'suricata', 'high', 'P2', 'NEW', 'x', 't', 't', 't', 't', 'k')`,
    ).run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 12) });
    expect([from, to]).toEqual([11, 12]);
    expect(db.prepare('SELECT id, title FROM alerts').all()).toEqual([{ id: 1, title: 'x' }]);
    // flow ids are full uint64s kept as the signed integer of the same bits
    db.prepare("INSERT INTO records (ts, type, flow_id, src) VALUES (1, 'flow', ?, x'040a000001')").run(BigInt.asIntN(64, 18446744073709551615n));
    expect(db.prepare("SELECT CAST(flow_id AS TEXT) AS f FROM records WHERE flow_id = -1").get()).toEqual({ f: '-1' });
    expect(() => db.prepare("INSERT INTO records (type) VALUES ('flow')").run()).toThrow(/NOT NULL/);
    const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'records'").all() as { name: string }[]).map((r) => r.name).sort();
    expect(indexes).toEqual(['records_community', 'records_dst_ts', 'records_flow', 'records_src_ts', 'records_ts', 'records_type_ts']);
    db.prepare("INSERT INTO alert_contributors (alert_id, event_id) VALUES (1, 5)").run();
    db.prepare("INSERT INTO alert_contributor_counts (alert_id, total) VALUES (1, 9)").run();
    db.prepare('DELETE FROM alerts WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM alert_contributors').get()).toEqual({ n: 0 }); // removed with their alert
    expect(db.prepare('SELECT count(*) AS n FROM alert_contributor_counts').get()).toEqual({ n: 0 });
    const save = db.prepare("INSERT INTO hunt_saved_queries (name, query, created_at, created_by) VALUES ('dns', 'event_type:dns', 't', 'a')");
    save.run();
    expect(() => save.run()).toThrow(/UNIQUE/);
    closeDatabase(db);
  });
});

describe('migration 0013 scans and findings', () => {
  it('adds scans with their log, findings unique by identity, and which scans saw them, removed with their scan', async () => {
    const file = path.join(tempDir(), 'm13.db');
    const pre = await dbAt(12, file);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 13) });
    expect([from, to]).toEqual([12, 13]);
    const scan = db.prepare(
      "INSERT INTO scans (tool, connector_id, target, options, status, progress_at, started_at, created_by, updated_at) VALUES ('zap', 'zap-1', 'http://a.test/', ?, 'running', 't', 't', 'ana', 't')",
    );
    expect(() => scan.run('not json')).toThrow(/CHECK constraint/);
    const scanId = Number(scan.run('{}').lastInsertRowid);
    db.prepare("INSERT INTO scan_log (scan_id, ts, level, message) VALUES (?, 't', 'info', 'started')").run(scanId);
    const finding = db.prepare(
      `INSERT INTO findings (identity, source, connector_id, target, rule_id, title, severity, severity_rank, severity_raw, description, first_seen, last_seen, last_scan_id, raw)
       VALUES (?, 'zap', 'zap-1', 'http://a.test/', '10038', 'CSP', 'medium', 2, 'Medium', '', 't', 't', ?, '{}')`,
    );
    const findingId = Number(finding.run('zap:abc', scanId).lastInsertRowid);
    expect(() => finding.run('zap:abc', scanId)).toThrow(/UNIQUE/);
    expect(db.prepare('SELECT status FROM findings WHERE id = ?').get(findingId)).toEqual({ status: 'open' });
    db.prepare('INSERT INTO finding_scans (finding_id, scan_id) VALUES (?, ?)').run(findingId, scanId);
    db.prepare('DELETE FROM scans WHERE id = ?').run(scanId);
    expect(db.prepare('SELECT count(*) AS n FROM scan_log').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM finding_scans').get()).toEqual({ n: 0 });
    closeDatabase(db);
  });
});

describe('migration 0014 playbooks', () => {
  it('adds playbooks, runs with their steps, trigger claims, effects and state', async () => {
    const file = path.join(tempDir(), 'm14.db');
    closeDatabase(await dbAt(13, file));
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 14) });
    expect([from, to]).toEqual([13, 14]);
    db.prepare("INSERT INTO playbooks (id, name, version, format, source, updated_at, updated_by) VALUES ('p', 'P', 1, 'yaml', 'x', 't', 'a')").run();
    expect(() => db.prepare("INSERT INTO playbooks (id, name, version, format, source, updated_at, updated_by) VALUES ('q', 'Q', 1, 'toml', 'x', 't', 'a')").run()).toThrow(/CHECK/);
    db.prepare(
      "INSERT INTO playbook_runs (id, playbook_id, playbook_name, playbook_version, doc, alert_id, mode, status, actor, owner, created_at, updated_at) VALUES ('r', 'p', 'P', 1, '{}', 1, 'auto', 'running', 'a', 'serve:1', 't', 't')",
    ).run();
    db.prepare("INSERT INTO playbook_run_steps (run_id, idx, step_id, type, name, status) VALUES ('r', 0, 's', 'note', 's', 'pending')").run();
    const claim = db.prepare("INSERT OR IGNORE INTO playbook_triggers (playbook_id, alert_id, run_id) VALUES ('p', 1, 'r')");
    expect(claim.run().changes).toBe(1);
    expect(claim.run().changes).toBe(0); // a playbook fires once per alert
    db.prepare("DELETE FROM playbook_runs WHERE id = 'r'").run();
    expect(db.prepare('SELECT count(*) AS n FROM playbook_run_steps').get()).toEqual({ n: 0 }); // steps go with their run
    closeDatabase(db);
  });
});

describe('migration 0015 alert tags', () => {
  it('indexes the tagged alerts only, and a tag filter reads that index', async () => {
    const file = path.join(tempDir(), 'm15.db');
    closeDatabase(await dbAt(14, file));
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 15) });
    expect([from, to]).toEqual([14, 15]);
    const sql = db.prepare("SELECT sql FROM sqlite_master WHERE name = 'alerts_tagged'").pluck().get() as string;
    expect(sql).toMatch(/WHERE tags <> '\[\]'/);
    const plan = db
      .prepare("EXPLAIN QUERY PLAN SELECT id FROM alerts WHERE tags <> '[]' AND EXISTS (SELECT 1 FROM json_each(alerts.tags) WHERE value = ?)")
      .all('x') as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/alerts_tagged/);
    closeDatabase(db);
  });
});

describe('migration 0016 records type cover', () => {
  it('the (type, ts) index also carries s1 and the addresses, so a group-by of one type by them reads the index only; records are kept', async () => {
    const file = path.join(tempDir(), 'm16.db');
    const pre = await dbAt(15, file);
    pre.prepare("INSERT INTO records (ts, type, s1) VALUES (5, 'dns', 'a.example'), (6, 'tls', 'b.example')").run();
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 16) });
    expect([from, to]).toEqual([15, 16]);
    expect(db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').pluck().all('records_type_ts')).toEqual(['type', 'ts', 's1', 'src', 'dst']);
    for (const cols of ['s1', 'hex(src), hex(dst)']) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT ${cols} FROM records INDEXED BY records_type_ts WHERE type = 'dns' AND ts >= 0 AND ts < 10`).all() as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' | ')).toMatch(/COVERING INDEX records_type_ts/);
    }
    expect(db.prepare("SELECT s1 FROM records INDEXED BY records_type_ts WHERE type = 'dns' AND ts >= 0 AND ts < 10").pluck().all()).toEqual(['a.example']);
    closeDatabase(db);
  });
});

describe('migration 0017 records flow buckets', () => {
  it('the flow_id and community_id indexes lead with the id bucket, and lookups still find a flow in every bucket', async () => {
    const file = path.join(tempDir(), 'm17.db');
    const pre = await dbAt(16, file);
    const flow = BigInt.asIntN(64, 18_000_000_000_000_000_001n);
    const put = pre.prepare("INSERT INTO records (id, ts, type, flow_id, community_id) VALUES (?, ?, 'flow', ?, ?)");
    // one flow's records in three buckets (65,536 ids each), and another flow between them
    for (const [id, f, c] of [[5, flow, '1:a='], [70_000, flow, '1:a='], [200_000, flow, '1:a='], [70_001, 7n, '1:b=']] as const) put.run(id, id, f, c);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 17) });
    expect([from, to]).toEqual([16, 17]);
    for (const [index, column] of [['records_flow', 'flow_id'], ['records_community', 'community_id']]) {
      const cols = db.prepare('SELECT cid, name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as { cid: number; name: string | null }[];
      expect(cols).toEqual([{ cid: -2, name: null }, { cid: expect.any(Number), name: column }]);
    }
    const repo = new RecordsRepo(db);
    expect(repo.byFlowIds([BigInt.asUintN(64, flow).toString()], 10).map((r) => r.id)).toEqual([5, 70_000, 200_000]);
    expect(repo.byCommunityIds(['1:a='], [], 10).map((r) => r.id)).toEqual([5, 70_000, 200_000]);
    const where = compileWhere(parseHuntQuery(`flow_id:${BigInt.asUintN(64, flow)}`), 0, 1e9);
    expect(repo.page(where, { dir: 'asc', limit: 10 }).map((r) => r.id)).toEqual([5, 70_000, 200_000]);
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM records INDEXED BY ${where.index} WHERE ${where.sql}`).all(...where.params) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' | ')).toMatch(/records_flow \(<expr>=\? AND flow_id=\?\)/);
    closeDatabase(db);
  });
});

describe('migration 0018 record host hours', () => {
  it('counts the stored records per hour by source and by destination, "no address" included', async () => {
    const file = path.join(tempDir(), 'm18.db');
    const pre = await dbAt(17, file);
    const a = Buffer.from([4, 10, 0, 0, 1]);
    const b = Buffer.from([4, 10, 0, 0, 2]);
    const put = pre.prepare("INSERT INTO records (ts, type, src, dst) VALUES (?, 'flow', ?, ?)");
    for (const [ts, src, dst] of [[3_600_000, a, b], [3_600_001, a, null], [7_200_000, null, a], [7_200_001, b, a]] as const) put.run(ts, src, dst);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 18) });
    expect([from, to]).toEqual([17, 18]);
    const rows = db.prepare('SELECT role, hour, hex(ip) AS ip, n FROM record_host_hours ORDER BY role, hour, ip').all();
    expect(rows).toEqual([
      { role: 0, hour: 1, ip: '040A000001', n: 2 },
      { role: 0, hour: 2, ip: '', n: 1 },
      { role: 0, hour: 2, ip: '040A000002', n: 1 },
      { role: 1, hour: 1, ip: '', n: 1 },
      { role: 1, hour: 1, ip: '040A000002', n: 1 },
      { role: 1, hour: 2, ip: '040A000001', n: 2 },
    ]);
    closeDatabase(db);
  });
});
describe('migration 0024 record host loops', () => {
  it('counts the stored records from an address to itself per hour, and takes them once off the hosts\' record counts', async () => {
    const file = path.join(tempDir(), 'm24.db');
    const pre = await dbAt(23, file);
    const a = Buffer.from([4, 10, 0, 0, 1]);
    const b = Buffer.from([4, 10, 0, 0, 2]);
    const put = pre.prepare("INSERT INTO records (ts, type, src, dst) VALUES (?, 'flow', ?, ?)");
    for (const [ts, src, dst] of [[3_600_000, a, a], [3_600_001, a, a], [3_600_002, a, b], [7_200_000, b, b], [7_200_001, null, null], [7_200_002, b, a]] as const) put.run(ts, src, dst);
    // as the writer before 0024 counted them: a loop once per side
    pre.prepare('INSERT INTO hosts (ip, first_seen, last_seen, records) VALUES (?, 0, 0, ?)').run(a, 6);
    pre.prepare('INSERT INTO hosts (ip, first_seen, last_seen, records) VALUES (?, 0, 0, ?)').run(b, 4);
    pre.prepare('INSERT INTO hosts (ip, first_seen, last_seen, records) VALUES (?, 0, 0, ?)').run(Buffer.from([4, 10, 0, 0, 3]), 9);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 24) });
    expect([from, to]).toEqual([23, 24]);
    expect(db.prepare('SELECT hour, hex(ip) AS ip, n FROM record_host_loops ORDER BY hour, ip').all()).toEqual([
      { hour: 1, ip: '040A000001', n: 2 },
      { hour: 2, ip: '040A000002', n: 1 },
    ]);
    expect(db.prepare('SELECT hex(ip) AS ip, records FROM hosts ORDER BY ip').all()).toEqual([
      { ip: '040A000001', records: 4 },
      { ip: '040A000002', records: 3 },
      { ip: '040A000003', records: 9 },
    ]);
    closeDatabase(db);
  });
});

describe('migration 0021 record hours', () => {
  it('counts the stored records per hour by type, sensor, protocols and destination port, a missing value as its own key', async () => {
    const file = path.join(tempDir(), 'm21.db');
    const pre = await dbAt(20, file);
    const put = pre.prepare('INSERT INTO records (ts, type, sensor, proto, app_proto, dport) VALUES (?, ?, ?, ?, ?, ?)');
    for (const r of [
      [3_600_000, 'flow', 's1', 'TCP', 'http', 80],
      [3_600_001, 'flow', 's1', 'TCP', 'http', 80],
      [3_600_002, 'flow', 's1', 'TCP', 'http', 8080],
      [3_600_003, 'dns', null, 'UDP', null, 53],
      [7_200_000, 'flow', 's1', 'TCP', 'http', 80],
      [7_200_001, 'anomaly', 's2', null, null, null],
    ] as const)
      put.run(...r);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 21) });
    expect([from, to]).toEqual([20, 21]);
    expect(db.prepare('SELECT hour, type, sensor, proto, app_proto, dport, n FROM record_hours ORDER BY hour, type, dport').raw().all()).toEqual([
      [1, 'dns', '', 'UDP', '', 53, 1],
      [1, 'flow', 's1', 'TCP', 'http', 80, 2],
      [1, 'flow', 's1', 'TCP', 'http', 8080, 1],
      [2, 'anomaly', 's2', '', '', -1, 1],
      [2, 'flow', 's1', 'TCP', 'http', 80, 1],
    ]);
    closeDatabase(db);
  });
});
describe('migration 0023 case records', () => {
  it('rebuilds the sightings with room for kept records: every sighting, its index and its cascade are kept', async () => {
    const file = path.join(tempDir(), 'm23.db');
    const pre = await dbAt(22, file);
    const at = '2026-11-21T12:00:00.000Z';
    pre.prepare("INSERT INTO cases (id, title, severity, created_at, created_by, updated_at) VALUES (7, 'Beacon', 'high', ?, 'ana', ?)").run(at, at);
    const obs = pre.prepare("INSERT INTO case_observables (id, case_id, type, value, origin, created_at, created_by) VALUES (?, 7, ?, ?, 'extracted', ?, 'ana')");
    obs.run(1, 'domain', 'c2.example.ru', at);
    obs.run(2, 'ipv4', '198.51.100.7', at);
    const seen = pre.prepare('INSERT INTO case_observable_sightings (observable_id, source_kind, source_id, events) VALUES (?, ?, ?, ?)');
    const before = [
      [1, 'alert', 41, 3],
      [1, 'evidence', 2, 0],
      [2, 'alert', 41, 1],
      [2, 'alert', 42, 0],
    ] as const;
    for (const r of before) seen.run(...r);
    closeDatabase(pre);

    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 23) });
    expect([from, to]).toEqual([22, 23]);
    const sightings = () => db.prepare('SELECT observable_id, source_kind, source_id, events FROM case_observable_sightings ORDER BY 1, 2, 3').raw().all();
    expect(sightings()).toEqual(before);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'case_observable_sightings' AND sql IS NOT NULL").pluck().all()).toEqual(['case_observable_sightings_source']);
    expect(db.pragma('foreign_key_check')).toEqual([]);
    // a kept record's sighting now fits; a kind nobody writes does not
    db.prepare("INSERT INTO case_observable_sightings (observable_id, source_kind, source_id) VALUES (1, 'record', 9)").run();
    expect(() => db.prepare("INSERT INTO case_observable_sightings (observable_id, source_kind, source_id) VALUES (1, 'flow', 9)").run()).toThrow(/CHECK constraint failed/);
    // an observable removed takes its sightings with it, as before the rebuild
    db.prepare('DELETE FROM case_observables WHERE id = 1').run();
    expect(sightings()).toEqual(before.filter((r) => r[0] === 2));
    closeDatabase(db);
  });
});
describe('migration 0019 records address buckets', () => {
  it('the source and destination address indexes lead with the id bucket and keep their rows', async () => {
    const file = path.join(tempDir(), 'm19.db');
    const pre = await dbAt(18, file);
    const a = Buffer.from([4, 10, 0, 0, 1]);
    pre.prepare("INSERT INTO records (id, ts, type, src, dst) VALUES (5, 5, 'flow', ?, NULL), (70000, 6, 'flow', NULL, ?)").run(a, a);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 19) });
    expect([from, to]).toEqual([18, 19]);
    for (const [index, column] of [['records_src_ts', 'src'], ['records_dst_ts', 'dst']]) {
      const cols = db.prepare('SELECT cid, name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as { cid: number; name: string | null }[];
      expect(cols).toEqual([{ cid: -2, name: null }, { cid: expect.any(Number), name: column }, { cid: 1, name: 'ts' }]);
    }
    expect(db.prepare(`SELECT id FROM records INDEXED BY records_src_ts WHERE ${RECORD_BUCKETS} AND src = ?`).pluck().all(a)).toEqual([5]);
    expect(db.prepare(`SELECT id FROM records INDEXED BY records_dst_ts WHERE ${RECORD_BUCKETS} AND dst = ?`).pluck().all(a)).toEqual([70_000]);
    closeDatabase(db);
  });
});

describe('migration 0020 records address pairs', () => {
  it('each address index also carries the other address and the type, and keeps its rows', async () => {
    const file = path.join(tempDir(), 'm20.db');
    const pre = await dbAt(19, file);
    const a = Buffer.from([4, 10, 0, 0, 1]);
    const b = Buffer.from([4, 10, 0, 0, 2]);
    pre.prepare("INSERT INTO records (id, ts, type, src, dst) VALUES (5, 5, 'flow', ?, ?), (70000, 6, 'flow', NULL, ?)").run(a, b, a);
    closeDatabase(pre);
    const { db, from, to } = await openDatabase(file, { migrations: MIGRATIONS.slice(0, 20) });
    expect([from, to]).toEqual([19, 20]);
    for (const [index, column, other] of [['records_src_ts', 'src', 'dst'], ['records_dst_ts', 'dst', 'src']]) {
      const cols = db.prepare('SELECT cid, name FROM pragma_index_xinfo(?) WHERE key = 1 ORDER BY seqno').all(index) as { cid: number; name: string | null }[];
      expect(cols).toEqual([
        { cid: -2, name: null },
        { cid: expect.any(Number), name: column },
        { cid: 1, name: 'ts' },
        { cid: expect.any(Number), name: other },
        { cid: 2, name: 'type' },
      ]);
    }
    // a source's partners, and a host's records by type, are read from the index alone
    for (const sql of [
      'SELECT hex(dst) FROM records INDEXED BY records_src_ts WHERE (id >> 16) IN (0, 1) AND src = ? AND ts >= 0',
      'SELECT type, count(*) FROM records INDEXED BY records_src_ts WHERE (id >> 16) IN (0, 1) AND src = ? GROUP BY type',
      'SELECT type, count(*) FROM records INDEXED BY records_dst_ts WHERE (id >> 16) IN (0, 1) AND dst = ? AND (src IS NULL OR src <> ?) GROUP BY type',
    ]) {
      const plan = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.includes('src <>') ? [a, a] : [a])) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' | '), sql).toMatch(/COVERING INDEX records_(src|dst)_ts/);
    }
    expect(db.prepare(`SELECT hex(dst) FROM records INDEXED BY records_src_ts WHERE ${RECORD_BUCKETS} AND src = ?`).pluck().all(a)).toEqual([b.toString('hex').toUpperCase()]);
    expect(db.prepare(`SELECT id, src FROM records INDEXED BY records_dst_ts WHERE ${RECORD_BUCKETS} AND dst = ?`).raw().all(a)).toEqual([[70_000, null]]);
    closeDatabase(db);
  });
});

describe('an upgrade says what it is doing', () => {
  it('reports the backup as it copies, then each schema step before it runs; a new database reports nothing', async () => {
    const file = path.join(tempDir(), 'up.db');
    const pre = await dbAt(MIGRATIONS.length - 2, file);
    // enough pages for several backup steps (4096 pages each)
    pre.exec('CREATE TABLE filler (b BLOB)');
    const fill = pre.prepare('INSERT INTO filler VALUES (randomblob(3000))');
    pre.transaction(() => {
      for (let i = 0; i < 12_000; i++) fill.run();
    })();
    closeDatabase(pre);
    const seen: OpenProgress[] = [];
    const lines: [string, Record<string, unknown> | undefined][] = [];
    const log = upgradeLog({ info: (m, f) => lines.push([m, f]), warn() {}, error() {} });
    const { db, backupPath } = await openDatabase(file, {
      onProgress: (p) => {
        seen.push(p);
        log(p);
      },
    });
    closeDatabase(db);
    const backups = seen.filter((p) => p.step === 'backup');
    expect(backups.length).toBeGreaterThanOrEqual(3);
    expect(backups.every((p) => p.file === backupPath && p.total > 0)).toBe(true);
    expect(backups.map((p) => p.copied)).toEqual([...backups.map((p) => p.copied)].sort((a, b) => a - b));
    expect(backups.at(-1)!.copied).toBe(backups.at(-1)!.total);
    // the steps come after the backup, in order, by number and name
    const steps = seen.slice(backups.length);
    expect(steps).toEqual(MIGRATIONS.slice(-2).map((m) => ({ step: 'migrate', version: m.version, name: m.name })));
    // logged: the backup at each tenth it passes (not at every step), then each schema step
    const backupLines = lines.filter(([m]) => m.startsWith('backing up'));
    expect(backupLines.length).toBeLessThanOrEqual(11);
    expect(backupLines.at(-1)![1]).toMatchObject({ copied_pct: 100, backup: backupPath });
    expect(lines.filter(([m]) => m === 'upgrading the database').map(([, f]) => f!.migration)).toEqual(MIGRATIONS.slice(-2).map((m) => m.version));

    const fresh: OpenProgress[] = [];
    closeDatabase((await openDatabase(path.join(tempDir(), 'new.db'), { onProgress: (p) => fresh.push(p) })).db);
    expect(fresh).toEqual([]);
  });
});
