import fs from 'node:fs';
import { parse, intOption, type Parsed } from '../args.js';
import { dataDirFrom, openApp, untilInterrupted } from '../context.js';
import type { FeedHandlers } from '../../core/feed-handlers.js';
import { ContractError } from '../../contract/errors.js';
import {
  FEED_DIALECTS,
  FEED_TLS_MODES,
  feedChannels,
  type FeedChannelName,
  type FeedConfigPatch,
  type FeedClient,
  type FeedDialect,
  type FeedResponse,
  type FeedStatus,
  type FeedToken,
} from '../../contract/feed.js';
import type { App } from '../../core/app.js';
import { FEED_PATHS } from '../../feed/server.js';
import { UsageError, UserError } from '../errors.js';
import { Output, cell } from '../output.js';

const DATA_DIR_HELP = "  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)";

export const feedHelp = `Usage: vigil feed <serve|token|status|config> [options]

The LAN alert feed: teammates' Vigil instances, scripts and dashboards receive this Vigil's alerts
live over WebSocket (protocol: docs/feed-protocol.md).

  serve [--port N] [--host ADDR] [--tls]        run the feed in the foreground (headless hosts)
  token create --name N --role viewer|analyst [--expires 30d] [--json]
  token list [--all] [--json]
  token revoke ID | --name N [--json]
  status [--json]                               configuration, tokens, running feed servers and their clients
  config [options] [--json]                     change the saved configuration

Run "vigil feed <command> --help" for the options of a command.`;

const serveHelp = `Usage: vigil feed serve [--port N] [--host ADDR] [--tls] [--cert FILE --key FILE]

Runs the LAN feed in the foreground until interrupted, whatever "enabled" says in the saved
configuration. The other settings (dialects, allow-lists, JWT) come from "vigil feed config".

Options:
  --port N       port (default: the configured one, 8000; 0 picks a free port)
  --host ADDR    address to bind (default: the configured one, 127.0.0.1). Anything but loopback
                 exposes the feed to the network: tokens protect it.
  --tls          wss:// with a self-signed certificate generated on first use (kept in the data
                 directory); its SHA-256 fingerprint is printed for teammates to pin
  --cert FILE    use your own certificate (PEM) ...
  --key FILE     ... and its private key (PEM); implies TLS
${DATA_DIR_HELP}
  -h, --help     show this help

When ready it prints: Vigil feed at ws[s]://HOST:PORT/ws/v1/alerts`;

const tokenCreateHelp = `Usage: vigil feed token create --name N [--role viewer|analyst] [--expires 30d] [--json]

Creates a token for one teammate and prints it ONCE: only its SHA-256 hash is stored.
Teammates send it as "Authorization: Bearer T", as the subprotocol "vigil.token.T", or as ?token=T.

Options:
  --name N       who it is for (letters, digits, spaces, . _ - @; unique among active tokens)
  --role R       viewer (read only; default) or analyst (may also change alert statuses)
  --expires D    lifetime: 12h, 30d, 8w (default: until revoked)
  --json         print {token, secret} as JSON
${DATA_DIR_HELP}
  -h, --help     show this help`;

const tokenListHelp = `Usage: vigil feed token list [--all] [--json]

Lists feed tokens: name, role, prefix, created, expiry, last use (time and address).

Options:
  --all          include revoked tokens
  --json         print a JSON array
${DATA_DIR_HELP}
  -h, --help     show this help`;

const tokenRevokeHelp = `Usage: vigil feed token revoke ID | --name N [--json]

Revokes a token. It is refused at once, and its open connections are closed within a fraction
of a second by any running feed (desktop app, vigil serve, vigil feed serve).

Options:
  --name N       the active token with this name (instead of an ID)
  --json         print {revoked, closed} as JSON
${DATA_DIR_HELP}
  -h, --help     show this help`;

const statusHelp = `Usage: vigil feed status [--json]

Shows the saved feed configuration, the tokens, and every running feed server on this data
directory (desktop app, vigil serve, vigil feed serve): its address, TLS fingerprint and figures,
and each connected client (address, dialect, token, since, queue), with the addresses holding the
most connections first. Servers publish this every 2 s; a stopped one drops out within 15 s.

Options:
  --json         print one JSON object
${DATA_DIR_HELP}
  -h, --help     show this help`;

