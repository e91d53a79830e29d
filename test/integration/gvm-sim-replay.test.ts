import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';
import { makeTestPki, type TestPki } from '../simulators/gvm/certs.js';
import { loadRecording, type Recording } from '../simulators/gvm/recorded.js';
import { GvmSimulator } from '../simulators/gvm/server.js';
import { CommandReader, kid, type SimNode } from '../simulators/gvm/xml.js';

/**
 * Keeps the simulator honest: every request recorded against a real gvmd (over its unix socket,
 * then over TLS, on one database) is replayed in order against one simulator, ids mapped from
 * the recording to the simulator's, and each reply must have the recorded structure: the same
 * root, status and status_text, the same elements and attribute names at the same places
 * (siblings of one name compared as a set: gvmd does not order ties), and the same task status,
 * progress and report run status. Socket closes must happen where gvmd closed.
 */

/** A raw GMP connection that reads replies with the simulator's own parser. */
class RawConn {
  readonly replies: SimNode[] = [];
  closed = false;
  private waiters: (() => void)[] = [];
  private constructor(readonly socket: net.Socket) {
    socket.setEncoding('utf8');
    const reader = new CommandReader(
      (n) => {
        this.replies.push(n);
        this.wake();
      },
      (err) => {
        throw err;
      },
    );
    socket.on('data', (c: string) => reader.write(c));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }
  static open(kind: 'unix' | 'tls', sim: GvmSimulator, pki: TestPki): Promise<RawConn> {
    return new Promise((resolve, reject) => {
      const s =
        kind === 'unix'
          ? net.connect({ path: sim.unixPath! }, () => resolve(new RawConn(s)))
          : tls.connect({ host: '127.0.0.1', port: sim.tlsPort!, ca: pki.ca.cert, servername: 'localhost' }, () => resolve(new RawConn(s)));
      s.once('error', reject);
    });
  }
  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }
  async next(): Promise<SimNode | null> {
    while (this.replies.length === 0 && !this.closed) await new Promise<void>((r) => this.waiters.push(r));
    return this.replies.shift() ?? null;
  }
  async closedByServer(): Promise<boolean> {
    while (!this.closed) await new Promise<void>((r) => this.waiters.push(r));
    return this.replies.length === 0;
  }
}

/** Structure of an element: names and attribute names, recursively; same-name sibling runs as sets. */
function shape(n: SimNode): string {
  const kids = n.children.map(shape);
  const runs: string[] = [];
  let i = 0;
  while (i < n.children.length) {
    let j = i;
    while (j < n.children.length && n.children[j]!.name === n.children[i]!.name) j++;
    runs.push([...new Set(kids.slice(i, j))].sort().join('|'));
    i = j;
  }
  return `${n.name}[${Object.keys(n.attrs).sort().join(',')}](${runs.join(';')})`;
}

/** Texts that carry behaviour, not data: task status/progress, report run status, result count. */
function behaviour(n: SimNode): Record<string, string | number> {
  const task = kid(n, 'task');
  const inner = kid(kid(n, 'report'), 'report');
  return {
    status: kid(task, 'status')?.text ?? '',
    progress: kid(task, 'progress')?.text ?? '',
    scanRunStatus: kid(inner, 'scan_run_status')?.text ?? '',
    results: (kid(inner, 'results') ?? n).children.filter((c) => c.name === 'result').length,
  };
}

const parse = (xml: string): SimNode => {
  let out: SimNode | null = null;
  new CommandReader(
    (n) => (out = n),
    (e) => {
      throw e;
    },
  ).write(xml);
  return out!;
};

let sim: GvmSimulator;
let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
  sim = await GvmSimulator.start({ feed: false, tls: pki.server, unixPath: path.join(tempDir('vigil-gvm-replay-'), 'gvmd.sock') });
});
afterAll(async () => {
  await sim?.close();
});

async function replay(rec: Recording) {
  // the recorded gvmd took this many polls to finish processing an imported report
  sim.state.importPolls = rec.exchanges.filter((e) => e.name.startsWith('get_tasks-container-poll') && e.response?.includes('<status>Running</status>')).length;
  const ids = new Map<string, string>();
  const mapIds = (s: string) => s.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, (id) => ids.get(id) ?? id);
  let conn = await RawConn.open(rec.target, sim, pki);
  let compared = 0;
  for (const e of rec.exchanges) {
    if (e.name === 'tls-handshake') {
      expect((conn.socket as tls.TLSSocket).getProtocol()).toMatch(/^TLSv1\.[23]$/);
      continue;
    }
    if (e.name === 'reconnect') {
      expect(await conn.closedByServer(), `gvmd closed the socket before ${e.name}: ${e.note}`).toBe(true);
      conn = await RawConn.open(rec.target, sim, pki);
      continue;
    }
    conn.socket.write(mapIds(e.request!));
    const got = await conn.next();
    if (e.end === 'socket-closed') {
      expect(got, `${e.name}: gvmd closes the socket without a reply`).toBeNull();
      expect(conn.closed).toBe(true);
      continue;
    }
    expect(got, `${e.name}: a reply`).not.toBeNull();
    const want = parse(e.response!);
    expect({ name: got!.name, status: got!.attrs.status, text: got!.attrs.status_text }, e.name).toEqual({
      name: want.name,
      status: want.attrs.status,
      text: mapIds(want.attrs.status_text ?? ''),
    });
    expect(shape(got!), `${e.name}: structure`).toBe(shape(want));
    expect(behaviour(got!), `${e.name}: behaviour`).toEqual(behaviour(want));
    // learn the ids the simulator gave to what the recording created
    if (want.attrs.id && got!.attrs.id) ids.set(want.attrs.id, got!.attrs.id);
    const wantReport = kid(want, 'report_id')?.text;
    const gotReport = kid(got!, 'report_id')?.text;
    if (wantReport && gotReport) ids.set(wantReport, gotReport);
    compared++;
  }
  conn.socket.destroy();
  return compared;
}

describe('the GVM simulator against the recorded gvmd exchanges', () => {
  it('replays the unix-socket recording', async () => {
    const rec = loadRecording('unix');
    expect(await replay(rec)).toBe(rec.exchanges.filter((e) => e.request !== undefined && e.end === 'complete').length);
  });

  it('replays the TLS recording on the same state', async () => {
    const rec = loadRecording('tls');
    expect(await replay(rec)).toBe(rec.exchanges.filter((e) => e.request !== undefined && e.end === 'complete').length);
  });
});
