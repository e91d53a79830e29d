import { describe, expect, it } from 'vitest';
import { createSimulator, type ScenarioName, type SimRecord } from '../../main/pipeline/sources/simulator.js';

const START = Date.parse('2026-11-21T10:00:00.000Z');
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

interface Parsed {
  r: SimRecord;
  o: Json;
  t: number;
}

function parse(r: SimRecord): Parsed {
  const o = JSON.parse(r.line.replace(/"flow_id":(\d+)/, '"flow_id":"$1"')) as Json;
  const ts = (o.timestamp as string).replace(/([+-]\d\d)(\d\d)$/, '$1:$2').replace(/(\.\d{3})\d+/, '$1');
  return { r, o, t: Date.parse(ts) };
}

/** `seconds` of event time at `rate` records per second, in 1 s ticks. */
function run(scenario: ScenarioName, rate: number, seconds: number, seed = 11): Parsed[] {
  const sim = createSimulator({ scenario, seed, start: new Date(START) });
  const out: Parsed[] = [];
  for (let i = 1; i <= seconds; i++) out.push(...sim.next(rate, new Date(START + i * 1000)).map(parse));
  return out;
}

const alertsOf = (ps: Parsed[]) => ps.filter((p) => p.r.format === 'eve' && p.o.event_type === 'alert').map((p) => p.o);
const wazuhOf = (ps: Parsed[]) => ps.filter((p) => p.r.format === 'wazuh').map((p) => p.o);

/** Largest count of items per key inside any window of `windowMs`. */
function maxInWindow(items: { key: string; t: number; value?: string }[], windowMs: number, distinct: boolean): { key: string; n: number } {
  const byKey = new Map<string, { t: number; value?: string }[]>();
  for (const it of items) (byKey.get(it.key) ?? byKey.set(it.key, []).get(it.key)!).push(it);
  let best = { key: '', n: 0 };
  for (const [key, list] of byKey) {
    list.sort((a, b) => a.t - b.t);
    for (let i = 0, j = 0; j < list.length; j++) {
      while (list[j]!.t - list[i]!.t > windowMs) i++;
      const slice = list.slice(i, j + 1);
      const n = distinct ? new Set(slice.map((x) => x.value)).size : slice.length;
      if (n > best.n) best = { key, n };
    }
  }
  return best;
}

