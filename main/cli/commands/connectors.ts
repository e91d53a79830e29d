import fs from 'node:fs';
import { parse, type Parsed } from '../args.js';
import { dataDirFrom, openApp } from '../context.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';
import { connectorKindSpecs } from '../../core/connector-kinds.js';
import type { ConnectorsService } from '../../core/connectors.js';
import type { Handlers } from '../../core/handlers.js';
import { dispatch } from '../../core/dispatch.js';
import type { Services } from '../../core/services.js';
import type { ChannelName, Response } from '../../contract/channels.js';
import type { ConnectorKindSpec, ConnectorTestResult, ConnectorView } from '../../contract/connectors.js';

export const DATA_DIR_HELP = "  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)";

export const connectorsHelp = `Usage: vigil connectors <list|add|test|trust|remove> [options]

The team's tools Vigil talks to (Wazuh server API, Wazuh indexer, ...). Configurations are kept in
the database; passwords and API keys only in the encrypted vault (secrets.json, under a key held by
the OS keychain). A secret is read from standard input or a hidden prompt, never from an argument.

  list [--json]                                 every connector with its last health check
  add KIND --name N --url URL [options]         test, then save a connector (kinds: see "add --help")
  test NAME [--json]                            test a saved connector end to end; says what is wrong
  trust NAME SHA256 [--json]                    pin the certificate the server presents now
  remove NAME [--json]                          remove it with its secret, history and agent inventory

Run "vigil connectors <command> --help" for the options of a command.`;

function addHelp(kinds: ConnectorKindSpec[]): string {
  const lines = kinds.map((k) => {
    const fields = k.fields.filter((f) => f.name !== 'username').map((f) => `${f.name}${f.default !== undefined ? `=${String(f.default)}` : ''}`);
    return `  ${k.kind.padEnd(15)} ${k.label} (${k.urlExample})${fields.length ? `\n  ${''.padEnd(15)} --set ${fields.join(', ')}` : ''}`;
  });
  return `Usage: vigil connectors add KIND --name N --url URL [--user U] [--password-stdin] [options]

Tests the connection, then saves the connector. A certificate nobody vouches for (Wazuh's
self-signed ones) is refused with its SHA-256 fingerprint: compare it with the server's
(openssl x509 -noout -fingerprint -sha256 -in <cert>) and add --trust-fingerprint.

Kinds:
${lines.join('\n')}

Options:
  --name N                  a name for it (unique)
  --url URL                 its base URL (https://host:port)
  --user U                  the user name (kinds that log in)
  --password-stdin          read the password or API key from standard input (else a hidden prompt
                            on a terminal); there is no option that takes it as an argument
  --trust-fingerprint SHA   trust exactly the certificate with this SHA-256 (AB:CD:... or hex)
  --ca FILE                 trust only certificates signed by the CA(s) in this PEM file
  --id ID                   its id (default: from the name)
  --set FIELD=VALUE         any other field of the kind (repeatable), e.g. --set index=wazuh-alerts-*
  --disabled                save it disabled
  --no-test                 save without testing
  --json                    print the saved connector as JSON
  --data-dir D              data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help                show this help`;
}

const listHelp = `Usage: vigil connectors list [--json]

Every connector: kind, name, URL, trust, whether its secret is in the vault, and its last health
check by any Vigil process on this data directory.

Options:
  --json         print a JSON array
${DATA_DIR_HELP}
  -h, --help     show this help`;

const testHelp = `Usage: vigil connectors test NAME [--json]

Tests a saved connector with its saved secret and prints the outcome: ok with product, version and
latency, or what is wrong: dns, refused, timeout, tls_untrusted (with the fingerprint),
tls_mismatch, auth_failed, forbidden, wrong_product, rate_limited, http_error ... Exit status 1
when it fails.

Options:
  --json         print the result as JSON
${DATA_DIR_HELP}
  -h, --help     show this help`;

const trustHelp = `Usage: vigil connectors trust NAME SHA256 [--json]

Pins the certificate the server presents now, after you checked its fingerprint (first use, or
after the certificate was renewed). Refused when the server presents another one.

Options:
  --json         print the connector as JSON
${DATA_DIR_HELP}
  -h, --help     show this help`;

const removeHelp = `Usage: vigil connectors remove NAME [--json]

Removes a connector with its secret, its health history and its agent inventory.

Options:
  --json         print {removed} as JSON
${DATA_DIR_HELP}
  -h, --help     show this help`;

/** The connectors service of a one-shot command, and the handlers over it. */
export interface ConnectorsContext {
  s: Services;
  connectors: ConnectorsService;
  handlers: Handlers;
  actor: string;
  close(): Promise<void>;
}

