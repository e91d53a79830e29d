import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AttackTable, attackTablePath } from '../../main/pipeline/detect/attack.js';
import { SURICATA_CATEGORY_RULES, isAuthFailure, mapEvent } from '../../main/pipeline/detect/mapping.js';
import { createDetector } from '../../main/pipeline/detect/index.js';
import type { AddressInfo, EnrichedEvent } from '../../main/pipeline/types.js';

const attack = AttackTable.load(attackTablePath(fileURLToPath(new URL('../../resources', import.meta.url))));

function addr(ip: string | null): AddressInfo | null {
  if (ip === null) return null;
  const priv = /^(10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.)/.test(ip);
  return { ip, class: priv ? 'private' : 'public', external: !priv, geo: null };
}

function ev(p: Partial<EnrichedEvent> = {}): EnrichedEvent {
  const src_ip = p.src_ip === undefined ? '203.0.113.7' : p.src_ip;
  const dst_ip = p.dst_ip === undefined ? '10.0.0.5' : p.dst_ip;
  return {
    source: 'suricata',
    ts: '2026-11-21T09:00:00.000Z',
    severity: 'medium',
    sev_raw: 2,
    rule_id: '1:2000000',
    title: 'Test signature',
    category: null,
    src_port: 40000,
    dst_port: 80,
    proto: 'TCP',
    agent: null,
    user: null,
    sensor: null,
    technique_ids: [],
    flow_id: null,
    community_id: null,
    action: 'allowed',
    groups: [],
    full_log: null,
    location: null,
    raw: '{}',
    position: { file: 'test', line: 1, offset: 0 },
    ...p,
    src_ip,
    dst_ip,
    src: p.src === undefined ? addr(src_ip) : p.src,
    dst: p.dst === undefined ? addr(dst_ip) : p.dst,
  };
}

function wazuh(title: string, groups: string[], p: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return ev({ source: 'wazuh', title, groups, category: groups.join(','), action: null, dst_port: null, rule_id: '5710', ...p });
}

const suri = (title: string, category: string | null = null, p: Partial<EnrichedEvent> = {}) =>
  mapEvent(ev({ title, category, ...p }), attack);

