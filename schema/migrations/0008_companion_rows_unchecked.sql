-- 0008: no foreign-key checks on rows written only beside their parent.
--
-- A foreign-key check is a query per inserted row that also locks the parent row (a heap write
-- and a WAL record each). A bulk load of a million records ran four million of them: every
-- link's record and citizen, every version's record and every golden record's citizen. A record
-- version is written only in the statement sequence that writes or updates its record, and a
-- golden record only for a citizen the same transaction holds; records and citizens are never
-- deleted. Those two checks guarded nothing the writers do not already (as with blocking keys in
-- 0006). Links keep theirs: a link is the registry's one claim about who a record is, and
-- stewards' moves and merges rewrite links outside the load path.
ALTER TABLE source_record_versions DROP CONSTRAINT source_record_versions_record_id_fkey;
ALTER TABLE golden_records DROP CONSTRAINT golden_records_citizen_id_fkey;
