package synth

import (
	"bytes"
	"encoding/csv"
	"slices"
	"testing"
	"time"
)

func TestCivilDays(t *testing.T) {
	t.Parallel()
	start := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := 0; d < 80000; d += 7 {
		tm := start.AddDate(0, 0, d)
		want := date{tm.Year(), int(tm.Month()), tm.Day()}
		days := int(tm.Unix() / 86400)
		if got := civilFromDays(days); got != want {
			t.Fatalf("civilFromDays(%d) = %v, want %v", days, got, want)
		}
		if got := want.days(); got != days {
			t.Fatalf("%v.days() = %d, want %d", want, got, days)
		}
	}
	d := date{1987, 11, 12}
	for l, want := range map[dateLayout]string{layoutISO: "1987-11-12", layoutDMYDash: "12-11-1987", layoutDMYSlash: "12/11/1987", layoutCompact: "19871112"} {
		if got := d.format(l); got != want {
			t.Errorf("format(%d) = %s, want %s", l, got, want)
		}
	}
	if (date{2000, 2, 29}).ageOn(date{2025, 2, 28}) != 24 {
		t.Error("ageOn counts a birthday that has not come yet")
	}
}

func TestNIKFormat(t *testing.T) {
	t.Parallel()
	// The example of Dukcapil's Director-General (docs/indonesia.md §1.1).
	dd, mm, yy := nikDateBlock(date{1987, 11, 12}, false)
	if got := formatID16("360204", dd, mm, yy, 1); got != "3602041211870001" {
		t.Errorf("NIK = %s", got)
	}
	dd, mm, yy = nikDateBlock(date{1990, 3, 5}, true)
	if got := formatID16("327305", dd, mm, yy, 12); got != "3273054503900012" {
		t.Errorf("women's day +40: NIK = %s", got)
	}
	for nik, ok := range map[string]bool{
		"3602041211870001": true, "3273057103900001": true,
		"3602041211870000": false, "3602043211870001": false, "3602041213870001": false,
		"2602041211870001": false, "360204121187001": false, "36020412118700O1": false,
	} {
		if err := checkNIK(nik); (err == nil) != ok {
			t.Errorf("checkNIK(%s) = %v, want valid=%v", nik, err, ok)
		}
	}
	s := serials{}
	for want := 1; want <= 3; want++ {
		if n, _ := s.next(7, 12, 11, 87); n != want {
			t.Errorf("serial %d, want %d", n, want)
		}
	}
	if n, _ := s.next(7, 52, 11, 87); n != 1 {
		t.Errorf("another prefix starts at %d", n)
	}
}

func TestSpelling(t *testing.T) {
	t.Parallel()
	n := BuiltinReference().names
	for modern, old := range map[string]string{
		"Cahyono": "Tjahjono", "Yusuf": "Joesoef", "Joko": "Djoko", "Nyoman": "Njoman",
		"Syarif": "Sjarif", "Khairul": "Chairoel", "Surya": "Soerja",
	} {
		if got := n.oldSpelling(modern); got != old {
			t.Errorf("oldSpelling(%s) = %s, want %s", modern, got, old)
		}
		if got := n.newSpelling(old); got != modern {
			t.Errorf("newSpelling(%s) = %s, want %s", old, got, modern)
		}
	}
	if got := n.newSpelling("Joko"); got != "Joko" {
		t.Errorf("newSpelling must leave modern j alone: Joko → %s", got)
	}
	for tok, want := range map[string]string{"Kurniawan": "Wawan", "Rahmat": "Mamat", "Slamet": "Memet", "Budi": "Didi", "Tri": ""} {
		if got := callName(tok); got != want {
			t.Errorf("callName(%s) = %q, want %q", tok, got, want)
		}
	}
	if v := n.variantsFor("Hasan"); !slices.Contains(v, "Hassan") {
		t.Errorf("variantsFor(Hasan) = %v", v)
	}
	if v := n.variantsFor("Rizki"); !slices.Contains(v, "Rizky") {
		t.Errorf("variantsFor(Rizki) = %v", v)
	}
}

func TestLocalIDs(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for i, code := range SourceCodes() {
		s := &source{idx: i, code: code}
		for n := uint64(1); n <= 20000; n++ {
			s.seq = n
			id := s.localID(&pending{district: "327305"})
			if seen[id] {
				t.Fatalf("%s: local ID %s repeats", code, id)
			}
			seen[id] = true
		}
	}
	s := &source{code: SourceDJP, seq: 1}
	if id := s.localID(&pending{district: "327305"}); len(id) != 20 || id[12] != '-' {
		t.Errorf("NPWP-like ID %q", id)
	}
	if luhn("7992739871") != '3' {
		t.Error("Luhn check digit of 7992739871 is 3")
	}
}

// FuzzAppendCSV checks that the hand-written CSV encoder round-trips through
// encoding/csv for any field content.
func FuzzAppendCSV(f *testing.F) {
	f.Add("Budi Santoso, S.E.", `Jl. "Mawar"`, " lead", "")
	f.Add("a\nb", "c\r\nd", ",", `"`)
	f.Fuzz(func(t *testing.T, a, b, c, d string) {
		fields := []string{a, b, c, d}
		line := appendCSV(nil, fields...)
		recs, err := csv.NewReader(bytes.NewReader(append(line, '\n'))).ReadAll()
		if err != nil {
			return // encoding/csv rejects some inputs (e.g. bare \r) that the generator never writes
		}
		if len(recs) != 1 {
			t.Fatalf("%q encoded as %d records", fields, len(recs))
		}
		for i := range fields {
			want := fields[i]
			want = string(bytes.ReplaceAll([]byte(want), []byte("\r\n"), []byte("\n")))
			if recs[0][i] != want {
				t.Fatalf("field %d: %q round-trips as %q", i, fields[i], recs[0][i])
			}
		}
	})
}
