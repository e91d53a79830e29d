import fs from 'node:fs';
import net from 'node:net';
import { SuppressionMatch } from '../pipeline/suppressions.js';
import { ContractError, NewCase, type Alert, type PlaybookStep, type PlaybookStepType } from '../contract/index.js';
import { postWebhook } from '../notify/webhook.js';
import { formatSyslog, sendSyslog } from '../notify/syslog.js';
import { sendEmail } from '../notify/email.js';
import { render, renderJson, type TemplateContext } from './template.js';
import type { PlaybookPorts } from './ports.js';

/** What a step will do, rendered before it runs: shown in dry-runs, approvals and the log. */
export interface PreparedStep {
  /** Exactly what is sent or changed (secrets named, never shown). */
  request: Record<string, unknown>;
  /** One line for people: "Block 203.0.113.7 on web-01 (wazuh-prod)". */
  summary: string;
  /** What the step acts on ("ip:203.0.113.7", "host:web-01"): alerts about these do not trigger this playbook again for a while. */
  effects: string[];
  /** Does it; the answer goes to the log. */
  execute(signal: AbortSignal): Promise<unknown>;
}

export interface StepContext {
  alert: Alert & { threat_type: string };
  run: { id: string; mode: string; actor: string };
  playbook: { id: string; name: string; version: number };
}

/** Steps that ask the analyst first unless the playbook says `approve: false`. */
export const APPROVE_BY_DEFAULT: ReadonlySet<PlaybookStepType> = new Set(['wazuh_active_response', 'wazuh_restart_agent', 'approval']);

export function needsApproval(step: PlaybookStep): boolean {
  return step.type === 'approval' || (step.approve ?? APPROVE_BY_DEFAULT.has(step.type));
}

/** The actor playbook actions are recorded under ("playbook:block-brute-forcers#<run>"). */
export function playbookActor(ctx: StepContext): string {
  return `playbook:${ctx.playbook.id}#${ctx.run.id.slice(0, 8)}`;
}

function tpl(ctx: StepContext): TemplateContext {
  return { alert: ctx.alert, run: ctx.run, playbook: ctx.playbook };
}

function text(template: string, ctx: StepContext, what: string, required = true): string {
  const r = render(template, tpl(ctx));
  if (required && r.text.trim() === '') throw new ContractError('BAD_REQUEST', `${what} is empty for this alert${r.missing.length ? ` (no ${r.missing.join(', ')})` : ''}`);
  return r.text;
}

