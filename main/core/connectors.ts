import type { Database } from 'better-sqlite3';
import { ContractError } from '../contract/errors.js';
import type {
  ConnectorConfig,
  ConnectorHealth,
  ConnectorKindSpec,
  ConnectorTestResult,
  ConnectorView,
  HealthSample,
  ToolsOverall,
  WazuhIndexerConfig,
} from '../contract/connectors.js';
import { HealthMonitor } from '../connectors/health.js';
import type { ConnectorDeps } from '../connectors/http.js';
import { createConnector, testConnectorConfig } from '../connectors/registry.js';
import { describeTrust, probeCertificate } from '../connectors/trust.js';
import { connectorFailure, failureOf, type Connector, type CredentialSource } from '../connectors/types.js';
import { WazuhApiConnector } from '../connectors/wazuh/api.js';
import { WazuhIndexerConnector, type WazuhIndexerClient } from '../connectors/wazuh/indexer.js';
import type { SecretStore } from '../secrets/vault.js';
import type { AlertsRepo } from '../store/alerts-repo.js';
import type { AuditRepo } from '../store/audit-repo.js';
import { ConnectorConflictError, ConnectorsRepo, type StoredConnector } from '../store/connectors-repo.js';
import { WazuhAgentsRepo } from '../store/wazuh-agents-repo.js';
import { connectorKindSpecs, kindSpec, secretAccount } from './connector-kinds.js';
import type { EventBus } from './events.js';
import type { Logger } from './logger.js';
import { WazuhAgentsService, type AlertRefs } from './wazuh-agents.js';

export interface ConnectorsServiceDeps {
  db: Database;
  audit: AuditRepo;
  alerts: AlertsRepo;
  bus: EventBus;
  logger: Logger;
  now: () => Date;
  /** The vault: connector secrets live there, never in SQLite, settings files or logs. */
  secrets: SecretStore;
  processName?: string;
  /** What the connectors are built with besides their credentials (tests: clock, retry, burst). */
  connectorDeps?: Omit<ConnectorDeps, 'credentials' | 'logger'>;
  /** Longest wait for one health probe, and for a connection test (default 20 s). */
  probeTimeoutMs?: number;
  /** How often a running service looks for configurations saved by other processes (default 1 s). */
  watchMs?: number;
}

interface Live {
  stored: StoredConnector;
  /** Its configuration as saved, to tell a real change from a reload. */
  json: string;
  connector: Connector;
  monitor: HealthMonitor;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Which fields of a configuration changed (for the audit log). */
function changedKeys(a: ConnectorConfig, b: ConnectorConfig): string[] {
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  return [...new Set([...Object.keys(ra), ...Object.keys(rb)])].filter((k) => JSON.stringify(ra[k]) !== JSON.stringify(rb[k])).sort();
}

/** The alert fields that can point at an agent (agent from a Wazuh alert's enrichment). */
function alertRefsFrom(alerts: AlertsRepo, alertId: number): AlertRefs | null {
  const d = alerts.detail(alertId, 0);
  if (!d) return null;
  const agent = d.enrichment['agent'];
  const a = agent && typeof agent === 'object' ? (agent as Record<string, unknown>) : {};
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  return { agent_id: str(a['id']), agent_name: str(a['name']), src_ip: d.alert.src_ip, dst_ip: d.alert.dst_ip };
}

/**
 * The connectors of this data directory: their configurations (SQLite, no secrets), their
 * credentials (the vault), the live connectors with their cached health (a background probe per
 * tool, never more than one in flight, each bounded in time, every result kept as history), and
 * the Wazuh agent inventory and actions. Built once by the composition root; every process on
 * the data directory sees the others' changes (config_rev, checked every second while running).
 *
 * For the Wazuh indexer source driver: `enabledIndexers()`, `indexerClientFor(id)` and
 * `onChange(listener)`.
 */
export class ConnectorsService {
  readonly repo: ConnectorsRepo;
  readonly agentsRepo: WazuhAgentsRepo;
  readonly wazuh: WazuhAgentsService;
  private readonly live = new Map<string, Live>();
  private readonly probing = new Set<string>();
  private readonly listeners = new Set<() => void>();
  private appliedRev = -1;
  private chain: Promise<void> = Promise.resolve();
  private watch: NodeJS.Timeout | null = null;
  private started = false;
  private closed = false;
  private readonly probeTimeoutMs: number;

