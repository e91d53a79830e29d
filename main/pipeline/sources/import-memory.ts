/**
 * What an import remembers, so that importing the same file again adds nothing and a grown file
 * adds only what is new. Per import source (one per path) it keeps the identity of the file it
 * read (dev/ino, size, and a SHA-256 of its first bytes, compressed bytes for .gz) and how far it
 * read (content offset, next line number, whether it reached the end), committed with each batch.
 *
 * A file counts as the one read before when its first bytes hash the same and it is not shorter
 * than what was read: that is the same content, grown or not, even copied or moved back under a
 * new inode. A different hash (the file was replaced or rewritten) means reading it from the start.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { ImportMemory } from '../../store/pipeline-repo.js';
import type { InputFile } from './file-input.js';

/** How many of a file's first bytes identify its content. */
export const HEAD_BYTES = 4096;

export const FileIdentity = z.object({
  dev: z.number(),
  ino: z.number(),
  /** File size in bytes (compressed size for .gz) when read. */
  size: z.number().int().nonnegative(),
  compressed: z.boolean(),
  head_len: z.number().int().nonnegative(),
  head_sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type FileIdentity = z.infer<typeof FileIdentity>;

export const ImportCursor = z.object({
  /** Content bytes consumed (decompressed bytes for .gz). */
  offset: z.number().int().nonnegative(),
  /** Line number of the next line. */
  line: z.number().int().positive(),
  /** The whole content was read (the end of the file, or of the gzip stream, was reached). */
  complete: z.boolean(),
});
export type ImportCursor = z.infer<typeof ImportCursor>;

/** SHA-256 of the first `len` bytes of a file, or null when it has fewer. */
async function headHash(path: string, len: number): Promise<string | null> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(len);
    let got = 0;
    while (got < len) {
      const { bytesRead } = await fh.read(buf, got, len - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return got < len ? null : createHash('sha256').update(buf).digest('hex');
  } finally {
    await fh.close();
  }
}

export async function identityOf(file: InputFile): Promise<FileIdentity> {
  const head_len = Math.min(file.size, HEAD_BYTES);
  const head_sha256 = (await headHash(file.path, head_len)) ?? createHash('sha256').digest('hex');
  return { dev: file.dev, ino: file.ino, size: file.size, compressed: file.compressed, head_len, head_sha256 };
}

export interface ImportPlan {
  /**
   * fresh: never imported; again: --again; resume: read on from where the last import stopped;
   * nothing_new: the same content, all of it read; changed: another file now, read from the start.
   */
  kind: 'fresh' | 'again' | 'resume' | 'nothing_new' | 'changed';
  start: number;
  line: number;
  note: string | null;
}

/** Where to start importing `file`, given what the last import of its source remembers. */
export async function planImport(file: InputFile, memory: ImportMemory | null, again: boolean): Promise<ImportPlan> {
  if (again) return { kind: 'again', start: 0, line: 1, note: memory ? 'imported again from the start (--again)' : null };
  if (!memory) return { kind: 'fresh', start: 0, line: 1, note: null };
  const id = FileIdentity.safeParse(memory.identity);
  const cur = ImportCursor.safeParse(memory.cursor);
  if (!id.success || !cur.success) return { kind: 'changed', start: 0, line: 1, note: 'the record of the last import was unreadable; imported from the start' };
  const was = id.data;
  const pos = cur.data;
  const sameHead = was.compressed === file.compressed && (await headHash(file.path, was.head_len)) === was.head_sha256;
  const shorter = file.compressed ? file.size < was.size : file.size < pos.offset;
  if (!sameHead || shorter) {
    return { kind: 'changed', start: 0, line: 1, note: 'the file is not the one imported before (replaced or rewritten); imported from the start' };
  }
  const moved = was.dev !== file.dev || was.ino !== file.ino ? ' (same content under a new inode)' : '';
  const done = file.compressed ? pos.complete && file.size === was.size : file.size === pos.offset;
  if (done) return { kind: 'nothing_new', start: pos.offset, line: pos.line, note: `already imported, nothing new${moved}` };
  return { kind: 'resume', start: pos.offset, line: pos.line, note: `imported what was added since the last import (from line ${pos.line})${moved}` };
}
