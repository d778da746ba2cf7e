-- name: ModelLockActivation :exec
-- Serialises model activations: the one-active index would otherwise turn two concurrent
-- activations into a unique violation for the later one instead of "last one wins".
SELECT pg_advisory_xact_lock(hashtextextended('match_models.activate', 0));

-- name: ModelInsert :execrows
-- Saving a version again with the same parameters is a no-op that still counts one row (a
-- trained model's version is a hash of its content); a version already holding other parameters
-- counts none, so the caller can refuse to let one name stand for two models.
INSERT INTO match_models (version, params) VALUES ($1, $2)
ON CONFLICT (version) DO UPDATE SET version = EXCLUDED.version
WHERE match_models.params = EXCLUDED.params;

-- name: ModelDeactivate :exec
UPDATE match_models SET active = false WHERE active AND version <> sqlc.arg(keep)::text;

-- name: ModelActivate :execrows
UPDATE match_models SET active = true WHERE version = $1;

-- name: ModelActive :one
SELECT version, params, created_at FROM match_models WHERE active;

-- name: ModelList :many
-- Every stored model, newest first, without the (large) parameters.
SELECT version, active, created_at FROM match_models ORDER BY created_at DESC, version;

-- name: NormalizedRecordsPage :many
-- Keyset pagination over the current version of every record's normalised form, for training:
-- flat memory for any registry size, and each page a short statement.
SELECT id, normalized FROM source_records
WHERE id > sqlc.arg(after_id)::bigint
ORDER BY id
LIMIT sqlc.arg(page_size)::int;
