import path from 'node:path';
import { parse, intOption } from '../args.js';
import { appRoot, dataDirFrom, headlessServices, untilInterrupted } from '../context.js';
import { startHeadlessServer } from '../../server/server.js';
import { generateToken } from '../../server/auth.js';
import { startRuntime } from '../../core/runtime.js';
import { UsageError, UserError } from '../errors.js';
import { Output } from '../output.js';

export const serveHelp = `Usage: vigil serve [--port N] [--host ADDR] [--token T] [--data-dir D]

Serves the Vigil console in a browser (headless mode): the same screens and the same contract as
the desktop app, over HTTP and one WebSocket, bound to 127.0.0.1 by default.

Options:
  --port N       port to listen on (default 4780; 0 picks a free port)
  --host ADDR    address to bind (default 127.0.0.1). Anything but loopback exposes the console
                 to the network: only the token protects it.
  --token T      access token (default: VIGIL_TOKEN, else a random token per launch)
  --data-dir D   data directory (default: VIGIL_DATA_DIR, else the desktop app's)
  -h, --help     show this help

When ready it prints one line: Vigil is serving at http://HOST:PORT/?token=TOKEN`;

export async function serveCommand(argv: string[], out = Output.stdout()): Promise<number> {
  const args = parse('serve', argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'data-dir': { type: 'string' },
  });
  if (args.flag('help')) {
    await out.line(serveHelp);
    return 0;
  }
  const port = intOption('serve', 'port', args.str('port'), 0, 65535) ?? 4780;
  const host = args.str('host') ?? '127.0.0.1';
  const token = args.str('token') ?? process.env['VIGIL_TOKEN'] ?? generateToken();
  if (token.length < 8) throw new UsageError('--token must be at least 8 characters', 'serve');
  const services = await headlessServices(dataDirFrom(args.str('data-dir')));
  // this process follows the configured sources, runs the simulator and (when enabled) the LAN feed
  const runtime = await startRuntime(services, `serve:${process.pid}`);
  const handlers = runtime.handlers;
  let server;
  try {
    server = await startHeadlessServer({
      host,
      port,
      token,
      staticDir: path.join(appRoot(), 'dist', 'renderer'),
      handlers,
      bus: services.bus,
      logger: services.logger,
      actor: () => services.settings.get().analystName,
    });
  } catch (err) {
    await runtime.stop();
    await services.close();
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UserError(`port ${port} on ${host} is already in use; pick another with --port`);
    if (code === 'EADDRNOTAVAIL') throw new UserError(`${host} is not an address of this machine`);
    throw err instanceof Error ? new UserError(err.message) : err;
  }
  try {
    await out.line(`Vigil is serving at ${server.url}`);
    await untilInterrupted();
  } finally {
    // also when stdout is already closed: the server must not keep the process alive
    await runtime.stop();
    await server.close();
    await services.close();
  }
  return 0;
}
