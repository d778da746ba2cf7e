-- 0011: a record lists its blocking keys; the key index has no entry by record.
--
-- Keys were found again for replacing (a record's new version) through an index on
-- blocking_keys (record_id): a second B-tree entry for each of the five to six keys a record
-- holds, half the cost of writing them. A record now lists the keys it holds (in the index's
-- form), written in the same row as the record, and replacing them deletes exactly those
-- (key, record_id) entries through the primary key.

ALTER TABLE source_records ADD COLUMN keys text[] NOT NULL DEFAULT '{}';

UPDATE source_records r SET keys = k.keys
FROM (SELECT record_id, array_agg(key ORDER BY key) AS keys FROM blocking_keys GROUP BY record_id) k
WHERE k.record_id = r.id;

DROP INDEX blocking_keys_record;
