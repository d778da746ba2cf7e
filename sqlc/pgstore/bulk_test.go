package pgstore_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

var (
	popOnce sync.Once
	popDir  string
	popErr  error
)

// population is a small synthetic population (all five ministries' files), generated once per
// test binary.
func population(t *testing.T) string {
	t.Helper()
	popOnce.Do(func() {
		popDir, popErr = os.MkdirTemp("", "registry-bulk-pop-")
		if popErr != nil {
			return
		}
		cfg, err := synth.DefaultConfig("current")
		if err != nil {
			popErr = err
			return
		}
		cfg.People, cfg.Seed = 700, 7
		_, popErr = synth.Generate(context.Background(), cfg, synth.BuiltinReference(), popDir)
	})
	if popErr != nil {
		t.Fatal(popErr)
	}
	return popDir
}

// newFixtureStore is a fixture whose store seals NIKs with nik.
func newFixtureStore(t *testing.T, nik *registry.NIKCipher) *fixture {
	t.Helper()
	return newFixtureOn(t, registry.Options{}, pgstore.WithNIKCipher(nik))
}

// csvRows reads a canonical person file.
func csvRows(t *testing.T, path string) (header []string, rows [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	all, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return all[0], all[1:]
}

func writeCSV(t *testing.T, path string, header []string, rows [][]string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(header)
	w.WriteAll(rows)
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// submitOneByOne sends a file's rows through the single-record path in file order, as the old
// row-by-row loader did: a row the path refuses is skipped, and so is a repeated local ID.
func submitOneByOne(t *testing.T, f *fixture, source, path string) {
	t.Helper()
	ctx := context.Background()
	if err := pgstore.New(f.pool).EnsureSource(ctx, source); err != nil {
		t.Fatal(err)
	}
	header, rows := csvRows(t, path)
	seen := map[string]bool{}
	for _, row := range rows {
		localID, p := personOf(header, row)
		if seen[localID] {
			continue
		}
		seen[localID] = true
		if _, err := f.svc.Ingest(ctx, "load:"+source, source, localID, p); err != nil && !errors.Is(err, registry.ErrInvalid) {
			t.Fatalf("submit %s/%s: %v", source, localID, err)
		}
	}
}

// personOf is a file's row as the submit path takes it: its local ID, and every other column.
func personOf(header, row []string) (localID string, p registry.Person) {
	for i, h := range header {
		if h == "local_id" {
			localID = strings.TrimSpace(row[i])
		} else {
			p.SetField(h, row[i])
		}
	}
	return localID, p
}

// civilRegistrySample writes the first n rows of the test population's civil-registry file to a
// file of their own, for loads small enough to interleave with submissions chunk by chunk.
func civilRegistrySample(t *testing.T, n int) (path string, header []string, rows [][]string) {
	t.Helper()
	header, rows = csvRows(t, filepath.Join(population(t), "dukcapil.csv"))
	rows = rows[:n]
	path = filepath.Join(t.TempDir(), "dukcapil.csv")
	writeCSV(t, path, header, rows)
	return path, header, rows
}

func bulkLoad(t *testing.T, f *fixture, source, path string, chunkRows int) registry.LoadSummary {
	t.Helper()
	return bulkLoadWith(t, f, source, path, registry.LoadOptions{ChunkRows: chunkRows})
}

func bulkLoadWith(t *testing.T, f *fixture, source, path string, opts registry.LoadOptions) registry.LoadSummary {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	opts.Input = path
	sum, err := f.svc.Load(context.Background(), source, in, opts)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return sum
}

// registryState is what must be equal after the same input, whichever path took it: the
// partition of records into citizens (citizen IDs differ: each citizen is named by its smallest
// record), each record's outcome and score, the link kinds, and the records with an open review.
type registryState struct {
	cluster  map[string]string
	outcome  map[string]string
	kind     map[string]string
	reviewed []string
	counts   map[string]int
	// golden is, per citizen (named by its cluster's representative), which record and rule
	// gave each field of its golden record.
	golden map[string]string
}

func stateOf(t *testing.T, f *fixture) registryState {
	t.Helper()
	ctx := context.Background()
	rows, err := f.pool.Query(ctx, `
		SELECT r.source || '/' || r.local_id, l.citizen_id, r.outcome, round(r.score::numeric, 9)::text, l.kind
		FROM source_records r JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL`)
	if err != nil {
		t.Fatal(err)
	}
	st := registryState{cluster: map[string]string{}, outcome: map[string]string{}, kind: map[string]string{}, counts: map[string]int{}}
	byCitizen := map[uuid.UUID][]string{}
	for rows.Next() {
		var key, outcome, score, kind string
		var cit uuid.UUID
		if err := rows.Scan(&key, &cit, &outcome, &score, &kind); err != nil {
			t.Fatal(err)
		}
		byCitizen[cit] = append(byCitizen[cit], key)
		st.outcome[key] = outcome + " " + score
		st.kind[key] = kind
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for _, keys := range byCitizen {
		rep := slices.Min(keys)
		for _, k := range keys {
			st.cluster[k] = rep
		}
	}
	rows, err = f.pool.Query(ctx, `
		SELECT g.citizen_id, f.key || '=' || (rec ->> 'source') || '/' || (rec ->> 'local_id') || ' by ' || (grp.value ->> 'rule')
		FROM golden_records g
		CROSS JOIN json_array_elements(g.fields -> 'groups') grp
		CROSS JOIN json_each(grp.value -> 'fields') f
		CROSS JOIN LATERAL (SELECT (g.fields -> 'records') -> ((grp.value ->> 'from')::int) AS rec) r`)
	if err != nil {
		t.Fatal(err)
	}
	fields := map[string][]string{}
	for rows.Next() {
		var cit uuid.UUID
		var field string
		if err := rows.Scan(&cit, &field); err != nil {
			t.Fatal(err)
		}
		if keys := byCitizen[cit]; len(keys) > 0 {
			rep := st.cluster[keys[0]]
			fields[rep] = append(fields[rep], field)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	st.golden = map[string]string{}
	for rep, fs := range fields {
		sort.Strings(fs)
		st.golden[rep] = strings.Join(fs, ", ")
	}
	rows, err = f.pool.Query(ctx, `SELECT r.source || '/' || r.local_id FROM reviews v JOIN source_records r ON r.id = v.record_id WHERE v.status = 'open'`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k string
		rows.Scan(&k)
		st.reviewed = append(st.reviewed, k)
	}
	sort.Strings(st.reviewed)
	for _, table := range []string{"source_records", "source_record_versions", "citizens", "links", "golden_records", "reviews", "blocking_keys"} {
		st.counts[table] = f.count(t, "SELECT count(*) FROM "+table)
	}
	return st
}

// sameState fails the test with a few examples when two registries differ.
func sameState(t *testing.T, what string, got, want registryState) {
	t.Helper()
	var diffs []string
	for k, w := range want.cluster {
		g, ok := got.cluster[k]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("%s missing", k))
		case g != w:
			diffs = append(diffs, fmt.Sprintf("%s clustered with %s, want %s", k, g, w))
		case got.outcome[k] != want.outcome[k]:
			diffs = append(diffs, fmt.Sprintf("%s outcome %s, want %s", k, got.outcome[k], want.outcome[k]))
		case got.kind[k] != want.kind[k]:
			diffs = append(diffs, fmt.Sprintf("%s link kind %s, want %s", k, got.kind[k], want.kind[k]))
		}
	}
	if len(got.cluster) != len(want.cluster) {
		diffs = append(diffs, fmt.Sprintf("%d records, want %d", len(got.cluster), len(want.cluster)))
	}
	if !slices.Equal(got.reviewed, want.reviewed) {
		diffs = append(diffs, fmt.Sprintf("open reviews on %d records, want %d", len(got.reviewed), len(want.reviewed)))
	}
	for rep, w := range want.golden {
		if g := got.golden[rep]; g != w {
			diffs = append(diffs, fmt.Sprintf("golden record of %s: %s, want %s", rep, g, w))
		}
	}
	if len(got.golden) != len(want.golden) {
		diffs = append(diffs, fmt.Sprintf("%d golden records with fields, want %d", len(got.golden), len(want.golden)))
	}
	for table, n := range want.counts {
		if got.counts[table] != n {
			diffs = append(diffs, fmt.Sprintf("%s has %d rows, want %d", table, got.counts[table], n))
		}
	}
	if len(diffs) > 0 {
		sort.Strings(diffs)
		t.Fatalf("%s: %d differences, e.g.:\n  %s", what, len(diffs), strings.Join(diffs[:min(len(diffs), 15)], "\n  "))
	}
}

// TestBulkLoadDecidesLikeOneByOne: loading files in bulk and submitting the same rows one by one
// in file order give the same registry: the same partition of records into citizens, the same
// outcome and score for every record, the same reviews, the same golden records (each field
// from the same record by the same rule) and the same row counts. Five sources
// loaded in turn exercise linking to earlier files; the small key cap exercises skipping
// unselective keys, counted at each row as the submit path counts them; the default index budget
// has each load read the whole registry at its start, the small one key by key, rebuilding.
func TestBulkLoadDecidesLikeOneByOne(t *testing.T) {
	t.Parallel()
	dir := population(t)
	for _, tc := range []struct {
		name      string
		maxPerKey int
		chunk     int
		index     int64 // the index's memory budget, in bytes: small ones force rebuilds
	}{
		{"default cap", 0, 300, 0},
		{"small cap, whole index", 6, 170, 0},
		{"small cap, index read key by key and rebuilt", 6, 170, 150_000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			opts := registry.Options{MaxRecordsPerKey: tc.maxPerKey}
			bulk, single := newFixtureOn(t, opts), newFixtureOn(t, opts)
			for _, src := range []string{"dukcapil", "kemenkes", "kemendikbud", "kemensos", "djp"} {
				path := filepath.Join(dir, src+".csv")
				sum := bulkLoadWith(t, bulk, src, path, registry.LoadOptions{ChunkRows: tc.chunk, MaxIndexBytes: tc.index})
				submitOneByOne(t, single, src, path)
				sameState(t, "after "+src, stateOf(t, bulk), stateOf(t, single))
				if sum.Loaded == 0 || sum.Loaded != sum.Linked+sum.Created+sum.Reviews {
					t.Fatalf("%s: summary %+v does not add up", src, sum)
				}
			}
			if n := bulk.count(t, `SELECT count(*) FROM events`); n != single.count(t, `SELECT count(*) FROM events WHERE kind <> 'golden.changed'`)+bulk.count(t, `SELECT count(*) FROM events WHERE kind = 'golden.changed'`) {
				t.Fatalf("event counts differ")
			}
		})
	}
}

// TestBulkLoadRebuildsGoldenRecordsOfOtherRules: a load extends a citizen's stored golden record
// with its new records only while the survivorship rules it was built by are in force. Loaded
// under other rules, with a source trusted that earlier records came from, every citizen the load
// touches gets the golden record those rules build from all its records, as through the submit
// path.
func TestBulkLoadRebuildsGoldenRecordsOfOtherRules(t *testing.T) {
	t.Parallel()
	dir := population(t)
	later, err := registry.ParseSurvivorship("kemendikbud,kemenkes,dukcapil")
	if err != nil {
		t.Fatal(err)
	}
	nik := registry.EphemeralNIKCipher()
	serve := func(f *fixture, opts registry.Options) {
		f.svc = registry.NewService(pgstore.New(f.pool, pgstore.WithNIKCipher(nik)), opts)
	}
	bulk, single := &fixture{pool: pgtest.NewPool(t)}, &fixture{pool: pgtest.NewPool(t)}
	serve(bulk, registry.Options{})
	serve(single, registry.Options{})
	for _, src := range []string{"dukcapil", "kemendikbud"} {
		path := filepath.Join(dir, src+".csv")
		bulkLoad(t, bulk, src, path, 200)
		submitOneByOne(t, single, src, path)
	}
	serve(bulk, registry.Options{Survivorship: &later})
	serve(single, registry.Options{Survivorship: &later})
	path := filepath.Join(dir, "kemenkes.csv")
	bulkLoad(t, bulk, "kemenkes", path, 200)
	submitOneByOne(t, single, "kemenkes", path)
	got, want := stateOf(t, bulk), stateOf(t, single)
	sameState(t, "after a load under other rules", got, want)
	// The earlier rules trusted no kemendikbud value: only golden records rebuilt under the later
	// ones say so.
	n := 0
	for _, g := range got.golden {
		if strings.Contains(g, "by trust:kemendikbud") && strings.Contains(g, "kemenkes/") {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no golden record the load touched was rebuilt under the later rules: the test shows nothing")
	}
}

// TestBulkLoadIsIdempotent: loading the same file again writes nothing at all.
func TestBulkLoadIsIdempotent(t *testing.T) {
	t.Parallel()
	dir := population(t)
	f := newFixture(t)
	path := filepath.Join(dir, "kemenkes.csv")
	first := bulkLoad(t, f, "kemenkes", path, 250)
	before := stateOf(t, f)
	events := f.count(t, `SELECT count(*) FROM events`)
	again := bulkLoad(t, f, "kemenkes", path, 250)
	if again.Unchanged != first.Loaded || again.Loaded+again.Updated+again.Linked+again.Created+again.Reviews != 0 {
		t.Fatalf("second load = %+v, want %d unchanged and nothing else", again, first.Loaded)
	}
	sameState(t, "after loading again", stateOf(t, f), before)
	if n := f.count(t, `SELECT count(*) FROM events`); n != events {
		t.Fatalf("loading again wrote %d events", n-events)
	}
}

// TestBulkLoadUpdatesRematchLikeOneByOne: a changed row becomes a new version of its record and
// is matched again, exactly as a re-submission would be; steward decisions made between the
// loads (a record moved by hand, reviews decided "distinct") survive the second load.
func TestBulkLoadUpdatesRematchLikeOneByOne(t *testing.T) {
	t.Parallel()
	dir := population(t)
	// One NIK key for both registries, so that a NIK's blocking key has the same digest in each.
	nik := registry.EphemeralNIKCipher()
	bulk, single := newFixtureStore(t, nik), newFixtureStore(t, nik)
	for _, src := range []string{"dukcapil", "kemenkes"} {
		path := filepath.Join(dir, src+".csv")
		bulkLoad(t, bulk, src, path, 200)
		submitOneByOne(t, single, src, path)
	}
	sameState(t, "before the changes", stateOf(t, bulk), stateOf(t, single))

	// The same steward decisions in both registries, named by records.
	header, rows := csvRows(t, filepath.Join(dir, "kemenkes.csv"))
	ctx := context.Background()
	moved := []string{rows[3][0], rows[10][0], rows[17][0]}
	for _, f := range []*fixture{bulk, single} {
		p := f.principal(t, "kemenkes", registry.ScopeSteward)
		for _, id := range moved {
			if _, err := f.svc.MoveRecord(ctx, p, "kemenkes", id, uuid.Nil, "test: not this person"); err != nil {
				t.Fatal(err)
			}
		}
		revs, err := f.svc.ListReviews(ctx, p, registry.ReviewFilter{Sort: "oldest", Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(revs, func(i, j int) bool { return revs[i].Source+revs[i].LocalID < revs[j].Source+revs[j].LocalID })
		for _, r := range revs[:min(len(revs), 5)] {
			if _, err := f.svc.DecideReview(ctx, p, r.ID, r.Version, registry.Decision{Action: "distinct", Reason: "test"}); err != nil {
				t.Fatal(err)
			}
		}
	}
	sameState(t, "after the steward decisions", stateOf(t, bulk), stateOf(t, single))

	// Changed rows: names swapped between neighbours (they must find other citizens), a NIK
	// dropped, a birth date changed, and the moved records changed too.
	changed := make([][]string, len(rows))
	for i := range rows {
		changed[i] = slices.Clone(rows[i])
	}
	col := func(name string) int { return slices.Index(header, name) }
	for i := 0; i+1 < len(changed); i += 9 {
		for _, c := range []string{"nik", "full_name", "birth_date", "phone"} {
			changed[i][col(c)], changed[i+1][col(c)] = rows[i+1][col(c)], rows[i][col(c)]
		}
	}
	for i := 4; i < len(changed); i += 13 {
		changed[i][col("nik")] = ""
	}
	for i := 6; i < len(changed); i += 17 {
		changed[i][col("birth_date")] = "1901-01-01"
	}
	for _, i := range []int{3, 10, 17} {
		changed[i][col("address")] += " (pindah)"
	}
	path := filepath.Join(t.TempDir(), "kemenkes-v2.csv")
	writeCSV(t, path, header, changed)
	sum := bulkLoad(t, bulk, "kemenkes", path, 230)
	submitOneByOne(t, single, "kemenkes", path)
	if sum.Updated == 0 || sum.Unchanged == 0 {
		t.Fatalf("summary %+v: want updates and unchanged rows", sum)
	}
	// Nothing beside the loads: no chunk met a concurrent change (a chunk taking an update
	// for a new record would, and be redone).
	if strings.Contains(bulk.log.String(), "conflicted") {
		t.Fatalf("a chunk was redone:\n%s", bulk.log.String())
	}
	st := stateOf(t, bulk)
	sameState(t, "after the changed file", st, stateOf(t, single))
	for _, id := range moved {
		if k := st.kind["kemenkes/"+id]; k != "steward" {
			t.Fatalf("kemenkes/%s: link kind %s after the load, want the steward's link kept", id, k)
		}
	}
	// Each updated record keeps the first version it replaced; current versions are not copied.
	if n := bulk.count(t, `SELECT count(*) FROM source_record_versions WHERE version = 1`); n != sum.Updated {
		t.Fatalf("%d first versions kept, want %d", n, sum.Updated)
	}
	if n := bulk.count(t, `SELECT count(*) FROM source_record_versions v JOIN source_records r ON r.id = v.record_id
		WHERE v.version >= r.version OR v.received_at >= r.updated_at`); n != 0 {
		t.Fatalf("%d kept versions are not older than their record's current one", n)
	}
	if b, s := keysOf(t, bulk), keysOf(t, single); !slices.Equal(b, s) {
		for i := range min(len(b), len(s)) {
			if b[i] != s[i] {
				t.Logf("first difference: %q against %q", b[i], s[i])
				break
			}
		}
		t.Fatalf("the records hold %d blocking keys after the bulk load, %d after submitting them one by one (or other ones)", len(b), len(s))
	}
}

// keysOf returns every record's blocking keys as "source/local_id digest", sorted, after
// checking that the key index holds exactly the keys the records list (none left behind by a
// record's earlier version, none missing). Registries compared this way must share their NIK
// key (newFixtureStore): a NIK's key is digested with its keyed token.
func keysOf(t *testing.T, f *fixture) []string {
	t.Helper()
	if n := f.count(t, `SELECT count(*) FROM (
		(SELECT key, record_id FROM blocking_keys EXCEPT SELECT unnest(keys), id FROM source_records)
		UNION ALL
		(SELECT unnest(keys), id FROM source_records EXCEPT SELECT key, record_id FROM blocking_keys)) x`); n != 0 {
		t.Fatalf("%d blocking-key entries differ from the keys their records list", n)
	}
	rows, err := f.pool.Query(context.Background(),
		`SELECT source || '/' || local_id || ' ' || k FROM source_records, unnest(keys) k ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var _ = io.EOF

// TestBulkLoadNeverStoresNIKsInClear: the bulk path seals NIKs and indexes them by their keyed
// token exactly as the submit path does.
func TestBulkLoadNeverStoresNIKsInClear(t *testing.T) {
	t.Parallel()
	dir := population(t)
	f := newFixture(t)
	niks := map[string]bool{}
	for _, src := range []string{"dukcapil", "kemensos"} {
		path := filepath.Join(dir, src+".csv")
		header, rows := csvRows(t, path)
		col := slices.Index(header, "nik")
		for _, r := range rows {
			if len(r[col]) == 16 {
				niks[r[col]] = true
			}
		}
		bulkLoad(t, f, src, path, 300)
	}
	// A changed file, so that versions replaced by the bulk path are kept too.
	path := filepath.Join(dir, "dukcapil.csv")
	header, rows := csvRows(t, path)
	addr := slices.Index(header, "address")
	for _, r := range rows[:50] {
		r[addr] += " (pindah)"
	}
	changed := filepath.Join(t.TempDir(), "dukcapil.csv")
	writeCSV(t, changed, header, rows)
	if sum := bulkLoad(t, f, "dukcapil", changed, 300); sum.Updated == 0 {
		t.Fatalf("summary %+v: want updated records", sum)
	}
	if len(niks) < 100 {
		t.Fatalf("only %d NIKs in the input", len(niks))
	}
	digits := regexp.MustCompile(`[0-9]{16}`)
	ctx := context.Background()
	for _, q := range []string{
		`SELECT raw::text || normalized::text FROM source_records`,
		`SELECT raw::text FROM source_record_versions`,
		`SELECT key FROM blocking_keys`,
		`SELECT fields::text FROM golden_records`,
		`SELECT candidates::text FROM reviews`,
		`SELECT coalesce(explanation::text, '') FROM links`,
		`SELECT data::text FROM events`,
	} {
		rows, err := f.pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			for _, d := range digits.FindAllString(s, -1) {
				if niks[d] {
					t.Fatalf("%s holds a NIK of the input in clear", q)
				}
			}
		}
		rows.Close()
	}
	// And the sealed NIKs still link: the second file's records found their citizens by NIK.
	if n := f.count(t, `SELECT count(*) FROM source_records WHERE source = 'kemensos' AND outcome = 'linked'`); n == 0 {
		t.Fatal("no kemensos record linked to a dukcapil citizen")
	}
}

// TestLoadIntoEmptyRegistryMeetsRecordsWrittenBesideIt: a load into an empty registry does not
// look its keys up in the database (its index holds them all), yet a record another writer adds
// while it runs is a candidate for the rows after, as it would be for a submission.
func TestLoadIntoEmptyRegistryMeetsRecordsWrittenBesideIt(t *testing.T) {
	t.Parallel()
	path, header, rows := civilRegistrySample(t, 40)
	localID, person := personOf(header, rows[len(rows)-3]) // in the eighth of eight chunks
	f := newFixture(t)
	ctx := context.Background()
	if err := pgstore.New(f.pool).EnsureSource(ctx, "kemenkes"); err != nil {
		t.Fatal(err)
	}
	var beside registry.SubmitResult
	bulkLoadWith(t, f, "dukcapil", path, registry.LoadOptions{ChunkRows: 5, Progress: func(p registry.LoadProgress) {
		if p.Rows >= 5 && beside.CitizenID == uuid.Nil {
			var err error
			if beside, err = f.svc.Ingest(ctx, "test", "kemenkes", "beside-1", person); err != nil {
				t.Errorf("submit beside the load: %v", err)
			}
		}
	}})
	if beside.Outcome != registry.OutcomeCreated {
		t.Fatalf("the submission beside the load: %s, want a new citizen (the load had not reached its person)", beside.Outcome)
	}
	var citizen uuid.UUID
	err := f.pool.QueryRow(ctx, `SELECT l.citizen_id FROM links l JOIN source_records r ON r.id = l.record_id
		WHERE r.source = 'dukcapil' AND r.local_id = $1 AND l.ended_at IS NULL`, localID).Scan(&citizen)
	if err != nil {
		t.Fatal(err)
	}
	if citizen != beside.CitizenID {
		t.Fatalf("the loaded record of the submitted person went to citizen %s, not to the submission's %s", citizen, beside.CitizenID)
	}
}

// TestLoadMeetsASubmissionOfItsOwnRow: a submission beside a load of one of the load's rows (the
// same source, local ID and content) leaves that record registered once, whichever writes it
// first (the load counts its row unchanged if the submission did); a chunk that had classified
// the row as new before the submission is redone from fresh reads, and the records keep the
// file's order. The load is its source's first: a row in a chunk classified after the load met
// the submission is found in the registry (a first load asks for its rows' local IDs only once
// it meets a record of its source that is not its own).
func TestLoadMeetsASubmissionOfItsOwnRow(t *testing.T) {
	t.Parallel()
	path, header, rows := civilRegistrySample(t, 40)
	idCol := slices.Index(header, "local_id")
	for _, c := range []struct {
		what string
		row  int
	}{
		{"third of eight chunks", 12}, // as a rule classified before the first commits
		{"last of eight chunks", len(rows) - 3},
	} {
		t.Run(c.what, func(t *testing.T) {
			t.Parallel()
			localID, person := personOf(header, rows[c.row])
			f := newFixture(t)
			ctx := context.Background()
			submitted := false
			sum := bulkLoadWith(t, f, "dukcapil", path, registry.LoadOptions{ChunkRows: 5, Progress: func(p registry.LoadProgress) {
				if p.Rows >= 5 && !submitted {
					submitted = true
					if _, err := f.svc.Ingest(ctx, "test", "dukcapil", localID, person); err != nil {
						t.Errorf("submit beside the load: %v", err)
					}
				}
			}})
			if sum.Loaded+sum.Unchanged != len(rows) || sum.Unchanged > 1 {
				t.Fatalf("summary %+v: want every row loaded but, if the submission came first, its own", sum)
			}
			if c.row == len(rows)-3 && (sum.Unchanged != 1 || strings.Contains(f.log.String(), "conflicted")) {
				t.Fatalf("summary %+v, log:\n%s\nwant the row submitted long before its chunk found unchanged, with no chunk redone", sum, f.log.String())
			}
			rs, err := f.pool.Query(ctx, `SELECT local_id FROM source_records ORDER BY id`)
			if err != nil {
				t.Fatal(err)
			}
			got, err := pgx.CollectRows(rs, pgx.RowTo[string])
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, r := range rows {
				if r[idCol] != localID {
					want = append(want, r[idCol])
				}
			}
			got = slices.DeleteFunc(got, func(id string) bool { return id == localID })
			if len(got) != len(rows)-1 || !slices.Equal(got, want) {
				t.Fatalf("records by ID: %v, want the file's order %v (and the submitted one once)", got, want)
			}
			if n := f.count(t, `SELECT count(*) FROM source_records WHERE local_id = $1`, localID); n != 1 {
				t.Fatalf("the submitted row is registered %d times", n)
			}
		})
	}
}

// syncBuffer is a log's destination that the loader's goroutines may write to at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// loadUntil loads path and interrupts the load (as a killed process would leave it) once it
// has committed chunks chunks.
func loadUntil(t *testing.T, f *fixture, source, path string, chunkRows, chunks int) {
	t.Helper()
	in, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err = f.svc.Load(ctx, source, in, registry.LoadOptions{Input: path, ChunkRows: chunkRows,
		Progress: func(p registry.LoadProgress) {
			if p.Rows >= chunks*chunkRows {
				cancel()
			}
		}})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted load: %v", err)
	}
}

// TestResumedLoadSkipsCommittedChunks: a load interrupted after some chunks, run again, skips
// the committed chunks (reporting their counts), and ends as an uninterrupted load; if the input
// changed meanwhile, it loads the changed part afresh.
func TestResumedLoadSkipsCommittedChunks(t *testing.T) {
	t.Parallel()
	dir := population(t)
	header, rows := csvRows(t, filepath.Join(dir, "kemenkes.csv"))
	path := filepath.Join(t.TempDir(), "kemenkes.csv")
	writeCSV(t, path, header, rows)
	ref, f := newFixture(t), newFixture(t)
	for _, x := range []*fixture{ref, f} {
		bulkLoad(t, x, "dukcapil", filepath.Join(dir, "dukcapil.csv"), 250)
	}
	want := bulkLoad(t, ref, "kemenkes", path, 100)

	loadUntil(t, f, "kemenkes", path, 100, 3)
	firstCommit := f.count(t, `SELECT count(*) FROM load_chunks WHERE seq <= 3`)
	got := bulkLoad(t, f, "kemenkes", path, 100)
	if got.Rows != want.Rows || got.Loaded != want.Loaded || got.Linked != want.Linked || got.Created != want.Created ||
		got.Reviews != want.Reviews || got.Unchanged != 0 {
		t.Fatalf("resumed load reports %+v, the uninterrupted one %+v", got, want)
	}
	if n := f.count(t, `SELECT count(*) FROM loads WHERE source = 'kemenkes'`); n != 1 {
		t.Fatalf("%d load jobs: the re-run did not resume the interrupted one", n)
	}
	if firstCommit < 3 {
		t.Fatalf("only %d chunks committed before the interruption", firstCommit)
	}
	sameState(t, "resumed load", stateOf(t, f), stateOf(t, ref))

	// Interrupted again, then the file changes in its third chunk: the first two are skipped, the
	// rest is loaded afresh, and the result is that of loading the changed file.
	changed := slices.Clone(rows)
	changed[250] = slices.Clone(rows[250])
	changed[250][slices.Index(header, "full_name")] = "Nama Yang Lain Sekali"
	path2 := filepath.Join(t.TempDir(), "kemenkes.csv")
	ref2, f2 := newFixture(t), newFixture(t)
	for _, x := range []*fixture{ref2, f2} {
		bulkLoad(t, x, "dukcapil", filepath.Join(dir, "dukcapil.csv"), 250)
	}
	loadUntil(t, f2, "kemenkes", path, 100, 4)
	writeCSV(t, path, header, changed)
	writeCSV(t, path2, header, changed)
	bulkLoad(t, f2, "kemenkes", path, 100)
	bulkLoad(t, ref2, "kemenkes", path2, 100)
	st, st2 := stateOf(t, f2), stateOf(t, ref2)
	delete(st.counts, "source_record_versions") // the changed row has one more version
	delete(st2.counts, "source_record_versions")
	sameState(t, "changed input", st, st2)
}

// TestUploadJobsResume: an upload job that no process runs (its process died) is resumed by
// ResumeLoads, from its last checkpoint.
func TestUploadJobsResume(t *testing.T) {
	t.Parallel()
	dir := population(t)
	f := newFixture(t)
	p := f.principal(t, "kemensos", registry.ScopeBulk)
	ctx := context.Background()
	file, err := os.ReadFile(filepath.Join(dir, "kemensos.csv"))
	if err != nil {
		t.Fatal(err)
	}
	job, err := f.svc.UploadLoad(ctx, p, "kemensos", strings.NewReader(string(file)))
	if err != nil {
		t.Fatal(err)
	}
	if job.State != registry.LoadQueued || job.BytesTotal != int64(len(file)) {
		t.Fatalf("uploaded job %+v", job)
	}
	if err := f.svc.ResumeLoads(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.LoadStatus(ctx, p, job.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.State != registry.LoadDone || got.Summary.Loaded == 0 || got.Running {
		t.Fatalf("after ResumeLoads: %+v", got)
	}
	if n := f.count(t, `SELECT count(*) FROM load_parts`); n != 0 {
		t.Fatalf("%d parts of the uploaded input kept after the load", n)
	}
	other := f.principal(t, "dukcapil", registry.ScopeBulk)
	if _, err := f.svc.LoadStatus(ctx, other, job.ID); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("another source read the job: %v", err)
	}
}

// TestSealIDsStoredUncompressed: a chunk's seal stores its event IDs as they are (migration 20),
// not through pglz, whose compression of a bulk load's consecutive IDs cost more than it saved;
// the chain still verifies.
func TestSealIDsStoredUncompressed(t *testing.T) {
	t.Parallel()
	path, _, _ := civilRegistrySample(t, 200)
	f := newFixture(t)
	bulkLoad(t, f, "dukcapil", path, 200) // one chunk: some 600 events, IDs past the toast threshold
	var n int
	var compression *string
	err := f.pool.QueryRow(context.Background(), `SELECT cardinality(ids), pg_column_compression(ids) FROM audit_seals
		WHERE chain = $1 ORDER BY upto DESC LIMIT 1`, registry.ChainEvents).Scan(&n, &compression)
	if err != nil {
		t.Fatal(err)
	}
	if n < 300 {
		t.Fatalf("the chunk's seal holds %d events: too few for its IDs to be toasted", n)
	}
	if compression != nil {
		t.Fatalf("a seal's %d event IDs stored compressed (%s)", n, *compression)
	}
	if problems, err := f.svc.VerifyAudit(context.Background(), nil); err != nil || len(problems) != 0 {
		t.Fatalf("audit verification: %v, %v", problems, err)
	}
}
