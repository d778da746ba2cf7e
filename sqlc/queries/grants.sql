-- name: GrantsForSource :many
SELECT * FROM grants WHERE source = $1 ORDER BY id;

-- name: GrantList :many
SELECT * FROM grants ORDER BY source, kind, target, field;

-- name: GrantInsert :one
INSERT INTO grants (source, kind, target, field) VALUES ($1, $2, $3, $4)
ON CONFLICT (source, kind, target, field) DO UPDATE SET kind = excluded.kind
RETURNING id;

-- name: GrantDelete :execrows
DELETE FROM grants WHERE id = $1;

-- name: AccessLogForCitizen :many
-- A citizen's view of who read their data: entries for the citizen and every citizen merged
-- into it, without those still confidential.
WITH RECURSIVE members AS (
    SELECT sqlc.arg(citizen_id)::uuid AS id
    UNION ALL
    SELECT c.id FROM citizens c JOIN members m ON c.merged_into = m.id
)
SELECT a.at, a.source, a.purpose, a.operation, a.fields
FROM access_log a JOIN members m ON a.citizen_id = m.id
WHERE a.confidential_until IS NULL OR a.confidential_until <= now()
ORDER BY a.at DESC, a.id DESC
LIMIT sqlc.arg(page_size)::int OFFSET sqlc.arg(page_offset)::int;