  constructor(private readonly deps: ConnectorsServiceDeps) {
    this.repo = new ConnectorsRepo(deps.db, deps.now);
    this.agentsRepo = new WazuhAgentsRepo(deps.db);
    this.probeTimeoutMs = deps.probeTimeoutMs ?? 20_000;
    this.wazuh = new WazuhAgentsService({
      repo: this.agentsRepo,
      audit: deps.audit,
      bus: deps.bus,
      logger: deps.logger,
      now: deps.now,
      processName: deps.processName ?? `vigil:${process.pid}`,
      alertRefs: (id) => alertRefsFrom(deps.alerts, id),
      source: {
        apis: () =>
          [...this.live.values()]
            .filter((l) => l.connector instanceof WazuhApiConnector)
            .map((l) => ({ id: l.stored.config.id, name: l.stored.config.name, intervalMs: l.stored.config.pollIntervalSeconds * 1000 })),
        client: (id) => {
          this.sync();
          const c = this.live.get(id)?.connector;
          return c instanceof WazuhApiConnector ? c.client : null;
        },
        name: (id) => this.repo.get(id)?.config.name ?? null,
      },
    });
  }

  // ---- lifecycle -------------------------------------------------------------------------------

  /** Builds the enabled connectors, starts their health probes and the agent sync, and follows other processes' changes. */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    this.repo.trimHealth();
    await this.reloadNow();
    for (const l of this.live.values()) l.monitor.start();
    this.watch = setInterval(() => {
      try {
        if (this.repo.rev() !== this.appliedRev) void this.ready().catch((err: unknown) => this.deps.logger.warn('connectors could not be reloaded', { error: messageOf(err) }));
      } catch {
        // the database is closing
      }
    }, this.deps.watchMs ?? 1000);
    this.watch.unref();
    this.wazuh.start();
  }

  async stop(): Promise<void> {
    this.closed = true;
    if (this.watch) clearInterval(this.watch);
    this.watch = null;
    await this.wazuh.stop();
    await Promise.all([...this.live.keys()].map((id) => this.drop(id)));
  }

  /** Called after every change of the configurations (in any process): the indexer driver listens. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emitChanged(ids: string[], reason: 'saved' | 'enabled' | 'removed' | 'reloaded'): void {
    this.deps.bus.emit('connectors.changed', { ids, reason });
    for (const l of this.listeners) {
      try {
        l();
      } catch (err) {
        this.deps.logger.warn('a connectors listener failed', { error: messageOf(err) });
      }
    }
  }

  /** Reloads in the background when another process changed something (synchronous callers). */
  private sync(): void {
    if (this.repo.rev() !== this.appliedRev) void this.ready();
  }

  /** The live connectors match the saved configurations, also those another process changed. */
  async ready(): Promise<void> {
    if (this.closed || this.repo.rev() === this.appliedRev) return;
    await this.reloadNow();
    this.emitChanged([], 'reloaded');
  }

