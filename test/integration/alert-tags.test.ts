import { describe, expect, it } from 'vitest';
import { dispatch } from '../../main/core/dispatch.js';
import { createHandlers } from '../../main/core/handlers.js';
import { MAX_ALERT_TAGS, type EventPayload, type HistoryEntry } from '../../main/contract/index.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';
import { callAs } from '../helpers/calls.js';
import { silentLogger } from '../../main/core/logger.js';
import { runCli } from '../helpers/cli.js';

/** Alert tags: added and removed by analysts (console, CLI) and filtered on, audited in the history. */
describe('alert tags', () => {
  it('adds and removes tags per alert, audits only what changed, and tells the consoles', async () => {
    let t = Date.parse('2026-11-21T10:00:00.000Z');
    const s = await testServices(tempDir(), () => new Date((t += 1000)));
    const h = createHandlers(s);
    const [a, b, c] = s.alerts.insertMany([sampleAlert(), sampleAlert({ src_ip: '10.0.0.2' }), sampleAlert({ src_ip: '10.0.0.3' })]);
    const pushed: EventPayload<'alerts.changed'>[] = [];
    s.bus.on('alerts.changed', (p) => pushed.push(p));

    // tags are lower-cased and trimmed on the way in
    expect(await callAs(h, 'alerts.tag', { ids: [a, b], add: [' Phishing ', 'ioc:apt29'] })).toEqual({ updated: 2 });
    expect(s.alerts.get(a!)!.tags).toEqual(['phishing', 'ioc:apt29']);
    expect(pushed).toEqual([{ reason: 'updated', ids: [a, b], total: 2 }]);
    // adding what is there and removing what is not changes nothing and audits nothing
    expect(await callAs(h, 'alerts.tag', { ids: [a, c], add: ['phishing'], remove: ['nope'] })).toEqual({ updated: 1 });
    expect(s.alerts.get(a!)!.tags).toEqual(['phishing', 'ioc:apt29']);
    expect(await callAs(h, 'alerts.tag', { ids: [a], add: ['reviewed'], remove: ['ioc:apt29'] }, 'ben')).toEqual({ updated: 1 });
    expect(s.alerts.get(a!)!.tags).toEqual(['phishing', 'reviewed']);

    const history = (await callAs(h, 'alerts.get', { id: a })).history as HistoryEntry[];
    expect(history.filter((e) => e.kind === 'tags')).toEqual([
      { kind: 'tags', ts: expect.any(String), actor: 'ana', added: ['phishing', 'ioc:apt29'], removed: [] },
      { kind: 'tags', ts: expect.any(String), actor: 'ben', added: ['reviewed'], removed: ['ioc:apt29'] },
    ]);
    expect(await callAs(h, 'alerts.tags', {})).toEqual([
      { tag: 'phishing', alerts: 3 },
      { tag: 'ioc:apt29', alerts: 1 },
      { tag: 'reviewed', alerts: 1 },
    ]);
    await s.close();
  });

  it('refuses tags with spaces or odd characters and requests that name no tag, with the reason', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const [a] = s.alerts.insertMany([sampleAlert()]);
    for (const [req, reason] of [
      [{ ids: [a], add: ['two words'] }, /no spaces/],
      [{ ids: [a], add: ['<script>'] }, /no spaces/],
      [{ ids: [a], add: ['x'.repeat(49)] }, /48/],
      [{ ids: [a] }, /name a tag/],
      [{ ids: [], add: ['ok'] }, /ids/],
    ] as const) {
      const out = await dispatch(h, 'alerts.tag', req, { actor: 'ana', transport: 'test' }, silentLogger);
      expect(out.ok, JSON.stringify(req)).toBe(false);
      if (!out.ok) expect([out.error.message, ...(out.error.issues ?? [])].join(' ')).toMatch(reason);
    }
    expect(s.alerts.get(a!)!.tags).toEqual([]);
    await s.close();
  });

  it('keeps the newest tags when an alert would carry more than the limit', async () => {
    const s = await testServices(tempDir());
    const [a] = s.alerts.insertMany([sampleAlert()]);
    const many = Array.from({ length: MAX_ALERT_TAGS }, (_, i) => `t${i}`);
    s.alerts.tag([a!], many, [], 'ana');
    s.alerts.tag([a!], ['latest'], [], 'ana');
    const tags = s.alerts.get(a!)!.tags;
    expect(tags).toHaveLength(MAX_ALERT_TAGS);
    expect(tags.at(-1)).toBe('latest');
    expect(tags).not.toContain('t0');
    await s.close();
  });

  it('filters lists, counts and pages by tag, alone and with other filters and sorts', async () => {
    const s = await testServices(tempDir());
    const ids = s.alerts.insertMany(Array.from({ length: 300 }, (_, i) => sampleAlert({ risk_score: i % 100, severity: i % 2 ? 'high' : 'low', src_ip: `10.0.${i % 7}.1` })));
    const tagged = ids.filter((_, i) => i % 10 === 0);
    s.alerts.tag(tagged, ['campaign-7'], [], 'ana');
    s.alerts.tag(ids.slice(0, 5), ['other'], [], 'ana');
    const h = createHandlers(s);
    expect((await callAs(h, 'alerts.count', { filter: { tag: 'campaign-7' } })).total).toBe(tagged.length);
    const seen: number[] = [];
    let after;
    for (;;) {
      const page = await callAs(h, 'alerts.list', { filter: { tag: 'Campaign-7' }, limit: 7, sort: { field: 'risk_score', dir: 'desc' }, ...(after ? { after } : {}) });
      seen.push(...page.items.map((x: { id: number }) => x.id));
      if (!page.next) break;
      after = page.next;
    }
    expect([...seen].sort((x, y) => x - y)).toEqual([...tagged].sort((x, y) => x - y));
    const high = (await callAs(h, 'alerts.list', { filter: { tag: 'campaign-7', severity: ['high'] }, limit: 500 })).items;
    expect(high.map((x: { id: number }) => x.id).sort()).toEqual(tagged.filter((id) => s.alerts.get(id)!.severity === 'high').sort());
    expect((await callAs(h, 'alerts.count', { filter: { tag: 'nobody' } })).total).toBe(0);
    await s.close();
  });

  it('vigil alerts tag / tags / list --tag / show, recorded as the configured analyst', async () => {
    const dir = tempDir();
    const s = await testServices(dir);
    const [a, b] = s.alerts.insertMany([sampleAlert({ title: 'first' }), sampleAlert({ title: 'second', src_ip: '10.9.9.9' })]);
    await s.close();
    expect(runCli(['settings', 'set', 'analystName', 'dana', '--data-dir', dir]).code).toBe(0);

    const tagged = runCli(['alerts', 'tag', String(a), String(b), '--add', 'phishing,Ticket-42', '--data-dir', dir]);
    expect(tagged).toMatchObject({ code: 0, stdout: '2 alert(s) changed\n' });
    expect(runCli(['alerts', 'tag', String(b), '--remove', 'phishing', '--data-dir', dir])).toMatchObject({ code: 0 });
    const list = runCli(['alerts', 'list', '--tag', 'phishing', '--json', '--data-dir', dir]);
    expect(JSON.parse(list.stdout).map((x: { id: number }) => x.id)).toEqual([a]);
    expect(runCli(['alerts', 'tags', '--data-dir', dir]).stdout).toMatch(/TAG\s+ALERTS\n\s*ticket-42\s+2\n\s*phishing\s+1\n/);
    const show = runCli(['alerts', 'show', String(a), '--data-dir', dir]).stdout;
    expect(show).toContain('tags phishing, ticket-42');
    expect(show).toMatch(/dana: tagged phishing, ticket-42/);
    const bad = runCli(['alerts', 'tag', String(a), '--add', 'two words', '--data-dir', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no spaces/);
    expect(runCli(['alerts', 'tag', 'x1', '--add', 'a', '--data-dir', dir]).code).toBe(2);
  }, 60_000);
});
