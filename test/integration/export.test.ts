import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createHandlers } from '../../main/core/handlers.js';
import { silentLogger } from '../../main/core/logger.js';
import { startHeadlessServer, type HeadlessServer } from '../../main/server/server.js';
import { CSV_COLUMNS } from '../../main/core/export.js';
import type { EventPayload } from '../../main/contract/index.js';
import type { Services } from '../../main/core/services.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { waitFor } from '../helpers/calls.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { DEFAULT_SETTINGS } from '../../main/contract/index.js';
import { createPipeline } from '../../main/pipeline/stages.js';
import { repoRoot } from '../helpers/services.js';

/**
 * Export from the screen: the same bytes as `vigil alerts export`, as a job with progress and
 * cancel; headless it is a one-time download, on the desktop a file the analyst chose.
 */

const TOKEN = 'export-token-1234567890-abcdefghijklmnop';
let server: HeadlessServer | undefined;
let services: Services | undefined;

afterEach(async () => {
  await server?.close();
  await services?.close();
  server = services = undefined;
});

function get(port: number, pathname: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: pathname, agent: false }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

/** Services with 1,200 alerts (two sources), one with notes. */
async function seeded(dir = tempDir()): Promise<Services> {
  const s = await testServices(dir);
  const ids = s.alerts.insertMany(Array.from({ length: 1200 }, (_, i) => sampleAlert({ source: i % 3 ? 'suricata' : 'wazuh', title: `alert ${i}` })));
  s.triage.addNote(ids[0]!, 'ana', 'first look: "scanner", ok');
  s.alerts.setStatus(ids[0]!, 'RESOLVED', 'ben', 'closed\nwith two lines');
  return s;
}

