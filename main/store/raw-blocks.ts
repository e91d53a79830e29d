/**
 * The raw lines of the record store (migration 0012's `record_raw`): the records of one write, in
 * blocks of BLOCK_RECORDS, each block's lines joined by '\n' and brotli-compressed together. The
 * record writer packs blocks itself, or stores blocks a normalize worker packed on the second core
 * (the worker holds the lines already; compressing is ~2 us of a record's ~30 us on the main thread).
 */
import zlib from 'node:zlib';

/** Records per block: one compressed stream and one zone-map row each. */
export const BLOCK_RECORDS = 1024;

/**
 * Brotli at quality 1: on the bench's sensor mix it packs a block to about a fifth of its size in
 * half the time zlib's fastest level takes for a worse ratio (npm run bench). Quality 0 is no
 * faster there (1.5-1.9 against 1.7 us a line) and packs 140 bytes a line against 116.
 */
const BROTLI = { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 1, [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT } };

/** One block as stored: the compressed lines and their size before compression (UTF-8 bytes). */
export interface RawBlock {
  data: Uint8Array;
  rawBytes: number;
}

/** The lines of `records` records, packed in blocks of BLOCK_RECORDS (the last one shorter). */
export interface RawBlocks {
  records: number;
  blocks: RawBlock[];
}

/**
 * Packs blocks of lines, as record_raw stores them. The lines are written into one buffer the packer
 * keeps (grown as needed), not joined into a string and copied into a new buffer: two allocations
 * of a block's size (about 640 KB on the bench's mix) fewer per block.
 */
export class RawBlockPacker {
  private buf = Buffer.allocUnsafe(1 << 20);

  /** One block of lines. */
  pack(lines: readonly string[]): RawBlock {
    const size = joinedBytes(lines);
    if (size > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(size, 2 * this.buf.length));
    let at = 0;
    for (let i = 0; i < lines.length; i++) {
      if (i > 0) this.buf[at++] = 0x0a;
      at += this.buf.write(lines[i]!, at, 'utf8');
    }
    return { data: zlib.brotliCompressSync(this.buf.subarray(0, size), BROTLI), rawBytes: size };
  }

  /** Every block of a write's lines, in order. */
  packAll(lines: readonly string[]): RawBlocks {
    const blocks: RawBlock[] = [];
    for (let start = 0; start < lines.length; start += BLOCK_RECORDS) blocks.push(this.pack(lines.slice(start, start + BLOCK_RECORDS)));
    return { records: lines.length, blocks };
  }
}

/** The UTF-8 size of `lines` joined by '\n': a block's `rawBytes`. */
export function joinedBytes(lines: readonly string[]): number {
  let bytes = Math.max(0, lines.length - 1);
  for (const line of lines) bytes += Buffer.byteLength(line, 'utf8');
  return bytes;
}

/** A block's lines again. */
export function unpackRawBlock(data: Uint8Array): string[] {
  return zlib.brotliDecompressSync(data).toString('utf8').split('\n');
}
