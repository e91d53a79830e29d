import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import type { eventsCommand as EventsCommand } from '../../main/cli/commands/events.js';
import type { HuntReader as Reader } from '../../main/hunt/reader.js';
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

  it('an eve export reads the raw lines a page at a time, not one call per record', async () => {
    const dir = tempDir();
    const eve = path.join(dir, 'eve.json');
    const t0 = Date.UTC(2026, 10, 21, 9);
    const many = Array.from({ length: 2500 }, (_, i) =>
      JSON.stringify({ timestamp: new Date(t0 + i * 1000).toISOString().replace('Z', '000+0000'), event_type: 'dns', src_ip: '10.0.0.5', src_port: 40000 + i, dest_ip: '10.0.0.53', dest_port: 53, proto: 'UDP', dns: { type: 'query', id: i, rrname: `n${i}.example.org`, rrtype: 'A' } }),
    );
    fs.writeFileSync(eve, `${many.join('\n')}\n`);
    expect(runCli(['ingest', '--format', 'eve', eve, '--data-dir', dir]).code).toBe(0);
    // the built CLI, in this process (as bin/vigil.mjs runs it), so its reader's calls can be counted
    const dist = (p: string) => pathToFileURL(path.join(repoRoot, 'dist', 'main', p)).href;
    const { eventsCommand } = (await import(dist('cli/commands/events.js'))) as { eventsCommand: typeof EventsCommand };
    const { HuntReader } = (await import(dist('hunt/reader.js'))) as { HuntReader: typeof Reader };
    const reads = vi.spyOn(HuntReader.prototype, 'read');
    const out = path.join(dir, 'export.eve.json');
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await eventsCommand(['export', 'event_type:dns', '--format', 'eve', ...WIDE, '--output', out, '--data-dir', dir])).toBe(0);
    } finally {
      stderr.mockRestore();
    }
    const kinds = reads.mock.calls.map((c) => c[0]);
    reads.mockRestore();
    // three pages of at most 1,000: three page reads and three raw reads
    expect(kinds.filter((k) => k === 'get')).toEqual([]);
    expect(kinds.filter((k) => k === 'getMany')).toHaveLength(3);
    // newest first, each line as the sensor wrote it
    expect(fs.readFileSync(out, 'utf8')).toBe(`${[...many].reverse().join('\n')}\n`);
    // a head beyond one page (1,000 rows) is every row it asks for; a sort by a field, every row in its order
    const headed = runCli(['events', 'export', 'event_type:dns | head 1500', '--format', 'ndjson', ...WIDE, '--data-dir', dir]);
    expect(headed.code, headed.stderr).toBe(0);
    expect(headed.stdout.trim().split('\n')).toHaveLength(1500);
    const sorted = runCli(['events', 'export', 'event_type:dns | sort dns.rrname asc', '--format', 'eve', ...WIDE, '--data-dir', dir]);
    expect(sorted.code, sorted.stderr).toBe(0);
    const rrname = (l: string) => (JSON.parse(l) as { dns: { rrname: string } }).dns.rrname;
    expect(sorted.stdout.trim().split('\n').map(rrname)).toEqual(many.map(rrname).sort());
  });

  it('a query that does not parse is refused with its column; nothing else happens', () => {
    const dir = tempDir();
    const r = runCli(['events', 'list', 'event_type:dns dns.rrname:', '--data-dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('query: expected a value after dns.rrname: at column 27');
    expect(r.stdout).toBe('');
  });
});
