import { describe, expect, it } from 'vitest';
import { HEAD_MAX, HuntSyntaxError, parseHuntQuery, quoteValue, termsText } from '../../main/hunt/query.js';
import { compileGroupWhere, compileWhere } from '../../main/store/records-query.js';
import { exportPlan } from '../../main/hunt/export.js';

function error(q: string): { message: string; column: number } {
  try {
    parseHuntQuery(q);
  } catch (e) {
    if (e instanceof HuntSyntaxError) return { message: e.message, column: e.column };
    throw e;
  }
  throw new Error(`"${q}" parsed`);
}

describe('hunt query language: grammar', () => {
  it('reads field filters, OR lists, negation, comparisons and pipes', () => {
    const ast = parseHuntQuery('event_type:dns dns.rrname:*.example.ru src_ip:10.0.0.0/8 -dns.rcode:NOERROR NOT proto:UDP dns.rrtype:(A OR AAAA) | groupby dns.rrname src_ip');
    expect(ast.terms.map((t) => [t.field, t.negate, t.op, t.values.map((v) => v.text)])).toEqual([
      ['event_type', false, '=', ['dns']],
      ['dns.rrname', false, '=', ['*.example.ru']],
      ['src_ip', false, '=', ['10.0.0.0/8']],
      ['dns.rcode', true, '=', ['NOERROR']],
      ['proto', true, '=', ['UDP']],
      ['dns.rrtype', false, '=', ['A', 'AAAA']],
    ]);
    expect(ast.groupby).toEqual(['dns.rrname', 'src_ip']);
    expect(ast.terms[1]!.values[0]!.wildcard).toBe(true);
  });

  it('reads quoted values with escapes, numeric comparisons, sort and head', () => {
    const ast = parseHuntQuery('http.user_agent:"Mozilla/5.0 (X11; \\"Linux\\")" flow.bytes:>=1000000 http.status:>399 | sort flow.bytes asc | head 20');
    expect(ast.terms.map((t) => [t.op, t.values[0]!.text])).toEqual([
      ['=', 'Mozilla/5.0 (X11; "Linux")'],
      ['>=', '1000000'],
      ['>', '399'],
    ]);
    expect(ast.sort).toEqual({ field: 'flow.bytes', dir: 'asc' });
    expect(ast.head).toBe(20);
    expect(parseHuntQuery('| sort ts asc').sort).toEqual({ field: 'ts', dir: 'asc' });
    expect(parseHuntQuery('').terms).toEqual([]);
  });

  it('flow ids are exact 64-bit values; addresses are IPv4, IPv6 or CIDR', () => {
    expect(parseHuntQuery('flow_id:18446744073709551615').terms[0]!.values[0]!.text).toBe('18446744073709551615');
    expect(parseHuntQuery('ip:2001:db8::/32 dst_ip:::1').terms.map((t) => t.values[0]!.text)).toEqual(['2001:db8::/32', '::1']);
  });

  it.each([
    ['event_type:dns dns.rrname: src_ip:10.0.0.1', 'expected a value after dns.rrname: at column 27', 27],
    ['event_type:dns dns.rrname:', 'expected a value after dns.rrname: at column 27', 27],
    ['dns.rrnam:x', 'unknown field "dns.rrnam" (did you mean dns.rrname?) at column 1', 1],
    ['event_type:dns evil.com', 'expected field:value, found "evil.com" (free text is not searched; name a field) at column 16', 16],
    ['dns.rrname:"abc', 'unterminated quoted value (a closing " is missing) starting at column 12', 12],
    ['dns.rrtype:(A OR', 'expected a value after dns.rrtype: at column 17', 17],
    ['dns.rrtype:(A AAAA)', 'expected OR or ")" in the list of dns.rrtype at column 15', 15],
    ['src_ip:10.0.0.0/33', '"10.0.0.0/33" is not an address or CIDR block for src_ip at column 8', 8],
    ['src_ip:10.*', 'src_ip takes an address or a CIDR block (10.0.0.0/8), not a wildcard, at column 8', 8],
    ['dst_port:70000', '"70000" is not a port number (0-65535) for dst_port at column 10', 10],
    ['flow_id:18446744073709551616', '"18446744073709551616" is not a flow id (an unsigned 64-bit number) at column 9', 9],
    ['dns.rrname:>5', 'dns.rrname holds text: only ":" compares it at column 13', 13],
    ['flow.bytes:>lots', '"lots" is not a number for flow.bytes at column 13', 13],
    ['event_type:dns | grup dns.rrname', 'unknown command "grup" (groupby, sort, head) at column 18', 18],
    ['event_type:dns | head 0', 'expected a number of rows (1-10000) after head at column 23', 23],
    ['event_type:dns |', 'expected a command after "|" (groupby, sort, head) at column 17', 17],
    ['| groupby', 'expected a field after groupby at column 10', 10],
    ['| sort dns.rrname sideways', 'expected asc or desc after sort dns.rrname at column 19', 19],
    ['NOT', 'expected field:value, found "NOT" (free text is not searched; name a field) at column 1', 1],
    ['src_ip', 'expected ":" after src_ip at column 7', 7],
    ['event_type:dns)', 'unexpected ")" at column 15', 15],
  ])('%s → %s', (q, message, column) => {
    expect(error(q)).toEqual({ message, column });
  });

  it('termsText writes a tree back so it parses to the same terms (drill-downs, evidence links)', () => {
    const q = 'event_type:(dns OR http) -dns.rrname:"*evil*" http.user_agent:"a \\"b\\"" flow.bytes:>10 src_ip:10.0.0.0/8';
    const ast = parseHuntQuery(q);
    const again = parseHuntQuery(termsText(ast.terms));
    expect(again.terms.map((t) => [t.field, t.negate, t.op, t.values.map((v) => [v.text, v.wildcard])])).toEqual(
      ast.terms.map((t) => [t.field, t.negate, t.op, t.values.map((v) => [v.text, v.wildcard])]),
    );
    expect(quoteValue('OR')).toBe('"OR"');
    expect(quoteValue('a b')).toBe('"a b"');
    expect(quoteValue('example.com')).toBe('example.com');
  });
});

