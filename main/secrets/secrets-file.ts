import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * `secrets.json` in the data directory: every secret encrypted on its own with AES-256-GCM
 * under the vault's master key (random 96-bit IV per write; the secret's name is authenticated
 * data, so an entry cannot be moved to another name). The master key itself is never here: it
 * lives in the OS keychain (master-key.ts). The file is written 0600 and replaced atomically, and
 * changes go through a lock file, so the desktop app, `vigil serve` and the CLI share it safely.
 */
export const SECRETS_FILE = 'secrets.json';
const FORMAT = 'vigil-secrets';
const KEY_BYTES = 32;
const IV_BYTES = 12;

const B64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);
const Entry = z.object({ iv: B64, tag: B64, data: B64 }).strict();
const FileShape = z
  .object({
    format: z.literal(FORMAT),
    version: z.literal(1),
    /** HMAC of a constant under the master key: tells which key the entries need. */
    key_check: B64.nullable(),
    /** Secrets of the keytar era were moved here (legacy.ts) and deleted there. */
    legacy_migrated: z.boolean(),
    entries: z.record(z.string(), Entry),
  })
  .strict();
export type SecretsFileData = z.infer<typeof FileShape>;

export function emptySecretsFile(): SecretsFileData {
  return { format: FORMAT, version: 1, key_check: null, legacy_migrated: false, entries: {} };
}

export function newMasterKey(): Buffer {
  return crypto.randomBytes(KEY_BYTES);
}

export function isMasterKey(key: Buffer | null | undefined): key is Buffer {
  return Buffer.isBuffer(key) && key.length === KEY_BYTES;
}

export function keyCheck(key: Buffer): string {
  return crypto.createHmac('sha256', key).update('vigil-secrets key check v1').digest().subarray(0, 16).toString('base64');
}

function aad(account: string): Buffer {
  return Buffer.from(`vigil-secrets:v1:${account}`, 'utf8');
}

export function sealSecret(key: Buffer, account: string, secret: string): z.infer<typeof Entry> {
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(aad(account));
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
}

export class SecretsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretsFileError';
  }
}

export function openSecret(key: Buffer, account: string, entry: z.infer<typeof Entry>): string {
  try {
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(entry.iv, 'base64'));
    decipher.setAAD(aad(account));
    decipher.setAuthTag(Buffer.from(entry.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(entry.data, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretsFileError(`the secret "${account}" in ${SECRETS_FILE} fails its integrity check (altered or damaged); set it again`);
  }
}

/** The file's content, or null when there is none. A damaged file is an error, never "empty". */
export function readSecretsFile(file: string): SecretsFileData | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SecretsFileError(`${file} is not valid JSON; move it away to start an empty vault`);
  }
  const parsed = FileShape.safeParse(json);
  if (!parsed.success) throw new SecretsFileError(`${file} is not a Vigil secrets file (${parsed.error.issues[0]?.message ?? 'bad shape'})`);
  return parsed.data;
}

/** Writes the file atomically (temp file 0600, fsync, rename) and keeps it 0600. */
export function writeSecretsFile(file: string, data: SecretsFileData): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  const fd = fs.openSync(tmp, 'wx', 0o600);
  try {
    fs.writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
  if (process.platform !== 'win32') fs.chmodSync(file, 0o600);
}

/** A lock older than this is from a process that died holding it. */
const STALE_LOCK_MS = 15_000;
const LOCK_WAIT_MS = 10_000;

/**
 * Runs `fn` holding `<file>.lock` (created exclusively), so read-modify-write of the secrets
 * file by several Vigil processes never loses a change.
 */
export async function withFileLock<T>(file: string, fn: () => T | Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const started = Date.now();
  for (;;) {
    try {
      fs.closeSync(fs.openSync(lock, 'wx', 0o600));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) {
        fs.rmSync(lock, { force: true });
        continue;
      }
      if (Date.now() - started > LOCK_WAIT_MS) throw new SecretsFileError(`${path.basename(lock)} is held by another Vigil process; try again`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}