describe('suricata categories', () => {
  const cases: [string, string, string[]][] = [
    ['Attempted Administrator Privilege Gain', 'exploit', ['T1190', 'T1068']],
    ['Attempted User Privilege Gain', 'exploit', ['T1203']],
    ['Successful Administrator Privilege Gain', 'exploit', ['T1068', 'T1078']],
    ['Web Application Attack', 'web_attack', ['T1190']],
    ['access to a potentially vulnerable web application', 'web_attack', ['T1190']],
    ['A Network Trojan was detected', 'malware', ['T1204.002']],
    ['Potentially Bad Traffic', 'anomaly', []],
    ['Detection of a Network Scan', 'port_scan', ['T1046']],
    ['Attempted Denial of Service', 'flood', ['T1499']],
    ['Denial of Service', 'flood', ['T1498', 'T1499']],
    ['Attempted Information Leak', 'reconnaissance', ['T1595']],
    ['Information Leak', 'reconnaissance', ['T1592']],
    ['Large Scale Information Leak', 'reconnaissance', ['T1590', 'T1592']],
    ['Misc activity', 'policy', []],
    ['Misc Attack', 'anomaly', []],
    ['Generic Protocol Command Decode', 'anomaly', []],
    ['Potential Corporate Privacy Violation', 'policy', []],
    ['Executable code was detected', 'exploit', ['T1203']],
    ['Decode of an RPC Query', 'reconnaissance', ['T1046']],
    ['A suspicious filename was detected', 'malware', ['T1204.002']],
    ['An attempted login using a suspicious username was detected', 'brute_force', ['T1110']],
    ['Device Retrieving External IP Address Detected', 'reconnaissance', ['T1016.001']],
    ['Domain Observed Used for C2 Detected', 'c2', ['T1071']],
    ['Crypto Currency Mining Activity Detected', 'malware', ['T1496']],
    ['Malware Command and Control Activity Detected', 'c2', ['T1071']],
    ['Exploit Kit Activity Detected', 'exploit', ['T1189', 'T1203']],
    ['Targeted Malicious Activity was Detected', 'c2', ['T1071']],
    ['Not Suspicious Traffic', 'policy', []],
    ['Unknown Traffic', 'unknown', []],
    ['Possible Social Engineering Attempted', 'malware', ['T1566.002', 'T1204.001']],
    ['Successful Credential Theft Detected', 'exfiltration', ['T1566.002']],
  ];
  it.each(cases)('%s → %s', (category, type, ids) => {
    const m = suri('Vendor rule 42', category);
    expect(m.threat_type).toBe(type);
    expect(m.technique_ids).toEqual(ids);
    expect(m.basis).toBe(`suricata category: ${category}`);
    expect(m.confidence).toBeGreaterThan(0);
  });

  it('matches case-insensitively and by classtype short name', () => {
    expect(suri('x', 'web application attack').threat_type).toBe('web_attack');
    expect(suri('x', 'trojan-activity').threat_type).toBe('malware');
  });

  it('uses the lateral technique inside the network', () => {
    const m = suri('Vendor rule', 'Attempted Administrator Privilege Gain', { src_ip: '10.0.0.9', dst_ip: '10.0.0.5' });
    expect(m.technique_ids).toEqual(['T1210', 'T1068']);
    expect(m.basis).toMatch(/lateral/);
  });

  it('covers every stock category with a reviewed rule', () => {
    expect(SURICATA_CATEGORY_RULES.length).toBeGreaterThanOrEqual(45);
    for (const r of SURICATA_CATEGORY_RULES) {
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });
});

describe('suricata signatures', () => {
  const cases: [string, string | null, string, string[]][] = [
    ['ET SCAN Suspicious inbound to mySQL port 3306', 'Potentially Bad Traffic', 'reconnaissance', ['T1595']],
    ['ET SCAN NMAP -sS window 1024', 'Attempted Information Leak', 'port_scan', ['T1046']],
    ['ET SCAN Nmap Scripting Engine User-Agent Detected (Nmap Scripting Engine)', 'Web Application Attack', 'port_scan', ['T1046']],
    ['ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT', 'Web Application Attack', 'sql_injection', ['T1190']],
    ['ET WEB_SERVER MYSQL SELECT CONCAT SQL Injection Attempt', 'Web Application Attack', 'sql_injection', ['T1190']],
    ['ET WEB_SPECIFIC_APPS Acme CMS id Parameter SQL', 'Web Application Attack', 'sql_injection', ['T1190']],
    ['ET WEB_SERVER Script tag in URI Possible Cross Site Scripting Attempt', 'Web Application Attack', 'web_attack', ['T1190']],
    ['ET WEB_SERVER Generic PHP Remote File Include', 'Web Application Attack', 'web_attack', ['T1190']],
    ['ET EXPLOIT Apache Log4j RCE Attempt (CVE-2021-44228)', 'Attempted Administrator Privilege Gain', 'exploit', ['T1190']],
    ['ET MALWARE Win32/Agent Tesla Data Upload', 'A Network Trojan was detected', 'malware', ['T1204']],
    ['ET TROJAN Generic Dropper Download', 'A Network Trojan was detected', 'malware', ['T1204']],
    ['ET MALWARE Cobalt Strike Beacon Observed', 'A Network Trojan was detected', 'c2', ['T1071']],
    ['ET MALWARE Win32/Qakbot CnC Checkin', 'Malware Command and Control Activity Detected', 'c2', ['T1071']],
    ['ET CNC Feodo Tracker Reported CnC Server group 1', 'A Network Trojan was detected', 'c2', ['T1071']],
    ['ET POLICY SSH session in progress on Unusual Port', 'Misc activity', 'brute_force', ['T1110']],
    ['ET SCAN Potential SSH Scan OUTBOUND brute force', 'Attempted Information Leak', 'brute_force', ['T1110']],
    ['ET DOS Possible NTP DDoS Inbound Frequent Un-Authed MON_LIST Requests IMPL 0x03', 'Attempted Denial of Service', 'flood', ['T1498']],
    ['ET DOS Microsoft Remote Desktop (RDP) Syn then Reset 30 Second DoS Attempt', 'Attempted Denial of Service', 'flood', ['T1498', 'T1499']],
    ['ET MALWARE Possible Ransomware Note Download', 'A Network Trojan was detected', 'ransomware', ['T1486']],
    ['ET MALWARE Possible Data Exfiltration over HTTP POST', 'A Network Trojan was detected', 'exfiltration', ['T1048', 'T1041']],
    ['ET DNS Possible DNS Tunneling Activity (iodine)', 'Potentially Bad Traffic', 'exfiltration', ['T1071.004', 'T1048']],
    ['ET POLICY Crypto Coin Miner Login', 'Crypto Currency Mining Activity Detected', 'malware', ['T1496']],
    ['ET INFO Python-urllib/ Suspicious User Agent', 'Misc activity', 'policy', []],
    ['ET POLICY curl User-Agent Outbound', 'Attempted Information Leak', 'reconnaissance', ['T1595']],
    ['ET POLICY Dropbox.com Offsite File Backup in Use', 'Potential Corporate Privacy Violation', 'policy', []],
    ['ET INFO Observed DNS Query to .onion proxy Domain', 'A Network Trojan was detected', 'malware', ['T1204.002']],
    ['ET DROP Spamhaus DROP Listed Traffic Inbound group 12', 'Misc Attack', 'anomaly', []],
    ['SURICATA STREAM 3way handshake wrong seq wrong ack', 'Generic Protocol Command Decode', 'anomaly', []],
  ];
  it.each(cases)('%s [%s] → %s', (title, category, type, ids) => {
    const m = suri(title, category);
    expect(m.threat_type).toBe(type);
    expect(m.technique_ids).toEqual(ids);
    expect(m.basis).toMatch(/^suricata (signature|category)/);
  });

  it('keeps the rule\'s own ATT&CK ids at confidence 1', () => {
    const m = suri('ET SCAN Something', 'Attempted Information Leak', { technique_ids: ['T1595.002'] });
    expect(m.technique_ids).toEqual(['T1595.002']);
    expect(m.confidence).toBe(1);
    expect(m.threat_type).toBe('reconnaissance');
  });

  it('falls back to unknown with no technique when nothing matches', () => {
    const m = suri('Local rule 9000001', null);
    expect(m).toMatchObject({ threat_type: 'unknown', technique_ids: [], confidence: 0 });
    expect(m.basis).toMatch(/no mapping for suricata signature "Local rule 9000001"/);
    expect(suri('Local rule', 'Some Custom Category').threat_type).toBe('unknown');
  });

  it('flags brute-force mapped events as failed logins', () => {
    expect(isAuthFailure(ev({ title: 'ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack' }))).toBe(true);
    expect(isAuthFailure(ev({ title: 'ET SCAN NMAP -sS window 1024' }))).toBe(false);
  });
});

describe('wazuh', () => {
  it('keeps rule.mitre ids with confidence 1 and maps groups to brute_force', () => {
    const m = mapEvent(
      wazuh('sshd: Attempt to login using a non-existent user', ['syslog', 'sshd', 'authentication_failed', 'invalid_login'], {
        technique_ids: ['T1110.001', 'T1021.004'],
      }),
      attack,
    );
    expect(m.threat_type).toBe('brute_force');
    expect(m.technique_ids).toEqual(['T1110.001', 'T1021.004']);
    expect(m.confidence).toBe(1);
    expect(m.auth_failure).toBe(true);
    expect(m.basis).toMatch(/^wazuh rule\.mitre T1110\.001, T1021\.004; wazuh groups: authentication failure/);
  });

  it('counts sshd events with "fail" in the description as failures', () => {
    expect(isAuthFailure(wazuh('sshd: authentication failed.', ['syslog', 'sshd']))).toBe(true);
    expect(isAuthFailure(wazuh('sshd: authentication success.', ['syslog', 'sshd', 'authentication_success']))).toBe(false);
    expect(mapEvent(wazuh('sshd: authentication success.', ['syslog', 'sshd', 'authentication_success']), attack).threat_type).toBe('policy');
  });

  it('repeated failures are brute force with T1110 when rule.mitre is absent', () => {
    const m = mapEvent(wazuh('sshd: brute force trying to get access to the system.', ['syslog', 'sshd', 'authentication_failures']), attack);
    expect(m).toMatchObject({ threat_type: 'brute_force', technique_ids: ['T1110'], confidence: 0.8, auth_failure: true });
  });

  it('maps web groups to sql_injection and web_attack', () => {
    expect(mapEvent(wazuh('SQL injection attempt.', ['web', 'accesslog', 'attack'], { technique_ids: ['T1190'] }), attack)).toMatchObject({
      threat_type: 'sql_injection',
      technique_ids: ['T1190'],
      confidence: 1,
    });
    expect(mapEvent(wazuh('XSS (Cross Site Scripting) attempt.', ['web', 'accesslog', 'attack']), attack)).toMatchObject({
      threat_type: 'web_attack',
      technique_ids: ['T1190'],
    });
    expect(mapEvent(wazuh('Multiple web server 400 error codes from same source ip.', ['web', 'accesslog', 'web_scan', 'recon']), attack).threat_type).toBe(
      'reconnaissance',
    );
  });

  it('maps syscheck, rootcheck and virustotal', () => {
    expect(mapEvent(wazuh('Integrity checksum changed.', ['ossec', 'syscheck', 'syscheck_file']), attack)).toMatchObject({
      threat_type: 'anomaly',
      technique_ids: ['T1565.001'],
    });
    expect(mapEvent(wazuh('Host-based anomaly detection event (rootcheck).', ['ossec', 'rootcheck']), attack).threat_type).toBe('anomaly');
    expect(mapEvent(wazuh('Rootkit \'Adore\' detected.', ['ossec', 'rootcheck']), attack)).toMatchObject({ threat_type: 'malware', technique_ids: ['T1014'] });
    expect(
      mapEvent(wazuh('VirusTotal: Alert - /tmp/eicar - 60 engines detected this file', ['virustotal']), attack),
    ).toMatchObject({ threat_type: 'malware', technique_ids: ['T1204.002'] });
    expect(mapEvent(wazuh('VirusTotal: Alert - No records in VirusTotal database', ['virustotal']), attack).threat_type).toBe('policy');
  });

  it('derives the type from rule.mitre when the groups say nothing', () => {
    const m = mapEvent(wazuh('Custom rule', ['local'], { technique_ids: ['T1486'] }), attack);
    expect(m).toMatchObject({ threat_type: 'ransomware', technique_ids: ['T1486'], confidence: 1 });
  });

  it('replaces revoked ids and drops unknown ones, saying so', () => {
    const m = mapEvent(wazuh('Powershell', ['windows'], { technique_ids: ['T1086', 'T1999', 'T1059.001'] }), attack);
    expect(m.technique_ids).toEqual(['T1059.001']);
    expect(m.basis).toMatch(/T1086 revoked → T1059\.001/);
    expect(m.basis).toMatch(/T1999 not in ATT&CK/);
  });

  it('maps Suricata alerts forwarded through Wazuh by their signature', () => {
    const m = mapEvent(wazuh('Suricata: Alert - ET SCAN NMAP -sS window 1024', ['ids', 'suricata']), attack);
    expect(m.threat_type).toBe('port_scan');
    expect(m.basis).toMatch(/^wazuh\/suricata signature/);
  });

  it('unknown when no group rule or id applies', () => {
    expect(mapEvent(wazuh('Something', ['local', 'custom']), attack)).toMatchObject({ threat_type: 'unknown', technique_ids: [] });
  });
});

describe('createDetector', () => {
  it('gives every event a detection with known technique ids and a basis', () => {
    const det = createDetector({ attack });
    const out = det.detect([
      ev({ title: 'ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT', category: 'Web Application Attack' }),
      ev({ title: 'Local rule', category: null }),
      wazuh('sshd: Attempt to login', ['sshd', 'authentication_failed'], { technique_ids: ['T1110.001'] }),
    ]);
    expect(out.map((e) => e.detection.threat_type)).toEqual(['sql_injection', 'unknown', 'brute_force']);
    for (const e of out) {
      expect(e.detection.basis.length).toBeGreaterThan(0);
      expect(e.detection.correlations).toEqual([]);
      for (const id of e.detection.technique_ids) expect(attack.isKnown(id)).toBe(true);
    }
    expect(out[1]?.detection.technique_ids).toEqual([]);
  });

  it('a correlation turns failed logins into brute_force with its technique and the hit recorded', () => {
    const det = createDetector({ attack });
    const events = [0, 1, 2, 3, 4].map((i) =>
      wazuh('sshd: authentication failed.', ['sshd'], { ts: `2026-11-21T09:00:0${i}.000Z`, src_ip: '198.51.100.4', user: 'root' }),
    );
    const out = det.detect(events);
    expect(out.slice(0, 4).every((e) => e.detection.correlations.length === 0)).toBe(true);
    const last = out[4]?.detection;
    expect(last?.threat_type).toBe('brute_force');
    expect(last?.technique_ids).toContain('T1110.001');
    expect(last?.correlations).toEqual([{ rule: 'brute_force', key: '198.51.100.4', observed: 5, threshold: 5, window_s: 60 }]);
    expect(last?.basis).toMatch(/^correlation: brute_force: 5 failed logins in 60 s from 198\.51\.100\.4/);
  });

  it('port scan replaces weak types but not an exploit', () => {
    const det = createDetector({ attack, thresholds: { portScan: { ports: 3 } } });
    const out = det.detect([
      ev({ title: 'Local rule', dst_port: 1 }),
      ev({ title: 'Local rule', dst_port: 2 }),
      ev({ title: 'Local rule', dst_port: 3 }),
      ev({ title: 'ET EXPLOIT Something CVE-2024-1234', dst_port: 4 }),
    ]);
    expect(out[2]?.detection).toMatchObject({ threat_type: 'port_scan', technique_ids: ['T1046'] });
    expect(out[3]?.detection.threat_type).toBe('exploit');
    expect(out[3]?.detection.correlations.map((h) => h.rule)).toEqual(['port_scan']);
    expect(out[3]?.detection.basis).toMatch(/correlation fired: port_scan .* kept exploit/);
  });
});