describe('hunt query language: compiled to parameterised SQL only', () => {
  it.each([
    `dns.rrname:"x' OR 1=1 --"`,
    `http.url:"'); DROP TABLE records; --"`,
    `sensor:"a\\" OR \\"1\\"=\\"1"`,
    `event_type:"dns' UNION SELECT * FROM sqlite_master --"`,
  ])('%s puts the value in a parameter, never in the SQL text', (q) => {
    const ast = parseHuntQuery(q);
    const c = compileWhere(ast, 0, 1);
    const value = ast.terms[0]!.values[0]!.text;
    expect(c.sql).not.toContain(value);
    expect(c.sql).not.toMatch(/DROP|UNION|sqlite_master|'x'|1=1/);
    expect(c.params.some((p) => typeof p === 'string' && p.toLowerCase().includes(value.toLowerCase().slice(0, 4)))).toBe(true);
  });

  it('wildcards become LIKE patterns with LIKE\'s own characters escaped', () => {
    const c = compileWhere(parseHuntQuery('dns.rrname:*100%_off*'), 0, 1);
    expect(c.sql).toContain("LIKE ? ESCAPE '\\'");
    expect(c.params).toContain('%100\\%\\_off%');
  });

  it('picks the index that pins the rows', () => {
    expect(compileWhere(parseHuntQuery('flow_id:5 src_ip:10.0.0.1'), 0, 1).index).toBe('records_flow');
    expect(compileWhere(parseHuntQuery('community_id:"1:abc="'), 0, 1).index).toBe('records_community');
    expect(compileWhere(parseHuntQuery('src_ip:10.0.0.1 event_type:dns'), 0, 1).index).toBe('records_src_ts');
    expect(compileWhere(parseHuntQuery('dst_ip:10.0.0.0/8'), 0, 1).index).toBe('records_dst_ts');
    expect(compileWhere(parseHuntQuery('ip:10.0.0.1'), 0, 1).index).toBe('rowid');
    expect(compileWhere(parseHuntQuery('event_type:dns dns.rrname:*.ru'), 0, 1).index).toBe('records_type_ts');
    expect(compileWhere(parseHuntQuery('dns.rrname:*.ru'), 0, 1).index).toBe('records_type_ts');
    expect(compileWhere(parseHuntQuery('flow.bytes:>1000'), 0, 1).index).toBe('records_ts'); // flow and netflow
    expect(compileWhere(parseHuntQuery('-dns.rrname:*.ru'), 0, 1).index).toBe('records_ts');
    expect(compileWhere(parseHuntQuery('-flow_id:5'), 0, 1).index).toBe('records_ts');
  });

  it('rows read through an address index can also be read one id bucket at a time', () => {
    // one address: the index itself is held to the bucket; either address: both subqueries are
    const one = compileWhere(parseHuntQuery('src_ip:10.0.0.1 event_type:dns'), 0, 1).perBucket!;
    expect(one.sql.match(/@bucket/g)).toHaveLength(1);
    expect(one.params).toHaveLength(4); // the range, the address, the type: no bucket range
    const either = compileWhere(parseHuntQuery('ip:10.0.0.1 ip:10.0.0.2'), 0, 1).perBucket!;
    expect(either.sql.match(/\(id >> 16\) = @bucket/g)).toHaveLength(4);
    expect(either.sql).not.toContain('record_blocks');
    // the whole range's form names the range's buckets instead
    expect(compileWhere(parseHuntQuery('ip:10.0.0.1'), 0, 1).sql).toContain('record_blocks');
    for (const q of ['flow_id:5 ip:10.0.0.1', 'event_type:dns', '-ip:10.0.0.1', 'community_id:"1:a="']) expect(compileWhere(parseHuntQuery(q), 0, 1).perBucket).toBeUndefined();
  });

  it('a group-by held to event types reads the type index, whatever their number (no time order needed)', () => {
    expect(compileWhere(parseHuntQuery('event_type:(dns OR tls)'), 0, 1).index).toBe('records_ts');
    expect(compileGroupWhere(parseHuntQuery('event_type:(dns OR tls)'), 0, 1).index).toBe('records_type_ts');
    expect(compileGroupWhere(parseHuntQuery('flow.bytes:>1000'), 0, 1).index).toBe('records_type_ts'); // flow and netflow
    expect(compileGroupWhere(parseHuntQuery('src_ip:10.0.0.1 event_type:(dns OR tls)'), 0, 1).index).toBe('records_src_ts');
    expect(compileGroupWhere(parseHuntQuery('-event_type:dns'), 0, 1).index).toBe('records_ts');
    expect(compileGroupWhere(parseHuntQuery('event_type:d*'), 0, 1).index).toBe('records_ts');
    expect(compileGroupWhere(parseHuntQuery('-dns.rrname:*.ru'), 0, 1).index).toBe('records_ts');
    expect(compileGroupWhere(parseHuntQuery('sensor:a'), 0, 1).index).toBe('records_ts');
  });
});

