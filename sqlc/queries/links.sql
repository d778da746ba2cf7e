-- name: LinkActive :one
SELECT * FROM links WHERE record_id = $1 AND ended_at IS NULL;

-- name: LinkInsert :exec
INSERT INTO links (record_id, citizen_id, kind, score, model_version, explanation, actor, reason)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8);

-- name: LinkEnd :execrows
UPDATE links SET ended_at = now(), ended_by = $2 WHERE record_id = $1 AND ended_at IS NULL;

-- name: LinksExport :many
-- Keyset pagination over active links, for exports that must not hold one huge result.
SELECT r.id, r.source, r.local_id, l.citizen_id
FROM source_records r
JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
WHERE (r.source, r.local_id) > (sqlc.arg(after_source)::text, sqlc.arg(after_local_id)::text)
ORDER BY r.source, r.local_id
LIMIT sqlc.arg(page_size)::int;
