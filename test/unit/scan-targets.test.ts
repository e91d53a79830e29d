import { describe, expect, it } from 'vitest';
import { gvmTargetProblem } from '../../main/contract/scans.js';
import { targetProblem } from '../../renderer/features/scans/model.js';

describe('Greenbone scan targets, one check for the form and the service', () => {
  it('takes addresses (v4 and v6), CIDR and dash ranges and host names, without node:net', () => {
    expect(gvmTargetProblem('10.0.0.5, 2001:db8::1, 2001:db8::/64, 10.0.1.0/24, db01.corp.example, 10.0.2.1-20, 10.0.3.1-10.0.3.9')).toBeNull();
    expect(gvmTargetProblem('2001:db8::/129')).toMatch(/not an address range/);
    expect(gvmTargetProblem('10.0.0.300/24')).toMatch(/not an address range/);
    expect(gvmTargetProblem('10.0.0.1-x')).toMatch(/not an address range/);
  });

  it('the start form says what the service would refuse, as a sentence', () => {
    expect(targetProblem('gvm', 'https://shop.example/')).toMatch(/^Greenbone scans hosts, not URLs: .*\.$/);
    expect(targetProblem('gvm', '10.0.0.0/33')).toBe('"10.0.0.0/33" is not an address range (CIDR such as 10.0.0.0/24).');
    expect(targetProblem('gvm', 'db01 db02')).toBe('"db01 db02" is not a host, an address or a range.');
    expect(targetProblem('gvm', '10.0.0.5, db01')).toBeNull();
  });
});
