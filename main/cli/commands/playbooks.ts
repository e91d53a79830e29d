import fs from 'node:fs';
import { intOption, parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { dispatch } from '../../core/dispatch.js';
import { RUN_STATUSES, stepOutcome, type ChannelName, type PlaybookRun, type PlaybookSummary, type PlaybookView, type ValidationResult } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { parsePlaybook } from '../../playbooks/loader.js';
import { vaultAccount } from '../../playbooks/executors.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';
import { readSecretFromStdin } from './connectors.js';

export const playbooksHelp = `Usage: vigil playbooks <command> [options]

  list [--json]                      playbooks, enabled or not, automatic or manual, runs in the last hour
  show ID [--json]                   one playbook's document
  validate FILE [--json]             check a YAML or JSON playbook file; every problem is listed
  import FILE                        save a playbook from a file (replaces one of the same id and a
                                     lower or equal version)
  export ID [--format yaml|json]     print the playbook's document
  enable ID | disable ID             automatic runs on (after validation) or off
  dry-run ID (--alert N | --last N)  render every step for an alert, or the last N matching alerts,
                                     doing nothing; prints each step's request
  run ID --alert N                   run it now for an alert; stops at a step that needs approval
  runs [--playbook ID] [--alert N] [--status S] [--limit N] [--json]
                                     runs, newest first, with their per-step log (--json)
  approve RUN [--edit FIELD=VALUE]...  approve the step a run waits on (optionally edited) and go on
  reject RUN [--reason TEXT]         reject it: the run ends, nothing more is done
  pause | resume                     the kill switch: no automatic runs while paused (manual ones still)
  secret set ACCOUNT                 store a webhook secret or SMTP password in the vault, read from
                                     standard input (never an argument)

Options:
  --status S      ${RUN_STATUSES.join(',')}
  --data-dir D    data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help      show this help`;

async function call<T>(app: App, channel: ChannelName, request: unknown): Promise<T> {
  const s = app.services;
  const out = await dispatch(app.handlers, channel, request, { actor: s.settings.get().analystName, transport: 'cli' }, s.logger);
  if (!out.ok) {
    const text = [out.error.message, ...(out.error.issues ?? [])].join('\n  ');
    if (out.error.code === 'NOT_FOUND' || out.error.code === 'CONFLICT' || out.error.code === 'BAD_REQUEST') throw new UserError(text);
    throw new UsageError(text, 'playbooks');
  }
  return out.result as T;
}

function readFile(file: string | undefined): string {
  if (!file) throw new UsageError('name a playbook file (YAML or JSON)', 'playbooks');
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

function formatOf(file: string): 'yaml' | 'json' | undefined {
  return /\.json$/i.test(file) ? 'json' : /\.ya?ml$/i.test(file) ? 'yaml' : undefined;
}

const when = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 19) : '-');

async function printRun(out: Output, r: PlaybookRun): Promise<void> {
  await out.line(`run ${r.id}  ${r.playbook_name} v${r.playbook_version}  alert ${r.alert_id ?? '-'}  ${r.mode}  ${r.status}${r.error ? `: ${r.error}` : ''}`);
  for (const s of r.steps) {
    const took = s.duration_ms !== null ? ` (${Math.round(s.duration_ms)} ms)` : '';
    await out.line(`  ${String(s.idx + 1).padStart(2)}. ${s.status.padEnd(16)} ${s.type.padEnd(22)} ${s.summary || s.name}${took}`);
    if (s.status === 'dry_run' || s.status === 'waiting_approval') await out.line(`      request: ${JSON.stringify(s.request)}`);
    if (s.error) await out.line(`      error: ${s.error}`);
    const outcome = stepOutcome(s.response);
    if (outcome) await out.line(`      outcome: ${outcome}`);
  }
}

