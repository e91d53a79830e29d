import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EVENT_FORMATS } from '../../main/contract/index.js';
import { FORMATS, formatSpec, normalizeLine, normalizeText } from '../../main/pipeline/normalize/index.js';
import { MAX_JSON_DEPTH } from '../../main/pipeline/normalize/depth.js';
import type { SourcePosition } from '../../main/pipeline/types.js';
import { repoRoot } from '../helpers/services.js';

const pos: SourcePosition = { file: 'wazuh-alerts-4.x-2026.11.21', line: null, offset: null, id: 'AbC123' };
const lines = (name: string) => fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'real', name), 'utf8').split('\n').filter(Boolean);

describe('the format registry', () => {
  it('has a normalizer for every format the contract names, and none for others', () => {
    expect(Object.keys(FORMATS).sort()).toEqual([...EVENT_FORMATS].sort());
    expect(formatSpec('toString')).toBeNull();
    expect(normalizeLine('cef', '{}', pos)).toEqual({ kind: 'quarantined', reason: 'unsupported format "cef"' });
  });

  it('a record handed over as an object (an indexer hit) normalizes like the same record as a line', () => {
    for (const [format, file] of [
      ['wazuh', 'wazuh-dfn-alerts.json'],
      ['eve', 'tenzir-eve.json'],
    ] as const) {
      for (const line of lines(file)) {
        const parsed = JSON.parse(line) as Record<string, unknown>;
        const text = JSON.stringify(parsed);
        const viaObject = normalizeText(format, text, pos, undefined, parsed);
        const viaText = normalizeText(format, text, pos);
        expect(viaObject).toEqual(viaText);
      }
    }
  });

  it('an object nested too deep is quarantined like a line would be', () => {
    let o: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < MAX_JSON_DEPTH + 2; i++) o = { x: o };
    const rec = { timestamp: '2026-11-21T10:00:00.000+0000', rule: { level: 5, id: '1' }, data: o };
    expect(normalizeText('wazuh', JSON.stringify(rec), pos, undefined, rec)).toEqual({ kind: 'quarantined', reason: `JSON nested deeper than ${MAX_JSON_DEPTH} levels` });
  });
});
