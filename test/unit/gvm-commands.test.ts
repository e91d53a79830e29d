import { describe, expect, it } from 'vitest';
import { cmd } from '../../main/connectors/gvm/commands.js';
import { GmpInputError } from '../../main/connectors/gvm/errors.js';
import { attr, text, textAt } from '../../main/connectors/gvm/xml.js';
import { replyTree } from '../simulators/gvm/parse.js';

const NASTY = `a<b>&"c"'d'`;
const PL = '13e28c8d-2757-4f42-8664-93e60e170acc';

describe('GMP escaping', () => {
  it('escapes text and attributes for both quote styles', () => {
    expect(text(NASTY)).toBe(`a&lt;b&gt;&amp;"c"'d'`);
    expect(attr(NASTY)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    expect(replyTree(`<x a="${attr(NASTY)}" b='${attr(NASTY)}'>${text(NASTY)}</x>`)).toMatchObject({ attrs: { a: NASTY, b: NASTY }, text: NASTY });
  });

  it('refuses characters XML cannot carry, naming the field', () => {
    expect(() => text('a\u0000b', 'name')).toThrow(GmpInputError);
    expect(() => text('a\u0007b', 'name')).toThrow(/name contains a character XML cannot carry \(U\+0007\)/);
    expect(() => attr('\uD800')).toThrow(GmpInputError);
    expect(text('tab\tnewline\n é 😀')).toBe('tab\tnewline\n é 😀');
  });
});

describe('GMP commands', () => {
  it('escapes every user string of a target and reads back as sent', () => {
    const xml = cmd.createTarget({ name: `web ${NASTY}`, hosts: ['10.0.0.1', ` 10.0.0.0/24 `, 'h<&>'], excludeHosts: `10.0.0.5,${NASTY}`, portListId: PL, aliveTests: 'Consider Alive', comment: NASTY });
    const t = replyTree(xml);
    expect(t.name).toBe('create_target');
    expect(textAt(t, 'name')).toBe(`web ${NASTY}`);
    expect(textAt(t, 'hosts')).toBe('10.0.0.1,10.0.0.0/24,h<&>');
    expect(textAt(t, 'exclude_hosts')).toBe(`10.0.0.5,${NASTY}`);
    expect(textAt(t, 'comment')).toBe(NASTY);
    expect(textAt(t, 'alive_tests')).toBe('Consider Alive');
    expect(t.children.find((c) => c.name === 'port_list')!.attrs.id).toBe(PL);
  });

  it('escapes every user string of a task, in the order gvmd reads them', () => {
    const xml = cmd.createTask({ name: NASTY, comment: NASTY, configId: PL, targetId: PL, scannerId: PL });
    const t = replyTree(xml);
    expect(t.children.map((c) => c.name)).toEqual(['name', 'comment', 'usage_type', 'config', 'target', 'scanner']);
    expect(textAt(t, 'name')).toBe(NASTY);
    expect(textAt(t, 'comment')).toBe(NASTY);
  });

  it('refuses bad arguments before anything is sent', () => {
    expect(() => cmd.createTarget({ name: ' ', hosts: '10.0.0.1', portListId: PL })).toThrow(/name must not be empty/);
    expect(() => cmd.createTarget({ name: 'x', hosts: ' , ', portListId: PL })).toThrow(/hosts needs at least one host/);
    expect(() => cmd.createTarget({ name: 'x', hosts: '10.0.0.1', portListId: `${PL}"/><delete_task` })).toThrow(/portListId must be a gvmd id/);
    expect(() => cmd.createTarget({ name: 'x', hosts: '10.0.0.1', portListId: PL, aliveTests: 'Ping' as never })).toThrow(GmpInputError);
    expect(() => cmd.taskAction('start_task', "1' or '1")).toThrow(/start_task: value must be a gvmd id/);
  });

  it('asks for the whole report with explicit QoD and levels, without a feed-dependent format id', () => {
    expect(cmd.resultsFilter()).toBe('apply_overrides=0 min_qod=70 levels=chmlg rows=-1 first=1 sort-reverse=severity');
    expect(cmd.resultsFilter({ minQod: 0, levels: 'hhmf', applyOverrides: true })).toBe('apply_overrides=1 min_qod=0 levels=hmf rows=-1 first=1 sort-reverse=severity');
    expect(() => cmd.resultsFilter({ levels: 'x' })).toThrow(/levels are letters/);
    expect(() => cmd.resultsFilter({ minQod: 101 })).toThrow(GmpInputError);
    const req = replyTree(cmd.getReportResults(PL, cmd.resultsFilter()));
    expect(req.attrs).toEqual({ report_id: PL, details: '1', ignore_pagination: '1', filter: cmd.resultsFilter() });
  });
});