export async function connectorsContext(dataDirFlag: string | undefined): Promise<ConnectorsContext> {
  const app = await openApp(dataDirFrom(dataDirFlag), 'cli', { quiet: true });
  return {
    s: app.services,
    connectors: app.connectors,
    handlers: app.handlers,
    actor: app.services.settings.get().analystName,
    close: () => app.close(),
  };
}

/** Calls a contract channel exactly as the UI would: the channel's schema, then its handler. */
export async function callChannel<C extends ChannelName>(ctx: ConnectorsContext, channel: C, request: unknown, command: string): Promise<Response<C>> {
  const out = await dispatch(ctx.handlers, channel, request, { actor: ctx.actor, transport: 'cli' }, ctx.s.logger);
  if (out.ok) return out.result as Response<C>;
  const message = [out.error.message, ...(out.error.issues ?? [])].join(': ');
  if (out.error.code === 'BAD_REQUEST') throw new UsageError(message, command);
  throw new UserError(message);
}

/** A saved connector by name or id. */
export function connectorNamed(ctx: ConnectorsContext, name: string): ConnectorView['config'] {
  const found = ctx.connectors.find(name);
  if (!found) throw new UserError(`no connector is named "${name}" (vigil connectors list)`);
  return found.config;
}

/**
 * The subcommand and its arguments. Prints the help asked for (or the command's help when no
 * subcommand is given) and returns the exit code instead; an unknown subcommand is a usage error.
 */
export async function subcommand(
  out: Output,
  args: Parsed,
  command: string,
  commandHelp: string,
  helps: Record<string, () => string>,
): Promise<{ sub: string; rest: string[] } | number> {
  const [sub, ...rest] = args.positionals;
  if (!sub) {
    await out.line(commandHelp);
    return args.flag('help') ? 0 : 2;
  }
  const names = Object.keys(helps);
  if (!Object.hasOwn(helps, sub)) throw new UsageError(`unknown ${command} command "${sub}" (expected ${names.slice(0, -1).join(', ')} or ${names.at(-1)})`, command);
  if (args.flag('help')) {
    await out.line(helps[sub]!());
    return 0;
  }
  return { sub, rest };
}

/** Options that would put a secret in the process list: refused before anything runs. */
const SECRET_FLAGS = /^--(password|passwd|pass|secret|api-key|apikey|token)(=|$)/;

export function refuseSecretArguments(argv: readonly string[], command: string): void {
  const bad = argv.find((a) => SECRET_FLAGS.test(a));
  if (bad) {
    throw new UsageError(
      `${bad.split('=')[0]} is not an option: a secret given as an argument shows in the process list and the shell history; use --password-stdin or the prompt`,
      command,
    );
  }
}

/** Longest secret read from standard input. */
const MAX_SECRET = 4096;

/** The secret piped in: everything on standard input, without the line break that ends it. */
export function readSecretFromStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding?.('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
      if (text.length > MAX_SECRET + 2) reject(new UsageError(`--password-stdin: longer than ${MAX_SECRET} characters`, 'connectors'));
    });
    stream.once('end', () => resolve(text.replace(/\r?\n$/, '')));
    stream.once('error', reject);
  });
}

/** Asks for a secret on the terminal without echoing it (raw mode); Ctrl-C cancels. */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin): Promise<string> {
  return new Promise((resolve, reject) => {
    process.stderr.write(question);
    let value = '';
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.resume();
    const done = (err: Error | null) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done(null);
        if (ch === '\u0003' || ch === '\u0004') return done(new UserError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
        if (value.length > MAX_SECRET) return done(new UserError(`longer than ${MAX_SECRET} characters`));
      }
    };
    input.on('data', onData);
  });
}

/** A yes/no question on the terminal (default no). */
export function confirm(question: string, input: NodeJS.ReadStream = process.stdin): Promise<boolean> {
  return new Promise((resolve) => {
    process.stderr.write(`${question} [y/N] `);
    input.setEncoding('utf8');
    input.resume();
    input.once('data', (answer: string) => {
      input.pause();
      resolve(/^\s*y(es)?\s*$/i.test(answer));
    });
  });
}

async function secretFor(args: Parsed, spec: ConnectorKindSpec, who: string): Promise<string | undefined> {
  if (args.flag('password-stdin')) {
    const secret = await readSecretFromStdin();
    if (!secret) throw new UsageError('--password-stdin: standard input was empty', 'connectors');
    return secret;
  }
  if (process.stdin.isTTY) {
    const secret = await promptHidden(`${spec.credential.label} for ${who}${spec.credential.mode === 'optional_password' ? ' (empty: none)' : ''}: `);
    return secret || undefined;
  }
  if (spec.credential.mode === 'optional_password') return undefined;
  throw new UsageError(`give the ${spec.credential.label.toLowerCase()} on standard input with --password-stdin (or run on a terminal to be asked)`, 'connectors');
}

