import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../main/core/handlers.js';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import { CHANNEL_NAMES, SettingsPatch, type EventPayload } from '../../main/contract/index.js';
import { SettingsService } from '../../main/core/settings.js';
import { tempDir } from '../helpers/tmp.js';
import { sampleAlert, testServices } from '../helpers/services.js';

const ctx = { actor: 'ana', transport: 'test' as const };

describe('contract handlers through dispatch', () => {
  it('has a handler for every channel', async () => {
    const s = await testServices(tempDir());
    const handlers = createHandlers(s);
    expect(Object.keys(handlers).sort()).toEqual([...CHANNEL_NAMES].sort());
    await s.close();
  });

  it('app.info and app.health describe the running instance', async () => {
    const dir = tempDir();
    const s = await testServices(dir);
    const h = createHandlers(s);
    const info = await dispatch(h, 'app.info', {}, ctx, silentLogger);
    expect(info).toMatchObject({ ok: true, result: { name: 'Vigil', version: '0.0.0-test', data_dir: dir, schema_version: s.schemaVersion, mode: 'headless' } });
    const health = await dispatch(h, 'app.health', undefined, ctx, silentLogger);
    expect(health.ok && (health.result as { ok: boolean }).ok).toBe(true);
    await s.close();
  });

  it('refuses unknown channels and invalid requests with typed errors', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    expect(await dispatch(h, 'alerts.drop', {}, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    const bad = await dispatch(h, 'alerts.list', { limit: 501 }, ctx, silentLogger);
    expect(bad).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(!bad.ok && bad.error.issues?.[0]).toMatch(/^limit: /);
    expect(await dispatch(h, 'alerts.list', { filter: { severity: ['apocalyptic'] } }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(h, 'alerts.list', { extra: 1 }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(h, 'alerts.get', { id: 42 }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await s.close();
  });

  it('alerts.setStatus requires a note to close, keeps history and pushes alerts.changed', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const [id] = s.alerts.insertMany([sampleAlert()]);
    const pushed: EventPayload<'alerts.changed'>[] = [];
    s.bus.on('alerts.changed', (p) => pushed.push(p));
    expect(await dispatch(h, 'alerts.setStatus', { id, status: 'RESOLVED' }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(h, 'alerts.setStatus', { id, status: 'RESOLVED', note: '  ' }, ctx, silentLogger)).toMatchObject({ ok: false });
    const ok = await dispatch(h, 'alerts.setStatus', { id, status: 'RESOLVED', note: 'patched' }, ctx, silentLogger);
    expect(ok).toMatchObject({ ok: true, result: { alert: { id, status: 'RESOLVED' }, change: { status: 'RESOLVED', items: [{ id, from: 'NEW' }] } } });
    expect(pushed).toEqual([{ reason: 'status', ids: [id], total: 1 }]);
    const detail = await dispatch(h, 'alerts.get', { id }, ctx, silentLogger);
    expect(detail).toMatchObject({ ok: true, result: { history: [{ actor: 'ana', from: 'NEW', to: 'RESOLVED', note: 'patched' }] } });
    // the setting can make the note optional
    await dispatch(h, 'settings.set', { patch: { requireNoteOnClose: false } }, ctx, silentLogger);
    expect(await dispatch(h, 'alerts.setStatus', { id, status: 'FALSE_POSITIVE' }, ctx, silentLogger)).toMatchObject({ ok: true });
    await s.close();
  });

  it('turns an unexpected handler failure into INTERNAL without leaking the message', async () => {
    const s = await testServices(tempDir());
    const h = { ...createHandlers(s), 'app.info': () => { throw new Error('/secret/path exploded'); } };
    const out = await dispatch(h, 'app.info', {}, ctx, silentLogger);
    expect(out).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'app.info failed; see the log for details' } });
    await s.close();
  });
});

describe('settings', () => {
  it('validates, persists through the backend, records metadata and audit, and emits settings.changed', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    const events: unknown[] = [];
    s.bus.on('settings.changed', (p) => events.push(p));
    expect(await dispatch(h, 'settings.get', {}, ctx, silentLogger)).toMatchObject({ ok: true, result: { theme: 'dark' } });
    expect(await dispatch(h, 'settings.set', { patch: { theme: 'neon' } }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(h, 'settings.set', { patch: { apiKey: 'x' } }, ctx, silentLogger)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await dispatch(h, 'settings.set', { patch: { theme: 'light' } }, ctx, silentLogger)).toMatchObject({ ok: true, result: { theme: 'light' } });
    expect(events).toHaveLength(1);
    expect(s.db.prepare("SELECT updated_by FROM settings_meta WHERE key = 'theme'").get()).toEqual({ updated_by: 'ana' });
    expect(s.audit.recent(1)[0]).toMatchObject({ action: 'settings.set', target_id: 'theme', actor: 'ana' });
    await s.close();
  });

  it('changes only the keys a patch names (regression: defaults in the patch schema reset the others)', async () => {
    const s = await testServices(tempDir());
    const h = createHandlers(s);
    await dispatch(h, 'settings.set', { patch: { analystName: 'ana', bruteForceFailures: 9, theme: 'light' } }, ctx, silentLogger);
    await dispatch(h, 'settings.set', { patch: { portScanPorts: 30 } }, ctx, silentLogger);
    expect(s.settings.get()).toMatchObject({ analystName: 'ana', bruteForceFailures: 9, theme: 'light', portScanPorts: 30 });
    expect(SettingsPatch.parse({ theme: 'dark' })).toEqual({ theme: 'dark' });
    await s.close();
  });

  it('keeps valid keys of a hand-edited file and falls back to defaults for broken ones', () => {
    expect(SettingsService.sanitize({ theme: 'light', alertsPageSize: 'lots', unknown: true })).toMatchObject({ theme: 'light', alertsPageSize: 100 });
    expect(SettingsService.sanitize('garbage')).toMatchObject({ theme: 'dark' });
  });
});
