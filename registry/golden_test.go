package registry

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

func TestBuildGoldenTrustOrderAndRecency(t *testing.T) {
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	recs := []SourceRecord{
		{ID: 1, Source: "kemenkes", LocalID: "K", UpdatedAt: t0.Add(2 * time.Hour), Raw: Person{FullName: "SITI R", Phone: "0811"}},
		{ID: 2, Source: "dukcapil", LocalID: "D", UpdatedAt: t0, Raw: Person{FullName: "Siti Rahayu", Phone: "0822"}},
		{ID: 3, Source: "djp", LocalID: "T", UpdatedAt: t0.Add(time.Hour), Raw: Person{Email: "s@example.id", Phone: "0833"}},
	}
	s, err := ParseSurvivorship("dukcapil; phone=kemenkes,dukcapil")
	if err != nil {
		t.Fatal(err)
	}
	g := s.BuildGolden(uuid.New(), recs)
	for field, want := range map[string]string{"full_name": "Siti Rahayu", "phone": "0811", "email": "s@example.id"} {
		if got := g.Fields[field].Value; got != want {
			t.Errorf("%s = %q, want %q (%+v)", field, got, want, g.Fields[field])
		}
	}
	if r := g.Fields["email"].Rule; r != "most_recent" {
		t.Errorf("email rule = %q: no trusted source holds it", r)
	}
	// The order of the records does not matter.
	g2 := s.BuildGolden(g.CitizenID, []SourceRecord{recs[2], recs[0], recs[1]})
	for f, v := range g.Fields {
		if g2.Fields[f] != v {
			t.Fatalf("golden record depends on record order: %s %+v vs %+v", f, v, g2.Fields[f])
		}
	}
	for _, bad := range []string{"phone=Kemenkes", "shoe=dukcapil", "dukcapil,,x"} {
		if _, err := ParseSurvivorship(bad); err == nil {
			t.Errorf("ParseSurvivorship(%q) accepted", bad)
		}
	}
}

// TestExtendIsBuildGoldenOfAllRecords: a golden record extended with new records is the one
// built from all of them, whatever the trust rules, ties in time, empty and flagged values; and
// one built by other rules (or by rules not recorded) is not extended.
func TestExtendIsBuildGoldenOfAllRecords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	sources := []string{"dukcapil", "kemenkes", "djp", "kemensos"}
	fields := []string{"nik", "full_name", "sex", "birth_date", "phone", "email"}
	values := []string{"", "", "a", "b", "Siti Rahayu", "3273054107900001"}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var rules []Survivorship
	for _, spec := range []string{"", "kemenkes,dukcapil", "dukcapil; phone=djp,kemenkes; email=kemensos", "djp; full_name=kemenkes"} {
		s, err := ParseSurvivorship(spec)
		if err != nil {
			t.Fatal(err)
		}
		if again, err := ParseSurvivorship(s.String()); err != nil || again.String() != s.String() {
			t.Fatalf("ParseSurvivorship(%q.String() = %q) = %v, %v", spec, s.String(), again.String(), err)
		}
		rules = append(rules, s)
	}
	id := int64(0)
	record := func() SourceRecord {
		id++
		r := SourceRecord{ID: id, Source: sources[rng.IntN(len(sources))], LocalID: fmt.Sprint("L", id),
			UpdatedAt: t0.Add(time.Duration(rng.IntN(3)) * time.Hour)}
		for _, f := range fields {
			r.Raw.SetField(f, values[rng.IntN(len(values))])
			if rng.IntN(6) == 0 {
				r.Issues = append(r.Issues, matching.Issue{Field: f, Code: "invalid"})
			}
		}
		if rng.IntN(2) == 0 {
			r.Normalized.BirthDate = "1990-07-01"
		}
		return r
	}
	for range 3000 {
		s := rules[rng.IntN(len(rules))]
		var before, added []SourceRecord
		for range rng.IntN(5) {
			before = append(before, record())
		}
		for range 1 + rng.IntN(3) {
			added = append(added, record())
		}
		rng.Shuffle(len(added), func(i, j int) { added[i], added[j] = added[j], added[i] })
		c := uuid.New()
		old := s.BuildGolden(c, before)
		if rng.IntN(8) == 0 {
			old.Fields["zz_other"] = GoldenValue{Value: "not a person's field"} // BuildGolden builds none such
		}
		stored := GoldenRecord{CitizenID: old.CitizenID, Fields: maps.Clone(old.Fields), Rules: old.Rules}
		got, changed, ok := s.Extend(stored, added)
		if !ok {
			t.Fatalf("golden record built by %q not extended under the same rules", s)
		}
		want := s.BuildGolden(c, slices.Concat(before, added))
		if got.Rules != want.Rules || len(got.Fields) != len(want.Fields) {
			t.Fatalf("extended %+v, built %+v", got, want)
		}
		sameValue := func(g, w GoldenValue) bool {
			return g.Value == w.Value && g.Source == w.Source && g.LocalID == w.LocalID &&
				g.RecordID == w.RecordID && g.Rule == w.Rule && g.Since.Equal(w.Since)
		}
		differs := len(old.Fields) != len(want.Fields)
		for f, w := range want.Fields {
			if g := got.Fields[f]; !sameValue(g, w) {
				t.Fatalf("%s: extended %+v, built %+v", f, g, w)
			}
			if o, has := old.Fields[f]; !has || !sameValue(o, w) {
				differs = true
			}
		}
		if changed != differs {
			t.Fatalf("extended: changed = %v, but the golden record built with the added records differs: %v", changed, differs)
		}
		other := rules[rng.IntN(len(rules))]
		if _, _, ok := other.Extend(s.BuildGolden(c, before), added); ok != (other.String() == s.String()) {
			t.Fatalf("built by %q, extended by %q: ok = %v", s, other, ok)
		}
		unrecorded := s.BuildGolden(c, before)
		unrecorded.Rules = ""
		if _, _, ok := s.Extend(unrecorded, added); ok {
			t.Fatal("a golden record whose rules are not recorded was extended")
		}
	}
}

// BenchmarkBuildGolden builds the golden record of a citizen with one record that fills every
// field, as a first load does for each new citizen.
func BenchmarkBuildGolden(b *testing.B) {
	s, err := ParseSurvivorship("dukcapil; phone=kemenkes,dukcapil")
	if err != nil {
		b.Fatal(err)
	}
	var p Person
	for _, f := range PersonFields {
		p.SetField(f, "value of "+f)
	}
	recs := []SourceRecord{{ID: 1, Source: "dukcapil", LocalID: "D1", UpdatedAt: time.Now(), Raw: p}}
	id := uuid.New()
	b.ReportAllocs()
	for b.Loop() {
		s.BuildGolden(id, recs)
	}
}
