-- 0002: active links point only to active citizens.
--
-- A merge moves the retired citizen's active links to the survivor (and an unmerge moves them
-- back), so candidate search and golden records never need to follow merged_into. These triggers
-- make that a database invariant rather than a convention.

CREATE FUNCTION links_require_active_citizen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.ended_at IS NULL AND EXISTS (
        SELECT 1 FROM citizens WHERE id = NEW.citizen_id AND status <> 'active'
    ) THEN
        RAISE EXCEPTION 'an active link must point to an active citizen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'links_active_citizen';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER links_active_citizen
    BEFORE INSERT OR UPDATE OF citizen_id, ended_at ON links
    FOR EACH ROW EXECUTE FUNCTION links_require_active_citizen();

CREATE FUNCTION citizens_retire_without_links() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status = 'retired' AND EXISTS (
        SELECT 1 FROM links WHERE citizen_id = NEW.id AND ended_at IS NULL
    ) THEN
        RAISE EXCEPTION 'a citizen with active links cannot be retired'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'citizens_retired_unlinked';
    END IF;
    RETURN NEW;
END $$;

CREATE TRIGGER citizens_retired_unlinked
    AFTER UPDATE OF status ON citizens
    FOR EACH ROW EXECUTE FUNCTION citizens_retire_without_links();
