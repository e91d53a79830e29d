import type { Database } from 'better-sqlite3';
import { ContractError } from '../contract/errors.js';
import {
  FEED_DIALECTS,
  FeedConfig,
  type FeedConfigPatch,
  type FeedRequest,
  type FeedStatus,
  type FeedToken,
  type FeedTokenCreated,
  type FeedTlsMode,
} from '../contract/feed.js';
import type { Logger } from '../core/logger.js';
import type { SecretStore } from '../secrets/vault.js';
import type { AuditRepo } from '../store/audit-repo.js';
import { FeedRepo, FeedTokenNameTakenError } from '../store/feed-repo.js';
import { JWT_SECRET_ACCOUNT } from './auth.js';
import type { SetStatusAction } from './dialects/context.js';
import { NoticeEvent, type FeedNotice } from './event.js';
import type { FeedLimits } from './limits.js';
import { NOTICE_VARIANTS, type FeedNoticeDelivery, type FeedNoticePreview, type FeedNoticeResult, type FeedNoticeTarget, type PreparedFeedNotice } from './notice.js';
import { RiskIndex } from './dialects/threatstream.js';
import { FeedServer } from './server.js';
import { ensureSelfSignedTls, loadCustomTls, selfsignedGenerator, type CertGenerator, type TlsMaterial } from './tls.js';
import { generateFeedToken, hashFeedToken, tokenDisplayPrefix } from './tokens.js';

export interface FeedServiceDeps {
  db: Database;
  audit: AuditRepo;
  logger: Logger;
  now?: () => Date;
  dataDir: string;
  appName: string;
  appVersion: string;
  /** Bundled resources (the ATT&CK table gives technique names to ThreatStream). */
  resourcesDir?: string;
  /** The OS keychain (the JWT secret); null where there is none. */
  secrets: SecretStore | null;
  /** The contract's alerts.setStatus (see createFeedSetStatus in core/feed-handlers.ts); null refuses set_status. */
  setStatus: SetStatusAction | null;
  certGenerator?: CertGenerator;
  limits?: Partial<FeedLimits>;
  /** Key for the figures this process publishes (default `<appName>:<pid>`). */
  processName?: string;
  /** Only manage configuration and tokens; never run a server in this process (CLI commands). */
  passive?: boolean;
}

/** What `vigil feed serve` changes for one run without saving it. */
export interface FeedRuntimeOverride {
  host?: string;
  port?: number;
  tls?: FeedTlsMode;
  certPath?: string;
  keyPath?: string;
}

type ChangeListener = (p: { running: boolean; connections_active: number }) => void;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

