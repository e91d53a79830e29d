/**
 * The bundled, reviewed mapping from what the sources say (Suricata alert category and signature,
 * Wazuh rule groups and rule.mitre ids) to a threat type, ATT&CK technique ids and a confidence.
 *
 * Everything here is data plus one pure function (mapEvent). Every technique id in these tables
 * exists in ATT&CK Enterprise v18.1 (a unit test checks it against the bundled table).
 *
 * Suricata resolution order:
 *   1. the event's own ATT&CK ids (rule metadata mitre_technique_id), when present: confidence 1;
 *   2. a signature rule of tier "keyword" (ransom, SQL injection, brute force, exfil, C2 ...): always wins;
 *   3. otherwise the higher-confidence of the signature "family" rule (ET SCAN, ET EXPLOIT, ET INFO ...)
 *      and the alert category rule; a tie goes to the signature;
 *   4. nothing matched: threat type "unknown", no technique.
 * Wazuh: rule.mitre ids are kept (confidence 1); the threat type comes from the first matching group
 * rule, else from the ids themselves (TECHNIQUE_THREAT_TYPES), else "anomaly"/"unknown".
 */
import type { AddressInfo, SecurityEvent, ThreatType } from '../types.js';
import { normalizeTechniqueId, type AttackTable } from './attack.js';
import { isInternalAddress } from './address.js';

export interface MappingRule {
  threat_type: ThreatType;
  technique_ids: readonly string[];
  /** Used instead of technique_ids when source and destination are both internal (lateral movement). */
  lateral_technique_ids?: readonly string[];
  /** 0..1 */
  confidence: number;
  /** The event counts as a failed login for the brute-force and spraying correlations. */
  auth_failure?: boolean;
}

export interface CategoryRule extends MappingRule {
  /** The category text exactly as classification.config spells it (matched case-insensitively). */
  category: string;
  /** The classtype short name (also accepted as the category). */
  classtype: string;
}

export interface SignatureRule extends MappingRule {
  name: string;
  /** keyword: specific words, always wins over the category; family: the ET/GPL prefix of the ruleset. */
  tier: 'keyword' | 'family';
  pattern: RegExp;
}

export interface WazuhGroupRule extends MappingRule {
  name: string;
  /** Human-readable condition, shown in the basis. */
  when: string;
  match(groups: ReadonlySet<string>, title: string): boolean;
}

/** The mapping result for one event, before correlation. */
export interface Mapping {
  threat_type: ThreatType;
  technique_ids: string[];
  confidence: number;
  basis: string;
  auth_failure: boolean;
}

const rule = (
  threat_type: ThreatType,
  technique_ids: readonly string[],
  confidence: number,
  extra: Partial<MappingRule> = {},
): MappingRule => ({ threat_type, technique_ids, confidence, ...extra });

// ---------------------------------------------------------------------------------------------
// Suricata categories: the stock classification.config (Suricata 7/8 and ET Open additions).
// ---------------------------------------------------------------------------------------------

const cat = (classtype: string, category: string, r: MappingRule): CategoryRule => ({ classtype, category, ...r });

