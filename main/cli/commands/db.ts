import fs from 'node:fs';
import path from 'node:path';
import { parse } from '../args.js';
import { dataDirFrom } from '../context.js';
import { DB_FILE_NAME, closeDatabase, openDatabase, tableCount } from '../../store/db.js';
import { MIGRATIONS } from '../../store/migrations/index.js';
import { DatabaseFromFutureError, latestVersion } from '../../store/migrate.js';
import { fixNotice, prepareDataDir } from '../../core/data-dir.js';
import { createLogger } from '../../core/logger.js';
import { upgradeLog } from '../../core/upgrade-log.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';

export const dbHelp = `Usage: vigil db <info|migrate> [--data-dir D] [--json]

  info      show the database file, its schema version and whether it needs migrating
  migrate   back up the database, then apply pending schema steps in one transaction

Options:
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  --json         print one JSON object
  -h, --help     show this help`;

function explainFuture(err: unknown): never {
  if (err instanceof DatabaseFromFutureError) throw new UserError(err.message);
  throw err;
}

export async function dbCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('db', argv, { 'data-dir': { type: 'string' }, json: { type: 'boolean' } }, true);
  const sub = args.positionals[0];
  if (args.flag('help') || !sub) {
    await out.line(dbHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (args.positionals.length > 1) throw new UsageError(`unexpected argument "${args.positionals[1]}"`, 'db');
  const dataDir = dataDirFrom(args.str('data-dir'));
  const file = path.join(dataDir, DB_FILE_NAME);
  const appVersion = latestVersion(MIGRATIONS);

  if (sub === 'info') {
    if (!fs.existsSync(file)) {
      const info = { path: file, exists: false, schema_version: 0, app_schema_version: appVersion, pending: appVersion };
      if (args.flag('json')) await out.json(info);
      else await out.line(`no database at ${file} yet (it is created on first use; this Vigil writes schema version ${appVersion})`);
      return 0;
    }
    const opened = await openDatabase(file, { readonly: true }).catch(explainFuture);
    const { db, from } = opened;
    const tables = tableCount(db);
    const size = fs.statSync(file).size;
    closeDatabase(db);
    const info = { path: file, exists: true, schema_version: from, app_schema_version: appVersion, pending: appVersion - from, size_bytes: size, tables };
    if (args.flag('json')) await out.json(info);
    else {
      await out.line(`database        ${file}`);
      await out.line(`schema version  ${from}`);
      await out.line(`this Vigil      ${appVersion}${from < appVersion ? ` (${appVersion - from} migration(s) pending: run "vigil db migrate")` : ' (up to date)'}`);
      await out.line(`size            ${size} bytes, ${tables} tables`);
    }
    return 0;
  }

  if (sub === 'migrate') {
    const fixed = prepareDataDir(dataDir);
    if (fixed.length) createLogger('vigil', true).warn(fixNotice(fixed));
    // a large store takes a while (a backup, then each step): said on stderr as it goes
    const opened = await openDatabase(file, { onProgress: upgradeLog(createLogger('vigil')) }).catch(explainFuture);
    closeDatabase(opened.db);
    const result = { path: file, from: opened.from, to: opened.to, backup: opened.backupPath };
    if (args.flag('json')) await out.json(result);
    else if (opened.from === opened.to) await out.line(`${file} is already at schema version ${opened.to}`);
    else await out.line(`migrated ${file} from schema version ${opened.from} to ${opened.to}${opened.backupPath ? `; backup at ${opened.backupPath}` : ''}`);
    return 0;
  }
  throw new UsageError(`unknown db command "${sub}" (expected info or migrate)`, 'db');
}
