import { describe, expect, it } from 'vitest';
import { ConnectorConfig } from '../../main/contract/connectors.js';
import { createConnector, parseConnectorConfig } from '../../main/connectors/registry.js';
import { SpiderFootConnector } from '../../main/connectors/spiderfoot/connector.js';
import { staticCredentials } from '../../main/connectors/types.js';
import { ZapConnector } from '../../main/connectors/zap/connector.js';

const zap = { kind: 'zap', id: 'zap-lab', name: 'ZAP', url: 'http://127.0.0.1:8080/' };
const sf = { kind: 'spiderfoot', id: 'sf-lab', name: 'SpiderFoot', url: 'http://127.0.0.1:5001' };

function problem(input: Record<string, unknown>): string {
  try {
    parseConnectorConfig(input);
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

describe('ZAP and SpiderFoot connector configurations', () => {
  it('fill their defaults', () => {
    expect(ConnectorConfig.parse(zap)).toMatchObject({ url: 'http://127.0.0.1:8080', trust: { mode: 'system' }, passiveScanTimeoutSeconds: 600, alertPageSize: 500, requestsPerMinute: 1200 });
    expect(ConnectorConfig.parse(sf)).toMatchObject({ username: null, serverTimeZone: null, requestsPerMinute: 600 });
  });

  it('never take a secret: an API key or password in the configuration is refused', () => {
    expect(problem({ ...zap, apiKey: 'k' })).toMatch(/apiKey/);
    expect(problem({ ...zap, url: 'http://127.0.0.1:8080/?apikey=k' })).toMatch(/takes no query/);
    expect(problem({ ...sf, password: 'p' })).toMatch(/password/);
    expect(problem({ ...sf, url: 'http://admin:p@127.0.0.1:5001' })).toMatch(/put credentials in the keychain/);
  });

  it('say what is out of range', () => {
    expect(problem({ ...zap, passiveScanTimeoutSeconds: 5 })).toMatch(/passiveScanTimeoutSeconds/);
    expect(problem({ ...zap, alertPageSize: 0 })).toMatch(/alertPageSize/);
    expect(problem({ ...sf, serverTimeZone: 'CET+1' })).toMatch(/serverTimeZone: not a time zone name/);
    expect(problem({ ...sf, username: '' })).toMatch(/username/);
  });

  it('are built into their connectors by the registry', async () => {
    const z = createConnector(zap, { credentials: staticCredentials('x', 'y') });
    const s = createConnector({ ...sf, username: 'admin', serverTimeZone: 'Europe/Paris' }, { credentials: staticCredentials('admin', 'y') });
    try {
      expect(z).toBeInstanceOf(ZapConnector);
      expect(s).toBeInstanceOf(SpiderFootConnector);
      expect(z.describe()).toEqual({ id: 'zap-lab', kind: 'zap', name: 'ZAP', url: 'http://127.0.0.1:8080', product: 'OWASP ZAP', trust: expect.any(String) });
      expect(s.describe()).toMatchObject({ kind: 'spiderfoot', product: 'SpiderFoot' });
    } finally {
      await z.close();
      await s.close();
    }
  });
});
