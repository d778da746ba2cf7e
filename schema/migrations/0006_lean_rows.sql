-- 0006: fewer bytes and checks per loaded record.
--
-- A bulk load writes every record, its version, its blocking keys and its citizen's golden record;
-- at a million records the database's share of a load is mostly parsing and checking those rows.
--
-- Documents the database only stores and hands back are json (kept as text, checked once) rather
-- than jsonb (parsed into a binary tree on every write). Only the registry's own code writes them,
-- and no query looks inside them except the birth date and sex of a normalised record, which json
-- answers as well.
ALTER TABLE source_records
    ALTER COLUMN raw TYPE json USING raw::json,
    ALTER COLUMN normalized TYPE json USING normalized::json,
    ALTER COLUMN issues DROP DEFAULT,
    ALTER COLUMN issues TYPE json USING issues::json,
    ALTER COLUMN issues SET DEFAULT '[]';

ALTER TABLE source_record_versions
    ALTER COLUMN raw TYPE json USING raw::json;

-- Whether a new document says something other than the stored one, for writes that must not make
-- a new version of an unchanged golden record. The same text is the same document; only a
-- different text is parsed to compare contents (another writer may lay out the same document
-- differently, as this migration does below).
CREATE FUNCTION json_differs(stored json, new json) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT
AS $$ SELECT CASE WHEN stored::text = new::text THEN false ELSE stored::jsonb <> new::jsonb END $$;

-- Blocking keys are derived from source records, written and replaced only with them, and no
-- source record is ever deleted: the foreign key checked each of a record's five or six keys
-- against source_records for nothing.
ALTER TABLE blocking_keys DROP CONSTRAINT blocking_keys_record_id_fkey;

-- A golden record names each record that supplied a value once, in "records" (by record ID), and
-- per field its value, the rule that chose it and the index of its record in "records"; it named
-- the record's source, local ID and time for every field before, half of its size.
ALTER TABLE golden_records ADD COLUMN doc json;

UPDATE golden_records g
SET doc = (
    WITH f AS (
        SELECT key AS field, value FROM jsonb_each(g.fields)
    ), r AS (
        SELECT DISTINCT ON ((value ->> 'record_id')::bigint)
               (value ->> 'record_id')::bigint AS record_id, value ->> 'source' AS source,
               value ->> 'local_id' AS local_id, value -> 'since' AS since
        FROM f
        ORDER BY (value ->> 'record_id')::bigint
    ), ri AS (
        SELECT r.*, (row_number() OVER (ORDER BY record_id) - 1)::int AS idx FROM r
    )
    SELECT json_build_object(
        'records', (SELECT coalesce(json_agg(json_build_object('record_id', record_id, 'source', source,
                                                               'local_id', local_id, 'since', since)
                                             ORDER BY record_id), '[]')
                    FROM ri),
        'fields', (SELECT coalesce(json_object_agg(f.field, json_build_object('value', f.value -> 'value',
                                                                              'from', ri.idx,
                                                                              'rule', f.value -> 'rule')),
                                   '{}')
                   FROM f JOIN ri ON ri.record_id = (f.value ->> 'record_id')::bigint))
);

ALTER TABLE golden_records DROP COLUMN fields;
ALTER TABLE golden_records RENAME COLUMN doc TO fields;
ALTER TABLE golden_records ALTER COLUMN fields SET NOT NULL;
