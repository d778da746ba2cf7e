-- name: EventsReserve :one
-- Takes the events_head row lock until commit, so sequence numbers follow commit order, and then
-- the events chain's, to seal the events where the chain ends at the first of them. The
-- transaction's time is the events' created_at.
WITH r AS (
    UPDATE events_head SET last_seq = last_seq + sqlc.arg(n)::bigint RETURNING last_seq
)
SELECT r.last_seq, now()::timestamptz AS now, c.sealed_upto, c.head
FROM r, audit_chains c
WHERE c.name = 'events'
FOR UPDATE OF c;

-- name: EventsInsert :copyfrom
INSERT INTO events (seq, kind, citizen_id, record_id, data, actor, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7);

-- name: EventsAfter :many
SELECT * FROM events WHERE seq > $1 ORDER BY seq LIMIT $2;
