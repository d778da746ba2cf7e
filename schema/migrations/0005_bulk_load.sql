-- 0005: bulk loads as jobs.
--
-- A bulk load (from `registry load` or uploaded over HTTP) is a row in loads. It is written in
-- chunks, each in one transaction that also records the chunk in load_chunks: a killed loader or
-- database loses at most the chunk in flight, and a re-run finds the checkpoint here. Each
-- checkpoint carries a hash of the input up to its last row, so a re-run skips a committed chunk
-- only when it reads the very same rows again.
--
-- An uploaded input is kept in load_parts until its job finishes, so that any registry process
-- can run (or resume) the job; its rejected rows are kept in load_rejects for the uploader.

CREATE TABLE loads (
    id            uuid PRIMARY KEY,
    source        text NOT NULL REFERENCES sources (code),
    -- The input as the loader named it: an absolute file path, '-' for stdin, 'upload' for HTTP.
    input         text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('file', 'upload')),
    state         text NOT NULL CHECK (state IN ('receiving', 'queued', 'running', 'done', 'failed')),
    actor         text NOT NULL,
    model_version text NOT NULL DEFAULT '',
    -- The CSV header of the input (empty for NDJSON), for the rejects download.
    header        text[] NOT NULL DEFAULT '{}',
    -- Input size in bytes when known (0 otherwise) and bytes consumed up to the last checkpoint,
    -- for progress and ETA.
    bytes_total   bigint NOT NULL DEFAULT 0,
    bytes_done    bigint NOT NULL DEFAULT 0,
    -- The counts of the committed chunks (the summary of the load so far).
    rows          bigint NOT NULL DEFAULT 0,
    loaded        bigint NOT NULL DEFAULT 0,
    unchanged     bigint NOT NULL DEFAULT 0,
    updated       bigint NOT NULL DEFAULT 0,
    rejected      bigint NOT NULL DEFAULT 0,
    linked        bigint NOT NULL DEFAULT 0,
    new_citizens  bigint NOT NULL DEFAULT 0,
    reviews       bigint NOT NULL DEFAULT 0,
    flagged       bigint NOT NULL DEFAULT 0,
    chunks        integer NOT NULL DEFAULT 0,
    -- Why a failed load failed: IDs, line numbers and field names only, never personal data.
    error         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);

-- Finds the interrupted load a re-run of the same command resumes.
CREATE INDEX loads_resumable ON loads (source, input, created_at) WHERE state IN ('queued', 'running', 'failed');

CREATE TABLE load_chunks (
    load_id       uuid NOT NULL REFERENCES loads (id) ON DELETE CASCADE,
    seq           integer NOT NULL CHECK (seq >= 1),
    -- Data rows of the input (rejected ones included) up to the end of this chunk.
    rows_through  bigint NOT NULL,
    bytes_through bigint NOT NULL,
    -- sha256 over the input's rows up to the end of this chunk.
    prefix_hash   bytea NOT NULL,
    -- What this chunk did.
    rows          bigint NOT NULL DEFAULT 0,
    loaded        bigint NOT NULL DEFAULT 0,
    unchanged     bigint NOT NULL DEFAULT 0,
    updated       bigint NOT NULL DEFAULT 0,
    rejected      bigint NOT NULL DEFAULT 0,
    linked        bigint NOT NULL DEFAULT 0,
    new_citizens  bigint NOT NULL DEFAULT 0,
    reviews       bigint NOT NULL DEFAULT 0,
    flagged       bigint NOT NULL DEFAULT 0,
    committed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (load_id, seq)
);

CREATE TABLE load_parts (
    load_id uuid NOT NULL REFERENCES loads (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 1),
    data    bytea NOT NULL,
    PRIMARY KEY (load_id, seq)
);

CREATE TABLE load_rejects (
    load_id uuid NOT NULL REFERENCES loads (id) ON DELETE CASCADE,
    line    bigint NOT NULL,
    -- The original columns (the CSV header's order; one element holding the line for NDJSON).
    fields  text[] NOT NULL,
    reason  text NOT NULL,
    PRIMARY KEY (load_id, line)
);
