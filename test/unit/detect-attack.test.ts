import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { AttackTable, attackTablePath } from '../../main/pipeline/detect/attack.js';
import { mappedTechniqueIds } from '../../main/pipeline/detect/mapping.js';
import { CORRELATION_EFFECTS } from '../../main/pipeline/detect/index.js';

const RESOURCES = fileURLToPath(new URL('../../resources', import.meta.url));
const attack = AttackTable.load(attackTablePath(RESOURCES));

describe('AttackTable', () => {
  it('loads 14 tactics in kill-chain order and 691 techniques', () => {
    const tactics = attack.tactics();
    expect(tactics).toHaveLength(14);
    expect(tactics[0]).toEqual({ id: 'TA0043', shortname: 'reconnaissance', name: 'Reconnaissance' });
    expect(tactics.at(-1)?.shortname).toBe('impact');
    expect(attack.size).toBe(691);
    expect(attack.techniques()).toHaveLength(691);
  });

  it('looks up T1110 and the sub-technique T1110.003 with tactic names', () => {
    const bf = attack.technique('T1110');
    expect(bf).not.toBeNull();
    expect(bf?.name).toBe('Brute Force');
    expect(bf?.tactics.map((t) => t.name)).toEqual(['Credential Access']);
    expect(bf?.url).toBe('https://attack.mitre.org/techniques/T1110');
    const spray = attack.technique('t1110.003 ');
    expect(spray?.id).toBe('T1110.003');
    expect(spray?.name).toBe('Password Spraying');
    expect(spray?.tactics).toEqual([{ id: 'TA0006', shortname: 'credential-access', name: 'Credential Access' }]);
    expect(spray?.summary).toMatch(/passwords/);
  });

  it('orders a technique\'s tactics in kill-chain order', () => {
    const valid = attack.technique('T1078'); // Valid Accounts: several tactics
    const order = attack.tactics().map((t) => t.id);
    const idx = (valid?.tactics ?? []).map((t) => order.indexOf(t.id));
    expect(idx.length).toBeGreaterThan(1);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
  });

  it('knows what it knows', () => {
    expect(attack.isKnown('T1046')).toBe(true);
    expect(attack.isKnown('T1086')).toBe(false); // revoked
    expect(attack.isKnown('nonsense')).toBe(false);
    expect(attack.technique('T9999')).toBeNull();
  });

  it('every technique id the mapping tables and correlations can emit exists', () => {
    const ids = [...mappedTechniqueIds(), ...CORRELATION_EFFECTS.flatMap((c) => c.technique_ids)];
    expect(ids.length).toBeGreaterThan(30);
    const missing = ids.filter((id) => !attack.isKnown(id));
    expect(missing).toEqual([]);
  });

  it('fails with a message naming the file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-attack-'));
    try {
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ tactics: [], techniques: [{ id: 'X' }] }));
      expect(() => AttackTable.load(bad)).toThrow(new RegExp(`ATT&CK table ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: unexpected shape`));
      const notJson = path.join(dir, 'nj.json');
      fs.writeFileSync(notJson, '{');
      expect(() => AttackTable.load(notJson)).toThrow(/nj\.json: not valid JSON/);
      expect(() => AttackTable.load(path.join(dir, 'missing.json'))).toThrow(/missing\.json: cannot read/);
      const badTactic = path.join(dir, 'bt.json');
      fs.writeFileSync(
        badTactic,
        JSON.stringify({
          tactics: [{ id: 'TA0001', shortname: 'initial-access', name: 'Initial Access' }],
          techniques: [{ id: 'T1000', name: 'x', tactics: ['TA0002'], url: '', summary: '' }],
        }),
      );
      expect(() => AttackTable.load(badTactic)).toThrow(/bt\.json: technique T1000 names unknown tactic TA0002/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ships the licence, notice and attribution beside the table', () => {
    expect(fs.existsSync(path.join(RESOURCES, 'attack', 'attack-LICENSE.txt'))).toBe(true);
    expect(fs.readFileSync(path.join(RESOURCES, 'attack', 'NOTICE.txt'), 'utf8')).toContain('© 2025 The MITRE Corporation');
    const attributions = JSON.parse(fs.readFileSync(path.join(RESOURCES, 'ATTRIBUTIONS.json'), 'utf8')) as { name: string; notice: string }[];
    expect(attributions).toContainEqual({
      name: 'MITRE ATT&CK® Enterprise v18.1',
      notice: '© 2025 The MITRE Corporation. This work is reproduced and distributed with the permission of The MITRE Corporation.',
    });
  });
});
