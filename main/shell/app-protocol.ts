import fs from 'node:fs';
import path from 'node:path';
import { SECURITY_HEADERS } from '../core/csp.js';
import { contentTypeFor } from '../core/mime.js';

export { contentTypeFor };
import { APP_HOST, APP_SCHEME } from './app-url.js';

/**
 * Serves the built renderer for the `app://vigil/` scheme. Pure Node (global Request/Response,
 * no electron import): the shell hands it to `protocol.handle`, tests call it directly.
 */

export type AssetResolution =
  | { kind: 'file'; file: string; fallback: boolean }
  | { kind: 'error'; status: 400 | 403 | 404 | 405; reason: string };

/**
 * Maps a request URL to a file under `root`. Refuses other hosts, encoded separators, NUL bytes
 * and anything that would land outside `root`; a path without a file extension that does not
 * exist falls back to index.html (client-side routes).
 */
export function resolveAsset(root: string, rawUrl: string, exists: (file: string) => boolean = isFile): AssetResolution {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return { kind: 'error', status: 400, reason: 'bad url' };
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname.toLowerCase() !== APP_HOST || url.port !== '') {
    return { kind: 'error', status: 404, reason: 'unknown host' };
  }
  // Encoded slashes, backslashes and dots are refused outright rather than decoded and trusted.
  if (/%(2f|5c|2e|00)/i.test(url.pathname) || url.pathname.includes('\\')) {
    return { kind: 'error', status: 403, reason: 'encoded path separator' };
  }
  let rel: string;
  try {
    rel = decodeURIComponent(url.pathname);
  } catch {
    return { kind: 'error', status: 400, reason: 'bad path encoding' };
  }
  if (rel.includes('\0')) return { kind: 'error', status: 400, reason: 'bad path' };
  const base = path.resolve(root);
  const segments = rel.split('/').filter((s) => s.length > 0);
  if (segments.some((s) => s === '..' || s === '.')) {
    return { kind: 'error', status: 403, reason: 'path traversal' };
  }
  const index = path.join(base, 'index.html');
  if (segments.length === 0) return { kind: 'file', file: index, fallback: false };
  const file = path.resolve(base, ...segments);
  const inside = path.relative(base, file);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) {
    return { kind: 'error', status: 403, reason: 'path traversal' };
  }
  if (exists(file)) return { kind: 'file', file, fallback: false };
  if (path.extname(file) === '') return { kind: 'file', file: index, fallback: true };
  return { kind: 'error', status: 404, reason: 'not found' };
}

function isFile(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function headers(extra: Record<string, string>): Headers {
  const h = new Headers(SECURITY_HEADERS);
  h.set('Cache-Control', 'no-cache');
  for (const [k, v] of Object.entries(extra)) h.set(k, v);
  return h;
}

/** The `protocol.handle('app', ...)` handler: every response carries the CSP and security headers. */
export async function serveAppRequest(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('method not allowed', { status: 405, headers: headers({ 'Content-Type': 'text/plain; charset=utf-8', Allow: 'GET, HEAD' }) });
  }
  const resolved = resolveAsset(root, request.url);
  if (resolved.kind === 'error') {
    return new Response(resolved.reason, { status: resolved.status, headers: headers({ 'Content-Type': 'text/plain; charset=utf-8' }) });
  }
  let body: Buffer;
  try {
    body = await fs.promises.readFile(resolved.file);
  } catch {
    return new Response('not found', { status: 404, headers: headers({ 'Content-Type': 'text/plain; charset=utf-8' }) });
  }
  const h = headers({ 'Content-Type': contentTypeFor(resolved.file), 'Content-Length': String(body.byteLength) });
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: h });
}
