package matching

import (
	"math"
	"math/rand/v2"
	"sync"
	"testing"
)

// boundFloors are the floors MayReach is checked at: the model's three
// thresholds, the bulk loader's (review less its tolerance), and none.
func boundFloors(m *Model) []float64 {
	return []float64{m.DistinctWeight(), m.ReviewWeight(), m.ReviewWeight() - 1e-6, m.LinkWeight(), math.Inf(-1), 0}
}

// checkMayReach checks MayReach's contract on one pair at each floor: false
// only when Score is below the floor; RuledOut's (checkRuledOut) and Below's,
// which must also be symmetric; and ScoreBounds.Compare's.
func checkMayReach(t testing.TB, m *Model, a, b *Normalized, floors []float64) {
	t.Helper()
	s := m.Score(a, b)
	sa, sb := a.Sketch(), b.Sketch()
	bd := boundsOf(m)
	// ScoreBounds.Compare reaches what MayReach does and then equals Model.Compare. Once a pair
	// is reached every field MayReach compares has been, whatever the floor: the loader's floor
	// and none suffice. Under the race detector, which slows Compare most, an eighth of the pairs
	// drawn at random (a stride would fall in step with callers that alternate kinds of pair).
	if !raceEnabled || rand.IntN(8) == 0 {
		want := m.Compare(*a, *b)
		for _, floor := range []float64{m.ReviewWeight() - 1e-6, math.Inf(-1)} {
			c, ok := bd.Compare(a, b, floor)
			if may := bd.MayReach(a, b, floor); ok != may {
				t.Fatalf("model %s, floor %v: ScoreBounds.Compare reaches %v, MayReach %v", m.Version, floor, ok, may)
			}
			if ok && !sameComparison(c, want) {
				t.Fatalf("model %s, floor %v: ScoreBounds.Compare\n%+v\nModel.Compare\n%+v", m.Version, floor, c, want)
			}
		}
	}
	for _, floor := range floors {
		checkRuledOut(t, m, a, b, floor)
		if !bd.MayReach(a, b, floor) && s >= floor {
			t.Fatalf("model %s, floor %v: MayReach false, Score %v", m.Version, floor, s)
		}
		below := bd.Below(&sa, &sb, floor)
		if below && s >= floor {
			t.Fatalf("model %s, floor %v: Below true, Score %v\n%+v\n%+v", m.Version, floor, s, *a, *b)
		}
		if below != bd.Below(&sb, &sa, floor) {
			t.Fatalf("model %s, floor %v: Below is not symmetric", m.Version, floor)
		}
	}
}

// hostileModels stretches a model's parameters where the bound is subtle:
// strong and uneven household dependence, a large term-frequency limit,
// agreement-like weights on "else" levels.
func hostileModels(base *Model, seed uint64) []*Model {
	rng := rand.New(rand.NewPCG(seed, 1))
	dep := cloneModel(base)
	dep.Version, dep.TermFrequencies = base.Version+"+dependence", base.TermFrequencies
	dep.HouseholdDependence = make([][]float64, len(householdFields))
	for k := range dep.HouseholdDependence {
		dep.HouseholdDependence[k] = make([]float64, len(householdFields))
		for j := range dep.HouseholdDependence[k] {
			dep.HouseholdDependence[k][j] = 0.001 + rng.Float64()
		}
	}
	tf := cloneModel(base)
	tf.Version, tf.TermFrequencies, tf.TFMaxAdjust = base.Version+"+tf30", base.TermFrequencies, 30
	odd := cloneModel(base)
	odd.Version, odd.TermFrequencies = base.Version+"+odd", base.TermFrequencies
	for i := range odd.Fields {
		for l := range odd.Fields[i].Levels {
			lp := &odd.Fields[i].Levels[l]
			if !lp.Fixed {
				lp.M, lp.U = rng.Float64(), rng.Float64()
				lp.TFBase = 4 * rng.NormFloat64()
			}
		}
	}
	return []*Model{dep, tf, odd}
}

