package matching

import (
	"fmt"
	"testing"
	"unsafe"
)

// boostedModel weighs nothing but field f's level l (about +30 bits), and its exact level too
// when exact is set, with no vetoes: a pair then scores at least PriorWeight+29 exactly when its
// comparison of f lands on a boosted level and no cap applies. (A partial agreement weighs no
// more than the records' agreement with themselves, an exact one: boosting it alone tests
// only the levels that are agreements of equal values, as a placeholder date's.) A sketch
// bound below a level the pair reaches then puts Below against Score, which checkMayReach
// catches.
func boostedModel(f, l int, exact bool) *Model {
	m := cloneModel(DefaultModel())
	m.Version = fmt.Sprintf("boost-%s-%d-%v", fieldSpecs[f].name, l, exact)
	for i := range m.Fields {
		for k := range m.Fields[i].Levels {
			lp := &m.Fields[i].Levels[k]
			lp.M, lp.U, lp.Veto, lp.Fixed = 0.5, 0.5, false, false
			if m.Fields[i].Field == fieldSpecs[f].name && (k == l || k == 0 && exact) {
				lp.M, lp.U = 1, minProb
			}
		}
	}
	return m
}

// sketchPairs are pairs that take compareNIK's and compareBirthDate's every branch, and agree,
// disagree or miss on the fields Below hashes.
func sketchPairs() [][2]Record {
	const nik = "3171045205870003" // a woman born 1987-05-12 in 317104, serial 3
	own := func(n, date, sex string) Record {
		return Record{NIK: n, FullName: "Siti Rahayu", BirthDate: date, Sex: sex}
	}
	bare := func(n string) Record { return Record{NIK: n, FullName: "Siti Rahayu"} }
	dated := func(date string) Record { return Record{FullName: "Siti Rahayu", BirthDate: date} }
	return [][2]Record{
		// NIK.
		{bare(nik), bare(nik)},
		{bare(nik), bare("3171045205870004")},                                     // consecutive serials: twins
		{bare(nik), bare("3171045205870005")},                                     // small serials
		{bare("3171045205870013"), bare("3171045205870018")},                      // serials one edit apart
		{bare("3171045205870013"), bare("3171045205870047")},                      // serials further apart
		{bare(nik), bare("3171055205870003")},                                     // only the region differs
		{own(nik, "1987-05-12", "F"), own("3171041205870009", "1987-05-12", "M")}, // twins, each number its own
		{own(nik, "1987-05-12", "F"), own("3171041305870009", "1987-05-13", "M")}, // two people's own numbers
		{own(nik, "1987-05-12", "F"), own("3171045306870003", "1987-06-13", "F")}, // only the dates differ
		{own(nik, "1987-05-12", "M"), own("3171045306870003", "1987-06-13", "M")}, // the same, neither sex the number's
		{bare(nik), bare("3171045206870003")},                                     // one digit of the date
		{bare(nik), bare("3171045250870003")},                                     // two adjacent digits swapped
		{bare(nik), bare("3273016101920001")},                                     // nothing in common
		{bare(nik), bare("31710452058700")},                                       // one NIK malformed
		{bare("3171045205870003"), bare("3171045205870003x")},
		{bare("317104520587"), bare("317104520587")},         // equal, both too short
		{bare("9999045205870003"), bare("9999045205870003")}, // equal, both of no province
		{bare("9999045205870003"), bare("9999045205870004")},
		{bare(nik), {FullName: "Siti Rahayu"}},
		// Birth date.
		{dated("1987-05-12"), dated("1987-05-12")},
		{dated("1987-07-01"), dated("1987-07-01")}, // a placeholder date
		{dated("1987"), dated("1987")},
		{dated("1987-05"), dated("1987-05-12")},
		{dated("1987"), dated("1988-05-12")},
		{dated("1987-05-12"), dated("1987-12-05")}, // day and month swapped
		{dated("1987-05-12"), dated("1987-08-12")}, // one digit, three months apart
		{dated("1987-05-12"), dated("1997-05-12")}, // one digit, ten years apart
		{dated("1987-05-12"), dated("1987-06-20")}, // near
		{dated("1987-05-12"), dated("1988-03-01")}, // within a year
		{dated("1987-05-12"), dated("1990-11-30")},
		// Sex and the hashed fields.
		{{FullName: "Siti Rahayu", Sex: "F"}, {FullName: "Siti Rahayu", Sex: "F"}},
		{{FullName: "Siti Rahayu", Sex: "F"}, {FullName: "Siti Rahayu", Sex: "M"}},
		{{FullName: "Siti Rahayu", Sex: "F"}, {FullName: "Siti Rahayu"}},
		{{FullName: "Siti Rahayu", Phone: "081234567890", Email: "siti@example.org", BirthPlace: "Bandung", Postcode: "40115", Province: "Jawa Barat"},
			{FullName: "Siti Rahayu", Phone: "081234567890", Email: "siti@example.org", BirthPlace: "Bandung", Postcode: "40115", Province: "Jawa Barat"}},
		{{FullName: "Siti Rahayu", Phone: "081234567890", Email: "siti@example.org", BirthPlace: "Bandung", Postcode: "40115", Province: "Jawa Barat"},
			{FullName: "Siti Rahayu", Phone: "081234567891", Email: "siti@example.com", BirthPlace: "Bandungan", Postcode: "40116", Province: "Jawa Tengah"}},
		{{FullName: "Siti Rahayu", Phone: "081234567890", Email: "siti@example.org", BirthPlace: "Bandung", Postcode: "40115", Province: "Jawa Barat"},
			{FullName: "Siti Rahayu", Phone: "085711112222", Email: "rahayu.s@mail.id", BirthPlace: "Medan", Postcode: "20111", Province: "Sumatera Utara"}},
		// Birth places written alike, or not; postcodes a digit, two swapped, one more or two more apart.
		{{FullName: "Siti Rahayu", BirthPlace: "Tanjung Priok"}, {FullName: "Siti Rahayu", BirthPlace: "Tanjungpriok"}},
		{{FullName: "Siti Rahayu", BirthPlace: "Denpasar"}, {FullName: "Siti Rahayu", BirthPlace: "Dempasar"}},
		{{FullName: "Siti Rahayu", BirthPlace: "Tanjung Pinang"}, {FullName: "Siti Rahayu", BirthPlace: "Pangkal Pinang"}},
		{{FullName: "Siti Rahayu", BirthPlace: "Aaaaaaaaaaaa"}, {FullName: "Siti Rahayu", BirthPlace: "Aaaaaaaaaaab"}},
		{{FullName: "Siti Rahayu", Postcode: "40115"}, {FullName: "Siti Rahayu", Postcode: "41015"}},
		{{FullName: "Siti Rahayu", Postcode: "40115"}, {FullName: "Siti Rahayu", Postcode: "401150"}},
		{{FullName: "Siti Rahayu", Postcode: "40115"}, {FullName: "Siti Rahayu", Postcode: "4011500"}},
		{{FullName: "Siti Rahayu", Postcode: "40115"}, {FullName: "Siti Rahayu", Postcode: "04115"}},
		{{FullName: "Siti Rahayu", Postcode: "0123456789"}, {FullName: "Siti Rahayu", Postcode: "0123456798"}},
	}
}

