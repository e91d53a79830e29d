import type { Migration } from './types.js';

/**
 * Records per hour by event type, sensor, protocol, application protocol and destination port, kept
 * by the record store's writer in each batch's transaction and taken back by retention block by
 * block, as record_host_hours (migration 0018) is for addresses. A day's group-by over these fields
 * with no filter but event types (`| groupby dst_port`, `| groupby proto dst_port`,
 * `event_type:flow | groupby app_proto`) then sums the day's hours here instead of reading every
 * record of the day: 1.4 million rows on the bench's 10M-record store, 0.8-0.95 s for one field and
 * about 2 s for two. Only the partial hours at the range's ends are counted from the records.
 *
 * Columns are NOT NULL so that each combination is one key the writer can add to: '' stands for a
 * missing sensor, protocol or application protocol, -1 for a missing port (neither is a value a
 * record holds: the normalizer stores absent fields as NULL). Filled here from the records already
 * stored.
 */
export const m0021RecordHours: Migration = {
  version: 21,
  name: 'record-hours',
  up(db) {
    db.exec(`
      CREATE TABLE record_hours (
        hour      INTEGER NOT NULL,
        type      TEXT NOT NULL,
        sensor    TEXT NOT NULL,
        proto     TEXT NOT NULL,
        app_proto TEXT NOT NULL,
        dport     INTEGER NOT NULL,
        n         INTEGER NOT NULL,
        PRIMARY KEY (hour, type, sensor, proto, app_proto, dport)
      ) WITHOUT ROWID;
      INSERT INTO record_hours (hour, type, sensor, proto, app_proto, dport, n)
        SELECT ts / 3600000, type, coalesce(sensor, ''), coalesce(proto, ''), coalesce(app_proto, ''), coalesce(dport, -1), count(*)
        FROM records GROUP BY 1, 2, 3, 4, 5, 6;
    `);
  },
};
