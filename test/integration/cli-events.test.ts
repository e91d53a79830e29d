import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { repoRoot } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = path.join(repoRoot, 'test', 'fixtures', 'eve', 'records.jsonl');
const lines = fs.readFileSync(fixture, 'utf8').split('\n').filter(Boolean);
const WIDE = ['--since', '1960-01-01T00:00:00Z', '--until', '2100-01-01T00:00:00Z'];

describe('vigil events list|show|export', () => {
  it('finds ingested records with the hunt language, shows one with its raw line and exports them as an eve.json', () => {
    const dir = tempDir();
    const ingest = JSON.parse(runCli(['ingest', '--format', 'eve', fixture, '--json', '--data-dir', dir]).stdout);
    expect(ingest.records).toBe(lines.length);

    const list = runCli(['events', 'list', 'event_type:dns dns.rrname:*.example.com', ...WIDE, '--json', '--data-dir', dir]);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as { id: number; summary: Record<string, string> }[];
    expect(rows.map((r) => r.summary['dns.rrname'])).toEqual(['www.example.com']);

    const text = runCli(['events', 'list', 'flow_id:18446744073709551615', ...WIDE, '--data-dir', dir]).stdout;
    expect(text).toContain('[2001:db8::1]:53000');
    expect(text).toContain('18446744073709551615');

    const show = JSON.parse(runCli(['events', 'show', String(rows[0]!.id), '--json', '--data-dir', dir]).stdout);
    expect(lines).toContain(show.raw);

    const out = path.join(dir, 'export.json');
    const exp = runCli(['events', 'export', '', '--format', 'eve', ...WIDE, '--output', out, '--data-dir', dir]);
    expect(exp.code).toBe(0);
    expect(exp.stderr).toBe(`exported ${lines.length} record(s) to ${out}\n`);
    expect(fs.readFileSync(out, 'utf8').split('\n').filter(Boolean).sort()).toEqual([...lines].sort());
  });

  it('a query that does not parse is refused with its column; nothing else happens', () => {
    const dir = tempDir();
    const r = runCli(['events', 'list', 'event_type:dns dns.rrname:', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('query: expected a value after dns.rrname: at column 27');
    expect(r.stdout).toBe('');
  });
});
