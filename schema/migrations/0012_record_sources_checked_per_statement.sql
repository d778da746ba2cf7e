-- 0012: a record's source checked once per statement.
--
-- source_records.source referenced sources by a foreign key: a query per inserted record that
-- also locked its source's row, the same row for every record of a load (a million locks of one
-- row for a million records). As for links in 0010, the rule is now checked once per statement
-- over the rows it inserted, with the same SQLSTATE and constraint name; a record's source never
-- changes, and sources are never deleted.

ALTER TABLE source_records DROP CONSTRAINT source_records_source_fkey;

-- Index probes, not hash joins: a statement's rows are few against the tables they name.
CREATE FUNCTION source_records_check_rows() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM (SELECT DISTINCT source FROM written) w
        WHERE NOT EXISTS (SELECT 1 FROM sources s WHERE s.code = w.source)
    ) THEN
        RAISE EXCEPTION 'a source record must name a registered source'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'source_records_source_fkey';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER source_records_checked_on_insert AFTER INSERT ON source_records
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION source_records_check_rows();

CREATE FUNCTION source_records_keep_source() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'a source record''s source never changes'
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'source_records_source_fkey';
END $$;

CREATE TRIGGER source_records_source_unchanged BEFORE UPDATE OF source ON source_records
    FOR EACH ROW WHEN (OLD.source IS DISTINCT FROM NEW.source) EXECUTE FUNCTION source_records_keep_source();

CREATE TRIGGER sources_never_deleted BEFORE DELETE ON sources
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
