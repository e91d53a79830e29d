import { parse, intOption } from '../args.js';
import { dataDirFrom, headlessServices } from '../context.js';
import { createPipeline } from '../../pipeline/stages.js';
import { FileFollower, ingestFiles, simulate, type IngestSummary } from '../../pipeline/runner.js';
import { startHousekeeping } from '../../pipeline/housekeeping.js';
import { SCENARIOS, isScenarioName } from '../../pipeline/sources/simulator.js';
import type { Services } from '../../core/services.js';
import type { QuarantineItem } from '../../contract/index.js';
import type { EventFormat } from '../../pipeline/types.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';

const DATA_DIR_HELP = '  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app\'s)';

export const ingestHelp = `Usage: vigil ingest --format eve|wazuh FILE... [--json]

Processes whole files once through the pipeline (normalize, enrich, detect, score, alert) and
prints a summary. A last line without a trailing newline is still processed. Lines that cannot
be parsed are quarantined with the reason (see "vigil quarantine list").

Options:
  --format F     eve (Suricata eve.json) or wazuh (Wazuh alerts.json)
  --json         print the summary as one JSON object:
                 {read, events, skipped, quarantined, alerts_created, alerts_updated, duration_ms}
${DATA_DIR_HELP}
  -h, --help     show this help`;

export const tailHelp = `Usage: vigil tail --format eve|wazuh FILE [--from-end] [--json]

Follows FILE like "tail -F" (rotation, truncation, partial last lines) and feeds the pipeline
until interrupted. The position is kept in the database, committed with the rows it produced:
stop it at any moment and the next run continues exactly where it left off.

Options:
  --format F     eve or wazuh
  --from-end     on the first run, start at the end of the file instead of the beginning
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

Shows the pipeline: every source with its cursor and counters, the figures of running Vigil
processes (events/s, alerts/min, per-stage latency, queue depth), and database-wide counts.

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

function formatOf(command: string, v: string | undefined): EventFormat {
  if (v === 'eve' || v === 'wazuh') return v;
  throw new UsageError(v === undefined ? '--format is required (eve or wazuh)' : `--format must be eve or wazuh, got "${v}"`, command);
}

async function pipelineFor(s: Services) {
  return createPipeline(s.db, s.settings.get(), s.config.resourcesDir, (m) => process.stderr.write(`vigil: warning: ${m}\n`), s.now);
}

async function printSummary(out: Output, sum: IngestSummary, json: boolean): Promise<void> {
  if (json) await out.json(sum);
  else {
    await out.line(
      `read ${sum.read} lines: ${sum.events} events, ${sum.skipped} skipped, ${sum.quarantined} quarantined, ${sum.suppressed} suppressed; ` +
        `alerts ${sum.alerts_created} created, ${sum.alerts_updated} updated (${sum.duration_ms} ms)`,
    );
  }
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
  const args = parse('ingest', argv, { format: { type: 'string' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } }, true);
  if (args.flag('help')) {
    await out.line(ingestHelp);
    return 0;
  }
  const format = formatOf('ingest', args.str('format'));
  if (args.positionals.length === 0) throw new UsageError('name at least one file to ingest', 'ingest');
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
  try {
    const { pipeline } = await pipelineFor(s);
    const sum = await ingestFiles(pipeline, s.pipelineRepo, args.positionals, format).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new UserError(`no such file: ${err.path ?? ''}`);
      if (err.code === 'EISDIR' || err.code === 'EACCES') throw new UserError(`cannot read ${err.path ?? ''}: ${err.code}`);
      throw err;
    });
    await printSummary(out, sum, args.flag('json'));
    return 0;
  } finally {
    await s.close();
  }
}

export async function tailCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('tail', argv, { format: { type: 'string' }, 'from-end': { type: 'boolean' }, json: { type: 'boolean' }, 'data-dir': { type: 'string' } }, true);
  if (args.flag('help')) {
    await out.line(tailHelp);
    return 0;
  }
  const format = formatOf('tail', args.str('format'));
  if (args.positionals.length !== 1) throw new UsageError('tail follows exactly one file', 'tail');
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
  const { signal, dispose } = untilSignal();
  const { pipeline } = await pipelineFor(s);
  const follower = new FileFollower(pipeline, s.pipelineRepo, args.positionals[0]!, format, { startAt: args.flag('from-end') ? 'end' : 'beginning' });
  const json = args.flag('json');
  let lastPrinted = '';
  const stopHousekeeping = startHousekeeping(pipeline, s.pipelineRepo, {
    processName: `tail:${process.pid}`,
    settings: () => s.settings.get(),
    onMetrics: (m) => {
      const line = json
        ? JSON.stringify({ source: follower.sourceId, ...m.totals, events_per_s: m.events_per_s, state: follower.status().state })
        : `${follower.file}: ${m.totals.read} lines, ${m.totals.events} events, ${m.totals.quarantined} quarantined, alerts +${m.totals.alerts_created} new / ${m.totals.alerts_updated} updated, ${m.events_per_s}/s, ${follower.status().state}`;
      if (line !== lastPrinted) out.lineDetached(line);
      lastPrinted = line;
    },
  });
  try {
    if (!json) await out.line(`following ${follower.file} (${format}); Ctrl-C to stop`);
    // a closed stdout (| head) ends the tail like a closed terminal does
    await follower.run(AbortSignal.any([signal, out.closed]));
    out.check();
    return 0;
  } finally {
    dispose();
    stopHousekeeping();
    await s.close();
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
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
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
    await s.close();
  }
}

export async function statusCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('status', argv, { json: { type: 'boolean' }, 'data-dir': { type: 'string' } });
  if (args.flag('help')) {
    await out.line(statusHelp);
    return 0;
  }
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
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
        ['SOURCE', 'STATE', 'CURSOR', 'LINES', 'EVENTS', 'SKIPPED', 'QUAR.', 'ALERTS NEW/UPD', 'LAST EVENT', 'LAST ERROR'],
        ...st.sources.map((x) => [
          x.id,
          x.enabled ? 'enabled' : 'paused',
          x.kind === 'file' ? `ino ${x.cursor.ino ?? '-'} @ ${x.cursor.offset}` : '-',
          String(x.lines_read),
          String(x.events),
          String(x.skipped),
          String(x.quarantined),
          `${x.alerts_created}/${x.alerts_updated}`,
          x.last_event_at ?? '-',
          x.last_error ?? '-',
        ]),
      ]);
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
    await s.close();
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
  const s = await headlessServices(dataDirFrom(args.str('data-dir')), { quiet: true });
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
          `#${i.id} ${i.ts} ${cell(i.file ?? i.source_id)}${i.line !== null ? `:${i.line}` : ''} (offset ${i.offset ?? '-'}): ${cell(i.reason)}`,
          `    ${cell(i.raw.length > 200 ? `${i.raw.slice(0, 200)}...` : i.raw)}`,
        ]),
      );
      last = page[page.length - 1]!.id;
    }
    if (last === undefined) await out.line(`no record is older than #${beforeId ?? 0}`);
    else if (s.pipelineRepo.quarantinePage(1, last).length > 0) await out.line(`more: vigil quarantine list --before-id ${last}`);
    return 0;
  } finally {
    await s.close();
  }
}
