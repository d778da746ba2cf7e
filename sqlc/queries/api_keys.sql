-- name: APIKeyInsert :exec
INSERT INTO api_keys (id, source, secret_hash, scopes, label, created_at, expires_at)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: APIKeyByHash :one
SELECT * FROM api_keys WHERE secret_hash = $1;

-- name: APIKeyList :many
SELECT * FROM api_keys ORDER BY created_at DESC, id;

-- name: APIKeyRevoke :execrows
UPDATE api_keys SET revoked_at = coalesce(revoked_at, $2) WHERE id = $1;

-- name: APIKeyByID :one
SELECT * FROM api_keys WHERE id = $1;

-- name: APIKeyExpire :exec
-- Brings a key's expiry forward (never pushes it back).
UPDATE api_keys SET expires_at = least(coalesce(expires_at, $2), $2) WHERE id = $1;
