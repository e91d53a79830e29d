import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { testServices } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { ESCAPE_PAYLOADS, UNSAFE } from '../helpers/escapes.js';
const ATTACK = ESCAPE_PAYLOADS.map(([, p]) => p).join(' ');

function eveAlert(signature: string): string {
  // the alert object first, so the signature is within the part of the raw line "show" prints
  return JSON.stringify({
    alert: { action: 'allowed', gid: 1, signature_id: 2999001, rev: 1, signature, category: 'A Network Trojan was detected', severity: 1 },
    timestamp: '2026-11-21T10:00:00.000000+0000',
    event_type: 'alert',
    src_ip: '203.0.113.66',
    src_port: 4444,
    dest_ip: '10.0.0.5',
    dest_port: 443,
    proto: 'TCP',
  });
}

describe('security (issue 15.6): terminal escapes in data never reach the analyst\'s terminal', () => {
  it('alerts list/show and quarantine list print titles, notes and raw lines without escapes or bidi controls; --json stays exact', async () => {
    const dir = tempDir();
    const eve = path.join(dir, 'eve.json');
    // the title carries every payload (JSON escapes C0 in the file; C1 and bidi stay literal in the raw line);
    // the second line is not JSON at all and goes to the quarantine with its escape bytes as they are
    fs.writeFileSync(eve, `${eveAlert(`ET TROJAN beacon ${ATTACK}`)}\ngarbage ${ATTACK}\n`);
    expect(runCli(['ingest', '--format', 'eve', eve, '--data-dir', dir])).toMatchObject({ code: 0 });
    const s = await testServices(dir);
    const [alert] = s.alerts.list({}, 1).items;
    expect(alert!.title).toContain('\x1b]52;c;');
    s.alerts.setStatus(alert!.id, 'ACKNOWLEDGED', 'ana', `looked at it ${ATTACK}`);
    await s.close();

    const outputs = {
      list: runCli(['alerts', 'list', '--data-dir', dir]),
      show: runCli(['alerts', 'show', String(alert!.id), '--data-dir', dir]),
      quarantine: runCli(['quarantine', 'list', '--data-dir', dir]),
    };
    for (const [name, r] of Object.entries(outputs)) {
      expect(r.code, name).toBe(0);
      expect(r.stdout, name).not.toMatch(UNSAFE);
      // the payloads' own ordinary text stays readable
      expect(r.stdout, name).toContain('click');
    }
    expect(outputs.list.stdout).toContain('ET TROJAN beacon ab ab ab click ab ab ab ab');
    expect(outputs.show.stdout).toContain('looked at it ab ab');
    expect(outputs.show.stdout).toContain('"signature":"ET TROJAN beacon '); // the raw line
    expect(outputs.quarantine.stdout).toContain('garbage ab ab');
    // a CR or LF inside a value never starts a line of its own
    expect(outputs.show.stdout.split('\n').filter((l) => l.startsWith('good'))).toEqual([]);

    for (const args of [['alerts', 'show', String(alert!.id), '--json'], ['alerts', 'list', '--json'], ['quarantine', 'list', '--json'], ['alerts', 'export', '--format', 'ndjson']]) {
      const r = runCli([...args, '--data-dir', dir]);
      expect(r.stdout, args.join(' ')).not.toMatch(UNSAFE);
      expect(r.stdout).toContain('\\u001b]52;c;');
      expect(r.stdout).toContain('\\u202e');
    }
    const detail = JSON.parse(runCli(['alerts', 'show', String(alert!.id), '--json', '--data-dir', dir]).stdout);
    expect(detail.alert.title).toBe(alert!.title);
    expect(detail.history.at(-1).note).toBe(`looked at it ${ATTACK}`);
    const q = JSON.parse(runCli(['quarantine', 'list', '--json', '--data-dir', dir]).stdout);
    expect(q.items[0].raw).toBe(`garbage ${ATTACK}`);
  }, 120_000);

  it('error messages that quote what was typed are terminal-safe too', () => {
    const r = runCli([`frobnicate${ATTACK}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^vigil: unknown command "frobnicateab ab/);
    expect(r.stderr).not.toMatch(UNSAFE);
  });
});