export const SURICATA_CATEGORY_RULES: readonly CategoryRule[] = [
  cat('not-suspicious', 'Not Suspicious Traffic', rule('policy', [], 0.3)),
  cat('unknown', 'Unknown Traffic', rule('unknown', [], 0.1)),
  cat('bad-unknown', 'Potentially Bad Traffic', rule('anomaly', [], 0.3)),
  cat('attempted-recon', 'Attempted Information Leak', rule('reconnaissance', ['T1595'], 0.5)),
  cat('successful-recon-limited', 'Information Leak', rule('reconnaissance', ['T1592'], 0.5)),
  cat('successful-recon-largescale', 'Large Scale Information Leak', rule('reconnaissance', ['T1590', 'T1592'], 0.55)),
  cat('attempted-dos', 'Attempted Denial of Service', rule('flood', ['T1499'], 0.6)),
  cat('successful-dos', 'Denial of Service', rule('flood', ['T1498', 'T1499'], 0.7)),
  cat('attempted-user', 'Attempted User Privilege Gain', rule('exploit', ['T1203'], 0.6)),
  cat('unsuccessful-user', 'Unsuccessful User Privilege Gain', rule('exploit', ['T1203'], 0.5)),
  cat('successful-user', 'Successful User Privilege Gain', rule('exploit', ['T1068'], 0.7)),
  cat(
    'attempted-admin',
    'Attempted Administrator Privilege Gain',
    rule('exploit', ['T1190', 'T1068'], 0.6, { lateral_technique_ids: ['T1210', 'T1068'] }),
  ),
  cat('successful-admin', 'Successful Administrator Privilege Gain', rule('exploit', ['T1068', 'T1078'], 0.8)),
  cat('rpc-portmap-decode', 'Decode of an RPC Query', rule('reconnaissance', ['T1046'], 0.4)),
  cat('shellcode-detect', 'Executable code was detected', rule('exploit', ['T1203'], 0.6)),
  cat('string-detect', 'A suspicious string was detected', rule('anomaly', [], 0.3)),
  cat('suspicious-filename-detect', 'A suspicious filename was detected', rule('malware', ['T1204.002'], 0.4)),
  cat(
    'suspicious-login',
    'An attempted login using a suspicious username was detected',
    rule('brute_force', ['T1110'], 0.5, { auth_failure: true }),
  ),
  cat('system-call-detect', 'A system call was detected', rule('anomaly', [], 0.3)),
  cat('tcp-connection', 'A TCP connection was detected', rule('policy', [], 0.2)),
  cat('trojan-activity', 'A Network Trojan was detected', rule('malware', ['T1204.002'], 0.6)),
  cat('unusual-client-port-connection', 'A client was using an unusual port', rule('anomaly', ['T1571'], 0.4)),
  cat('network-scan', 'Detection of a Network Scan', rule('port_scan', ['T1046'], 0.6)),
  cat('denial-of-service', 'Detection of a Denial of Service Attack', rule('flood', ['T1498', 'T1499'], 0.7)),
  cat('non-standard-protocol', 'Detection of a non-standard protocol or event', rule('anomaly', ['T1095'], 0.3)),
  cat('protocol-command-decode', 'Generic Protocol Command Decode', rule('anomaly', [], 0.2)),
  cat('web-application-activity', 'access to a potentially vulnerable web application', rule('web_attack', ['T1190'], 0.4)),
  cat('web-application-attack', 'Web Application Attack', rule('web_attack', ['T1190'], 0.6)),
  cat('misc-activity', 'Misc activity', rule('policy', [], 0.2)),
  cat('misc-attack', 'Misc Attack', rule('anomaly', [], 0.4)),
  cat('icmp-event', 'Generic ICMP event', rule('reconnaissance', ['T1595.001'], 0.3)),
  cat('kickass-porn', 'SCORE! Get the lotion!', rule('policy', [], 0.5)),
  cat('inappropriate-content', 'Inappropriate Content was Detected', rule('policy', [], 0.5)),
  cat('policy-violation', 'Potential Corporate Privacy Violation', rule('policy', [], 0.5)),
  cat(
    'default-login-attempt',
    'Attempt to login by a default username and password',
    rule('brute_force', ['T1078.001', 'T1110'], 0.6, { auth_failure: true }),
  ),
  cat('targeted-activity', 'Targeted Malicious Activity was Detected', rule('c2', ['T1071'], 0.6)),
  cat('exploit-kit', 'Exploit Kit Activity Detected', rule('exploit', ['T1189', 'T1203'], 0.75)),
  cat('external-ip-check', 'Device Retrieving External IP Address Detected', rule('reconnaissance', ['T1016.001'], 0.45)),
  cat('domain-c2', 'Domain Observed Used for C2 Detected', rule('c2', ['T1071'], 0.8)),
  cat('pup-activity', 'Possibly Unwanted Program Detected', rule('malware', [], 0.4)),
  // Credentials typed into a phishing page and sent to the attacker.
  cat('credential-theft', 'Successful Credential Theft Detected', rule('exfiltration', ['T1566.002'], 0.6)),
  cat('social-engineering', 'Possible Social Engineering Attempted', rule('malware', ['T1566.002', 'T1204.001'], 0.5)),
  cat('coin-mining', 'Crypto Currency Mining Activity Detected', rule('malware', ['T1496'], 0.7)),
  cat('command-and-control', 'Malware Command and Control Activity Detected', rule('c2', ['T1071'], 0.8)),
  // Not in the stock file but seen in deployments using older rulesets.
  cat('sdf', 'Sensitive Data was Transmitted Across the Network', rule('exfiltration', ['T1048'], 0.5)),
];

