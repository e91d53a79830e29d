/**
 * brute_force: one external address hammers SSH on an exposed Linux host. Wazuh sshd failures
 * (5760/5716 for real accounts, 5710 for unknown ones) with a dictionary of usernames, the
 * composite rules 5763/5712/5720 (level 10: 8 failures in 120 s, then quiet for 60 s), Suricata
 * SSH scan alerts, and now and then a campaign that ends in an accepted password.
 */
import { type Ctx, Frequency, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Micros, type Sig, type WRule, COMPLIANCE, eveAlert, syslogTime } from './format.js';
import { type Host, ATTACKERS, BRUTE_USERS, sshTargets } from './world.js';

const SSH_SCAN: Sig = {
  sid: 2001219,
  rev: 20,
  msg: 'ET SCAN Potential SSH Scan',
  category: 'Attempted Information Leak',
  severity: 2,
  meta: { former: 'SCAN', created: '2010_07_30', updated: '2019_07_26', sev: 'Minor', mitre: ['TA0043', 'Reconnaissance', 'T1595', 'Active_Scanning'] },
};
const LIBSSH_BRUTE: Sig = {
  sid: 2006546,
  rev: 9,
  msg: 'ET SCAN LibSSH Based Frequent SSH Connections Likely BruteForce Attack',
  category: 'Attempted Administrator Privilege Gain',
  severity: 1,
  meta: { former: 'SCAN', created: '2010_07_30', updated: '2019_07_26', sev: 'Major', mitre: ['TA0006', 'Credential_Access', 'T1110', 'Brute_Force'] },
};

const SSHD = ['syslog', 'sshd'];
export const R_5760: WRule = { id: '5760', level: 5, description: 'sshd: authentication failed.', groups: [...SSHD, 'authentication_failed'], mitre: ['T1110.001', 'T1021.004'], compliance: COMPLIANCE.authFailed };
export const R_5716: WRule = { id: '5716', level: 5, description: 'sshd: authentication failed.', groups: [...SSHD, 'authentication_failed'], mitre: ['T1110.001'], compliance: COMPLIANCE.authFailed };
export const R_5710: WRule = { id: '5710', level: 5, description: 'sshd: Attempt to login using a non-existent user', groups: [...SSHD, 'authentication_failed', 'invalid_login'], mitre: ['T1110.001', 'T1021.004'], compliance: COMPLIANCE.authFailed };
const R_5763: WRule = { id: '5763', level: 10, description: 'sshd: brute force trying to get access to the system. Authentication failed.', groups: [...SSHD, 'authentication_failures'], mitre: ['T1110'], compliance: COMPLIANCE.authFailed };
const R_5712: WRule = { id: '5712', level: 10, description: 'sshd: brute force trying to get access to the system. Non existent user.', groups: [...SSHD, 'authentication_failures'], mitre: ['T1110'], compliance: COMPLIANCE.authFailed };
const R_5720: WRule = { id: '5720', level: 10, description: 'sshd: Multiple authentication failures.', groups: [...SSHD, 'authentication_failures'], mitre: ['T1110'], compliance: COMPLIANCE.authFailed };
const R_5758: WRule = { id: '5758', level: 8, description: 'Maximum authentication attempts exceeded.', groups: [...SSHD, 'authentication_failed'], mitre: ['T1110'], compliance: COMPLIANCE.authFailed };
export const R_5715: WRule = { id: '5715', level: 3, description: 'sshd: authentication success.', groups: [...SSHD, 'authentication_success'], mitre: ['T1078', 'T1021.004'], compliance: COMPLIANCE.authSuccess };
export const R_5501: WRule = { id: '5501', level: 3, description: 'PAM: Login session opened.', groups: ['pam', 'syslog', 'authentication_success'], mitre: ['T1078'], compliance: COMPLIANCE.authSuccess };

/** Composite rules over the failures from one source (stock: frequency 8, timeframe 120 s, ignore 60 s). */
const FREQ: Record<string, WRule> = { '5760': R_5763, '5710': R_5712, '5716': R_5720 };
const FREQUENCY = 8;
const newFrequency = (): Frequency => new Frequency(FREQUENCY, 120, 60);

/** An sshd line as Wazuh sees it (syslog header in full_log, predecoder, decoder sshd). */
export function sshdBody(t: Micros, h: Host, pid: number, msg: string, data: Record<string, string>) {
  return {
    full_log: `${syslogTime(t)} ${h.name} sshd[${pid}]: ${msg}`,
    predecoder: { program_name: 'sshd', timestamp: syslogTime(t), hostname: h.name },
    decoder: { parent: 'sshd', name: 'sshd' },
    data,
    location: '/var/log/auth.log',
  };
}

export class BruteForce extends Gen {
  private attacker = '';
  private target: Host = sshTargets()[0] as Host;
  private left = 0;
  private scans = 0;
  private dictionary: string[] = [];
  private readonly freq = new Map<string, Frequency>();
  private readonly recent = new Map<string, string[]>();

  constructor(ctx: Ctx) {
    super(ctx, 'brute_force');
    this.campaign();
  }

