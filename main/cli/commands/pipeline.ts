import fs from 'node:fs';
import path from 'node:path';
import { parse, intOption } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { EVENT_FORMATS, describeCursor, isTimeZoneName, topRecordTypes, type SourceStatus } from '../../contract/index.js';
import { createPipeline } from '../../pipeline/stages.js';
import { addTypes, fileSourceId, type IngestSummary } from '../../pipeline/runner.js';
import { FileTailDriver } from '../../pipeline/sources/file-tail.js';
import { simulate } from '../../pipeline/sources/simulator-driver.js';
import { SourceSupervisor } from '../../pipeline/sources/supervisor.js';
import { startHousekeeping } from '../../pipeline/housekeeping.js';
import { SCENARIOS, isScenarioName } from '../../pipeline/sources/simulator.js';
import { checkInput, describeFileError, recognisedLines, sniffFile } from '../../pipeline/sources/file-input.js';
import { formatName, formatNames } from '../../pipeline/normalize/registry.js';
import { NormalizeWorker } from '../../pipeline/sources/normalize-worker.js';
import { ingestFiles, type FileOutcome, type FormatChoice, type ImportReport } from '../../pipeline/sources/import.js';
import { describeHolder, LeaseHeldError, LeaseLostError, leaseClaim, SourceLeaseHandle } from '../../pipeline/sources/lease.js';
import type { Services } from '../../core/services.js';
import type { QuarantineItem } from '../../contract/index.js';
import type { EventFormat } from '../../pipeline/types.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';

const DATA_DIR_HELP = '  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app\'s)';

const ASSUME_TZ_HELP = `  --assume-tz Z  time zone of timestamps written without a UTC offset (older Suricata
                 configs), an IANA name such as Europe/Paris; kept with the source ("none" clears
                 it). Without it such lines are quarantined with "no UTC offset".`;

export const ingestHelp = `Usage: vigil ingest [--format auto|eve|wazuh] FILE... [--again] [--skip-bad] [--wait] [--json]

Processes whole files once through the pipeline (normalize, enrich, detect, score, alert) and
prints what became of each file. Every path is checked first (exists, readable, a format Vigil
reads): if one is bad, nothing is imported (unless --skip-bad). gzip files (eve.json.gz, Wazuh's
ossec-alerts-NN.json.gz) are read transparently. A last line without a trailing newline is still
processed. Lines that cannot be parsed are quarantined with the reason ("vigil quarantine list").

Vigil remembers what it imported: the same file again says "already imported, nothing new", a
file that grew adds only its new lines, an interrupted import carries on where it stopped.

Options:
  --format F     auto (default: told from the first lines), eve (Suricata eve.json) or wazuh
                 (Wazuh alerts.json); a file that looks like the other format is refused
  --again        import the files again from the start, even what was imported before
  --skip-bad     import the good files even if some paths are bad (the exit code is still 1)
  --wait         if another process is importing the same file, wait for it instead of refusing
${ASSUME_TZ_HELP}
  --json         print one JSON object: the totals {read, events, skipped, skipped_types,
                 records (sensor records kept for hunting), quarantined, suppressed, alerts_created, alerts_updated, duration_ms, failed}
                 and "files", one outcome per file (status imported, nothing_new, failed or
                 not_read, with its counts, note and error)
${DATA_DIR_HELP}
  -h, --help     show this help

Exit status: 0 when every file was imported (or had nothing new), 1 when any file failed.`;

export const tailHelp = `Usage: vigil tail [--format auto|eve|wazuh] FILE [--from-end] [--wait] [--json]

Follows FILE like "tail -F" (rotation, truncation, partial last lines) and feeds the pipeline
until interrupted. The position is kept in the database, committed with the rows it produced:
stop it at any moment and the next run continues exactly where it left off. tail follows plain
files; use "vigil ingest" for .gz files.

One process reads a file at a time: a second "vigil tail" of the same file (or the desktop app
following it) refuses and names the process that follows it, or waits with --wait and takes
over when that process stops or dies.

Options:
  --format F     auto (default: the source's format, else told from the first lines), eve or wazuh
  --from-end     on the first run, start at the end of the file instead of the beginning
  --wait         if another process follows the file, wait and take over when it stops
${ASSUME_TZ_HELP}
  --json         progress as one JSON object per line
${DATA_DIR_HELP}
  -h, --help     show this help`;

