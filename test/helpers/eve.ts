/** The common part of the i-th line of a growing eve.json, with a flow_id above 2^53 and "seq": i to tell lines apart. */
function eveLine(i: number, type: string, body: Record<string, unknown>): string {
  return JSON.stringify({
    timestamp: new Date(Date.UTC(2026, 10, 21, 10, 0, 0) + i * 10).toISOString().replace('Z', '+0000'),
    flow_id: 1,
    event_type: type,
    src_ip: `198.51.100.${(i % 5) + 1}`,
    src_port: 40000 + (i % 1000),
    dest_ip: '10.0.0.5',
    dest_port: 443,
    proto: 'TCP',
    ...body,
    seq: i,
  }).replace('"flow_id":1', `"flow_id":${10n ** 18n + BigInt(i)}`);
}

/**
 * The i-th line of a growing Suricata eve.json of alerts: 4 rules × 5 sources (so grouping folds
 * them and checks are on counts, not rows), a flow_id above 2^53, and "seq": i to tell lines apart.
 */
export function eveAlertLine(i: number): string {
  return eveLine(i, 'alert', {
    alert: { action: 'allowed', gid: 1, signature_id: 2_000_000 + (i % 4), rev: 1, signature: `ET POLICY test rule ${i % 4}`, category: 'Misc activity', severity: 2 },
  });
}

/** The i-th line of a growing eve.json that is no alert: a flow record. */
export function eveFlowLine(i: number): string {
  return eveLine(i, 'flow', { flow: { pkts_toserver: 3, pkts_toclient: 2, bytes_toserver: 180, bytes_toclient: 120, state: 'closed', reason: 'timeout' } });
}
