import fs from 'node:fs';
import path from 'node:path';
import { contentTypeFor } from '../core/mime.js';

/** Content type by file extension (shared with the desktop app's protocol handler). */
export const mimeType = contentTypeFor;

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
