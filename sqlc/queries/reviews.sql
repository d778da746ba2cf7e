-- name: ReviewInsert :exec
INSERT INTO reviews (id, record_id, citizen_id, score, candidates, reason, model_version)
VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: ReviewOpenByRecord :one
SELECT * FROM reviews WHERE record_id = $1 AND status = 'open';
