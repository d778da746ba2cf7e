-- Canonical row content for the hash chains: the row as jsonb without its hash, timestamps as
-- microseconds since the epoch so the text does not depend on the session's time zone.

-- name: AuditChainLock :one
SELECT * FROM audit_chains WHERE name = $1 FOR UPDATE;

-- name: AuditChainGet :one
SELECT * FROM audit_chains WHERE name = $1;

-- name: AuditChainAdvance :exec
UPDATE audit_chains SET sealed_upto = $2, head = $3, sealed_at = now() WHERE name = $1;

-- name: EventsUnsealed :many
SELECT e.seq AS id,
       ((to_jsonb(e) - 'hash' - 'created_at')
        || jsonb_build_object('created_at', (extract(epoch FROM e.created_at) * 1000000)::bigint))::text AS content
FROM events e
WHERE e.seq > sqlc.arg(after)::bigint
ORDER BY e.seq
LIMIT sqlc.arg(page_size)::int;

-- name: EventsAuditRows :many
SELECT e.seq AS id, e.hash,
       ((to_jsonb(e) - 'hash' - 'created_at')
        || jsonb_build_object('created_at', (extract(epoch FROM e.created_at) * 1000000)::bigint))::text AS content
FROM events e
WHERE e.seq > sqlc.arg(after)::bigint AND e.seq <= sqlc.arg(upto)::bigint
ORDER BY e.seq
LIMIT sqlc.arg(page_size)::int;

-- name: EventsSetHashes :exec
UPDATE events e SET hash = v.hash
FROM (SELECT unnest(sqlc.arg(ids)::bigint[]) AS id, unnest(sqlc.arg(hashes)::bytea[]) AS hash) v
WHERE e.seq = v.id;

-- name: AccessUnsealed :many
-- Only rows older than min_age are sealed: a slower transaction may still commit a row with a
-- smaller id, and the chain is built in id order.
SELECT a.id,
       ((to_jsonb(a) - 'hash' - 'at' - 'confidential_until')
        || jsonb_build_object('at', (extract(epoch FROM a.at) * 1000000)::bigint,
                              'confidential_until', (extract(epoch FROM a.confidential_until) * 1000000)::bigint))::text AS content
FROM access_log a
WHERE a.id > sqlc.arg(after)::bigint AND a.at < now() - make_interval(secs => sqlc.arg(min_age_seconds)::float8)
ORDER BY a.id
LIMIT sqlc.arg(page_size)::int;

-- name: AccessAuditRows :many
SELECT a.id, a.hash,
       ((to_jsonb(a) - 'hash' - 'at' - 'confidential_until')
        || jsonb_build_object('at', (extract(epoch FROM a.at) * 1000000)::bigint,
                              'confidential_until', (extract(epoch FROM a.confidential_until) * 1000000)::bigint))::text AS content
FROM access_log a
WHERE a.id > sqlc.arg(after)::bigint AND a.id <= sqlc.arg(upto)::bigint
ORDER BY a.id
LIMIT sqlc.arg(page_size)::int;

-- name: AccessSetHashes :exec
UPDATE access_log a SET hash = v.hash
FROM (SELECT unnest(sqlc.arg(ids)::bigint[]) AS id, unnest(sqlc.arg(hashes)::bytea[]) AS hash) v
WHERE a.id = v.id;