const CATEGORY_INDEX: ReadonlyMap<string, CategoryRule> = new Map(
  SURICATA_CATEGORY_RULES.flatMap((r) => [
    [r.category.toLowerCase(), r],
    [r.classtype, r],
  ]),
);

// ---------------------------------------------------------------------------------------------
// Suricata signatures: ET Open / GPL prefixes and keywords. First match wins.
// ---------------------------------------------------------------------------------------------

const sig = (name: string, tier: 'keyword' | 'family', pattern: RegExp, r: MappingRule): SignatureRule => ({
  name,
  tier,
  pattern,
  ...r,
});

export const SURICATA_SIGNATURE_RULES: readonly SignatureRule[] = [
  // Keywords: specific enough to beat the category.
  sig('ransomware', 'keyword', /ransom/i, rule('ransomware', ['T1486'], 0.9)),
  sig('password spraying', 'keyword', /password[\s_-]?spray/i, rule('password_spraying', ['T1110.003'], 0.85, { auth_failure: true })),
  sig(
    'sql injection',
    'keyword',
    /sql[\s_-]?injection|\bsqli\b|union\s+(all\s+)?select|^(ET|GPL) WEB_(SERVER|SPECIFIC_APPS)\b.*\bsql\b/i,
    rule('sql_injection', ['T1190'], 0.9),
  ),
  sig(
    'brute force',
    'keyword',
    /brute[\s_-]?forc|password guess|(multiple|excessive|repeated|many) (failed )?(login|logon|auth)|(failed|invalid|bad) (login|logon|password|auth)|\b(login|logon) (fail|attempt)|auth(entication)? fail/i,
    rule('brute_force', ['T1110'], 0.8, { auth_failure: true }),
  ),
  sig(
    'dns tunnelling',
    'keyword',
    /dns[\s_-]?tunnel|tunnel\w* (over|via) dns|\biodine\b|dnscat|dns2tcp/i,
    rule('exfiltration', ['T1071.004', 'T1048'], 0.8),
  ),
  sig('exfiltration', 'keyword', /exfil/i, rule('exfiltration', ['T1048', 'T1041'], 0.85)),
  sig(
    'coin mining',
    'keyword',
    /coin[\s_-]?min|crypto[\s_-]?(currency )?min|\bminer\b|stratum|xmrig|monero/i,
    rule('malware', ['T1496'], 0.8),
  ),
  sig(
    'command and control',
    'keyword',
    /^ET CNC\b|\bcnc\b|\bc2\b|\bc&c\b|command and control|^(ET|GPL) (MALWARE|TROJAN)\b.*\b(check-?in|beacon)/i,
    rule('c2', ['T1071'], 0.8),
  ),
  sig('web shell', 'keyword', /web[\s_-]?shell/i, rule('web_attack', ['T1505.003'], 0.8)),
  sig(
    'web attack',
    'keyword',
    /\bxss\b|cross[\s_-]?site[\s_-]?scripting|command injection|code injection|(directory|path) traversal|\b(lfi|rfi)\b|(local|remote) file inclusion/i,
    rule('web_attack', ['T1190'], 0.75),
  ),
  sig('exploit kit', 'keyword', /exploit[\s_-]?kit/i, rule('exploit', ['T1189', 'T1203'], 0.8)),
  sig(
    'port scan',
    'keyword',
    /port[\s_-]?(scan|sweep)|\bnmap\b|masscan|\bzmap\b|unicornscan|\bsyn scan/i,
    rule('port_scan', ['T1046'], 0.75),
  ),
  sig('flood', 'keyword', /\bddos\b|\bflood|amplification|reflection attack/i, rule('flood', ['T1498'], 0.7)),
  // Families: the ruleset prefix, weighed against the category.
  sig('ET DOS', 'family', /^(ET|GPL) DOS\b/i, rule('flood', ['T1498', 'T1499'], 0.75)),
  sig('ET SCAN', 'family', /^(ET|GPL) SCAN\b/i, rule('reconnaissance', ['T1595'], 0.7)),
  // Unusual SSH sessions are counted as login attempts (feeds the brute-force correlation).
  sig('ET POLICY SSH', 'keyword', /^ET POLICY\b.*\bssh\b/i, rule('brute_force', ['T1110'], 0.45, { auth_failure: true })),
  sig('ET ATTACK_RESPONSE', 'family', /^(ET|GPL) ATTACK_RESPONSE\b/i, rule('exploit', ['T1059'], 0.7)),
  sig('ET SHELLCODE', 'family', /^(ET|GPL) SHELLCODE\b/i, rule('exploit', ['T1203'], 0.7)),
  sig(
    'ET EXPLOIT',
    'family',
    /^(ET|GPL) EXPLOIT\b|\bCVE[-_]\d{4}[-_]\d{4,}\b|remote code execution|\brce\b|buffer overflow/i,
    rule('exploit', ['T1190'], 0.75, { lateral_technique_ids: ['T1210'] }),
  ),
  sig('ET WEB_SERVER', 'family', /^(ET|GPL) WEB_(SERVER|SPECIFIC_APPS|ATTACKS)\b/i, rule('web_attack', ['T1190'], 0.65)),
  sig('ET WEB_CLIENT', 'family', /^(ET|GPL) WEB_CLIENT\b/i, rule('exploit', ['T1189'], 0.6)),
  sig('ET PHISHING', 'family', /^ET PHISHING\b|phish/i, rule('malware', ['T1566.002'], 0.6)),
  sig(
    'ET MALWARE',
    'family',
    /^(ET|GPL) (MALWARE|TROJAN|MOBILE_MALWARE|WORM|VIRUS)\b|\btrojan\b|\bmalware\b|\bbotnet\b/i,
    rule('malware', ['T1204'], 0.7),
  ),
  sig('ET ADWARE_PUP', 'family', /^ET ADWARE_PUP\b/i, rule('malware', [], 0.4)),
  sig('ET TOR', 'family', /^ET TOR\b|\btor (exit|relay|node)\b/i, rule('policy', ['T1090.003'], 0.5)),
  sig('ET reputation lists', 'family', /^ET (DROP|CINS|COMPROMISED|DSHIELD|3CORESEC)\b/i, rule('anomaly', [], 0.5)),
  sig('ET HUNTING', 'family', /^ET HUNTING\b/i, rule('anomaly', [], 0.35)),
  sig('ET USER_AGENTS', 'family', /^ET USER_AGENTS\b/i, rule('anomaly', [], 0.4)),
  sig('ET POLICY', 'family', /^(ET|GPL) (POLICY|P2P|GAMES|CHAT|INAPPROPRIATE)\b/i, rule('policy', [], 0.4)),
  sig('ET INFO', 'family', /^(ET|GPL) INFO\b/i, rule('policy', [], 0.3)),
  sig('SURICATA engine event', 'family', /^SURICATA\b/i, rule('anomaly', [], 0.25)),
];

