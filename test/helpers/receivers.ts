import dgram from 'node:dgram';
import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { selfsignedGenerator } from '../../main/feed/tls.js';

/** A self-signed certificate for 127.0.0.1 / localhost, made with the lib the feed uses. */
export async function localCert(): Promise<{ cert: string; key: string }> {
  const now = Date.now();
  return selfsignedGenerator({ commonName: 'localhost', dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'], notBefore: new Date(now - 60_000), notAfter: new Date(now + 3_600_000) });
}

export interface HttpHit {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * An HTTP receiver on 127.0.0.1 that records what it gets. `plan` answers the n-th request
 * (0-based): a status, or 'hang' (never answers).
 */
export async function httpReceiver(plan: (n: number) => number | 'hang' = () => 200) {
  const hits: HttpHit[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const n = hits.length;
      hits.push({ headers: req.headers, body });
      const p = plan(n);
      if (p === 'hang') return;
      res.writeHead(p, { 'content-type': 'application/json' }).end(JSON.stringify({ received: n }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    hits,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

/** A port nothing listens on (bound, then closed). */
export async function refusedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A syslog receiver: UDP datagrams, or octet-counted frames over TCP/TLS. */
export async function syslogReceiver(transport: 'udp' | 'tcp' | 'tls', creds?: { cert: string; key: string }) {
  const messages: string[] = [];
  if (transport === 'udp') {
    const sock = dgram.createSocket('udp4');
    sock.on('message', (m) => messages.push(m.toString('utf8')));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    return { port: sock.address().port, messages, close: () => new Promise<void>((r) => sock.close(() => r())) };
  }
  const onSocket = (s: net.Socket) => {
    let buf = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const sp = buf.indexOf(0x20);
        if (sp < 0) return;
        const len = Number(buf.subarray(0, sp).toString('ascii'));
        if (buf.length < sp + 1 + len) return;
        messages.push(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
        buf = buf.subarray(sp + 1 + len);
      }
    });
    s.on('error', () => undefined);
  };
  const server = transport === 'tls' ? tls.createServer({ cert: creds!.cert, key: creds!.key }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as AddressInfo).port, messages, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export interface Mail {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  user: string | null;
}

/** An SMTP server offering STARTTLS (or, with noStartTls, refusing it) (and AUTH PLAIN/LOGIN when `password` is set). */
export async function smtpReceiver(creds: { cert: string; key: string }, opts: { password?: string; noStartTls?: boolean } = {}) {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    key: creds.key,
    cert: creds.cert,
    ...(opts.noStartTls ? { disabledCommands: ['STARTTLS'] } : {}),
    authOptional: opts.password === undefined,
    allowInsecureAuth: false,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error('bad credentials'));
    },
    onData(stream, session, cb) {
      let data = '';
      stream.on('data', (c: Buffer) => (data += c.toString('utf8')));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          secure: session.secure,
          user: typeof session.user === 'string' ? session.user : null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, mails, close: () => new Promise<void>((r) => server.close(() => r())) };
}
