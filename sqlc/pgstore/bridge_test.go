package pgstore_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/bangsa/registry/registry"
)

// Three records of one woman: the civil registry's (NIK), a health record (birth date, phone,
// village; too little in common with the first to link, so it goes to review) and a
// social-affairs record that holds all of it and matches both above the link threshold, neither
// clearly ahead of the other.
func bridgeRows() (header []string, rows map[string][]string) {
	header = []string{"local_id", "nik", "full_name", "sex", "birth_date", "village", "city", "phone"}
	return header, map[string][]string{
		"dukcapil": {"D-1", "3201015505870001", "Siti Rahmawati", "P", "", "", "", ""},
		"kemenkes": {"K-1", "", "Siti Rahmawati", "P", "1987-05-15", "Pondok Rajeg", "Kabupaten Bogor", "081234567890"},
		"kemensos": {"S-1", "3201015505870001", "Siti Rahmawati", "P", "1987-05-15", "Pondok Rajeg", "Kabupaten Bogor", "081234567890"},
	}
}

func bridgePerson(header, row []string) (string, registry.Person) {
	var p registry.Person
	for i, h := range header[1:] {
		p.SetField(h, row[i+1])
	}
	return row[0], p
}

// submitSources submits the civil registry's, the health and the social-affairs row in turn.
func submitSources(t *testing.T, f *fixture, header []string, rows map[string][]string) (d, k, s registry.SubmitResult) {
	t.Helper()
	var res []registry.SubmitResult
	for _, src := range []string{"dukcapil", "kemenkes", "kemensos"} {
		id, p := bridgePerson(header, rows[src])
		r, err := f.svc.Submit(context.Background(), f.principal(t, src), src, id, p)
		if err != nil {
			t.Fatal(err)
		}
		res = append(res, r)
	}
	return res[0], res[1], res[2]
}

// sourceFiles writes each source's row to its own file in dir, civil registry first.
func sourceFiles(t *testing.T, dir string, header []string, rows map[string][]string) [][2]string {
	t.Helper()
	var steps [][2]string
	for _, src := range []string{"dukcapil", "kemenkes", "kemensos"} {
		path := filepath.Join(dir, src+".csv")
		writeCSV(t, path, header, [][]string{rows[src]})
		steps = append(steps, [2]string{src, path})
	}
	return steps
}

// loadBothWays loads each (source, file) step in bulk into one fresh registry and record by
// record into another, and checks after every step that the two hold the same state.
func loadBothWays(t *testing.T, steps [][2]string) (bulk, single *fixture) {
	t.Helper()
	bulk, single = newFixture(t), newFixture(t)
	for _, step := range steps {
		bulkLoad(t, bulk, step[0], step[1], 100)
		submitOneByOne(t, single, step[0], step[1])
		sameState(t, "after "+step[1], stateOf(t, bulk), stateOf(t, single))
	}
	return bulk, single
}

