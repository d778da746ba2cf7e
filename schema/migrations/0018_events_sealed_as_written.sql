-- 0018: events keep their data as written (json, not jsonb), so the transaction that writes
-- them can seal them.
--
-- An event's place in the hash chain covers its data as text. As jsonb, that text was the
-- database's own rendering of the data, known only by reading the row back: the sealer did, for
-- every event, beside the writers (a load of a million records writes three million; reading
-- them back and hashing them cost about a tenth of the load's CPU). As json the text is the
-- writer's, so the writer hashes its events itself, in the transaction that writes them, while
-- it holds the lock that orders events (AppendEvents). Converted here, each event's text is
-- its jsonb rendering: every hash already computed stays valid.
ALTER TABLE events ALTER COLUMN data DROP DEFAULT;
ALTER TABLE events ALTER COLUMN data TYPE json USING data::json;
ALTER TABLE events ALTER COLUMN data SET DEFAULT '{}';
