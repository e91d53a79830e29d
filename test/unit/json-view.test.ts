import { describe, expect, it } from 'vitest';
import { MAX_VIEW_CHARS, MAX_VIEW_DEPTH, formatJson, prettyJson, rawOnlyReason } from '../../renderer/features/alert-detail/json.js';

describe('the alert detail JSON view (issue 15 item 5)', () => {
  it('falls back to raw text for the audit line (nested 20,000 deep) instead of laying it out', () => {
    const raw = `{"event_type":"alert","x":${'['.repeat(20_000)}${']'.repeat(20_000)}}`;
    expect(formatJson(raw)).toBeNull();
    expect(rawOnlyReason(raw)).toMatch(/too deeply nested/);
  });

  it('lays out JSON up to the depth limit and keeps 64-bit digits exact', () => {
    const ok = `{"flow_id":8422898859791863878,"x":${'['.repeat(MAX_VIEW_DEPTH - 1)}1${']'.repeat(MAX_VIEW_DEPTH - 1)}}`;
    expect(prettyJson(ok)).toContain('"flow_id": 8422898859791863878,');
    expect(formatJson(`{"x":${'['.repeat(MAX_VIEW_DEPTH)}1${']'.repeat(MAX_VIEW_DEPTH)}}`)).toBeNull();
  });

  it('falls back when the layout would be too large, and says "not JSON" for text', () => {
    // 60 levels of indentation on every element of a long array
    const wide = `${'['.repeat(60)}${Array(Math.ceil(MAX_VIEW_CHARS / 120)).fill(0).join(',')}${']'.repeat(60)}`;
    expect(formatJson(wide)).toBeNull();
    expect(formatJson('{"a":[1,2]}')).not.toBeNull();
    expect(rawOnlyReason('root:x:0:0')).toBe('not JSON: shown as received');
  });
});
