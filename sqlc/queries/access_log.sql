-- name: AccessInsert :exec
INSERT INTO access_log (source, key_id, end_user, purpose, operation, citizen_id, fields, client_addr, confidential_until)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9);
