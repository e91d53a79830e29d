import crypto from 'node:crypto';

/**
 * HTTP Digest access authentication (RFC 7616), the part SpiderFoot needs: MD5 with
 * `qop=auth`, which is what CherryPy's auth_digest offers (SpiderFoot turns it on when its data
 * directory has a `passwd` file; realm = the listen address). undici has no Digest support.
 *
 *   HA1      = MD5(username ":" realm ":" password)
 *   HA2      = MD5(method ":" request-uri)
 *   response = MD5(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)
 *
 * `nc` counts the requests sent with one nonce (8 hex digits, from 00000001); a new nonce starts
 * it again. CherryPy's nonces carry their creation time and go stale after 10 minutes: the
 * server then answers 401 with `stale="true"`, and the client retries with the new nonce without
 * treating it as a wrong password. MD5-sess is handled too (A1 = HA1 ":" nonce ":" cnonce).
 */

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** The qop values offered; empty = the RFC 2069 form without qop. */
  qop: string[];
  algorithm: string;
  opaque: string | null;
  stale: boolean;
  /** charset="UTF-8": the server reads user name and password as UTF-8. */
  charset: string | null;
}

/** key=value pairs of an auth header, values quoted or tokens (quoted ones may hold commas). */
function authParams(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /\s*([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null && m[0] !== '') {
    out.set(m[1]!.toLowerCase(), m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : (m[3] ?? ''));
  }
  return out;
}

/** The Digest challenge of a WWW-Authenticate header (one header or several joined), or null. */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | null {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  for (const v of values) {
    const m = /(?:^|,\s*)Digest\s+(.*)$/i.exec(v);
    if (!m) continue;
    const p = authParams(m[1]!);
    const realm = p.get('realm');
    const nonce = p.get('nonce');
    if (realm === undefined || !nonce) continue;
    return {
      realm,
      nonce,
      qop: (p.get('qop') ?? '')
        .split(',')
        .map((q) => q.trim().toLowerCase())
        .filter(Boolean),
      algorithm: (p.get('algorithm') ?? 'MD5').toUpperCase(),
      opaque: p.get('opaque') ?? null,
      stale: (p.get('stale') ?? '').toLowerCase() === 'true',
      charset: p.get('charset') ?? null,
    };
  }
  return null;
}

const md5 = (s: string) => crypto.createHash('md5').update(s, 'utf8').digest('hex');

export interface DigestInput {
  username: string;
  password: string;
  realm: string;
  nonce: string;
  method: string;
  /** The request-target exactly as sent: path and query. */
  uri: string;
  /** 'auth', or null for the RFC 2069 form. */
  qop: 'auth' | null;
  /** Nonce count, 1 for the first request with this nonce. */
  nc: number;
  cnonce: string;
  algorithm?: string;
}

/** `nc` as sent: 8 lower-case hex digits. */
export function nonceCount(nc: number): string {
  return nc.toString(16).padStart(8, '0');
}

/** The `response` value (request-digest) of RFC 7616 §3.4.1 for MD5 / MD5-sess. */
export function digestResponse(i: DigestInput): string {
  let ha1 = md5(`${i.username}:${i.realm}:${i.password}`);
  if ((i.algorithm ?? 'MD5').toUpperCase() === 'MD5-SESS') ha1 = md5(`${ha1}:${i.nonce}:${i.cnonce}`);
  const ha2 = md5(`${i.method}:${i.uri}`);
  return i.qop ? md5(`${ha1}:${i.nonce}:${nonceCount(i.nc)}:${i.cnonce}:${i.qop}:${ha2}`) : md5(`${ha1}:${i.nonce}:${ha2}`);
}

const quote = (s: string) => `"${s.replace(/[\\"]/g, '\\$&')}"`;

/** The Authorization header value for one request. */
export function digestAuthorization(i: DigestInput, opaque: string | null = null): string {
  const parts = [
    `username=${quote(i.username)}`,
    `realm=${quote(i.realm)}`,
    `nonce=${quote(i.nonce)}`,
    `uri=${quote(i.uri)}`,
    `algorithm=${i.algorithm ?? 'MD5'}`,
    `response=${quote(digestResponse(i))}`,
  ];
  if (i.qop) parts.push(`qop=${i.qop}`, `nc=${nonceCount(i.nc)}`, `cnonce=${quote(i.cnonce)}`);
  if (opaque !== null) parts.push(`opaque=${quote(opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

const SUPPORTED_ALGORITHMS = new Set(['MD5', 'MD5-SESS']);

/**
 * The client side of one Digest login: the server's last challenge, the nonce count, and fresh
 * cnonces. After the first 401 every request carries an Authorization header up front (no
 * extra round trip); a new challenge (401, stale or not) replaces the nonce and restarts nc.
 */
export class DigestSession {
  private challenge: DigestChallenge | null = null;
  private nc = 0;

  constructor(private readonly cnonce: () => string = () => crypto.randomBytes(16).toString('hex')) {}

  /** Whether a challenge has been seen (requests then carry Authorization up front). */
  get ready(): boolean {
    return this.challenge !== null;
  }

  get realm(): string | null {
    return this.challenge?.realm ?? null;
  }

  /** Takes the server's new challenge. Throws when it asks for something other than MD5 / auth. */
  accept(challenge: DigestChallenge): void {
    if (!SUPPORTED_ALGORITHMS.has(challenge.algorithm)) throw new Error(`the server asks for Digest ${challenge.algorithm}; Vigil speaks MD5 and MD5-sess`);
    if (challenge.qop.length > 0 && !challenge.qop.includes('auth')) throw new Error(`the server asks for Digest qop ${challenge.qop.join(', ')}; Vigil speaks qop=auth`);
    this.challenge = challenge;
    this.nc = 0;
  }

  /** Forgets the challenge (credentials changed). */
  reset(): void {
    this.challenge = null;
    this.nc = 0;
  }

  /** The Authorization header for the next request, or null before any challenge. */
  authorization(method: string, uri: string, username: string, password: string): string | null {
    const c = this.challenge;
    if (!c) return null;
    this.nc += 1;
    return digestAuthorization(
      { username, password, realm: c.realm, nonce: c.nonce, method, uri, qop: c.qop.length ? 'auth' : null, nc: this.nc, cnonce: this.cnonce(), algorithm: c.algorithm },
      c.opaque,
    );
  }
}
