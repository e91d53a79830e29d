import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * The listener's cipher suites: TLS 1.3's (all AEAD) and, for TLS 1.2, only ECDHE with AES-GCM or
 * ChaCha20-Poly1305; no CBC, no static RSA key exchange. (Node leaves TLS 1.3 off when a cipher
 * list names none of its suites, so they are listed too.)
 */
export const FEED_TLS_CIPHERS = [
  'TLS_AES_256_GCM_SHA384',
  'TLS_CHACHA20_POLY1305_SHA256',
  'TLS_AES_128_GCM_SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
].join(':');

/** What an HTTPS listener needs, plus the fingerprint teammates pin. */
export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 of the DER certificate, as AA:BB:... (what `openssl x509 -fingerprint -sha256` prints). */
  fingerprint256: string;
  certPath: string;
  keyPath: string;
  /** True when this call generated the certificate. */
  generated: boolean;
  notAfter: string;
}

export interface CertRequest {
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  notBefore: Date;
  notAfter: Date;
}

/** Makes a self-signed certificate and its private key (both PEM). */
export type CertGenerator = (req: CertRequest) => Promise<{ cert: string; key: string }>;

/** The subset of the `selfsigned` (>= 5) API Vigil uses. */
interface SelfsignedModule {
  generate(
    attrs: { name: string; value: string }[],
    opts: {
      keyType: 'ec';
      curve: 'P-256';
      algorithm: 'sha256';
      notBeforeDate: Date;
      notAfterDate: Date;
      extensions: Record<string, unknown>[];
    },
  ): Promise<{ private: string; cert: string }>;
}

export class TlsSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TlsSetupError';
  }
}

// The package name sits in a variable so the code compiles before the dependency is installed;
// it is loaded on first use only (most runs never need TLS).
const SELFSIGNED = 'selfsigned';

/** Generates with the `selfsigned` package (X.509 via @peculiar/x509 over Node's WebCrypto): ECDSA P-256, SHA-256. */
export const selfsignedGenerator: CertGenerator = async (req) => {
  let mod: SelfsignedModule;
  try {
    const loaded = (await import(SELFSIGNED)) as Partial<SelfsignedModule> & { default?: SelfsignedModule };
    mod = typeof loaded.generate === 'function' ? (loaded as SelfsignedModule) : loaded.default!;
    if (typeof mod?.generate !== 'function') throw new Error('no generate()');
  } catch (err) {
    throw new TlsSetupError(
      `cannot generate a self-signed certificate: the "selfsigned" package is not available (${err instanceof Error ? err.message : String(err)}); ` +
        'use your own certificate (tls mode custom) or install selfsigned',
    );
  }
  const pems = await mod.generate([{ name: 'commonName', value: req.commonName }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: req.notBefore,
    notAfterDate: req.notAfter,
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [...req.dnsNames.map((value) => ({ type: 2, value })), ...req.ipAddresses.map((ip) => ({ type: 7, ip }))],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
};

export function fingerprint256(certPem: string): string {
  return new crypto.X509Certificate(certPem).fingerprint256;
}

/** Reads a certificate and key and checks that they belong together. */
function inspect(cert: string, key: string, certPath: string, keyPath: string): { fingerprint256: string; notAfter: string } {
  let x509: crypto.X509Certificate;
  try {
    x509 = new crypto.X509Certificate(cert);
  } catch (err) {
    throw new TlsSetupError(`${certPath} is not a PEM certificate (${err instanceof Error ? err.message : String(err)})`);
  }
  let privateKey: crypto.KeyObject;
  try {
    privateKey = crypto.createPrivateKey(key);
  } catch (err) {
    throw new TlsSetupError(`${keyPath} is not a PEM private key (${err instanceof Error ? err.message : String(err)})`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new TlsSetupError(`${keyPath} is not the private key of ${certPath}`);
  return { fingerprint256: x509.fingerprint256, notAfter: new Date(x509.validTo).toISOString() };
}

function readPem(file: string, what: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new TlsSetupError(`cannot read the ${what} ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The analyst's own certificate and key. */
export function loadCustomTls(certPath: string, keyPath: string): TlsMaterial {
  const cert = readPem(certPath, 'certificate');
  const key = readPem(keyPath, 'private key');
  const info = inspect(cert, key, certPath, keyPath);
  return { cert, key, certPath, keyPath, generated: false, ...info };
}

function altNamesFor(host: string): { dns: string[]; ips: string[] } {
  const dns = new Set(['localhost']);
  const ips = new Set(['127.0.0.1', '::1']);
  const hostname = os.hostname();
  if (/^[A-Za-z0-9.-]{1,253}$/.test(hostname)) dns.add(hostname.toLowerCase());
  if (net.isIP(host) && host !== '0.0.0.0' && host !== '::') ips.add(host);
  for (const list of Object.values(os.networkInterfaces())) {
    for (const ni of list ?? []) if (!ni.internal && (ni.family === 'IPv4' || !ni.address.startsWith('fe80'))) ips.add(ni.address);
  }
  return { dns: [...dns], ips: [...ips] };
}

/** Writes a file atomically with the given mode (the temp file is created with it). */
function writeAtomic(file: string, data: string, mode: number): void {
  const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data, { mode, flag: 'wx' });
  fs.chmodSync(tmp, mode); // the umask may have narrowed or the platform ignored the mode
  fs.renameSync(tmp, file);
}

export const SELF_SIGNED_DIR = 'feed-tls';
/** The private key's file name inside SELF_SIGNED_DIR (mode 0600). */
export const SELF_SIGNED_KEY_FILE = 'key.pem';
/** Validity of a generated certificate. Teammates pin it, so a long life saves re-pinning. */
const SELF_SIGNED_DAYS = 3 * 365;

/**
 * The self-signed certificate kept in `<dataDir>/feed-tls/` (key file mode 0600), generated on
 * first use and again only when it has expired (a new fingerprint must then be pinned).
 */
export async function ensureSelfSignedTls(
  dataDir: string,
  bindHost: string,
  generator: CertGenerator = selfsignedGenerator,
  now: () => Date = () => new Date(),
): Promise<TlsMaterial> {
  const dir = path.join(dataDir, SELF_SIGNED_DIR);
  const certPath = path.join(dir, 'cert.pem');
  const keyPath = path.join(dir, SELF_SIGNED_KEY_FILE);
  if (fs.existsSync(certPath) && fs.existsSync(keyPath)) {
    if (process.platform !== 'win32' && (fs.statSync(keyPath).mode & 0o077) !== 0) fs.chmodSync(keyPath, 0o600);
    const cert = readPem(certPath, 'certificate');
    const key = readPem(keyPath, 'private key');
    const info = inspect(cert, key, certPath, keyPath);
    if (Date.parse(info.notAfter) > now().getTime()) return { cert, key, certPath, keyPath, generated: false, ...info };
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const alt = altNamesFor(bindHost);
  const notBefore = new Date(now().getTime() - 60 * 60_000);
  const notAfter = new Date(now().getTime() + SELF_SIGNED_DAYS * 86_400_000);
  const made = await generator({ commonName: `Vigil feed (${os.hostname()})`, dnsNames: alt.dns, ipAddresses: alt.ips, notBefore, notAfter });
  const info = inspect(made.cert, made.key, certPath, keyPath);
  writeAtomic(keyPath, made.key, 0o600);
  writeAtomic(certPath, made.cert, 0o644);
  return { cert: made.cert, key: made.key, certPath, keyPath, generated: true, ...info };
}
