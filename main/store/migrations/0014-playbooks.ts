import type { Migration } from './types.js';

/**
 * Local playbooks and their runs.
 *
 * - `playbooks`: one row per playbook, its document as the analyst wrote it (YAML or JSON) and
 *   the few fields lists need. The document is the truth; `enabled` is kept in it too.
 * - `playbook_runs` / `playbook_run_steps`: every run with a per-step log (rendered request,
 *   response, duration, error). A step is marked `started` in its own transaction before its side
 *   effect and `done`/`failed` after, so a crash in between leaves a step that is `started`: on the
 *   next start its run is marked interrupted, never executed again.
 * - `playbook_triggers`: which alert fired which playbook (once per alert and playbook).
 * - `playbook_effects`: what a run acted on (an address, a host), for loop protection.
 * - `playbook_state`: the trigger cursor over the alert outbox and the kill switch.
 */
export const m0014Playbooks: Migration = {
  version: 14,
  name: 'playbooks',
  up(db) {
    db.exec(`
      CREATE TABLE playbooks (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        version     INTEGER NOT NULL,
        enabled     INTEGER NOT NULL DEFAULT 0,
        format      TEXT NOT NULL CHECK (format IN ('yaml', 'json')),
        source      TEXT NOT NULL,
        updated_at  TEXT NOT NULL,
        updated_by  TEXT NOT NULL
      );
      CREATE TABLE playbook_runs (
        id               TEXT PRIMARY KEY,
        playbook_id      TEXT NOT NULL,
        playbook_name    TEXT NOT NULL,
        playbook_version INTEGER NOT NULL,
        doc              TEXT NOT NULL,
        alert_id         INTEGER,
        mode             TEXT NOT NULL CHECK (mode IN ('auto', 'manual', 'dry_run')),
        status           TEXT NOT NULL,
        actor            TEXT NOT NULL,
        owner            TEXT NOT NULL,
        depth            INTEGER NOT NULL DEFAULT 0,
        next_step        INTEGER NOT NULL DEFAULT 0,
        error            TEXT,
        created_at       TEXT NOT NULL,
        updated_at       TEXT NOT NULL
      );
      CREATE INDEX playbook_runs_playbook ON playbook_runs (playbook_id, created_at);
      CREATE INDEX playbook_runs_alert ON playbook_runs (alert_id) WHERE alert_id IS NOT NULL;
      CREATE INDEX playbook_runs_status ON playbook_runs (status) WHERE status IN ('running', 'waiting_approval');
      CREATE TABLE playbook_run_steps (
        run_id      TEXT NOT NULL REFERENCES playbook_runs (id) ON DELETE CASCADE,
        idx         INTEGER NOT NULL,
        step_id     TEXT NOT NULL,
        type        TEXT NOT NULL,
        name        TEXT NOT NULL,
        status      TEXT NOT NULL,
        request     TEXT,
        summary     TEXT NOT NULL DEFAULT '',
        response    TEXT,
        error       TEXT,
        duration_ms REAL,
        started_at  TEXT,
        ended_at    TEXT,
        decided_by  TEXT,
        PRIMARY KEY (run_id, idx)
      ) WITHOUT ROWID;
      CREATE TABLE playbook_triggers (
        playbook_id TEXT NOT NULL,
        alert_id    INTEGER NOT NULL,
        run_id      TEXT NOT NULL,
        PRIMARY KEY (playbook_id, alert_id)
      ) WITHOUT ROWID;
      CREATE TABLE playbook_effects (
        playbook_id TEXT NOT NULL,
        key         TEXT NOT NULL,
        run_id      TEXT NOT NULL,
        depth       INTEGER NOT NULL,
        ts          TEXT NOT NULL
      );
      CREATE INDEX playbook_effects_key ON playbook_effects (key, ts);
      CREATE TABLE playbook_state (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) WITHOUT ROWID;
    `);
  },
};