function readCa(file: string | undefined): string | undefined {
  if (!file) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ContractError('BAD_REQUEST', `cannot read the CA file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}

/** The vault account of a playbook secret (kept apart from connector secrets). */
export function vaultAccount(name: string): string {
  return `playbook:${name}`;
}

async function secretOf(ports: PlaybookPorts, account: string | undefined): Promise<string | undefined> {
  if (!account) return undefined;
  const v = await ports.secrets.get(vaultAccount(account));
  if (v === null) throw new ContractError('BAD_REQUEST', `the vault has no secret "${account}": store it with vigil playbooks secret set ${account}`);
  return v;
}

function wazuhConnector(ports: PlaybookPorts, idOrName: string): { id: string; name: string } {
  if (!ports.wazuh) throw new ContractError('CONFLICT', 'Wazuh actions are not available in this process');
  const c = ports.wazuh.find(idOrName);
  if (!c) throw new ContractError('BAD_REQUEST', `no Wazuh API connector "${idOrName}"`);
  return c;
}

function agentsFor(ports: PlaybookPorts, connectorId: string, agents: 'alert' | string[], alertId: number): { ids: string[]; names: string[] } {
  if (agents !== 'alert') return { ids: agents, names: agents };
  const found = ports.wazuh!.alertAgents(alertId).filter((m) => m.connector_id === connectorId);
  if (found.length === 0) throw new ContractError('BAD_REQUEST', `no agent of this connector matches alert ${alertId} (by agent or address)`);
  return { ids: found.map((m) => m.agent.agent_id), names: found.map((m) => m.agent.name ?? m.agent.agent_id) };
}

/** Renders a step for this alert; throws a clear error when it cannot run (nothing has happened yet). */
export async function prepareStep(step: PlaybookStep, ctx: StepContext, ports: PlaybookPorts): Promise<PreparedStep> {
  const a = ctx.alert;
  const actor = playbookActor(ctx);
  switch (step.type) {
    case 'set_status': {
      const note = step.note ? text(step.note, ctx, 'note', false) : null;
      return {
        request: { alert_id: a.id, status: step.status, note },
        summary: `Set alert ${a.id} to ${step.status}`,
        effects: [],
        execute: async () => {
          const r = ports.alerts.setStatus(a.id, step.status, actor, note);
          if (!r) throw new ContractError('NOT_FOUND', `alert ${a.id} does not exist`);
          return { from: r.from, to: step.status };
        },
      };
    }
    case 'assign':
      return {
        request: { alert_id: a.id, assignee: step.assignee },
        summary: step.assignee ? `Assign alert ${a.id} to ${step.assignee}` : `Unassign alert ${a.id}`,
        effects: [],
        execute: async () => ({ updated: ports.alerts.assign(a.id, step.assignee, actor) }),
      };
    case 'note': {
      const body = text(step.text, ctx, 'the note');
      return {
        request: { alert_id: a.id, note: body },
        summary: `Add a note to alert ${a.id}`,
        effects: [],
        execute: async () => {
          if (!ports.alerts.addNote(a.id, actor, body)) throw new ContractError('NOT_FOUND', `alert ${a.id} does not exist`);
          return { added: true };
        },
      };
    }
    case 'tag': {
      const parts = [step.add.length ? `add ${step.add.join(', ')}` : '', step.remove.length ? `remove ${step.remove.join(', ')}` : ''].filter(Boolean);
      return {
        request: { alert_id: a.id, add: step.add, remove: step.remove },
        summary: `Tag alert ${a.id}: ${parts.join('; ')}`,
        effects: [],
        execute: async () => {
          const r = ports.alerts.tag(a.id, step.add, step.remove, actor);
          if (!r) throw new ContractError('NOT_FOUND', `alert ${a.id} does not exist`);
          return r;
        },
      };
    }
    case 'escalate_case': {
      const nc = NewCase.parse({ title: text(step.title, ctx, 'the case title').slice(0, 200), severity: step.severity, description: text(step.description, ctx, 'description', false) });
      return {
        request: { alert_ids: [a.id], new_case: nc },
        summary: `Open case "${nc.title}" with alert ${a.id}`,
        effects: [],
        execute: async () => ports.cases.escalate({ ids: [a.id] }, { new: nc }, false, null, actor),
      };
    }
    case 'suppress': {
      const match: Record<string, unknown> = {};
      for (const f of step.match) {
        const v = a[f];
        if (v === null || v === undefined) throw new ContractError('BAD_REQUEST', `the alert has no ${f} to suppress on`);
        match[f] = v;
      }
      const parsed = SuppressionMatch.safeParse(match);
      if (!parsed.success) throw new ContractError('BAD_REQUEST', `invalid suppression: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
      const reason = text(step.reason, ctx, 'the reason');
      return {
        request: { match: parsed.data, reason, expires_in_hours: step.expires_in_hours },
        summary: `Suppress ${Object.entries(parsed.data).map(([k, v]) => `${k}=${String(v)}`).join(', ')} for ${step.expires_in_hours} h`,
        effects: [],
        execute: async () => ports.suppress(parsed.data, reason, step.expires_in_hours, actor),
      };
    }
    case 'wazuh_active_response': {
      const c = wazuhConnector(ports, step.connector);
      const srcip = text(step.srcip, ctx, 'the address to block').trim();
      if (!net.isIP(srcip)) throw new ContractError('BAD_REQUEST', `${srcip} is not an IP address`);
      const agents = agentsFor(ports, c.id, step.agents, a.id);
      return {
        request: { connector: c.name, command: step.command, agent_ids: agents.ids, srcip, alert_id: a.id },
        summary: `${step.command.includes('firewall-drop') ? 'Block' : `Run ${step.command} for`} ${srcip} on ${agents.names.join(', ')} (${c.name})`,
        effects: [`ip:${srcip}`],
        execute: async () => {
          const r = await ports.wazuh!.activeResponse(c.id, { agent_ids: agents.ids, command: step.command, srcip, arguments: [], alert_id: a.id }, actor);
          if (r.state === 'not_queued') throw new Error(r.description);
          return r;
        },
      };
    }
    case 'wazuh_restart_agent': {
      const c = wazuhConnector(ports, step.connector);
      const agents = agentsFor(ports, c.id, step.agents, a.id);
      return {
        request: { connector: c.name, agent_ids: agents.ids },
        summary: `Restart agent${agents.ids.length === 1 ? '' : 's'} ${agents.names.join(', ')} (${c.name})`,
        effects: agents.names.map((n) => `host:${n}`),
        execute: async () => {
          const r = await ports.wazuh!.restart(c.id, agents.ids, actor);
          if (r.state === 'not_queued') throw new Error(r.description);
          return r;
        },
      };
    }
    case 'start_scan': {
      const scans = ports.scans;
      if (!scans) throw new ContractError('CONFLICT', 'scans are not available in this version of Vigil: the start_scan step cannot run');
      const target = text(step.target, ctx, 'the scan target').trim();
      return {
        request: { tool: step.tool, target, ...(step.connector ? { connector: step.connector } : {}) },
        summary: `Start a ${step.tool} scan of ${target}`,
        effects: [`host:${target}`],
        execute: (signal) => scans.start({ tool: step.tool, target, connector: step.connector ?? null, reason: `playbook ${ctx.playbook.name}, alert ${a.id}`, actor }, signal),
      };
    }
    case 'notify': {
      const title = text(step.title, ctx, 'the title');
      const body = text(step.body, ctx, 'body', false);
      return {
        request: { title, body },
        summary: `Desktop notification "${title}"`,
        effects: [],
        execute: async () => {
          ports.notify({ kind: 'notify', run_id: ctx.run.id, title, body });
          return { shown: true };
        },
      };
    }
    case 'webhook': {
      const body = step.body ? renderJson(step.body, tpl(ctx)).text : JSON.stringify({ playbook: ctx.playbook, run_id: ctx.run.id, alert: a });
      const secret = await secretOf(ports, step.secret);
      const headers: Record<string, string> = secret ? { [step.secret_header]: secret } : {};
      return {
        request: { method: 'POST', url: step.url, headers: secret ? { [step.secret_header]: `«secret ${step.secret}»` } : {}, body: JSON.parse(body) as unknown, retries: step.retries },
        summary: `POST the alert to ${new URL(step.url).host}`,
        effects: [],
        execute: (signal) => postWebhook({ url: step.url, body, headers, timeoutMs: step.timeout_s * 1000, retries: step.retries, signal, ...(ports.webhookBackoffMs ? { backoffMs: ports.webhookBackoffMs } : {}) }),
      };
    }
    case 'syslog': {
      const message = formatSyslog({
        facility: step.facility,
        severity: step.severity,
        appName: step.app_name,
        msgId: 'playbook',
        structured: [['vigil@32473', { playbook: ctx.playbook.id, run: ctx.run.id, alert: String(a.id) }]],
        message: text(step.message, ctx, 'the message'),
        timestamp: ports.now(),
      });
      const ca = readCa(step.ca_file);
      return {
        request: { transport: step.transport, host: step.host, port: step.port, message },
        summary: `Syslog to ${step.host}:${step.port} over ${step.transport.toUpperCase()}`,
        effects: [],
        execute: () => sendSyslog({ host: step.host, port: step.port, transport: step.transport, ca, timeoutMs: step.timeout_s * 1000 }, message),
      };
    }
    case 'email': {
      const subject = text(step.subject, ctx, 'the subject').replace(/[\r\n]+/g, ' ');
      const body = text(step.text, ctx, 'the text');
      const password = await secretOf(ports, step.secret);
      const ca = readCa(step.ca_file);
      return {
        request: { smtp: `${step.host}:${step.port}`, starttls_required: step.require_tls, user: step.user ?? null, password: step.secret ? `«secret ${step.secret}»` : null, from: step.from, to: step.to, subject, text: body },
        summary: `Email "${subject}" to ${step.to.join(', ')}`,
        effects: [],
        execute: () =>
          sendEmail(
            { host: step.host, port: step.port, requireTls: step.require_tls, ca, user: step.user, password, timeoutMs: step.timeout_s * 1000 },
            { from: step.from, to: step.to, subject, text: body },
          ),
      };
    }
    case 'feed': {
      const feed = ports.feed;
      if (!feed) throw new ContractError('CONFLICT', 'the LAN feed is not available in this process: the feed step cannot run');
      const message = text(step.message, ctx, 'the message').trim();
      const target = { dialects: step.dialects ?? null, clients: step.clients ?? null };
      const notice = feed.prepareNotice(
        { message, severity: step.severity ?? null, priority: step.priority ?? null, playbook: ctx.playbook, run_id: ctx.run.id, step_id: step.id, at: ports.now().toISOString() },
        a.id,
        target,
      );
      const enabled = notice.preview.dialects.filter((d) => d.enabled).map((d) => d.dialect);
      return {
        request: { message, severity: step.severity ?? null, priority: step.priority ?? null, clients: target.clients, feed: notice.preview.feed, dialects: notice.preview.dialects },
        summary: `Tell the LAN feed (${enabled.length ? enabled.join(', ') : 'no enabled dialect'}): "${message.length > 80 ? `${message.slice(0, 79)}…` : message}"`,
        effects: [],
        execute: async () => notice.send(),
      };
    }
    case 'approval': {
      const message = text(step.message, ctx, 'the message');
      return { request: { message }, summary: message, effects: [], execute: async () => ({ approved: true }) };
    }
  }
}

/** Steps whose dependencies this process lacks: said at validation, never a silent no-op. */
export function unavailable(step: PlaybookStep, ports: Pick<PlaybookPorts, 'scans' | 'wazuh' | 'feed'>): string | null {
  if (step.type === 'start_scan' && !ports.scans) return `step ${step.id}: scans are not available (start_scan cannot run)`;
  if (step.type === 'feed' && !ports.feed) return `step ${step.id}: the LAN feed is not available (the feed step cannot run)`;
  if ((step.type === 'wazuh_active_response' || step.type === 'wazuh_restart_agent') && ports.wazuh && !ports.wazuh.find(step.connector)) {
    return `step ${step.id}: no Wazuh API connector "${step.connector}" (add it under Tools, or fix the name)`;
  }
  return null;
}