// ---------------------------------------------------------------------------------------------
// Wazuh: rule.groups → threat type. First match wins. Technique ids here are only used when the
// rule carries no rule.mitre ids of its own.
// ---------------------------------------------------------------------------------------------

const AUTH_FAILURE_GROUPS = ['authentication_failed', 'authentication_failures', 'invalid_login', 'win_authentication_failed'];

const any = (groups: ReadonlySet<string>, names: readonly string[]): boolean => names.some((n) => groups.has(n));

/** Wazuh failed login: a failure group, or sshd with "fail" in the rule description. */
export function isWazuhAuthFailure(groups: ReadonlySet<string>, title: string): boolean {
  return any(groups, AUTH_FAILURE_GROUPS) || (groups.has('sshd') && /fail/i.test(title));
}

const wz = (name: string, when: string, match: WazuhGroupRule['match'], r: MappingRule): WazuhGroupRule => ({
  name,
  when,
  match,
  ...r,
});

export const WAZUH_GROUP_RULES: readonly WazuhGroupRule[] = [
  wz('ransomware', 'group ransomware or "ransom" in the description', (g, t) => g.has('ransomware') || /ransom/i.test(t), rule('ransomware', ['T1486'], 0.8)),
  wz(
    'sql injection',
    'group sql_injection, or web + attack with "SQL injection" in the description',
    (g, t) => any(g, ['sql_injection', 'sqli']) || (any(g, ['web', 'attack']) && /sql[\s_-]?injection/i.test(t)),
    rule('sql_injection', ['T1190'], 0.8),
  ),
  wz(
    'repeated authentication failures',
    'group authentication_failures',
    (g) => g.has('authentication_failures'),
    rule('brute_force', ['T1110'], 0.8, { auth_failure: true }),
  ),
  wz(
    'authentication failure',
    'group authentication_failed/invalid_login, or sshd with "fail" in the description',
    (g, t) => isWazuhAuthFailure(g, t),
    rule('brute_force', ['T1110'], 0.5, { auth_failure: true }),
  ),
  wz('web shell', 'group web with "web shell" in the description', (g, t) => g.has('web') && /web[\s_-]?shell/i.test(t), rule('web_attack', ['T1505.003'], 0.7)),
  wz(
    'web attack',
    'groups web + attack, or xss',
    (g) => (g.has('web') && g.has('attack')) || g.has('xss'),
    rule('web_attack', ['T1190'], 0.6),
  ),
  wz('web scan', 'group web_scan', (g) => g.has('web_scan'), rule('reconnaissance', ['T1595.003'], 0.5)),
  wz(
    'denial of service',
    'group dos/ddos/flood or "denial of service"/"flood" in the description',
    (g, t) => any(g, ['dos', 'ddos', 'flood']) || /denial[\s_-]of[\s_-]service|\bflood/i.test(t),
    rule('flood', ['T1499'], 0.6),
  ),
  wz('scan', 'group recon/scan/portscan', (g) => any(g, ['recon', 'scan', 'portscan']), rule('reconnaissance', ['T1595'], 0.5)),
  wz(
    'virustotal detection',
    'group virustotal with a positive result',
    (g, t) => g.has('virustotal') && /(engines? detected|malicious|positives)/i.test(t),
    rule('malware', ['T1204.002'], 0.8),
  ),
  wz('virustotal lookup', 'group virustotal (no detection)', (g) => g.has('virustotal'), rule('policy', [], 0.3)),
  wz(
    'malware',
    'group malware/trojan/virus/yara, or clamd reporting a find',
    (g, t) => any(g, ['malware', 'trojan', 'virus', 'yara']) || (g.has('clamd') && /found|virus|infected/i.test(t)),
    rule('malware', ['T1204'], 0.7),
  ),
  wz(
    'rootkit',
    'group rootcheck with "rootkit"/"trojaned" in the description',
    (g, t) => g.has('rootcheck') && /rootkit|trojaned/i.test(t),
    rule('malware', ['T1014'], 0.7),
  ),
  wz('rootcheck', 'group rootcheck', (g) => g.has('rootcheck'), rule('anomaly', [], 0.4)),
  wz('file integrity', 'group syscheck', (g) => g.has('syscheck'), rule('anomaly', ['T1565.001'], 0.5)),
  wz('account created', 'group adduser', (g) => g.has('adduser'), rule('anomaly', ['T1136'], 0.5)),
  wz('account changed', 'group account_changed/group_changed', (g) => any(g, ['account_changed', 'group_changed']), rule('anomaly', ['T1098'], 0.4)),
  wz(
    'policy',
    'group sca/policy_violation/policy_monitoring/ciscat/oscap/vulnerability-detector',
    (g) => any(g, ['sca', 'policy_violation', 'policy_monitoring', 'ciscat', 'oscap', 'vulnerability-detector']),
    rule('policy', [], 0.4),
  ),
  wz('firewall', 'group firewall/firewall_drop', (g) => any(g, ['firewall', 'firewall_drop']), rule('policy', [], 0.3)),
  wz('login success', 'group authentication_success', (g) => g.has('authentication_success'), rule('policy', [], 0.3)),
  wz('attack', 'group attack/exploit_attempt', (g) => any(g, ['attack', 'exploit_attempt']), rule('exploit', [], 0.4)),
  wz('audit', 'group audit/audit_command', (g) => any(g, ['audit', 'audit_command']), rule('anomaly', [], 0.3)),
];

