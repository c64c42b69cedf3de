/**
 * Numbered migrations. An applied migration is recorded with the hash of its SQL in `_migrations`;
 * editing it afterwards is refused at open time, so add a new one instead.
 */
export interface Migration {
  id: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'settings-and-connections',
    sql: `
      CREATE TABLE settings (
        key   TEXT PRIMARY KEY,
        value TEXT NOT NULL
      ) STRICT;
      CREATE TABLE connections (
        id                TEXT PRIMARY KEY,
        name              TEXT NOT NULL,
        config_json       TEXT NOT NULL,
        secret            BLOB,
        local             INTEGER NOT NULL DEFAULT 0,
        created_at        INTEGER NOT NULL,
        updated_at        INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    id: 2,
    name: 'pipelines-and-checkpoints',
    sql: `
      CREATE TABLE pipelines (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        spec_json  TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE pipeline_offsets (
        pipeline_id TEXT NOT NULL,
        topic       TEXT NOT NULL,
        partition   INTEGER NOT NULL,
        next_offset TEXT NOT NULL,
        PRIMARY KEY (pipeline_id, topic, partition)
      ) STRICT;
      CREATE TABLE pipeline_state (
        pipeline_id TEXT NOT NULL,
        state_key   TEXT NOT NULL,
        entry_json  TEXT NOT NULL,
        PRIMARY KEY (pipeline_id, state_key)
      ) STRICT;
      CREATE TABLE pipeline_progress (
        pipeline_id TEXT PRIMARY KEY,
        batch       INTEGER NOT NULL,
        watermark   INTEGER,
        late_rows   INTEGER NOT NULL,
        bad_json    TEXT NOT NULL
      ) STRICT;
      CREATE TABLE pipeline_results (
        pipeline_id  TEXT NOT NULL,
        result_key   TEXT NOT NULL,
        group_json   TEXT NOT NULL,
        window_start INTEGER,
        window_end   INTEGER,
        values_json  TEXT NOT NULL,
        batch        INTEGER NOT NULL,
        PRIMARY KEY (pipeline_id, result_key)
      ) STRICT;
    `,
  },
  {
    id: 3,
    name: 'producers',
    sql: `
      CREATE TABLE producers (
        id            TEXT PRIMARY KEY,
        name          TEXT NOT NULL UNIQUE,
        spec_json     TEXT NOT NULL,
        desired_state TEXT NOT NULL DEFAULT 'stopped',
        sent          INTEGER NOT NULL DEFAULT 0,
        bytes         INTEGER NOT NULL DEFAULT 0,
        errors        INTEGER NOT NULL DEFAULT 0,
        created_at    INTEGER NOT NULL,
        updated_at    INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    id: 4,
    name: 'export-history',
    sql: `
      CREATE TABLE export_history (
        id          TEXT PRIMARY KEY,
        source      TEXT NOT NULL,
        format      TEXT NOT NULL,
        target      TEXT NOT NULL,
        location    TEXT NOT NULL,
        status      TEXT NOT NULL,
        rows        INTEGER NOT NULL DEFAULT 0,
        bytes       INTEGER NOT NULL DEFAULT 0,
        started_at  INTEGER NOT NULL,
        finished_at INTEGER,
        error       TEXT
      ) STRICT;
      CREATE INDEX export_history_started ON export_history (started_at DESC);
    `,
  },
  {
    id: 5,
    name: 'pipeline-file-sinks',
    sql: `
      CREATE TABLE pipeline_files (
        pipeline_id     TEXT NOT NULL,
        sink            INTEGER NOT NULL,
        first_batch     INTEGER NOT NULL,
        last_batch      INTEGER NOT NULL,
        state           TEXT NOT NULL CHECK (state IN ('open', 'pending', 'done')),
        name            TEXT,
        rows            INTEGER NOT NULL,
        offsets_json    TEXT NOT NULL,
        opened_at       INTEGER NOT NULL,
        attempts        INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL DEFAULT 0,
        error           TEXT,
        etag            TEXT,
        bytes           INTEGER,
        write_ms        REAL,
        done_at         INTEGER,
        PRIMARY KEY (pipeline_id, sink, first_batch)
      ) STRICT;
      CREATE INDEX pipeline_files_state ON pipeline_files (pipeline_id, state);
      CREATE TABLE pipeline_file_rows (
        pipeline_id TEXT NOT NULL,
        sink        INTEGER NOT NULL,
        first_batch INTEGER NOT NULL,
        seq         INTEGER NOT NULL,
        row_json    TEXT NOT NULL,
        PRIMARY KEY (pipeline_id, sink, first_batch, seq)
      ) STRICT;
    `,
  },
  {
    id: 6,
    name: 's3-credentials-and-pending-aborts',
    sql: `
      CREATE TABLE s3_credentials (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        key_hint   TEXT NOT NULL,
        has_token  INTEGER NOT NULL,
        secret     BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE s3_pending_aborts (
        upload_id  TEXT PRIMARY KEY,
        bucket     TEXT NOT NULL,
        object_key TEXT NOT NULL,
        endpoint   TEXT NOT NULL,
        target     BLOB NOT NULL,
        job_id     TEXT,
        state      TEXT NOT NULL CHECK (state IN ('uploading', 'pending')),
        attempts   INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        created_at INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    id: 7,
    name: 'connection-registry-secret',
    // The schema registry's basic-auth password, encrypted by the SecretBox like `secret` (SASL).
    sql: `ALTER TABLE connections ADD COLUMN registry_secret BLOB;`,
  },
  {
    id: 8,
    name: 'producer-commands-and-engine-heartbeat',
    // The CLI ↔ running app control channel of old (a command queue polled by the app); migration 14 drops it.
    sql: `
      CREATE TABLE engine_instances (
        id             TEXT PRIMARY KEY,
        pid            INTEGER NOT NULL,
        started_at     INTEGER NOT NULL,
        heartbeat_at   INTEGER NOT NULL,
        producers_json TEXT NOT NULL
      ) STRICT;
      CREATE TABLE producer_commands (
        id           INTEGER PRIMARY KEY AUTOINCREMENT,
        producer_id  TEXT NOT NULL,
        verb         TEXT NOT NULL CHECK (verb IN ('start', 'stop', 'pause', 'resume')),
        requested_at INTEGER NOT NULL,
        outcome      TEXT NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'applying', 'done', 'failed', 'expired')),
        instance_id  TEXT,
        message      TEXT,
        status_json  TEXT,
        finished_at  INTEGER
      ) STRICT;
      CREATE INDEX producer_commands_pending ON producer_commands (id) WHERE outcome = 'pending';
    `,
  },
  {
    id: 9,
    name: 'pipeline-two-watermarks',
    // Spark 3.4+ runs a micro-batch with two watermarks (electron/engine/pipelines/watermark.ts): the
    // previous batch's eviction watermark filters late rows, so it is kept with the progress; and
    // Spark's numRowsDroppedByWatermark beside our count of late window rows.
    sql: `
      ALTER TABLE pipeline_progress ADD COLUMN previous_watermark INTEGER;
      ALTER TABLE pipeline_progress ADD COLUMN dropped_by_watermark INTEGER NOT NULL DEFAULT 0;
      -- Progress saved with one watermark: it served both.
      UPDATE pipeline_progress SET previous_watermark = watermark;
    `,
  },
  {
    id: 10,
    name: 'producer-session-sent',
    // Records acknowledged since the producer was last started by the user: its message limit
    // counts these, so a producer resumed after a crash stops at the limit, not the limit again.
    sql: `ALTER TABLE producers ADD COLUMN session_sent INTEGER NOT NULL DEFAULT 0;`,
  },
  {
    id: 11,
    name: 'producer-secret',
    // An HTTP producer's credentials (Authorization and key headers, URL user info), sealed by the
    // SecretBox; spec_json keeps only a placeholder (producer-secrets.ts).
    sql: `ALTER TABLE producers ADD COLUMN secret BLOB;`,
  },
  {
    id: 12,
    name: 'pipeline-desired-state',
    // 'running' while the user wants the pipeline running (set by start, cleared by stop, kept
    // when the engine quits), so it starts again with the engine, as producers do (migration 1).
    sql: `ALTER TABLE pipelines ADD COLUMN desired_state TEXT NOT NULL DEFAULT 'stopped';`,
  },
  {
    id: 13,
    name: 'database-connections',
    // Saved connections of the database sinks (PostgreSQL, Cassandra): fields in clear, the password
    // sealed by the SecretBox (database-connections-repo.ts), as Kafka connections (migration 1).
    sql: `
      CREATE TABLE database_connections (
        id          TEXT PRIMARY KEY,
        name        TEXT NOT NULL,
        engine      TEXT NOT NULL,
        config_json TEXT NOT NULL,
        secret      BLOB,
        created_at  INTEGER NOT NULL,
        updated_at  INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    id: 14,
    name: 'drop-producer-commands',
    // The CLI reaches a running app over its control socket (control/control-socket.ts), served by
    // the engine's dispatcher: the command queue and the heartbeat rows are gone.
    sql: `
      DROP TABLE producer_commands;
      DROP TABLE engine_instances;
    `,
  },
];
