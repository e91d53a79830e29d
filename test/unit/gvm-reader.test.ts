import { describe, expect, it } from 'vitest';
import { GmpProtocolError } from '../../main/connectors/gvm/errors.js';
import { GmpReader, ResponseCollector, type CollectorOptions } from '../../main/connectors/gvm/reader.js';
import { child, children, textAt, type XNode } from '../../main/connectors/gvm/xml.js';
import { exchange, loadRecording } from '../simulators/gvm/recorded.js';

const unix = loadRecording('unix');
const tls = loadRecording('tls');

/** Feeds `chunks` to a reader waiting for `count` replies; returns the roots and any fatal error. */
function read(chunks: string[], count: number, opts: Partial<CollectorOptions> = {}): { roots: XNode[]; error: GmpProtocolError | null } {
  const roots: XNode[] = [];
  let error: GmpProtocolError | null = null;
  const reader = new GmpReader((err) => (error = err));
  for (let i = 0; i < count; i++) reader.expect({ collector: new ResponseCollector({ maxChars: 1 << 20, ...opts }), done: (root) => roots.push(root) });
  for (const c of chunks) reader.write(c);
  return { roots, error };
}

describe('GMP reply framing', () => {
  it('reads a recorded reply whole, with mixed attribute quotes and counts that mix text and elements', () => {
    const { roots, error } = read([exchange(unix, 'get_tasks-poll-0').response], 1);
    expect(error).toBeNull();
    const root = roots[0]!;
    expect(root.name).toBe('get_tasks_response');
    expect(root.attrs).toEqual({ status: '200', status_text: 'OK' });
    const task = child(root, 'task')!;
    // <scanner id='...'> uses single quotes in gvmd's output
    expect(child(task, 'scanner')!.attrs.id).toBe('08b69003-5fc2-4037-a479-93b440211c73');
    // <report_count>1<finished>0</finished></report_count>
    expect(child(task, 'report_count')!.text).toBe('1');
    expect(textAt(task, 'report_count', 'finished')).toBe('0');
    expect(textAt(task, 'target', 'name')).toBe('vigil-target-u1 & <escaped>');
  });

  it('tells apart replies to pipelined commands that arrive concatenated in one record', () => {
    const a = exchange(tls, 'get_version').response;
    const b = exchange(tls, 'create_target-duplicate-name').response;
    const c = exchange(tls, 'get_scanners').response;
    const { roots, error } = read([a + b + c], 3);
    expect(error).toBeNull();
    expect(roots.map((r) => r.name)).toEqual(['get_version_response', 'create_target_response', 'get_scanners_response']);
    expect(roots[1]!.attrs.status).toBe('400');
    expect(children(roots[2], 'scanner')).toHaveLength(2);
  });

  it('gives the same tree whatever byte the reply is split at', () => {
    const xml = exchange(unix, 'get_reports-imported-all').response;
    const whole = read([xml], 1).roots[0];
    for (let cut = 1; cut < xml.length; cut += 61) {
      const { roots, error } = read([xml.slice(0, cut), xml.slice(cut)], 1);
      expect(error).toBeNull();
      expect(roots[0]).toEqual(whole);
    }
    // and one character at a time
    const small = exchange(unix, 'get_tasks-poll-0').response;
    expect(read([...small], 1).roots[0]).toEqual(read([small], 1).roots[0]);
  });

  it('keeps a report skeleton and hands out each result as it closes, never in the tree', () => {
    const xml = exchange(tls, 'get_reports-imported-all').response;
    const emitted: XNode[] = [];
    const { roots, error } = read([xml], 1, {
      decide: (names) => (names.length === 5 && names[3] === 'results' ? 'emit' : names.length === 4 && names[3] !== 'results' && names[3] !== 'scan_run_status' ? 'skip' : 'keep'),
      onEmit: (n) => emitted.push(n),
    });
    expect(error).toBeNull();
    expect(emitted.map((n) => n.name)).toEqual(['result', 'result', 'result', 'result', 'result']);
    const inner = child(child(roots[0], 'report'), 'report')!;
    expect(textAt(inner, 'scan_run_status')).toBe('Done');
    expect(child(inner, 'results')!.children).toEqual([]);
    expect(child(inner, 'ports')).toBeUndefined();
  });

  it('fails on malformed XML, on a reply nobody waits for, and on an oversized reply', () => {
    expect(read(['<get_tasks_response status="200"><task></get_tasks_response>'], 1).error).toBeInstanceOf(GmpProtocolError);
    const unsolicited = read([exchange(unix, 'get_version').response + '<get_version_response status="200"/>'], 1);
    expect(unsolicited.roots).toHaveLength(1);
    expect(unsolicited.error?.message).toMatch(/no command waiting/);
    expect(read([`<get_version_response status="200">${'x'.repeat(5000)}</get_version_response>`], 1, { maxChars: 1024 }).error?.message).toMatch(/larger than 1024/);
    expect(read(['junk<a/>'], 1).error?.message).toMatch(/text outside/);
  });

  it('ignores whitespace between replies and decodes entities', () => {
    const { roots, error } = read(['\n<get_version_response status="200" status_text="OK"><version>22&#46;7 &amp; &lt;x&gt;</version></get_version_response>\n  '], 1);
    expect(error).toBeNull();
    expect(textAt(roots[0], 'version')).toBe('22.7 & <x>');
  });
});
