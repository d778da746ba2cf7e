package matching

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
)

func normT(t testing.TB, r Record) Normalized {
	t.Helper()
	n, _ := Normalize(r)
	return n
}

func fieldOf(c Comparison, name string) FieldComparison {
	for _, f := range c.Fields {
		if f.Field == name {
			return f
		}
	}
	return FieldComparison{}
}

func TestCompareLevels(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	base := Record{NIK: "3602041211870001", FullName: "Budi Santoso", BirthDate: "1987-11-12", Phone: "081234567890"}
	tests := []struct {
		name   string
		change func(*Record)
		field  string
		level  string
	}{
		{"same", func(*Record) {}, FieldName, "exact"},
		{"reordered", func(r *Record) { r.FullName = "Santoso Budi" }, FieldName, "exact"},
		{"typo", func(r *Record) { r.FullName = "Budi Santosa" }, FieldName, "fuzzy"},
		{"dropped word", func(r *Record) { r.FullName = "Santoso" }, FieldName, "subset"},
		{"old spelling", func(r *Record) { r.FullName = "Boedi Santoso" }, FieldName, "exact"},
		{"twin NIK", func(r *Record) { r.NIK = "3602041211870002" }, FieldNIK, "twin"},
		{"NIK transposed", func(r *Record) { r.NIK = "3602041211870010" }, FieldNIK, "edit1"},
		{"NIK other serial", func(r *Record) { r.NIK = "3602041211870457" }, FieldNIK, "serial"},
		{"twin sister", func(r *Record) { r.NIK, r.Sex = "3602045211870001", "P" }, FieldNIK, "twin"},
		{"born the next day", func(r *Record) { r.NIK, r.BirthDate = "3602041311870001", "1987-11-13" }, FieldNIK, "conflict"},
		{"NIK of the other sex", func(r *Record) { r.NIK, r.Sex = "3602045211870001", "L" }, FieldNIK, "else"},
		{"day-month swap", func(r *Record) { r.BirthDate = "1987-12-11" }, FieldBirthDate, "edit1"},
		{"one digit", func(r *Record) { r.BirthDate = "1987-11-13" }, FieldBirthDate, "edit1"},
		{"near date", func(r *Record) { r.BirthDate = "1987-12-30" }, FieldBirthDate, "near"},
		{"same year", func(r *Record) { r.BirthDate = "1987-07-01" }, FieldBirthDate, "year"},
		{"other year", func(r *Record) { r.BirthDate = "1967-11-12" }, FieldBirthDate, "edit1"},
		{"far date", func(r *Record) { r.BirthDate = "1960-02-03" }, FieldBirthDate, "else"},
		{"no date", func(r *Record) { r.BirthDate = "" }, FieldBirthDate, "exact"}, // from the NIK
		{"phone typo", func(r *Record) { r.Phone = "081234567891" }, FieldPhone, "edit1"},
	}
	a := normT(t, base)
	for _, tt := range tests {
		r := base
		tt.change(&r)
		if got := fieldOf(m.Compare(a, normT(t, r)), tt.field); got.Level != tt.level {
			t.Errorf("%s: %s level %q, want %q", tt.name, tt.field, got.Level, tt.level)
		}
	}
}

func TestModelStoredBeforeALevelDecidesAsBefore(t *testing.T) {
	t.Parallel()
	// A model stored before the NIK's "conflict" level existed scored those
	// pairs at "else".
	old := DefaultModel()
	nik := &old.Fields[fieldNIK]
	nik.Levels = nik.Levels[:len(nik.Levels)-1]
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	var m Model
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	// Namesakes of one district born six days apart, each with a NIK of their own (nothing caps
	// the pair, so the NIK's bar is its level's weight).
	a := normT(t, Record{NIK: "3602041211870001", FullName: "Budi Santoso", BirthDate: "1987-11-12", Sex: "L"})
	b2 := normT(t, Record{NIK: "3602041811870003", FullName: "Budi Santoso", BirthDate: "1987-11-18", Sex: "L"})
	got := fieldOf(m.Compare(a, b2), FieldNIK)
	if want := levelWeight(&old.Fields[fieldNIK].Levels[nikLevelElse]); got.Level != "conflict" || got.Weight != want {
		t.Errorf("old model: NIK %s at %v bits, want conflict at the old else's %v", got.Level, got.Weight, want)
	}
	if s := m.Score(&a, &b2); s != m.Compare(a, b2).Weight {
		t.Errorf("old model: Score %v != Compare %v", s, m.Compare(a, b2).Weight)
	}
	if err := json.Unmarshal([]byte(`{"version":"v","fields":[],"thresholds":1}`), &m); err == nil {
		t.Error("a model with a parameter this version does not know was decoded")
	}
}

