package pgstore_test

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// databaseAt is a new database migrated up to a version, included, and a connection to it.
func databaseAt(t *testing.T, version int) (*pgx.Conn, string) {
	t.Helper()
	ctx := context.Background()
	url := pgtest.NewEmptyDatabase(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(ctx) })
	migrate(t, conn, 1, version)
	return conn, url
}

// migrate applies the embedded migrations from one version to another, both included.
func migrate(t *testing.T, conn *pgx.Conn, from, to int) {
	t.Helper()
	for _, m := range schema.Migrations() {
		if m.Version < from || m.Version > to {
			continue
		}
		if _, err := conn.Exec(context.Background(), m.SQL); err != nil {
			t.Fatalf("migration %s: %v", m.Name, err)
		}
	}
}

// TestGoldenRecordsKeepTheirContentThroughMigration6 writes golden records in the form used before
// migration 6 (provenance repeated in every field), migrates through every later migration (9
// regroups the fields again), and reads them back in the current form (checkMigratedGoldens).
func TestGoldenRecordsKeepTheirContentThroughMigration6(t *testing.T) {
	t.Parallel()
	conn, nik, sealed := goldenMigrationStart(t, 5)
	t1, t2 := goldenTimes()
	want := map[uuid.UUID]map[string]registry.GoldenValue{
		uuid.New(): {
			"full_name": {Value: "Siti Rahayu", Source: "dukcapil", LocalID: "D-1", RecordID: 11, Rule: "trust:dukcapil", Since: t1},
			"nik":       {Value: "3171234567890123", Source: "dukcapil", LocalID: "D-1", RecordID: 11, Rule: "trust:dukcapil", Since: t1},
			"phone":     {Value: "+6281234567890", Source: "kemenkes", LocalID: "K-7", RecordID: 4, Rule: "most_recent", Since: t2},
		},
		uuid.New(): {},
	}
	for id, fields := range want {
		old := map[string]registry.GoldenValue{}
		for k, v := range fields {
			if k == "nik" {
				v.Value = sealed
			}
			old[k] = v
		}
		doc, err := json.Marshal(old)
		if err != nil {
			t.Fatal(err)
		}
		insertGolden(t, conn, id, doc)
	}

	migrate(t, conn, 6, schema.Latest())
	checkMigratedGoldens(t, conn, nik, want)
}

// TestGoldenRecordsKeepTheirContentThroughMigration9 writes golden records as the registry wrote
// them between migrations 6 and 9 (each field naming its record and rule), migrates, and reads
// them back grouped (checkMigratedGoldens).
func TestGoldenRecordsKeepTheirContentThroughMigration9(t *testing.T) {
	t.Parallel()
	conn, nik, sealed := goldenMigrationStart(t, 8)
	t1, t2 := goldenTimes()
	twoSources, oneSource, none := uuid.New(), uuid.New(), uuid.New()
	docs := map[uuid.UUID]string{
		twoSources: `{"records":[{"record_id":4,"source":"kemenkes","local_id":"K-7","since":"2026-05-09T17:00:00Z"},` +
			`{"record_id":11,"source":"dukcapil","local_id":"D-1","since":"2026-03-01T08:30:00.123456Z"}],` +
			`"fields":{"full_name":{"value":"Siti Rahayu","from":1,"rule":"trust:dukcapil"},` +
			`"nik":{"value":"` + sealed + `","from":1,"rule":"trust:dukcapil"},` +
			`"phone":{"value":"+6281234567890","from":0,"rule":"most_recent"},` +
			`"address":{"value":"Jl. Melati 3","from":0,"rule":"trust:kemenkes"}}}`,
		oneSource: `{"records":[{"record_id":12,"source":"dukcapil","local_id":"D-2","since":"2026-03-01T08:30:00.123456Z"}],` +
			`"fields":{"full_name":{"value":"Budi","from":0,"rule":"trust:dukcapil"},"sex":{"value":"M","from":0,"rule":"trust:dukcapil"}}}`,
		none: `{"records":[],"fields":{}}`,
	}
	want := map[uuid.UUID]map[string]registry.GoldenValue{
		twoSources: {
			"full_name": {Value: "Siti Rahayu", Source: "dukcapil", LocalID: "D-1", RecordID: 11, Rule: "trust:dukcapil", Since: t1},
			"nik":       {Value: "3171234567890123", Source: "dukcapil", LocalID: "D-1", RecordID: 11, Rule: "trust:dukcapil", Since: t1},
			"phone":     {Value: "+6281234567890", Source: "kemenkes", LocalID: "K-7", RecordID: 4, Rule: "most_recent", Since: t2},
			"address":   {Value: "Jl. Melati 3", Source: "kemenkes", LocalID: "K-7", RecordID: 4, Rule: "trust:kemenkes", Since: t2},
		},
		oneSource: {
			"full_name": {Value: "Budi", Source: "dukcapil", LocalID: "D-2", RecordID: 12, Rule: "trust:dukcapil", Since: t1},
			"sex":       {Value: "M", Source: "dukcapil", LocalID: "D-2", RecordID: 12, Rule: "trust:dukcapil", Since: t1},
		},
		none: {},
	}
	for id, doc := range docs {
		insertGolden(t, conn, id, doc)
	}

	migrate(t, conn, 9, schema.Latest())
	checkMigratedGoldens(t, conn, nik, want)
}

