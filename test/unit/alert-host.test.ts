import { describe, expect, it } from 'vitest';
import { hostOf } from '../../main/pipeline/pipeline.js';

const net = (src_ip: string | null, dst_ip: string | null) => ({ agent: null, src_ip, dst_ip });

describe("an alert's host", () => {
  it('is the agent for host alerts, whatever the addresses', () => {
    expect(hostOf({ agent: { id: '003', name: 'web-01' }, src_ip: '10.0.0.5', dst_ip: '151.101.2.132' })).toBe('web-01');
    expect(hostOf({ agent: { id: '003', name: null }, src_ip: null, dst_ip: null })).toBe('003');
  });

  it('is the internal host for outbound traffic, not the internet server it reached', () => {
    expect(hostOf(net('10.0.2.31', '151.101.2.132'))).toBe('10.0.2.31');
    expect(hostOf(net('fd00::12', '2606:4700::1111'))).toBe('fd00::12');
  });

  it('is the destination for inbound and internal traffic, else the source', () => {
    expect(hostOf(net('45.95.147.236', '10.0.1.10'))).toBe('10.0.1.10');
    expect(hostOf(net('10.0.1.11', '10.0.3.15'))).toBe('10.0.3.15');
    expect(hostOf(net('8.8.8.8', '1.1.1.1'))).toBe('1.1.1.1');
    expect(hostOf(net('10.0.0.9', null))).toBe('10.0.0.9');
    expect(hostOf(net(null, null))).toBeNull();
  });
});
