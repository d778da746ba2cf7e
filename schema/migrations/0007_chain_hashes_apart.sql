-- 0007: the hash chains' hashes kept beside the rows they seal, not in them.
--
-- The sealer wrote each row's hash into the row: an UPDATE of every event and access-log entry
-- after its insert, which rewrote the row and its index entries (for a bulk load's events, more
-- work than inserting them). The hashes now go to insert-only tables of their own, one narrow row
-- each; a sealed row is never written again. A row's canonical content never included its hash,
-- so every hash already computed stays valid.
CREATE TABLE event_hashes (
    seq  bigint PRIMARY KEY,
    hash bytea NOT NULL
);

INSERT INTO event_hashes (seq, hash) SELECT seq, hash FROM events WHERE hash IS NOT NULL;

ALTER TABLE events DROP COLUMN hash;

CREATE TABLE access_log_hashes (
    id   bigint PRIMARY KEY,
    hash bytea NOT NULL
);

INSERT INTO access_log_hashes (id, hash) SELECT id, hash FROM access_log WHERE hash IS NOT NULL;

ALTER TABLE access_log DROP COLUMN hash;