export const simulateHelp = `Usage: vigil simulate --scenario S [--rate N] [--duration S] [--seed N] [--json]

Generates realistic Suricata EVE and Wazuh records that go through the SAME pipeline as real
input, for demos, training and tests.

Scenarios:
${Object.entries(SCENARIOS).map(([k, v]) => `  ${k.padEnd(14)} ${v}`).join('\n')}

Options:
  --rate N       records per second (default 20)
  --duration S   seconds to run (default 30)
  --seed N       random seed, for a repeatable run
  --json         print the summary as one JSON object
${DATA_DIR_HELP}
  -h, --help     show this help`;

export const statusHelp = `Usage: vigil status [--json]

Shows the pipeline: every source with the state of the process reading it (running, caught up,
waiting, backing off with the retry time and the last error, paused, not read), its cursor and
counters, the figures of running Vigil processes (events/s, alerts/min, per-stage latency, queue
depth), and database-wide counts.

Options:
  --json         print one JSON object
${DATA_DIR_HELP}
  -h, --help     show this help`;

export const quarantineHelp = `Usage: vigil quarantine list [--limit N | --all] [--before-id ID] [--json]

Lists records that could not be parsed, newest first, with the reason and where they came from.
Records are read and printed a page at a time, so --all works on a quarantine of any size.

Options:
  --limit N       how many (default 20)
  --all           all of them
  --before-id ID  only records older than #ID: the next page after the last ID printed
  --json          print one JSON object {items, total}
${DATA_DIR_HELP}
  -h, --help      show this help`;

function formatOf(command: string, v: string | undefined): FormatChoice {
  if (v === undefined || v === 'auto') return 'auto';
  if ((EVENT_FORMATS as readonly string[]).includes(v)) return v as EventFormat;
  throw new UsageError(`--format must be auto, ${EVENT_FORMATS.join(' or ')}, got "${v}"`, command);
}

/** --assume-tz: undefined when absent, null for "none", else a known IANA zone. */
function assumeTzOf(command: string, v: string | undefined): string | null | undefined {
  if (v === undefined) return undefined;
  if (v === 'none') return null;
  if (!isTimeZoneName(v)) throw new UsageError(`--assume-tz: unknown time zone "${v}" (an IANA name such as Europe/Paris or UTC, or none)`, command);
  return v;
}

/** "flow 91,204 · dns 12,004 · http 3,120 · +2 more" */
function typesText(types: Readonly<Record<string, number>>, max = 4): string {
  const { shown, more } = topRecordTypes(types, max);
  const parts = shown.map(([t, n]) => `${t} ${n.toLocaleString('en')}`);
  if (more > 0) parts.push(`+${more} more`);
  return parts.join(' · ');
}

function skippedText(skipped: number, types: Readonly<Record<string, number>>): string {
  const t = typesText(types);
  return t ? `${skipped} skipped (${t})` : `${skipped} skipped`;
}

async function pipelineFor(s: Services) {
  return createPipeline(s.db, s.settings.get(), s.config.resourcesDir, (m) => process.stderr.write(`vigil: warning: ${cell(m)}\n`), s.now);
}

async function printSummary(out: Output, sum: IngestSummary, json: boolean): Promise<void> {
  if (json) await out.json(sum);
  else {
    await out.line(
      `read ${sum.read} lines: ${sum.events} events, ${skippedText(sum.skipped, sum.skipped_types)}, ${sum.records} records kept, ${sum.quarantined} quarantined, ${sum.suppressed} suppressed; ` +
        `alerts ${sum.alerts_created} created, ${sum.alerts_updated} updated (${sum.duration_ms} ms)`,
    );
  }
}

const STATUS_TEXT: Record<FileOutcome['status'], string> = { imported: 'imported', nothing_new: 'nothing new', failed: 'FAILED', not_read: 'not read' };

