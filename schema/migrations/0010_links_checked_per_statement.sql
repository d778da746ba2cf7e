-- 0010: links' invariants checked once per statement instead of once per row.
--
-- A link names an existing record and an existing citizen, and an active link an active
-- citizen. Checked per row, that was two foreign-key queries (each also locking its parent row:
-- a heap write and a WAL record) and a PL/pgSQL call for every link: a bulk load's chunk of
-- 50,000 links paid 150,000 single-row queries, and links cost more to COPY than any other
-- table. The same three rules now run as one set-wise query each over all the rows a statement
-- wrote, with the same SQLSTATEs and constraint names as before.
--
-- The parent-row locks guarded against a parent deleted while the link is written; citizens and
-- source records are never deleted (merged citizens are retired, changed records versioned), and
-- a trigger now refuses deleting them, which also keeps 0006's and 0008's unchecked companion
-- rows (blocking keys, record versions, golden records) from losing their parent.

ALTER TABLE links DROP CONSTRAINT links_record_id_fkey;
ALTER TABLE links DROP CONSTRAINT links_citizen_id_fkey;
DROP TRIGGER links_active_citizen ON links;
DROP FUNCTION links_require_active_citizen();

-- Index probes, not hash joins: a statement's rows are few against the tables they name.
CREATE FUNCTION links_check_rows() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM source_records r WHERE r.id = w.record_id)) THEN
        RAISE EXCEPTION 'a link must name an existing source record'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'links_record_id_fkey';
    END IF;
    IF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM citizens c WHERE c.id = w.citizen_id)) THEN
        RAISE EXCEPTION 'a link must name an existing citizen'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'links_citizen_id_fkey';
    END IF;
    IF EXISTS (
        SELECT 1 FROM written w JOIN citizens c ON c.id = w.citizen_id
        WHERE w.ended_at IS NULL AND c.status <> 'active'
    ) THEN
        RAISE EXCEPTION 'an active link must point to an active citizen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'links_active_citizen';
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER links_checked_on_insert AFTER INSERT ON links
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION links_check_rows();
CREATE TRIGGER links_checked_on_update AFTER UPDATE ON links
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION links_check_rows();

CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% are never deleted', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END $$;

CREATE TRIGGER citizens_never_deleted BEFORE DELETE ON citizens
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER source_records_never_deleted BEFORE DELETE ON source_records
    FOR EACH STATEMENT EXECUTE FUNCTION refuse_delete();
