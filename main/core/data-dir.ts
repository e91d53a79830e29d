import fs from 'node:fs';
import path from 'node:path';
import { DB_FILE_NAME, PRIVATE_DIR_MODE } from '../store/db.js';
import { SELF_SIGNED_DIR, SELF_SIGNED_KEY_FILE } from '../feed/tls.js';

/** config.json: conf (plain Node) and electron-store (desktop) both write it in the data directory. */
export const SETTINGS_FILE = 'config.json';

/** One permission change made to an existing file or directory. */
export interface ModeFix {
  path: string;
  from: number;
  to: number;
}

const octal = (mode: number) => `0${(mode & 0o777).toString(8)}`;

/** The one notice line for what prepareDataDir changed. */
export function fixNotice(fixes: readonly ModeFix[]): string {
  const list = fixes.map((f) => `${f.path} (${octal(f.from)} -> ${octal(f.to)})`).join(', ');
  return `made the data directory private: other users could read ${list}`;
}

/** The files in the data directory that other users must not read, besides the directory itself. */
function privatePaths(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const own = (name: string) =>
    name === DB_FILE_NAME ||
    name === SETTINGS_FILE ||
    // the WAL, its shared-memory index, a rollback journal, and the copies taken before migrations
    [`${DB_FILE_NAME}-wal`, `${DB_FILE_NAME}-shm`, `${DB_FILE_NAME}-journal`].includes(name) ||
    (name.startsWith(`${DB_FILE_NAME}.v`) && name.endsWith('.bak'));
  const out = names.filter(own).map((name) => path.join(dir, name));
  if (names.includes(SELF_SIGNED_DIR)) out.push(path.join(dir, SELF_SIGNED_DIR), path.join(dir, SELF_SIGNED_DIR, SELF_SIGNED_KEY_FILE));
  return out;
}

/**
 * Takes group and other permissions away from one path (the owner's stay as they are: 0644 becomes
 * 0600, 0755 becomes 0700); returns the change, or null if none was needed.
 */
function tighten(file: string, followLink = false): ModeFix | null {
  let st: fs.Stats;
  try {
    st = followLink ? fs.statSync(file) : fs.lstatSync(file);
  } catch {
    return null; // gone meanwhile, or never there (the TLS key before first use)
  }
  if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return null;
  const to = st.mode & 0o700;
  fs.chmodSync(file, to);
  return { path: file, from: st.mode, to };
}

/**
 * Makes the data directory private before anything is written into it: creates it 0700 (the
 * umask can only narrow that) and, for one that already exists, takes group and other access
 * away from the directory, the database (with its WAL, SHM and migration backups), config.json
 * and the feed's TLS key. Returns what it changed, so the caller can say so once.
 * On Windows the data directory lives in the user's own profile and modes mean nothing: no-op.
 */
export function prepareDataDir(dir: string, platform: NodeJS.Platform = process.platform): ModeFix[] {
  fs.mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (platform === 'win32') return [];
  // the directory itself may be a link to where the analyst keeps it; links inside are left alone
  const fixes = [tighten(dir, true), ...privatePaths(dir).map((p) => tighten(p))];
  return fixes.filter((f): f is ModeFix => f !== null);
}
