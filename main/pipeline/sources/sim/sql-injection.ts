/**
 * sql_injection: an external client (sqlmap, or a hand-driven browser) probes a web app with
 * injection payloads. Suricata ET WEB_SERVER alerts on cleartext :80/:8080, and on every
 * request (also :443, where nginx terminates TLS) the web server's access log line raised as
 * Wazuh 31103/31164, with the composite 31152 (6 in 120 s from one source).
 */
import { type Ctx, Frequency, Gen, eveAt, tuple, SECOND } from './engine.js';
import { type Sig, type WRule, COMPLIANCE, accessLogTime, eveAlert } from './format.js';
import { type Host, ATTACKERS, byRole } from './world.js';

const META = (created: string, updated: string) =>
  ({ former: 'WEB_SERVER', target: 'Web_Server', product: 'Web_Server_Applications', deployment: 'Datacenter', created, updated, sev: 'Major', mitre: ['TA0001', 'Initial_Access', 'T1190', 'Exploit_Public_Facing_Application'] }) as const;

const SIG: Record<string, Sig> = {
  union: { sid: 2006446, rev: 14, msg: 'ET WEB_SERVER Possible SQL Injection Attempt UNION SELECT', category: 'Web Application Attack', severity: 1, meta: META('2010_07_30', '2020_08_20') },
  select: { sid: 2006445, rev: 14, msg: 'ET WEB_SERVER Possible SQL Injection Attempt SELECT FROM', category: 'Web Application Attack', severity: 1, meta: META('2010_07_30', '2020_08_20') },
  concat: { sid: 2011042, rev: 6, msg: 'ET WEB_SERVER MYSQL SELECT CONCAT SQL Injection Attempt', category: 'Web Application Attack', severity: 1, meta: META('2010_07_30', '2020_08_20') },
  schema: { sid: 2017808, rev: 3, msg: 'ET WEB_SERVER Possible MySQL SQLi Attempt Information Schema Access', category: 'Web Application Attack', severity: 1, meta: META('2013_12_06', '2020_08_20') },
  sleep: { sid: 2017011, rev: 4, msg: 'ET WEB_SERVER Possible MySQL SQLi Attempt SLEEP Function', category: 'Web Application Attack', severity: 1, meta: META('2013_06_20', '2020_08_20') },
  tautology: { sid: 2019204, rev: 3, msg: "ET WEB_SERVER Possible SQL Injection Attempt OR 1=1", category: 'Web Application Attack', severity: 1, meta: META('2014_09_22', '2020_08_20') },
  sqlmap: { sid: 2008538, rev: 9, msg: 'ET SCAN Sqlmap SQL Injection Scan', category: 'Attempted Information Leak', severity: 2, meta: { ...META('2010_07_30', '2019_07_26'), former: 'SCAN' } },
};

/** [path with encoded payload, signature key] */
const PAYLOADS: readonly (readonly [string, string])[] = [
  ['/products.php?id=1%27%20UNION%20SELECT%20NULL,NULL,NULL--%20-', 'union'],
  ['/products.php?id=1%20UNION%20ALL%20SELECT%20username,password%20FROM%20users--', 'union'],
  ['/index.php?cat=-1%20UNION%20SELECT%201,concat(user(),0x3a,version()),3--', 'concat'],
  ['/index.php?id=1%20UNION%20SELECT%20table_name,2%20FROM%20information_schema.tables--', 'schema'],
  ['/api/items?id=1%20AND%20(SELECT%205113%20FROM%20(SELECT(SLEEP(5)))abcD)', 'sleep'],
  ['/search?q=%27%20OR%20%271%27%3D%271%27%20--%20', 'tautology'],
  ['/login.php?user=admin%27%20OR%201%3D1--&pass=x', 'tautology'],
  ['/products.php?id=1%20AND%201=CONVERT(int,(SELECT%20TOP%201%20name%20FROM%20sysobjects))--', 'select'],
  ['/news.php?article=3%27%20AND%20(SELECT%20COUNT(*)%20FROM%20users)%3E0--%20', 'select'],
  ['/products.php?id=1%29%20UNION%20SELECT%20CHAR(113,118,122),NULL--', 'union'],
];

const BROWSER_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const SQLMAP_UA = ['sqlmap/1.7.2#stable (https://sqlmap.org)', 'sqlmap/1.8.4#stable (https://sqlmap.org)'];