describe('exportPlan: what an export of a query reads', () => {
  it('reads what the list reaches: every record, the head, or 10,000 sorted by a field; a groupby is refused', () => {
    expect(exportPlan('event_type:dns')).toEqual({ query: 'event_type:dns', max: Number.MAX_SAFE_INTEGER });
    expect(exportPlan('event_type:dns | sort ts asc')).toEqual({ query: 'event_type:dns | sort ts asc', max: Number.MAX_SAFE_INTEGER });
    expect(exportPlan('event_type:dns | head 5000')).toEqual({ query: 'event_type:dns | head 5000', max: 5000 });
    expect(exportPlan('event_type:dns | sort ts asc | head 20')).toEqual({ query: 'event_type:dns | sort ts asc | head 20', max: 20 });
    expect(exportPlan('event_type:dns | sort dns.rrname')).toEqual({ query: 'event_type:dns | sort dns.rrname', max: HEAD_MAX });
    expect(exportPlan('event_type:dns | sort dns.rrname | head 30')).toEqual({ query: 'event_type:dns | sort dns.rrname | head 30', max: 30 });
    expect(() => exportPlan('event_type:dns | groupby dns.rrname')).toThrow(/groupby/);
    expect(() => exportPlan('event_type:dns dns.rrname:')).toThrow(/at column 27/);
  });
});