// goldenMigrationStart returns a connection to a new database migrated up to version upto, a NIK
// cipher and a NIK it sealed, for tests that write golden records as an older registry did.
func goldenMigrationStart(t *testing.T, upto int) (*pgx.Conn, *registry.NIKCipher, string) {
	t.Helper()
	conn, _ := databaseAt(t, upto)
	nik := registry.EphemeralNIKCipher()
	sealed, err := nik.Seal("3171234567890123")
	if err != nil {
		t.Fatal(err)
	}
	return conn, nik, sealed
}

// insertGolden writes a citizen and its golden record document as an older registry stored it.
func insertGolden(t *testing.T, conn *pgx.Conn, id uuid.UUID, doc any) {
	t.Helper()
	ctx := context.Background()
	if _, err := conn.Exec(ctx, `INSERT INTO citizens (id) VALUES ($1)`, id); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `INSERT INTO golden_records (citizen_id, fields) VALUES ($1, $2)`, id, doc); err != nil {
		t.Fatal(err)
	}
}

// goldenTimes are two "since" times of golden values: one with microseconds, one without.
func goldenTimes() (time.Time, time.Time) {
	return time.Date(2026, 3, 1, 8, 30, 0, 123456000, time.UTC), time.Date(2026, 5, 9, 17, 0, 0, 0, time.UTC)
}

// checkMigratedGoldens reads migrated golden records back: the values and provenance of want, and
// re-encoding them gives the same content (json_differs, as the store compares on write), so the
// first write after an upgrade does not make a new version of every golden record.
func checkMigratedGoldens(t *testing.T, conn *pgx.Conn, nik *registry.NIKCipher, want map[uuid.UUID]map[string]registry.GoldenValue) {
	t.Helper()
	ctx := context.Background()
	for id, fields := range want {
		var doc []byte
		if err := conn.QueryRow(ctx, `SELECT fields FROM golden_records WHERE citizen_id = $1`, id).Scan(&doc); err != nil {
			t.Fatal(err)
		}
		got, err := pgstore.DecodeGolden(nik, doc)
		if err != nil {
			t.Fatalf("decode %s: %v", doc, err)
		}
		if len(got) != len(fields) {
			t.Fatalf("migrated golden record has %d fields, want %d: %s", len(got), len(fields), doc)
		}
		for k, w := range fields {
			if g := got[k]; g.Value != w.Value || g.Source != w.Source || g.LocalID != w.LocalID || g.RecordID != w.RecordID ||
				g.Rule != w.Rule || !g.Since.Equal(w.Since) {
				t.Errorf("field %s after migration = %+v, want %+v", k, g, w)
			}
		}
		again, err := pgstore.EncodeGolden(nik, got)
		if err != nil {
			t.Fatal(err)
		}
		var differs bool
		if err := conn.QueryRow(ctx, `SELECT json_differs(fields, $2) FROM golden_records WHERE citizen_id = $1`, id, string(again)).Scan(&differs); err != nil {
			t.Fatal(err)
		}
		if differs {
			t.Errorf("re-encoded golden record differs from the migrated one:\n%s\n%s", again, doc)
		}
	}
}

