import type net from 'node:net';
import { GmpConnectionLostError, GmpError, GmpTimeoutError, GmpTlsError } from './errors.js';
import { GmpReader, ResponseCollector, type CollectorOptions } from './reader.js';
import type { XNode } from './xml.js';

/**
 * One socket to gvmd with its reply reader. It sends a command, waits for the matching reply
 * element, and times out when no byte arrives for `timeoutMs` (python-gvm's read timeout). The
 * wait is suspended while the consumer of a streamed report holds the socket paused.
 * Any failure (timeout, malformed reply, socket error) closes the connection: a reply that
 * cannot be read to its end leaves no way to find where the next one starts.
 */

interface InFlight {
  command: string;
  timeoutMs: number;
  timer: NodeJS.Timeout | null;
  resolve: (root: XNode) => void;
  reject: (err: Error) => void;
}

const TLS_ALERT = /certificate required|alert (?:bad|unknown|handshake)|SSL alert|TLSV1_ALERT|ERR_SSL_/i;

export class GmpConnection {
  /** Set once `<authenticate>` succeeded on this socket (the session belongs to the connection). */
  authenticated = false;
  private readonly reader: GmpReader;
  private readonly inFlight: InFlight[] = [];
  private closedReason: string | null = null;
  private paused = false;

  constructor(private readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    socket.setNoDelay?.(true);
    this.reader = new GmpReader((err) => this.destroy(err));
    socket.on('data', (chunk: string) => {
      this.touch();
      this.reader.write(chunk);
    });
    socket.on('error', (err) => {
      const e = TLS_ALERT.test(`${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`)
        ? new GmpTlsError(`TLS failure: ${err.message} (does gvmd require a client certificate?)`, { cause: err })
        : err;
      this.destroy(e);
    });
    socket.on('close', () => this.destroy(null));
  }

  get alive(): boolean {
    return this.closedReason === null && !this.socket.destroyed;
  }

  /**
   * Sends one command and resolves with its reply's root element (whatever its status). With a
   * collector that emits elements, the root holds only what the collector kept.
   */
  request(command: string, xml: string, timeoutMs: number, collector: CollectorOptions): Promise<XNode> {
    if (!this.alive) return Promise.reject(new GmpConnectionLostError(command, this.closedReason ?? 'socket closed', { maybeApplied: false }));
    return new Promise<XNode>((resolve, reject) => {
      const entry: InFlight = { command, timeoutMs, timer: null, resolve, reject };
      this.inFlight.push(entry);
      this.reader.expect({
        collector: new ResponseCollector(collector),
        done: (root) => {
          const i = this.inFlight.indexOf(entry);
          if (i >= 0) this.inFlight.splice(i, 1);
          if (entry.timer) clearTimeout(entry.timer);
          this.arm();
          resolve(root);
        },
      });
      this.arm();
      this.socket.write(xml);
    });
  }

  /** Stops reading from the socket (TCP then slows the server down); the reply timeout waits too. */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    this.socket.pause();
    const head = this.inFlight[0];
    if (head?.timer) {
      clearTimeout(head.timer);
      head.timer = null;
    }
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.arm();
    this.socket.resume();
  }

  close(): void {
    this.destroy(null);
  }

  /** (Re)starts the timer of the reply being waited for. */
  private arm(): void {
    const head = this.inFlight[0];
    if (!head || this.paused) return;
    if (head.timer) clearTimeout(head.timer);
    head.timer = setTimeout(() => this.destroy(new GmpTimeoutError(head.command, head.timeoutMs)), head.timeoutMs);
  }

  private touch(): void {
    const head = this.inFlight[0];
    if (head?.timer) head.timer.refresh();
  }

  private destroy(err: Error | null): void {
    if (this.closedReason === null) this.closedReason = err ? err.message : 'socket closed by the server';
    this.socket.destroy();
    for (const entry of this.inFlight.splice(0)) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.reject(
        err instanceof GmpError && !(err instanceof GmpConnectionLostError)
          ? err
          : new GmpConnectionLostError(entry.command, this.closedReason, { maybeApplied: true, cause: err ?? undefined }),
      );
    }
  }
}
