package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema/pgtest"
)

// The end-to-end quality suite. Every labelled set goes through the registry's real load path
// (Service.Load, which `registry load` runs: each row decided as the single-record submit path
// decides it, candidates found by blocking key in PostgreSQL, scored, Decide, written), so a true
// pair that blocking never proposes, or that the load leaves in review, counts as a miss, and so
// does a row the registry rejects. One protocol and one configuration for every set:
//
//  1. load the set into a fresh registry that was never trained (matching.DefaultModel());
//  2. train on the records that registry now holds, without labels (Service.TrainModel, which
//     `registry train` runs, seed 1) and store and activate the model;
//  3. load the set again into a fresh registry whose active model is the trained one, through
//     the CLI's own db.service, and evaluate its links (registry.Evaluator, which `registry eval`
//     runs).
//
// Step 3 stands in for "re-match everything with the learned parameters": links made with the
// default model are not revisited by training, so a fresh load is how to see what the trained
// model decides. Its figures are the headline; step 1's (a registry bootstrapped without
// training) are reported beside them. Labels are read only to score.

// qualityFloors are regression floors for step 3, a little below the measured figures
// (docs/quality.md). Precision floors are tight: a false merge is the costly error.
var qualityFloors = map[string]qualityFloor{
	"febrl1":          {p: 0.999, r: 0.99, f1: 0.995},
	"febrl2":          {p: 0.999, r: 0.99, f1: 0.995},
	"febrl3":          {p: 0.999, r: 0.993, f1: 0.996}, // target: P >= 0.999, F1 >= 0.995
	"dsgen-a10000":    {p: 0.999, r: 0.998, f1: 0.999},
	"dsgen-c10000":    {p: 0.998, r: 0.935, f1: 0.965}, // target: F1 >= 0.95
	"splink-fake1000": {p: 0.995, r: 0.77, f1: 0.87},   // target: F1 >= 0.87
	"rldata500":       {p: 0.98, r: 0.87, f1: 0.93},
	// target: P >= 0.999, R >= 0.98, < 0.5 % of hard-negative groups merged, reviews <= 2 %.
	"synth-current": {p: 0.998, r: 0.98, f1: 0.99, maxReviews: 0.01, maxHNMerged: 0.005},
}

type qualityFloor struct {
	p, r, f1    float64
	maxReviews  float64 // share of loaded records sent to review (0: not checked)
	maxHNMerged float64 // share of present hard-negative groups merged (0: not checked)
}

// qualityResult is one set's figures.
type qualityResult struct {
	set, data string
	records   int
	first     registry.Evaluation // step 1: default model
	final     registry.Evaluation // step 3: trained model
	firstSum  registry.LoadSummary
	finalSum  registry.LoadSummary
	model     *matching.Model
	train     registry.TrainReport
	loadTime  [2]time.Duration
	trainTime time.Duration
}

func TestQualityEndToEnd(t *testing.T) {
	data := sharedDataDir(t)
	if testing.Short() {
		t.Skip("end-to-end quality suite skipped in -short mode")
	}
	people := synthPeople(t)
	sets := []struct {
		name  string
		big   bool // the 10,000-record sets: skipped under -race (slow); .ci/run runs them without it
		build func(t *testing.T, dir string) qualitySet
	}{
		{"febrl1", false, febrlSet(data, "febrl/dataset1.csv")},
		{"febrl2", false, febrlSet(data, "febrl/dataset2.csv")},
		{"febrl3", false, febrlSet(data, "febrl/dataset3.csv")},
		{"dsgen-a10000", true, febrlSet(data, "febrl-dsgen/dataset_A_10000.csv")},
		{"dsgen-c10000", true, febrlSet(data, "febrl-dsgen/dataset_C_10000.csv")},
		{"splink-fake1000", false, splinkSet(data, "splink-fake1000/fake_1000.csv")},
		{"rldata500", false, rldataSet(data, "rldata/RLdata500.csv")},
		{"synth-current", false, synthSet(people)},
	}
	results := make([]*qualityResult, len(sets))
	t.Run("sets", func(t *testing.T) {
		for i, s := range sets {
			t.Run(s.name, func(t *testing.T) {
				if raceEnabled && s.big {
					t.Skipf("%s skipped under -race (slow); .ci/run runs it without -race", s.name)
				}
				t.Parallel()
				qs := s.build(t, t.TempDir())
				qs.name = s.name
				res := runQualitySet(t, qs)
				results[i] = res
				checkFloors(t, res)
			})
		}
	})
	t.Log("\n" + qualityTable(results))
}

