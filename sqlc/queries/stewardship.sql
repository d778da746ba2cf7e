-- name: ReviewGet :one
SELECT * FROM reviews WHERE id = $1;

-- name: ReviewList :many
-- The review queue, filtered; ordered by age or score.
SELECT sqlc.embed(v), r.source, r.local_id
FROM reviews v JOIN source_records r ON r.id = v.record_id
WHERE (sqlc.arg(status)::text = '' OR v.status = sqlc.arg(status))
  AND (sqlc.arg(source)::text = '' OR r.source = sqlc.arg(source))
  AND v.score >= sqlc.arg(min_score)::float8 AND v.score <= sqlc.arg(max_score)::float8
  AND v.created_at <= sqlc.arg(created_before)::timestamptz
ORDER BY
  CASE WHEN sqlc.arg(sort)::text = 'oldest' THEN v.created_at END ASC,
  CASE WHEN sqlc.arg(sort)::text = 'newest' THEN v.created_at END DESC,
  CASE WHEN sqlc.arg(sort)::text = 'score' THEN v.score END DESC,
  v.id
LIMIT sqlc.arg(page_size)::int OFFSET sqlc.arg(page_offset)::int;

-- name: ReviewDecide :execrows
-- Optimistic concurrency: only the version the steward saw can be decided.
UPDATE reviews SET status = sqlc.arg(status), version = version + 1, decided_at = now(), decided_by = sqlc.arg(actor)
WHERE id = sqlc.arg(id) AND version = sqlc.arg(version) AND status = 'open';

-- name: RecordByID :one
SELECT * FROM source_records WHERE id = $1;

-- name: CitizenRetire :exec
UPDATE citizens SET status = 'retired', merged_into = $2, updated_at = now() WHERE id = $1;

-- name: CitizenReactivate :exec
UPDATE citizens SET status = 'active', merged_into = NULL, updated_at = now() WHERE id = $1;

-- name: LinksEndForCitizen :many
-- Ends every active link of a citizen, returning what is needed to re-create them elsewhere.
UPDATE links SET ended_at = now(), ended_by = sqlc.arg(actor)
WHERE citizen_id = sqlc.arg(citizen_id) AND ended_at IS NULL
RETURNING record_id, kind, score, model_version, explanation;

-- name: MergeInsert :exec
INSERT INTO merges (id, retired, survivor, record_ids, reason, actor) VALUES ($1, $2, $3, $4, $5, $6);

-- name: MergeGet :one
SELECT * FROM merges WHERE id = $1 FOR UPDATE;

-- name: MergeInForce :one
SELECT * FROM merges WHERE retired = $1 AND undone_at IS NULL;

-- name: MergeUndo :exec
UPDATE merges SET undone_at = now(), undone_by = $2 WHERE id = $1;

-- name: DistinctionInsert :exec
INSERT INTO distinctions (citizen_a, citizen_b, reason, actor)
VALUES (least(sqlc.arg(a)::uuid, sqlc.arg(b)::uuid), greatest(sqlc.arg(a)::uuid, sqlc.arg(b)::uuid), sqlc.arg(reason), sqlc.arg(actor))
ON CONFLICT DO NOTHING;

-- name: DistinctionsAmong :many
-- Distinctions between the given active citizens, including those recorded against citizens
-- since merged into them.
WITH RECURSIVE members AS (
    SELECT id, id AS root FROM citizens WHERE id = ANY (sqlc.arg(ids)::uuid[])
    UNION ALL
    SELECT c.id, m.root FROM citizens c JOIN members m ON c.merged_into = m.id
)
SELECT DISTINCT ma.root AS a, mb.root AS b
FROM distinctions d
JOIN members ma ON ma.id = d.citizen_a
JOIN members mb ON mb.id = d.citizen_b
WHERE ma.root <> mb.root;

-- name: EventsForCitizen :many
SELECT * FROM events WHERE citizen_id = $1 ORDER BY seq LIMIT $2;