describe('export from the screen', () => {
  it('headless: alerts.export hands out a one-time download that streams exactly what the CLI writes', async () => {
    const dir = tempDir();
    services = await seeded(dir);
    const staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Vigil</title>');
    const s = services;
    server = await startHeadlessServer({
      host: '127.0.0.1',
      port: 0,
      token: TOKEN,
      staticDir,
      handlers: createHandlers(s),
      bus: s.bus,
      logger: silentLogger,
      actor: () => 'ana',
      exports: { take: (ticket) => s.console.takeExport(ticket) },
    });
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));

    // the ticket comes only from an authenticated call
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${TOKEN}`);
    await new Promise((r) => ws.once('open', r));
    const started = await new Promise<{ result: { job_id: string; total: number; download: string; file_name: string } }>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString())));
      ws.send(JSON.stringify({ id: 1, channel: 'alerts.export', request: { format: 'csv', filter: { source: ['suricata'] } } }));
    });
    ws.close();
    const { job_id, total, download, file_name } = started.result;
    expect(total).toBe(800);
    expect(download).toBe(`/api/exports/${job_id}`);
    expect(file_name).toMatch(/^vigil-alerts-\d{8}-\d{4}\.csv$/);

    const res = await get(server.port, download);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${file_name}"`);
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = res.body.split('\r\n').filter(Boolean);
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines[0]!.split(',')).toEqual(expect.arrayContaining(['host', 'agent_id', 'agent_name', 'sensor', 'notes']));
    expect(lines).toHaveLength(801);
    expect(progress.find((p) => p.job_id === job_id && p.state === 'done')).toMatchObject({ kind: 'alerts.export', done: 800, total: 800 });
    // the CLI writes the same bytes for the same filter
    const cli = runCli(['alerts', 'export', '--format', 'csv', '--source', 'suricata', '--data-dir', dir]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(res.body).toBe(cli.stdout);
    // once only; a made-up ticket is refused the same way
    expect((await get(server.port, download)).status).toBe(404);
    expect((await get(server.port, '/api/exports/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(s.audit.recent(10).find((e) => e.action === 'alerts.export')).toMatchObject({ actor: 'ana', details: { format: 'csv', written: 800, complete: true } });
  }, 120_000);

  it('carries the notes in every format (CSV cell, JSON array)', async () => {
    const dir = tempDir();
    const s = await seeded(dir);
    await s.close();
    const csv = runCli(['alerts', 'export', '--format', 'csv', '--status', 'RESOLVED', '--data-dir', dir]).stdout;
    expect(csv).toContain('"2026-');
    expect(csv).toMatch(/ana: first look: ""scanner"", ok\n\d{4}-[^\n]+ ben: closed\nwith two lines"\r\n$/);
    const [row] = runCli(['alerts', 'export', '--format', 'ndjson', '--status', 'RESOLVED', '--data-dir', dir]).stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(row.notes.map((n: { actor: string; note: string }) => [n.actor, n.note])).toEqual([
      ['ana', 'first look: "scanner", ok'],
      ['ben', 'closed\nwith two lines'],
    ]);
  }, 120_000);

  it('Stop pressed before the download started: the ticket is withdrawn and the dialog hears "cancelled"', async () => {
    services = await seeded();
    const s = services;
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));
    const p = s.console.prepareExport({}, 'csv', { field: 'last_seen', dir: 'desc' }, 'ana');
    expect(s.console.cancelJob(p.job_id)).toBe(true);
    expect(progress).toEqual([{ job_id: p.job_id, kind: 'alerts.export', done: 0, total: 1200, state: 'cancelled', message: null }]);
    // the download that arrives afterwards finds no ticket (404): nothing is written
    expect(s.console.takeExport(p.job_id)).toBeNull();
    expect(s.console.cancelJob(p.job_id)).toBe(false);
  });

  it('a cancelled export stops between pages and says so; desktop writes the chosen file only when complete', async () => {
    services = await seeded();
    const s = services;
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));
    const p = s.console.prepareExport({}, 'ndjson', { field: 'last_seen', dir: 'desc' }, 'ana');
    const run = s.console.takeExport(p.job_id)!;
    expect(s.console.takeExport(p.job_id)).toBeNull();
    let text = '';
    const result = await run.run(
      {
        write: async (t) => {
          text += t;
          if (!progress.some((x) => x.state !== 'running')) s.console.cancelJob(p.job_id);
        },
        end: async () => undefined,
      },
      () => false,
    );
    expect(result.complete).toBe(false);
    const last = progress.at(-1)!;
    expect(last).toMatchObject({ job_id: p.job_id, state: 'cancelled', total: 1200 });
    expect(last.done).toBeLessThan(1200);
    expect(text.trim().split('\n')).toHaveLength(last.done);

    const file = path.join(tempDir(), 'alerts.json');
    const started = s.console.exportToFile({ source: ['wazuh'] }, 'json', { field: 'last_seen', dir: 'desc' }, file, 'ana');
    await waitFor(() => (fs.existsSync(file) ? true : undefined));
    expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toHaveLength(started.total);
    expect(fs.existsSync(`${file}.part`)).toBe(false);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }, 60_000);
});

