import type { Logger } from '../core/logger.js';

/**
 * Connector logs never hold a secret. Two nets, both applied to every message and field:
 * - by name: a field (at any depth) whose key looks like a credential is replaced whole;
 * - by value: the secrets the connector knows (its password, its current token) and anything
 *   shaped like one (Authorization schemes, JWTs, `password=` pairs) are cut out of strings.
 */

export const REDACTED = '[redacted]';

const SECRET_KEY = /^(authorization|proxy-authorization|cookie|set-cookie|password|passwd|pass|secret|token|access_token|refresh_token|id_token|api[-_]?key|x-api-key|x-zap-api-key|apikey|jwt|private[-_]?key|client[-_]?secret|credentials?)$/i;
const SHAPES: RegExp[] = [
  /\b(Bearer|Basic|Digest|Token)\s+[^\s"',]+/gi,
  /\beyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g, // a JWT
  /\b(password|passwd|pass|secret|token|api[-_]?key|apikey|raw_token)=([^&\s"']+)/gi,
];

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

/** Cuts known secret values and secret-shaped substrings out of a string. */
export function redactString(s: string, secrets: Iterable<string> = []): string {
  let out = s;
  for (const secret of secrets) if (secret && secret.length >= 3) out = out.split(secret).join(REDACTED);
  out = out.replace(SHAPES[0]!, (_m, scheme: string) => `${scheme} ${REDACTED}`);
  out = out.replace(SHAPES[1]!, REDACTED);
  out = out.replace(SHAPES[2]!, (_m, key: string) => `${key}=${REDACTED}`);
  return out;
}

/** A deep copy with secret-named keys replaced and every string scrubbed. */
export function redactValue(value: unknown, secrets: Iterable<string> = [], depth = 0): unknown {
  if (typeof value === 'string') return redactString(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  if (depth > 8) return '[deep]';
  if (value instanceof Error) return redactString(`${value.name}: ${value.message}`, secrets);
  if (Array.isArray(value)) return value.map((v) => redactValue(v, secrets, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretKey(k) ? REDACTED : redactValue(v, secrets, depth + 1);
  return out;
}

/**
 * Wraps a logger so nothing it writes contains a secret. `secrets` is asked on every line, so a
 * token obtained after the logger was built is covered too.
 */
export function redactingLogger(inner: Logger, secrets: () => Iterable<string> = () => []): Logger {
  const wrap =
    (level: keyof Logger) =>
    (msg: string, fields?: Record<string, unknown>): void => {
      const known = [...secrets()];
      inner[level](redactString(msg, known), fields ? (redactValue(fields, known) as Record<string, unknown>) : undefined);
    };
  return { info: wrap('info'), warn: wrap('warn'), error: wrap('error') };
}

/** The secrets in play for one connector (password, current token), for redactingLogger. */
export class SecretSet {
  private readonly values = new Set<string>();
  add(value: string | null | undefined): void {
    if (value) this.values.add(value);
  }
  delete(value: string | null | undefined): void {
    if (value) this.values.delete(value);
  }
  list = (): Iterable<string> => this.values;
}
