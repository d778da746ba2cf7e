-- 0016: source_record_versions keeps the versions a record no longer holds; the current one
-- lives in source_records alone.
--
-- Every version ever received was written twice while it was current: once in source_records
-- and once in source_record_versions, with its raw document. A load of a million new records
-- copied a million version rows (12 s of the database's 176 s of statement time in a load into
-- an empty registry, measured with pg_stat_statements). Nothing reads a version while it is
-- current; what must not be lost is each version that is replaced. The statements that write a
-- record's new version now move the one it replaces into source_record_versions (received_at
-- being the record's updated_at, which changes with its version and only then), in the same
-- statement. A record's history is its superseded versions followed by its current row.
DELETE FROM source_record_versions v
USING source_records r
WHERE v.record_id = r.id AND v.version = r.version;