const WEB = ['web', 'accesslog', 'attack', 'sql_injection'];
export const R_31103: WRule = { id: '31103', level: 7, description: 'SQL injection attempt.', groups: WEB, mitre: ['T1190'], compliance: COMPLIANCE.web };
export const R_31164: WRule = { id: '31164', level: 6, description: 'SQL injection attempt.', groups: WEB, mitre: ['T1190'], compliance: COMPLIANCE.web };
const R_31152: WRule = { id: '31152', level: 10, description: 'Multiple SQL injection attempts from same source ip.', groups: WEB, mitre: ['T1190'], compliance: COMPLIANCE.web };

export class SqlInjection extends Gen {
  private attacker = '';
  private target: Host = byRole('web')[0] as Host;
  private ua = BROWSER_UA;
  private port = 80;
  private left = 0;
  private hits = new Frequency(6, 120, 60);
  private lines: string[] = [];

  constructor(ctx: Ctx) {
    super(ctx, 'sql_injection');
    this.campaign();
  }

  private campaign(): void {
    this.attacker = this.rng.pick(ATTACKERS);
    this.target = this.rng.pick(byRole('web'));
    this.ua = this.rng.chance(0.7) ? this.rng.pick(SQLMAP_UA) : BROWSER_UA;
    this.port = this.rng.weighted([[80, 5], [443, 3], [8080, 1]] as const);
    this.left = this.rng.int(60, 250);
    this.hits = new Frequency(6, 120, 60);
    this.lines = [];
  }

  protected plan(): void {
    if (this.left-- <= 0) this.campaign();
    const { attacker, target, ua, port } = this;
    const [path, key] = this.rng.pick(PAYLOADS);
    const status = this.rng.weighted([[200, 5], [500, 3], [403, 1], [404, 1]] as const);
    const length = status === 200 ? this.rng.int(1800, 24000) : status === 500 ? this.rng.int(300, 900) : this.rng.int(150, 560);
    const sport = this.rng.ephemeralPort();
    const hostHeader = `${target.name}.corp.example.com`;

    if (port !== 443) {
      const sig = ua.startsWith('sqlmap') && this.rng.chance(0.15) ? (SIG.sqlmap as Sig) : (SIG[key] as Sig);
      this.push((t) => {
        const e = eveAt(this.ctx, t, tuple(attacker, sport, target.ip, port));
        const line = eveAlert(e, sig, {
          txId: this.rng.int(0, 6),
          flow: { pkts_toserver: this.rng.int(3, 9), pkts_toclient: this.rng.int(2, 12), bytes_toserver: this.rng.int(500, 1400), bytes_toclient: length + 300, start: t - this.rng.int(1, SECOND) },
          appProto: 'http',
          app: {
            http: {
              hostname: hostHeader,
              ...(port === 80 ? {} : { http_port: port }),
              url: path,
              http_user_agent: ua,
              http_content_type: 'text/html',
              http_method: 'GET',
              protocol: 'HTTP/1.1',
              status,
              length,
            },
          },
        });
        return { format: 'eve', line };
      });
    }
    // The access log line, as nginx wrote it, picked up by the web agent.
    const rule = /UNION|SELECT%20|information_schema|CONVERT/i.test(path) ? R_31103 : R_31164;
    const logFor = (t: number) => `${attacker} - - [${accessLogTime(t)}] "GET ${path} HTTP/1.1" ${status} ${length} "-" "${ua}"`;
    const body = (full: string) => ({
      full_log: full,
      decoder: { name: 'web-accesslog' },
      data: { protocol: 'GET', srcip: attacker, id: String(status), url: path },
      location: port === 443 ? '/var/log/nginx/ssl_access.log' : '/var/log/nginx/access.log',
    });
    this.push((t) => {
      const full = logFor(t);
      this.lines.push(full);
      if (this.lines.length > 6) this.lines.shift();
      if (this.hits.hit(t)) {
        const prev = this.lines.slice(0, -1).reverse().join('\n');
        this.pushFront((t2) => ({ format: 'wazuh', line: this.ctx.wazuh.line(t2, R_31152, target, { ...body(full), previous_output: prev }) }));
      }
      return { format: 'wazuh', line: this.ctx.wazuh.line(t, rule, target, body(full)) };
    });
  }
}
