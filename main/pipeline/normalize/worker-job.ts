/**
 * One batch of the normalize worker (worker-entry.ts, started by sources/normalize-worker.ts):
 * lines in, results out, packed (packed.ts). It runs the same normalizers as the main thread, so a
 * line reads the same whichever thread normalized it. It keeps nothing from one batch to the next
 * but the time zones it was asked for and the packer's buffer (raw-blocks.ts).
 */
import { RawBlockPacker, type RawBlocks } from '../../store/raw-blocks.js';
import type { NormalizeResult, SourcePosition } from '../types.js';
import { packResults, type PackedResults } from './packed.js';
import { formatSpec } from './registry.js';
import { TimeZone } from './time.js';

export interface NormalizeJob {
  id: number;
  format: string;
  /** The source's assume_tz (an IANA name), or null. */
  zone: string | null;
  /** One per line; null: a line the main thread keeps (its result is a placeholder here). */
  texts: (string | null)[];
}

/**
 * `raw`: the lines of the results that carry a sensor record, in order, packed as the record store
 * keeps them (the main thread stores these blocks when it stores exactly those records in one run).
 */
export type NormalizeReply = { id: number; packed: PackedResults; raw: RawBlocks } | { id: number; error: string };

/** Events carry their line's position: the main thread, which knows it, puts it back. */
const NO_POSITION: SourcePosition = { file: '', line: null, offset: null };
const PLACEHOLDER: NormalizeResult = { kind: 'skipped', reason: 'normalized on the main thread' };
const zones = new Map<string, TimeZone | null>();
const packer = new RawBlockPacker();

function zoneOf(name: string | null): TimeZone | null {
  if (name === null) return null;
  let z = zones.get(name);
  if (z === undefined) {
    z = TimeZone.of(name);
    if (z === null) throw new Error(`unknown time zone "${name}"`);
    zones.set(name, z);
  }
  return z;
}

export function runJob(job: NormalizeJob): NormalizeReply {
  try {
    const spec = formatSpec(job.format);
    if (!spec) throw new Error(`unsupported format ${JSON.stringify(job.format)}`);
    const opts = { zone: zoneOf(job.zone) };
    const results = job.texts.map((t) => (t === null ? PLACEHOLDER : spec.normalize(t, NO_POSITION, opts)));
    const lines: string[] = [];
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      if (r.kind !== 'quarantined' && r.record !== undefined) lines.push(job.texts[i]!);
    }
    return { id: job.id, packed: packResults(results), raw: packer.packAll(lines) };
  } catch (err) {
    return { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
}