describe("export from Hunt (events.export)", () => {
  it('headless: a one-time download of the raw lines, the same bytes as vigil events export; a groupby is refused', async () => {
    const dir = tempDir();
    services = await testServices(dir);
    const s = services;
    const { pipeline } = await createPipeline(s.db, DEFAULT_SETTINGS, path.join(repoRoot, 'resources'), () => {});
    s.pipelineRepo.ensureSource('import:test', 'import', 'eve', null);
    const t0 = Date.UTC(2026, 10, 21, 9);
    const line = (i: number, type: 'dns' | 'flow') =>
      JSON.stringify({ timestamp: new Date(t0 + i * 1000).toISOString().replace('Z', '000+0000'), event_type: type, src_ip: '10.0.0.5', src_port: 40000 + i, dest_ip: '10.0.0.53', dest_port: 53, proto: 'UDP', ...(type === 'dns' ? { dns: { type: 'query', id: i, rrname: `n${i}.example.org`, rrtype: 'A' } } : { flow: { pkts_toserver: 1, bytes_toserver: 80, state: 'new' } }) });
    const lines = Array.from({ length: 2600 }, (_, i) => line(i, i % 13 ? 'dns' : 'flow'));
    pipeline.process('import:test', lines.map((raw, i) => ({ raw, format: 'eve', position: { file: 'eve.json', line: i + 1, offset: null } })), { cursor: { offset: 1 } });
    const staticDir = tempDir();
    fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Vigil</title>');
    server = await startHeadlessServer({ host: '127.0.0.1', port: 0, token: TOKEN, staticDir, handlers: createHandlers(s), bus: s.bus, logger: silentLogger, actor: () => 'ana', exports: { take: (ticket) => s.console.takeExport(ticket) } });
    const progress: EventPayload<'jobs.progress'>[] = [];
    s.bus.on('jobs.progress', (p) => progress.push(p));
    const range = { from: '2026-11-21T00:00:00Z', to: '2026-11-22T00:00:00Z' };
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/api/ws?token=${TOKEN}`);
    await new Promise((r) => ws.once('open', r));
    let id = 0;
    const ask = (request: unknown) =>
      new Promise<{ ok: boolean; result: { job_id: string; total: number; download: string; file_name: string }; error: { code: string; message: string } }>((resolve) => {
        ws.once('message', (d) => resolve(JSON.parse(d.toString())));
        ws.send(JSON.stringify({ id: ++id, channel: 'events.export', request }));
      });
    const refused = await ask({ query: 'event_type:dns | groupby dns.rrname', ...range, format: 'eve' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('groupby') } });
    const bad = await ask({ query: 'event_type:dns dns.rrname:', ...range, format: 'eve' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining('column') } });
    // a sort by a field: every record, in the list's order
    const sorted = await ask({ query: 'event_type:dns | sort dns.rrname desc', ...range, format: 'eve' });
    expect(sorted.result.total).toBe(lines.filter((l) => l.includes('"dns"')).length);
    const rrname = (l: string) => (JSON.parse(l) as { dns: { rrname: string } }).dns.rrname;
    const bySort = await get(server.port, sorted.result.download);
    expect(bySort.body.trim().split('\n').map(rrname)).toEqual(lines.filter((l) => l.includes('"dns"')).map(rrname).sort().reverse());
    // head over one page (1,000): the first 1,500, not one page
    const headed = await ask({ query: 'event_type:dns | head 1500', ...range, format: 'ndjson' });
    expect(headed.result.total).toBe(1500);
    const first = await get(server.port, headed.result.download);
    expect(first.body.trim().split('\n')).toHaveLength(1500);
    const started = await ask({ query: 'event_type:dns', ...range, format: 'eve' });
    ws.close();
    const { job_id, total, download, file_name } = started.result;
    const dns = lines.filter((l) => l.includes('"dns"'));
    expect(total).toBe(dns.length);
    expect(download).toBe(`/api/exports/${job_id}`);
    expect(file_name).toMatch(/^vigil-records-\d{8}-\d{4}\.eve\.json$/);

    const res = await get(server.port, download);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['content-disposition']).toBe(`attachment; filename="${file_name}"`);
    // newest first, each line as the sensor wrote it
    expect(res.body).toBe(`${[...dns].reverse().join('\n')}\n`);
    expect(progress.filter((p) => p.job_id === job_id).map((p) => [p.kind, p.state, p.done])).toEqual([
      ['events.export', 'running', 0],
      ['events.export', 'running', 1000],
      ['events.export', 'running', 2000],
      ['events.export', 'running', dns.length],
      ['events.export', 'done', dns.length],
    ]);
    const cli = runCli(['events', 'export', 'event_type:dns', '--format', 'eve', '--since', range.from, '--until', range.to, '--data-dir', dir]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(res.body).toBe(cli.stdout);
    expect((await get(server.port, download)).status).toBe(404);
    expect(s.audit.recent(10).find((e) => e.action === 'events.export' && (e.details as { format: string }).format === 'eve')).toMatchObject({
      actor: 'ana',
      target_type: 'records',
      details: { format: 'eve', query: 'event_type:dns', written: dns.length, complete: true },
    });
  }, 120_000);
});

describe('vigil suppressions', () => {
  it('lists, shows, expires and removes rules, audited under the configured analyst', async () => {
    const dir = tempDir();
    const s = await testServices(dir);
    const a = s.suppressions.create({ src_ip: '203.0.113.0/24' }, 'pentest window', 'ana', null);
    const b = s.suppressions.create({ dst_port: 3389 }, 'RDP noise', 'ana', '2020-01-01T00:00:00.000Z');
    await s.close();
    // settings live in the data directory's config.json for the CLI
    expect(runCli(['settings', 'set', 'analystName', 'zoe', '--data-dir', dir]).code).toBe(0);

    const list = runCli(['suppressions', 'list', '--data-dir', dir]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+STATE\s+MATCH\s+HITS\s+LAST HIT \(UTC\)\s+EXPIRES \(UTC\)\s+BY\s+REASON/);
    expect(list.stdout).toContain('src_ip=203.0.113.0/24');
    expect(list.stdout).not.toContain('RDP noise'); // expired: only with --all
    expect(runCli(['suppressions', 'list', '--all', '--data-dir', dir]).stdout).toMatch(/\bexpired\s+dst_port=3389\b/);

    expect(runCli(['suppressions', 'expire', String(a.id), '--data-dir', dir])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^suppression \d+ expired at /) });
    expect(runCli(['suppressions', 'remove', String(b.id), '--data-dir', dir])).toMatchObject({ code: 0, stdout: `suppression ${b.id} removed\n` });
    expect(runCli(['suppressions', 'remove', String(b.id), '--data-dir', dir])).toMatchObject({ code: 1 });
    expect(runCli(['suppressions', 'expire', 'x', '--data-dir', dir])).toMatchObject({ code: 2 });
    const shown = JSON.parse(runCli(['suppressions', 'show', String(a.id), '--json', '--data-dir', dir]).stdout);
    expect(shown.rule).toMatchObject({ id: a.id, state: 'expired' });
    expect(shown.audit.map((e: { action: string; actor: string }) => [e.action, e.actor])).toEqual([['suppression.expire', 'zoe']]);
    // a removed rule is still shown from its audit trail
    expect(runCli(['suppressions', 'show', String(b.id), '--data-dir', dir]).stdout).toMatch(/removed\n {2}audit:\n.* zoe: remove\n$/);
  }, 120_000);
});

describe('vigil serve', () => {
  it('records the configured analyst as the actor of browser actions, not a constant', async () => {
    const dir = tempDir();
    const s = await testServices(dir);
    const [id] = s.alerts.insertMany([sampleAlert()]);
    await s.close();
    expect(runCli(['settings', 'set', 'analystName', 'zoe', '--data-dir', dir]).code).toBe(0);
    const child = spawnCli(['serve', '--port', '0', '--data-dir', dir], { VIGIL_TOKEN: TOKEN });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /serving at (http:\/\/\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        child.once('exit', (code) => reject(new Error(`vigil serve exited with ${code}`)));
      });
      const ws = new WebSocket(`${url.replace('http', 'ws').replace(/\/$/, '')}/api/ws?token=${TOKEN}`);
      await new Promise((r) => ws.once('open', r));
      const answer = await new Promise<{ ok: boolean }>((resolve) => {
        ws.on('message', (d) => {
          const f = JSON.parse(d.toString());
          if (f.type === 'result') resolve(f);
        });
        ws.send(JSON.stringify({ id: 1, channel: 'alerts.addNote', request: { id, note: 'from the browser' } }));
      });
      expect(answer.ok).toBe(true);
      ws.close();
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const shown = JSON.parse(runCli(['alerts', 'show', String(id), '--json', '--data-dir', dir]).stdout);
    expect(shown.history).toEqual([expect.objectContaining({ kind: 'note', actor: 'zoe', note: 'from the browser' })]);
  }, 120_000);
});
