import { describe, expect, it } from 'vitest';
import { normalizeLine, toQuarantineRecord } from '../../main/pipeline/normalize/index.js';
import { QUARANTINE_RAW_MAX, type SourcePosition } from '../../main/pipeline/types.js';

const pos: SourcePosition = { file: 'eve.json', line: 7, offset: 1234 };

describe('toQuarantineRecord', () => {
  it('keeps a short line as it is', () => {
    const line = '{"event_type":"alert"';
    const r = normalizeLine('eve', line, pos);
    expect(r.kind).toBe('quarantined');
    if (r.kind !== 'quarantined') return;
    expect(toQuarantineRecord('eve', line, pos, r.reason)).toEqual({ format: 'eve', reason: r.reason, raw: line, position: pos });
  });

  it('cuts a long line to QUARANTINE_RAW_MAX bytes on a character boundary and says so', () => {
    const line = `{"x":"${'a'.repeat(QUARANTINE_RAW_MAX - 7)}€€€€"}`; // the cut falls inside a 3-byte '€'
    const rec = toQuarantineRecord('wazuh', line, pos, 'missing timestamp');
    const bytes = Buffer.byteLength(rec.raw, 'utf8');
    expect(bytes).toBeLessThanOrEqual(QUARANTINE_RAW_MAX);
    expect(line.startsWith(rec.raw)).toBe(true);
    expect(rec.raw.endsWith('\ufffd')).toBe(false);
    expect(rec.reason).toBe(`missing timestamp (raw cut to ${bytes} of ${Buffer.byteLength(line, 'utf8')} bytes)`);
    expect(rec.format).toBe('wazuh');
    expect(rec.position).toBe(pos);
  });

  it('does not cut a line of exactly QUARANTINE_RAW_MAX bytes', () => {
    const line = 'b'.repeat(QUARANTINE_RAW_MAX);
    expect(toQuarantineRecord('eve', line, pos, 'r')).toEqual({ format: 'eve', reason: 'r', raw: line, position: pos });
  });
});
