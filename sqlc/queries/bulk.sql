-- The bulk loader's statements. Reads fetch a whole chunk's worth of rows per statement (arrays
-- in, rows out); writes are COPY into the final tables inside the chunk's transaction, which is
-- the staging area: nothing a chunk writes is visible before its checkpoint commits with it.

-- name: BulkRecordsByLocalID :many
-- The current version, active link and open review of a source's records, by local ID.
SELECT r.id, r.local_id, r.version, r.content_hash,
       l.citizen_id, l.kind AS link_kind, l.score AS link_score,
       EXISTS (SELECT 1 FROM reviews v WHERE v.record_id = r.id AND v.status = 'open') AS open_review
FROM source_records r
LEFT JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
WHERE r.source = sqlc.arg(source) AND r.local_id = ANY (sqlc.arg(local_ids)::text[]);

-- name: BulkKeyPostings :many
-- Up to lim records holding each key, lowest record IDs first (the submit path's cap is applied
-- by the caller, who asks for one more than it allows).
SELECT u.key::bigint AS key, b.record_id
FROM (SELECT unnest(sqlc.arg(keys)::bigint[]) AS key, unnest(sqlc.arg(limits)::int[]) AS lim) u
CROSS JOIN LATERAL (
    SELECT k.record_id FROM blocking_keys k WHERE k.key = u.key ORDER BY k.record_id LIMIT u.lim
) b;

-- name: BulkMatchingRecords :many
-- The normalised form of records and the citizen each is actively linked to.
SELECT r.id, r.normalized, l.citizen_id
FROM source_records r
JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
WHERE r.id = ANY (sqlc.arg(ids)::bigint[]);

-- name: BulkSourceHasRecords :one
-- Whether the registry holds any record of a source.
SELECT EXISTS (SELECT 1 FROM source_records WHERE source = sqlc.arg(source)) AS has;

-- name: BulkSourceHoldsAny :one
-- Whether any of the given records is of a source.
SELECT EXISTS (SELECT 1 FROM source_records WHERE id = ANY (sqlc.arg(ids)::bigint[]) AND source = sqlc.arg(source)) AS holds;

-- name: BulkRecordsBetween :many
-- The records strictly inside the given gaps of IDs, lowest first: what a loader whose index holds
-- the whole registry has not met yet, any another writer added meanwhile, looked for around the
-- loader's own records (a range scan per gap, where reading past its own had cost a fortieth of
-- the database's work in a load).
SELECT r.id
FROM (SELECT unnest(sqlc.arg(gap_from)::bigint[]) AS lo, unnest(sqlc.arg(gap_to)::bigint[]) AS hi) g
CROSS JOIN LATERAL (
    SELECT s.id FROM source_records s WHERE s.id > g.lo AND s.id < g.hi ORDER BY s.id LIMIT sqlc.arg(lim)
) r
ORDER BY r.id
LIMIT sqlc.arg(lim);

-- name: BulkIndexRecords :many
-- The first records of a range of record IDs as a loader's index holds them: blocking keys, and
-- the normalised form and citizen of those actively linked (a page of the whole registry). The
-- bounds on links' record ID are the records': without them the planner merges the page with the
-- active links from the first, every page reading all the links before it.
SELECT r.id, r.keys, l.citizen_id, r.normalized
FROM source_records r
LEFT JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
    AND l.record_id > sqlc.arg(after)::bigint AND l.record_id <= sqlc.arg(through)::bigint
WHERE r.id > sqlc.arg(after)::bigint AND r.id <= sqlc.arg(through)::bigint
ORDER BY r.id
LIMIT sqlc.arg(lim);

-- name: BulkLastRecordID :one
SELECT coalesce(max(id), 0)::bigint AS id FROM source_records;

-- name: BulkRecordKeys :many
SELECT id, keys FROM source_records WHERE id = ANY (sqlc.arg(ids)::bigint[]);

-- name: BulkCitizenRecordCounts :many
SELECT citizen_id, count(*)::int AS records
FROM links
WHERE citizen_id = ANY (sqlc.arg(ids)::uuid[]) AND ended_at IS NULL
GROUP BY citizen_id;

-- name: BulkOpenReviews :many
-- The open reviews of the given records (a record has at most one).
SELECT * FROM reviews WHERE record_id = ANY (sqlc.arg(ids)::bigint[]) AND status = 'open';

-- name: BulkCitizenRecords :many
-- What the golden records of these citizens are built from.
SELECT l.citizen_id, r.id, r.source, r.local_id, r.raw, r.issues,
       coalesce(r.normalized ->> 'birth_date', '')::text AS birth_date,
       coalesce(r.normalized ->> 'sex', '')::text AS sex, r.updated_at
FROM links l
JOIN source_records r ON r.id = l.record_id
WHERE l.citizen_id = ANY (sqlc.arg(ids)::uuid[]) AND l.ended_at IS NULL;

-- name: BulkGoldens :many
-- The stored golden records of these citizens, each found through the primary key: a chunk's
-- citizens are few against the table (written as ANY, the planner reads the whole table instead).
SELECT g.citizen_id, g.fields, g.version, g.updated_at
FROM unnest(sqlc.arg(ids)::uuid[]) AS u(id)
JOIN golden_records g ON g.citizen_id = u.id;