func TestTwinsAreAHardNegative(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	a := normT(t, Record{NIK: "3602045211870001", FullName: "Dwi Lestari", BirthDate: "1987-11-12", Sex: "P", Address: "Jl. Merdeka 5", Phone: "081234567890"})
	b := normT(t, Record{NIK: "3602045211870002", FullName: "Dwi Lestary", BirthDate: "1987-11-12", Sex: "P", Address: "Jl. Merdeka 5", Phone: "081234567890"})
	c := m.Compare(a, b)
	if c.Probability >= m.LinkProbability {
		t.Errorf("twins would be auto-linked: %+v", c)
	}
	b.NIK = ""
	if c2 := m.Compare(a, b); c2.Probability < m.LinkProbability {
		t.Errorf("without the twin NIK the same pair should link: %+v", c2)
	}
}

func TestSiblingsAreAHardNegative(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	for _, p := range [][2]string{{"Dwi Lestari", "Tri Lestari"}, {"I Wayan Sudarma", "I Made Sudarma"}} {
		r := Record{FullName: p[0], BirthDate: "1990-05-06", Address: "Jl. Merdeka 5", Phone: "081234567890", Village: "Sukamaju"}
		a := normT(t, r)
		r.FullName = p[1]
		c := m.Compare(a, normT(t, r))
		if c.Probability > m.DistinctProbability || fieldOf(c, FieldName).Level != "sibling" {
			t.Errorf("%s / %s: %+v", p[0], p[1], c)
		}
	}
	// Variants of the same birth order are not siblings.
	a, b := normT(t, Record{FullName: "Wayan Sudarma"}), normT(t, Record{FullName: "Putu Sudarma"})
	if l := fieldOf(m.Compare(a, b), FieldName).Level; l == "sibling" {
		t.Errorf("Wayan / Putu Sudarma judged siblings")
	}
}

func TestPlaceholderDateIsWeakEvidence(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	real := m.Compare(normT(t, Record{FullName: "Siti", BirthDate: "1980-03-12"}), normT(t, Record{FullName: "Siti", BirthDate: "1980-03-12"}))
	ph := m.Compare(normT(t, Record{FullName: "Siti", BirthDate: "1980-07-01"}), normT(t, Record{FullName: "Siti", BirthDate: "1980-07-01"}))
	if fieldOf(ph, FieldBirthDate).Weight >= fieldOf(real, FieldBirthDate).Weight-3 {
		t.Errorf("placeholder date weighs %v, ordinary date %v", fieldOf(ph, FieldBirthDate).Weight, fieldOf(real, FieldBirthDate).Weight)
	}
}

func TestMissingIsNeutral(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	a := normT(t, Record{FullName: "Budi Santoso", BirthDate: "1987-11-12"})
	b := normT(t, Record{FullName: "Budi Santoso", BirthDate: "1987-11-12", Phone: "0812345678", Email: "b@x.id", Address: "Jl. A 1"})
	c := m.Compare(a, b)
	for _, f := range c.Fields {
		if f.Level == "missing" && f.Weight != 0 {
			t.Errorf("%s missing weighs %v", f.Field, f.Weight)
		}
	}
	if m.Compare(a, a).Weight != c.Weight {
		t.Errorf("extra fields on one side changed the score: %v vs %v", m.Compare(a, a).Weight, c.Weight)
	}
}

func TestTermFrequencyAdjustment(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	m.TermFrequencies = map[string]TermFrequency{
		tfName:      {Records: 10000, Counts: map[string]int{"muhammad": 4000, "rizki": 900, "siti": 3000}},
		tfBirthDate: {Records: 10000, Counts: map[string]int{"1980-07-01": 400}},
	}
	for i := range m.Fields {
		for j := range m.Fields[i].Levels {
			if l := &m.Fields[i].Levels[j]; fieldSpecs[i].tfLevels[j] {
				l.TFBase = -math.Log2(l.U)
			}
		}
	}
	w := func(a, b string) float64 {
		return fieldOf(m.Compare(normT(t, Record{FullName: a}), normT(t, Record{FullName: b})), FieldName).Weight
	}
	common, rare := w("Muhammad Rizki", "Moch. Rizki"), w("Muhammad Xqwan", "Muhammad Xqwan")
	if rare <= common+3 {
		t.Errorf("rare name weighs %v, common %v", rare, common)
	}
	// A common word shared while the rest differs is weak.
	if p := w("Siti Aminah", "Siti Rahayu"); p > 2 {
		t.Errorf("shared 'siti' weighs %v", p)
	}
}

