import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { RECORDING, startSpiderFootSimulator, type RecordedExchange, type SpiderFootSimulator } from '../simulators/spiderfoot/index.js';

/**
 * The simulator against every exchange recorded from a real SpiderFoot 4.0.0 (server zone UTC):
 * each recorded request goes to the simulator, in order, on a clock set to the recorded `Date`,
 * and the answer must match the recorded one: status, content type and body. Bodies are
 * compared value by value, with three allowances for what cannot repeat: scan ids the server
 * makes up (mapped from the recorded ones as they appear), event hashes (any 64 hex digits) and
 * wall times (the same format, within 2 s of the recorded ones; the epoch exactly).
 */

const DATE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const EPOCH = '1970-01-01 00:00:00';

let sim: SpiderFootSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

class Replay {
  /** recorded scan id → the simulator's */
  readonly ids = new Map<string, string>();
  readonly problems: string[] = [];

  subst(s: string): string {
    let out = s;
    for (const [rec, mine] of this.ids) out = out.split(rec).join(mine);
    return out;
  }

  same(rec: unknown, got: unknown, where: string): void {
    const fail = (why: string): void => {
      this.problems.push(`${where}: ${why} (recorded ${JSON.stringify(rec)}, simulator ${JSON.stringify(got)})`);
    };
    if (typeof rec === 'string') {
      if (typeof got !== 'string') return fail('not a string');
      if (/^[0-9a-f]{64}$/.test(rec)) return void (/^[0-9a-f]{64}$/.test(got) || fail('not an event hash'));
      if (DATE.test(rec) && rec !== EPOCH) {
        if (!DATE.test(got)) return fail('not a SpiderFoot date');
        if (Math.abs(Date.parse(`${rec.replace(' ', 'T')}Z`) - Date.parse(`${got.replace(' ', 'T')}Z`)) > 2_000) fail('more than 2 s off');
        return;
      }
      if (this.subst(rec) !== got) fail('differs');
      return;
    }
    if (Array.isArray(rec)) {
      if (!Array.isArray(got) || got.length !== rec.length) return fail('not a list of the same length');
      rec.forEach((r, i) => this.same(r, got[i], `${where}[${i}]`));
      return;
    }
    if (rec && typeof rec === 'object') {
      if (!got || typeof got !== 'object' || Array.isArray(got)) return fail('not an object');
      const keys = Object.keys(rec).sort();
      if (keys.join() !== Object.keys(got).sort().join()) return fail('other keys');
      for (const k of keys) this.same((rec as Record<string, unknown>)[k], (got as Record<string, unknown>)[k], `${where}.${k}`);
      return;
    }
    if (rec !== got) fail('differs');
  }
}

async function send(base: string, e: RecordedExchange, replay: Replay) {
  const headers: Record<string, string> = { ...e.request.headers };
  const body = e.request.form ? new URLSearchParams(e.request.form).toString() : undefined;
  const res = await request(`${base}${replay.subst(e.request.path)}`, { method: e.request.method as 'GET' | 'POST', headers, ...(body !== undefined ? { body } : {}) });
  return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
}

describe('the SpiderFoot simulator replays the recorded real server', () => {
  it(`answers all ${RECORDING.exchanges.length} recorded requests as SpiderFoot 4.0.0 did`, async () => {
    let now = 0;
    sim = await startSpiderFootSimulator({ now: () => now, timeZone: 'UTC' });
    const replay = new Replay();
    const recordedHost = '127.0.0.1:5001';
    const host = new URL(sim.url).host;
    for (const e of RECORDING.exchanges) {
      now = Date.parse(e.response.headers.date!);
      const got = await send(sim.url, e, replay);
      const where = e.name;
      if (got.status !== e.response.status) replay.problems.push(`${where}: HTTP ${got.status}, recorded ${e.response.status}`);
      if (got.headers['content-type'] !== e.response.headers['content-type']) replay.problems.push(`${where}: content type ${String(got.headers['content-type'])}, recorded ${e.response.headers['content-type']}`);

      if (e.response.status === 303) {
        const recId = /id=([^&]+)/.exec(e.response.headers.location!)![1]!;
        const myId = /id=([^&]+)/.exec(String(got.headers.location))?.[1];
        if (!myId) replay.problems.push(`${where}: no scan id in Location ${String(got.headers.location)}`);
        else replay.ids.set(recId, myId);
        const expected = replay.subst(e.response.body).split(recordedHost).join(host);
        if (got.text !== expected) replay.problems.push(`${where}: body ${got.text}, expected ${expected}`);
        if (String(got.headers.location) !== replay.subst(e.response.headers.location!).split(recordedHost).join(host)) replay.problems.push(`${where}: Location ${String(got.headers.location)}`);
        continue;
      }
      if (!/json/.test(e.response.headers['content-type'] ?? '')) {
        if (got.text !== e.response.body) replay.problems.push(`${where}: the body differs from the recorded ${e.response.body.length} bytes`);
        continue;
      }
      const rec = JSON.parse(e.response.body) as unknown;
      const mine = JSON.parse(got.text) as unknown;
      if (e.request.path === '/startscan' && Array.isArray(rec) && rec[0] === 'SUCCESS' && Array.isArray(mine)) replay.ids.set(String(rec[1]), String(mine[1]));
      replay.same(rec, mine, where);
      // Python's JSON layout (", " and ": "), byte for byte where nothing in the body can differ
      if (!/[0-9A-F]{8}|\d{4}-\d{2}-\d{2}|[0-9a-f]{64}/.test(e.response.body) && got.text !== e.response.body) replay.problems.push(`${where}: layout ${got.text} vs ${e.response.body}`);
    }
    expect(replay.problems).toEqual([]);
    expect(replay.ids.size).toBe(3); // the three scans the recording started
  });

  it('the comparison is not vacuous: a changed status, message or shape is caught', () => {
    const r = new Replay();
    r.ids.set('122D9153', 'ABCDEF01');
    r.same(['vigil-rec', '1970-01-01 00:00:00', 'RUNNING'], ['vigil-rec', '1970-01-01 00:00:00', 'FINISHED'], 'status');
    r.same({ error: { http_status: '400', message: 'Scan 122D9153 has already finished.' } }, { error: { http_status: '400', message: 'Scan ABCDEF01 has finished.' } }, 'stop');
    r.same(['2026-12-04 20:07:31'], ['2026-12-04 20:07:41'], 'time');
    r.same([1, 2], [1], 'shape');
    expect(r.problems).toHaveLength(4);
  });
});