// TestMayReach checks the contract over every labelled set's candidate
// pairs and random pairs, with the default model, the set's trained model
// and stretched variants of both.
func TestMayReach(t *testing.T) {
	for _, load := range qualitySets(t) {
		s := load()
		t.Run(s.name, func(t *testing.T) {
			t.Parallel()
			if raceEnabled && len(s.records) > 5000 {
				t.Skip("too slow under -race")
			}
			norm := make([]Normalized, len(s.records))
			for i, r := range s.records {
				norm[i], _ = Normalize(r)
			}
			trained, err := Train(norm, TrainOptions{Seed: 1})
			if err != nil {
				t.Fatalf("train: %v", err)
			}
			models := []*Model{DefaultModel(), trained}
			if len(norm) <= 5000 { // the stretched models add little on the large sets but time
				models = append(models, hostileModels(models[0], 1)...)
				models = append(models, hostileModels(trained, 2)...)
			}
			pairs := candidatePairs(norm, trainDefaultsMaxBlock)
			rng := rand.New(rand.NewPCG(3, 4))
			for range 20000 {
				pairs = append(pairs, [2]int32{int32(rng.IntN(len(norm))), int32(rng.IntN(len(norm)))})
			}
			for _, m := range models {
				floors := boundFloors(m)
				early := 0
				for _, p := range pairs {
					a, b := &norm[p[0]], &norm[p[1]]
					checkMayReach(t, m, a, b, floors)
					if !boundsOf(m).MayReach(a, b, m.ReviewWeight()) {
						early++
					}
				}
				t.Logf("%s: %d pairs, %d ruled out below the review weight", m.Version, len(pairs), early)
				if early < len(pairs)/10 { // most are random pairs: strangers
					t.Errorf("%s: MayReach rules out %d of %d pairs, want most strangers'", m.Version, early, len(pairs))
				}
			}
		})
	}
}

// TestMayReachSynthetic runs the contract on the benchmark population
// (with typo'd copies), so it holds without ../shared too.
func TestMayReachSynthetic(t *testing.T) {
	t.Parallel()
	pairs, trained := benchPairs(nil)
	models := append([]*Model{DefaultModel(), trained}, hostileModels(trained, 5)...)
	for _, m := range models {
		for i := range pairs {
			p := &pairs[i]
			checkMayReach(t, m, &p[0], &p[1], boundFloors(m))
			checkMayReach(t, m, &p[0], &p[0], boundFloors(m))
		}
	}
}

// TestBoundAssumptions pins what the bound relies on beyond Score's code:
// boundOrder names distinct fields, and comparators only ask for a
// term-frequency adjustment on the levels fieldSpec.tfLevels marks.
func TestBoundAssumptions(t *testing.T) {
	seen := map[int]bool{}
	for _, i := range boundOrder {
		if i < 0 || i >= len(fieldSpecs) || seen[i] {
			t.Fatalf("boundOrder: bad or repeated field %d", i)
		}
		seen[i] = true
	}
	if len(fieldSpecs) > maxFields {
		t.Fatalf("%d fields, more than maxFields", len(fieldSpecs))
	}
	pairs, trained := benchPairs(nil)
	for i := range pairs {
		checkTFLevels(t, trained, &pairs[i][0], &pairs[i][1])
	}
}

func checkTFLevels(t testing.TB, m *Model, a, b *Normalized) {
	t.Helper()
	for i := range fieldSpecs {
		r := fieldSpecs[i].compare(a, b, m)
		if r.tf && (r.level < 0 || r.level >= len(fieldSpecs[i].tfLevels) || !fieldSpecs[i].tfLevels[r.level]) {
			t.Fatalf("%s: level %d takes a term-frequency adjustment that tfLevels does not mark", fieldSpecs[i].name, r.level)
		}
	}
}

func FuzzMayReach(f *testing.F) {
	f.Add("3602041211870001", "H. Moch. Rizki, S.H.", "1987-11-12", "L", "0812-3456-7890", "rizki@example.com", "Kab. Serang", "Jl. Merdeka 5",
		"3602041211870002", "Muhammad Riski", "12/11/1987", "M", "+6281234567890", "rizki@example.co.id", "Serang", "Jalan Merdeka No 5", 0.0)
	f.Add("3273015505870001", "Dwi Lestari", "1987-05-15", "P", "081234567890", "", "Bandung", "Jl. Dago 1",
		"3273015505870002", "Tri Lestari", "1987-05-15", "P", "081234567890", "", "Bandung", "Jl. Dago 1", -20.0)
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "", math.Inf(1))
	f.Fuzz(func(t *testing.T, nik1, name1, date1, sex1, phone1, email1, city1, addr1,
		nik2, name2, date2, sex2, phone2, email2, city2, addr2 string, floor float64) {
		a, _ := Normalize(fuzzRecord(nik1, name1, date1, sex1, phone1, email1, city1, addr1))
		b, _ := Normalize(fuzzRecord(nik2, name2, date2, sex2, phone2, email2, city2, addr2))
		for _, m := range fuzzModels(t) {
			floors := append(boundFloors(m), floor)
			checkMayReach(t, m, &a, &b, floors)
			checkMayReach(t, m, &b, &a, floors)
			checkMayReach(t, m, &a, &a, floors)
			checkTFLevels(t, m, &a, &b)
		}
	})
}