func TestDecide(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	cand := func(id string, w float64) Candidate {
		return Candidate{ID: id, Comparison: Comparison{Weight: w, Probability: probability(w)}}
	}
	tests := []struct {
		name  string
		cands []Candidate
		want  Outcome
		best  string
	}{
		{"none", nil, OutcomeNew, ""},
		{"weak", []Candidate{cand("a", -3)}, OutcomeNew, ""},
		{"uncertain", []Candidate{cand("a", 3)}, OutcomeReview, "a"},
		{"clear", []Candidate{cand("b", -8), cand("a", 15)}, OutcomeLink, "a"},
		{"close runner-up", []Candidate{cand("a", 15), cand("b", 12)}, OutcomeReview, "a"},
		{"far runner-up", []Candidate{cand("a", 15), cand("b", 8)}, OutcomeLink, "a"},
		{"tie broken by id", []Candidate{cand("b", 9), cand("a", 9)}, OutcomeReview, "a"},
	}
	for _, tt := range tests {
		d := m.Decide(tt.cands)
		if d.Outcome != tt.want {
			t.Errorf("%s: outcome %s (%s), want %s", tt.name, d.Outcome, d.Reason, tt.want)
		}
		got := ""
		if d.Best >= 0 {
			got = d.Ranked[d.Best].ID
		}
		if got != tt.best {
			t.Errorf("%s: best %q, want %q", tt.name, got, tt.best)
		}
		if d.Reason == "" {
			t.Errorf("%s: empty reason", tt.name)
		}
	}
}

func TestClusterCutsChains(t *testing.T) {
	t.Parallel()
	opts := ClusterOptions{LinkWeight: 7, DistinctWeight: -10}
	// 0-1-2-3 chain; 0 and 3 are clearly different, 4 alone.
	edges := []Edge{{0, 1, 30}, {1, 2, 20}, {2, 3, 10}, {0, 3, -25}, {3, 4, 2}}
	got := Cluster(5, edges, opts)
	want := [][]int{{0, 1, 2}, {3}, {4}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Cluster = %v, want %v", got, want)
	}
	// Without the distinct pair the chain closes.
	if got := Cluster(5, edges[:3], opts); !reflect.DeepEqual(got, [][]int{{0, 1, 2, 3}, {4}}) {
		t.Errorf("Cluster = %v", got)
	}
	// A scorer vetoes pairs that have no edge.
	opts.Score = func(a, b int) float64 {
		if (a == 0 && b == 2) || (a == 2 && b == 0) {
			return -40
		}
		return 0
	}
	if got := Cluster(3, []Edge{{0, 1, 30}, {1, 2, 20}}, opts); !reflect.DeepEqual(got, [][]int{{0, 1}, {2}}) {
		t.Errorf("Cluster with scorer = %v", got)
	}
	// Order of edges does not matter.
	rev := []Edge{{3, 4, 2}, {3, 0, -25}, {3, 2, 10}, {2, 1, 20}, {1, 0, 30}}
	if got := Cluster(5, rev, ClusterOptions{LinkWeight: 7, DistinctWeight: -10}); !reflect.DeepEqual(got, want) {
		t.Errorf("Cluster(reversed) = %v, want %v", got, want)
	}
}

func TestTrainIsDeterministicAndSerialisable(t *testing.T) {
	t.Parallel()
	recs := benchRecords(600)
	ns := make([]Normalized, len(recs))
	for i := range recs {
		ns[i] = normT(t, recs[i])
	}
	m1, err := Train(ns, TrainOptions{Seed: 5, RandomPairs: 20000})
	if err != nil {
		t.Fatal(err)
	}
	m2, _ := Train(ns, TrainOptions{Seed: 5, RandomPairs: 20000})
	b1, _ := json.Marshal(m1)
	b2, _ := json.Marshal(m2)
	if string(b1) != string(b2) {
		t.Fatalf("Train is not deterministic")
	}
	if m1.Version == DefaultModel().Version || m1.Training == nil || m1.Training.Records != 600 {
		t.Errorf("version %q training %+v", m1.Version, m1.Training)
	}
	var back Model
	if err := json.Unmarshal(b1, &back); err != nil {
		t.Fatal(err)
	}
	if c1, c2 := m1.Compare(ns[0], ns[1]), back.Compare(ns[0], ns[1]); !reflect.DeepEqual(c1, c2) {
		t.Errorf("model changes through JSON: %+v vs %+v", c1, c2)
	}
	if _, err := Train(ns[:1], TrainOptions{}); err != ErrTooFewRecords {
		t.Errorf("Train(1 record) error %v", err)
	}
}

func TestModelFieldsInOrder(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	if len(m.Fields) != len(fieldSpecs) {
		t.Fatalf("%d fields, %d specs", len(m.Fields), len(fieldSpecs))
	}
	for i, f := range m.Fields {
		if f.Field != fieldSpecs[i].name || len(f.Levels) != len(fieldSpecs[i].levels) {
			t.Fatalf("field %d: %s/%d levels vs %s/%d", i, f.Field, len(f.Levels), fieldSpecs[i].name, len(fieldSpecs[i].levels))
		}
		for j, l := range f.Levels {
			if l.Level != fieldSpecs[i].levels[j] {
				t.Errorf("%s level %d is %q, want %q", f.Field, j, l.Level, fieldSpecs[i].levels[j])
			}
		}
	}
}