// checkFloors fails the test when a set falls below its floor.
func checkFloors(t *testing.T, r *qualityResult) {
	t.Helper()
	fl, ok := qualityFloors[r.set]
	if !ok {
		t.Fatalf("%s: no quality floor", r.set)
	}
	if r.set == "synth-current" && (os.Getenv("REGISTRY_QUALITY_PEOPLE") != "" || os.Getenv("REGISTRY_QUALITY_REFERENCE") != "") {
		// The floors hold at the suite's own sizes; precision falls as a population grows denser
		// (more namesakes, more people per birth date and district), so a measurement at
		// another size reports its figures without judging them.
		t.Logf("%s: floors are calibrated at %d people with the built-in reference, not asserted at REGISTRY_QUALITY_PEOPLE or REGISTRY_QUALITY_REFERENCE", r.set, defaultPeople())
		return
	}
	e := r.final
	if e.Pairwise.Precision < fl.p || e.Pairwise.Recall < fl.r || e.Pairwise.F1 < fl.f1 {
		t.Errorf("%s: pairwise P %.4f R %.4f F1 %.4f, floors %.4f / %.4f / %.4f",
			r.set, e.Pairwise.Precision, e.Pairwise.Recall, e.Pairwise.F1, fl.p, fl.r, fl.f1)
	}
	if fl.maxReviews > 0 {
		if share := float64(r.finalSum.Reviews) / float64(r.records); share > fl.maxReviews {
			t.Errorf("%s: %.2f%% of records sent to review, ceiling %.2f%%", r.set, 100*share, 100*fl.maxReviews)
		}
	}
	if fl.maxHNMerged > 0 {
		if share := hnMergedShare(e); share > fl.maxHNMerged {
			t.Errorf("%s: %.2f%% of hard-negative groups merged, ceiling %.2f%%", r.set, 100*share, 100*fl.maxHNMerged)
		}
	}
}

func hnMergedShare(e registry.Evaluation) float64 {
	var present, merged int
	for _, c := range e.HardNegatives {
		present += c.Present
		merged += c.Merged
	}
	if present == 0 {
		return 0
	}
	return float64(merged) / float64(present)
}

// qualitySet is a labelled set converted to canonical person files.
type qualitySet struct {
	name   string
	data   string       // the shared data file(s), for the report
	files  []sourceFile // in load order
	truth  *registry.Truth
	groups []registry.HardNegativeGroup
}

type sourceFile struct{ source, path string }