  private campaign(): void {
    const prev = this.attacker;
    do this.attacker = this.rng.pick(ATTACKERS);
    while (this.attacker === prev);
    this.target = this.rng.pick(sshTargets());
    this.left = this.rng.int(120, 400);
    this.scans = 0;
    this.freq.clear();
    this.recent.clear();
    // Mostly password guessing against a few accounts (root first); sometimes a botnet walking a
    // username dictionary, which also looks like spraying.
    const extra = this.rng.shuffle(BRUTE_USERS.filter((u) => u !== 'root'));
    this.dictionary = this.rng.chance(0.7)
      ? ['root', 'root', 'root', ...extra.slice(0, this.rng.int(1, 3))]
      : ['root', 'root', 'admin', ...extra.slice(0, this.rng.int(8, 20))];
  }

  protected plan(): void {
    if (this.left <= 0) {
      if (this.rng.chance(0.2)) this.compromise();
      this.campaign();
    }
    this.left--;
    if (this.scans < 3 || this.rng.chance(0.1)) {
      this.scans++;
      this.suricata();
      return;
    }
    this.failure();
  }

  private suricata(): void {
    const { attacker, target } = this;
    const sig = this.scans > 4 && this.rng.chance(0.3) ? LIBSSH_BRUTE : SSH_SCAN;
    const sport = this.rng.ephemeralPort();
    const client = sig === LIBSSH_BRUTE ? 'libssh_0.9.6' : this.rng.pick(['libssh2_1.10.0', 'Go', 'PuTTY_Release_0.78', 'libssh_0.9.6']);
    this.push((t) => {
      const e = eveAt(this.ctx, t, tuple(attacker, sport, target.ip, 22));
      const up = this.rng.int(1, 8);
      const down = this.rng.int(0, up);
      const line = eveAlert(e, sig, {
        flow: { pkts_toserver: up, pkts_toclient: down, bytes_toserver: up * this.rng.int(66, 240), bytes_toclient: down * this.rng.int(66, 360), start: t - this.rng.int(0, 2 * SECOND) },
        appProto: 'ssh',
        app: { ssh: { client: { proto_version: '2.0', software_version: client }, server: { proto_version: '2.0', software_version: 'OpenSSH_9.2p1' } } },
      });
      return { format: 'eve', line };
    });
  }

  private failure(): void {
    const { attacker, target } = this;
    const user = this.rng.pick(this.dictionary);
    const sport = this.rng.ephemeralPort();
    const pid = this.rng.int(1000, 65000);
    const exists = target.users.includes(user);
    let rule: WRule;
    let msg: string;
    let data: Record<string, string>;
    if (!exists) {
      rule = R_5710;
      msg = `Invalid user ${user} from ${attacker} port ${sport}`;
      data = { srcip: attacker, srcport: String(sport), srcuser: user };
    } else if (this.rng.chance(0.75)) {
      rule = R_5760;
      msg = `Failed password for ${user} from ${attacker} port ${sport} ssh2`;
      data = { srcip: attacker, srcport: String(sport), dstuser: user };
    } else {
      rule = R_5716;
      msg = `Failed publickey for ${user} from ${attacker} port ${sport} ssh2: RSA SHA256:${this.rng.base32(43)}`;
      data = { srcip: attacker, srcport: String(sport), dstuser: user };
    }
    const composite = FREQ[rule.id];
    this.push((t) => {
      const body = sshdBody(t, target, pid, msg, data);
      const list = this.recent.get(rule.id) ?? [];
      list.push(body.full_log);
      if (list.length > FREQUENCY) list.shift();
      this.recent.set(rule.id, list);
      let f = this.freq.get(rule.id);
      if (!f) this.freq.set(rule.id, (f = newFrequency()));
      if (composite && f.hit(t)) {
        // The composite rule repeats the last matching line and lists the earlier ones, newest first.
        const prev = list.slice(0, -1).reverse().join('\n');
        this.pushFront((t2) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t2, composite, target, { ...sshdBody(t2, target, pid, msg, data), previous_output: prev }) }));
      }
      return { format: 'wazuh', line: this.ctx.wazuh.line(t, rule, target, body) };
    });
    if (this.rng.chance(0.04)) {
      // After several failures on one connection sshd gives up on it.
      this.push((t) => {
        const body = sshdBody(t, target, pid, `error: maximum authentication attempts exceeded for ${exists ? '' : 'invalid user '}${user} from ${attacker} port ${sport} ssh2 [preauth]`, {
          srcip: attacker,
          srcport: String(sport),
          dstuser: user,
        });
        return { format: 'wazuh', line: this.ctx.wazuh.line(t, R_5758, target, body) };
      });
    }
  }

  /** The campaign found a password: accepted login and a PAM session. */
  private compromise(): void {
    const { attacker, target } = this;
    const user = target.users.find((u) => u !== 'root') ?? 'root';
    const sport = this.rng.ephemeralPort();
    const pid = this.rng.int(1000, 65000);
    this.push(
      (t) => ({
        format: 'wazuh',
        line: this.ctx.wazuh.line(t, R_5715, target, sshdBody(t, target, pid, `Accepted password for ${user} from ${attacker} port ${sport} ssh2`, { srcip: attacker, srcport: String(sport), dstuser: user })),
      }),
      (t) => ({
        format: 'wazuh',
        line: this.ctx.wazuh.line(t, R_5501, target, {
          full_log: `${syslogTime(t)} ${target.name} sshd[${pid}]: pam_unix(sshd:session): session opened for user ${user}(uid=1000) by (uid=0)`,
          predecoder: { program_name: 'sshd', timestamp: syslogTime(t), hostname: target.name },
          decoder: { parent: 'pam', name: 'pam' },
          data: { dstuser: user, uid: '0' },
          location: '/var/log/auth.log',
        }),
      }),
    );
  }
}