// TestChainsSealedBeforeMigration7StillVerify seals events and access-log rows the way the sealer
// did before migration 7 (the hash in the row), migrates, and verifies the chains with the
// current code: the hashes moved beside the rows and every one still holds.
func TestChainsSealedBeforeMigration7StillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := databaseAt(t, 6)

	if _, err := conn.Exec(ctx, `
		INSERT INTO events (seq, kind, citizen_id, record_id, data, actor)
		SELECT i, 'citizen.created', gen_random_uuid(), i, jsonb_build_object('n', i), 'load:dukcapil'
		FROM generate_series(1, 3) i;
		INSERT INTO access_log (source, purpose, operation, citizen_id, fields)
		SELECT 'dukcapil', 'service delivery', 'read', gen_random_uuid(), '{full_name}' FROM generate_series(1, 3)`); err != nil {
		t.Fatal(err)
	}
	// The contents and the sealing as of migration 6.
	seal := func(table, id, content string) registry.AuditHead {
		ids, hashes := chainOver(t, conn, `SELECT `+id+`, (`+content+`)::text FROM `+table+` r ORDER BY `+id)
		for i, h := range hashes {
			if _, err := conn.Exec(ctx, `UPDATE `+table+` SET hash = $2 WHERE `+id+` = $1`, ids[i], h); err != nil {
				t.Fatal(err)
			}
		}
		last, head := ids[len(ids)-1], hashes[len(hashes)-1]
		if _, err := conn.Exec(ctx, `UPDATE audit_chains SET sealed_upto = $2, head = $3 WHERE name = $1`, table, last, head); err != nil {
			t.Fatal(err)
		}
		return registry.AuditHead{Chain: table, SealedUpto: last, Head: head}
	}
	heads := []registry.AuditHead{
		seal("events", "seq", `(to_jsonb(r) - 'hash' - 'created_at')
			|| jsonb_build_object('created_at', (extract(epoch FROM r.created_at) * 1000000)::bigint)`),
		seal("access_log", "id", `(to_jsonb(r) - 'hash' - 'at' - 'confidential_until')
			|| jsonb_build_object('at', (extract(epoch FROM r.at) * 1000000)::bigint,
			                      'confidential_until', (extract(epoch FROM r.confidential_until) * 1000000)::bigint)`),
	}

	migrate(t, conn, 7, schema.Latest())

	pool := poolOn(t, url)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	problems, err := svc.VerifyAudit(ctx, heads)
	if err != nil {
		t.Fatal(err)
	}
	if len(problems) != 0 {
		t.Fatalf("chains sealed before migration 7 no longer verify: %v", problems)
	}
	// And tampering is still seen.
	if _, err := conn.Exec(ctx, `UPDATE events SET actor = 'someone else' WHERE seq = 2`); err != nil {
		t.Fatal(err)
	}
	if problems, err := svc.VerifyAudit(ctx, heads); err != nil || len(problems) == 0 {
		t.Fatalf("a modified event went unnoticed after migration 7: %v %v", problems, err)
	}
}

