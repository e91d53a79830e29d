import { describe, expect, it } from 'vitest';
import { upgradeStatus, upgradeStatusFragment } from '../../main/core/upgrade-status.js';

describe('the upgrade window’s text', () => {
  it('tells the backup’s share copied and where the copy is kept', () => {
    const s = upgradeStatus({ step: 'backup', file: '/data/Vigil/vigil.db.v21.2026-12-07T10-00-00-000Z.bak', copied: 1499, total: 4000 });
    expect(s).toEqual({
      step: 'Backing up the database first: 37 %',
      detail: 'The copy is kept as vigil.db.v21.2026-12-07T10-00-00-000Z.bak in /data/Vigil.',
      fraction: 1499 / 4000,
    });
    // never over 100 %, and an empty database is copied at once
    expect(upgradeStatus({ step: 'backup', file: '/d/x.bak', copied: 5, total: 4 }).fraction).toBe(1);
    expect(upgradeStatus({ step: 'backup', file: '/d/x.bak', copied: 0, total: 0 }).step).toBe('Backing up the database first: 100 %');
  });

  it('names a schema step in words, with no share done (it is one statement)', () => {
    expect(upgradeStatus({ step: 'migrate', version: 22, name: 'records-address-fields' })).toMatchObject({
      step: 'Applying schema change 22: records address fields',
      fraction: null,
    });
  });

  it('travels in the page’s fragment, every character kept', () => {
    const s = upgradeStatus({ step: 'backup', file: '/home/ana lyst/Vigil & co/#1%/vigil.db.bak', copied: 1, total: 3 });
    const q = new URLSearchParams(upgradeStatusFragment(s));
    expect({ step: q.get('step'), detail: q.get('detail'), done: q.get('done') }).toEqual({ step: s.step, detail: s.detail, done: '0.333' });
    expect(upgradeStatusFragment(s)).not.toMatch(/[#&](?!detail=|done=)/);
    expect(new URLSearchParams(upgradeStatusFragment(upgradeStatus({ step: 'migrate', version: 3, name: 'console' }))).has('done')).toBe(false);
  });
});
