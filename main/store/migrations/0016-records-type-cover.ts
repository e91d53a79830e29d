import type { Migration } from './types.js';

/**
 * The (type, ts) index of the record store also carries the first summary slot, s1, and both
 * addresses: the fields analysts group a day of one event type by (dns.rrname, tls.sni,
 * http.hostname, alert.signature, file.name, flow.state are all s1; "who asked for it" is src). A
 * group-by or a filter on them then reads the index alone, one contiguous range per type and time
 * span, instead of fetching every matching row from the table. It replaces the old index (same
 * name, same leading columns) rather than adding one, so ingest maintains no extra B-tree.
 */
export const m0016RecordsTypeCover: Migration = {
  version: 16,
  name: 'records-type-cover',
  up(db) {
    db.exec(`
      DROP INDEX records_type_ts;
      CREATE INDEX records_type_ts ON records (type, ts, s1, src, dst);
    `);
  },
};