// TestChainsSealedBeforeMigration17StillVerify seals 12,000 events with a row of event_hashes
// each, as the sealer did before migration 17, migrates (which groups them into seals of 5,000),
// seals a few dozen more turns with the current sealer, and verifies the whole chain: across
// pages of rows and of seals. A hash changed in the middle is then named by its row.
func TestChainsSealedBeforeMigration17StillVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, url := databaseAt(t, 16)

	const old = 12000
	if _, err := conn.Exec(ctx, `
		INSERT INTO events (seq, kind, citizen_id, record_id, data, actor)
		SELECT i, 'citizen.created', gen_random_uuid(), i, jsonb_build_object('n', i), 'load:dukcapil'
		FROM generate_series(1, $1::int) i`, old); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE events_head SET last_seq = $1`, old); err != nil {
		t.Fatal(err)
	}
	ids, hashes := chainOver(t, conn, `SELECT seq, ((to_jsonb(e) - 'created_at')
		|| jsonb_build_object('created_at', (extract(epoch FROM e.created_at) * 1000000)::bigint))::text
		FROM events e ORDER BY seq`)
	if _, err := conn.Exec(ctx, `INSERT INTO event_hashes (seq, hash) SELECT unnest($1::bigint[]), unnest($2::bytea[])`, ids, hashes); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `UPDATE audit_chains SET sealed_upto = $1, head = $2 WHERE name = 'events'`, ids[len(ids)-1], hashes[len(hashes)-1]); err != nil {
		t.Fatal(err)
	}

	migrate(t, conn, 17, schema.Latest())
	var seals int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM audit_seals WHERE chain = 'events'`).Scan(&seals); err != nil || seals != 3 {
		t.Fatalf("%d seals of 12,000 events after the migration (%v), want 3", seals, err)
	}

	pool := poolOn(t, url)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	for turn := range 40 {
		if _, err := conn.Exec(ctx, `
			INSERT INTO events (seq, kind, citizen_id, record_id, data, actor)
			SELECT last_seq + i, 'golden.changed', gen_random_uuid(), NULL, jsonb_build_object('turn', $1::int), 'steward:ayu'
			FROM events_head, generate_series(1, 2) i`, turn); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Exec(ctx, `UPDATE events_head SET last_seq = last_seq + 2`); err != nil {
			t.Fatal(err)
		}
		if sealed, err := svc.Seal(ctx, 0); err != nil || sealed[registry.ChainEvents] != 2 {
			t.Fatalf("turn %d sealed %v %v", turn, sealed, err)
		}
	}
	heads, err := svc.AuditHeads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if problems, err := svc.VerifyAudit(ctx, heads); err != nil || len(problems) != 0 {
		t.Fatalf("the chain across old and new seals: %v %v", problems, err)
	}
	for _, seq := range []int64{7777, old + 61} {
		if _, err := conn.Exec(ctx, `UPDATE audit_seals
			SET hashes = overlay(hashes PLACING sha256(substr(hashes, (array_position(ids, $1::bigint) - 1) * 32 + 1, 32))
			                     FROM (array_position(ids, $1::bigint) - 1) * 32 + 1)
			WHERE chain = 'events' AND $1::bigint = ANY (ids)`, seq); err != nil {
			t.Fatal(err)
		}
		problems, err := svc.VerifyAudit(ctx, heads)
		named := slices.ContainsFunc(problems, func(p registry.AuditProblem) bool { return p.RowID == seq })
		if err != nil || !named {
			t.Fatalf("a changed hash of event %d: reported %v %v", seq, problems, err)
		}
	}
}

