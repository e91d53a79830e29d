import { afterEach, describe, expect, it } from 'vitest';
import { GmpConnection } from '../../main/connectors/gvm/connection.js';
import {
  GmpAuthError,
  GmpConnectionLostError,
  GmpProtocolError,
  GmpStatusError,
  GmpTaskStalledError,
} from '../../main/connectors/gvm/errors.js';
import type { GmpResult } from '../../main/connectors/gvm/index.js';
import { openStream } from '../../main/connectors/gvm/transport.js';
import { startGvm, type GvmHarness } from '../simulators/gvm/harness.js';

/** Every fault the simulator injects, over TLS and the unix socket. */

let h: GvmHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

async function newTask(hh: GvmHarness): Promise<string> {
  const targetId = await hh.client.createTarget({ name: `t${Math.random()}`, hosts: '10.0.0.1', portListId: (await hh.client.listPortLists())[0]!.id });
  return hh.client.createTask({ name: 'scan', configId: (await hh.client.listScanConfigs())[0]!.id, targetId, scannerId: (await hh.client.listScanners())[1]!.id });
}

async function finishedReport(hh: GvmHarness): Promise<string> {
  const taskId = await newTask(hh);
  const reportId = await hh.client.startTask(taskId);
  await hh.client.waitForTask(taskId, { intervalMs: 1 });
  return reportId;
}

async function drain(gen: AsyncGenerator<GmpResult, unknown>): Promise<number> {
  let n = 0;
  for await (const _ of gen) n++;
  return n;
}

