-- 0003: steward decisions that stick.
--
-- merges records what a merge moved, so an unmerge restores exactly the state before it, in any
-- order. distinctions are "not the same person" decisions between two citizens: automatic
-- matching never links a record across one, and a record that would match both sides goes to
-- review.

CREATE TABLE merges (
    id          uuid PRIMARY KEY,
    retired     uuid NOT NULL REFERENCES citizens (id),
    survivor    uuid NOT NULL REFERENCES citizens (id),
    record_ids  bigint[] NOT NULL,
    reason      text NOT NULL DEFAULT '',
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    undone_at   timestamptz,
    undone_by   text,
    CHECK (retired <> survivor)
);

-- A citizen is retired by at most one merge that is still in force.
CREATE UNIQUE INDEX merges_one_in_force ON merges (retired) WHERE undone_at IS NULL;

CREATE TABLE distinctions (
    citizen_a   uuid NOT NULL REFERENCES citizens (id),
    citizen_b   uuid NOT NULL REFERENCES citizens (id),
    reason      text NOT NULL DEFAULT '',
    actor       text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (citizen_a, citizen_b),
    CHECK (citizen_a < citizen_b)
);

CREATE INDEX distinctions_b ON distinctions (citizen_b);

CREATE INDEX reviews_status_created ON reviews (status, created_at);
