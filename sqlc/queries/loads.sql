-- Bulk-load jobs: their state, checkpoints, uploaded input and rejected rows.

-- name: LoadInsert :exec
INSERT INTO loads (id, source, input, kind, state, actor, bytes_total)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: LoadGet :one
SELECT * FROM loads WHERE id = $1;

-- name: LoadResumable :one
-- The most recent unfinished load of the same input, which a re-run of the same command resumes.
SELECT * FROM loads
WHERE source = $1 AND input = $2 AND kind = 'file' AND state IN ('queued', 'running', 'failed')
ORDER BY created_at DESC
LIMIT 1;

-- name: LoadsUnfinishedUploads :many
SELECT id FROM loads WHERE kind = 'upload' AND state IN ('queued', 'running') ORDER BY created_at;

-- name: LoadChunks :many
SELECT * FROM load_chunks WHERE load_id = $1 ORDER BY seq;

-- name: LoadChunksDeleteFrom :exec
-- Forgets checkpoints of an earlier run that this run's input no longer matches.
DELETE FROM load_chunks WHERE load_id = $1 AND seq >= $2;

-- name: LoadStart :exec
UPDATE loads
SET state = 'running', model_version = sqlc.arg(model_version), header = sqlc.arg(header)::text[],
    started_at = coalesce(started_at, now()), updated_at = now(), error = '', finished_at = NULL
WHERE id = sqlc.arg(id);

-- name: LoadChunkInsert :exec
INSERT INTO load_chunks (load_id, seq, rows_through, bytes_through, prefix_hash,
                         rows, loaded, unchanged, updated, rejected, linked, new_citizens, reviews, flagged)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14);

-- name: LoadSumChunks :exec
-- The load's counts are the sum of its committed chunks'.
UPDATE loads l
SET (rows, loaded, unchanged, updated, rejected, linked, new_citizens, reviews, flagged, chunks, bytes_done) = (
        SELECT coalesce(sum(c.rows), 0), coalesce(sum(c.loaded), 0), coalesce(sum(c.unchanged), 0),
               coalesce(sum(c.updated), 0), coalesce(sum(c.rejected), 0), coalesce(sum(c.linked), 0),
               coalesce(sum(c.new_citizens), 0), coalesce(sum(c.reviews), 0), coalesce(sum(c.flagged), 0),
               count(*)::int, coalesce(max(c.bytes_through), 0)
        FROM load_chunks c WHERE c.load_id = l.id),
    updated_at = now()
WHERE l.id = $1;

-- name: LoadFinish :exec
UPDATE loads SET state = sqlc.arg(state), error = sqlc.arg(error), updated_at = now(),
    finished_at = CASE WHEN sqlc.arg(state)::text IN ('done', 'failed') THEN now() END
WHERE id = sqlc.arg(id);

-- name: LoadSetBytesTotal :exec
UPDATE loads SET bytes_total = $2, state = $3, updated_at = now() WHERE id = $1;

-- name: LoadPartInsert :exec
INSERT INTO load_parts (load_id, seq, data) VALUES ($1, $2, $3);

-- name: LoadPart :one
SELECT data FROM load_parts WHERE load_id = $1 AND seq = $2;

-- name: LoadPartsDelete :exec
DELETE FROM load_parts WHERE load_id = $1;

-- name: LoadRejectsInsert :copyfrom
INSERT INTO load_rejects (load_id, line, fields, reason) VALUES ($1, $2, $3, $4);

-- name: LoadRejectsPage :many
SELECT line, fields, reason FROM load_rejects
WHERE load_id = $1 AND line > $2
ORDER BY line
LIMIT $3;

-- name: LoadTryLock :one
-- Session-level: held by the process running the load for as long as it runs it, and released
-- by the database when that process dies.
SELECT pg_try_advisory_lock(hashtextextended(sqlc.arg(name)::text, 0)) AS locked;

-- name: LoadUnlock :exec
SELECT pg_advisory_unlock(hashtextextended(sqlc.arg(name)::text, 0));

-- name: LoadLockHeld :one
-- Whether any session holds the lock LoadTryLock takes (without taking it, so that asking never
-- gets in the way of a process claiming the job).
SELECT EXISTS (
    SELECT 1 FROM pg_catalog.pg_locks l
    WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1
      AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = current_database())
      AND l.classid = ((hashtextextended(sqlc.arg(name)::text, 0) >> 32) & 4294967295)::oid
      AND l.objid = (hashtextextended(sqlc.arg(name)::text, 0) & 4294967295)::oid
) AS held;

-- name: LoadSyncCommit :exec
-- Makes the current transaction's commit wait for its WAL to be flushed even where the server
-- runs with synchronous_commit off; since WAL is flushed in order, every earlier commit (the
-- load's chunks) is then durable too.
SET LOCAL synchronous_commit = on;
