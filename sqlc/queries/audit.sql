-- Canonical row content for the hash chains: the row as jsonb text (an event's data as stored),
-- timestamps as microseconds since the epoch so the text does not depend on the session's time
-- zone. The store writes that
-- text itself from the row's columns (sqlc/pgstore/audit.go): the database only reads them. The
-- hashes are kept apart, a seal's together in one row of audit_seals: sealing inserts, it never
-- rewrites a row.

-- name: AuditChainLock :one
SELECT * FROM audit_chains WHERE name = $1 FOR UPDATE;

-- name: AuditChainGet :one
SELECT * FROM audit_chains WHERE name = $1;


-- name: EventsUnsealed :many
SELECT e.seq, e.kind, e.citizen_id, e.record_id, e.data, e.actor, e.created_at
FROM events e
WHERE e.seq > sqlc.arg(after)::bigint
ORDER BY e.seq
LIMIT sqlc.arg(page_size)::int;

-- name: EventsAuditRows :many
SELECT e.seq, e.kind, e.citizen_id, e.record_id, e.data, e.actor, e.created_at
FROM events e
WHERE e.seq > sqlc.arg(after)::bigint AND e.seq <= sqlc.arg(upto)::bigint
ORDER BY e.seq
LIMIT sqlc.arg(page_size)::int;

-- name: AccessUnsealed :many
-- Only rows older than min_age are sealed: a slower transaction may still commit a row with a
-- smaller id, and the chain is built in id order. The canonical content is built by the store
-- (appendAccessContent); the address is read through its output function, as jsonb writes it.
SELECT a.id, a.at, a.source, a.key_id, a.end_user, a.purpose, a.operation, a.citizen_id, a.fields,
       format('%s', a.client_addr)::text AS client_addr, -- '' when there is none
       a.confidential_until
FROM access_log a
WHERE a.id > sqlc.arg(after)::bigint AND a.at < now() - make_interval(secs => sqlc.arg(min_age_seconds)::float8)
ORDER BY a.id
LIMIT sqlc.arg(page_size)::int;

-- name: AccessAuditRows :many
SELECT a.id, a.at, a.source, a.key_id, a.end_user, a.purpose, a.operation, a.citizen_id, a.fields,
       format('%s', a.client_addr)::text AS client_addr, -- '' when there is none
       a.confidential_until
FROM access_log a
WHERE a.id > sqlc.arg(after)::bigint AND a.id <= sqlc.arg(upto)::bigint
ORDER BY a.id
LIMIT sqlc.arg(page_size)::int;

-- name: AuditSeal :exec
-- One seal, by the sealer or by a transaction of its own events: the ids sealed, in order, and
-- their hashes, 32 bytes each; the chain then ends at the last of them, with its hash.
WITH s AS (
    INSERT INTO audit_seals (chain, upto, ids, hashes)
    VALUES (sqlc.arg(chain)::text, sqlc.arg(upto)::bigint, sqlc.arg(ids)::bigint[], sqlc.arg(hashes)::bytea)
)
UPDATE audit_chains SET sealed_upto = sqlc.arg(upto)::bigint, head = sqlc.arg(head)::bytea, sealed_at = now()
WHERE name = sqlc.arg(chain)::text;

-- name: AuditSealsAfter :many
-- The seals after a given one, in chain order.
SELECT upto, ids, hashes FROM audit_seals
WHERE chain = sqlc.arg(chain) AND upto > sqlc.arg(after)::bigint
ORDER BY upto
LIMIT sqlc.arg(page_size)::int;