const configHelp = `Usage: vigil feed config [options] [--json]

Changes the saved feed configuration (kept in the database; secrets go to the encrypted vault, secrets.json).
A running feed applies it within a second. Without options, prints the configuration.

Options:
  --enable, --disable          run the feed inside the desktop app and vigil serve, or not
  --host ADDR                  address to bind (127.0.0.1 = this machine only; 0.0.0.0 = LAN)
  --port N                     port (default 8000)
  --tls MODE                   off, self-signed or custom
  --cert FILE, --key FILE      certificate and key for --tls custom
  --dialect NAME=on|off        native, aegis, threatstream, bluewall, ips (repeatable)
  --allow NAME=ADDR[,ADDR]     client addresses/CIDRs allowed on a dialect's path ('' = any;
                               aegis and threatstream cannot send tokens and need one) (repeatable)
  --ips-port N|none            also serve IPS Security Center on this port (its client uses 3001)
  --jwt on|off                 accept HS256 JWTs (role claim mapped to viewer/analyst)
  --jwt-secret-stdin           read the JWT secret from stdin into the vault
  --clear-jwt-secret           remove the JWT secret from the vault
                               (running feeds close the sessions of the old secret within a second)
  --jwt-max-lifetime D         longest JWT lifetime accepted: 12h, 7d (default 24h; exp is required)
  --jwt-audience AUD|none      require this "aud" in JWTs (none: no audience check)
  --max-clients N              most simultaneous authenticated connections
  --max-per-address N          most connections from one address (default 64); a new one closes the
                               oldest
  --max-per-token N            most connections with one token or JWT subject (default 32)
  --json                       print the resulting status as JSON
${DATA_DIR_HELP}
  -h, --help                   show this help`;

/** Calls a feed channel exactly as the UI would: the channel's schema, then its handler. */
async function call<C extends FeedChannelName>(handlers: FeedHandlers, channel: C, request: unknown, actor: string): Promise<FeedResponse<C>> {
  const parsed = feedChannels[channel].request.safeParse(request);
  if (!parsed.success) {
    throw new UsageError(parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'request'}: ${i.message}`).join('; '), 'feed');
  }
  try {
    const handler = handlers[channel] as (req: unknown, ctx: { actor: string; transport: 'cli' }) => FeedResponse<C> | Promise<FeedResponse<C>>;
    return await handler(parsed.data, { actor, transport: 'cli' });
  } catch (err) {
    if (err instanceof ContractError) {
      const message = [err.message, ...(err.issues ?? [])].join(': ');
      if (err.code === 'BAD_REQUEST') throw new UsageError(message, 'feed');
      throw new UserError(message);
    }
    throw err;
  }
}

/** "30d" → hours, between 1 hour and `maxHours`. */
function parseDuration(flag: string, value: string, maxHours: number): number {
  const m = /^(\d{1,5})([hdw])$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag} must look like 12h, 30d or 8w, got "${value}"`, 'feed');
  const n = Number(m[1]) * (m[2] === 'h' ? 1 : m[2] === 'd' ? 24 : 168);
  if (n < 1 || n > maxHours) throw new UsageError(`${flag} must be between 1 hour and ${maxHours >= 24 * 365 ? `${Math.floor(maxHours / (24 * 365))} year(s)` : `${maxHours} hours`}`, 'feed');
  return n;
}

/** "30d" → hours. */
export function parseExpiry(value: string | undefined): number | undefined {
  if (value === undefined || value === 'never') return undefined;
  return parseDuration('--expires', value, 24 * 3650);
}

