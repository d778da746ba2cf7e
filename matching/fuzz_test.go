package matching

import (
	"math"
	"reflect"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// fuzzRecord builds a record from the fuzzer's strings.
func fuzzRecord(nik, name, date, sex, phone, email, city, addr string) Record {
	return Record{NIK: nik, FullName: name, BirthDate: date, Sex: sex, Phone: phone, Email: email, City: city, Address: addr, Postcode: phone}
}

var (
	trainedOnce  sync.Once
	trainedModel *Model
)

// fuzzModels are the default model and one trained on a small synthetic
// population, so that the properties hold with term frequencies too.
func fuzzModels(t testing.TB) []*Model {
	trainedOnce.Do(func() {
		var recs []Normalized
		names := []string{"Budi Santoso", "Siti Aminah", "Muhammad Rizki", "Dewi Lestari", "Agus Salim", "Ni Made Ayu"}
		for i := 0; i < 120; i++ {
			n, _ := Normalize(Record{
				FullName:  names[i%len(names)] + " " + string(rune('a'+i%26)) + "ri",
				BirthDate: "19" + string(rune('5'+i%4)) + string(rune('0'+i%10)) + "-0" + string(rune('1'+i%9)) + "-1" + string(rune('0'+i%9)),
				City:      []string{"Bandung", "Surabaya", "Medan"}[i%3],
				Phone:     "08123" + strings.Repeat(string(rune('0'+i%10)), 6),
				NIK:       "3273" + strings.Repeat(string(rune('1'+i%9)), 12),
			})
			recs = append(recs, n)
			if i%4 == 0 { // a duplicate with a typo
				d := n
				d.Name = append([]string(nil), n.Name...)
				d.Name[0] += "h"
				recs = append(recs, d)
			}
		}
		m, err := Train(recs, TrainOptions{Seed: 7, RandomPairs: 5000})
		if err != nil {
			panic(err)
		}
		trainedModel = m
	})
	return []*Model{DefaultModel(), trainedModel}
}

func checkComparison(t *testing.T, c Comparison) {
	t.Helper()
	if math.IsNaN(c.Probability) || c.Probability < 0 || c.Probability > 1 || math.IsNaN(c.Weight) || math.IsInf(c.Weight, 0) {
		t.Fatalf("probability %v weight %v out of range", c.Probability, c.Weight)
	}
	if len(c.Fields) != len(fieldSpecs) {
		t.Fatalf("%d fields, want %d", len(c.Fields), len(fieldSpecs))
	}
	for i, f := range c.Fields {
		if f.Field != fieldSpecs[i].name {
			t.Fatalf("field %d is %q, want %q", i, f.Field, fieldSpecs[i].name)
		}
		if f.Level == "missing" && f.Weight != 0 {
			t.Fatalf("missing %s weighs %v", f.Field, f.Weight)
		}
	}
}

// blankings lists ways to remove one field from a record.
var blankings = []func(*Record){
	func(r *Record) { r.NIK = "" }, func(r *Record) { r.FullName = "" }, func(r *Record) { r.BirthDate = "" },
	func(r *Record) { r.Sex = "" }, func(r *Record) { r.Phone = "" }, func(r *Record) { r.Email = "" },
	func(r *Record) { r.City = "" }, func(r *Record) { r.Address = "" }, func(r *Record) { r.Postcode = "" },
}

func FuzzCompare(f *testing.F) {
	f.Add("3602041211870001", "H. Moch. Rizki, S.H.", "1987-11-12", "L", "0812-3456-7890", "rizki@example.com", "Kab. Serang", "Jl. Merdeka 5",
		"3602041211870002", "Muhammad Riski", "12/11/1987", "M", "+6281234567890", "rizki@example.co.id", "Serang", "Jalan Merdeka No 5")
	f.Add("", "Siti Aminah binti Yusuf", "1990-07-01", "P", "", "", "Bandung", "",
		"", "Aminah Siti", "01-07-1990", "F", "", "", "Kota Bandung", "")
	f.Add("1804974", "mitchell green", "19560409", "", "07 81212208", "", "cleveland", "7 wallaby place",
		"1804947", "green mitchell", "19560904", "", "07 81212208", "", "clevland", "7 wallaby pl")
	f.Add("", "", "", "", "", "", "", "", "", "", "", "", "", "", "", "")
	f.Fuzz(func(t *testing.T, nik1, name1, date1, sex1, phone1, email1, city1, addr1,
		nik2, name2, date2, sex2, phone2, email2, city2, addr2 string) {
		ra := fuzzRecord(nik1, name1, date1, sex1, phone1, email1, city1, addr1)
		rb := fuzzRecord(nik2, name2, date2, sex2, phone2, email2, city2, addr2)
		a, _ := Normalize(ra)
		b, _ := Normalize(rb)
		for _, m := range fuzzModels(t) {
			ab, ba := m.Compare(a, b), m.Compare(b, a)
			checkComparison(t, ab)
			if !reflect.DeepEqual(ab, ba) {
				t.Fatalf("asymmetric: %+v vs %+v", ab, ba)
			}
			if s := m.Score(&a, &b); s != ab.Weight {
				t.Fatalf("Score %v != Compare weight %v", s, ab.Weight)
			}
			// A record matches itself at least as well as anything else.
			aa := m.Compare(a, a)
			checkComparison(t, aa)
			for _, fc := range aa.Fields {
				if fc.Level != "exact" && fc.Level != "missing" && fc.Level != "exact_placeholder" && fc.Level != "year" {
					t.Fatalf("self-comparison of %s at level %s", fc.Field, fc.Level)
				}
				if fc.Weight < 0 {
					t.Fatalf("self-comparison of %s weighs %v", fc.Field, fc.Weight)
				}
			}
			if ab.Weight > aa.Weight+1e-9 {
				t.Fatalf("a~b weighs %v, more than a~a %v", ab.Weight, aa.Weight)
			}
			// Removing a field never makes a copy match better.
			for _, blank := range blankings {
				rc := ra
				blank(&rc)
				c, _ := Normalize(rc)
				if w := m.Score(&a, &c); w > aa.Weight+1e-9 {
					t.Fatalf("blanking a field raised the self score from %v to %v", aa.Weight, w)
				}
			}
		}
	})
}

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{"H. Ahmad Dahlan, S.H., M.M.", "Ni Made Ayu", "By. Ny. Siti", "Abd. Rahman bin Yusuf",
		"ＳＩＴＩ", "Tjahjono", "m.rizki", ". . ,", "Rina br. Sitorus", "محمد", "Jean-Pierre O'Neil"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p := parseName(raw)
		if p2 := parseName(raw); !reflect.DeepEqual(p, p2) {
			t.Fatalf("not deterministic")
		}
		for _, tok := range append(append([]string(nil), p.tokens...), p.father...) {
			if tok == "" || strings.ContainsAny(tok, " \t\n.,") || !utf8.ValidString(tok) {
				t.Fatalf("bad token %q from %q", tok, raw)
			}
			if strings.ToLower(tok) != tok {
				t.Fatalf("token %q not lower case", tok)
			}
		}
		n, issues := Normalize(Record{FullName: raw})
		for _, is := range issues {
			if raw != "" && len(raw) > 3 && strings.Contains(is.Message, raw) {
				t.Fatalf("issue leaks the name")
			}
		}
		for _, k := range BlockingKeys(n) {
			if !isASCII(k) {
				t.Fatalf("non-ASCII key %q", k)
			}
		}
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"1985-08-17", "19850817", "17-08-1985", "17/08/1985", "1985", "1985-02-29", "31/12/1999", "0-0-0", "99999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		d, st := parseDate(raw)
		if st != dateOK {
			if d.valid() {
				t.Fatalf("failed parse returned a date")
			}
			return
		}
		if !d.valid() {
			return // empty input
		}
		if d.Year < minBirthYear || d.Year > maxBirthYear || d.Month < 0 || d.Month > 12 || (d.Month > 0 && d.Day > daysIn(d.Year, d.Month)) || d.Day < 0 {
			t.Fatalf("impossible date %+v accepted from %q", d, raw)
		}
		// The canonical form parses back to itself.
		if d2, st2 := parseDate(d.String()); st2 != dateOK || d2 != d {
			t.Fatalf("round trip of %q: %+v -> %q -> %+v", raw, d, d.String(), d2)
		}
		if parseISODate(d.String()) != d {
			t.Fatalf("parseISODate(%q) != %+v", d.String(), d)
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"0812-3456-7890", "+62 812 3456 7890", "0062812", "(021) 555 1234", "08 12 ab", "6"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, code := normalizePhone(raw)
		if code != "" {
			if p != "" {
				t.Fatalf("rejected phone returned %q", p)
			}
			return
		}
		if !strings.HasPrefix(p, "+62") || !isDigits(p[3:]) || len(p) < 9 || len(p) > 16 {
			t.Fatalf("phone %q from %q not in +62 form", p, raw)
		}
		if p2, code2 := normalizePhone(p); p2 != p || code2 != "" {
			t.Fatalf("not idempotent: %q -> %q (%s)", p, p2, code2)
		}
	})
}

func FuzzParseNIK(f *testing.F) {
	for _, s := range []string{"3602041211870001", "'3602 0452 1187 0001", "3.27305E+15", "1234567890123456", "1804974", "36.02.04"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p := parseNIK(raw)
		if p.status == nikOK {
			if len(p.digits) != 16 || p.day < 1 || p.day > 31 || p.month < 1 || p.month > 12 || p.serialNum < 1 ||
				(p.sex != "M" && p.sex != "F") || !validProvince(p.region/10000) {
				t.Fatalf("accepted malformed NIK %+v from %q", p, raw)
			}
		}
		n, issues := Normalize(Record{NIK: raw})
		if n.NIKValid != (p.status == nikOK) {
			t.Fatalf("Normalize and parseNIK disagree on %q", raw)
		}
		if n.NIK != "" && !isDigits(n.NIK) {
			t.Fatalf("NIK %q not digits", n.NIK)
		}
		for _, is := range issues {
			if len(n.NIK) >= 6 && strings.Contains(is.Message, n.NIK) {
				t.Fatalf("issue leaks the NIK")
			}
		}
	})
}