/** One row per file (when more than one, or any went wrong), then the totals. */
async function printImport(out: Output, report: ImportReport): Promise<void> {
  const detail = report.files.length > 1 || report.files.some((f) => f.status !== 'imported' || f.note);
  if (detail) {
    await out.table([
      ['FILE', 'FORMAT', 'RESULT', 'FROM LINE', 'LINES', 'EVENTS', 'SKIPPED', 'QUAR.', 'ALERTS NEW/UPD', 'NOTE'],
      ...report.files.map((f) => [
        f.file,
        f.format ? `${f.format}${f.compressed ? ' (gz)' : ''}` : '-',
        STATUS_TEXT[f.status],
        f.status === 'imported' ? String(f.from_line) : '-',
        String(f.read),
        String(f.events),
        f.skipped > 0 ? `${f.skipped} (${typesText(f.skipped_types, 3) || 'blank'})` : '0',
        String(f.quarantined),
        `${f.alerts_created}/${f.alerts_updated}`,
        f.error ?? f.note ?? '',
      ]),
    ]);
  }
  await printSummary(out, report, false);
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return signal.aborted ? Promise.resolve() : new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function untilSignal(): { signal: AbortSignal; dispose: () => void } {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return {
    signal: ac.signal,
    dispose: () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    },
  };
}

export async function ingestCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'ingest',
    argv,
    {
      format: { type: 'string' },
      json: { type: 'boolean' },
      again: { type: 'boolean' },
      'skip-bad': { type: 'boolean' },
      wait: { type: 'boolean' },
      'assume-tz': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  if (args.flag('help')) {
    await out.line(ingestHelp);
    return 0;
  }
  const format = formatOf('ingest', args.str('format'));
  const assumeTz = assumeTzOf('ingest', args.str('assume-tz'));
  if (args.positionals.length === 0) throw new UsageError('name at least one file to ingest', 'ingest');
  const json = args.flag('json');
  // the log is checkpointed by a thread of its own while the files are stored (store/checkpointer.ts)
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'ingest', { quiet: true, checkpointer: true });
  const s = app.services;
  const { signal, dispose } = untilSignal();
  // JSON parsing and normalizing on the second core (normalize-worker.ts)
  const worker = new NormalizeWorker();
  try {
    const { pipeline } = await pipelineFor(s);
    const report = await ingestFiles(pipeline, s.pipelineRepo, args.positionals, {
      format,
      worker,
      again: args.flag('again'),
      skipBad: args.flag('skip-bad'),
      wait: args.flag('wait'),
      ...(assumeTz !== undefined ? { assumeTz } : {}),
      signal,
      onWait: (file, holder) => process.stderr.write(`vigil: ${cell(file)} is being imported by ${cell(describeHolder(holder))}; waiting for it\n`),
    });
    if (json) await out.json(report);
    else await printImport(out, report);
    for (const f of report.files) if (f.status === 'failed') process.stderr.write(`vigil: ${cell(f.file)}: ${cell(f.error ?? 'failed')}\n`);
    if (report.failed > 0) {
      const nothing = report.files.every((f) => f.status !== 'imported');
      process.stderr.write(`vigil: ${report.failed} of ${report.files.length} file(s) failed${nothing ? '; nothing was imported' : ''}\n`);
      return 1;
    }
    return 0;
  } finally {
    dispose();
    // slower, not wrong: the main thread normalized what the worker could not
    if (worker.failed !== null) process.stderr.write(`vigil: the normalize worker stopped (${cell(worker.failed)}); the main thread normalized the rest\n`);
    await worker.close();
    await app.close();
  }
}

/**
 * The format to follow a file with: an explicit one (refused when the file clearly holds the
 * other), else the source's, else told from the first lines; waits while the file is empty.
 */
/** Whether a path exists; any other trouble than "no such file" (permission denied, ...) is the user's to fix. */
function exists(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw new UserError(`cannot follow ${file}: ${describeFileError(err)}`);
  }
}

