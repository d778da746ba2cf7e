-- name: SourceEnsure :exec
INSERT INTO sources (code) VALUES ($1) ON CONFLICT (code) DO NOTHING;