/**
 * Threat type implied by an ATT&CK id when the groups said nothing: exact id first, then the
 * parent technique (T1110.001 → T1110).
 */
export const TECHNIQUE_THREAT_TYPES: Readonly<Record<string, ThreatType>> = {
  'T1110.003': 'password_spraying',
  T1110: 'brute_force',
  T1486: 'ransomware',
  T1498: 'flood',
  T1499: 'flood',
  T1046: 'port_scan',
  T1595: 'reconnaissance',
  T1590: 'reconnaissance',
  T1592: 'reconnaissance',
  T1190: 'exploit',
  T1203: 'exploit',
  T1210: 'exploit',
  T1068: 'exploit',
  T1189: 'exploit',
  T1505: 'web_attack',
  T1071: 'c2',
  T1095: 'c2',
  T1571: 'c2',
  T1572: 'c2',
  T1573: 'c2',
  T1568: 'c2',
  T1090: 'c2',
  T1219: 'c2',
  T1105: 'c2',
  T1041: 'exfiltration',
  T1048: 'exfiltration',
  T1567: 'exfiltration',
  T1020: 'exfiltration',
  T1030: 'exfiltration',
  T1204: 'malware',
  T1496: 'malware',
  T1014: 'malware',
  T1566: 'malware',
  T1078: 'policy',
};

