-- 0020: a seal's event IDs stored as they are, like its hashes (0017).
--
-- A chunk of a bulk load seals its 75,000 events in one row of audit_seals. Their IDs, consecutive
-- bigints, went through pglz, which compressed 600 KB to 240 KB for about 50 ms of the database's
-- CPU a chunk (2.3 % of the box's CPU samples over a 1M load, `perf`): more than the space was
-- worth beside the 2.4 MB of hashes stored uncompressed in the same row. Seals already written
-- keep their compressed IDs, which read the same.
ALTER TABLE audit_seals ALTER COLUMN ids SET STORAGE EXTERNAL;