/** A JSON value ("[\"001\"]", 30, true), else the text itself. */
function jsonOrText(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function edits(values: string[]): Record<string, unknown> | undefined {
  if (values.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const v of values) {
    const eq = v.indexOf('=');
    if (eq <= 0) throw new UsageError(`--edit ${v}: expected FIELD=VALUE`, 'playbooks');
    const raw = v.slice(eq + 1);
    out[v.slice(0, eq)] = jsonOrText(raw);
  }
  return out;
}

export async function playbooksCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'playbooks',
    argv,
    {
      json: { type: 'boolean' },
      alert: { type: 'string' },
      last: { type: 'string' },
      playbook: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      edit: { type: 'string', multiple: true },
      reason: { type: 'string' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const [sub, ...rest] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(playbooksHelp);
    return args.flag('help') ? 0 : 2;
  }
  const known = ['list', 'show', 'validate', 'import', 'export', 'enable', 'disable', 'dry-run', 'run', 'runs', 'approve', 'reject', 'pause', 'resume', 'secret'];
  if (!known.includes(sub)) throw new UsageError(`unknown playbooks command "${sub}" (expected ${known.join(', ')})`, 'playbooks');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'playbooks', { quiet: true });
  // runs of a process that died are settled before anything is shown or started
  app.playbooks.runner.recover();
  const alertId = () => intOption('playbooks', 'alert', args.str('alert'), 1, Number.MAX_SAFE_INTEGER);
  const needId = () => {
    if (!rest[0]) throw new UsageError(`playbooks ${sub} needs an id`, 'playbooks');
    return rest[0];
  };
  try {
    switch (sub) {
      case 'list': {
        const r = await call<{ paused: boolean; playbooks: PlaybookSummary[] }>(app, 'playbooks.list', {});
        if (args.flag('json')) await out.json(r);
        else {
          if (r.paused) await out.line('automatic runs are PAUSED (vigil playbooks resume)');
          if (r.playbooks.length === 0) await out.line('no playbooks (vigil playbooks import FILE)');
          else
            await out.table([
              ['ID', 'VER', 'ENABLED', 'TRIGGER', 'RUNS/1H', 'LAST RUN (UTC)', 'STEPS', 'NAME'],
              ...r.playbooks.map((p) => [p.id, String(p.version), p.enabled ? 'yes' : 'no', p.automatic ? 'alert' : 'manual', String(p.runs_last_hour), when(p.last_run_at), p.step_types.join(','), p.name]),
            ]);
        }
        return 0;
      }
      case 'show': {
        const p = await call<PlaybookView>(app, 'playbooks.get', { id: needId() });
        if (args.flag('json')) await out.json(p);
        else await out.line(p.source.trimEnd());
        return 0;
      }
      case 'validate': {
        const file = rest[0];
        const source = readFile(file);
        const v = await call<ValidationResult>(app, 'playbooks.validate', { source, ...(formatOf(file!) ? { format: formatOf(file!) } : {}) });
        if (args.flag('json')) await out.json({ ok: v.ok, errors: v.errors });
        else if (v.ok) await out.line(`${file}: valid`);
        else for (const e of v.errors) await out.line(`${file}: ${e}`);
        return v.ok ? 0 : 1;
      }
      case 'import': {
        const file = rest[0];
        const source = readFile(file);
        const p = await call<PlaybookView>(app, 'playbooks.save', { source, ...(formatOf(file!) ? { format: formatOf(file!) } : {}) });
        await out.line(`saved ${p.id} v${p.version} (${p.enabled ? 'enabled' : 'disabled'})`);
        return 0;
      }
      case 'export': {
        const format = args.str('format');
        if (format !== undefined && format !== 'yaml' && format !== 'json') throw new UsageError('--format is yaml or json', 'playbooks');
        await call<PlaybookView>(app, 'playbooks.get', { id: needId() });
        const text = app.playbooks.exportSource(needId(), format);
        if (!parsePlaybook(text, format).ok) throw new UserError(`${needId()} does not validate any more; export it without --format`);
        await out.line(text.trimEnd());
        return 0;
      }
      case 'enable':
      case 'disable': {
        const p = await call<PlaybookView>(app, 'playbooks.setEnabled', { id: needId(), enabled: sub === 'enable' });
        await out.line(`${p.id} ${p.enabled ? 'enabled' : 'disabled'}`);
        return 0;
      }
      case 'dry-run': {
        const last = intOption('playbooks', 'last', args.str('last'), 1, 50);
        const alert = alertId();
        if ((alert === undefined) === (last === undefined)) throw new UsageError('dry-run needs --alert N or --last N', 'playbooks');
        const runs = await call<PlaybookRun[]>(app, 'playbooks.dryRun', { id: needId(), ...(alert ? { alert_id: alert } : {}), ...(last ? { last } : {}) });
        if (args.flag('json')) await out.json(runs);
        else for (const r of runs) await printRun(out, r);
        return 0;
      }
      case 'run': {
        const alert = alertId();
        if (alert === undefined) throw new UsageError('run needs --alert N', 'playbooks');
        const r = await call<PlaybookRun>(app, 'playbooks.run', { id: needId(), alert_id: alert });
        if (args.flag('json')) await out.json(r);
        else await printRun(out, r);
        return r.status === 'failed' ? 1 : 0;
      }
      case 'runs': {
        const status = args.str('status');
        const alert = alertId();
        const runs = await call<PlaybookRun[]>(app, 'playbooks.runs', {
          ...(args.str('playbook') ? { playbook_id: args.str('playbook') } : {}),
          ...(alert ? { alert_id: alert } : {}),
          ...(status ? { status } : {}),
          limit: intOption('playbooks', 'limit', args.str('limit'), 1, 500) ?? 20,
        });
        if (args.flag('json')) await out.json(runs);
        else if (runs.length === 0) await out.line('no runs');
        else for (const r of runs) await printRun(out, r);
        return 0;
      }
      case 'approve': {
        const given = args.values.edit as unknown;
        const e = edits(Array.isArray(given) ? (given as string[]) : []);
        const r = await call<PlaybookRun>(app, 'playbooks.approve', { run_id: needId(), ...(e ? { edits: e } : {}) });
        await printRun(out, r);
        return r.status === 'failed' ? 1 : 0;
      }
      case 'reject': {
        const r = await call<PlaybookRun>(app, 'playbooks.reject', { run_id: needId(), ...(args.str('reason') ? { reason: args.str('reason') } : {}) });
        await printRun(out, r);
        return 0;
      }
      case 'pause':
      case 'resume': {
        await call(app, 'playbooks.setPaused', { paused: sub === 'pause' });
        await out.line(sub === 'pause' ? 'automatic runs paused' : 'automatic runs resumed');
        return 0;
      }
      case 'secret': {
        if (rest[0] !== 'set' || !rest[1]) throw new UsageError('usage: vigil playbooks secret set ACCOUNT (the secret on standard input)', 'playbooks');
        const secret = (await readSecretFromStdin()).trim();
        if (!secret) throw new UsageError('no secret on standard input', 'playbooks');
        await app.vault.set(vaultAccount(rest[1]), secret);
        await out.line(`secret ${rest[1]} stored in the vault`);
        return 0;
      }
    }
    return 2;
  } finally {
    await app.close();
  }
}