// TestRecordJoiningTwoCitizensMergesThem: a record that matches two citizens above the link
// threshold (and nothing else plausibly) joins them: the later citizen is merged into the best
// candidate automatically, the review its record waited in is closed, the links keep their
// automatic kind, and a steward can undo the merge.
func TestRecordJoiningTwoCitizensMergesThem(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	header, rows := bridgeRows()
	d, k, s := submitSources(t, f, header, rows)
	if d.Outcome != registry.OutcomeCreated || k.Outcome != registry.OutcomeReview || k.CitizenID == d.CitizenID {
		t.Fatalf("fixture: civil registry %s, health %s (%s vs %s); want created, then review on its own citizen", d.Outcome, k.Outcome, k.CitizenID, d.CitizenID)
	}
	if s.Outcome != registry.OutcomeLinked || s.CitizenID != d.CitizenID {
		t.Fatalf("joining record: %s to %s, want linked to %s", s.Outcome, s.CitizenID, d.CitizenID)
	}
	for _, key := range [][2]string{{"dukcapil", "D-1"}, {"kemenkes", "K-1"}, {"kemensos", "S-1"}} {
		rl, err := f.svc.Resolve(ctx, read(f.principal(t, key[0])), key[0], key[1])
		if err != nil {
			t.Fatal(err)
		}
		if rl.CitizenID != d.CitizenID {
			t.Fatalf("%s/%s resolves to %s, want %s", key[0], key[1], rl.CitizenID, d.CitizenID)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM citizens WHERE status = 'retired' AND id = $1 AND merged_into = $2`, k.CitizenID, d.CitizenID); n != 1 {
		t.Fatalf("the health record's citizen is not retired into the survivor")
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE id = $1 AND status = 'merged'`, k.ReviewID); n != 1 {
		t.Fatalf("the health record's review is still open")
	}
	if n := f.count(t, `SELECT count(*) FROM links WHERE ended_at IS NULL AND kind <> 'auto'`); n != 0 {
		t.Fatalf("%d links became steward links through an automatic merge", n)
	}
	if n := f.count(t, `SELECT count(*) FROM events WHERE kind = 'citizens.merged' AND data->>'reason' LIKE 'automatic:%'`); n != 2 {
		t.Fatalf("%d merge events, want 2 (retired and survivor)", n)
	}
	// A steward can undo it; the two citizens are then distinct, so matching never joins them again.
	if _, err := f.svc.Unmerge(ctx, f.steward(t), k.CitizenID, "different people"); err != nil {
		t.Fatal(err)
	}
	rl, err := f.svc.Resolve(ctx, read(f.principal(t, "kemenkes")), "kemenkes", "K-1")
	if err != nil {
		t.Fatal(err)
	}
	if rl.CitizenID != k.CitizenID {
		t.Fatalf("after unmerge K-1 is %s, want %s", rl.CitizenID, k.CitizenID)
	}
	id, p := bridgePerson(header, rows["kemensos"])
	p.Email = "siti@example.org" // a new version, matched again
	again, err := f.svc.Submit(ctx, f.principal(t, "kemensos"), "kemensos", id, p)
	if err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM citizens WHERE id = $1 AND status = 'active'`, k.CitizenID); n != 1 || again.CitizenID == k.CitizenID {
		t.Fatalf("after unmerge a new version of the joining record merged the distinct citizens again")
	}
}

// TestBulkLoadJoinsCitizensLikeOneByOne: the same three records bulk-loaded source after source,
// and with the joining record in the same chunk as another row of the retired citizen, end as
// the single-record path leaves them.
func TestBulkLoadJoinsCitizensLikeOneByOne(t *testing.T) {
	t.Parallel()
	header, rows := bridgeRows()
	dir := t.TempDir()
	bulk, _ := loadBothWays(t, sourceFiles(t, dir, header, rows))
	if n := bulk.count(t, `SELECT count(*) FROM citizens WHERE status = 'active'`); n != 1 {
		t.Fatalf("%d active citizens after the joining record, want 1", n)
	}

	// One file holding both the health record and the joining record (one chunk).
	mixed := filepath.Join(dir, "mixed.csv")
	writeCSV(t, mixed, header, [][]string{rows["kemenkes"], {"K-2", "3201015505870001", "Siti Rahmawati", "P", "1987-05-15", "Pondok Rajeg", "Kabupaten Bogor", "081234567890"}})
	bulk, _ = loadBothWays(t, [][2]string{{"dukcapil", filepath.Join(dir, "dukcapil.csv")}, {"kemenkes", mixed}})
	if n := bulk.count(t, `SELECT count(*) FROM citizens WHERE status = 'active'`); n != 1 {
		t.Fatalf("%d active citizens after the joining record, want 1", n)
	}
	if n := bulk.count(t, `SELECT count(*) FROM reviews WHERE status = 'open'`); n != 0 {
		t.Fatalf("%d reviews still open after the merge", n)
	}
}

// Three records of one woman: the civil registry's, a health record too thin to link to it (a
// birth date a month off, an e-mail the first lacks: it waits in review, the civil registry's
// citizen proposed), and a social-affairs record that holds all of it: it links to the first
// clearly ahead, and matches the waiting record above the link threshold.
func confirmRows() (header []string, rows map[string][]string) {
	header = []string{"local_id", "nik", "full_name", "sex", "birth_date", "village", "city", "phone", "email"}
	return header, map[string][]string{
		"dukcapil": {"D-1", "3201015505870001", "Siti Rahmawati", "P", "1987-05-15", "Pondok Rajeg", "Kabupaten Bogor", "", ""},
		"kemenkes": {"K-1", "", "Siti Rahmawati", "", "1987-06-15", "", "", "", "siti.rahma@example.org"},
		"kemensos": {"S-1", "3201015505870001", "Siti Rahmawati", "P", "1987-05-15", "Pondok Rajeg", "Kabupaten Bogor", "081234567890", "siti.rahma@example.org"},
	}
}

// TestLaterRecordSettlesAReview: the social-affairs record links to the civil registry's citizen
// and, deciding the waiting review again with what it adds, settles it: the health record's
// provisional citizen is merged into the proposed one and the review closes as merged.
func TestLaterRecordSettlesAReview(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	header, rows := confirmRows()
	d, k, s := submitSources(t, f, header, rows)
	if d.Outcome != registry.OutcomeCreated || k.Outcome != registry.OutcomeReview || k.CitizenID == d.CitizenID {
		t.Fatalf("fixture: civil registry %s, health %s; want created, then review on its own citizen", d.Outcome, k.Outcome)
	}
	if s.Outcome != registry.OutcomeLinked || s.CitizenID != d.CitizenID {
		t.Fatalf("later record: %s to %s, want linked to %s", s.Outcome, s.CitizenID, d.CitizenID)
	}
	rl, err := f.svc.Resolve(ctx, read(f.principal(t, "kemenkes")), "kemenkes", "K-1")
	if err != nil {
		t.Fatal(err)
	}
	if rl.CitizenID != d.CitizenID {
		t.Fatalf("the health record resolves to %s, want the proposed citizen %s", rl.CitizenID, d.CitizenID)
	}
	if n := f.count(t, `SELECT count(*) FROM reviews WHERE id = $1 AND status = 'merged'`, k.ReviewID); n != 1 {
		t.Fatalf("the health record's review is still open")
	}
	if n := f.count(t, `SELECT count(*) FROM events WHERE kind = 'citizens.merged' AND data->>'reason' LIKE 'automatic: record % confirms review %'`); n != 2 {
		t.Fatalf("%d merge events naming the settled review, want 2 (retired and survivor)", n)
	}
}

// TestBulkLoadSettlesReviewsLikeOneByOne: the same records bulk-loaded source after source, and
// with the waiting record and the one settling it in one chunk, end as the single-record path
// leaves them.
func TestBulkLoadSettlesReviewsLikeOneByOne(t *testing.T) {
	t.Parallel()
	header, rows := confirmRows()
	dir := t.TempDir()
	bulk, single := loadBothWays(t, sourceFiles(t, dir, header, rows))
	for _, fx := range []*fixture{bulk, single} {
		if n := fx.count(t, `SELECT count(*) FROM citizens WHERE status = 'active'`); n != 1 {
			t.Fatalf("%d active citizens after the settling record, want 1", n)
		}
	}

	mixed := filepath.Join(dir, "mixed.csv")
	settling := append([]string{"K-2"}, rows["kemensos"][1:]...)
	writeCSV(t, mixed, header, [][]string{rows["kemenkes"], settling})
	bulk, _ = loadBothWays(t, [][2]string{{"dukcapil", filepath.Join(dir, "dukcapil.csv")}, {"kemenkes", mixed}})
	if n := bulk.count(t, `SELECT count(*) FROM reviews WHERE status = 'open'`); n != 0 {
		t.Fatalf("%d reviews still open after the settling record", n)
	}

	// A second copy of the health record joins its provisional citizen first: the citizen no
	// longer waits with one record, and settling it is left to a steward.
	copies := filepath.Join(dir, "copies.csv")
	writeCSV(t, copies, header, [][]string{rows["kemenkes"], append([]string{"K-2"}, rows["kemenkes"][1:]...)})
	bulk, single = loadBothWays(t, [][2]string{{"dukcapil", filepath.Join(dir, "dukcapil.csv")}, {"kemenkes", copies}, {"kemensos", filepath.Join(dir, "kemensos.csv")}})
	for _, fx := range []*fixture{bulk, single} {
		if n := fx.count(t, `SELECT count(*) FROM citizens WHERE status = 'active'`); n != 2 {
			t.Fatalf("%d active citizens, want 2: a provisional citizen holding two records is not settled", n)
		}
		if n := fx.count(t, `SELECT count(*) FROM reviews WHERE status = 'open'`); n != 1 {
			t.Fatalf("%d reviews open, want the health record's", n)
		}
	}
}
