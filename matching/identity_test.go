package matching

import (
	"fmt"
	"testing"
)

// checkRuledOut checks RuledOut's contract on one pair at floor: the same in either order, and
// only for pairs whose identities conflict (so Score caps them at the distinct weight), below
// floor.
func checkRuledOut(t testing.TB, m *Model, a, b *Normalized, floor float64) {
	t.Helper()
	sa, sb := a.Sketch(), b.Sketch()
	out := boundsOf(m).RuledOut(&sa, &sb, floor)
	if out != boundsOf(m).RuledOut(&sb, &sa, floor) {
		t.Fatalf("model %s, floor %v: RuledOut %v one way, not the other (%s %s, %s %s)",
			m.Version, floor, out, a.NIK, a.BirthDate, b.NIK, b.BirthDate)
	}
	if !out {
		return
	}
	if !identitiesConflict(a, b) {
		t.Fatalf("RuledOut %s %s and %s %s, whose identities do not conflict", a.NIK, a.BirthDate, b.NIK, b.BirthDate)
	}
	if s := m.Score(a, b); s >= floor {
		t.Fatalf("model %s, floor %v: RuledOut, but Score %v", m.Version, floor, s)
	}
}

// identitiesConflict is identityConflict on the levels Score compares.
func identitiesConflict(a, b *Normalized) bool {
	x, y := ordered(a, b)
	var lv [maxFields]int
	lv[fieldNIK] = compareNIK(x, y, noTF{}).level
	lv[fieldBirthDate] = compareBirthDate(x, y, noTF{}).level
	return identityConflict(x, y, &lv)
}

// TestRuledOutIsIdentityConflict compares records with the NIKs and birth dates of people
// close to them on paper: every digit of the NIK and of the date changed, two digits changed
// or swapped, other serials, a twin's number, dates days to decades apart. RuledOut must hold
// only where identityConflict does, and should hold for most of those pairs.
func TestRuledOutIsIdentityConflict(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	floor := m.ReviewWeight()
	var niks, dates []string
	base := Record{NIK: "3273015505870004", FullName: "Dwi Lestari", BirthDate: "1987-05-15", Sex: "P", City: "Bandung"}
	digit := func(s string, i int, d byte) string { b := []byte(s); b[i] = d; return string(b) }
	for i := range 16 {
		for d := byte('0'); d <= '9'; d++ {
			niks = append(niks, digit(base.NIK, i, d))
			for j := i + 1; j < 16; j += 3 {
				niks = append(niks, digit(digit(base.NIK, i, d), j, '0'+(d-'0'+byte(j))%10))
			}
		}
		if i < 15 {
			b := []byte(base.NIK)
			b[i], b[i+1] = b[i+1], b[i]
			niks = append(niks, string(b))
		}
	}
	niks = append(niks, "3273011505870005", "3273015505870005", "3273010101900001", "3171015505870004", "1234567890123456")
	for _, pos := range []int{0, 1, 2, 3, 5, 6, 8, 9} {
		for d := byte('0'); d <= '9'; d++ {
			dates = append(dates, digit(base.BirthDate, pos, d))
		}
	}
	dates = append(dates, "1987-15-05", "1988-05-14", "1986-05-16", "1988-05-16", "1986-05-14", "1978-05-51", "1990-01-01", "2001-12-31", "")
	conflicts, ruled := 0, 0
	a, _ := Normalize(base)
	for _, nik := range niks {
		for _, date := range dates {
			other := base
			other.NIK, other.BirthDate, other.FullName = nik, date, "Tri Lestari"
			b, _ := Normalize(other)
			checkRuledOut(t, m, &a, &b, floor)
			checkRuledOut(t, m, &a, &b, m.DistinctWeight()) // at the cap itself too
			if identitiesConflict(&a, &b) {
				conflicts++
				sa, sb := a.Sketch(), b.Sketch()
				if boundsOf(m).RuledOut(&sa, &sb, floor) {
					ruled++
				}
			}
		}
	}
	t.Logf("%d pairs, %d with conflicting identities, %d of them ruled out", len(niks)*len(dates), conflicts, ruled)
	if conflicts == 0 || ruled < conflicts*3/4 {
		t.Fatalf("RuledOut rules out %d of %d pairs whose identities conflict, want most", ruled, conflicts)
	}
}