async function printTokens(out: Output, tokens: FeedToken[]): Promise<void> {
  if (tokens.length === 0) {
    await out.line('no feed tokens (create one with: vigil feed token create --name N --role viewer)');
    return;
  }
  await out.table([
    ['ID', 'NAME', 'ROLE', 'PREFIX', 'STATE', 'CREATED', 'EXPIRES', 'LAST USED', 'FROM'],
    ...tokens.map((t) => [
      String(t.id),
      t.name,
      t.role,
      `${t.prefix}...`,
      t.revoked_at ? 'revoked' : t.active ? 'active' : 'expired',
      t.created_at.slice(0, 19).replace('T', ' '),
      t.expires_at ? t.expires_at.slice(0, 19).replace('T', ' ') : 'never',
      t.last_used_at ? t.last_used_at.slice(0, 19).replace('T', ' ') : '-',
      t.last_used_addr ?? '-',
    ]),
  ]);
}

function ago(iso: string): string {
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 120 ? `${s}s` : s < 7200 ? `${Math.round(s / 60)}m` : s < 172_800 ? `${Math.round(s / 3600)}h` : `${Math.round(s / 86_400)}d`;
}

/** One process's clients: the addresses holding the most first, then one row per connection. */
async function printClients(out: Output, clients: FeedClient[], active: number): Promise<void> {
  if (clients.length === 0) return;
  const perAddress = new Map<string, number>();
  for (const c of clients) perAddress.set(c.address, (perAddress.get(c.address) ?? 0) + 1);
  const top = [...perAddress].sort((a, b) => b[1] - a[1]);
  await out.line(`  by address: ${top.slice(0, 5).map(([a, n]) => `${cell(a)} ${n}`).join(', ')}${top.length > 5 ? `, ${top.length - 5} more` : ''}`);
  const rank = new Map(top.map(([a], i) => [a, i]));
  const rows = [...clients].sort((a, b) => rank.get(a.address)! - rank.get(b.address)! || a.connected_since.localeCompare(b.connected_since));
  await out.table([
    ['  ADDRESS', 'DIALECT', 'TOKEN', 'STATE', 'SINCE', 'QUEUE', 'SENT'],
    ...rows.map((c) => [
      `  ${c.address}`,
      c.dialect,
      c.token_name,
      c.state,
      `${c.connected_since.slice(0, 19).replace('T', ' ')} (${ago(c.connected_since)})`,
      `${c.queue_depth} msg / ${c.queue_bytes} B`,
      `${c.alerts_sent} alerts`,
    ]),
  ]);
  if (active > clients.length) await out.line(`  (${active - clients.length} more not listed)`);
}

function describeConfig(st: FeedStatus): string[] {
  const c = st.config;
  const dialects = FEED_DIALECTS.filter((d) => c.dialects[d].enabled).map((d) => {
    const allow = c.dialects[d].allow;
    const paths = [...FEED_PATHS].filter(([, x]) => x === d).map(([p]) => p).join(' ');
    return `${d} ${paths}${allow.length ? ` (from ${allow.join(', ')})` : ''}`;
  });
  return [
    `feed: ${c.enabled ? 'enabled' : 'disabled'} in the desktop app and vigil serve; ${c.host}:${c.port}, TLS ${c.tls.mode}${c.tls.mode === 'custom' ? ` (${c.tls.cert_path})` : ''}, JWT ${c.jwt.enabled ? `${st.jwt_secret_set ? 'on' : 'on but no secret set'} (at most ${c.jwt.max_lifetime_hours} h${c.jwt.audience ? `, audience ${c.jwt.audience}` : ''})` : 'off'}`,
    `limits: at most ${c.max_clients} clients, ${c.max_per_address} per address, ${c.max_per_token} per token (the oldest is closed to make room)`,
    `paths: ${dialects.length ? dialects.join('; ') : 'none enabled'}${c.dialects.ips.enabled && c.dialects.ips.port !== null ? `; ips also on port ${c.dialects.ips.port}` : ''}`,
  ];
}

