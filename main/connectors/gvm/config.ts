import { z } from 'zod';

/**
 * Where gvmd is and how to trust it. Holds no secret: the username and password come through a
 * `GmpCredentialSource` at connect time, and key files are referenced by path only.
 */

const FINGERPRINT = /^(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$/;

/** `AA:BB:...` upper case, whatever the input's case and colons. */
export function normalizeFingerprint(fp: string): string {
  const hex = fp.replace(/:/g, '').toUpperCase();
  return hex.match(/../g)!.join(':');
}

export const GmpTlsTargetSchema = z
  .object({
    kind: z.literal('tls'),
    host: z.string().min(1, 'host is required'),
    port: z.number().int().min(1).max(65535).default(9390),
    /** PEM file of the CA that signed gvmd's certificate (gvm-manage-certs makes one). */
    caFile: z.string().min(1).optional(),
    /** SHA-256 of gvmd's certificate (AA:BB:... or 64 hex digits): trusted whatever signed it. */
    fingerprint256: z.string().regex(FINGERPRINT, 'fingerprint256 must be a SHA-256 fingerprint (AA:BB:... or 64 hex digits)').transform(normalizeFingerprint).optional(),
    /** Client certificate and its unencrypted key (PEM files), for a gvmd that demands one. */
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    /** Name to check the certificate against when it differs from `host` (SNI too). */
    servername: z.string().min(1).optional(),
  })
  .refine((t) => !t.certFile === !t.keyFile, { message: 'certFile and keyFile go together', path: ['keyFile'] });

export const GmpUnixTargetSchema = z.object({
  kind: z.literal('unix'),
  path: z.string().min(1).default('/run/gvmd/gvmd.sock'),
});

export const GmpClientConfigSchema = z.object({
  target: z.discriminatedUnion('kind', [GmpTlsTargetSchema, GmpUnixTargetSchema]),
  /** Longest wait for the next byte of a reply (and for connecting), per command. */
  timeoutMs: z.number().int().min(1).max(3_600_000).default(60_000),
  /** Largest reply kept whole in memory, and largest single result of a streamed report, in characters. */
  maxReplyChars: z.number().int().min(1024).default(32 * 1024 * 1024),
  /** Parsed results buffered ahead of a slow consumer before the socket is paused. */
  resultsHighWater: z.number().int().min(1).default(256),
});

export type GmpTlsTarget = z.output<typeof GmpTlsTargetSchema>;
export type GmpUnixTarget = z.output<typeof GmpUnixTargetSchema>;
export type GmpTarget = GmpTlsTarget | GmpUnixTarget;
export type GmpClientConfigInput = z.input<typeof GmpClientConfigSchema>;
export type GmpClientConfig = z.output<typeof GmpClientConfigSchema>;

/** The account gvmd knows; supplied when a connection authenticates, never stored by the client. */
export interface GmpCredentials {
  username: string;
  password: string;
}

/** Where credentials come from (the keychain in the app, a literal in tests). Called on each (re)authentication. */
export type GmpCredentialSource = () => GmpCredentials | Promise<GmpCredentials>;

/** Optional observer; receives command names, timings and outcomes, never a command body or a secret. */
export interface GmpLogger {
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
}
