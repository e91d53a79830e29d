import { intOption, parse } from '../args.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';
import type { WazuhActionResult, WazuhAgent } from '../../contract/wazuh.js';
import { DATA_DIR_HELP, callChannel, confirm, connectorNamed, connectorsContext, subcommand, type ConnectorsContext } from './connectors.js';

export const wazuhHelp = `Usage: vigil wazuh <agents|restart|ar> [options]

Wazuh agents, from the inventory Vigil keeps of each Wazuh API connector (vigil connectors).

  agents [filters] [--sync] [--json]                 list agents from the inventory
  restart AGENT... [--connector NAME] [--yes]         restart these agents
  ar AGENT... --srcip IP [--command C] [--yes]        run an active response on these agents

AGENT is an agent id (001) or name. Restart and active response list the agents and ask before
anything is sent (on a terminal; elsewhere --yes is required), never go out without agents, and
report what Wazuh queued: queued is not done (Wazuh never says whether it ran).

Run "vigil wazuh <command> --help" for the options of a command.`;

const agentsHelp = `Usage: vigil wazuh agents [--connector NAME] [filters] [--sync] [--limit N] [--json]

Lists agents from the local inventory (synced in the background by the desktop app and vigil
serve; --sync reads it from Wazuh first).

Filters:
  --status S[,S]     active, disconnected, never_connected, pending
  --os PLATFORM      ubuntu, windows, darwin, centos, debian, ...
  --group G          agents in this group
  --version V        e.g. "Wazuh v4.14.7"
  --search TEXT      part of the name, the id, or an address / CIDR block

Options:
  --connector NAME   one Wazuh API connector (default: all)
  --sync             sync the inventory from Wazuh before listing
  --limit N          at most N agents (default 1000)
  --json             print {total, counts, agents, sync} as JSON
${DATA_DIR_HELP}
  -h, --help         show this help`;

const restartHelp = `Usage: vigil wazuh restart AGENT... [--connector NAME] [--yes] [--json]

Restarts these agents (ids or names). Lists them and asks first; --yes answers for scripts.
Exit status 1 unless Wazuh queued the restart for every one.

Options:
  --connector NAME   the Wazuh API connector (needed when there are several)
  --yes              do not ask
  --json             print Wazuh's answer per agent as JSON
${DATA_DIR_HELP}
  -h, --help         show this help`;

const arHelp = `Usage: vigil wazuh ar AGENT... [--command C] [--srcip IP] [--arg A]... [--connector NAME] [--yes] [--json]

Runs an active response command on these agents: by default !firewall-drop, which blocks --srcip
on each agent's firewall (sent as alert.data.srcip). A leading ! runs the agent's script of that
name; a bare name is a command of the manager's ar.conf. Lists the agents and asks first.

Options:
  --command C        the command (default !firewall-drop)
  --srcip IP         the address the command acts on
  --arg A            an extra argument for the script (repeatable)
  --connector NAME   the Wazuh API connector (needed when there are several)
  --yes              do not ask
  --json             print Wazuh's answer per agent as JSON
${DATA_DIR_HELP}
  -h, --help         show this help`;

/** The Wazuh API connector named by --connector, or the only one. */
function apiConnector(ctx: ConnectorsContext, name: string | undefined): { id: string; name: string } {
  if (name) {
    const c = connectorNamed(ctx, name);
    if (c.kind !== 'wazuh-api') throw new UserError(`${c.name} is a ${c.kind} connector, not a Wazuh API one`);
    return c;
  }
  const apis = ctx.connectors.repo.list().connectors.filter((c) => c.config.kind === 'wazuh-api');
  if (apis.length === 1) return apis[0]!.config;
  if (apis.length === 0) throw new UserError('no Wazuh API connector: add one with "vigil connectors add wazuh-api ..."');
  throw new UsageError(`there are ${apis.length} Wazuh API connectors: name one with --connector (${apis.map((c) => c.config.name).join(', ')})`, 'wazuh');
}

/** Agent ids from ids or names, checked against the inventory (an id it does not know is kept: Wazuh will say). */
function resolveAgents(ctx: ConnectorsContext, connectorId: string, refs: string[]): { id: string; name: string | null }[] {
  const out = new Map<string, string | null>();
  for (const ref of refs) {
    if (/^\d{1,}$/.test(ref)) {
      const id = ref.padStart(3, '0');
      out.set(id, ctx.connectors.agentsRepo.get(connectorId, id)?.name ?? null);
      continue;
    }
    const found = ctx.connectors.agentsRepo.byAgent(null, ref).filter((m) => m.agent.connector_id === connectorId);
    if (found.length === 0) throw new UserError(`no agent is named "${ref}" in the inventory (vigil wazuh agents --sync)`);
    out.set(found[0]!.agent.agent_id, found[0]!.agent.name);
  }
  return [...out].map(([id, name]) => ({ id, name }));
}

async function printResult(out: Output, r: WazuhActionResult, json: boolean): Promise<number> {
  if (json) await out.json(r);
  else {
    await out.line(r.description);
    for (const q of r.queued) await out.line(`  queued  ${q.agent_id}  ${q.name ?? ''}`);
    for (const f of r.failed) await out.line(`  failed  ${f.agent_ids.join(', ')}  ${f.message}${f.code ? ` (Wazuh error ${f.code})` : ''}${f.remediation ? `. ${f.remediation}` : ''}`);
  }
  return r.state === 'queued' ? 0 : 1;
}

