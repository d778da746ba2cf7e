-- 0017: a seal keeps the hashes of the rows it sealed together, in one row.
--
-- The sealer wrote a row of event_hashes or access_log_hashes per sealed row: for a load of a
-- million records, three million rows and their index entries (7.4 s of the database's 176 s
-- of statement time in a load into an empty registry, measured with pg_stat_statements, beside
-- the load it competes with). Each turn of the sealer now writes one row: the ids it sealed, in
-- order, and their hashes, 32 bytes each in the same order. Every row keeps its own hash, so
-- `registry audit verify` still names the row that was changed; audit_hashes shows them one
-- row each, for operators.
CREATE TABLE audit_seals (
    chain  text NOT NULL REFERENCES audit_chains (name),
    upto   bigint NOT NULL, -- the last id sealed, ids[cardinality(ids)]
    ids    bigint[] NOT NULL CHECK (cardinality(ids) > 0),
    hashes bytea NOT NULL,
    PRIMARY KEY (chain, upto),
    CHECK (octet_length(hashes) = 32 * cardinality(ids)),
    CHECK (ids[cardinality(ids)] = upto)
);

-- SHA-256 hashes do not compress: stored out of line as they are.
ALTER TABLE audit_seals ALTER COLUMN hashes SET STORAGE EXTERNAL;

INSERT INTO audit_seals (chain, upto, ids, hashes)
SELECT 'events', max(seq), array_agg(seq ORDER BY seq), string_agg(hash, ''::bytea ORDER BY seq)
FROM event_hashes
GROUP BY (seq - 1) / 5000;

INSERT INTO audit_seals (chain, upto, ids, hashes)
SELECT 'access_log', max(id), array_agg(id ORDER BY id), string_agg(hash, ''::bytea ORDER BY id)
FROM access_log_hashes
GROUP BY (id - 1) / 5000;

DROP TABLE event_hashes;
DROP TABLE access_log_hashes;

CREATE VIEW audit_hashes AS
SELECT s.chain, u.id, substr(s.hashes, (u.i::int - 1) * 32 + 1, 32) AS hash
FROM audit_seals s, unnest(s.ids) WITH ORDINALITY AS u (id, i);
