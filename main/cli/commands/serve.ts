import fs from 'node:fs';
import path from 'node:path';
import { parse, intOption, type Parsed } from '../args.js';
import { appRoot, dataDirFrom, openApp, untilInterrupted } from '../context.js';
import { startHeadlessServer } from '../../server/server.js';
import { isLoopbackAddress, isWildcardAddress } from '../../server/host-check.js';
import { generateToken, tokenProblem } from '../../server/auth.js';
import type { TokenSource } from '../../contract/index.js';
import { SourceDirs } from '../../core/source-policy.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';

export const serveHelp = `Usage: vigil serve [--port N] [--host ADDR] [--allowed-host NAME]... [--source-dir DIR]...
                  [--token-stdin] [--data-dir D]

Serves the Vigil console in a browser (headless mode): the same screens and the same contract as
the desktop app, over HTTP and one WebSocket, bound to 127.0.0.1 by default.

Options:
  --port N              port to listen on (default 4780; 0 picks a free port)
  --host ADDR           address to bind (default 127.0.0.1). Anything but loopback exposes the
                        console to the network: only the token protects it.
  --allowed-host NAME   a name teammates use to reach this host (repeatable). Requests must name
                        the server by one of its addresses or these names (DNS-rebinding guard).
  --source-dir DIR      a folder whose files the browser may add as sources (repeatable; adds to
                        the sourceDirs setting). With none, the browser cannot add sources.
  --token-stdin         read the access token from the first line of standard input
  --token T             access token (at least 32 characters). Visible to every user of this
                        machine in the process list: prefer VIGIL_TOKEN or --token-stdin.
  --data-dir D          data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help            show this help

The token: --token-stdin, else --token, else VIGIL_TOKEN (when not empty), else a random token
for this launch.
A wrong token is answered 401; an address that keeps guessing is answered 429 (Retry-After).

When ready it prints one line: Vigil is serving at http://HOST:PORT/?token=TOKEN
(with a token you gave, the line ends at the port: open it with ?token=<your token>).`;

/** Longest line --token-stdin reads. */
const MAX_STDIN_TOKEN = 4096;

/** The first line of standard input (the token piped in by a service manager or a script). */
export function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = (err?: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.pause();
      if (err) reject(err);
      else resolve(text.split(/\r?\n/)[0]!.trim());
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n')) done();
      else if (text.length > MAX_STDIN_TOKEN) done(new UsageError(`--token-stdin: the first line is longer than ${MAX_STDIN_TOKEN} characters`, 'serve'));
    };
    const onEnd = () => done();
    const onError = (err: Error) => done(err);
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}

/** Which token to use and how it was given (the access-denied page names the way). */
async function chooseToken(args: Parsed, env: NodeJS.ProcessEnv): Promise<{ token: string; source: TokenSource }> {
  const flag = args.str('token');
  if (flag !== undefined && args.flag('token-stdin')) throw new UsageError('give the token with --token or --token-stdin, not both', 'serve');
  let chosen: { token: string; source: TokenSource };
  if (args.flag('token-stdin')) chosen = { token: await readFirstLine(process.stdin), source: 'stdin' };
  else if (flag !== undefined) {
    process.stderr.write(
      'vigil: warning: --token is visible to every user of this machine in the process list; pass it in VIGIL_TOKEN or on standard input with --token-stdin\n',
    );
    chosen = { token: flag, source: 'flag' };
  } else if (env['VIGIL_TOKEN']) chosen = { token: env['VIGIL_TOKEN'], source: 'env' };
  else return { token: generateToken(), source: 'launch' };
  const problem = tokenProblem(chosen.token);
  const given = chosen.source === 'stdin' ? '--token-stdin' : chosen.source === 'flag' ? '--token' : 'VIGIL_TOKEN';
  if (problem) throw new UsageError(`${given}: ${problem}`, 'serve');
  return chosen;
}

function listOption(args: Parsed, name: string): string[] {
  const v = (args.values as Record<string, unknown>)[name];
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

export async function serveCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('serve', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'allowed-host': { type: 'string', multiple: true },
    'source-dir': { type: 'string', multiple: true },
    token: { type: 'string' },
    'token-stdin': { type: 'boolean' },
    'data-dir': { type: 'string' },
  });
  if (args.flag('help')) {
    await out.line(serveHelp);
    return 0;
  }
  const port = intOption('serve', 'port', args.str('port'), 0, 65535) ?? 4780;
  const host = args.str('host') ?? '127.0.0.1';
  const { token, source } = await chooseToken(args, process.env);
  const sourceDirs = listOption(args, 'source-dir').map((d) => path.resolve(d));
  for (const d of sourceDirs) {
    if (!fs.statSync(d, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--source-dir ${d} is not a folder`, 'serve');
  }
  // this process follows the configured sources, runs the simulator and (when enabled) the LAN feed
  const app = await openApp(dataDirFrom(args.str('data-dir')), 'serve', { run: true });
  const services = app.services;
  const handlers = app.handlers;
  let server;
  try {
    server = await startHeadlessServer({
      host,
      port,
      token,
      tokenSource: source,
      allowedHosts: listOption(args, 'allowed-host'),
      sourcePaths: new SourceDirs(() => [...sourceDirs, ...services.settings.get().sourceDirs]),
      staticDir: path.join(appRoot(), 'dist', 'renderer'),
      handlers,
      bus: services.bus,
      logger: services.logger,
      actor: () => services.settings.get().analystName,
    });
  } catch (err) {
    await app.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is already in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`${host} is not an address of this machine`);
    throw err instanceof Error ? new UserError(err.message) : err;
  }
  if (host !== 'localhost' && !isLoopbackAddress(host)) {
    const names = listOption(args, 'allowed-host');
    process.stderr.write(
      `vigil: note: bound to ${host}: whoever reaches port ${server.port} and has the token can use the console. ` +
        `Requests must name this host by ${isWildcardAddress(host) ? "one of this machine's addresses" : host}` +
        `${names.length ? ` or ${names.join(', ')}` : ' (add names with --allowed-host)'}.\n`,
    );
  }
  try {
    // a token the user gave is theirs to keep: it is not echoed to the terminal or a service log
    await out.line(`Vigil is serving at ${source === 'launch' ? server.url : server.url.replace(/\?token=.*$/, '')}`);
    await untilInterrupted();
  } finally {
    // also when stdout is already closed: the server must not keep the process alive
    await server.close();
    await app.close();
  }
  return 0;
}
