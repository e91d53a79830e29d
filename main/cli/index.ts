import { packageMeta } from './context.js';
import { UsageError, UserError } from './errors.js';
import { printJson, printLine } from './output.js';
import { serveCommand } from './commands/serve.js';
import { dbCommand } from './commands/db.js';
import { alertsCommand } from './commands/alerts.js';
import { feedCommand } from './commands/feed.js';
import { settingsCommand } from './commands/settings.js';
import { casesCommand } from './commands/cases.js';
import { reportCommand } from './commands/report.js';
import { ingestCommand, quarantineCommand, simulateCommand, statusCommand, tailCommand } from './commands/pipeline.js';
import { parse } from './args.js';

type Command = (argv: string[]) => Promise<number>;

const versionHelp = `Usage: vigil version [--json]

Prints the version of Vigil, its schema version and the Node.js it runs on.`;

async function versionCommand(argv: string[]): Promise<number> {
  const args = parse('version', argv, { json: { type: 'boolean' } });
  if (args.flag('help')) {
    printLine(versionHelp);
    return 0;
  }
  const meta = packageMeta();
  const { MIGRATIONS } = await import('../store/migrations/index.js');
  const info = { name: meta.name, version: meta.version, schema_version: MIGRATIONS.length, node: process.versions.node };
  if (args.flag('json')) printJson(info);
  else printLine(`vigil ${meta.version} (schema ${info.schema_version}, node ${info.node})`);
  return 0;
}

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: serveCommand, summary: 'serve the console in a browser (headless mode)' },
  ingest: { run: ingestCommand, summary: 'process whole Suricata EVE or Wazuh alerts.json files once' },
  tail: { run: tailCommand, summary: 'follow a growing EVE or alerts.json file (like tail -F)' },
  simulate: { run: simulateCommand, summary: 'generate realistic attack scenarios through the pipeline' },
  alerts: { run: alertsCommand, summary: 'list, show and export alerts' },
  cases: { run: casesCommand, summary: 'list, show and export cases' },
  report: { run: reportCommand, summary: 'case, alerts summary and findings reports (PDF, HTML, CSV); verify one' },
  quarantine: { run: quarantineCommand, summary: 'records that could not be parsed, with reasons' },
  status: { run: statusCommand, summary: 'sources, cursors and live pipeline figures' },
  feed: { run: feedCommand, summary: 'the LAN alert feed: serve, tokens, status, config' },
  settings: { run: settingsCommand, summary: 'read or change settings (geo files, thresholds, retention, ...)' },
  db: { run: dbCommand, summary: 'database info and migration' },
  version: { run: versionCommand, summary: 'print the version' },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  return [
    'Usage: vigil <command> [options]',
    '',
    'Commands:',
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "vigil <command> --help" for the options of a command.',
    'Data directory: --data-dir, else VIGIL_DATA_DIR, else the desktop app\'s (~/.config/Vigil on Linux).',
  ].join('\n');
}

/** Runs the CLI; returns the exit code. User mistakes print one line, never a stack trace. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    printLine(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') return versionCommand([]);
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`vigil: ${err.message}\n(run "vigil ${err.command ? `${err.command} ` : ''}--help" for usage)\n`);
      return 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`vigil: ${err.message}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vigil: ${message}\n`);
    if (process.env['VIGIL_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
