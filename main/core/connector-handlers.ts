import { ContractError } from '../contract/errors.js';
import type { ConnectorChannelName, ConnectorRequest, ConnectorResponse } from '../contract/connectors.js';
import type { WazuhChannelName, WazuhRequest, WazuhResponse } from '../contract/wazuh.js';
import type { ConnectorsService } from './connectors.js';
import type { CallContext } from './handlers.js';

type Handler<Req, Res> = (req: Req, ctx: CallContext) => Res | Promise<Res>;

/** One handler per connectors.* and wazuh.* channel (typed like Handlers, which they join). */
export type ConnectorHandlers = { [C in ConnectorChannelName]: Handler<ConnectorRequest<C>, ConnectorResponse<C>> } & {
  [C in WazuhChannelName]: Handler<WazuhRequest<C>, WazuhResponse<C>>;
};

/** The connectors.* and wazuh.* handlers over the service; without one they answer CONFLICT. */
export function createConnectorHandlers(service: ConnectorsService | null): ConnectorHandlers {
  const get = (): ConnectorsService => {
    if (!service) throw new ContractError('CONFLICT', 'connectors are managed by the desktop app, vigil serve and vigil connectors');
    return service;
  };
  const ready = async () => {
    const c = get();
    await c.ready();
    return c;
  };
  return {
    'connectors.kinds': () => get().kinds(),
    'connectors.list': () => get().list(),
    'connectors.test': (req) => get().test(req.config, req.secret),
    'connectors.save': (req, ctx) => get().save(req.config, req.secret, req.create, ctx.actor),
    'connectors.setEnabled': (req, ctx) => get().setEnabled(req.id, req.enabled, ctx.actor),
    'connectors.remove': async (req, ctx) => ({ removed: await get().remove(req.id, ctx.actor) }),
    'connectors.trust': (req, ctx) => get().trust(req.id, req.sha256, ctx.actor),
    'connectors.health': (req) => get().health(req.id, req.force),
    'connectors.history': (req) => get().history(req.id, req.limit),
    'connectors.overall': () => get().overall(),

    'wazuh.agents.list': async (req) => {
      const c = await ready();
      return c.wazuh.list(req, c.wazuhApiIds());
    },
    'wazuh.agents.get': (req) => get().wazuh.get(req.connector_id, req.agent_id),
    'wazuh.agents.sync': async (req) => (await ready()).wazuh.sync(req.connector_id),
    'wazuh.agents.restart': async (req, ctx) => (await ready()).wazuh.restart(req.connector_id, req.agent_ids, ctx.actor),
    'wazuh.ar.run': async (req, ctx) => (await ready()).wazuh.activeResponse(req.connector_id, req, ctx.actor),
    'wazuh.ar.commands': async (req) => (await ready()).wazuh.arCommands(req.connector_id),
    'wazuh.alertAgents': (req) => get().wazuh.alertAgents(req.alert_id),
    'wazuh.actions': (req) => get().wazuh.actions(req),
  };
}
