-- name: CitizenInsert :exec
INSERT INTO citizens (id) VALUES ($1);

-- name: CitizenLock :one
SELECT * FROM citizens WHERE id = $1 FOR UPDATE;

-- name: CitizenSurvivor :one
-- Follows merged_into from a (possibly retired) citizen to the active survivor.
WITH RECURSIVE chain AS (
    SELECT c.id, c.status, c.merged_into, 0 AS depth FROM citizens c WHERE c.id = $1
    UNION ALL
    SELECT c.id, c.status, c.merged_into, chain.depth + 1
    FROM citizens c JOIN chain ON c.id = chain.merged_into
    WHERE chain.depth < 100
)
SELECT id, status, merged_into FROM chain WHERE merged_into IS NULL LIMIT 1;

-- name: CitizenSurvivors :many
-- Each given citizen with the active survivor merged_into leads to (itself when active).
WITH RECURSIVE chain AS (
    SELECT c.id AS start, c.id, c.merged_into, 0 AS depth FROM citizens c WHERE c.id = ANY (sqlc.arg(ids)::uuid[])
    UNION ALL
    SELECT chain.start, c.id, c.merged_into, chain.depth + 1
    FROM citizens c JOIN chain ON c.id = chain.merged_into
    WHERE chain.depth < 100
)
SELECT start, id AS survivor FROM chain WHERE merged_into IS NULL;

-- name: GoldenGet :one
SELECT * FROM golden_records WHERE citizen_id = $1;

-- name: GoldenUpsert :one
-- Writes the golden record only when its fields changed, and reports whether they did.
INSERT INTO golden_records AS g (citizen_id, fields) VALUES ($1, $2)
ON CONFLICT (citizen_id) DO UPDATE
SET fields = excluded.fields, version = g.version + 1, updated_at = now()
WHERE json_differs(g.fields, excluded.fields)
RETURNING version;
