-- 0001: the registry's core tables.
--
-- Invariants are enforced here, not by convention: unique (source, local_id), exactly one active
-- link per source record, one open review per record, citizens that are either active or retired
-- into a survivor, and an append-only event stream whose sequence follows commit order.

CREATE TABLE sources (
    code       text PRIMARY KEY CHECK (code ~ '^[a-z][a-z0-9_-]{1,31}$'),
    name       text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE citizens (
    id          uuid PRIMARY KEY,
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    merged_into uuid REFERENCES citizens (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'retired') = (merged_into IS NOT NULL)),
    CHECK (merged_into IS DISTINCT FROM id)
);

CREATE INDEX citizens_merged_into ON citizens (merged_into) WHERE merged_into IS NOT NULL;

-- source_records holds the current version of each record; source_record_versions keeps every
-- version ever received (the current one included), so nothing is silently overwritten.
CREATE TABLE source_records (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source       text NOT NULL REFERENCES sources (code),
    local_id     text NOT NULL CHECK (local_id <> '' AND length(local_id) <= 128),
    version      integer NOT NULL CHECK (version >= 1),
    content_hash bytea NOT NULL,
    raw          jsonb NOT NULL,
    normalized   jsonb NOT NULL,
    issues       jsonb NOT NULL DEFAULT '[]',
    -- What matching decided for the current version; a re-submission answers with it again.
    outcome      text NOT NULL DEFAULT 'created' CHECK (outcome IN ('linked', 'created', 'review')),
    score        double precision NOT NULL DEFAULT 0,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, local_id)
);

CREATE TABLE source_record_versions (
    record_id    bigint NOT NULL REFERENCES source_records (id),
    version      integer NOT NULL,
    content_hash bytea NOT NULL,
    raw          jsonb NOT NULL,
    received_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (record_id, version)
);

-- Blocking keys index the current version of each record for candidate search.
CREATE TABLE blocking_keys (
    key       text NOT NULL,
    record_id bigint NOT NULL REFERENCES source_records (id) ON DELETE CASCADE,
    PRIMARY KEY (key, record_id)
);

CREATE INDEX blocking_keys_record ON blocking_keys (record_id);

CREATE TABLE links (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    record_id     bigint NOT NULL REFERENCES source_records (id),
    citizen_id    uuid NOT NULL REFERENCES citizens (id),
    kind          text NOT NULL CHECK (kind IN ('auto', 'steward')),
    score         double precision NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 1),
    model_version text NOT NULL DEFAULT '',
    explanation   jsonb,
    actor         text NOT NULL,
    reason        text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    ended_at      timestamptz,
    ended_by      text
);

-- The heart of the registry: a source record has exactly one active link.
CREATE UNIQUE INDEX links_one_active ON links (record_id) WHERE ended_at IS NULL;
CREATE INDEX links_citizen_active ON links (citizen_id) WHERE ended_at IS NULL;

CREATE TABLE golden_records (
    citizen_id uuid PRIMARY KEY REFERENCES citizens (id),
    fields     jsonb NOT NULL,
    version    integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reviews (
    id          uuid PRIMARY KEY,
    record_id   bigint NOT NULL REFERENCES source_records (id),
    citizen_id  uuid NOT NULL REFERENCES citizens (id),
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'merged', 'distinct', 'dismissed')),
    score       double precision NOT NULL CHECK (score BETWEEN 0 AND 1),
    candidates  jsonb NOT NULL,
    reason      text NOT NULL DEFAULT '',
    model_version text NOT NULL DEFAULT '',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    decided_at  timestamptz,
    decided_by  text
);

CREATE UNIQUE INDEX reviews_one_open ON reviews (record_id) WHERE status = 'open';
CREATE INDEX reviews_open_created ON reviews (created_at) WHERE status = 'open';

-- events_head serialises event numbering: each writing transaction takes the row lock as its last
-- step, so sequence numbers are assigned in commit order and a reader of ?after=N never misses an
-- event that commits later with a smaller number.
CREATE TABLE events_head (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_seq  bigint NOT NULL
);

INSERT INTO events_head (last_seq) VALUES (0);

CREATE TABLE events (
    seq         bigint PRIMARY KEY,
    kind        text NOT NULL,
    citizen_id  uuid,
    record_id   bigint,
    data        jsonb NOT NULL DEFAULT '{}',
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_citizen ON events (citizen_id, seq);

CREATE TABLE access_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    source      text NOT NULL,
    key_id      uuid,
    end_user    text NOT NULL DEFAULT '',
    purpose     text NOT NULL DEFAULT '',
    operation   text NOT NULL,
    citizen_id  uuid,
    fields      text[] NOT NULL DEFAULT '{}',
    client_addr inet
);

CREATE INDEX access_log_citizen ON access_log (citizen_id, at);

CREATE TABLE api_keys (
    id           uuid PRIMARY KEY,
    source       text NOT NULL REFERENCES sources (code),
    secret_hash  bytea NOT NULL UNIQUE,
    scopes       text[] NOT NULL,
    label        text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz,
    revoked_at   timestamptz
);

CREATE TABLE match_models (
    version    text PRIMARY KEY,
    params     jsonb NOT NULL,
    active     boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE UNIQUE INDEX match_models_one_active ON match_models (active) WHERE active;
