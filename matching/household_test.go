package matching

import (
	"math"
	"math/rand/v2"
	"testing"
)

// A father and son at one address: different NIKs, first names and birth
// dates, the same family name, address, village, postcode, province and
// phone. Summed as independent evidence the shared household made them one
// person.
func fatherAndSon(t *testing.T) (Normalized, Normalized) {
	t.Helper()
	home := Record{Sex: "M", BirthPlace: "Jakarta Timur", Address: "Jl. Merdeka No. 48 RT 006 RW 004",
		Village: "Lalang", District: "Medan Sunggal", City: "Kota Medan", Province: "Sumatera Utara",
		Postcode: "20127", Phone: "0858-8392-275"}
	father, son := home, home
	father.NIK, father.FullName, father.BirthDate = "1271032209630001", "Abdul Budi Sudarsono Hartono", "1963-09-22"
	son.NIK, son.FullName, son.BirthDate = "1271032910020001", "Ridwan Hartono", "2002-10-29"
	return normT(t, father), normT(t, son)
}

func TestHouseholdAgreementsCountOnce(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	a, b := fatherAndSon(t)
	c := m.Compare(a, b)
	if c.Probability >= m.ReviewProbability {
		t.Errorf("father and son at one address score %.4f: %+v", c.Probability, c.Fields)
	}
	sum := m.PriorWeight
	positive := 0
	for _, f := range c.Fields {
		sum += f.Weight
		switch f.Field {
		case FieldAddress, FieldLocality, FieldProvince, FieldPostcode, FieldPhone:
			if f.Level != "exact" {
				t.Errorf("%s level %s, want exact", f.Field, f.Level)
			}
			if f.Weight > 0 {
				positive++
			}
		}
	}
	if positive != 1 {
		t.Errorf("%d household agreements count under the default model, want only the strongest", positive)
	}
	if math.Abs(sum-c.Weight) > 1e-9 {
		t.Errorf("waterfall sums to %v, total %v", sum, c.Weight)
	}
	// The same person at that address still links.
	if self := m.Compare(a, a); self.Probability < m.LinkProbability {
		t.Errorf("a record against itself scores %.4f", self.Probability)
	}
}

func TestHouseholdDependenceControlsTheSum(t *testing.T) {
	t.Parallel()
	a, b := fatherAndSon(t)
	implied := DefaultModel()
	independent := DefaultModel()
	independent.HouseholdDependence = make([][]float64, len(householdFields))
	for k := range independent.HouseholdDependence {
		row := make([]float64, len(householdFields))
		for j := range row {
			row[j] = 1e-9 // agreeing on one field says nothing of the others
		}
		independent.HouseholdDependence[k] = row
	}
	household := func(c Comparison) float64 {
		w := 0.0
		for _, i := range householdFields {
			w += c.Fields[i].Weight
		}
		return w
	}
	ci, cd := independent.Compare(a, b), implied.Compare(a, b)
	full := 0.0
	for _, i := range householdFields {
		full += levelWeight(&implied.Fields[i].Levels[0])
	}
	if got := household(ci); math.Abs(got-full) > 1e-9 {
		t.Errorf("independent household fields weigh %v, want their sum %v", got, full)
	}
	if household(cd) >= household(ci) {
		t.Errorf("dependent household fields weigh %v, not less than independent ones %v", household(cd), household(ci))
	}
	if s := independent.Score(&a, &b); s != ci.Weight {
		t.Errorf("Score %v != Compare %v", s, ci.Weight)
	}
}

func TestNIKsDifferingByTheirStatedBirthDates(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	// Two girls born five days apart in one district: their NIKs differ in
	// one digit, the day, and each matches its own stated birth date.
	a := normT(t, Record{NIK: "3578036807180001", FullName: "Dwi Rahayu", BirthDate: "2018-07-28", Sex: "F"})
	b := normT(t, Record{NIK: "3578036307180001", FullName: "Dwi Rahayu", BirthDate: "2018-07-23", Sex: "F"})
	if l := fieldOf(m.Compare(a, b), FieldNIK).Level; l != "conflict" {
		t.Errorf("NIKs differing by their stated dates compare at %q, want conflict", l)
	}
	// Without a stated date the one-digit difference may be a typo.
	b = normT(t, Record{NIK: "3578036307180001", FullName: "Dwi Rahayu", Sex: "F"})
	if l := fieldOf(m.Compare(a, b), FieldNIK).Level; l != "edit1" {
		t.Errorf("NIK typo compares at %q, want edit1", l)
	}
}

func TestIdentityConflictIsAHardNegative(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	// A father and his namesake son at one address: the same name, household
	// and birth place, but different NIKs and birth dates 21 years apart.
	home := Record{FullName: "Emanuel Tanuwijaya", Sex: "M", BirthPlace: "Medan", Address: "Jl. Mangga 39 RT 13 RW 9",
		Village: "Sei Sikambing B", City: "Kota Medan", Postcode: "20122"}
	father, son := home, home
	father.NIK, father.BirthDate = "1271021206890001", "1989-06-12"
	son.NIK, son.BirthDate = "1271022007100001", "2010-07-20"
	a, b := normT(t, father), normT(t, son)
	c := m.Compare(a, b)
	if c.Probability > m.DistinctProbability || m.Score(&a, &b) != c.Weight {
		t.Errorf("namesakes with different NIKs and birth dates score %.4f: %+v", c.Probability, c.Fields)
	}
	// Without the son's stated date (taken from his NIK) the dates are not a
	// second, independent contradiction.
	son.BirthDate = ""
	if c := m.Compare(a, normT(t, son)); c.Probability <= m.DistinctProbability {
		t.Errorf("a date read from the NIK counted as a second contradiction: %.4f", c.Probability)
	}
}

