import type { Migration } from './types.js';

/**
 * Alert tags become searchable. Tags stay in `alerts.tags` (a JSON array, edited by analysts and
 * playbooks); few alerts carry any, so a partial index of the tagged ones lets a tag filter read
 * those rows only instead of every alert.
 */
export const m0015AlertTags: Migration = {
  version: 15,
  name: 'alert-tags',
  up(db) {
    db.exec(`CREATE INDEX alerts_tagged ON alerts (last_seen DESC, id DESC) WHERE tags <> '[]'`);
  },
};
