-- 0009: a golden record's fields grouped by the record and rule that supplied them.
--
-- Each field named its record (by index) and its rule: for a citizen known from one source, the
-- same record and rule a dozen times, 40 % of the document. Fields now sit in groups, one per
-- record and rule: {"records": [...], "groups": [{"from": 0, "rule": "...", "fields": {name:
-- value}}]}. Where the text of two documents differs the registry compares their content
-- (json_differs), so a document laid out here by PostgreSQL equals the registry's own encoding of
-- the same golden record, and the first write after this migration makes no new version.
UPDATE golden_records g
SET fields = json_build_object(
    'records', g.fields -> 'records',
    'groups', coalesce((
        SELECT json_agg(json_build_object('from', grp.src, 'rule', grp.rule, 'fields', grp.fields)
                        ORDER BY grp.src, grp.rule)
        FROM (SELECT (f.value ->> 'from')::int AS src, f.value ->> 'rule' AS rule,
                     json_object_agg(f.key, f.value ->> 'value' ORDER BY f.key) AS fields
              FROM json_each(g.fields -> 'fields') f
              GROUP BY 1, 2) grp), '[]'::json))
WHERE json_typeof(g.fields -> 'fields') = 'object';
