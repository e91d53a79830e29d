import type { Suppression } from '../../contract/index.js';
import type { App } from '../../core/app.js';
import { dispatch } from '../../core/dispatch.js';
import { parse } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';

export const suppressionsHelp = `Usage: vigil suppressions <list|show|expire|remove> [options]

Suppression rules drop matching events before they raise alerts (the events are kept, and each
rule counts what it dropped). Review them here or on the console's Suppressions screen.

  list [--all] [--json]   active rules (--all: expired and disabled ones too), newest first
  show ID [--json]        one rule: match, reason, author, expiry, hits, last hit and its audit trail
  expire ID               ends a rule now; it stays listed (with --all) with its hits, for review
  remove ID               deletes a rule; the audit log keeps what it was

Times are UTC. Changes are audited under the analyst name (vigil settings set analystName NAME).

Options:
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help`;

/** "src_ip=203.0.113.0/24 rule_id=2001219" */
export function matchText(m: Suppression['match']): string {
  return Object.entries(m)
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(' ');
}

async function call<T>(app: App, channel: 'suppressions.expire' | 'suppressions.remove', id: number): Promise<T> {
  const s = app.services;
  const out = await dispatch(app.handlers, channel, { id }, { actor: s.settings.get().analystName, transport: 'cli' }, s.logger);
  if (!out.ok) {
    if (out.error.code === 'NOT_FOUND') throw new UserError(out.error.message);
    throw new UsageError(out.error.message, 'suppressions');
  }
  return out.result as T;
}

function idArg(text: string | undefined, sub: string): number {
  if (!text || !/^\d{1,15}$/.test(text)) throw new UsageError(`suppressions ${sub} needs a rule id (a whole number)`, 'suppressions');
  return Number(text);
}

export async function suppressionsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('suppressions', argv, { json: { type: 'boolean' }, all: { type: 'boolean' }, 'data-dir': { type: 'string' } }, true);
  const [sub, idText, extra] = args.positionals;
  if (args.flag('help') || !sub) {
    await out.line(suppressionsHelp);
    return args.flag('help') ? 0 : 2;
  }
  if (extra !== undefined || (sub === 'list' && idText !== undefined)) throw new UsageError(`unexpected argument "${extra ?? idText}"`, 'suppressions');
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'suppressions', { quiet: true });
  const s = app.services;
  try {
    if (sub === 'list') {
      const rules = s.suppressions.list().filter((r) => args.flag('all') || r.state === 'active');
      if (args.flag('json')) await out.json(rules);
      else if (rules.length === 0) await out.line(args.flag('all') ? 'no suppression rules' : 'no active suppression rules (--all lists expired ones too)');
      else {
        await out.table([
          ['ID', 'STATE', 'MATCH', 'HITS', 'LAST HIT (UTC)', 'EXPIRES (UTC)', 'BY', 'REASON'],
          ...rules.map((r) => [
            String(r.id), r.state, matchText(r.match), String(r.hits), r.last_hit_at?.slice(0, 19).replace('T', ' ') ?? '-',
            r.expires_at?.slice(0, 19).replace('T', ' ') ?? 'never', r.created_by, r.reason,
          ]),
        ]);
      }
      return 0;
    }
    if (sub === 'show') {
      const id = idArg(idText, sub);
      const r = s.suppressions.get(id);
      const trail = s.audit.forTarget('suppression', String(id));
      if (!r && trail.length === 0) throw new UserError(`suppression ${id} does not exist`);
      if (args.flag('json')) {
        await out.json({ rule: r, audit: trail });
        return 0;
      }
      if (r) {
        await out.line(`#${r.id}  ${r.state}  ${cell(matchText(r.match))}`);
        await out.line(`  reason   ${cell(r.reason)}`);
        await out.line(`  by       ${cell(r.created_by)} at ${r.created_at} (UTC)`);
        await out.line(`  expires  ${r.expires_at ?? 'never'}`);
        await out.line(`  hits     ${r.hits}${r.last_hit_at ? `, last ${r.last_hit_at}` : ''}`);
      } else await out.line(`#${id}  removed`);
      await out.line('  audit:');
      for (const e of trail) await out.line(`    ${e.ts} ${cell(e.actor)}: ${e.action.replace('suppression.', '')}`);
      return 0;
    }
    if (sub === 'expire') {
      const r = await call<Suppression>(app, 'suppressions.expire', idArg(idText, sub));
      await out.line(`suppression ${r.id} expired at ${r.expires_at ?? '-'} (UTC); ${r.hits} hit(s) kept`);
      return 0;
    }
    if (sub === 'remove') {
      const id = idArg(idText, sub);
      const r = await call<{ removed: boolean }>(app, 'suppressions.remove', id);
      if (!r.removed) throw new UserError(`suppression ${id} does not exist`);
      await out.line(`suppression ${id} removed`);
      return 0;
    }
    throw new UsageError(`unknown suppressions command "${sub}" (expected list, show, expire or remove)`, 'suppressions');
  } finally {
    await app.close();
  }
}