async function serve(args: Parsed, app: App, out: Output): Promise<number> {
  const port = intOption('feed', 'port', args.str('port'), 0, 65535);
  const cert = args.str('cert');
  const key = args.str('key');
  if ((cert === undefined) !== (key === undefined)) throw new UsageError('--cert and --key go together', 'feed');
  const feed = app.feed;
  const override = {
    ...(port !== undefined ? { port } : {}),
    ...(args.str('host') !== undefined ? { host: args.str('host')! } : {}),
    ...(cert && key ? { tls: 'custom' as const, certPath: cert, keyPath: key } : args.flag('tls') ? { tls: feed.config().tls.mode === 'custom' ? ('custom' as const) : ('self-signed' as const) } : {}),
  };
  let server;
  try {
    server = await feed.start(override);
  } catch (err) {
    throw new UserError(err instanceof Error ? err.message : String(err));
  }
  const l = server.listening;
  try {
    await out.line(`Vigil feed at ${l.url}`);
    if (l.fingerprint256) await out.line(`TLS certificate SHA-256 fingerprint (teammates pin this): ${l.fingerprint256}`);
    for (const line of describeConfig(await feed.status()).slice(1)) await out.line(line);
    if (feed.listTokens(false).length === 0 && feed.config().dialects.native.enabled) {
      await out.line('no tokens yet: create one with "vigil feed token create --name N --role viewer"');
    }
    await untilInterrupted();
  } finally {
    // also when stdout is already closed: the feed must not keep the process alive
    await feed.stop();
  }
  return 0;
}

function configPatch(args: Parsed): FeedConfigPatch {
  const patch: FeedConfigPatch = {};
  if (args.flag('enable') && args.flag('disable')) throw new UsageError('--enable and --disable exclude each other', 'feed');
  if (args.flag('enable')) patch.enabled = true;
  if (args.flag('disable')) patch.enabled = false;
  const host = args.str('host');
  if (host !== undefined) patch.host = host as FeedConfigPatch['host'];
  const port = intOption('feed', 'port', args.str('port'), 0, 65535);
  if (port !== undefined) patch.port = port;
  const tls = args.str('tls');
  const cert = args.str('cert');
  const key = args.str('key');
  if (tls !== undefined || cert !== undefined || key !== undefined) {
    if (tls !== undefined && !(FEED_TLS_MODES as readonly string[]).includes(tls)) throw new UsageError(`--tls must be one of ${FEED_TLS_MODES.join(', ')}`, 'feed');
    patch.tls = {
      ...(tls !== undefined ? { mode: tls as (typeof FEED_TLS_MODES)[number] } : {}),
      ...(cert !== undefined ? { cert_path: cert } : {}),
      ...(key !== undefined ? { key_path: key } : {}),
    };
  }
  const dialects: NonNullable<FeedConfigPatch['dialects']> = {};
  const dialectOf = (name: string): FeedDialect => {
    if (!(FEED_DIALECTS as readonly string[]).includes(name)) throw new UsageError(`unknown dialect "${name}" (expected ${FEED_DIALECTS.join(', ')})`, 'feed');
    return name as FeedDialect;
  };
  for (const spec of (args.values['dialect'] as unknown as string[] | undefined) ?? []) {
    const m = /^([a-z]+)=(on|off)$/.exec(spec);
    if (!m) throw new UsageError(`--dialect takes NAME=on|off, got "${spec}"`, 'feed');
    const d = dialectOf(m[1]!);
    dialects[d] = { ...dialects[d], enabled: m[2] === 'on' };
  }
  for (const spec of (args.values['allow'] as unknown as string[] | undefined) ?? []) {
    const eq = spec.indexOf('=');
    if (eq < 0) throw new UsageError(`--allow takes NAME=ADDR[,ADDR], got "${spec}"`, 'feed');
    const d = dialectOf(spec.slice(0, eq));
    const list = spec.slice(eq + 1).split(',').map((x) => x.trim()).filter(Boolean);
    dialects[d] = { ...dialects[d], allow: list };
  }
  const ipsPort = args.str('ips-port');
  if (ipsPort !== undefined) dialects.ips = { ...dialects.ips, port: ipsPort === 'none' ? null : intOption('feed', 'ips-port', ipsPort, 0, 65535)! };
  if (Object.keys(dialects).length) patch.dialects = dialects;
  const jwt = args.str('jwt');
  if (jwt !== undefined) {
    if (jwt !== 'on' && jwt !== 'off') throw new UsageError('--jwt takes on or off', 'feed');
    patch.jwt = { enabled: jwt === 'on' };
  }
  const lifetime = args.str('jwt-max-lifetime');
  const audience = args.str('jwt-audience');
  if (lifetime !== undefined || audience !== undefined) {
    patch.jwt = {
      ...patch.jwt,
      ...(lifetime !== undefined ? { max_lifetime_hours: parseDuration('--jwt-max-lifetime', lifetime, 24 * 366) } : {}),
      ...(audience !== undefined ? { audience: audience === 'none' ? null : audience } : {}),
    };
  }
  for (const [flag, key] of [
    ['max-clients', 'max_clients'],
    ['max-per-address', 'max_per_address'],
    ['max-per-token', 'max_per_token'],
  ] as const) {
    const n = intOption('feed', flag, args.str(flag), 1, 10_000);
    if (n !== undefined) patch[key] = n;
  }
  return patch;
}

