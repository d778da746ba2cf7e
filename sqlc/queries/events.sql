-- name: EventsReserve :one
-- Takes the events_head row lock until commit, so sequence numbers follow commit order.
UPDATE events_head SET last_seq = last_seq + sqlc.arg(n)::bigint RETURNING last_seq;

-- name: EventsInsert :copyfrom
INSERT INTO events (seq, kind, citizen_id, record_id, data, actor) VALUES ($1, $2, $3, $4, $5, $6);

-- name: EventsAfter :many
SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2;