describe('simulator scenarios', () => {
  for (const seed of [1, 2, 3]) {
    it(`brute_force (seed ${seed}): >= 5 auth failures from one source within 60 s at rate 20`, () => {
      const ps = run('brute_force', 20, 60, seed);
      const failures = ps
        .filter((p) => p.r.format === 'wazuh' && (p.o.rule.groups as string[]).includes('authentication_failed'))
        .map((p) => ({ key: p.o.data.srcip as string, t: p.t }));
      const best = maxInWindow(failures, 60_000, false);
      expect(best.n).toBeGreaterThanOrEqual(5);
      expect(best.key.startsWith('10.') || best.key.startsWith('192.168.')).toBe(false);
      const w = wazuhOf(ps);
      const ids = new Set(w.map((o) => o.rule.id));
      expect(ids.has('5760') || ids.has('5716')).toBe(true);
      expect(ids.has('5763') || ids.has('5712')).toBe(true);
      const fail = w.find((o) => o.rule.id === '5760' || o.rule.id === '5716')!;
      expect(fail.rule.level).toBe(5);
      expect(fail.rule.groups).toEqual(['syslog', 'sshd', 'authentication_failed']);
      expect(fail.rule.mitre.id).toContain('T1110.001');
      expect(fail.full_log).toMatch(/sshd\[\d+\]: Failed (password|publickey) for \S+ from [\d.]+ port \d+ ssh2/);
      const users = new Set(w.filter((o) => (o.rule.groups as string[]).includes('authentication_failed')).map((o) => o.data.srcuser ?? o.data.dstuser));
      expect(users.size).toBeGreaterThan(4);
      const big = w.find((o) => o.rule.id === '5763' || o.rule.id === '5712')!;
      expect(big.rule.level).toBe(10);
      expect(big.previous_output.split('\n').length).toBeGreaterThan(3);
      const scan = alertsOf(ps).find((a) => a.alert.signature_id === 2001219)!;
      expect(scan.alert).toMatchObject({ signature: 'ET SCAN Potential SSH Scan', category: 'Attempted Information Leak', severity: 2 });
      expect(scan.dest_port).toBe(22);
    });
  }

  for (const seed of [1, 2, 3]) {
    it(`port_scan (seed ${seed}): >= 15 distinct destination ports from one source within 60 s`, () => {
      const ps = run('port_scan', 20, 60, seed);
      const probes = alertsOf(ps)
        .filter((a) => (a.alert.signature as string).startsWith('ET SCAN'))
        .map((a) => ({ key: a.src_ip as string, t: Date.parse((a.timestamp as string).replace(/([+-]\d\d)(\d\d)$/, '$1:$2')), value: String(a.dest_port) }));
      expect(maxInWindow(probes, 60_000, true).n).toBeGreaterThanOrEqual(15);
      expect(alertsOf(ps).some((a) => a.alert.category === 'Detection of a Network Scan')).toBe(true);
    });
  }

  it('sql_injection: ET WEB_SERVER alerts on :80/:443 and Wazuh web rules with access lines', () => {
    const ps = run('sql_injection', 20, 60);
    const web = alertsOf(ps).filter((a) => a.alert.category === 'Web Application Attack');
    expect(web.length).toBeGreaterThan(50);
    expect(web.some((a) => a.alert.signature_id === 2006446 && /UNION SELECT/.test(a.alert.signature))).toBe(true);
    for (const a of web) {
      expect(a.alert.severity).toBe(1);
      expect([80, 443, 8080]).toContain(a.dest_port);
      expect(a.http.url).toMatch(/\?/);
    }
    const w = wazuhOf(ps).filter((o) => (o.rule.groups as string[]).includes('sql_injection'));
    expect(w.some((o) => o.rule.id === '31103' && o.rule.level === 7)).toBe(true);
    expect(w.some((o) => o.rule.id === '31164' && o.rule.level === 6)).toBe(true);
    for (const o of w) {
      expect(o.rule.groups).toEqual(['web', 'accesslog', 'attack', 'sql_injection']);
      expect(o.rule.mitre.id).toEqual(['T1190']);
      expect(o.full_log).toMatch(/^[\d.]+ - - \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d \+0000\] "GET \S+ HTTP\/1\.1" \d{3} \d+ "-" ".+"$/);
    }
  });

  it('ddos: ET DOS alerts from many sources to one target', () => {
    const ps = run('ddos', 50, 20);
    const dos = alertsOf(ps).filter((a) => a.alert.category === 'Attempted Denial of Service');
    expect(dos.length).toBeGreaterThan(ps.length * 0.6);
    for (const a of dos) {
      expect(a.alert.signature).toMatch(/^ET DOS /);
      expect(a.alert.severity).toBe(2);
    }
    const byTarget = new Map<string, Set<string>>();
    for (const a of dos) (byTarget.get(a.dest_ip) ?? byTarget.set(a.dest_ip, new Set()).get(a.dest_ip)!).add(a.src_ip);
    expect(Math.max(...[...byTarget.values()].map((s) => s.size))).toBeGreaterThan(50);
  });

  it('ransomware: FIM renames to .locked, SMB executable alert, level 12 rules', () => {
    const ps = run('ransomware', 20, 60);
    const w = wazuhOf(ps);
    const added = w.filter((o) => (o.rule.groups as string[]).includes('syscheck_entry_added') && /\.locked$/.test(o.syscheck.path));
    expect(added.length).toBeGreaterThan(100);
    for (const o of added) {
      expect(o.rule.groups).toEqual(expect.arrayContaining(['ossec', 'syscheck', 'syscheck_entry_added']));
      expect(o.rule.mitre.id).toEqual(['T1486']);
      expect(o.location).toBe('syscheck');
      expect(o.syscheck.event).toBe('added');
      expect(o.full_log).toBe(`File '${o.syscheck.path}' added\nMode: realtime\n`);
    }
    // Stock rules too: the originals deleted, ransom notes added.
    expect(w.some((o) => o.rule.id === '553' && o.syscheck.event === 'deleted')).toBe(true);
    expect(w.some((o) => o.rule.id === '554' && /readme_to_restore_files\.txt$/.test(o.syscheck.path))).toBe(true);
    const modified = w.find((o) => o.rule.id === '550')!;
    expect(modified.rule).toMatchObject({ level: 7, groups: ['ossec', 'syscheck', 'syscheck_entry_modified', 'syscheck_file'] });
    expect(modified.rule.mitre.id).toContain('T1565.001');
    const l12 = w.filter((o) => o.rule.level >= 12);
    expect(l12.some((o) => (o.rule.mitre?.id ?? []).includes('T1486'))).toBe(true);
    const smb = alertsOf(ps).find((a) => a.alert.signature_id === 2025701)!;
    expect(smb.alert.signature).toBe('ET POLICY SMB2 NT Create AndX Request For an Executable File');
    expect(smb.dest_port).toBe(445);
  });

  it('exfiltration: DNS tunnelling and large outbound transfers from an internal host, T1048', () => {
    const ps = run('exfiltration', 20, 60);
    const al = alertsOf(ps).filter((a) => (a.alert.metadata?.mitre_technique_id ?? []).includes('T1048'));
    expect(al.length).toBeGreaterThan(50);
    expect(al.some((a) => a.alert.signature === 'ET INFO DNS Query for Suspicious .top Domain')).toBe(true);
    const big = al.filter((a) => /Large outbound transfer/.test(a.alert.signature));
    expect(big.length).toBeGreaterThan(0);
    for (const a of big) {
      expect(a.alert.category).toBe('Potential Corporate Privacy Violation');
      expect(a.src_ip).toMatch(/^(10\.|192\.168\.)/);
      expect(a.dest_ip).not.toMatch(/^(10\.|192\.168\.)/);
    }
    expect(ps.some((p) => p.o.event_type === 'dns' && /\.top$/.test(p.o.dns.rrname) && p.o.dns.rrname.length > 60)).toBe(true);
  });

  it('normal: mostly non-alert EVE and low-severity noise', () => {
    const ps = run('normal', 20, 60);
    const nonAlert = ps.filter((p) => p.r.format === 'eve' && p.o.event_type !== 'alert');
    expect(nonAlert.length).toBeGreaterThan(ps.length / 2);
    expect(new Set(nonAlert.map((p) => p.o.event_type))).toEqual(new Set(['flow', 'dns', 'http', 'tls']));
    for (const a of alertsOf(ps)) expect(a.alert.severity).toBeGreaterThanOrEqual(3);
    const w = wazuhOf(ps);
    expect(w.some((o) => o.rule.id === '5715' && o.rule.level === 3)).toBe(true);
    expect(w.filter((o) => o.rule.level > 3).length).toBeLessThan(w.length * 0.1);
  });

  it('mixed: several scenarios blended, normal dominant', () => {
    const ps = run('mixed', 20, 60);
    const by = new Map<string, number>();
    for (const p of ps) by.set(p.r.scenario ?? '?', (by.get(p.r.scenario ?? '?') ?? 0) + 1);
    expect(by.size).toBeGreaterThanOrEqual(5);
    expect(by.get('normal')!).toBeGreaterThan(ps.length / 2);
    // And visibly so in the records themselves, not just the label.
    const w = wazuhOf(ps);
    const a = alertsOf(ps);
    expect(w.some((o) => o.rule.id === '5710' || o.rule.id === '5760')).toBe(true);
    expect(a.some((x) => /^ET SCAN /.test(x.alert.signature))).toBe(true);
    expect(a.some((x) => x.alert.category === 'Web Application Attack' || x.alert.category === 'Attempted Denial of Service')).toBe(true);
  });
});
