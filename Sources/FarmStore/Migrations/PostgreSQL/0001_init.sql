-- sdfarm job store, PostgreSQL, migration 1: the initial schema.
-- Times are Unix milliseconds (BIGINT). Seeds are the 64-bit seed's Int64 bit pattern.
-- Keep in step with ../SQLite/0001_init.sql: both backends must behave the same.

CREATE TABLE schema_migrations (
    version     BIGINT  PRIMARY KEY,
    name        TEXT    NOT NULL,
    applied_at  BIGINT  NOT NULL
);

CREATE TABLE jobs (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    owner           TEXT    NOT NULL,
    priority        BIGINT  NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('active', 'paused', 'done', 'failed', 'cancelled')),
    settings        TEXT    NOT NULL,
    total           BIGINT  NOT NULL,
    queued_count    BIGINT  NOT NULL,
    leased_count    BIGINT  NOT NULL DEFAULT 0,
    done_count      BIGINT  NOT NULL DEFAULT 0,
    failed_count    BIGINT  NOT NULL DEFAULT 0,
    cancelled_count BIGINT  NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    finished_at     BIGINT
);
CREATE INDEX jobs_state ON jobs (state);
CREATE INDEX jobs_owner ON jobs (owner, id);

CREATE TABLE items (
    id               BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           BIGINT  NOT NULL,  -- no FOREIGN KEY: see below
    idx              BIGINT  NOT NULL,
    prompt           TEXT    NOT NULL,
    negative_prompt  TEXT    NOT NULL,
    seed             BIGINT  NOT NULL,
    settings         TEXT    NOT NULL,
    batch_key        TEXT    NOT NULL,
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'leased', 'done', 'failed', 'cancelled')),
    attempt          BIGINT  NOT NULL,
    fence            BIGINT  NOT NULL,
    lease_owner      TEXT,
    lease_expires_at BIGINT,
    last_error       TEXT,
    result_sha256    TEXT,
    result_size      BIGINT,
    result_location  TEXT,
    completed_by     TEXT,
    updated_at       BIGINT  NOT NULL,
    UNIQUE (job_id, idx)
);
-- items.job_id has no FOREIGN KEY: the per-row check cost about a third of a 100 000-item
-- submit, and the store inserts items only in the transaction that creates their job and
-- never deletes jobs.
-- The hot indexes hold queued or leased items only, so they stay small however many
-- finished items the table keeps.
CREATE INDEX items_queued ON items (job_id, idx) WHERE state = 'queued';
CREATE INDEX items_queued_by_key ON items (job_id, batch_key, idx) WHERE state = 'queued';
CREATE INDEX items_leases ON items (lease_expires_at) WHERE state = 'leased';

CREATE TABLE workers (
    id           TEXT    PRIMARY KEY,
    name         TEXT    NOT NULL,
    capabilities TEXT    NOT NULL,
    state        TEXT    NOT NULL CHECK (state IN ('active', 'idle', 'asleep', 'draining', 'offline', 'error')),
    first_seen   BIGINT  NOT NULL,
    last_seen    BIGINT  NOT NULL
);

CREATE TABLE item_failures (
    id                    BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id               BIGINT  NOT NULL REFERENCES items (id),
    job_id                BIGINT  NOT NULL REFERENCES jobs (id),
    worker_id             TEXT,
    attempt               BIGINT  NOT NULL,
    kind                  TEXT CHECK (kind IN ('transient', 'permanent', 'out_of_memory')),
    lease_expired         BIGINT  NOT NULL,
    counts_against_worker BIGINT  NOT NULL,
    message               TEXT    NOT NULL,
    at                    BIGINT  NOT NULL
);
CREATE INDEX item_failures_item ON item_failures (item_id, id);
CREATE INDEX item_failures_job_worker ON item_failures (job_id, worker_id);

CREATE TABLE blocked_workers (
    job_id     BIGINT  NOT NULL REFERENCES jobs (id),
    worker_id  TEXT    NOT NULL,
    failures   BIGINT  NOT NULL,
    blocked_at BIGINT  NOT NULL,
    PRIMARY KEY (job_id, worker_id)
);
CREATE INDEX blocked_workers_at ON blocked_workers (blocked_at);