/** Revoked or deprecated ids that Wazuh rules still carry, to their current ATT&CK id. */
export const REVOKED_TECHNIQUES: Readonly<Record<string, string>> = {
  T1015: 'T1546.008',
  T1031: 'T1543.003',
  T1035: 'T1569.002',
  T1050: 'T1543.003',
  T1054: 'T1562.006',
  T1060: 'T1547.001',
  T1064: 'T1059',
  T1076: 'T1021.001',
  T1077: 'T1021.002',
  T1085: 'T1218.011',
  T1086: 'T1059.001',
  T1088: 'T1548.002',
  T1089: 'T1562.001',
  T1093: 'T1055.012',
  T1100: 'T1505.003',
  T1103: 'T1546.010',
  T1107: 'T1070.004',
  T1116: 'T1553.002',
  T1117: 'T1218.010',
  T1158: 'T1564.001',
};

/** Every technique id the bundled tables can emit (for the "all exist in ATT&CK" test). */
export function mappedTechniqueIds(): string[] {
  const ids = new Set<string>();
  const add = (r: MappingRule): void => {
    for (const id of r.technique_ids) ids.add(id);
    for (const id of r.lateral_technique_ids ?? []) ids.add(id);
  };
  SURICATA_CATEGORY_RULES.forEach(add);
  SURICATA_SIGNATURE_RULES.forEach(add);
  WAZUH_GROUP_RULES.forEach(add);
  for (const id of Object.keys(TECHNIQUE_THREAT_TYPES)) ids.add(id);
  for (const id of Object.values(REVOKED_TECHNIQUES)) ids.add(id);
  return [...ids].sort();
}

// ---------------------------------------------------------------------------------------------

/** The event fields mapping reads (a SecurityEvent, optionally enriched with address info). */
export type MappableEvent = SecurityEvent & { src?: AddressInfo | null; dst?: AddressInfo | null };

export function suricataCategoryRule(category: string | null): CategoryRule | null {
  if (category === null) return null;
  return CATEGORY_INDEX.get(category.trim().toLowerCase()) ?? null;
}

export function suricataSignatureRule(title: string): SignatureRule | null {
  const t = title.trim();
  for (const r of SURICATA_SIGNATURE_RULES) if (r.pattern.test(t)) return r;
  return null;
}

function isLateral(e: MappableEvent): boolean {
  return isInternalAddress(e.src) && isInternalAddress(e.dst);
}

