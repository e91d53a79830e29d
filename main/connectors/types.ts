import type {
  ConnectorFailure,
  ConnectorFailureKind,
  ConnectorHealth,
  ConnectorKind,
  ConnectorTestResult,
} from '../contract/connectors.js';
import type { SecretSet } from './redact.js';

export type {
  CertificateInfo,
  ConnectorConfig,
  ConnectorFailure,
  ConnectorFailureKind,
  ConnectorHealth,
  ConnectorKind,
  ConnectorTestResult,
  HealthStatus,
  TlsTrust,
} from '../contract/connectors.js';

/** A user name and password (HTTP Basic, Wazuh login). */
export interface BasicCredentials {
  username: string;
  password: string;
}

/**
 * Where a connector gets its secret, asked on every (re)login so a changed password is picked up
 * without a restart. The keychain (main/secrets) implements it; connectors never read secrets from
 * their configuration. A string is an API key or token.
 */
export interface CredentialSource {
  get(): Promise<BasicCredentials | string>;
}

/** A fixed password for a configured user name (tests, the CLI's prompt). */
export function staticCredentials(username: string, password: string): CredentialSource {
  return { get: async () => ({ username, password }) };
}

/**
 * The configured user name with the password from the credential source (a string is taken as
 * the password; a pair must be for the same user). The password joins `secrets` for redaction.
 */
export async function basicCredentials(source: CredentialSource, username: string, secrets: SecretSet, what: string): Promise<BasicCredentials> {
  const creds = await source.get();
  const password = typeof creds === 'string' ? creds : creds.password;
  if (typeof creds !== 'string' && creds.username !== username) {
    throw connectorFailure('invalid_config', `${what}: the keychain holds a password for "${creds.username}", not for the configured user "${username}"`);
  }
  if (!password) throw connectorFailure('invalid_config', `${what}: no password for "${username}" in the keychain`);
  secrets.add(password);
  return { username, password };
}

/** The API key from the credential source (a string); it joins `secrets` for redaction. */
export async function apiKeyCredential(source: CredentialSource, secrets: SecretSet, what: string): Promise<string> {
  const creds = await source.get();
  if (typeof creds !== 'string') throw connectorFailure('invalid_config', `${what}: the keychain holds a user name and password; this tool takes an API key`);
  if (!creds) throw connectorFailure('invalid_config', `${what}: no API key in the keychain`);
  secrets.add(creds);
  return creds;
}

/** What the UI lists about a connector (never a secret). */
export interface ConnectorDescription {
  id: string;
  kind: ConnectorKind;
  name: string;
  url: string;
  product: string;
  trust: string;
}

/**
 * One configured tool. `test()` checks that the configuration works end to end and says exactly
 * what is wrong; `health()` is one probe (callers use HealthMonitor for the cached view).
 */
export interface Connector {
  readonly kind: ConnectorKind;
  readonly id: string;
  describe(): ConnectorDescription;
  test(signal?: AbortSignal): Promise<ConnectorTestResult>;
  health(signal?: AbortSignal): Promise<ConnectorHealth>;
  close(): Promise<void>;
}

/** A failure with a typed kind, thrown by the HTTP client and the tool clients. */
export class ConnectorError extends Error {
  readonly failure: ConnectorFailure;
  constructor(failure: ConnectorFailure, options?: { cause?: unknown }) {
    super(failure.message, options);
    this.name = 'ConnectorError';
    this.failure = failure;
  }
  get kind(): ConnectorFailureKind {
    return this.failure.kind;
  }
}

export function connectorFailure(kind: ConnectorFailureKind, message: string, extra: Omit<ConnectorFailure, 'kind' | 'message'> = {}): ConnectorError {
  return new ConnectorError({ kind, message, ...extra });
}

/** The failure behind any error (unknown errors become `network` with their message). */
export function failureOf(err: unknown): ConnectorFailure {
  if (err instanceof ConnectorError) return err.failure;
  return { kind: 'network', message: err instanceof Error ? err.message : String(err) };
}