async function tailFormat(out: Output, s: Services, file: string, choice: FormatChoice, signal: AbortSignal, json: boolean): Promise<EventFormat | null> {
  const known = s.pipelineRepo.getSource(fileSourceId('file', file));
  if (choice === 'auto' && known && known.format !== 'mixed') return known.format;
  let said = false;
  while (!signal.aborted) {
    if (exists(file)) {
      const input = await checkInput(file).catch((err: Error) => {
        throw new UserError(`cannot follow ${file}: ${err.message}`);
      });
      if (input.compressed) throw new UserError(`${file} is gzip-compressed: tail follows plain files; use vigil ingest for .gz`);
      const sniffed = await sniffFile(input);
      if (sniffed.binary) throw new UserError(`${file} holds binary data, not a text log`);
      if (choice !== 'auto') {
        if (sniffed.format !== null && sniffed.format !== choice) throw new UserError(`${file}: this looks like ${formatName(sniffed.format)}; use --format ${sniffed.format} or auto`);
        return choice;
      }
      if (sniffed.format !== null) return sniffed.format;
      if (recognisedLines(sniffed) + sniffed.other > 0) {
        throw new UserError(`${file}: could not tell the format: the first lines are neither ${formatNames(' nor ')} records (give --format)`);
      }
    } else if (choice !== 'auto') {
      return choice; // followed once it appears
    }
    if (!said && !json) await out.line(`waiting for lines in ${file} to tell its format (or give --format)`);
    said = true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return null;
}

export async function tailCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'tail',
    argv,
    {
      format: { type: 'string' },
      'from-end': { type: 'boolean' },
      wait: { type: 'boolean' },
      'assume-tz': { type: 'string' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  if (args.flag('help')) {
    await out.line(tailHelp);
    return 0;
  }
  const choice = formatOf('tail', args.str('format'));
  const assumeTz = assumeTzOf('tail', args.str('assume-tz'));
  if (args.positionals.length !== 1) throw new UsageError('tail follows exactly one file', 'tail');
  const file = path.resolve(args.positionals[0]!);
  if (file.endsWith('.gz') && !exists(file)) throw new UserError('tail follows plain files; use vigil ingest for .gz');
  const json = args.flag('json');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'tail', { quiet: true, checkpointer: true });
  const s = app.services;
  const { signal, dispose } = untilSignal();
  const sourceId = fileSourceId('file', file);
  const lease = new SourceLeaseHandle(s.pipelineRepo, sourceId, leaseClaim('vigil tail'));
  let stopHousekeeping = () => {};
  try {
    const format = await tailFormat(out, s, file, choice, signal, json);
    if (format === null) return 0;
    const got = await lease
      .acquire({
        wait: args.flag('wait'),
        what: file,
        signal,
        onWait: (h) => {
          if (!json) out.lineDetached(`${file} is followed by ${describeHolder(h)}; waiting to take over`);
        },
      })
      .catch((err: unknown) => {
        throw err instanceof LeaseHeldError ? new UserError(err.message) : err;
      });
    if (!got) return 0;
    const row = s.pipelineRepo.ensureSource(sourceId, 'file', format, file);
    if (row.format !== format) s.pipelineRepo.setSourceFormat(sourceId, format);
    if (assumeTz !== undefined) s.pipelineRepo.setSourceAssumeTz(sourceId, assumeTz);
    const { pipeline } = await pipelineFor(s);
    const types: Record<string, number> = {};
    // JSON parsing and normalizing on the second core, as for an import (normalize-worker.ts)
    const worker = new NormalizeWorker();
    const supervisor = new SourceSupervisor({
      pipeline: () => pipeline,
      repo: s.pipelineRepo,
      claim: lease.claim,
      worker,
      // a failure the tail retries by itself: said on stderr, the progress line shows "backing off"
      log: (_level, message, fields) => process.stderr.write(`vigil: ${cell(file)}: ${message}: ${cell(String(fields['error'] ?? ''))}\n`),
    });
    const startAt = args.flag('from-end') ? 'end' : 'beginning';
    const state = () => supervisor.get(sourceId)?.state ?? 'stopped';
    let lastPrinted = '';
    stopHousekeeping = startHousekeeping(pipeline, s.pipelineRepo, {
      processName: `tail:${process.pid}`,
      settings: () => s.settings.get(),
      onMetrics: (m) => {
        const line = json
          ? JSON.stringify({ source: sourceId, ...m.totals, skipped_types: types, events_per_s: m.events_per_s, state: state() })
          : `${file}: ${m.totals.read} lines, ${m.totals.events} events, ${skippedText(m.totals.skipped, types)}, ${m.totals.quarantined} quarantined, alerts +${m.totals.alerts_created} new / ${m.totals.alerts_updated} updated, ${m.events_per_s}/s, ${state().replace('_', ' ')}`;
        if (line !== lastPrinted) out.lineDetached(line);
        lastPrinted = line;
      },
    });
    if (!json) {
      const took = lease.tookOver ? `; took over from ${describeHolder(lease.tookOver)}, which is gone` : '';
      await out.line(`following ${file} (${format})${took}; Ctrl-C to stop`);
    }
    // the supervisor follows the file under the lease taken above; losing it ends the tail
    supervisor.start({ id: sourceId, lease, create: () => new FileTailDriver(s.pipelineRepo, { file, format, startAt }), onBatch: (o) => addTypes(types, o.skipped_types) });
    const stopped = AbortSignal.any([signal, out.closed]);
    try {
      // a closed stdout (| head) ends the tail like a closed terminal does
      await Promise.race([supervisor.done(sourceId), untilAborted(stopped)]);
    } catch (err) {
      if (err instanceof LeaseLostError) throw new UserError(err.message);
      throw err;
    } finally {
      await supervisor.stopAll();
      await worker.close();
    }
    out.check();
    return 0;
  } finally {
    lease.release();
    dispose();
    stopHousekeeping();
    await app.close();
  }
}

export async function simulateCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('simulate', argv, {
    scenario: { type: 'string' },
    rate: { type: 'string' },
    duration: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  if (args.flag('help')) {
    await out.line(simulateHelp);
    return 0;
  }
  const scenario = args.str('scenario');
  if (!isScenarioName(scenario)) {
    throw new UsageError(`--scenario must be one of ${Object.keys(SCENARIOS).join(', ')}${scenario ? `, got "${scenario}"` : ''}`, 'simulate');
  }
  const rate = intOption('simulate', 'rate', args.str('rate'), 1, 100_000) ?? 20;
  const durationS = intOption('simulate', 'duration', args.str('duration'), 1, 86_400) ?? 30;
  const seed = intOption('simulate', 'seed', args.str('seed'), 0, 2 ** 31 - 1);
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'simulate', { quiet: true });
  const s = app.services;
  const { signal, dispose } = untilSignal();
  const { pipeline } = await pipelineFor(s);
  const stopHousekeeping = startHousekeeping(pipeline, s.pipelineRepo, { processName: `simulate:${process.pid}`, settings: () => s.settings.get() });
  try {
    if (!args.flag('json')) await out.line(`simulating ${scenario} at ${rate}/s for ${durationS} s`);
    const sum = await simulate(pipeline, s.pipelineRepo, { scenario, rate, durationS, signal, ...(seed !== undefined ? { seed } : {}) });
    await printSummary(out, sum, args.flag('json'));
    return 0;
  } finally {
    dispose();
    stopHousekeeping();
    await app.close();
  }
}

/**
 * What reads a source right now, as its reader published it on its lease: running, caught up,
 * waiting, backing off (retry in N s), ...; paused; "not read" for an enabled source no process reads.
 */
function stateText(x: SourceStatus, now: number): string {
  if (!x.enabled) return 'paused';
  const lease = x.lease;
  if (!lease) return 'not read';
  if (lease.state !== 'backing_off') return lease.state.replace('_', ' ');
  const retry = lease.retry_at ? Math.max(0, Math.ceil((Date.parse(lease.retry_at) - now) / 1000)) : null;
  return retry === null ? 'backing off' : `backing off (retry in ${retry} s)`;
}

/** The lines under the sources table: skipped records by type, time zone. */
async function printSourceDetails(out: Output, x: SourceStatus): Promise<void> {
  const parts: string[] = [];
  const types = typesText(x.skipped_types, 8);
  if (types) parts.push(`skipped by type: ${types}`);
  if (x.assume_tz) parts.push(`timestamps without an offset read as ${x.assume_tz}`);
  if (parts.length > 0) await out.line(`  ${x.id}: ${parts.join('; ')}`);
}

export async function statusCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('status', argv, { json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
  if (args.flag('help')) {
    await out.line(statusHelp);
    return 0;
  }
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'status', { quiet: true });
  const s = app.services;
  try {
    const st = s.pipelineRepo.status();
    if (args.flag('json')) {
      await out.json(st);
      return 0;
    }
    await out.line(`alerts ${st.alerts_total} (${st.alerts_last_min} new in the last minute), events retained ${st.events_retained} (${st.events_last_min} in the last minute), quarantined ${st.quarantine_total}`);
    await out.line('');
    if (st.sources.length === 0) await out.line('no sources yet (vigil ingest, vigil tail or vigil simulate add them)');
    else {
      await out.table([
        ['SOURCE', 'STATE', 'READ BY', 'CURSOR', 'LINES', 'EVENTS', 'SKIPPED', 'QUAR.', 'ALERTS NEW/UPD', 'LAST EVENT', 'LAST ERROR'],
        ...st.sources.map((x) => [
          x.id,
          stateText(x, s.now().getTime()),
          x.lease ? describeHolder(x.lease) : '-',
          describeCursor(x.kind, x.cursor)?.detail ?? '-',
          String(x.lines_read),
          String(x.events),
          String(x.skipped),
          String(x.quarantined),
          `${x.alerts_created}/${x.alerts_updated}`,
          x.last_event_at ?? '-',
          x.lease?.last_error ?? x.last_error ?? '-',
        ]),
      ]);
      for (const x of st.sources) await printSourceDetails(out, x);
    }
    await out.line('');
    if (st.processes.length === 0) await out.line('no pipeline process is running');
    for (const p of st.processes) {
      const m = p.metrics;
      const stages = Object.entries(m.stage_ms_per_1k).map(([k, v]) => `${k} ${v}`).join(', ');
      await out.line(`${p.process}: ${m.events_per_s} events/s, ${m.alerts_per_min} alerts/min, queue ${m.queue_depth}, batch p99 ${m.batch_ms_p99} ms; ms per 1k events: ${stages}`);
    }
    return 0;
  } finally {
    await app.close();
  }
}

const QUARANTINE_PAGE = 500;

/** Quarantined records newest first, read QUARANTINE_PAGE at a time, at most `limit` of them. */
function* quarantinePages(s: Services, limit: number, beforeId: number | undefined): Generator<QuarantineItem[]> {
  let left = limit;
  let before = beforeId;
  while (left > 0) {
    const want = Math.min(QUARANTINE_PAGE, left);
    const items = s.pipelineRepo.quarantinePage(want, before);
    if (items.length) yield items;
    if (items.length < want) return;
    left -= items.length;
    before = items[items.length - 1]!.id;
  }
}

export async function quarantineCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'quarantine',
    argv,
    { limit: { type: 'string' }, all: { type: 'boolean' }, 'before-id': { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } },
    true,
  );
  const sub = args.positionals[0];
  if (args.flag('help') || !sub) {
    await out.line(quarantineHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (sub !== 'list') throw new UsageError(`unknown quarantine command "${sub}" (expected list)`, 'quarantine');
  if (args.flag('all') && args.str('limit') !== undefined) throw new UsageError('--limit and --all exclude each other', 'quarantine');
  const limit = args.flag('all') ? Number.POSITIVE_INFINITY : (intOption('quarantine', 'limit', args.str('limit'), 1, Number.MAX_SAFE_INTEGER) ?? 20);
  const beforeId = intOption('quarantine', 'before-id', args.str('before-id'), 1, Number.MAX_SAFE_INTEGER);
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'quarantine', { quiet: true });
  const s = app.services;
  try {
    const total = s.pipelineRepo.quarantineTotal();
    if (args.flag('json')) {
      await out.write('{\n  "items": ');
      await out.jsonArray(quarantinePages(s, limit, beforeId), 1);
      await out.write(`,\n  "total": ${total}\n}\n`);
      return 0;
    }
    if (total === 0) {
      await out.line('the quarantine is empty');
      return 0;
    }
    await out.line(`${total} quarantined record(s), newest first${beforeId !== undefined ? `, older than #${beforeId}` : ''}:`);
    let last: number | undefined;
    for (const page of quarantinePages(s, limit, beforeId)) {
      await out.lines(
        page.flatMap((i) => [
          `#${i.id} ${i.ts} ${cell(i.file ?? i.source_id)}${i.line !== null ? `:${i.line}` : ''} (${i.record_id !== null ? `_id ${cell(i.record_id)}` : `offset ${i.offset ?? '-'}`}): ${cell(i.reason)}`,
          `    ${cell(i.raw.length > 200 ? `${i.raw.slice(0, 200)}...` : i.raw)}`,
        ]),
      );
      last = page[page.length - 1]!.id;
    }
    if (last === undefined) await out.line(`no record is older than #${beforeId ?? 0}`);
    else if (s.pipelineRepo.quarantinePage(1, last).length > 0) await out.line(`more: vigil quarantine list --before-id ${last}`);
    return 0;
  } finally {
    await app.close();
  }
}