-- name: BulkReserveRecordIDs :many
-- Record IDs for a chunk's new records, taken from the identity sequence before the chunk is
-- written (COPY writes them like INSERT ... OVERRIDING SYSTEM VALUE). Increasing, so records
-- keep the file's order as the submit path would. The sequence is looked up once (MATERIALIZED:
-- inlined, the lookup would run for every ID, a catalog search each, a fortieth of the database's
-- CPU in a load).
WITH s AS MATERIALIZED (SELECT pg_get_serial_sequence('source_records', 'id')::regclass AS seq)
SELECT nextval(s.seq)::bigint AS id
FROM s, generate_series(1, sqlc.arg(n)::int);

-- name: BulkChunkBegin :one
-- A chunk's time, and its transaction's work_mem: the statement-level checks of source records
-- and links (0010, 0012) see every row the chunk wrote, explanations and documents included,
-- through transition tables that hold a 25,000-row chunk's 30 MB, which the default of 4 MB
-- spilled to temporary files (2.8 GB written and read back over a 1M-row load and a second
-- one against it).
SELECT now()::timestamptz AS now, set_config('work_mem', sqlc.arg(work_mem)::text, true)::text AS work_mem;

-- name: BulkTurnTake :exec
-- A chunk's turn, held by its transaction until it ends (BulkTurnAwait). Advisory locks of two
-- keys, which no other lock of the registry's uses: the load's and the chunk's.
SELECT pg_advisory_xact_lock(sqlc.arg(load_key)::int, sqlc.arg(chunk)::int);

-- name: BulkTurnAwait :exec
-- Waits for the transaction holding a chunk's turn to end, as a lock wait the database's
-- deadlock detection sees.
SELECT pg_advisory_xact_lock_shared(sqlc.arg(load_key)::int, sqlc.arg(chunk)::int);

-- name: BulkRecordsInsert :copyfrom
INSERT INTO source_records (id, source, local_id, version, content_hash, raw, normalized, issues, outcome, score, keys, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13);

-- name: BulkRecordsUpdate :execrows
-- New versions of existing records with the keys they now hold (key_ids[i] holds keys[i]); the
-- versions they replace are kept in source_record_versions, and the keys each listed before are
-- deleted from the index, for the caller to write the new ones. A row whose version moved on
-- meanwhile is not updated, and the caller treats the shortfall as a conflict (the version it
-- replaced is kept by whoever replaced it, hence DO NOTHING).
WITH u AS (
    SELECT unnest(sqlc.arg(ids)::bigint[]) AS id, unnest(sqlc.arg(versions)::int[]) AS version,
           unnest(sqlc.arg(content_hashes)::bytea[]) AS content_hash, unnest(sqlc.arg(raws)::json[]) AS raw,
           unnest(sqlc.arg(normalizeds)::json[]) AS normalized, unnest(sqlc.arg(issues)::json[]) AS issues,
           unnest(sqlc.arg(outcomes)::text[]) AS outcome, unnest(sqlc.arg(scores)::float8[]) AS score
), k AS (
    SELECT x.id, array_agg(x.key) AS keys
    FROM (SELECT unnest(sqlc.arg(key_ids)::bigint[]) AS id, unnest(sqlc.arg(keys)::bigint[]) AS key) x
    GROUP BY x.id
), superseded AS (
    INSERT INTO source_record_versions (record_id, version, content_hash, raw, received_at)
    SELECT r.id, r.version, r.content_hash, r.raw, r.updated_at
    FROM source_records r JOIN u ON r.id = u.id AND r.version = u.version - 1
    ON CONFLICT DO NOTHING
), dropped AS (
    DELETE FROM blocking_keys b USING source_records r, u
    WHERE r.id = u.id AND r.version = u.version - 1 AND b.record_id = r.id AND b.key = ANY (r.keys)
)
UPDATE source_records r
SET version = u.version, content_hash = u.content_hash, raw = u.raw, normalized = u.normalized,
    issues = u.issues, outcome = u.outcome, score = u.score, keys = coalesce(k.keys, '{}'),
    updated_at = sqlc.arg(updated_at)::timestamptz
FROM u LEFT JOIN k ON k.id = u.id
WHERE r.id = u.id AND r.version = u.version - 1;

-- name: BulkKeysInsert :copyfrom
INSERT INTO blocking_keys (key, record_id) VALUES ($1, $2);

-- name: BulkCitizensInsert :copyfrom
INSERT INTO citizens (id, created_at, updated_at) VALUES ($1, $2, $3);

-- name: BulkLinksEnd :execrows
UPDATE links SET ended_at = now(), ended_by = sqlc.arg(actor)::text
WHERE record_id = ANY (sqlc.arg(record_ids)::bigint[]) AND ended_at IS NULL;

-- name: BulkLinksInsert :copyfrom
INSERT INTO links (record_id, citizen_id, kind, score, model_version, explanation, actor, reason, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);

-- name: BulkGoldenInsert :copyfrom
INSERT INTO golden_records (citizen_id, fields, updated_at) VALUES ($1, $2, $3);

-- name: BulkGoldenUpsert :many
-- Writes the golden records that changed, like GoldenUpsert, and returns whose changed.
INSERT INTO golden_records AS g (citizen_id, fields)
SELECT u.citizen_id, u.fields
FROM (SELECT unnest(sqlc.arg(citizen_ids)::uuid[]) AS citizen_id, unnest(sqlc.arg(fields)::json[]) AS fields) u
ON CONFLICT (citizen_id) DO UPDATE
SET fields = excluded.fields, version = g.version + 1, updated_at = now()
WHERE json_differs(g.fields, excluded.fields)
RETURNING g.citizen_id;

-- name: BulkReviewsInsert :copyfrom
INSERT INTO reviews (id, record_id, citizen_id, score, candidates, reason, model_version, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);