describe.each(['tls', 'unix'] as const)('GMP faults over %s', (transport) => {
  it('503: a typed error, and the connection goes on', async () => {
    h = await startGvm(transport);
    const taskId = await newTask(h);
    h.sim.faults.unavailable = { count: 1, command: 'get_tasks' };
    const err = await h.client.getTask(taskId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpStatusError);
    expect(err).toMatchObject({ status: 503, statusText: 'Service temporarily down', kind: 'unavailable', command: 'get_tasks' });
    expect((await h.client.getTask(taskId)).status).toBe('New');
    expect(h.sim.stats.connections).toBe(1);
  });

  it('an import refused with a complete error reply (404, 503) keeps the connection', async () => {
    h = await startGvm(transport);
    await expect(drain(h.client.results('11111111-2222-3333-4444-555555555555'))).rejects.toMatchObject({ status: 404, kind: 'not-found' });
    const reportId = await finishedReport(h);
    h.sim.faults.unavailable = { count: 1, command: 'get_reports' };
    await expect(drain(h.client.results(reportId))).rejects.toMatchObject({ status: 503 });
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(12);
    expect(h.sim.stats.connections).toBe(1);
  });

  it('wrong password: 400, the socket stays open, the next login on it succeeds', async () => {
    h = await startGvm(transport);
    h.creds.password = 'wrong';
    const err = await h.client.listScanners().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpAuthError);
    expect(err).toMatchObject({ code: 'auth-failed', status: 400, statusText: 'Authentication failed' });
    expect((err as Error).message).not.toContain('wrong');
    h.creds.password = 'Vigil-test-pw1';
    expect(await h.client.listScanners()).toHaveLength(2);
    expect(h.sim.stats.connections).toBe(1);
  });

  it('session lost (400 before AUTHENTICATE, socket closed): reconnects, logs in again and resends once', async () => {
    h = await startGvm(transport);
    const taskId = await newTask(h);
    h.sim.expireSessions();
    expect((await h.client.getTask(taskId)).id).toBe(taskId);
    expect(h.sim.stats.connections).toBe(2);
    expect(h.sim.stats.authentications).toBe(2);
    // also for a command that changes something: it was refused, so it is safe to send again
    h.sim.expireSessions();
    await h.client.stopTask(taskId);
    expect(h.sim.commandNames().filter((n) => n === 'stop_task')).toHaveLength(2);
  });

  it('logs connects, logins and retries with command names only, never a password', async () => {
    h = await startGvm(transport);
    const lines: string[] = [];
    const log = (level: string) => (msg: string, fields?: Record<string, unknown>) => lines.push(`${level} ${msg} ${JSON.stringify(fields ?? {})}`);
    const c = h.newClient({}, { info: log('info'), warn: log('warn') });
    await c.listScanners();
    h.sim.expireSessions();
    await c.listScanners();
    h.sim.faults.dropOn = { command: 'get_scanners', count: 1 };
    await c.listScanners();
    expect(lines.some((l) => l.includes('authenticated'))).toBe(true);
    expect(lines.some((l) => l.startsWith('warn') && l.includes('get_scanners'))).toBe(true);
    expect(lines.join('\n')).not.toContain(h.creds.password);
    expect(lines.join('\n')).not.toContain('<');
  });

  it('a socket the server closed while idle is reopened and authenticated on the next call', async () => {
    h = await startGvm(transport);
    await h.client.listScanners();
    h.sim.dropConnections();
    await new Promise((r) => setTimeout(r, 20));
    expect(await h.client.listScanners()).toHaveLength(2);
    expect(h.sim.stats.authentications).toBe(2);
  });

  it('a read dropped mid-command is sent again once; a write is not (maybeApplied)', async () => {
    h = await startGvm(transport);
    const taskId = await newTask(h);
    h.sim.faults.dropOn = { command: 'get_tasks', count: 1 };
    expect((await h.client.getTask(taskId)).id).toBe(taskId);
    h.sim.faults.dropOn = { command: 'get_tasks', count: 2 };
    await expect(h.client.getTask(taskId)).rejects.toMatchObject({ name: 'GmpConnectionLostError', maybeApplied: false });
    h.sim.faults.dropOn = { command: 'start_task', count: 1 };
    const err = await h.client.startTask(taskId).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpConnectionLostError);
    expect(err).toMatchObject({ command: 'start_task', maybeApplied: true });
    expect(h.sim.commandNames().filter((n) => n === 'start_task')).toHaveLength(1);
  });

  it('a socket dropped mid-report fails the import with what was yielded; the next import is whole', async () => {
    h = await startGvm(transport, { reportSize: 300 }, { resultsHighWater: 8 });
    const reportId = await finishedReport(h);
    const whole = await drain(h.client.results(reportId, { minQod: 0 }));
    expect(whole).toBe(300);
    h.sim.faults.dropMidReport = { afterResults: 120 };
    let yielded = 0;
    const err = await (async () => {
      for await (const _ of h!.client.results(reportId, { minQod: 0 })) yielded++;
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpConnectionLostError);
    expect(yielded).toBeGreaterThan(0);
    expect(yielded).toBeLessThanOrEqual(120);
    expect((err as GmpConnectionLostError).yielded).toBe(yielded);
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(300);
    expect(h.sim.stats.authentications).toBe(2);
  });

  it('a socket dropped before the first result is retried transparently', async () => {
    h = await startGvm(transport, { reportSize: 50 });
    const reportId = await finishedReport(h);
    h.sim.faults.dropMidReport = { afterResults: 0 };
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(50);
    expect(h.sim.commandNames().filter((n) => n === 'get_reports')).toHaveLength(2);
  });

  it('a stalled scan (progress frozen while Running) ends waitForTask with GmpTaskStalledError', async () => {
    h = await startGvm(transport, { progressStep: 20 });
    const taskId = await newTask(h);
    h.sim.faults.stallAtProgress = 40;
    await h.client.startTask(taskId);
    const err = await h.client.waitForTask(taskId, { intervalMs: 1, stallAfterPolls: 5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GmpTaskStalledError);
    expect(err).toMatchObject({ code: 'stalled', taskId, status: 'Running', progress: 40 });
  });

  it('a reply slower than the timeout fails with GmpTimeoutError; the next call reconnects', async () => {
    h = await startGvm(transport, {}, { timeoutMs: 1000 });
    await h.client.getVersion();
    h.sim.faults.replyDelayMs = 6000;
    await expect(h.client.getVersion()).rejects.toMatchObject({ name: 'GmpTimeoutError', command: 'get_version', timeoutMs: 1000 });
    h.sim.faults.replyDelayMs = 0;
    expect(await h.client.getVersion()).toBe('22.7');
    expect(h.sim.stats.connections).toBe(2);
  });

  it('the timeout is per gap between bytes: a slow stream that keeps coming is read whole', async () => {
    h = await startGvm(transport, { reportSize: 400, chunkChars: 4096 }, { timeoutMs: 1500 });
    const reportId = await finishedReport(h);
    h.sim.faults.chunkDelayMs = 15;
    // about 400 results of ~2 KB in 4 KB chunks: ~200 gaps of 15 ms, about twice the timeout in total
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(400);
  });

  it('a malformed reply is a protocol error; the connection is replaced', async () => {
    h = await startGvm(transport);
    await h.client.getVersion();
    h.sim.faults.malformed = { count: 1 };
    await expect(h.client.listScanners()).rejects.toBeInstanceOf(GmpProtocolError);
    expect(await h.client.listScanners()).toHaveLength(2);
    expect(h.sim.stats.connections).toBe(2);
  });

  it('breaking out of an import early frees the queue (the connection is replaced)', async () => {
    h = await startGvm(transport, { reportSize: 200 });
    const reportId = await finishedReport(h);
    let n = 0;
    for await (const _ of h.client.results(reportId, { minQod: 0 })) if (++n === 10) break;
    expect(await h.client.getVersion()).toBe('22.7');
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(200);
  });

  it('replies to pipelined commands arriving back to back are told apart', async () => {
    h = await startGvm(transport);
    const conn = new GmpConnection(await openStream(h.client.config.target, 5000));
    const replies = await Promise.all([
      conn.request('get_version', '<get_version/>', 5000, { maxChars: 1 << 20 }),
      conn.request('authenticate', '<authenticate><credentials><username>admin</username><password>Vigil-test-pw1</password></credentials></authenticate>', 5000, { maxChars: 1 << 20 }),
      conn.request('get_scanners', '<get_scanners/>', 5000, { maxChars: 1 << 20 }),
    ]);
    expect(replies.map((r) => r.name)).toEqual(['get_version_response', 'authenticate_response', 'get_scanners_response']);
    expect(replies[2]!.children.filter((c) => c.name === 'scanner')).toHaveLength(2);
    conn.close();
  });
});

describe('GMP faults: several at once', () => {
  it('a 503 on the report then a drop: each surfaces once, then the import succeeds', async () => {
    h = await startGvm('unix', { reportSize: 30 });
    const reportId = await finishedReport(h);
    h.sim.faults.unavailable = { count: 1, command: 'get_reports' };
    await expect(drain(h.client.results(reportId))).rejects.toMatchObject({ status: 503 });
    h.sim.faults.dropMidReport = { afterResults: 5 };
    await expect(drain(h.client.results(reportId, { minQod: 0 }))).rejects.toBeInstanceOf(GmpConnectionLostError);
    expect(await drain(h.client.results(reportId, { minQod: 0 }))).toBe(30);
  });
});