export async function feedCommand(argv: string[], out = Output.stdout()): Promise<number> {
  // `serve --tls` is a flag, `config --tls MODE` takes a value
  const first = argv.find((a) => !a.startsWith('-'));
  const args = parse(
    'feed',
    argv,
    {
      port: { type: 'string' },
      host: { type: 'string' },
      tls: first === 'serve' ? { type: 'boolean' } : { type: 'string' },
      cert: { type: 'string' },
      key: { type: 'string' },
      name: { type: 'string' },
      role: { type: 'string' },
      expires: { type: 'string' },
      all: { type: 'boolean' },
      json: { type: 'boolean' },
      enable: { type: 'boolean' },
      disable: { type: 'boolean' },
      dialect: { type: 'string', multiple: true },
      allow: { type: 'string', multiple: true },
      'ips-port': { type: 'string' },
      jwt: { type: 'string' },
      'jwt-secret-stdin': { type: 'boolean' },
      'clear-jwt-secret': { type: 'boolean' },
      'max-clients': { type: 'string' },
      'max-per-address': { type: 'string' },
      'max-per-token': { type: 'string' },
      'jwt-max-lifetime': { type: 'string' },
      'jwt-audience': { type: 'string' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const [sub, ...rest] = args.positionals;
  const help = args.flag('help');
  if (!sub) {
    await out.line(feedHelp);
    return help ? 0 : 2;
  }
  const subHelp =
    sub === 'serve' ? serveHelp
    : sub === 'status' ? statusHelp
    : sub === 'config' ? configHelp
    : sub === 'token' ? (rest[0] === 'create' ? tokenCreateHelp : rest[0] === 'list' ? tokenListHelp : rest[0] === 'revoke' ? tokenRevokeHelp : null)
    : undefined;
  if (subHelp === undefined) throw new UsageError(`unknown feed command "${sub}" (expected serve, token, status or config)`, 'feed');
  if (subHelp === null) {
    if (help) {
      await out.line(`${tokenCreateHelp}\n\n${tokenListHelp}\n\n${tokenRevokeHelp}`);
      return 0;
    }
    throw new UsageError(rest[0] ? `unknown token command "${rest[0]}" (expected create, list or revoke)` : 'token needs a command: create, list or revoke', 'feed');
  }
  if (help) {
    await out.line(subHelp);
    return 0;
  }
  const expectedPositionals = sub === 'token' ? (rest[0] === 'revoke' ? [1, 2] : [1, 1]) : [0, 0];
  if (rest.length < expectedPositionals[0]! || rest.length > expectedPositionals[1]!) {
    throw new UsageError(`unexpected argument "${rest[expectedPositionals[1]!] ?? ''}"`, 'feed');
  }

  const secretFromStdin = args.flag('jwt-secret-stdin') ? fs.readFileSync(0, 'utf8').trim() : undefined;
  // only `feed serve` runs a server; the other commands manage configuration and tokens
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'feed', { quiet: sub !== 'serve', feed: sub === 'serve' ? 'live' : 'passive' });
  const s = app.services;
  try {
    if (sub === 'serve') return await serve(args, app, out);
    const feed = app.feed;
    const handlers: FeedHandlers = app.handlers;
    const actor = s.settings.get().analystName;
    const json = args.flag('json');

    if (sub === 'token') {
      const op = rest[0]!;
      if (op === 'create') {
        const name = args.str('name');
        if (!name) throw new UsageError('--name is required', 'feed');
        const role = args.str('role') ?? 'viewer';
        if (role !== 'viewer' && role !== 'analyst') throw new UsageError(`--role must be viewer or analyst, got "${role}"`, 'feed');
        const hours = parseExpiry(args.str('expires'));
        const created = await call(handlers, 'feed.tokens.create', { name, role, ...(hours !== undefined ? { expires_in_hours: hours } : {}) }, actor);
        if (json) await out.json(created);
        else {
          await out.line(`created ${created.token.role} token #${created.token.id} for ${created.token.name}${created.token.expires_at ? `, expires ${created.token.expires_at}` : ''}`);
          await out.line(created.secret);
          await out.line('this is the only time it is shown: give it to the teammate now');
        }
        return 0;
      }
      if (op === 'list') {
        const tokens = await call(handlers, 'feed.tokens.list', { include_revoked: args.flag('all') }, actor);
        if (json) await out.json(tokens);
        else await printTokens(out, tokens);
        return 0;
      }
      // revoke
      const idText = rest[1];
      const name = args.str('name');
      if ((idText === undefined) === (name === undefined)) throw new UsageError('name the token to revoke by ID or by --name (one of them)', 'feed');
      let id: number;
      if (idText !== undefined) {
        if (!/^\d+$/.test(idText)) throw new UsageError(`the token ID must be a whole number, got "${idText}"`, 'feed');
        id = Number(idText);
      } else {
        const t = feed.repo.findActiveByName(name!);
        if (!t) throw new UserError(`no active feed token is named "${name}"`);
        id = t.id;
      }
      const r = await call(handlers, 'feed.tokens.revoke', { id }, actor);
      if (json) await out.json(r);
      else await out.line(r.revoked ? `revoked token #${id}${r.closed ? `; closed ${r.closed} connection(s)` : ''} (running feeds close its connections at once)` : `token #${id} was already revoked`);
      return 0;
    }

    if (sub === 'config') {
      const patch = configPatch(args);
      const request = {
        patch,
        ...(secretFromStdin !== undefined ? { jwt_secret: secretFromStdin } : {}),
        ...(args.flag('clear-jwt-secret') ? { clear_jwt_secret: true } : {}),
      };
      const st = Object.keys(patch).length || request.jwt_secret !== undefined || request.clear_jwt_secret ? await call(handlers, 'feed.configure', request, actor) : await call(handlers, 'feed.status', {}, actor);
      // this process only saved the configuration; running feeds apply it within a second
      if (json) await out.json(st.config);
      else for (const line of describeConfig(st)) await out.line(line);
      return 0;
    }

    // status
    const st = await call(handlers, 'feed.status', {}, actor);
    const tokens = feed.listTokens(false);
    if (json) {
      await out.json({ ...st, tokens });
      return 0;
    }
    for (const line of describeConfig(st)) await out.line(line);
    await out.line(`tokens: ${tokens.filter((t) => t.active).length} active (vigil feed token list)`);
    await out.line('');
    if (st.processes.length === 0) await out.line('no feed server is running on this data directory');
    for (const p of st.processes) {
      await out.line(
        `${p.process}: ${p.listening.url}${p.listening.fingerprint256 ? ` (SHA-256 ${p.listening.fingerprint256})` : ''}; ` +
          `${p.totals.connections_active} client(s), ${p.totals.connections_total} connections, ${p.totals.alerts_sent} alerts sent, ` +
          `${p.totals.auth_failures} auth failures, ${p.totals.dropped_lagging} dropped lagging, ${p.totals.dropped_superseded} closed over a cap, up ${p.totals.uptime_s} s`,
      );
      await printClients(out, p.clients, p.totals.connections_active);
    }
    return 0;
  } finally {
    await app.close();
  }
}
