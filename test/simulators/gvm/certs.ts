import selfsigned from 'selfsigned';

/**
 * Certificates for the TLS simulator, made fresh per run: a CA (as gvm-manage-certs makes one),
 * a server certificate it signed for localhost/127.0.0.1, a client certificate it signed, and a
 * self-signed server certificate (the unknown certificate of a first contact).
 */

export interface Pem {
  cert: string;
  key: string;
}

export interface TestPki {
  ca: Pem;
  server: Pem;
  client: Pem;
  selfSigned: Pem;
}

const EC = { keyType: 'ec' as const, curve: 'P-256' as const, algorithm: 'sha256' };
const SERVER_SAN = { name: 'subjectAltName' as const, altNames: [{ type: 2 as const, value: 'localhost' }, { type: 7 as const, ip: '127.0.0.1' }] };

export async function makeTestPki(): Promise<TestPki> {
  const ca = await selfsigned.generate([{ name: 'commonName', value: 'Vigil test GVM CA' }], {
    ...EC,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    ],
  });
  const caPem = { cert: ca.cert, key: ca.private };
  const server = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    ...EC,
    ca: caPem,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }, { name: 'extKeyUsage', serverAuth: true }, SERVER_SAN],
  });
  const client = await selfsigned.generate([{ name: 'commonName', value: 'vigil-client' }], {
    ...EC,
    ca: caPem,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }, { name: 'extKeyUsage', clientAuth: true }],
  });
  const selfSigned = await selfsigned.generate([{ name: 'commonName', value: 'localhost' }], {
    ...EC,
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'keyUsage', digitalSignature: true, critical: true }, { name: 'extKeyUsage', serverAuth: true }, SERVER_SAN],
  });
  return {
    ca: caPem,
    server: { cert: server.cert, key: server.private },
    client: { cert: client.cert, key: client.private },
    selfSigned: { cert: selfSigned.cert, key: selfSigned.private },
  };
}
