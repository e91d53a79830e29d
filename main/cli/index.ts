import { packageMeta } from './context.js';
import { UsageError, UserError } from './errors.js';
import { Output, OutputClosedError, sanitizeText } from './output.js';
import { serveCommand } from './commands/serve.js';
import { dbCommand } from './commands/db.js';
import { alertsCommand } from './commands/alerts.js';
import { eventsCommand } from './commands/events.js';
import { feedCommand } from './commands/feed.js';
import { settingsCommand } from './commands/settings.js';
import { suppressionsCommand } from './commands/suppressions.js';
import { connectorsCommand } from './commands/connectors.js';
import { wazuhCommand } from './commands/wazuh.js';
import { casesCommand } from './commands/cases.js';
import { scanCommand } from './commands/scan.js';
import { findingsCommand } from './commands/findings.js';
import { playbooksCommand } from './commands/playbooks.js';
import { reportCommand } from './commands/report.js';
import { ingestCommand, quarantineCommand, simulateCommand, statusCommand, tailCommand } from './commands/pipeline.js';
import { parse } from './args.js';

/** A command gets its arguments and the output it writes its results to. */
type Command = (argv: string[], out: Output) => Promise<number>;

const versionHelp = `Usage: vigil version [--json]

Prints the version of Vigil, its schema version and the Node.js it runs on.`;

async function versionCommand(argv: string[], out: Output): Promise<number> {
  const args = parse('version', argv, { json: { type: 'boolean' } });
  if (args.flag('help')) {
    await out.line(versionHelp);
    return 0;
  }
  const meta = packageMeta();
  const { MIGRATIONS } = await import('../store/migrations/index.js');
  const info = { name: meta.name, version: meta.version, schema_version: MIGRATIONS.length, node: process.versions.node };
  if (args.flag('json')) await out.json(info);
  else await out.line(`vigil ${meta.version} (schema ${info.schema_version}, node ${info.node})`);
  return 0;
}

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  serve: { run: serveCommand, summary: 'serve the console in a browser (headless mode)' },
  ingest: { run: ingestCommand, summary: 'process whole Suricata EVE or Wazuh alerts.json files once' },
  tail: { run: tailCommand, summary: 'follow a growing EVE or alerts.json file (like tail -F)' },
  simulate: { run: simulateCommand, summary: 'generate realistic attack scenarios through the pipeline' },
  alerts: { run: alertsCommand, summary: 'list, show and export alerts' },
  events: { run: eventsCommand, summary: 'hunt sensor records (flow, dns, http, tls, ...): list, show, export' },
  cases: { run: casesCommand, summary: 'list, show and export cases' },
  scan: { run: scanCommand, summary: 'ZAP and SpiderFoot scans: start, status, stop, import, list' },
  findings: { run: findingsCommand, summary: 'scan findings: list, show, mark false positive, export CSV/JSON' },
  playbooks: { run: playbooksCommand, summary: 'response playbooks: list, validate, dry-run, run, runs, approve' },
  report: { run: reportCommand, summary: 'case, alerts summary and findings reports (PDF, HTML, CSV); verify one' },
  quarantine: { run: quarantineCommand, summary: 'records that could not be parsed, with reasons' },
  suppressions: { run: suppressionsCommand, summary: 'review, expire and remove suppression rules' },
  status: { run: statusCommand, summary: 'sources, cursors and live pipeline figures' },
  feed: { run: feedCommand, summary: 'the LAN alert feed: serve, tokens, status, config' },
  settings: { run: settingsCommand, summary: 'read or change settings (geo files, thresholds, retention, ...)' },
  connectors: { run: connectorsCommand, summary: 'the tools Vigil talks to (Wazuh, ...): list, add, test, trust, remove' },
  wazuh: { run: wazuhCommand, summary: 'Wazuh agents: list, restart, active response' },
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

/** Exit code when the reader of stdout went away: 128 + SIGPIPE, as a shell reports `seq 1e9 | head -1`. */
export const EXIT_PIPE_CLOSED = 141;

/**
 * Runs the CLI; returns the exit code. User mistakes print one line, never a stack trace; a
 * closed stdout (`vigil ... | head -1`) ends the command quietly with 141.
 */
export async function main(argv: string[], out: Output = Output.stdout()): Promise<number> {
  // A reader of stderr may go away too (2>&1 | head): its 'error' must not crash the process.
  process.stderr.on('error', () => {});
  try {
    const code = await run(argv, out);
    await out.flush();
    return code;
  } catch (err) {
    if (err instanceof OutputClosedError) return EXIT_PIPE_CLOSED;
    // only writing the output can fail here (a full disk behind "> file")
    process.stderr.write(`vigil: cannot write the output: ${sanitizeText(err instanceof Error ? err.message : String(err))}\n`);
    return 1;
  }
}

async function run(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    await out.line(usage());
    return name ? 0 : 2;
  }
  if (name === '--version' || name === '-v') return versionCommand([], out);
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${name}"`);
    return await command.run(rest, out);
  } catch (err) {
    // when stdout failed, that is the story (whatever the command made of it): main() reports it
    if (out.failure) throw out.failure;
    // messages may quote data (a file name, a value from config.json): terminal-safe like stdout
    if (err instanceof UsageError) {
      process.stderr.write(`vigil: ${sanitizeText(err.message)}\n(run "vigil ${err.command ? `${err.command} ` : ''}--help" for usage)\n`);
      return 2;
    }
    if (err instanceof UserError) {
      process.stderr.write(`vigil: ${sanitizeText(err.message)}\n`);
      return 1;
    }
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`vigil: ${sanitizeText(message)}\n`);
    if (process.env['VIGIL_DEBUG'] && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    return 1;
  }
}
