import type { Migration } from './types.js';

/**
 * Host and agent on every alert: the Wazuh agent (id, name), the user, the display host (the agent's
 * name, else its id, else the destination address, else the source) and the Suricata sensor, as
 * columns a list and a host filter can use, with the indexes that filter needs.
 *
 * Existing rows are filled from what was already stored: agent and user from alert_details'
 * enrichment JSON (Wazuh alerts only: a Suricata "agent" there was the sensor's interface), the
 * sensor from the EVE `host` of the alert's first retained event. Open Wazuh alerts get the new
 * group key (rule + agent + source + destination) so the next occurrence on the same host still
 * joins them.
 */
export const m0006AlertHost: Migration = {
  version: 6,
  name: 'alert-host',
  up(db) {
    db.exec(`
      ALTER TABLE alerts ADD COLUMN agent_id TEXT;
      ALTER TABLE alerts ADD COLUMN agent_name TEXT;
      ALTER TABLE alerts ADD COLUMN user TEXT;
      ALTER TABLE alerts ADD COLUMN host TEXT;
      ALTER TABLE alerts ADD COLUMN sensor TEXT;

      UPDATE alerts SET
        agent_id = CASE WHEN alerts.source = 'wazuh' AND json_type(d.enrichment, '$.agent.id') = 'text'
                        THEN nullif(json_extract(d.enrichment, '$.agent.id'), '') END,
        agent_name = CASE WHEN alerts.source = 'wazuh' AND json_type(d.enrichment, '$.agent.name') = 'text'
                          THEN nullif(json_extract(d.enrichment, '$.agent.name'), '') END,
        user = CASE WHEN json_type(d.enrichment, '$.user') = 'text' THEN nullif(json_extract(d.enrichment, '$.user'), '') END
      FROM alert_details d
      WHERE d.alert_id = alerts.id AND json_valid(d.enrichment);

      -- only the first retained event is read (index events_alert), so this stays one lookup per alert
      UPDATE alerts SET sensor = (
        SELECT CASE WHEN json_valid(e.raw) THEN
                 CASE WHEN json_type(e.raw, '$.host') = 'text' THEN nullif(json_extract(e.raw, '$.host'), '') END
               END
        FROM events e WHERE e.alert_id = alerts.id ORDER BY e.ts, e.id LIMIT 1
      )
      WHERE source = 'suricata';

      UPDATE alerts SET host = coalesce(agent_name, agent_id, dst_ip, src_ip);

      UPDATE alerts SET group_key = 'wazuh|' || coalesce(rule_id, title) || '|agent:' || coalesce(agent_id, '') || '/' ||
                                    coalesce(agent_name, '') || '|' || coalesce(src_ip, '') || '|' || coalesce(dst_ip, '')
      WHERE group_key LIKE 'wazuh|%' AND (agent_id IS NOT NULL OR agent_name IS NOT NULL)
        AND status NOT IN ('RESOLVED', 'FALSE_POSITIVE');

      -- the host filter: host (= the agent name when there is one), agent id, sensor; addresses
      -- use the existing src_ip_key / dst_ip_key indexes
      CREATE INDEX alerts_host ON alerts (host, last_seen DESC) WHERE host IS NOT NULL;
      CREATE INDEX alerts_agent_id ON alerts (agent_id, last_seen DESC) WHERE agent_id IS NOT NULL;
      CREATE INDEX alerts_sensor ON alerts (sensor, last_seen DESC) WHERE sensor IS NOT NULL;
    `);
  },
};