// TestRuledOutKeepsNearIdentities pins pairs RuledOut must leave to scoring: numbers or dates
// that a typo, twins or a year's doubt could explain, and records without a usable identity.
func TestRuledOutKeepsNearIdentities(t *testing.T) {
	m := DefaultModel()
	for _, c := range []struct{ nik, date string }{
		{"3273015505870004", "1990-01-01"}, // the same NIK
		{"3273015505870009", "1990-01-01"}, // a digit of the serial
		{"3273015505870104", "1990-01-01"},
		{"3273015505780004", "1990-01-01"}, // the NIK's year digits swapped
		{"3273015505870040", "1990-01-01"}, // serial digits swapped
		{"3273011505870005", "1990-01-01"}, // a twin brother's number: only the day (+40) differs
		{"3273015505871234", "1990-01-01"}, // another serial of the same region and date
		{"1234567890123456", "1987-05-15"}, // the same date
		{"1234567890123456", "1986-05-16"}, // within a year
		{"1234567890123456", "1997-05-15"}, // one digit of the year
		{"1234567890123456", "1978-05-15"}, // year digits swapped
		{"1234567890123456", "1987"},       // a year only
		{"1234567890123456", ""},           // the date read from the NIK
		{"12345678901", "1960-01-01"},      // no valid NIK
	} {
		t.Run(fmt.Sprintf("%s/%s", c.nik, c.date), func(t *testing.T) {
			a, _ := Normalize(Record{NIK: "3273015505870004", FullName: "Dwi Lestari", BirthDate: "1987-05-15", Sex: "P"})
			b, _ := Normalize(Record{NIK: c.nik, FullName: "Dwi Lestari", BirthDate: c.date, Sex: "P"})
			sa, sb := a.Sketch(), b.Sketch()
			if boundsOf(m).RuledOut(&sa, &sb, m.ReviewWeight()) {
				t.Errorf("ruled out (levels NIK %d, birth date %d)",
					compareNIK(&a, &b, noTF{}).level, compareBirthDate(&a, &b, noTF{}).level)
			}
		})
	}
}

// TestIdentity checks which records have a usable identity: a valid NIK and a stated full
// birth date, as identityConflict asks; their sketches hold it.
func TestIdentity(t *testing.T) {
	usable := 0
	for _, r := range benchRecords(300) {
		for _, edit := range []func(*Record){
			func(*Record) {},
			func(r *Record) { r.BirthDate = "" }, // the date is taken from the NIK
			func(r *Record) { r.BirthDate = r.BirthDate[len(r.BirthDate)-4:] }, // a year only
			func(r *Record) { r.NIK = r.NIK[:10] },                             // too short to be a NIK
		} {
			rec := r
			edit(&rec)
			n, _ := Normalize(rec)
			sk := n.Sketch()
			want := n.NIKValid && statedFullDate(&n)
			if got := sk.flags&sketchIdentity != 0; got != want {
				t.Fatalf("record %+v: usable %v, want %v", n, got, want)
			}
			if want {
				usable++
				if d := parseISODate(n.BirthDate); int(sk.day) != dayNumber(d) {
					t.Fatalf("record %+v: day %d, want %d", n, sk.day, dayNumber(d))
				}
			}
		}
	}
	if usable == 0 {
		t.Fatal("no usable identity among the records")
	}
}

// FuzzRuledOut checks RuledOut's contract on records that differ in NIK and birth date only.
func FuzzRuledOut(f *testing.F) {
	f.Add("3273015505870004", "1987-05-15", "3273011505870005", "1990-01-01")
	f.Add("3273015505870004", "1987-05-15", "3173015505870004", "2001-12-31")
	f.Add("3273015505870004", "1987-05-15", "3273015505780004", "1978-05-15")
	f.Fuzz(func(t *testing.T, nik1, date1, nik2, date2 string) {
		a, _ := Normalize(Record{NIK: nik1, FullName: "Dwi Lestari", BirthDate: date1, Sex: "P", City: "Bandung"})
		b, _ := Normalize(Record{NIK: nik2, FullName: "Dwi Lestari", BirthDate: date2, Sex: "P", City: "Bandung"})
		for _, m := range fuzzModels(t) {
			for _, floor := range boundFloors(m) {
				checkRuledOut(t, m, &a, &b, floor)
			}
		}
	})
}
