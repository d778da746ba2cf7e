package registry

import (
	"testing"
	"time"

	"github.com/google/uuid"
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