function ruleTechniques(r: MappingRule, e: MappableEvent): readonly string[] {
  return r.lateral_technique_ids !== undefined && isLateral(e) ? r.lateral_technique_ids : r.technique_ids;
}

interface SourceIds {
  kept: string[];
  notes: string[];
}

/** The event's own ATT&CK ids, normalized, revoked ids replaced, unknown ids dropped (noted). */
function sourceTechniques(e: MappableEvent, attack: AttackTable | undefined): SourceIds {
  const kept: string[] = [];
  const notes: string[] = [];
  for (const raw of e.technique_ids) {
    const id = normalizeTechniqueId(raw);
    if (id === null) {
      notes.push(`ignored "${raw}"`);
      continue;
    }
    let use = id;
    const replacement = REVOKED_TECHNIQUES[id];
    if (replacement !== undefined && (attack === undefined || !attack.isKnown(id))) {
      use = replacement;
      notes.push(`${id} revoked → ${replacement}`);
    }
    if (attack !== undefined && !attack.isKnown(use)) {
      notes.push(`${use} not in ATT&CK v18.1, dropped`);
      continue;
    }
    if (!kept.includes(use)) kept.push(use);
  }
  return { kept, notes };
}

function knownOnly(ids: readonly string[], attack: AttackTable | undefined): string[] {
  const out: string[] = [];
  for (const id of ids) if ((attack === undefined || attack.isKnown(id)) && !out.includes(id)) out.push(id);
  return out;
}

/** Threat type implied by ATT&CK ids (first id with an entry wins), or null. */
export function threatTypeForTechniques(ids: readonly string[]): ThreatType | null {
  for (const id of ids) {
    const exact = TECHNIQUE_THREAT_TYPES[id];
    if (exact !== undefined) return exact;
    const parent = TECHNIQUE_THREAT_TYPES[id.split('.')[0] ?? id];
    if (parent !== undefined) return parent;
  }
  return null;
}

const q = (s: string): string => JSON.stringify(s.length > 80 ? `${s.slice(0, 77)}...` : s);

const AUTH_TYPES: ReadonlySet<ThreatType> = new Set<ThreatType>(['brute_force', 'password_spraying']);

function mapSuricataLike(e: MappableEvent, title: string, category: string | null, src: SourceIds, attack: AttackTable | undefined, label: string): Mapping | null {
  const s = suricataSignatureRule(title);
  const c = suricataCategoryRule(category);
  let chosen: MappingRule | null = null;
  let basis = '';
  if (s !== null && (s.tier === 'keyword' || c === null || s.confidence >= c.confidence)) {
    chosen = s;
    basis = `${label} signature: ${s.name} (${s.tier})`;
    if (c !== null) basis += `; category ${q(c.category)} → ${c.threat_type} outweighed`;
  } else if (c !== null) {
    chosen = c;
    basis = `${label} category: ${c.category}`;
    if (s !== null) basis += `; signature family ${s.name} → ${s.threat_type} outweighed`;
  }
  if (chosen === null) return null;
  const own = src.kept.length > 0;
  const mapping: Mapping = {
    threat_type: chosen.threat_type,
    technique_ids: own ? src.kept : knownOnly(ruleTechniques(chosen, e), attack),
    confidence: own ? 1 : chosen.confidence,
    basis: own ? `${label} rule metadata ATT&CK ${src.kept.join(', ')}; ${basis}` : basis,
    auth_failure: chosen.auth_failure === true || AUTH_TYPES.has(chosen.threat_type),
  };
  if (!own && mapping.technique_ids.length > 0 && chosen.lateral_technique_ids !== undefined && isLateral(e)) {
    mapping.basis += ' (internal → internal: lateral technique)';
  }
  return mapping;
}

function unknown(basis: string, src: SourceIds, authFailure = false): Mapping {
  if (src.kept.length > 0) {
    return {
      threat_type: threatTypeForTechniques(src.kept) ?? 'anomaly',
      technique_ids: src.kept,
      confidence: 1,
      basis: `ATT&CK ids from the source: ${src.kept.join(', ')}; ${basis}`,
      auth_failure: authFailure,
    };
  }
  return { threat_type: 'unknown', technique_ids: [], confidence: 0, basis, auth_failure: authFailure };
}

