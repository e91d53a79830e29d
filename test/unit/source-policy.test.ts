import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GrantedPaths, SourceDirs, realPathOf } from '../../main/core/source-policy.js';
import { dispatch } from '../../main/core/dispatch.js';
import { silentLogger } from '../../main/core/logger.js';
import { tempDir } from '../helpers/tmp.js';
import { testApp } from '../helpers/services.js';

describe('GrantedPaths (desktop: files picked in the native dialog)', () => {
  it('accepts only granted files, by their real path', () => {
    const dir = tempDir();
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, '');
    fs.symlinkSync(file, path.join(dir, 'alias.json'));
    const grants = new GrantedPaths();
    expect(() => grants.check(file)).toThrow(/was not chosen in this window's file dialog/);
    grants.grant(file);
    expect(() => grants.check(file)).not.toThrow();
    expect(() => grants.check(path.join(dir, 'alias.json'))).not.toThrow(); // the same file
    expect(() => grants.check(`${dir}/x/../eve.json`)).not.toThrow();
    expect(() => grants.check('/etc/passwd')).toThrow(/FORBIDDEN|not chosen/);
    expect(() => grants.check('eve.json')).toThrow(/not chosen/);
  });
});

describe('SourceDirs (headless: files under the source folders)', () => {
  it('reads the folders on every check, so a folder set later applies at once', () => {
    const dirs: string[] = [];
    const policy = new SourceDirs(() => dirs);
    const logs = tempDir();
    expect(() => policy.check(path.join(logs, 'a.json'))).toThrow(/none is set/);
    dirs.push(logs);
    expect(() => policy.check(path.join(logs, 'a.json'))).not.toThrow();
    expect(() => policy.check(path.join(logs, 'deep', 'b.json'))).not.toThrow();
    expect(() => policy.check('relative.json')).toThrow(/relative/);
  });

  it('refuses a folder whose name merely starts like an allowed one', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'logs'));
    fs.mkdirSync(path.join(root, 'logs-private'));
    const policy = new SourceDirs(() => [path.join(root, 'logs')]);
    expect(() => policy.check(path.join(root, 'logs-private', 'x.json'))).toThrow(/outside the source folders/);
  });

  it('realPathOf resolves the folder of a file that does not exist yet', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'real'));
    fs.symlinkSync(path.join(root, 'real'), path.join(root, 'link'));
    expect(realPathOf(path.join(root, 'link', 'new.json'))).toBe(path.join(fs.realpathSync(root), 'real', 'new.json'));
  });
});

describe('sources.add by transport', () => {
  it('the CLI is unrestricted; a UI transport without a policy is refused (fails closed)', async () => {
    const dir = tempDir();
    const app = await testApp(dir);
    const h = app.handlers;
    const file = path.join(dir, 'eve.json');
    fs.writeFileSync(file, '');
    for (const transport of ['ipc', 'ws'] as const) {
      const out = await dispatch(h, 'sources.add', { path: file, format: 'eve' }, { actor: 'ana', transport }, silentLogger);
      expect(out).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    }
    const granted = new GrantedPaths();
    granted.grant(file);
    const viaWindow = await dispatch(h, 'sources.add', { path: file, format: 'eve' }, { actor: 'ana', transport: 'ipc', sourcePaths: granted }, silentLogger);
    expect(viaWindow.ok).toBe(true);
    const cli = await dispatch(h, 'sources.add', { path: path.join(dir, 'other.json'), format: 'eve' }, { actor: 'ana', transport: 'cli' }, silentLogger);
    expect(cli.ok).toBe(true);
    // sourceDirs: only from the command line, and only absolute folders
    const fromUi = await dispatch(h, 'settings.set', { patch: { sourceDirs: [dir] } }, { actor: 'ana', transport: 'ipc' }, silentLogger);
    expect(fromUi).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    const relative = await dispatch(h, 'settings.set', { patch: { sourceDirs: ['logs'] } }, { actor: 'ana', transport: 'cli' }, silentLogger);
    expect(relative).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', issues: ['sourceDirs: logs is not an absolute path'] } });
    expect(await dispatch(h, 'settings.set', { patch: { sourceDirs: [dir] } }, { actor: 'ana', transport: 'cli' }, silentLogger)).toMatchObject({ ok: true, result: { sourceDirs: [dir] } });
    await app.close();
  });
});
