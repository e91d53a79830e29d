import { describe, expect, it } from 'vitest';
import { normalizeLine } from '../../main/pipeline/normalize/index.js';
import { MAX_JSON_DEPTH, jsonTooDeep } from '../../main/pipeline/normalize/depth.js';
import type { SourcePosition } from '../../main/pipeline/types.js';

const pos: SourcePosition = { file: 'eve.json', line: 1, offset: 0 };
const base = {
  timestamp: '2026-11-21T10:00:00.000000+0000',
  event_type: 'alert',
  src_ip: '203.0.113.7',
  src_port: 51514,
  dest_ip: '10.0.0.5',
  dest_port: 22,
  proto: 'TCP',
  alert: { signature_id: 2001219, signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 },
};

/** The base record with `payload` nested `depth` arrays deep. */
function nested(depth: number): string {
  return `${JSON.stringify(base).slice(0, -1)},"payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;
}

describe('JSON nesting limit (issue 15 item 5)', () => {
  it('quarantines the audit line: 40 KB of EVE nested 20,000 deep, with a reason', () => {
    const line = nested(20_000);
    expect(line.length).toBeGreaterThan(40_000);
    for (const format of ['eve', 'wazuh'] as const) {
      expect(normalizeLine(format, line, pos)).toEqual({ kind: 'quarantined', reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
    }
  });

  it('keeps records nested up to the limit', () => {
    // the record itself is one level, so the payload may add MAX_JSON_DEPTH - 1
    expect(normalizeLine('eve', nested(MAX_JSON_DEPTH - 1), pos).kind).toBe('event');
    expect(normalizeLine('eve', nested(MAX_JSON_DEPTH), pos)).toMatchObject({ kind: 'quarantined', reason: expect.stringMatching(/nested deeper/) });
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(jsonTooDeep(JSON.stringify({ s: '['.repeat(500), t: 'a\\"{{{{', u: '\\\\' }), 3)).toBeNull();
    expect(jsonTooDeep('{"a":{"b":{"c":{}}}}', 3)).toMatch(/deeper than 3/);
    expect(jsonTooDeep('{"a":{"b":{"c":1}}}', 3)).toBeNull();
  });
});
