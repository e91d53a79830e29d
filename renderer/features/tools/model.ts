import type {
  ConnectorConfig,
  ConnectorFailureKind,
  ConnectorFieldSpec,
  ConnectorKindSpec,
  ConnectorView,
  HealthSample,
  HealthStatus,
} from '../../../main/contract/connectors.js';
import { usesTls } from '../../../main/contract/connectors.js';

/** What the analyst reads for each health status (never colour alone). */
export const HEALTH_LABEL: Record<HealthStatus | 'unknown' | 'disabled', string> = {
  ok: 'OK',
  degraded: 'Degraded',
  down: 'Down',
  auth_failed: 'Auth failed',
  untrusted_certificate: 'Untrusted certificate',
  unknown: 'Checking…',
  disabled: 'Disabled',
};

/** A title for each failure kind of a test or health probe. */
export const FAILURE_TITLE: Record<ConnectorFailureKind, string> = {
  invalid_config: 'Configuration problem',
  dns: 'Host name not found',
  refused: 'Connection refused',
  timeout: 'No answer in time',
  tls_untrusted: 'Certificate not trusted',
  tls_mismatch: 'Certificate changed',
  tls_error: 'TLS error',
  auth_failed: 'Wrong user name or password',
  forbidden: 'Not allowed',
  wrong_product: 'Not the expected tool',
  rate_limited: 'Rate limited',
  http_error: 'The tool answered with an error',
  bad_response: 'Unexpected answer',
  circuit_open: 'Paused after repeated failures',
  network: 'Connection failed',
};

export type HealthKey = HealthStatus | 'unknown' | 'disabled';

/** The status a card shows: disabled, not probed yet, or the last probe's. */
export function healthKey(v: ConnectorView): HealthKey {
  if (!v.config.enabled) return 'disabled';
  return v.health?.status ?? 'unknown';
}

/** CSS tone of a status. */
export function healthTone(k: HealthKey): 'ok' | 'warn' | 'bad' | 'idle' {
  if (k === 'ok') return 'ok';
  if (k === 'degraded') return 'warn';
  if (k === 'unknown' || k === 'disabled') return 'idle';
  return 'bad';
}

/** "98% ok over the last 2 h" from newest-first samples. */
export function uptimeText(samples: readonly HealthSample[]): string | null {
  if (samples.length < 2) return null;
  const ok = samples.filter((s) => s.status === 'ok').length;
  const span = Date.parse(samples[0]!.checked_at) - Date.parse(samples.at(-1)!.checked_at);
  const mins = Math.max(1, Math.round(span / 60_000));
  const over = mins < 120 ? `${mins} min` : `${Math.round(mins / 60)} h`;
  return `${Math.round((ok / samples.length) * 100)}% ok over ${over} (${samples.length} checks)`;
}

/** A connector id from a name, unique among `taken`. */
export function idFromName(name: string, taken: ReadonlySet<string>): string {
  const base =
    name
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 56)
      .replace(/-+$/, '') || 'connector';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  return id;
}

export type TrustMode = 'system' | 'ca' | 'pin';

/** The form's state: text as typed, turned into a configuration by toConfig. */
export interface Draft {
  kind: ConnectorKindSpec['kind'];
  /** null until saved: made from the name. */
  id: string | null;
  name: string;
  url: string;
  enabled: boolean;
  trustMode: TrustMode;
  caFile: string;
  sha256: string;
  /** Kind fields by name ("timeouts.connectMs" for nested ones), as text or a boolean. */
  fields: Record<string, string | boolean>;
  /** A new secret; empty = keep the saved one (editing) or none. */
  secret: string;
}

function text(v: unknown): string | boolean {
  return typeof v === 'boolean' ? v : v === null || v === undefined ? '' : String(v);
}

function valueAt(config: Record<string, unknown>, name: string): unknown {
  return name.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), config);
}

export function newDraft(spec: ConnectorKindSpec): Draft {
  const fields: Record<string, string | boolean> = {};
  for (const f of spec.fields) fields[f.name] = f.type === 'boolean' ? f.default === true : f.default === undefined || f.default === null ? '' : String(f.default);
  return { kind: spec.kind, id: null, name: '', url: '', enabled: true, trustMode: 'system', caFile: '', sha256: '', fields, secret: '' };
}

export function draftFromConfig(config: ConnectorConfig, spec: ConnectorKindSpec): Draft {
  const c = config as unknown as Record<string, unknown>;
  const fields: Record<string, string | boolean> = {};
  for (const f of spec.fields) fields[f.name] = text(valueAt(c, f.name));
  const t = config.trust;
  return {
    kind: config.kind,
    id: config.id,
    name: config.name,
    url: config.url,
    enabled: config.enabled,
    trustMode: t.mode,
    caFile: t.mode === 'ca' ? t.caFile : '',
    sha256: t.mode === 'pin' ? t.sha256 : '',
    fields,
    secret: '',
  };
}

function fieldValue(f: ConnectorFieldSpec, raw: string | boolean): unknown {
  if (f.type === 'boolean') return raw === true;
  const s = String(raw).trim();
  if (s === '') return f.nullable ? null : undefined;
  if (f.type === 'integer' || f.type === 'number') return Number(s);
  return s;
}

/** The configuration the contract validates (the server names every problem). */
export function toConfig(d: Draft, spec: ConnectorKindSpec, id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {
    kind: d.kind,
    id,
    name: d.name.trim(),
    url: d.url.trim(),
    enabled: d.enabled,
    trust: d.trustMode === 'pin' ? { mode: 'pin', sha256: d.sha256.trim() } : d.trustMode === 'ca' ? { mode: 'ca', caFile: d.caFile.trim() } : { mode: 'system' },
  };
  for (const f of spec.fields) {
    const v = fieldValue(f, d.fields[f.name] ?? '');
    if (v === undefined) continue;
    const [outer, inner] = f.name.split('.') as [string, string | undefined];
    if (inner) out[outer] = { ...(out[outer] as Record<string, unknown> | undefined), [inner]: v };
    else out[outer] = v;
  }
  return out;
}

/** Contract issues ("config.url: ...") by form field; the rest stay general. */
export function issuesByField(issues: readonly string[]): { fields: Record<string, string>; other: string[] } {
  const fields: Record<string, string> = {};
  const other: string[] = [];
  for (const issue of issues) {
    const m = /^(?:config\.)?([\w.]+): (.*)$/.exec(issue);
    if (!m) {
      other.push(issue);
      continue;
    }
    let key = m[1]!;
    if (key.startsWith('trust')) key = 'trust';
    if (key === 'secret') key = 'secret';
    if (fields[key]) fields[key] += `; ${m[2]}`;
    else fields[key] = m[2]!;
  }
  return { fields, other };
}

/** How a connector trusts its server, in short. */
export function trustText(c: ConnectorConfig): string {
  const t = c.trust;
  if (t.mode === 'pin') return `Pinned certificate ${t.sha256.slice(0, 23)}…`;
  if (t.mode === 'ca') return `CA file ${t.caFile}`;
  if (usesTls(c)) return 'System CAs';
  return c.kind === 'gvm' ? 'Local socket' : 'Plain HTTP';
}