func TestNIKsDifferingOnlyInRegion(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	// Born the same day in neighbouring districts, both with serial 0001.
	a := normT(t, Record{NIK: "3201025209780001", FullName: "Nur Euis Nurlaela", BirthDate: "1978-09-12"})
	b := normT(t, Record{NIK: "3201015209780001", FullName: "Ai Nurlaela", BirthDate: "1978-09-12"})
	if l := fieldOf(m.Compare(a, b), FieldNIK).Level; l != "else" {
		t.Errorf("NIKs differing only in the region compare at %q, want else", l)
	}
}

func TestSmallSerialsOfOneDayAreDifferentRegistrations(t *testing.T) {
	t.Parallel()
	a := normT(t, Record{NIK: "3602041211870001", FullName: "Budi Santoso", BirthDate: "1987-11-12"})
	b := normT(t, Record{NIK: "3602041211870003", FullName: "Agus Salim", BirthDate: "1987-11-12"})
	base := DefaultModel()
	trained, err := Train([]Normalized{a, b, a, b}, TrainOptions{Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []*Model{base, trained} {
		f := fieldOf(m.Compare(a, b), FieldNIK)
		if f.Level != "serial" || f.Weight >= 0 {
			t.Errorf("serials 0001 / 0003 of one day: %s level %q weight %v, want serial and negative", m.Version, f.Level, f.Weight)
		}
	}
	// A typo in a larger serial is still a typo.
	c := normT(t, Record{NIK: "3602041211870013", FullName: "Budi Santoso", BirthDate: "1987-11-12"})
	d := normT(t, Record{NIK: "3602041211870018", FullName: "Budi Santoso", BirthDate: "1987-11-12"})
	if l := fieldOf(base.Compare(c, d), FieldNIK).Level; l != "edit1" {
		t.Errorf("serials 0013 / 0018 compare at %q, want edit1", l)
	}
}

// householdEvidenceByDefinition is householdEvidence as its doc comment states it: every subset
// of the agreeing fields in chain order, each field after the first conditioned on the most
// predictive earlier one of the subset.
func householdEvidenceByDefinition(m *Model, ws *[maxFields]float64) {
	const nh = len(householdFields)
	var agree [nh]int
	n := 0
	for _, h := range householdChain {
		if ws[householdFields[h]] > 0 {
			agree[n] = h
			n++
		}
	}
	if n < 2 {
		return
	}
	best := math.Inf(-1)
	var keep, c [nh]float64
	for mask := 1; mask < 1<<n; mask++ {
		total, first := 0.0, true
		for a := 0; a < n; a++ {
			c[a] = 0
			if mask&(1<<a) == 0 {
				continue
			}
			k := agree[a]
			w := ws[householdFields[k]]
			if first {
				c[a], first = w, false
			} else {
				cond := 0.0
				for b := 0; b < a; b++ {
					if mask&(1<<b) != 0 {
						cond = math.Max(cond, m.householdDependence(k, agree[b]))
					}
				}
				c[a] = m.householdResidual(k, w, cond)
			}
			total += c[a]
		}
		if total > best {
			best, keep = total, c
		}
	}
	for a := 0; a < n; a++ {
		ws[householdFields[agree[a]]] = keep[a]
	}
}

// TestHouseholdEvidenceIsItsDefinition checks householdEvidence, which takes each residual once
// per pair of fields, against the definition bit for bit: under the default model, under
// dependences drawn at random (ties, zeros, negatives and NaN among them) and over weights of
// every sign.
func TestHouseholdEvidenceIsItsDefinition(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 11))
	models := []*Model{DefaultModel()}
	for range 40 {
		m := cloneModel(DefaultModel())
		m.HouseholdDependence = make([][]float64, len(householdFields))
		for k := range m.HouseholdDependence {
			m.HouseholdDependence[k] = make([]float64, len(householdFields))
			for j := range m.HouseholdDependence[k] {
				d := rng.Float64()
				switch rng.IntN(12) {
				case 0:
					d = 0
				case 1:
					d = -d
				case 2:
					d = 0.5 // ties between earlier fields
				case 3:
					d = math.NaN()
				}
				m.HouseholdDependence[k][j] = d
			}
		}
		models = append(models, m)
	}
	for _, m := range models {
		for range 2000 {
			var ws [maxFields]float64
			for i := range ws {
				ws[i] = 12*rng.Float64() - 4
				if rng.IntN(5) == 0 {
					ws[i] = 0
				}
			}
			var lv [maxFields]int
			got, want := ws, ws
			m.householdEvidence(&got, &lv)
			householdEvidenceByDefinition(m, &want)
			for i := range got {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("field %d: %v, by definition %v (weights %v, dependence %v)", i, got[i], want[i], ws, m.HouseholdDependence)
				}
			}
		}
	}
}
