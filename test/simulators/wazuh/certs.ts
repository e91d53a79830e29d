import crypto from 'node:crypto';
import { selfsignedGenerator } from '../../../main/feed/tls.js';

export interface TestCert {
  cert: string;
  key: string;
  /** AA:BB:... SHA-256 of the DER certificate. */
  fingerprint256: string;
}

/** A self-signed server certificate (ECDSA P-256) for the given names, valid for a day. */
export async function makeCert(opts: { dnsNames?: string[]; ipAddresses?: string[]; commonName?: string } = {}): Promise<TestCert> {
  const now = Date.now();
  const { cert, key } = await selfsignedGenerator({
    commonName: opts.commonName ?? 'wazuh-simulator',
    dnsNames: opts.dnsNames ?? ['localhost'],
    ipAddresses: opts.ipAddresses ?? ['127.0.0.1'],
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
  });
  return { cert, key, fingerprint256: new crypto.X509Certificate(cert).fingerprint256 };
}
