import { afterEach, describe, expect, it } from 'vitest';
import { ConnectorConfig } from '../../main/contract/connectors.js';
import { MemoryVault } from '../../main/secrets/vault.js';
import { apiInput } from '../helpers/connectors.js';
import { callAs } from '../helpers/calls.js';
import { sampleAlert, testApp } from '../helpers/services.js';
import { tempDir } from '../helpers/tmp.js';
import { startWazuhSimulator } from '../simulators/wazuh/index.js';

/** The Wazuh steps go through the same agent actions as the Agents screen, and ask first by default. */

const PASSWORD = 'Api-Pa55word!';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

describe('playbooks: Wazuh active response and agent restart', () => {
  it('blocks the source on the agent the alert points at, only after approval; the action is audited under the playbook', async () => {
    const sim = await startWazuhSimulator({ agents: 10, api: { users: { 'wazuh-wui': PASSWORD } } });
    cleanup.push(() => sim.close());
    const app = await testApp(tempDir(), { run: false, secrets: new MemoryVault() });
    cleanup.push(() => app.close());
    const call = (ch: string, req: unknown, actor = 'ana') => callAs(app.handlers, ch, req, actor);
    await app.connectors.save(ConnectorConfig.parse(apiInput(sim, { username: 'wazuh-wui' })), PASSWORD, true, 'ana');
    await app.connectors.wazuh.sync('prod');
    const target = sim.api.agents.find((a) => a.id !== '000' && a.ip !== 'any' && a.status === 'active' && !a.arDisabled)!;
    const [id] = app.services.alerts.insertMany([sampleAlert({ src_ip: '203.0.113.7', dst_ip: target.ip })]);

    await call('playbooks.save', {
      source: `id: block
name: Block brute-forcers
steps:
  - {id: block, type: wazuh_active_response, connector: Prod manager}
  - {id: restart, type: wazuh_restart_agent, connector: prod, approve: false}
`,
    });
    const before = sim.api.actions.length;
    const run = await call('playbooks.run', { id: 'block', alert_id: id });
    expect(run.status).toBe('waiting_approval');
    expect(run.steps[0]).toMatchObject({
      status: 'waiting_approval',
      summary: `Block 203.0.113.7 on ${target.name} (Prod manager)`,
      request: { connector: 'Prod manager', command: '!firewall-drop', agent_ids: [target.id], srcip: '203.0.113.7', alert_id: id },
    });
    expect(sim.api.actions.length).toBe(before);
    const rec = await call('playbooks.recommended', { alert_id: id });
    expect(rec).toEqual([]); // a manual playbook has no alert conditions to match

    const done = await call('playbooks.approve', { run_id: run.id }, 'ben');
    expect(done.status, JSON.stringify(done.steps)).toBe('succeeded');
    const actions = sim.api.actions.slice(before);
    expect(actions[0]).toMatchObject({ type: 'active-response', agents: [target.id], command: '!firewall-drop', alert: { data: { srcip: '203.0.113.7' } } });
    expect(actions[1]).toMatchObject({ type: 'restart', agents: [target.id] });
    const audit = app.services.db.prepare("SELECT action, actor FROM audit_log WHERE action LIKE 'wazuh.%' ORDER BY id").all() as { action: string; actor: string }[];
    expect(audit.map((a) => a.action)).toEqual(['wazuh.active_response', 'wazuh.restart']);
    expect(audit.every((a) => a.actor.startsWith('playbook:block#'))).toBe(true);

    // an unknown connector is caught at validation, not at run time
    const v = await call('playbooks.validate', { source: 'id: x\nname: X\nsteps:\n  - {id: b, type: wazuh_restart_agent, connector: nope}\n' });
    expect(v.errors).toEqual(['step b: no Wazuh API connector "nope" (add it under Tools, or fix the name)']);
  }, 30_000);
});