/** A value for a kind's field from `--set FIELD=VALUE`, typed from the kind's form. */
function fieldValue(spec: ConnectorKindSpec, name: string, raw: string): unknown {
  const f = spec.fields.find((x) => x.name === name);
  if (!f) throw new UsageError(`${spec.kind} has no field "${name}" (it has ${spec.fields.map((x) => x.name).join(', ')})`, 'connectors');
  if (f.nullable && (raw === '' || raw === 'null')) return null;
  if (f.type === 'integer' || f.type === 'number') {
    const n = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(n)) throw new UsageError(`--set ${name} takes a number, got "${raw}"`, 'connectors');
    return n;
  }
  if (f.type === 'boolean') {
    if (!/^(true|false|yes|no|on|off)$/i.test(raw)) throw new UsageError(`--set ${name} takes true or false, got "${raw}"`, 'connectors');
    return /^(true|yes|on)$/i.test(raw);
  }
  return raw;
}

/** A connector id from a name: lower case, digits and dashes. */
export function idFromName(name: string): string {
  const id = name
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 63)
    .replace(/-+$/, '');
  return id || 'connector';
}

/** One line per test outcome, naming the fix where there is one. */
export function describeTest(r: ConnectorTestResult): string[] {
  if (r.ok) {
    const details = Object.entries(r.details).map(([k, v]) => `${k} ${v}`);
    return [`ok: ${r.product} ${r.version} answered in ${Math.round(r.latencyMs)} ms${details.length ? ` (${details.join(', ')})` : ''}`];
  }
  const f = r.failure;
  const lines = [`${f.kind}: ${f.message}`];
  if (f.remediation) lines.push(`  ${f.remediation}`);
  if (f.certificate) {
    const c = f.certificate;
    lines.push(
      `  certificate SHA-256 ${c.fingerprint256}`,
      `  subject ${c.subject}; issuer ${c.issuer}${c.selfSigned ? ' (self-signed)' : ''}`,
      `  valid ${c.validFrom} to ${c.validTo}${c.subjectAltName ? `; names ${c.subjectAltName}` : ''}`,
    );
    if (f.kind === 'tls_untrusted') lines.push(`  if this is your server's certificate, add --trust-fingerprint ${c.fingerprint256} (or "vigil connectors trust NAME ${c.fingerprint256}")`);
  }
  return lines;
}

async function printList(out: Output, views: ConnectorView[]): Promise<void> {
  if (views.length === 0) {
    await out.line('no connectors (add one with: vigil connectors add wazuh-api --name prod --url https://wazuh:55000 --user wazuh-wui --password-stdin)');
    return;
  }
  await out.table([
    ['NAME', 'KIND', 'URL', 'TRUST', 'SECRET', 'ENABLED', 'HEALTH', 'CHECKED', 'LAST ERROR'],
    ...views.map((v) => [
      v.config.name,
      v.config.kind,
      v.config.url,
      v.config.trust.mode === 'pin' ? `pin ${v.config.trust.sha256.slice(0, 11)}...` : v.config.trust.mode === 'ca' ? `ca ${v.config.trust.caFile}` : 'system',
      v.has_secret ? 'set' : '-',
      v.config.enabled ? 'yes' : 'no',
      v.health ? `${v.health.status}${v.health.version ? ` ${v.health.version}` : ''}` : '-',
      v.health ? v.health.checkedAt.slice(0, 19).replace('T', ' ') : '-',
      v.health?.lastError?.failure.message ?? '-',
    ]),
  ]);
}

