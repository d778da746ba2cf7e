-- 0004: trust. Tamper-evident logs, grants, and confidential access-log entries.
--
-- Access log and events are hash-chained by a sealer that runs beside the server: each sealed row
-- stores hash = sha256(previous hash || the row's canonical content), and audit_chains keeps the
-- head. Sealing after the fact keeps the hot read path free of a global lock; rows are sealed
-- within seconds, in id order, and `registry audit verify` recomputes the chain.

ALTER TABLE events ADD COLUMN hash bytea;
ALTER TABLE access_log ADD COLUMN hash bytea;

CREATE TABLE audit_chains (
    name        text PRIMARY KEY CHECK (name IN ('events', 'access_log')),
    sealed_upto bigint NOT NULL DEFAULT 0,
    head        bytea NOT NULL DEFAULT '\x'::bytea,
    sealed_at   timestamptz NOT NULL DEFAULT now()
);

INSERT INTO audit_chains (name) VALUES ('events'), ('access_log');

-- A read made for, e.g., a criminal investigation is shown to the citizen only from this date.
ALTER TABLE access_log ADD COLUMN confidential_until timestamptz;

-- Grants widen what a source may see; without one, a source reads only citizens it holds a
-- record of, sees only its own local IDs, and sees every golden field.
CREATE TABLE grants (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source      text NOT NULL REFERENCES sources (code),
    kind        text NOT NULL CHECK (kind IN ('read_all', 'cross_reference', 'hide_field', 'confidential')),
    -- cross_reference: the source whose local IDs may be seen ('*' for all);
    -- hide_field: the source whose values of field are hidden from this source ('*' for all).
    target      text NOT NULL DEFAULT '',
    field       text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source, kind, target, field)
);