/** One line about a notice's delivery: to whom it went, or why it went to nobody. */
function deliveryLine(dialects: readonly FeedNoticeDelivery[], sent: number): string {
  if (sent > 0) return `sent to ${plural(sent, 'client')} (${dialects.filter((d) => d.sent > 0).map((d) => `${d.dialect} ${d.sent}`).join(', ')})`;
  const connected = dialects.reduce((n, d) => n + d.connected, 0);
  if (connected === 0) return 'no client of the chosen dialects is connected: nothing sent';
  const why = (['filtered', 'not_ready', 'not_chosen', 'unsupported', 'dropped'] as const)
    .map((k) => [k, dialects.reduce((n, d) => n + d[k], 0)] as const)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${k.replace('_', ' ')} ${n}`);
  return `${plural(connected, 'client')} connected, none took it (${why.join(', ')}): nothing sent`;
}

/** Nested objects merged, arrays and scalars replaced, undefined skipped. */
export function mergeConfig(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    out[k] = isPlainObject(v) && isPlainObject(base[k]) && k !== 'role_map' ? mergeConfig(base[k], v) : v;
  }
  return out;
}

/**
 * The feed as the app uses it: configuration (feed_config), tokens, and the server's lifecycle.
 * Built once by the composition root; the desktop app and `vigil serve` call startIfEnabled(),
 * `vigil feed serve` calls start() with its overrides.
 */
export class FeedService {
  readonly repo: FeedRepo;
  private server: FeedServer | null = null;
  private override: FeedRuntimeOverride | null = null;
  private lastError: string | null = null;
  private jwtSecretSet: boolean | null = null;
  private appliedConfigRev = -1;
  private serial: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<ChangeListener>();
  private readonly now: () => Date;
  private readonly processName: string;
  private techniqueNames: ((id: string) => string | null) | null = null;
  private configWatch: NodeJS.Timeout | null = null;

  constructor(private readonly deps: FeedServiceDeps) {
    this.repo = new FeedRepo(deps.db, deps.now);
    this.now = deps.now ?? (() => new Date());
    this.processName = deps.processName ?? `${deps.appName.toLowerCase()}:${process.pid}`;
  }

  /** Runs lifecycle operations one at a time. */
  private run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.serial.then(fn, fn);
    this.serial = next.catch(() => undefined);
    return next;
  }

  config(): FeedConfig {
    return this.repo.getConfig().config;
  }

  get running(): boolean {
    return this.server?.isRunning ?? false;
  }

  /** The running server (for tests and status), or null. */
  get feedServer(): FeedServer | null {
    return this.server;
  }

  onChanged(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Follows configuration saved by other processes (`vigil feed config ...`): checked once a
   * second, applied by starting, restarting or stopping the server.
   */
  private watchConfig(): void {
    if (this.configWatch || this.deps.passive) return;
    this.appliedConfigRev = this.repo.state().config_rev;
    this.configWatch = setInterval(() => {
      try {
        if (this.repo.state().config_rev !== this.appliedConfigRev) void this.reloadFromStore();
      } catch {
        // the database may be closing
      }
    }, 1000);
    this.configWatch.unref();
  }

  /** Starts the server when the saved configuration enables it (and follows later changes); failures are kept for status(). */
  async startIfEnabled(): Promise<void> {
    this.watchConfig();
    const stored = this.repo.getConfig();
    if (stored.invalid) this.deps.logger.warn('the saved feed configuration is invalid; using defaults', { issues: stored.invalid });
    if (!stored.config.enabled) return;
    try {
      await this.start();
    } catch (err) {
      this.deps.logger.warn('the LAN feed did not start', { error: err instanceof Error ? err.message : String(err) });
    }
  }

  /** Starts (or restarts) the server with the saved configuration plus `override`; throws on failure. */
  start(override?: FeedRuntimeOverride): Promise<FeedServer> {
    return this.run(async () => {
      if (this.deps.passive) throw new Error('this feed service is passive: it does not run a server');
      if (override) this.override = override;
      this.watchConfig();
      return this.restartLocked();
    });
  }

  /** Stops the server and stops following the configuration (shutdown). */
  stop(): Promise<void> {
    return this.run(async () => {
      if (this.configWatch) clearInterval(this.configWatch);
      this.configWatch = null;
      this.override = null;
      await this.stopLocked();
    });
  }

  private effectiveConfig(): FeedConfig {
    const c = this.config();
    const o = this.override;
    if (!o) return c;
    const tlsMode = o.tls ?? c.tls.mode;
    const merged = {
      ...c,
      enabled: true,
      host: o.host ?? c.host,
      port: o.port ?? c.port,
      tls: { mode: tlsMode, cert_path: o.certPath ?? c.tls.cert_path, key_path: o.keyPath ?? c.tls.key_path },
    };
    const r = FeedConfig.safeParse(merged);
    if (!r.success) throw new Error(r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    return r.data;
  }

  private async loadTls(c: FeedConfig): Promise<TlsMaterial | null> {
    if (c.tls.mode === 'off') return null;
    if (c.tls.mode === 'custom') return loadCustomTls(c.tls.cert_path!, c.tls.key_path!);
    const material = await ensureSelfSignedTls(this.deps.dataDir, c.host, this.deps.certGenerator ?? selfsignedGenerator, this.now);
    if (material.generated) {
      this.deps.logger.info('generated the feed TLS certificate; teammates should pin its fingerprint', { fingerprint256: material.fingerprint256, cert: material.certPath });
      this.deps.audit.append({ actor: 'feed', action: 'feed.tls.generate', target_type: 'feed', target_id: null, details: { fingerprint256: material.fingerprint256, not_after: material.notAfter } });
    }
    return material;
  }

  /** The JWT secret from the keychain; null when there is none or (unless `rethrow`) it cannot be read. */
  private async readJwtSecret(rethrow = false): Promise<string | null> {
    if (!this.deps.secrets) return null;
    try {
      const s = await this.deps.secrets.get(JWT_SECRET_ACCOUNT);
      this.jwtSecretSet = s !== null;
      return s;
    } catch (err) {
      if (rethrow) throw err;
      this.deps.logger.warn('the JWT secret could not be read from the keychain; JWTs are refused', { error: err instanceof Error ? err.message : String(err) });
      return null;
    }
  }

  private techniqueName(): (id: string) => string | null {
    if (this.techniqueNames) return this.techniqueNames;
    let table: { technique(id: string): { name: string } | null } | null = null;
    let loading = false;
    const dir = this.deps.resourcesDir;
    this.techniqueNames = (id) => {
      if (!table && !loading && dir) {
        loading = true;
        // loaded in the background on first use; names appear once it is there
        void import('../pipeline/detect/attack.js')
          .then((m) => (table = m.AttackTable.load(m.attackTablePath(dir))))
          .catch(() => undefined);
      }
      return table?.technique(id)?.name ?? null;
    };
    return this.techniqueNames;
  }

  private async stopLocked(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (s) await s.stop();
  }

  private async restartLocked(): Promise<FeedServer> {
    await this.stopLocked();
    this.lastError = null;
    try {
      const config = this.effectiveConfig();
      const tls = await this.loadTls(config);
      const jwtSecret = config.jwt.enabled ? await this.readJwtSecret() : null;
      if (config.jwt.enabled && !jwtSecret) this.deps.logger.warn('JWTs are enabled but no secret is set; only feed tokens are accepted');
      this.appliedConfigRev = this.repo.state().config_rev;
      const server = await FeedServer.start({
        config,
        repo: this.repo,
        audit: this.deps.audit,
        logger: this.deps.logger,
        serverName: this.deps.appName,
        version: this.deps.appVersion,
        tls,
        jwtSecret,
        loadJwtSecret: () => this.readJwtSecret(true),
        setStatus: this.deps.setStatus,
        techniqueName: this.techniqueName(),
        now: this.now,
        processName: this.processName,
        ...(this.deps.limits ? { limits: this.deps.limits } : {}),
      });
      server.on('changed', (p: { running: boolean; connections_active: number }) => {
        for (const l of this.listeners) {
          try {
            l(p);
          } catch {
            // a broken listener must not stop the feed
          }
        }
      });
      this.server = server;
      this.deps.logger.info('LAN feed listening', { url: server.listening.url, fingerprint256: server.listening.fingerprint256 });
      return server;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const c = (() => {
        try {
          return this.effectiveConfig();
        } catch {
          return this.config();
        }
      })();
      this.lastError =
        code === 'EADDRINUSE'
          ? `port ${c.port} on ${c.host} is already in use`
          : code === 'EADDRNOTAVAIL'
            ? `${c.host} is not an address of this machine`
            : code === 'EACCES'
              ? `not allowed to listen on port ${c.port}`
              : err instanceof Error
                ? err.message
                : String(err);
      throw Object.assign(new Error(this.lastError), { code });
    }
  }

  private reloadFromStore(): Promise<void> {
    return this.run(async () => {
      if (!this.configWatch || this.repo.state().config_rev === this.appliedConfigRev) return;
      const enabled = this.override !== null || this.config().enabled;
      if (!enabled) await this.stopLocked();
      else await this.restartLocked().catch(() => undefined);
      this.appliedConfigRev = this.repo.state().config_rev;
    });
  }

  /**
   * Saves a configuration change (and the JWT secret, to the keychain) and applies it. A secret
   * change moves the credentials revision, so every running feed (any process) reads the secret
   * again within a second and closes the sessions of the old one; this process applies it at once.
   */
  configure(req: FeedRequest<'feed.configure'>, actor: string): Promise<FeedStatus> {
    return this.run(async () => {
      const current = this.config();
      const merged = mergeConfig(current, req.patch as FeedConfigPatch);
      const parsed = FeedConfig.safeParse(merged);
      if (!parsed.success) {
        throw new ContractError('BAD_REQUEST', 'invalid feed configuration', parsed.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`));
      }
      if (req.jwt_secret !== undefined || req.clear_jwt_secret) {
        if (!this.deps.secrets) throw new ContractError('BAD_REQUEST', 'no keychain is available to hold the JWT secret');
        try {
          if (req.clear_jwt_secret) await this.deps.secrets.delete(JWT_SECRET_ACCOUNT);
          if (req.jwt_secret !== undefined) await this.deps.secrets.set(JWT_SECRET_ACCOUNT, req.jwt_secret);
        } catch (err) {
          throw new ContractError('BAD_REQUEST', err instanceof Error ? err.message : String(err));
        }
        this.jwtSecretSet = req.jwt_secret !== undefined;
        this.repo.bumpCredentials();
        this.deps.audit.append({ actor, action: req.jwt_secret !== undefined ? 'feed.jwt_secret.set' : 'feed.jwt_secret.clear', target_type: 'feed', target_id: null });
      }
      const secretChanged = req.jwt_secret !== undefined || req.clear_jwt_secret === true;
      const changed = JSON.stringify(parsed.data) !== JSON.stringify(current);
      if (changed) {
        this.repo.setConfig(parsed.data, actor);
        this.deps.audit.append({ actor, action: 'feed.configure', target_type: 'feed', target_id: null, details: { patch: req.patch } });
      }
      if (!this.deps.passive) this.watchConfig();
      if (!this.deps.passive && changed) {
        const shouldRun = this.override !== null || parsed.data.enabled;
        if (shouldRun) await this.restartLocked().catch(() => undefined);
        else await this.stopLocked();
      } else if (secretChanged && this.server) {
        // the running server keeps its clients; only sessions of the old secret are closed
        this.server.setJwtSecret(req.jwt_secret ?? null);
      }
      this.appliedConfigRev = this.repo.state().config_rev;
      return this.statusNow();
    });
  }

  private async jwtSecretKnown(): Promise<boolean> {
    if (this.jwtSecretSet !== null) return this.jwtSecretSet;
    if (!this.deps.secrets) return false;
    try {
      this.jwtSecretSet = (await this.deps.secrets.get(JWT_SECRET_ACCOUNT)) !== null;
    } catch {
      this.jwtSecretSet = false;
    }
    return this.jwtSecretSet;
  }

  private async statusNow(): Promise<FeedStatus> {
    const s = this.server;
    const snapshot = s?.status() ?? null;
    return {
      running: this.running,
      config: this.config(),
      listening: snapshot?.listening ?? null,
      jwt_secret_set: await this.jwtSecretKnown(),
      clients: snapshot?.clients ?? [],
      totals: snapshot?.totals ?? null,
      last_error: this.lastError,
      processes: this.repo.listRuntime().filter((p) => p.process !== this.processName),
    };
  }

  status(): Promise<FeedStatus> {
    return this.statusNow();
  }

  // ---------- playbook notices ----------

  /** Other Vigil processes whose feed is running (by their published figures). */
  private feedsElsewhere(): string[] {
    try {
      return this.repo.listRuntime().filter((p) => p.process !== this.processName).map((p) => p.process);
    } catch {
      return [];
    }
  }

  /**
   * A playbook's notice about an alert, rendered for each chosen dialect that the feed's
   * configuration enables (the frames a dry-run shows), and the send of exactly those frames to this
   * process's clients. Nothing to send to (the feed off or in another process, no client) is a
   * result, not an error; an alert that does not exist is an error.
   */
  prepareNotice(notice: FeedNotice, alertId: number, target: FeedNoticeTarget): PreparedFeedNotice {
    const alert = this.repo.alertById(alertId);
    if (!alert) throw new ContractError('NOT_FOUND', `alert ${alertId} does not exist`);
    const live = () => (this.server?.isRunning ? this.server : null);
    const render = (server: FeedServer | null) => {
      // without a running feed: what a feed started now would send (its head, a fresh risk index)
      const state = server?.noticeState() ?? { seq: this.repo.headSeq(), risk: new RiskIndex().snapshot(), techniqueName: this.techniqueName() };
      return { server, state, ev: new NoticeEvent(notice, alert, state.seq, state.risk) };
    };
    const first = render(live());
    const saved = first.server ? null : this.config();
    const preview: FeedNoticePreview = {
      feed: first.server ? 'running' : this.feedsElsewhere().length ? 'other_process' : 'off',
      dialects: (target.dialects ?? FEED_DIALECTS).map((d) => {
        const enabled = first.server ? first.server.dialectEnabled(d) : saved!.dialects[d].enabled;
        const variants = enabled ? NOTICE_VARIANTS.filter((v) => v.dialect === d) : [];
        return { dialect: d, enabled, variants: variants.map((v) => ({ paths: v.paths, how: v.how, frames: first.ev.payloads(v.key, () => v.build(first.ev, first.state.techniqueName)) })) };
      }),
    };
    const send = (): FeedNoticeResult => {
      const server = live();
      if (!server) {
        const elsewhere = this.feedsElsewhere();
        return elsewhere.length
          ? { outcome: 'feed_in_other_process', message: `the LAN feed runs in ${elsewhere.join(', ')}, not in this process: nothing sent (its clients are reached by a playbook run there)`, sent: 0, dialects: [] }
          : { outcome: 'feed_off', message: 'the LAN feed is off: nothing sent', sent: 0, dialects: [] };
      }
      // the feed moved on (or started) since the rendering: render again with what it is now
      const again = server !== first.server || server.noticeState().seq !== first.state.seq;
      const r = again ? render(server) : first;
      const dialects = server.publishNotice(r.ev, target);
      const sent = dialects.reduce((n, d) => n + d.sent, 0);
      const result: FeedNoticeResult = {
        outcome: sent > 0 ? 'sent' : 'no_clients',
        message: deliveryLine(dialects, sent),
        sent,
        dialects,
        ...(again ? { rendered_again: true } : {}),
      };
      this.deps.logger.info('feed notice', { playbook: notice.playbook.id, run: notice.run_id, alert_id: alertId, outcome: result.outcome, sent });
      return result;
    };
    return { preview, send };
  }

  // ---------- tokens ----------

  createToken(req: FeedRequest<'feed.tokens.create'>, actor: string): FeedTokenCreated {
    const secret = generateFeedToken();
    const expiresAt = req.expires_in_hours ? new Date(this.now().getTime() + req.expires_in_hours * 3_600_000).toISOString() : null;
    let token: FeedToken;
    try {
      token = this.repo.createToken({ name: req.name, role: req.role, hash: hashFeedToken(secret), prefix: tokenDisplayPrefix(secret), createdBy: actor, expiresAt });
    } catch (err) {
      if (err instanceof FeedTokenNameTakenError) throw new ContractError('CONFLICT', err.message);
      throw err;
    }
    this.deps.audit.append({
      actor,
      action: 'feed.token.create',
      target_type: 'feed_token',
      target_id: String(token.id),
      details: { name: token.name, role: token.role, expires_at: token.expires_at, prefix: token.prefix },
    });
    return { token, secret };
  }

  listTokens(includeRevoked: boolean): FeedToken[] {
    return this.repo.listTokens(includeRevoked);
  }

  /** Revokes a token; its open sockets in this process are closed at once (other processes within ~250 ms). */
  revokeToken(id: number, actor: string): { revoked: boolean; closed: number } {
    const existing = this.repo.getToken(id);
    if (!existing) throw new ContractError('NOT_FOUND', `feed token ${id} does not exist`);
    const revoked = this.repo.revokeToken(id, actor);
    const closed = this.server?.closeToken(id) ?? 0;
    if (revoked) {
      this.deps.audit.append({ actor, action: 'feed.token.revoke', target_type: 'feed_token', target_id: String(id), details: { name: existing.name, closed } });
    }
    return { revoked, closed };
  }
}
