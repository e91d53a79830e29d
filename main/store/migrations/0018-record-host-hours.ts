import type { Migration } from './types.js';

/**
 * Records per hour per source and per destination address, kept by the record store's writer in
 * each batch's transaction and taken back by retention block by block. A day's "top talkers"
 * (every record grouped by src_ip or dst_ip) then sums 24 hours of these instead of streaming every
 * record of the day: 1.4 million rows on the bench's 10M-record store, over two seconds. Only the
 * partial hours at the range's ends are counted from the records themselves. `role` is 0 for the
 * source, 1 for the destination; `hour` is ts / 3600000; `ip` is the address key (ipblob.ts), an
 * empty BLOB for records without that address, so the counts of an hour add up to its records.
 * Filled here from the records already stored.
 */
export const m0018RecordHostHours: Migration = {
  version: 18,
  name: 'record-host-hours',
  up(db) {
    db.exec(`
      CREATE TABLE record_host_hours (
        hour INTEGER NOT NULL,
        role INTEGER NOT NULL CHECK (role IN (0, 1)),
        ip   BLOB NOT NULL,
        n    INTEGER NOT NULL,
        PRIMARY KEY (role, hour, ip)
      ) WITHOUT ROWID;
      INSERT INTO record_host_hours (hour, role, ip, n)
        SELECT ts / 3600000, 0, coalesce(src, X''), count(*) FROM records GROUP BY ts / 3600000, coalesce(src, X'');
      INSERT INTO record_host_hours (hour, role, ip, n)
        SELECT ts / 3600000, 1, coalesce(dst, X''), count(*) FROM records GROUP BY ts / 3600000, coalesce(dst, X'');
    `);
  },
};