async function printAgents(out: Output, agents: WazuhAgent[]): Promise<void> {
  await out.table([
    ['ID', 'NAME', 'IP', 'STATUS', 'OS', 'VERSION', 'GROUPS', 'LAST KEEP-ALIVE'],
    ...agents.map((a) => [
      a.agent_id,
      a.name,
      a.ip ?? '-',
      a.status,
      [a.os_name, a.os_version].filter(Boolean).join(' ') || '-',
      a.version ?? '-',
      a.groups.join(',') || '-',
      a.last_keepalive ?? '-',
    ]),
  ]);
}

function ago(iso: string | null, now: number): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  return s < 90 ? `${s} s ago` : s < 5400 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
}

export async function wazuhCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse(
    'wazuh',
    argv,
    {
      connector: { type: 'string' },
      status: { type: 'string' },
      os: { type: 'string' },
      group: { type: 'string' },
      version: { type: 'string' },
      search: { type: 'string' },
      sync: { type: 'boolean' },
      limit: { type: 'string' },
      command: { type: 'string' },
      srcip: { type: 'string' },
      arg: { type: 'string', multiple: true },
      yes: { type: 'boolean', short: 'y' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const picked = await subcommand(out, args, 'wazuh', wazuhHelp, { agents: () => agentsHelp, restart: () => restartHelp, ar: () => arHelp });
  if (typeof picked === 'number') return picked;
  const { sub, rest } = picked;
  if (sub === 'agents' && rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`, 'wazuh');
  if (sub !== 'agents' && rest.length === 0) throw new UsageError(`${sub} needs at least one agent: Wazuh would act on every agent`, 'wazuh');
  const json = args.flag('json');
  const ctx = await connectorsContext(args.str('data-dir'));
  try {
    if (sub === 'agents') {
      const limit = intOption('wazuh', 'limit', args.str('limit'), 1, 1000) ?? 1000;
      const target = args.str('connector') ? apiConnector(ctx, args.str('connector')) : null;
      if (args.flag('sync')) {
        for (const id of target ? [target.id] : ctx.connectors.wazuhApiIds()) {
          const state = await callChannel(ctx, 'wazuh.agents.sync', { connector_id: id }, 'wazuh');
          if (state.error) process.stderr.write(`vigil: ${state.connector_name}: the sync failed: ${state.error}\n`);
        }
      }
      const page = await callChannel(
        ctx,
        'wazuh.agents.list',
        {
          ...(target ? { connector_id: target.id } : {}),
          ...(args.str('status') ? { status: args.str('status')!.split(',').map((x) => x.trim()).filter(Boolean) } : {}),
          ...(args.str('os') ? { os_platform: args.str('os') } : {}),
          ...(args.str('group') ? { group: args.str('group') } : {}),
          ...(args.str('version') ? { version: args.str('version') } : {}),
          ...(args.str('search') ? { text: args.str('search') } : {}),
          limit,
        },
        'wazuh',
      );
      if (json) {
        await out.json({ total: page.total, counts: page.counts, agents: page.items, sync: page.sync });
        return 0;
      }
      const now = Date.now();
      for (const s of page.sync) {
        await out.line(`${s.connector_name}: ${s.total} agents, synced ${ago(s.succeeded_at, now)}${s.error ? ` (last sync failed: ${s.error})` : ''}`);
      }
      await out.line(`${page.total} matching: ${Object.entries(page.counts).map(([k, n]) => `${k} ${n}`).join(', ') || 'none'}`);
      if (page.items.length) await printAgents(out, page.items);
      if (page.total > page.items.length) await out.line(`(${page.total - page.items.length} more: narrow the filters or raise --limit)`);
      return 0;
    }

    const api = apiConnector(ctx, args.str('connector'));
    await ctx.connectors.ready();
    const agents = resolveAgents(ctx, api.id, rest);
    const command = args.str('command') ?? '!firewall-drop';
    const srcip = args.str('srcip');
    const what = sub === 'restart' ? 'Restart' : `Run ${command}${srcip ? ` for ${srcip}` : ''} on`;
    if (!args.flag('yes')) {
      if (!process.stdin.isTTY) throw new UsageError(`${sub} asks before it acts: answer on a terminal, or add --yes`, 'wazuh');
      process.stderr.write(`${what} ${agents.length} agent${agents.length === 1 ? '' : 's'} of ${api.name}:\n`);
      for (const a of agents) process.stderr.write(`  ${a.id}  ${a.name ?? '(not in the inventory)'}\n`);
      if (!(await confirm('Send it?'))) {
        process.stderr.write('vigil: nothing was sent\n');
        return 1;
      }
    }
    const ids = agents.map((a) => a.id);
    const r =
      sub === 'restart'
        ? await callChannel(ctx, 'wazuh.agents.restart', { connector_id: api.id, agent_ids: ids }, 'wazuh')
        : await callChannel(
            ctx,
            'wazuh.ar.run',
            { connector_id: api.id, agent_ids: ids, command, ...(srcip ? { srcip } : {}), arguments: (args.values['arg'] as unknown as string[] | undefined) ?? [] },
            'wazuh',
          );
    return await printResult(out, r, json);
  } finally {
    await ctx.close();
  }
}
