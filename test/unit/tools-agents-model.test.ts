import { describe, expect, it } from 'vitest';
import { ConnectorConfig, ConnectorSaveRequest, WazuhIndexerConfig } from '../../main/contract/connectors.js';
import { connectorKindSpecs } from '../../main/core/connector-kinds.js';
import { agentsHref } from '../../renderer/app/router.js';
import { listRequest, parseAgentsQuery } from '../../renderer/features/agents/model.js';
import { draftFromConfig, idFromName, issuesByField, newDraft, toConfig, uptimeText } from '../../renderer/features/tools/model.js';

const spec = (kind: string) => connectorKindSpecs().find((k) => k.kind === kind)!;

describe('the Tools form model', () => {
  it('a new draft of every kind, filled in, is a configuration the contract accepts (defaults as the schema has them)', () => {
    for (const k of connectorKindSpecs()) {
      const d = newDraft(k);
      d.name = 'Prod';
      d.url = k.kind === 'gvm' ? 'tls://gvm.example:9390' : 'https://tool.example:8443';
      for (const f of k.fields) if (f.required && f.type === 'string') d.fields[f.name] = 'analyst';
      const parsed = ConnectorConfig.safeParse(toConfig(d, k, 'prod'));
      expect(parsed.success, `${k.kind}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(parsed.data).toEqual(ConnectorConfig.parse({ ...toConfig(d, k, 'prod') }));
    }
  });

  it('round-trips a saved configuration through the form, nested fields and trust included; an emptied field takes the default', () => {
    const config = ConnectorConfig.parse({
      kind: 'wazuh-indexer',
      id: 'idx',
      name: 'Indexer',
      url: 'https://idx:9200',
      username: 'reader',
      index: 'wazuh-alerts-4.x-*',
      trust: { mode: 'pin', sha256: 'ab'.repeat(32) },
      timeouts: { connectMs: 2500, headersMs: 30_000, bodyMs: 60_000 },
      backfillHours: 48,
    });
    const d = draftFromConfig(config, spec('wazuh-indexer'));
    expect(d).toMatchObject({ trustMode: 'pin', fields: { username: 'reader', 'timeouts.connectMs': '2500', backfillHours: '48' } });
    expect(ConnectorConfig.parse(toConfig(d, spec('wazuh-indexer'), 'idx'))).toEqual(config);
    d.fields['backfillHours'] = '';
    expect(WazuhIndexerConfig.parse(toConfig(d, spec('wazuh-indexer'), 'idx')).backfillHours).toBe(24);
  });

  it('maps the contract’s issues to the form’s fields', () => {
    const bad = ConnectorSaveRequest.safeParse({ config: { kind: 'wazuh-api', id: 'x', name: '', url: 'ftp://x', username: 'u', trust: { mode: 'pin', sha256: 'nope' } }, create: true });
    const issues = bad.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    const { fields } = issuesByField(issues);
    expect(Object.keys(fields).sort()).toEqual(['name', 'trust', 'url']);
  });

  it('makes ids from names, unique among the taken ones', () => {
    expect(idFromName('Wazuh – Prod (EU)', new Set())).toBe('wazuh-prod-eu');
    expect(idFromName('Prod', new Set(['prod', 'prod-2']))).toBe('prod-3');
    expect(idFromName('!!!', new Set())).toBe('connector');
  });

  it('sums up the health history', () => {
    const at = (m: number) => new Date(Date.UTC(2026, 0, 1, 0, m)).toISOString();
    const s = (m: number, status: 'ok' | 'down') => ({ checked_at: at(m), status, version: null, latency_ms: 1, error: null });
    expect(uptimeText([s(30, 'ok'), s(20, 'down'), s(10, 'ok'), s(0, 'ok')])).toBe('75% ok over 30 min (4 checks)');
    expect(uptimeText([s(0, 'ok')])).toBeNull();
  });
});

describe('the Agents screen’s links', () => {
  it('reads what a link asks for and drops what is not valid', () => {
    const href = agentsHref({ connector: 'prod', agent: '007', action: 'ar', srcip: '203.0.113.7', alert: 12, status: 'active,disconnected', q: 'web' });
    const { query, intent } = parseAgentsQuery(href.split('?')[1]!);
    expect(query).toMatchObject({ connector_id: 'prod', status: ['active', 'disconnected'], text: 'web' });
    expect(intent).toEqual({ agent: '007', action: 'ar', srcip: '203.0.113.7', alert: 12 });
    expect(parseAgentsQuery('agent=x&action=drop&alert=-1').intent).toEqual({ agent: null, action: null, srcip: null, alert: null });
    expect(listRequest(query, 0, 200, 'counts')).toEqual({ connector_id: 'prod', status: ['active', 'disconnected'], text: 'web', sort: { field: 'name', dir: 'asc' }, offset: 0, limit: 200, meta: 'counts' });
  });
});
