import type { Migration } from './types.js';

/**
 * Each address index of the record store also carries the other address and the event type of the
 * record: (id >> 16, src, ts, dst, type) and (id >> 16, dst, ts, src, type). From its index entries
 * alone, never reading the table:
 * - a group-by of a day's records by source and destination address (RecordsRepo.pairGroups)
 *   counts one address's partners;
 * - a host's page counts its records by type (RecordsRepo.hostTypeCounts), and finds its latest
 *   records of one type, or a hunt of a host's DNS, without reading the rows of other types.
 * The leading columns, and so every query that seeks by an address and a time range, are as
 * migration 0019 left them. Same names as before.
 */
export const m0020RecordsAddressPairs: Migration = {
  version: 20,
  name: 'records-address-pairs',
  up(db) {
    db.exec(`
      DROP INDEX records_src_ts;
      DROP INDEX records_dst_ts;
      CREATE INDEX records_src_ts ON records (id >> 16, src, ts, dst, type) WHERE src IS NOT NULL;
      CREATE INDEX records_dst_ts ON records (id >> 16, dst, ts, src, type) WHERE dst IS NOT NULL;
    `);
  },
};