// TestBelowAtEveryLevel checks Below against Score on pairs that take every branch of the
// comparisons it works out from the sketches, with models that weigh nothing but one level of
// one field: a bound below what any of those pairs can reach fails it.
func TestBelowAtEveryLevel(t *testing.T) {
	t.Parallel()
	pairs := sketchPairs()
	norm := make([][2]Normalized, len(pairs))
	for i, p := range pairs {
		norm[i][0], _ = Normalize(p[0])
		norm[i][1], _ = Normalize(p[1])
	}
	models := []*Model{DefaultModel()}
	for _, f := range []int{fieldNIK, fieldBirthDate, fieldSex, fieldPhone, fieldEmail, fieldBirthPlace, fieldPostcode, fieldProvince} {
		for l := range fieldSpecs[f].levels {
			models = append(models, boostedModel(f, l, true), boostedModel(f, l, false))
		}
	}
	for _, m := range models {
		floors := append(boundFloors(m), m.PriorWeight+29)
		for _, p := range norm {
			checkMayReach(t, m, &p[0], &p[1], floors)
		}
	}
}

// TestSketchFillsACacheLine: a candidate's sketch is one read from memory.
func TestSketchFillsACacheLine(t *testing.T) {
	if n := unsafe.Sizeof(Sketch{}); n != 64 {
		t.Fatalf("a sketch takes %d bytes, want 64", n)
	}
}

// TestBelowRulesOutStrangers: two women of one name born months apart, whose numbers, birth
// places, phones and provinces all differ, are ruled out on their sketches at the bulk loader's
// floor; the same woman's two records are not.
func TestBelowRulesOutStrangers(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	bd := m.Bounds()
	siti := Record{NIK: "3171045205870003", FullName: "Siti Rahayu", BirthDate: "1987-05-12", Sex: "F",
		BirthPlace: "Jakarta", Phone: "081234567890", Province: "DKI Jakarta"}
	other := Record{NIK: "3273015003880007", FullName: "Siti Rahayu", BirthDate: "1988-03-10", Sex: "F",
		BirthPlace: "Bandung", Phone: "085711112222", Province: "Jawa Barat"}
	again := siti
	again.Phone = "081234567891"
	a, _ := Normalize(siti)
	b, _ := Normalize(other)
	c, _ := Normalize(again)
	sa, sb, sc := a.Sketch(), b.Sketch(), c.Sketch()
	floor := m.ReviewWeight() - 1e-6
	if bd.RuledOut(&sa, &sb, floor) {
		t.Fatal("the strangers' identities alone rule them out: the test no longer tests the bound")
	}
	if !bd.Below(&sa, &sb, floor) {
		t.Errorf("strangers not ruled out (Score %v)", m.Score(&a, &b))
	}
	if bd.Below(&sa, &sc, floor) {
		t.Errorf("one woman's two records ruled out (Score %v)", m.Score(&a, &c))
	}
}