export async function connectorsCommand(argv: string[], out = Output.stdout()): Promise<number> {
  refuseSecretArguments(argv, 'connectors');
  const args = parse(
    'connectors',
    argv,
    {
      name: { type: 'string' },
      url: { type: 'string' },
      user: { type: 'string' },
      id: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      'trust-fingerprint': { type: 'string' },
      ca: { type: 'string' },
      set: { type: 'string', multiple: true },
      disabled: { type: 'boolean' },
      'no-test': { type: 'boolean' },
      json: { type: 'boolean' },
      'data-dir': { type: 'string' },
    },
    true,
  );
  const picked = await subcommand(out, args, 'connectors', connectorsHelp, { list: () => listHelp, add: () => addHelp(connectorKindSpecs()), test: () => testHelp, trust: () => trustHelp, remove: () => removeHelp });
  if (typeof picked === 'number') return picked;
  const { sub, rest } = picked;
  const positionals: Record<string, number> = { list: 0, add: 1, test: 1, trust: 2, remove: 1 };
  if (rest.length !== positionals[sub]) {
    throw new UsageError(rest.length > positionals[sub]! ? `unexpected argument "${rest[positionals[sub]!]}"` : `${sub} needs ${sub === 'add' ? 'a KIND' : sub === 'trust' ? 'NAME and SHA256' : 'a NAME'}`, 'connectors');
  }
  const json = args.flag('json');
  // a secret is read before the database opens: a wrong invocation leaves nothing behind
  let spec: ConnectorKindSpec | null = null;
  let secret: string | undefined;
  if (sub === 'add') {
    spec = kindNamed(rest[0]!);
    if (!args.str('name') || !args.str('url')) throw new UsageError('add needs --name and --url', 'connectors');
    if (spec.credential.mode !== 'api_key' && spec.fields.some((f) => f.name === 'username' && f.required) && !args.str('user')) {
      throw new UsageError(`${spec.kind} needs --user (the user name to log in as)`, 'connectors');
    }
    secret = await secretFor(args, spec, args.str('user') ? `${args.str('user')} at ${args.str('url')}` : args.str('url')!);
  }
  const ctx = await connectorsContext(args.str('data-dir'));
  try {
    if (sub === 'list') {
      const views = await callChannel(ctx, 'connectors.list', {}, 'connectors');
      if (json) await out.json(views);
      else await printList(out, views);
      return 0;
    }
    if (sub === 'add') return await add(ctx, args, spec!, secret, out);
    const target = connectorNamed(ctx, rest[0]!);
    if (sub === 'test') {
      const r = await callChannel(ctx, 'connectors.test', { config: target }, 'connectors');
      if (json) await out.json(r);
      else await out.lines(describeTest(r));
      return r.ok ? 0 : 1;
    }
    if (sub === 'trust') {
      const view = await callChannel(ctx, 'connectors.trust', { id: target.id, sha256: rest[1] }, 'connectors');
      if (json) await out.json(view);
      else await out.line(`${view.config.name} now trusts only the certificate SHA-256 ${view.config.trust.mode === 'pin' ? view.config.trust.sha256 : ''}`);
      return 0;
    }
    const r = await callChannel(ctx, 'connectors.remove', { id: target.id }, 'connectors');
    if (json) await out.json(r);
    else await out.line(`removed ${target.name} (${target.kind}) with its secret, health history and agent inventory`);
    return 0;
  } finally {
    await ctx.close();
  }
}

/** A kind's form by name, from the contract's schemas (no database needed). */
function kindNamed(kind: string): ConnectorKindSpec {
  const specs = connectorKindSpecs();
  const spec = specs.find((k) => k.kind === kind);
  if (!spec) throw new UsageError(`unknown kind "${kind}" (expected ${specs.map((k) => k.kind).join(', ')})`, 'connectors');
  return spec;
}

async function add(ctx: ConnectorsContext, args: Parsed, spec: ConnectorKindSpec, secret: string | undefined, out: Output): Promise<number> {
  const name = args.str('name')!;
  const fingerprint = args.str('trust-fingerprint');
  const ca = args.str('ca');
  if (fingerprint && ca) throw new UsageError('--trust-fingerprint and --ca exclude each other', 'connectors');
  if (ca && !fs.existsSync(ca)) throw new UsageError(`--ca: ${ca} does not exist`, 'connectors');
  const config: Record<string, unknown> = {
    kind: spec.kind,
    id: args.str('id') ?? idFromName(name),
    name,
    url: args.str('url'),
    enabled: !args.flag('disabled'),
    trust: fingerprint ? { mode: 'pin', sha256: fingerprint } : ca ? { mode: 'ca', caFile: ca } : { mode: 'system' },
  };
  if (args.str('user') !== undefined) config['username'] = args.str('user');
  for (const item of (args.values['set'] as unknown as string[] | undefined) ?? []) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set takes FIELD=VALUE, got "${item}"`, 'connectors');
    const field = item.slice(0, eq);
    const value = fieldValue(spec, field, item.slice(eq + 1));
    const [outer, inner] = field.split('.');
    if (inner) config[outer!] = { ...(config[outer!] as Record<string, unknown> | undefined), [inner]: value };
    else config[field] = value;
  }
  if (!args.flag('no-test')) {
    const r = await callChannel(ctx, 'connectors.test', { config, ...(secret !== undefined ? { secret } : {}) }, 'connectors');
    if (!r.ok) {
      for (const line of describeTest(r)) process.stderr.write(`vigil: ${line}\n`);
      process.stderr.write('vigil: nothing was saved (fix it, or add --no-test to save it anyway)\n');
      return 1;
    }
    if (!args.flag('json')) await out.lines(describeTest(r));
  }
  const view = await callChannel(ctx, 'connectors.save', { config, create: true, ...(secret !== undefined ? { secret } : {}) }, 'connectors');
  if (args.flag('json')) await out.json(view);
  else await out.line(`saved ${view.config.name} (${view.config.kind}, id ${view.config.id})${view.has_secret ? '; its secret is in the vault' : ''}`);
  return 0;
}

