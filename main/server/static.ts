import fs from 'node:fs';
import path from 'node:path';

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export function mimeType(file: string): string {
  return MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps a URL path to a file inside root, or null when it would leave root (../, encoded
 * separators, NUL) or does not exist. Paths without an extension fall back to index.html.
 */
export function resolveStatic(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const rel = path.posix.normalize(decoded).replace(/^\/+/, '');
  if (rel.split('/').includes('..')) return null;
  const full = path.resolve(root, rel || 'index.html');
  if (full !== root && !full.startsWith(root + path.sep)) return null;
  try {
    if (fs.statSync(full).isFile()) return full;
  } catch {
    // fall through
  }
  if (path.extname(rel) === '') {
    const index = path.join(root, 'index.html');
    return fs.existsSync(index) ? index : null;
  }
  return null;
}
