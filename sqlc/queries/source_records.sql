-- name: RecordLockKey :exec
-- Serialises all work on one (source, local_id) for the rest of the transaction.
SELECT pg_advisory_xact_lock(hashtextextended(sqlc.arg(source)::text || '/' || sqlc.arg(local_id)::text, 0));

-- name: RecordByKey :one
SELECT * FROM source_records WHERE source = $1 AND local_id = $2;

-- name: RecordInsert :one
INSERT INTO source_records (source, local_id, version, content_hash, raw, normalized, issues)
VALUES ($1, $2, 1, $3, $4, $5, $6)
RETURNING id, updated_at;

-- name: RecordUpdate :one
-- A record's new version; the version it replaces is kept in source_record_versions.
WITH superseded AS (
    INSERT INTO source_record_versions (record_id, version, content_hash, raw, received_at)
    SELECT o.id, o.version, o.content_hash, o.raw, o.updated_at FROM source_records o WHERE o.id = sqlc.arg(id)::bigint
    ON CONFLICT DO NOTHING
)
UPDATE source_records r
SET version = sqlc.arg(version)::int, content_hash = sqlc.arg(content_hash)::bytea, raw = sqlc.arg(raw)::json,
    normalized = sqlc.arg(normalized)::json, issues = sqlc.arg(issues)::json, updated_at = now()
WHERE r.id = sqlc.arg(id)::bigint
RETURNING r.updated_at;

-- name: RecordSetOutcome :exec
UPDATE source_records SET outcome = $2, score = $3 WHERE id = $1;

-- name: BlockingKeysReplace :exec
-- A record's blocking keys: listed on the record (which is how they are found again, the key
-- index having no entry by record), written to the index, and those it no longer holds deleted.
WITH listed AS (
    UPDATE source_records n SET keys = sqlc.arg(keys)::bigint[]
    FROM source_records o
    WHERE n.id = sqlc.arg(record_id)::bigint AND o.id = n.id
    RETURNING o.keys AS old
), dropped AS (
    DELETE FROM blocking_keys b USING listed
    WHERE b.record_id = sqlc.arg(record_id)::bigint AND b.key = ANY (listed.old)
      AND NOT b.key = ANY (sqlc.arg(keys)::bigint[])
)
INSERT INTO blocking_keys (key, record_id)
SELECT unnest(sqlc.arg(keys)::bigint[]), sqlc.arg(record_id)::bigint
ON CONFLICT DO NOTHING;

-- name: CandidateRecords :many
-- Records sharing a blocking key with the query, with the citizen each is actively linked to.
-- A key held by more records than its limit (a very common name in one year, say) is too
-- unselective to be evidence and is skipped, which bounds the work of every submission.
WITH keys AS (
    SELECT unnest(sqlc.arg(keys)::bigint[]) AS key, unnest(sqlc.arg(limits)::int[]) AS lim
), usable AS (
    SELECT k.key FROM keys k
    WHERE (SELECT count(*) FROM (
        SELECT 1 FROM blocking_keys b WHERE b.key = k.key LIMIT k.lim + 1) x
    ) <= k.lim
), ids AS (
    SELECT DISTINCT b.record_id FROM blocking_keys b JOIN usable u ON u.key = b.key
    WHERE b.record_id <> sqlc.arg(exclude)::bigint
)
SELECT sqlc.embed(r), l.citizen_id
FROM ids
JOIN source_records r ON r.id = ids.record_id
JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
ORDER BY r.id;

-- name: CitizenRecords :many
SELECT r.* FROM source_records r
JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
WHERE l.citizen_id = $1
ORDER BY r.id;

-- name: RecordsExist :one
SELECT EXISTS (SELECT 1 FROM source_records);