  /** Reloads, one reload at a time (a save and the watcher never build the same connector twice). */
  private reloadNow(): Promise<void> {
    const next = this.chain.then(() => this.reload());
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Brings the live connectors in line with the saved configurations. */
  private async reload(): Promise<void> {
    this.appliedRev = this.repo.rev();
    const { connectors, invalid } = this.repo.list();
    for (const bad of invalid) this.deps.logger.warn('a saved connector configuration is invalid and is not used', { id: bad.id, problem: bad.problem });
    const wanted = new Map(connectors.filter((c) => c.config.enabled).map((c) => [c.config.id, c]));
    for (const id of [...this.live.keys()]) {
      const w = wanted.get(id);
      if (!w || JSON.stringify(w.config) !== this.live.get(id)!.json) await this.drop(id);
    }
    for (const [id, stored] of wanted) {
      const current = this.live.get(id);
      if (current) {
        current.stored = stored;
        continue;
      }
      try {
        this.live.set(id, this.build(stored));
      } catch (err) {
        this.deps.logger.warn('a connector could not be built', { id, error: failureOf(err).message });
      }
    }
  }

  private build(stored: StoredConnector): Live {
    const config = stored.config;
    const connector = createConnector(config, { ...this.deps.connectorDeps, logger: this.deps.logger, credentials: this.credentialsFor(config.id) });
    const monitor = new HealthMonitor(() => this.probe(config.id, connector), {
      ttlMs: config.healthTtlSeconds * 1000,
      ...(this.deps.connectorDeps?.clock ? { clock: this.deps.connectorDeps.clock } : {}),
    });
    if (this.started) monitor.start();
    return { stored, json: JSON.stringify(config), connector, monitor };
  }

  private async drop(id: string): Promise<void> {
    const l = this.live.get(id);
    if (!l) return;
    this.live.delete(id);
    l.monitor.stop();
    await l.connector.close().catch((err: unknown) => this.deps.logger.warn('a connector did not close cleanly', { id, error: messageOf(err) }));
  }

  /** The secret from the vault, asked on every login so a changed one is used at once. */
  private credentialsFor(id: string): CredentialSource {
    return {
      get: async () => {
        try {
          return (await this.deps.secrets.get(secretAccount(id))) ?? '';
        } catch (err) {
          throw connectorFailure('invalid_config', `the secret of ${id} cannot be read: ${messageOf(err)}`);
        }
      },
    };
  }

  /** One probe, bounded in time; recorded in the history and announced. Never throws. */
  private async probe(id: string, connector: Connector): Promise<ConnectorHealth> {
    this.probing.add(id);
    const started = Date.now();
    let health: ConnectorHealth;
    const signal = AbortSignal.timeout(this.probeTimeoutMs);
    try {
      health = await connector.health(signal);
    } catch (err) {
      const at = this.deps.now().toISOString();
      const timedOut = signal.aborted;
      const failure = timedOut
        ? { kind: 'timeout' as const, message: `${connector.describe().name}: no answer to the health check within ${Math.round(this.probeTimeoutMs / 1000)} s` }
        : failureOf(err);
      health = { status: 'down', version: null, latencyMs: Date.now() - started, lastError: { failure, at }, checkedAt: at, details: {} };
    } finally {
      this.probing.delete(id);
    }
    try {
      this.repo.recordHealth(id, health);
    } catch (err) {
      this.deps.logger.warn('a health result could not be recorded', { id, error: messageOf(err) });
    }
    if (this.live.get(id)?.connector === connector) this.deps.bus.emit('connectors.health', { id, health });
    return health;
  }

  // ---- reads -----------------------------------------------------------------------------------

  kinds(): ConnectorKindSpec[] {
    return connectorKindSpecs();
  }

  private async view(stored: StoredConnector, accounts: ReadonlySet<string> | null): Promise<ConnectorView> {
    const id = stored.config.id;
    const l = this.live.get(id);
    const last = l?.monitor.peek() ?? null;
    const recorded = last ? null : this.repo.history(id, 1)[0];
    const health: ConnectorHealth | null =
      last ??
      (recorded && stored.config.enabled
        ? {
            status: recorded.status,
            version: recorded.version,
            latencyMs: recorded.latency_ms,
            lastError: recorded.error ? { failure: recorded.error, at: recorded.checked_at } : null,
            checkedAt: recorded.checked_at,
            details: {},
          }
        : null);
    const hasSecret = accounts ? accounts.has(secretAccount(id)) : (await this.deps.secrets.get(secretAccount(id)).catch(() => null)) !== null;
    return { ...stored, has_secret: hasSecret, health, probing: this.probing.has(id) };
  }

  /** Names of the vault's entries (null when the vault cannot be read: then each is asked). */
  private async accounts(): Promise<Set<string> | null> {
    try {
      return new Set(await this.deps.secrets.list());
    } catch (err) {
      this.deps.logger.warn('the vault cannot be listed', { error: messageOf(err) });
      return null;
    }
  }

  /** Every saved connector with its cached health: never waits for a probe. */
  async list(): Promise<ConnectorView[]> {
    await this.ready();
    const accounts = await this.accounts();
    return Promise.all(this.repo.list().connectors.map((c) => this.view(c, accounts)));
  }

  private need(id: string): StoredConnector {
    const stored = this.repo.get(id);
    if (!stored) throw new ContractError('NOT_FOUND', `there is no connector "${id}"`);
    return stored;
  }

  /** The saved connectors of one kind, in the order they were listed. */
  ofKind(kind: ConnectorConfig['kind']): StoredConnector[] {
    return this.repo.list().connectors.filter((c) => c.config.kind === kind);
  }

  /** A saved connector by id or (case-insensitive) name. */
  find(idOrName: string): StoredConnector | null {
    return this.repo.get(idOrName) ?? this.repo.list().connectors.find((c) => c.config.name.toLowerCase() === idOrName.toLowerCase()) ?? null;
  }

  async get(id: string): Promise<ConnectorView> {
    return this.view(this.need(id), await this.accounts());
  }

  /** Cached health (`force`: probe now, sharing a probe already running). */
  async health(id: string, force = false): Promise<ConnectorHealth> {
    const stored = this.need(id);
    await this.ready();
    const l = this.live.get(id);
    if (!l) throw new ContractError('CONFLICT', `${stored.config.name} is disabled: enable it to check its health`);
    return l.monitor.get({ force });
  }

  history(id: string, limit: number): HealthSample[] {
    this.need(id);
    return this.repo.history(id, limit);
  }

  /** The dashboard's figure over every enabled tool (cached health only). */
  overall(): ToolsOverall {
    this.sync();
    const enabled = this.repo.list().connectors.filter((c) => c.config.enabled);
    const byStatus: Record<string, number> = {};
    const problems: ToolsOverall['problems'] = [];
    for (const c of enabled) {
      const h = this.live.get(c.config.id)?.monitor.peek() ?? null;
      const recorded = h ? null : this.repo.history(c.config.id, 1)[0];
      const status = h?.status ?? recorded?.status ?? 'unknown';
      byStatus[status] = (byStatus[status] ?? 0) + 1;
      if (status !== 'ok' && status !== 'unknown') {
        problems.push({ id: c.config.id, name: c.config.name, status, message: h?.lastError?.failure.message ?? recorded?.error?.message ?? null });
      }
    }
    const ok = byStatus['ok'] ?? 0;
    const known = enabled.length - (byStatus['unknown'] ?? 0);
    const status = enabled.length === 0 ? 'none' : problems.length === 0 ? 'ok' : ok === 0 && known === enabled.length && !byStatus['degraded'] ? 'down' : 'degraded';
    return { status, enabled: enabled.length, by_status: byStatus, problems };
  }

  // ---- changes ---------------------------------------------------------------------------------

  /** Checks a configuration end to end before it is saved; says exactly what is wrong. */
  async test(config: ConnectorConfig, secret: string | undefined): Promise<ConnectorTestResult> {
    const spec = kindSpec(config.kind);
    let value = secret;
    if (value === undefined && this.repo.exists(config.id)) {
      try {
        value = (await this.deps.secrets.get(secretAccount(config.id))) ?? undefined;
      } catch (err) {
        return { ok: false, failure: { kind: 'invalid_config', message: `the saved secret cannot be read: ${messageOf(err)}` }, latencyMs: null };
      }
    }
    if (value === undefined && spec.credential.mode !== 'optional_password') {
      return { ok: false, failure: { kind: 'invalid_config', message: `give the ${spec.credential.label.toLowerCase()}${'username' in config ? ` of ${config.username}` : ''}` }, latencyMs: null };
    }
    const credentials: CredentialSource = { get: async () => value ?? '' };
    const signal = AbortSignal.timeout(this.probeTimeoutMs);
    try {
      return await testConnectorConfig(config, { ...this.deps.connectorDeps, logger: this.deps.logger, credentials }, signal);
    } catch (err) {
      if (!signal.aborted) throw err;
      return { ok: false, failure: { kind: 'timeout', message: `${config.name}: no answer within ${Math.round(this.probeTimeoutMs / 1000)} s` }, latencyMs: null };
    }
  }

  /**
   * Adds (`create`) or changes a connector. The secret goes to the vault first (a failure there
   * saves nothing); without one, the saved secret is kept. The kind of a connector never changes.
   */
  async save(config: ConnectorConfig, secret: string | undefined, create: boolean, actor: string): Promise<ConnectorView> {
    const spec = kindSpec(config.kind);
    const before = this.repo.get(config.id);
    if (create && this.repo.exists(config.id)) throw new ContractError('CONFLICT', `a connector with id "${config.id}" exists`);
    if (!create && !before) throw new ContractError('NOT_FOUND', `there is no connector "${config.id}"`);
    if (before && before.config.kind !== config.kind) throw new ContractError('BAD_REQUEST', `${before.config.name} is a ${before.config.kind} connector; its kind cannot change`);
    if (create && secret === undefined && spec.credential.mode !== 'optional_password') {
      throw new ContractError('BAD_REQUEST', 'invalid connector', [`secret: give the ${spec.credential.label.toLowerCase()}`]);
    }
    const taken = this.repo.list().connectors.find((c) => c.config.id !== config.id && c.config.name.toLowerCase() === config.name.toLowerCase());
    if (taken) throw new ContractError('CONFLICT', `the name "${config.name}" is taken by connector ${taken.config.id}`);
    const account = secretAccount(config.id);
    if (secret !== undefined) {
      try {
        await this.deps.secrets.set(account, secret);
      } catch (err) {
        throw new ContractError('CONFLICT', `the secret could not be stored, so nothing was saved: ${messageOf(err)}`);
      }
    }
    try {
      if (create) this.repo.insert(config, actor);
      else this.repo.update(config, actor);
    } catch (err) {
      if (create && secret !== undefined) await this.deps.secrets.delete(account).catch(() => false);
      if (err instanceof ConnectorConflictError) throw new ContractError('CONFLICT', err.message);
      throw err;
    }
    this.deps.audit.append({
      actor,
      action: create ? 'connector.create' : 'connector.update',
      target_type: 'connector',
      target_id: config.id,
      details: {
        kind: config.kind,
        name: config.name,
        url: config.url,
        trust: describeTrust(config.trust),
        enabled: config.enabled,
        secret_changed: secret !== undefined,
        ...(before ? { changed: changedKeys(before.config, config) } : {}),
      },
    });
    await this.reloadNow();
    this.emitChanged([config.id], 'saved');
    return this.get(config.id);
  }

  async setEnabled(id: string, enabled: boolean, actor: string): Promise<ConnectorView> {
    const stored = this.need(id);
    if (stored.config.enabled !== enabled) {
      this.repo.update({ ...stored.config, enabled }, actor);
      this.deps.audit.append({ actor, action: enabled ? 'connector.enable' : 'connector.disable', target_type: 'connector', target_id: id, details: { name: stored.config.name } });
      await this.reloadNow();
      this.emitChanged([id], 'enabled');
    }
    return this.get(id);
  }

  /** Removes a connector, its secret, its health history and its agent inventory. */
  async remove(id: string, actor: string): Promise<boolean> {
    const stored = this.repo.get(id);
    const removed = this.repo.remove(id);
    await this.drop(id);
    // also when the row was already gone: no secret outlives its connector
    await this.deps.secrets.delete(secretAccount(id)).catch((err: unknown) => this.deps.logger.warn('the secret of a removed connector could not be deleted', { id, error: messageOf(err) }));
    if (removed) {
      this.deps.audit.append({ actor, action: 'connector.remove', target_type: 'connector', target_id: id, details: { name: stored?.config.name ?? id, kind: stored?.config.kind ?? null } });
      await this.reloadNow();
      this.emitChanged([id], 'removed');
    }
    return removed;
  }

  /**
   * Pins the certificate the server presents now (trust on first use, or after a renewal). The
   * analyst confirms the fingerprint they were shown; a server that now presents another one is
   * refused, so a swap between the question and the answer is never trusted.
   */
  async trust(id: string, sha256: string, actor: string): Promise<ConnectorView> {
    const stored = this.need(id);
    let presented: string;
    try {
      presented = (await probeCertificate(stored.config.url, stored.config.timeouts.connectMs)).fingerprint256;
    } catch (err) {
      throw new ContractError('CONFLICT', `the certificate of ${stored.config.url} could not be read: ${failureOf(err).message}`);
    }
    if (presented !== sha256) {
      throw new ContractError('CONFLICT', `${stored.config.url} now presents the certificate SHA-256 ${presented}, not the ${sha256} you confirmed; test again`);
    }
    const next = { ...stored.config, trust: { mode: 'pin' as const, sha256 } };
    this.repo.update(next, actor);
    this.deps.audit.append({
      actor,
      action: 'connector.trust',
      target_type: 'connector',
      target_id: id,
      details: { name: stored.config.name, previous: describeTrust(stored.config.trust), pinned: sha256 },
    });
    await this.reloadNow();
    this.emitChanged([id], 'saved');
    return this.get(id);
  }

  // ---- for the Wazuh indexer source driver ---------------------------------------------------

  /** Enabled Wazuh indexer connectors. */
  enabledIndexers(): WazuhIndexerConfig[] {
    this.sync();
    return [...this.live.values()].map((l) => l.stored.config).filter((c): c is WazuhIndexerConfig => c.kind === 'wazuh-indexer');
  }

  /** The client of an enabled indexer connector (the same one its health probe uses). */
  indexerClientFor(connectorId: string): WazuhIndexerClient {
    this.sync();
    const c = this.live.get(connectorId)?.connector;
    if (!(c instanceof WazuhIndexerConnector)) throw new ContractError('NOT_FOUND', `${connectorId} is not an enabled Wazuh indexer connector`);
    return c.client;
  }

  // ---- for the scans service ------------------------------------------------------------------

  /** The live connector of an enabled configuration (built on demand, also in one-shot processes). */
  async liveConnector(id: string): Promise<Connector | null> {
    await this.ready();
    return this.live.get(id)?.connector ?? null;
  }

  /** Enabled Wazuh API connector ids (the Agents screen's scope). */
  wazuhApiIds(): string[] {
    this.sync();
    return this.repo
      .list()
      .connectors.filter((c) => c.config.kind === 'wazuh-api')
      .map((c) => c.config.id);
  }
}
