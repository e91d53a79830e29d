import path from 'node:path';
import type { Connector } from '../../main/connectors/types.js';
import { silentLogger } from '../../main/core/logger.js';
import { FindingsService } from '../../main/scans/findings.js';
import { ScansService, type ScansServiceDeps } from '../../main/scans/service.js';
import { AuditRepo } from '../../main/store/audit-repo.js';
import { closeDatabase, openDatabase, type Database } from '../../main/store/db.js';
import { FindingsRepo } from '../../main/store/findings-repo.js';
import { ScansRepo } from '../../main/store/scans-repo.js';
import { tempDir } from './tmp.js';

/** Things a test closes at its end, newest first. */
export type Closers = { close(): Promise<void> | void }[];

/**
 * The scans service over a database and one live connector, on a virtual clock (5 s polls, a
 * 2-minute stall limit), as one process of the app would have it. Several on the same database
 * stand for a restart.
 */
export function scanServices(db: Database, connector: Connector, clock: { now(): number }, open: Closers, extra: Partial<ScansServiceDeps> = {}) {
  const now = () => new Date(clock.now());
  const audit = new AuditRepo(db, now);
  const repo = new ScansRepo(db, now);
  const findingsRepo = new FindingsRepo(db, audit);
  const scans = new ScansService({ repo, findings: findingsRepo, connector: async (id) => (id === connector.id ? connector : null), logger: silentLogger, now, pollMs: 5000, stallMinutes: 2, ...extra });
  open.push({ close: () => scans.close() });
  return { audit, repo, findingsRepo, scans, findings: new FindingsService(findingsRepo, audit, now) };
}

/** A fresh database (or `file`) with the scans service over it. */
export async function scanWorld(connector: Connector, clock: { now(): number }, open: Closers, file?: string) {
  const dbFile = file ?? path.join(tempDir(), 'scans.db');
  const { db } = await openDatabase(dbFile);
  open.push({ close: () => closeDatabase(db) });
  return { db, dbFile, ...scanServices(db, connector, clock, open) };
}
