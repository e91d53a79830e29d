import dgram from 'node:dgram';
import net from 'node:net';
import os from 'node:os';
import tls from 'node:tls';

/**
 * Syslog out, RFC 5424 messages over UDP (RFC 5426), TCP (octet counting, RFC 6587) or TLS
 * (RFC 5425). Written here rather than taken from npm: the framing is a few lines, and the
 * packages found either speak only RFC 3164, or lack octet counting and TLS.
 */
export interface SyslogMessage {
  facility: number;
  severity: number;
  appName: string;
  msgId?: string;
  /** Structured data as [id, {param: value}] pairs; values are escaped. */
  structured?: [string, Record<string, string>][];
  message: string;
  timestamp?: Date;
  hostname?: string;
}

export interface SyslogTarget {
  host: string;
  port: number;
  transport: 'udp' | 'tcp' | 'tls';
  /** PEM CA certificates to trust for TLS (default: the system's). */
  ca?: string | undefined;
  timeoutMs: number;
}

const nil = (s: string | undefined, max: number): string => {
  const clean = (s ?? '').replace(/[^\x21-\x7e]/g, '').slice(0, max);
  return clean.length ? clean : '-';
};

const sdEscape = (v: string): string => v.replace(/[\\"\]]/g, (c) => `\\${c}`);

/** One RFC 5424 message (no framing). */
export function formatSyslog(m: SyslogMessage): string {
  const pri = m.facility * 8 + m.severity;
  const ts = (m.timestamp ?? new Date()).toISOString();
  const sd = m.structured?.length
    ? m.structured.map(([id, params]) => `[${nil(id, 32)}${Object.entries(params).map(([k, v]) => ` ${nil(k, 32)}="${sdEscape(v)}"`).join('')}]`).join('')
    : '-';
  return `<${pri}>1 ${ts} ${nil(m.hostname ?? os.hostname(), 255)} ${nil(m.appName, 48)} ${process.pid} ${nil(m.msgId, 32)} ${sd} ${m.message}`;
}

/** Octet-counting frame (RFC 6587 3.4.1 / RFC 5425): the byte length, a space, the message. */
export function frameOctetCounting(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `, 'ascii'), body]);
}

/** Sends one message; resolves once it is handed to the network (UDP) or written and flushed (TCP/TLS). */
export async function sendSyslog(target: SyslogTarget, message: string): Promise<{ bytes: number }> {
  if (target.transport === 'udp') {
    const body = Buffer.from(message, 'utf8');
    const sock = dgram.createSocket(net.isIPv6(target.host) ? 'udp6' : 'udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`syslog ${target.host}:${target.port}: no send within ${target.timeoutMs} ms`)), target.timeoutMs);
        sock.once('error', (err) => (clearTimeout(timer), reject(err)));
        sock.send(body, target.port, target.host, (err) => (clearTimeout(timer), err ? reject(err) : resolve()));
      });
    } finally {
      sock.close();
    }
    return { bytes: body.length };
  }
  const frame = frameOctetCounting(message);
  await new Promise<void>((resolve, reject) => {
    const sock =
      target.transport === 'tls'
        ? tls.connect({ host: target.host, port: target.port, servername: net.isIP(target.host) ? undefined : target.host, ...(target.ca ? { ca: target.ca } : {}) })
        : net.connect({ host: target.host, port: target.port });
    const fail = (err: Error) => {
      sock.destroy();
      reject(new Error(`syslog ${target.transport} ${target.host}:${target.port}: ${err.message}`));
    };
    sock.setTimeout(target.timeoutMs, () => fail(new Error(`no answer within ${target.timeoutMs} ms`)));
    sock.once('error', fail);
    sock.once(target.transport === 'tls' ? 'secureConnect' : 'connect', () => {
      sock.end(frame, () => {
        sock.setTimeout(0);
        resolve();
      });
    });
  });
  return { bytes: frame.length };
}