// runQualitySet runs the three-step protocol on one set.
func runQualitySet(t *testing.T, qs qualitySet) *qualityResult {
	ctx := context.Background()
	res := &qualityResult{set: qs.name, data: qs.data}
	log := slog.New(slog.DiscardHandler)

	// 1. A registry that was never trained.
	first := &database{pool: pgtest.NewPool(t), nik: registry.EphemeralNIKCipher()}
	svc := first.service(log)
	if v := svc.Model().Version; v != matching.DefaultModel().Version {
		t.Fatalf("untrained registry decides with model %s", v)
	}
	start := time.Now()
	res.firstSum = loadAll(t, svc, qs.files)
	res.loadTime[0] = time.Since(start)
	res.first = evaluate(t, svc, qs)
	res.records = res.firstSum.Loaded

	// 2. Train on what it holds; store and activate.
	start = time.Now()
	m, rep, err := svc.TrainModel(ctx, registry.TrainOptions{Seed: 1})
	if err != nil {
		t.Fatalf("train: %v", err)
	}
	if err := svc.SaveModel(ctx, m, true); err != nil {
		t.Fatalf("save model: %v", err)
	}
	res.trainTime = time.Since(start)
	res.model, res.train = m, rep

	// 3. A fresh registry deciding with the trained model, picked up as `serve` and `load` do.
	pool := pgtest.NewPool(t)
	final := &database{pool: pool, nik: registry.EphemeralNIKCipher()}
	if err := final.service(log).SaveModel(ctx, m, true); err != nil {
		t.Fatalf("save model in the second registry: %v", err)
	}
	svc = final.service(log)
	if svc.Model().Version != m.Version {
		t.Fatalf("second registry decides with %s, want the trained %s", svc.Model().Version, m.Version)
	}
	start = time.Now()
	res.finalSum = loadAll(t, svc, qs.files)
	res.loadTime[1] = time.Since(start)
	res.final = evaluate(t, svc, qs)
	var stale int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM links WHERE ended_at IS NULL AND kind = 'auto' AND model_version <> $1`, m.Version).Scan(&stale); err != nil {
		t.Fatal(err)
	}
	if stale != 0 {
		t.Errorf("%d active links do not record the trained model's version", stale)
	}
	// Rejected rows (a record stating none of a name, a NIK, a birth date, a phone or an e-mail)
	// stay in the truth: their true pairs count as misses.
	if got := res.finalSum.Loaded + res.finalSum.Rejected; got != qs.truth.Records() {
		t.Errorf("%s: %d rows loaded or rejected, the truth has %d records", qs.name, got, qs.truth.Records())
	}
	return res
}

func loadAll(t *testing.T, svc *registry.Service, files []sourceFile) registry.LoadSummary {
	t.Helper()
	var total registry.LoadSummary
	for _, f := range files {
		in, err := os.Open(f.path)
		if err != nil {
			t.Fatal(err)
		}
		sum, err := svc.Load(context.Background(), f.source, in, registry.LoadOptions{})
		in.Close()
		if err != nil {
			t.Fatalf("load %s: %v", filepath.Base(f.path), err)
		}
		total.Rows += sum.Rows
		total.Loaded += sum.Loaded
		total.Unchanged += sum.Unchanged
		total.Updated += sum.Updated
		total.Rejected += sum.Rejected
		total.Linked += sum.Linked
		total.Created += sum.Created
		total.Reviews += sum.Reviews
		total.Flagged += sum.Flagged
	}
	return total
}

func evaluate(t *testing.T, svc *registry.Service, qs qualitySet) registry.Evaluation {
	t.Helper()
	ev := registry.NewEvaluator(qs.truth)
	if err := svc.ExportLinks(context.Background(), ev.Add); err != nil {
		t.Fatalf("export links: %v", err)
	}
	return ev.Result(qs.groups)
}

// qualityTable formats the results as docs/quality.md shows them.
func qualityTable(results []*qualityResult) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-16s %6s %6s | %-23s | %-23s | %-23s | %5s %6s %6s | %s\n", "set", "recs", "pairs",
		"untrained P / R / F1", "trained P / R / F1", "trained B3 P / R / F1", "rev", "merges", "splits", "load+train+load")
	for _, r := range results {
		if r == nil {
			continue
		}
		f, e := r.first.Pairwise, r.final
		fmt.Fprintf(&b, "%-16s %6d %6d | %.4f %.4f %.4f | %.4f %.4f %.4f | %.4f %.4f %.4f | %5d %6d %6d | %s+%s+%s\n",
			r.set, r.records, e.TruePairs, f.Precision, f.Recall, f.F1,
			e.Pairwise.Precision, e.Pairwise.Recall, e.Pairwise.F1, e.BCubed.Precision, e.BCubed.Recall, e.BCubed.F1,
			r.finalSum.Reviews, e.FalseMerges, e.Splits,
			r.loadTime[0].Round(100*time.Millisecond), r.trainTime.Round(100*time.Millisecond), r.loadTime[1].Round(100*time.Millisecond))
	}
	fmt.Fprintf(&b, "\nuntrained registry: reviews, false merges, splits\n")
	for _, r := range results {
		if r != nil {
			fmt.Fprintf(&b, "%-16s reviews %d  false merges %d  splits %d\n", r.set, r.firstSum.Reviews, r.first.FalseMerges, r.first.Splits)
		}
	}
	fmt.Fprintf(&b, "\nmodels (trained on the untrained registry's records, seed 1):\n")
	for _, r := range results {
		if r != nil && r.model != nil && r.model.Training != nil {
			tr := r.model.Training
			fmt.Fprintf(&b, "%-16s %s  records %d  candidate pairs %d  em_iterations %d converged %t  match_share %.4f  prior %.2f\n",
				r.set, r.model.Version, r.train.Sampled, tr.CandidatePairs, tr.Iterations, tr.Converged, tr.MatchShare, r.model.PriorWeight)
		}
	}
	for _, r := range results {
		if r == nil || len(r.final.HardNegatives) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n%s hard-negative groups (trained; untrained in brackets): kind groups present merged\n", r.set)
		for _, k := range r.final.HardNegativeKinds() {
			c, c0 := r.final.HardNegatives[k], r.first.HardNegatives[k]
			fmt.Fprintf(&b, "  %-20s %6d %6d %4d (%d)\n", k, c.Groups, c.Present, c.Merged, c0.Merged)
		}
		fmt.Fprintf(&b, "  merged share of present groups: %.3f%% (untrained %.3f%%); reviews %.2f%% of records (untrained %.2f%%)\n",
			100*hnMergedShare(r.final), 100*hnMergedShare(r.first),
			100*float64(r.finalSum.Reviews)/float64(r.records), 100*float64(r.firstSum.Reviews)/float64(r.records))
	}
	return b.String()
}

// sharedDataDir finds ../shared/data beside the module root (the directory holding go.mod), or
// skips the test naming the path it looked for.
func sharedDataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Skip("no go.mod above the test directory; cannot locate ../shared/data")
		}
		dir = parent
	}
	data := filepath.Join(filepath.Dir(dir), "shared", "data")
	if _, err := os.Stat(data); err != nil {
		t.Skipf("labelled sets not found at %s (expected ../shared/data beside the module root)", data)
	}
	return data
}

// synthPeople is the generator's population size for the suite: REGISTRY_QUALITY_PEOPLE, or a
// size the suite can afford on every run (smaller under -race).
func synthPeople(t *testing.T) int {
	if v := os.Getenv("REGISTRY_QUALITY_PEOPLE"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			t.Fatalf("REGISTRY_QUALITY_PEOPLE=%q: want a positive number", v)
		}
		return n
	}
	return defaultPeople()
}

// defaultPeople is the suite's own population size: 2000 people (about 6,000 records), 500 under
// -race.
func defaultPeople() int {
	if raceEnabled {
		return 500
	}
	return 2000
}

// personWriter writes a canonical person file (design.md: local_id + the person fields).
type personWriter struct {
	f *os.File
	w *csv.Writer
}

func newPersonWriter(t *testing.T, path string) *personWriter {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := csv.NewWriter(f)
	w.Write(append([]string{"local_id"}, registry.PersonFields...))
	return &personWriter{f: f, w: w}
}

func (p *personWriter) add(localID string, person registry.Person) {
	row := []string{localID}
	for _, name := range registry.PersonFields {
		row = append(row, person.Field(name))
	}
	p.w.Write(row)
}

func (p *personWriter) close(t *testing.T) {
	t.Helper()
	p.w.Flush()
	if err := p.w.Error(); err != nil {
		t.Fatal(err)
	}
	if err := p.f.Close(); err != nil {
		t.Fatal(err)
	}
}

// readLabelled reads a labelled CSV, trimming the ", " separators FEBRL uses.
func readLabelled(t *testing.T, path string) (func(row []string, name string) string, [][]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Skipf("labelled set not found at %s: %v", path, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.TrimSpace(h)] = i
	}
	var rows [][]string
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("read %s: %v", path, err)
		}
		rows = append(rows, row)
	}
	get := func(row []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(row) {
			return ""
		}
		return strings.TrimSpace(row[i])
	}
	return get, rows
}

var febrlEntity = regexp.MustCompile(`^rec-(\d+)-`)

// febrlSet converts FEBRL 1-3 and the dsgen series (same schema; dsgen adds phone_number).
// blocking_number is never read: it is the same for every copy of a person.
func febrlSet(data, rel string) func(t *testing.T, dir string) qualitySet {
	return func(t *testing.T, dir string) qualitySet {
		get, rows := readLabelled(t, filepath.Join(data, rel))
		qs := qualitySet{data: rel, truth: registry.NewTruth()}
		const source = "labelled"
		out := filepath.Join(dir, "persons.csv")
		w := newPersonWriter(t, out)
		for _, row := range rows {
			id := get(row, "rec_id")
			ent := id[:len(id)-1] // dsgen: the last digit is the copy number
			if m := febrlEntity.FindStringSubmatch(id); m != nil {
				ent = m[1]
			}
			addr := strings.TrimSpace(get(row, "street_number") + " " + get(row, "address_1"))
			if a2 := get(row, "address_2"); a2 != "" {
				addr += ", " + a2
			}
			w.add(id, registry.Person{
				NIK: get(row, "soc_sec_id"), GivenName: get(row, "given_name"), FamilyName: get(row, "surname"),
				BirthDate: get(row, "date_of_birth"), Address: addr, City: get(row, "suburb"),
				Province: get(row, "state"), Postcode: get(row, "postcode"), Phone: get(row, "phone_number"),
			})
			if err := qs.truth.Add(source, id, ent); err != nil {
				t.Fatal(err)
			}
		}
		w.close(t)
		qs.files = []sourceFile{{source, out}}
		return qs
	}
}

func splinkSet(data, rel string) func(t *testing.T, dir string) qualitySet {
	return func(t *testing.T, dir string) qualitySet {
		get, rows := readLabelled(t, filepath.Join(data, rel))
		qs := qualitySet{data: rel, truth: registry.NewTruth()}
		const source = "labelled"
		out := filepath.Join(dir, "persons.csv")
		w := newPersonWriter(t, out)
		for _, row := range rows {
			id := get(row, "unique_id")
			w.add(id, registry.Person{
				GivenName: get(row, "first_name"), FamilyName: get(row, "surname"), BirthDate: get(row, "dob"),
				City: get(row, "city"), Email: get(row, "email"),
			})
			if err := qs.truth.Add(source, id, get(row, "cluster")); err != nil {
				t.Fatal(err)
			}
		}
		w.close(t)
		qs.files = []sourceFile{{source, out}}
		return qs
	}
}

func rldataSet(data, rel string) func(t *testing.T, dir string) qualitySet {
	return func(t *testing.T, dir string) qualitySet {
		get, rows := readLabelled(t, filepath.Join(data, rel))
		qs := qualitySet{data: rel, truth: registry.NewTruth()}
		const source = "labelled"
		out := filepath.Join(dir, "persons.csv")
		w := newPersonWriter(t, out)
		na := func(row []string, name string) string {
			if v := get(row, name); v != "NA" {
				return v
			}
			return ""
		}
		for _, row := range rows {
			id := get(row, "rec_id")
			date := na(row, "by")
			if m, d := na(row, "bm"), na(row, "bd"); date != "" && m != "" && d != "" {
				mi, _ := strconv.Atoi(m)
				di, _ := strconv.Atoi(d)
				date = fmt.Sprintf("%s-%02d-%02d", date, mi, di)
			}
			w.add(id, registry.Person{
				GivenName:  strings.TrimSpace(na(row, "fname_c1") + " " + na(row, "fname_c2")),
				FamilyName: strings.TrimSpace(na(row, "lname_c1") + " " + na(row, "lname_c2")),
				BirthDate:  date,
			})
			if err := qs.truth.Add(source, id, get(row, "ent_id")); err != nil {
				t.Fatal(err)
			}
		}
		w.close(t)
		qs.files = []sourceFile{{source, out}}
		return qs
	}
}

// synthSet generates the current scenario (seed 1) and loads its five ministry files, the civil
// registry first, as a registry would receive them. The reference tables are the built-in ones,
// which crowd everyone into 44 villages, or those in REGISTRY_QUALITY_REFERENCE (such as
// ../shared/data/indonesia), which spread people over the country's villages.
func synthSet(people int) func(t *testing.T, dir string) qualitySet {
	return func(t *testing.T, dir string) qualitySet {
		cfg, err := synth.DefaultConfig(synth.ScenarioCurrent)
		if err != nil {
			t.Fatal(err)
		}
		cfg.People = people
		ref, refName := synth.BuiltinReference(), "built-in reference"
		if d := os.Getenv("REGISTRY_QUALITY_REFERENCE"); d != "" {
			if ref, err = synth.LoadReference(d); err != nil {
				t.Fatal(err)
			}
			refName = "--reference " + d
		}
		if _, err := synth.Generate(context.Background(), cfg, ref, dir); err != nil {
			t.Fatal(err)
		}
		qs := qualitySet{data: fmt.Sprintf("registry gen --people %d --seed %d (current scenario, %s)", people, cfg.Seed, refName)}
		for _, src := range synth.SourceCodes() {
			qs.files = append(qs.files, sourceFile{src, filepath.Join(dir, src+".csv")})
		}
		if qs.truth, err = readFile(filepath.Join(dir, "truth.csv"), registry.ReadTruth); err != nil {
			t.Fatal(err)
		}
		if qs.groups, err = readFile(filepath.Join(dir, "hard_negatives.csv"), registry.ReadHardNegatives); err != nil {
			t.Fatal(err)
		}
		return qs
	}
}
