import type { AlertAgentMatch, AlertStatus, WazuhActionResult } from '../contract/index.js';
import type { NewCase } from '../contract/index.js';
import type { SecretStore } from '../secrets/vault.js';
import type { FeedNotice, FeedNoticeTarget, PreparedFeedNotice } from '../feed/index.js';

/** The LAN feed as the feed step uses it (the feed service implements it). */
export interface FeedNotices {
  /** Renders a notice about an alert for the chosen dialects; throws when the alert does not exist. */
  prepareNotice(notice: FeedNotice, alertId: number, target: FeedNoticeTarget): PreparedFeedNotice;
}

/**
 * Starts a GVM, ZAP or SpiderFoot scan for the start_scan step. The scans service implements it;
 * createApp passes it in (`scans` option). Without one, playbooks using the step do not validate.
 */
export interface ScanStarter {
  start(req: { tool: 'gvm' | 'zap' | 'spiderfoot'; target: string; connector: string | null; reason: string; actor: string }, signal: AbortSignal): Promise<{ scan_id: string; description: string }>;
}

/** The Wazuh actions the playbook steps reuse (core/wazuh-agents.ts, behind the connectors service). */
export interface WazuhActions {
  find(idOrName: string): { id: string; name: string } | null;
  alertAgents(alertId: number): AlertAgentMatch[];
  activeResponse(connectorId: string, req: { agent_ids: readonly string[]; command: string; srcip?: string; arguments: readonly string[]; alert_id?: number }, actor: string): Promise<WazuhActionResult>;
  restart(connectorId: string, agentIds: readonly string[], actor: string): Promise<WazuhActionResult>;
}

/** A notice for the analyst: a playbook's notify step, or a run waiting for approval. */
export interface PlaybookNotice {
  kind: 'notify' | 'approval';
  run_id: string;
  title: string;
  body: string;
}

/** Everything the steps act through; built in core/app.ts from the existing services. */
export interface PlaybookPorts {
  alerts: {
    setStatus(id: number, status: AlertStatus, actor: string, note: string | null): { from: AlertStatus } | null;
    assign(id: number, assignee: string | null, actor: string): number;
    addNote(id: number, actor: string, note: string): boolean;
    tag(id: number, add: readonly string[], remove: readonly string[], actor: string): { from: string[]; to: string[]; changed: boolean } | null;
  };
  cases: { escalate(target: { ids: number[] }, into: { new: NewCase }, move: boolean, alertStatus: null, actor: string): unknown };
  suppress(match: Record<string, unknown>, reason: string, expiresInHours: number, actor: string): unknown;
  wazuh: WazuhActions | null;
  scans: ScanStarter | null;
  /** The LAN feed (feed step); null where this process has none. */
  feed: FeedNotices | null;
  secrets: SecretStore;
  notify(n: PlaybookNotice): void;
  now(): Date;
  /** Webhook retry backoff (tests make it short). */
  webhookBackoffMs?: (attempt: number) => number;
}
