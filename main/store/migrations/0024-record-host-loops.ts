import type { Migration } from './types.js';

/**
 * Records per hour whose source and destination are the same address (loopback traffic a sensor
 * on "any" interface sees, a LAND packet's anomaly), kept by the record store's writer beside
 * record_host_hours and taken back by retention block by block. record_host_hours counts such a
 * record once as source and once as destination, as a group-by by either side must; a host's
 * activity subtracts these so each record counts once, as its counts by type do.
 *
 * Filled from the records stored, read from the source-address index alone (it carries dst), and
 * the hosts' record counts, which counted every such record twice, lose the ones still stored (the
 * ones retention took before cannot be told apart any more).
 */
export const m0024RecordHostLoops: Migration = {
  version: 24,
  name: 'record-host-loops',
  up(db) {
    db.exec(`
      CREATE TABLE record_host_loops (
        hour INTEGER NOT NULL,
        ip   BLOB NOT NULL,
        n    INTEGER NOT NULL,
        PRIMARY KEY (hour, ip)
      ) WITHOUT ROWID;
      INSERT INTO record_host_loops (hour, ip, n)
        SELECT ts / 3600000, src, count(*) FROM records INDEXED BY records_src_ts WHERE src IS NOT NULL AND dst = src GROUP BY 1, 2;
      UPDATE hosts SET records = records - loops.n
        FROM (SELECT ip, sum(n) AS n FROM record_host_loops GROUP BY ip) AS loops
        WHERE hosts.ip = loops.ip;
    `);
  },
};
