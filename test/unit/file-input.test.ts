import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFileError, lineFormat, sniffText } from '../../main/pipeline/sources/file-input.js';
import { repoRoot } from '../helpers/services.js';

const real = (name: string) => fs.readFileSync(path.join(repoRoot, 'test', 'fixtures', 'real', name), 'utf8');

describe('telling EVE from Wazuh by the first lines', () => {
  it('recognises real output of both tools, pretty-spaced records included', () => {
    expect(sniffText(real('tenzir-eve.json'), true)).toEqual({ format: 'eve', eve: 7, wazuh: 0, other: 0, binary: false });
    expect(sniffText(real('wazuh-dfn-alerts.json'), true)).toMatchObject({ format: 'wazuh', wazuh: 2 });
    expect(sniffText(real('suricata-docs-no-offset.json'), true).format).toBe('eve');
    expect(lineFormat(`\uFEFF${real('tenzir-eve.json').split('\n')[0]}`)).toBe('eve'); // a BOM on the first line
  });

  it('goes by the majority, ignores blank lines, and says null for anything else', () => {
    const eve = real('tenzir-eve.json').split('\n');
    const waz = real('wazuh-dfn-alerts.json').split('\n');
    expect(sniffText(['', waz[0], eve[0], eve[1], 'garbage', ''].join('\n'), true)).toMatchObject({ format: 'eve', eve: 2, wazuh: 1, other: 1 });
    expect(sniffText('hello\nworld\n', true)).toMatchObject({ format: null, other: 2 });
    expect(sniffText('[1,2]\n{"a":1}\n', true).format).toBeNull();
    expect(sniffText('', true)).toMatchObject({ format: null, eve: 0, wazuh: 0, other: 0 });
    expect(sniffText('BZh91AY&SY\u0000\u0001', true)).toMatchObject({ format: null, binary: true });
  });

  it('a first record larger than the window (a big EVE stats record) is told by how it starts', () => {
    const stats = `{"timestamp":"2019-05-02T15:56:53.843674+0200","event_type":"stats","stats":{"uptime":3,"decoder":{"pkts":495056`;
    expect(sniffText(stats, false).format).toBe('eve');
    const withIds = `{"timestamp":"2011-08-12T14:52:57.716360+0200","flow_id":1031464864740687,"in_iface":"eth0","pcap_cnt":83,"event_type":"alert","src_ip":"147.32`;
    expect(sniffText(withIds, false).format).toBe('eve');
    const wazuh = '{"timestamp":"2025-01-09T10:44:45.948+0100","rule":{"level":3,"description":"PAM: Login session closed.","id":"5502","firedt';
    expect(sniffText(wazuh, false).format).toBe('wazuh');
    expect(sniffText('{"timestamp":"x","message":"cut her', false).format).toBeNull();
  });

  it('errno codes in words', () => {
    const e = (code: string) => Object.assign(new Error(`${code}: x`), { code });
    expect(describeFileError(e('ENOENT'))).toBe('no such file');
    expect(describeFileError(e('EACCES'))).toBe('permission denied');
    expect(describeFileError(e('EPERM'))).toBe('permission denied');
    expect(describeFileError(e('EISDIR'))).toBe('is a folder, not a file');
    expect(describeFileError(e('EIO'))).toBe('EIO: x');
  });
});
