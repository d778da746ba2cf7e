-- 0019: a link's citizen probed once by the per-statement check of 0010.
--
-- 0010 checked a statement's links with three queries: each link's record exists, its citizen
-- exists, and an active link's citizen is active. The last two each probed the citizen of every
-- link: two million index probes for a bulk load's million links. One query now finds any link
-- breaking either rule with one probe a link; only when one does, the two queries of 0010 tell
-- which rule it broke, with the same SQLSTATEs and constraint names as before.

CREATE OR REPLACE FUNCTION links_check_rows() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM source_records r WHERE r.id = w.record_id)) THEN
        RAISE EXCEPTION 'a link must name an existing source record'
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'links_record_id_fkey';
    END IF;
    IF EXISTS (
        SELECT 1 FROM written w LEFT JOIN citizens c ON c.id = w.citizen_id
        WHERE c.id IS NULL OR (w.ended_at IS NULL AND c.status <> 'active')
    ) THEN
        IF EXISTS (SELECT 1 FROM written w WHERE NOT EXISTS (SELECT 1 FROM citizens c WHERE c.id = w.citizen_id)) THEN
            RAISE EXCEPTION 'a link must name an existing citizen'
                USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'links_citizen_id_fkey';
        END IF;
        RAISE EXCEPTION 'an active link must point to an active citizen'
            USING ERRCODE = 'check_violation', CONSTRAINT = 'links_active_citizen';
    END IF;
    RETURN NULL;
END $$;
