import { describe, expect, it } from 'vitest';
import { BLOCK_RECORDS, RawBlockPacker, unpackRawBlock } from '../../main/store/raw-blocks.js';

describe('raw blocks', () => {
  it('packs lines of any size and script into blocks that read back exact, reusing its buffer', () => {
    const packer = new RawBlockPacker();
    const blocks = [
      ['{"a":1}', 'é, 日本, 😀', '', 'x'],
      // past the packer's first buffer (1 MiB): it grows
      [`{"big":"${'b'.repeat(700_000)}"}`, `{"big":"${'ü'.repeat(300_000)}"}`],
      // then a short block again: nothing of the long one is left in it
      ['short', 'é'],
      [''],
    ];
    for (const lines of blocks) {
      const b = packer.pack(lines);
      expect(b.rawBytes).toBe(Buffer.byteLength(lines.join('\n'), 'utf8'));
      expect(unpackRawBlock(b.data)).toEqual(lines);
    }
  });

  it('packs a write in blocks of BLOCK_RECORDS lines, in order', () => {
    const lines = Array.from({ length: 2 * BLOCK_RECORDS + 3 }, (_, i) => `{"n":${i}}`);
    const all = new RawBlockPacker().packAll(lines);
    expect(all.records).toBe(lines.length);
    expect(all.blocks.map((b) => unpackRawBlock(b.data))).toEqual([lines.slice(0, BLOCK_RECORDS), lines.slice(BLOCK_RECORDS, 2 * BLOCK_RECORDS), lines.slice(2 * BLOCK_RECORDS)]);
    expect(new RawBlockPacker().packAll([])).toEqual({ records: 0, blocks: [] });
  });
});