// scoreBenchPairs are the candidate pairs of dsgen-C10000 (10,000 records,
// typo-heavy duplicates), all of them and those of different people only,
// with the default and the set's trained model; it skips when ../shared/data
// is absent. The set's candidates are mostly duplicates (about 40% reach the
// review weight); a bulk load's are nearly all different people (0.05% of
// pairs scored reach it), which "nonmatch" stands for.
func scoreBenchPairs(b *testing.B) ([]Normalized, map[string][][2]int32, map[string]*Model) {
	b.Helper()
	var set labelledSet
	for _, load := range qualitySets(b) {
		if s := load(); s.name == "dsgen-C10000" {
			set = s
		}
	}
	norm := make([]Normalized, len(set.records))
	for i, r := range set.records {
		norm[i], _ = Normalize(r)
	}
	trained, err := Train(norm, TrainOptions{Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	all := candidatePairs(norm, trainDefaultsMaxBlock)
	var nonmatch [][2]int32
	for _, p := range all {
		if set.entity[p[0]] != set.entity[p[1]] {
			nonmatch = append(nonmatch, p)
		}
	}
	return norm, map[string][][2]int32{"candidates": all, "nonmatch": nonmatch},
		map[string]*Model{"default": DefaultModel(), "trained": trained}
}

// benchScorers runs score over the pairs per model and pair set, reporting
// pairs/s and the share of pairs at or above the review weight.
func benchScorers(b *testing.B, score func(m *Model, a, b *Normalized, floor float64) bool) {
	norm, pairSets, models := scoreBenchPairs(b)
	for _, model := range []string{"default", "trained"} {
		for _, set := range []string{"candidates", "nonmatch"} {
			m, pairs := models[model], pairSets[set]
			floor := m.ReviewWeight()
			b.Run(model+"/"+set, func(b *testing.B) {
				b.ReportAllocs()
				i, kept := 0, 0
				for b.Loop() {
					p := pairs[i%len(pairs)]
					if score(m, &norm[p[0]], &norm[p[1]], floor) {
						kept++
					}
					i++
				}
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
				b.ReportMetric(float64(kept)/float64(b.N), "kept/pair")
			})
		}
	}
}

// BenchmarkScore is the bulk loader's filter without the bound: the exact
// score of every candidate pair, compared with the review weight.
func BenchmarkScore(b *testing.B) {
	benchScorers(b, func(m *Model, x, y *Normalized, floor float64) bool { return m.Score(x, y) >= floor })
}

// BenchmarkMayReach is the same filter with the bound first.
func BenchmarkMayReach(b *testing.B) {
	benchScorers(b, func(m *Model, x, y *Normalized, floor float64) bool {
		return boundsOf(m).MayReach(x, y, floor) && m.Score(x, y) >= floor
	})
}

// boundsByModel keeps each model's bounds for the tests, built once as a caller would.
var boundsByModel sync.Map // *Model -> *ScoreBounds

func boundsOf(m *Model) *ScoreBounds {
	if bd, ok := boundsByModel.Load(m); ok {
		return bd.(*ScoreBounds)
	}
	bd, _ := boundsByModel.LoadOrStore(m, m.Bounds())
	return bd.(*ScoreBounds)
}

// sameComparison reports whether two comparisons are the same bit for bit (NaN weights too).
func sameComparison(a, b Comparison) bool {
	same := func(x, y float64) bool { return math.Float64bits(x) == math.Float64bits(y) }
	if !same(a.Weight, b.Weight) || !same(a.Probability, b.Probability) || len(a.Fields) != len(b.Fields) {
		return false
	}
	for i, f := range a.Fields {
		if g := b.Fields[i]; f.Field != g.Field || f.Level != g.Level || !same(f.Weight, g.Weight) {
			return false
		}
	}
	return true
}