function withNotes(m: Mapping, src: SourceIds): Mapping {
  if (src.notes.length > 0) m.basis += ` [${src.notes.join('; ')}]`;
  return m;
}

function mapSuricata(e: MappableEvent, attack: AttackTable | undefined): Mapping {
  const src = sourceTechniques(e, attack);
  const m = mapSuricataLike(e, e.title, e.category, src, attack, 'suricata');
  if (m !== null) return withNotes(m, src);
  return withNotes(
    unknown(`no mapping for suricata signature ${q(e.title)}${e.category ? ` in category ${q(e.category)}` : ''}`, src),
    src,
  );
}

const WAZUH_SURICATA_PREFIX = /^suricata:\s*alert\s*-\s*/i;

function mapWazuh(e: MappableEvent, attack: AttackTable | undefined): Mapping {
  const src = sourceTechniques(e, attack);
  const groups = new Set(e.groups.map((g) => g.toLowerCase()));
  const authFailure = isWazuhAuthFailure(groups, e.title);

  // Suricata alerts forwarded through Wazuh: map the signature text.
  if (groups.has('suricata') || groups.has('ids')) {
    const sigTitle = e.title.replace(WAZUH_SURICATA_PREFIX, '');
    const m = mapSuricataLike(e, sigTitle, null, src, attack, 'wazuh/suricata');
    if (m !== null) {
      m.auth_failure = m.auth_failure || authFailure;
      return withNotes(m, src);
    }
  }

  const own = src.kept.length > 0;
  const ownBasis = own ? `wazuh rule.mitre ${src.kept.join(', ')}` : '';
  for (const r of WAZUH_GROUP_RULES) {
    if (!r.match(groups, e.title)) continue;
    const groupBasis = `wazuh groups: ${r.name} (${r.when}) → ${r.threat_type}`;
    return withNotes(
      {
        threat_type: r.threat_type,
        technique_ids: own ? src.kept : knownOnly(ruleTechniques(r, e), attack),
        confidence: own ? 1 : r.confidence,
        basis: own ? `${ownBasis}; ${groupBasis}` : groupBasis,
        auth_failure: authFailure || r.auth_failure === true,
      },
      src,
    );
  }
  if (own) {
    const t = threatTypeForTechniques(src.kept);
    return withNotes(
      {
        threat_type: t ?? 'anomaly',
        technique_ids: src.kept,
        confidence: 1,
        basis: t ? `${ownBasis} → ${t}` : `${ownBasis}; no threat type for these ids → anomaly`,
        auth_failure: authFailure,
      },
      src,
    );
  }
  return withNotes(
    unknown(`no mapping for wazuh groups [${[...groups].join(', ')}]`, src, authFailure),
    src,
  );
}

/** How the events of one source are mapped. */
interface SourceMapper {
  map(e: MappableEvent, attack: AttackTable | undefined): Mapping;
  /** A cheap test for a failed login that spares the full mapping when it says yes. */
  authFailure?(e: MappableEvent): boolean;
}

/** The detection mapping of each event source: a new source is one mapper and one line here. */
const MAPPERS: Readonly<Record<SecurityEvent['source'], SourceMapper>> = {
  suricata: { map: mapSuricata },
  wazuh: { map: mapWazuh, authFailure: (e) => isWazuhAuthFailure(new Set(e.groups.map((g) => g.toLowerCase())), e.title) },
};

/**
 * Maps one event to a threat type, ATT&CK ids and a confidence, with a basis text saying why.
 * With `attack`, every technique id is checked against the table (revoked ids are replaced,
 * unknown ones dropped and noted in the basis).
 */
export function mapEvent(e: MappableEvent, attack?: AttackTable): Mapping {
  return MAPPERS[e.source].map(e, attack);
}

/** A failed login, as the brute-force and spraying correlations count it. */
export function isAuthFailure(e: MappableEvent): boolean {
  const m = MAPPERS[e.source];
  return m.authFailure?.(e) === true || m.map(e, undefined).auth_failure;
}
