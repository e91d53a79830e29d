import { Buffer } from 'node:buffer';
import { QUARANTINE_RAW_MAX, type EventFormat, type QuarantineRecord, type SourcePosition } from '../types.js';

/**
 * The record to keep for a quarantined line: the line cut to QUARANTINE_RAW_MAX UTF-8 bytes (on a
 * character boundary), the cut noted in the reason.
 */
export function toQuarantineRecord(
  format: EventFormat,
  line: string,
  position: SourcePosition,
  reason: string,
): QuarantineRecord {
  if (line.length * 3 <= QUARANTINE_RAW_MAX) return { format, reason, raw: line, position };
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= QUARANTINE_RAW_MAX) return { format, reason, raw: line, position };
  let cut = QUARANTINE_RAW_MAX;
  // Back up over UTF-8 continuation bytes (10xxxxxx) so no character is split.
  while (cut > 0 && ((bytes[cut] ?? 0) & 0xc0) === 0x80) cut--;
  return {
    format,
    reason: `${reason} (raw cut to ${cut} of ${bytes.length} bytes)`,
    raw: bytes.subarray(0, cut).toString('utf8'),
    position,
  };
}
