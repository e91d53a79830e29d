import { z } from 'zod';
import { ConnectorConfig, type ConnectorFieldSpec, type ConnectorKind, type ConnectorKindSpec, type CredentialMode } from '../contract/connectors.js';

/**
 * The form of every connector kind, read from its schema in the contract (z.toJSONSchema): a kind
 * added to ConnectorConfig shows up on the Tools screen and in `vigil connectors add` without a
 * line of UI code. What a schema cannot say (a friendly name, a hint) comes from the tables
 * below, with plain fallbacks for kinds they do not list.
 */

/** Fields every kind has, rendered by the form itself (name, URL, trust, enabled). */
const COMMON = new Set(['kind', 'id', 'name', 'url', 'enabled', 'trust']);

/** Fields shown before "Advanced"; the rest (limits, paging, intervals) are advanced unless required. */
const BASIC = new Set(['username', 'index', 'serverTimeZone', 'minQod', 'includeLog']);

const LABELS: Record<string, string> = {
  username: 'User name',
  index: 'Alert index pattern',
  backfillHours: 'First pull reaches back (hours)',
  pageSize: 'Hits per request',
  requestsPerMinute: 'Requests per minute (budget)',
  pollIntervalSeconds: 'Poll every (seconds)',
  healthTtlSeconds: 'Health check every (seconds)',
  'timeouts.connectMs': 'Connect timeout (ms)',
  'timeouts.headersMs': 'Answer timeout (ms)',
  'timeouts.bodyMs': 'Body silence timeout (ms)',
  serverTimeZone: 'Server time zone',
  minQod: 'Lowest quality of detection imported (%)',
  includeLog: 'Import log-level results (open ports, products) as info',
};

const HINTS: Record<string, string> = {
  requestsPerMinute: 'Vigil never sends more; Wazuh allows 300 a minute by default (access.max_request_per_minute).',
  pollIntervalSeconds: 'How often the agent inventory (API) or the alerts (indexer) are read.',
  minQod: 'gvmd hides results below 70% by default; lower it to see less certain detections.',
  healthTtlSeconds: 'A health result is reused this long; a new probe runs in the background.',
  index: 'The indices Wazuh writes alerts to; the dashboard uses wazuh-alerts-*.',
  serverTimeZone: 'IANA name such as Europe/Paris; empty reads the server times as UTC.',
};

interface KindInfo {
  label: string;
  description: string;
  urlExample: string;
  credentialLabel?: string;
}

const KINDS: Partial<Record<ConnectorKind, KindInfo>> = {
  'wazuh-api': {
    label: 'Wazuh server API',
    description: 'Agents, their status, restart and active response (the manager, port 55000).',
    urlExample: 'https://wazuh-manager:55000',
    credentialLabel: 'Password',
  },
  'wazuh-indexer': {
    label: 'Wazuh indexer',
    description: 'Alerts stored in wazuh-alerts-* (OpenSearch, port 9200); optional: Vigil can also read alerts.json.',
    urlExample: 'https://wazuh-indexer:9200',
    credentialLabel: 'Password',
  },
  gvm: {
    label: 'Greenbone / OpenVAS (GMP)',
    description: 'Vulnerability scans on gvmd over GMP: TLS on port 9390, or its unix socket on this machine.',
    urlExample: 'tls://gvm.example:9390 or unix:///run/gvmd/gvmd.sock',
    credentialLabel: 'Password',
  },
};

function humanize(name: string): string {
  const last = name.split('.').at(-1)!;
  const words = last.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
}

function scalarDefault(v: unknown): ConnectorFieldSpec['default'] {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v === null ? v : undefined;
}

/** One form field from a property's JSON schema; null when the form cannot edit it. */
function fieldOf(name: string, s: JsonSchema, required: boolean): ConnectorFieldSpec | null {
  const alternatives = s.anyOf ?? s.oneOf;
  const nullable = !!alternatives?.some((a) => a.type === 'null');
  const base = alternatives ? (alternatives.find((a) => a.type !== 'null') ?? {}) : s;
  let type: ConnectorFieldSpec['type'];
  if (base.enum) type = 'enum';
  else if (base.type === 'integer') type = 'integer';
  else if (base.type === 'number') type = 'number';
  else if (base.type === 'boolean') type = 'boolean';
  else if (base.type === 'string') type = 'string';
  else return null;
  const dflt = scalarDefault(s.default ?? base.default);
  const isRequired = required && dflt === undefined;
  return {
    name,
    label: LABELS[name] ?? humanize(name),
    hint: HINTS[name] ?? null,
    type,
    required: isRequired,
    nullable,
    ...(dflt !== undefined ? { default: dflt } : {}),
    ...(base.minimum !== undefined ? { min: base.minimum } : {}),
    ...(base.maximum !== undefined ? { max: base.maximum } : {}),
    ...(base.enum ? { options: base.enum.map(String) } : {}),
    advanced: !isRequired && !BASIC.has(name),
  };
}

function fieldsOf(schema: JsonSchema): ConnectorFieldSpec[] {
  const out: ConnectorFieldSpec[] = [];
  const required = new Set(schema.required ?? []);
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (COMMON.has(name)) continue;
    if (prop.type === 'object' && prop.properties) {
      // one level of nesting (timeouts): each member is its own field, named with a dot
      const inner = new Set(prop.required ?? []);
      for (const [sub, p] of Object.entries(prop.properties)) {
        const f = fieldOf(`${name}.${sub}`, p, inner.has(sub) && required.has(name));
        if (f) out.push({ ...f, advanced: true });
      }
      continue;
    }
    const f = fieldOf(name, prop, required.has(name));
    if (f) out.push(f);
  }
  // basic fields first, then advanced, each in schema order
  return [...out.filter((f) => !f.advanced), ...out.filter((f) => f.advanced)];
}

/** How a kind authenticates, from its schema: a user name means a password, none an API key. */
function credentialOf(schema: JsonSchema): CredentialMode {
  const user = schema.properties?.['username'];
  if (!user) return 'api_key';
  const nullable = !!(user.anyOf ?? user.oneOf)?.some((a) => a.type === 'null');
  return nullable ? 'optional_password' : 'password';
}

/** The schema of each kind, from the contract's discriminated union. */
function kindSchemas(): [ConnectorKind, z.ZodType][] {
  return ConnectorConfig.options.map((o) => [o.shape.kind.value as ConnectorKind, o as z.ZodType]);
}

let cached: ConnectorKindSpec[] | null = null;

/** Every registered kind with its form. */
export function connectorKindSpecs(): ConnectorKindSpec[] {
  cached ??= kindSchemas().map(([kind, schema]) => {
    const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const info = KINDS[kind];
    const mode = credentialOf(json);
    return {
      kind,
      label: info?.label ?? humanize(kind),
      description: info?.description ?? '',
      urlExample: info?.urlExample ?? 'https://tool.example',
      credential: { mode, label: info?.credentialLabel ?? (mode === 'api_key' ? 'API key' : 'Password') },
      fields: fieldsOf(json),
    };
  });
  return cached;
}

export function kindSpec(kind: ConnectorKind): ConnectorKindSpec {
  const spec = connectorKindSpecs().find((k) => k.kind === kind);
  if (!spec) throw new Error(`no form for connector kind ${kind}`);
  return spec;
}

/** The vault entry of a connector's secret (password or API key). */
export function secretAccount(connectorId: string): string {
  return `connector.${connectorId}.secret`;
}
