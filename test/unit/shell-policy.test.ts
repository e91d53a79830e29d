import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../main/core/csp.js';
import { resolveAsset, serveAppRequest } from '../../main/shell/app-protocol.js';
import { describeUrlForLog, isExternalUrlAllowed } from '../../main/shell/external-policy.js';
import { isPermissionGranted } from '../../main/shell/permission-policy.js';

describe('isExternalUrlAllowed (the one external-link allow-list)', () => {
  it.each(['https://attack.mitre.org/techniques/T1110/', 'https://attack.mitre.org/'])('allows %s', (url) => {
    expect(isExternalUrlAllowed(url)).toBe(true);
  });
  it.each([
    'http://attack.mitre.org/techniques/T1110/',
    'https://attack.mitre.org.evil.example/',
    'https://evil.attack.mitre.org/',
    'https://attack.mitre.org:8443/',
    'https://user:pw@attack.mitre.org/',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'smb://attack.mitre.org/share',
    'app://vigil/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(isExternalUrlAllowed(url)).toBe(false);
  });
  it('logs scheme and host only', () => {
    expect(describeUrlForLog('https://evil.example/path?token=secret')).toBe('https://evil.example');
  });
});

describe('isPermissionGranted', () => {
  it('grants clipboard text writes to our main frame only', () => {
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://vigil/index.html', true)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://vigil', true)).toBe(true);
    expect(isPermissionGranted('clipboard-sanitized-write', 'app://vigil/index.html', false)).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', 'https://evil.example/', true)).toBe(false);
    expect(isPermissionGranted('clipboard-sanitized-write', undefined, true)).toBe(false);
  });
  it.each(['clipboard-read', 'media', 'geolocation', 'notifications', 'openExternal', 'fullscreen', 'unknown'])('denies %s', (permission) => {
    expect(isPermissionGranted(permission, 'app://vigil/index.html', true)).toBe(false);
  });
});

describe('app:// protocol', () => {
  let root: string;
  beforeAll(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-app-proto-'));
    fs.mkdirSync(path.join(root, 'assets'));
    fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Vigil</title>');
    fs.writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    fs.writeFileSync(path.join(path.dirname(root), 'vigil-secret.txt'), 'secret');
  });
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.join(path.dirname(root), 'vigil-secret.txt'), { force: true });
  });

  it('serves files with the CSP and security headers', async () => {
    const res = await serveAppRequest(root, new Request('app://vigil/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('serves index.html for / and for client-side routes', async () => {
    for (const url of ['app://vigil/', 'app://vigil/alerts/42']) {
      const res = await serveAppRequest(root, new Request(url));
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('<title>Vigil</title>');
    }
  });

  it('answers 404 for a missing asset, still with the CSP', async () => {
    const res = await serveAppRequest(root, new Request('app://vigil/assets/missing.js'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it.each([
    'app://vigil/%2e%2e/vigil-secret.txt',
    'app://vigil/..%2fvigil-secret.txt',
    'app://vigil/assets%2f..%2f..%2fvigil-secret.txt',
    'app://vigil/..%5cvigil-secret.txt',
    'app://vigil/a%00.js',
  ])('refuses traversal: %s', async (url) => {
    // Refused outright (400/403), or normalised by the URL parser into a path inside root (404).
    const res = await serveAppRequest(root, new Request(url));
    expect(res.status).not.toBe(200);
    expect(await res.text()).not.toBe('secret');
  });

  it('never resolves outside the root, whatever the URL parser left in the path', () => {
    const r = resolveAsset(root, 'app://vigil/../vigil-secret.txt', () => true);
    if (r.kind === 'file') expect(path.relative(root, r.file).startsWith('..')).toBe(false);
  });

  it('refuses other hosts and methods', async () => {
    expect((await serveAppRequest(root, new Request('app://other/index.html'))).status).toBe(404);
    expect((await serveAppRequest(root, new Request('app://vigil/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });
});

describe('devToolsAllowed (issue 15 item 8)', () => {
  it('packaged builds never get DevTools, whatever the environment says', async () => {
    const { devToolsAllowed } = await import('../../main/shell/devtools-policy.js');
    process.env['VIGIL_DEVTOOLS'] = '1';
    try {
      expect(devToolsAllowed(true)).toBe(false);
      expect(devToolsAllowed(false)).toBe(true);
    } finally {
      delete process.env['VIGIL_DEVTOOLS'];
    }
  });

  it('no shell code reads a DevTools switch from the environment', () => {
    const shellDir = fileURLToPath(new URL('../../main/shell/', import.meta.url));
    for (const file of fs.readdirSync(shellDir).filter((f) => f.endsWith('.ts'))) {
      const text = fs.readFileSync(path.join(shellDir, file), 'utf8');
      expect(/process\.env\[['"]VIGIL_DEVTOOLS/.test(text), file).toBe(false);
    }
  });
});