// chainOver hashes, as a chain, the rows a query answers as (id, canonical content), in order.
func chainOver(t *testing.T, conn *pgx.Conn, query string) (ids []int64, hashes [][]byte) {
	t.Helper()
	rows, err := conn.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var prev []byte
	for rows.Next() {
		var id int64
		var content string
		if err := rows.Scan(&id, &content); err != nil {
			t.Fatal(err)
		}
		prev = registry.ChainHash(prev, []byte(content))
		ids, hashes = append(ids, id), append(hashes, prev)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return ids, hashes
}

func poolOn(t *testing.T, url string) *pgxpool.Pool {
	t.Helper()
	pool, err := pgxpool.New(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// TestGoldenRecordsComparedAsTextUnlessLaidOutByPostgreSQL: a stored golden record in the
// registry's own encoding differs from a new one exactly when its text does; one laid out by
// PostgreSQL (0009's rewrite, or jsonb's text) is compared by content, so an upgrade does not make
// a new version of every golden record.
func TestGoldenRecordsComparedAsTextUnlessLaidOutByPostgreSQL(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	own := `{"records":[{"record_id":7,"source":"dukcapil","local_id":"D-1","since":"2026-03-01T08:30:00Z"}],"groups":[{"from":0,"rule":"trust:dukcapil","fields":{"full_name":"Siti Rahayu","sex":"F"}}]}`
	other := `{"records":[{"record_id":7,"source":"dukcapil","local_id":"D-1","since":"2026-03-01T08:30:00Z"}],"groups":[{"from":0,"rule":"trust:dukcapil","fields":{"full_name":"Siti Rahayu","sex":"M"}}]}`
	for _, tc := range []struct {
		name, stored, new string
		differs           bool
	}{
		{"the same document", own, own, false},
		{"another document", own, other, true},
		{"laid out by 0009", `{"records" : [{"record_id" : 7, "source" : "dukcapil", "local_id" : "D-1", "since" : "2026-03-01T08:30:00Z"}], "groups" : [{"from" : 0, "rule" : "trust:dukcapil", "fields" : {"full_name" : "Siti Rahayu", "sex" : "F"}}]}`, own, false},
		{"as jsonb writes it", `{"groups": [{"from": 0, "rule": "trust:dukcapil", "fields": {"sex": "F", "full_name": "Siti Rahayu"}}], "records": [{"since": "2026-03-01T08:30:00Z", "source": "dukcapil", "local_id": "D-1", "record_id": 7}]}`, own, false},
		{"laid out by 0009, other content", `{"records" : [], "groups" : []}`, own, true},
	} {
		var differs bool
		if err := pool.QueryRow(context.Background(), `SELECT json_differs($1::json, $2::json)`, tc.stored, tc.new).Scan(&differs); err != nil {
			t.Fatal(err)
		}
		if differs != tc.differs {
			t.Errorf("%s: json_differs = %v, want %v", tc.name, differs, tc.differs)
		}
	}
}

// TestBlockingKeysFoundThroughMigration15 writes records with their blocking keys as text, the
// way a registry did before migration 15, migrates, and finds them by the digests the current
// code computes: in the key index and on the records. Keys cover every kind, the loose ones, a
// NIK's token and text beyond ASCII, so blocking_key_digest and matching.DigestOf must agree on
// all of them (TestKeyDigestIsTheSchemas).
func TestBlockingKeysFoundThroughMigration15(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := databaseAt(t, 14)
	if _, err := conn.Exec(ctx, `INSERT INTO sources (code) VALUES ('dukcapil')`); err != nil {
		t.Fatal(err)
	}
	records := map[string][]string{
		"D-1": {"da:19870512:3171", "id:Zm9vYmFyYmF6cXV4", "nl:112:3171", "nn:112:121", "ny:112:1987"},
		"D-2": {"em:siti@example.org", "ny:112:1987", "ph:81234567890"},
		"D-3": {}, // a record holding no key
		"D-4": {"nl:ẞöß:ĳ"},
	}
	ids := map[string]int64{}
	for local, keys := range records {
		var id int64
		err := conn.QueryRow(ctx, `INSERT INTO source_records (source, local_id, version, content_hash, raw, normalized, keys)
			VALUES ('dukcapil', $1, 1, '\x00', '{}', '{}', $2) RETURNING id`, local, keys).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		ids[local] = id
		for _, k := range keys {
			if _, err := conn.Exec(ctx, `INSERT INTO blocking_keys (key, record_id) VALUES ($1, $2)`, k, id); err != nil {
				t.Fatal(err)
			}
		}
	}

	migrate(t, conn, 15, schema.Latest())
	for local, keys := range records {
		want := make([]int64, len(keys))
		for i, k := range keys {
			want[i] = int64(matching.DigestOf(k))
		}
		var listed []int64
		if err := conn.QueryRow(ctx, `SELECT keys FROM source_records WHERE id = $1`, ids[local]).Scan(&listed); err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(listed, want) {
			t.Errorf("record %s lists keys %v after the migration, want %v", local, listed, want)
		}
		for i, d := range want {
			var held bool
			if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM blocking_keys WHERE key = $1 AND record_id = $2)`, d, ids[local]).Scan(&held); err != nil {
				t.Fatal(err)
			}
			if !held {
				t.Errorf("the key index lost record %s's key %q (digest %d)", local, keys[i], d)
			}
		}
	}
}

// TestKeyDigestIsTheSchemas holds the schema's blocking_key_digest to matching.DigestOf on the
// keys of a few people and on random text: an index written by one and searched by the other
// must agree.
func TestKeyDigestIsTheSchemas(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	var keys []string
	for _, r := range []matching.Record{
		{NIK: "3171045205870003", FullName: "Siti Rahayu", BirthDate: "1987-05-12", Phone: "0812-3456-7890", Email: "siti@example.org", Village: "Menteng"},
		{FullName: "Muhammad Rizki Pratama", BirthDate: "2001-12-01", Postcode: "40115", City: "Bandung"},
	} {
		n, _ := matching.Normalize(r)
		keys = append(keys, matching.BlockingKeys(n)...)
	}
	keys = append(keys, "", "nn:", "ny:x", "xx:ünïcødé 名前")
	rng := rand.New(rand.NewPCG(1, 2))
	letters := []rune("abcnyz:0189 éß名")
	for range 1000 {
		var b strings.Builder
		for range rng.IntN(40) {
			b.WriteRune(letters[rng.IntN(len(letters))])
		}
		keys = append(keys, b.String())
	}
	var got []int64
	if err := pool.QueryRow(context.Background(), `SELECT array_agg(blocking_key_digest(k) ORDER BY i) FROM unnest($1::text[]) WITH ORDINALITY AS u(k, i)`, keys).Scan(&got); err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		if want := int64(matching.DigestOf(k)); got[i] != want {
			t.Errorf("blocking_key_digest(%q) = %d, matching.DigestOf = %d", k, got[i], want)
		}
	}
}

// TestSupersededVersionsKeptThroughMigration16 writes records with every version in the history,
// the current one included, as a registry did before migration 16, migrates, and finds the
// superseded versions kept and the current ones in their records alone.
func TestSupersededVersionsKeptThroughMigration16(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	conn, _ := databaseAt(t, 15)
	if _, err := conn.Exec(ctx, `INSERT INTO sources (code) VALUES ('dukcapil')`); err != nil {
		t.Fatal(err)
	}
	current := map[string]int{"D-1": 1, "D-2": 3}
	for local, last := range current {
		var id int64
		err := conn.QueryRow(ctx, `INSERT INTO source_records (source, local_id, version, content_hash, raw, normalized)
			VALUES ('dukcapil', $1, $2, '\x00', '{}', '{}') RETURNING id`, local, last).Scan(&id)
		if err != nil {
			t.Fatal(err)
		}
		for v := 1; v <= last; v++ {
			if _, err := conn.Exec(ctx, `INSERT INTO source_record_versions (record_id, version, content_hash, raw)
				VALUES ($1, $2, '\x00', json_build_object('v', $2::int))`, id, v); err != nil {
				t.Fatal(err)
			}
		}
	}

	migrate(t, conn, 16, schema.Latest())
	rows, err := conn.Query(ctx, `SELECT r.local_id || ' v' || v.version || ' ' || v.raw::text
		FROM source_record_versions v JOIN source_records r ON r.id = v.record_id ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{`D-2 v1 {"v" : 1}`, `D-2 v2 {"v" : 2}`}; !slices.Equal(kept, want) {
		t.Fatalf("versions kept after the migration: %q, want %q", kept, want)
	}
}
