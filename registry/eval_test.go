package registry_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

const truthCSV = `local_id,entity,source
a1,A,s
a2,A,s
a3,A,s
b1,B,s
b2,B,s
c1,C,s
`

func mustTruth(t *testing.T, csv string) *registry.Truth {
	t.Helper()
	tr, err := registry.ReadTruth(strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

// TestEvaluationByHand checks every figure against a case worked out on paper: citizen X holds
// a1, a2 and b1 (a false merge), Y holds a3, Z holds b2, c1 never reached the registry, and d1
// is a record the truth does not label.
func TestEvaluationByHand(t *testing.T) {
	t.Parallel()
	ev := registry.NewEvaluator(mustTruth(t, truthCSV))
	x, y, z := uuid.New(), uuid.New(), uuid.New()
	for _, l := range []struct {
		id  string
		cit uuid.UUID
	}{{"a1", x}, {"a2", x}, {"b1", x}, {"a3", y}, {"b2", z}, {"d1", z}} {
		if err := ev.Add("s", l.id, l.cit); err != nil {
			t.Fatal(err)
		}
	}
	groups := []registry.HardNegativeGroup{
		{Kind: "twins", Group: "G1", Entities: []string{"A", "B"}},    // merged in X
		{Kind: "twins", Group: "G2", Entities: []string{"A", "C"}},    // C absent
		{Kind: "siblings", Group: "G3", Entities: []string{"B", "Q"}}, // Q unknown
	}
	e := ev.Result(groups)

	ints := map[string][2]int64{
		"truth records":   {int64(e.TruthRecords), 6},
		"linked":          {int64(e.Linked), 5},
		"not in registry": {int64(e.NotInRegistry), 1},
		"not in truth":    {int64(e.NotInTruth), 1},
		"entities":        {int64(e.Entities), 3},
		"citizens":        {int64(e.Citizens), 3},
		"true pairs":      {e.TruePairs, 4},
		"predicted pairs": {e.PredictedPairs, 3},
		"correct pairs":   {e.CorrectPairs, 1},
		"false merges":    {int64(e.FalseMerges), 1},
		"records in fm":   {int64(e.RecordsInFalseMerges), 3},
		"splits":          {int64(e.Splits), 2},
		"extra citizens":  {int64(e.ExtraCitizens), 2},
	}
	for name, v := range ints {
		if v[0] != v[1] {
			t.Errorf("%s = %d, want %d", name, v[0], v[1])
		}
	}
	floats := map[string][2]float64{
		"pairwise P": {e.Pairwise.Precision, 1.0 / 3},
		"pairwise R": {e.Pairwise.Recall, 1.0 / 4},
		"pairwise F": {e.Pairwise.F1, 2 * (1.0 / 3) * (1.0 / 4) / (1.0/3 + 1.0/4)},
		"B3 P":       {e.BCubed.Precision, (2.0/3 + 2.0/3 + 1.0/3 + 1 + 1 + 1) / 6},
		"B3 R":       {e.BCubed.Recall, (2.0/3 + 2.0/3 + 1.0/2 + 1.0/3 + 1.0/2 + 1) / 6},
	}
	for name, v := range floats {
		if !near(v[0], v[1]) {
			t.Errorf("%s = %v, want %v", name, v[0], v[1])
		}
	}
	if got := e.HardNegatives["twins"]; got != (registry.HardNegativeCount{Groups: 2, Present: 1, Merged: 1}) {
		t.Errorf("twins = %+v", got)
	}
	if got := e.HardNegatives["siblings"]; got != (registry.HardNegativeCount{Groups: 1}) {
		t.Errorf("siblings = %+v", got)
	}
	if k := e.HardNegativeKinds(); strings.Join(k, ",") != "siblings,twins" {
		t.Errorf("kinds = %v", k)
	}
}

func TestEvaluationExtremes(t *testing.T) {
	t.Parallel()
	tr := mustTruth(t, truthCSV)
	perfect := registry.NewEvaluator(tr)
	apart := registry.NewEvaluator(tr)
	cit := map[string]uuid.UUID{"A": uuid.New(), "B": uuid.New(), "C": uuid.New()}
	for _, r := range [][2]string{{"a1", "A"}, {"a2", "A"}, {"a3", "A"}, {"b1", "B"}, {"b2", "B"}, {"c1", "C"}} {
		perfect.Add("s", r[0], cit[r[1]])
		apart.Add("s", r[0], uuid.New())
	}
	p := perfect.Result(nil)
	if p.Pairwise != (registry.Scores{Precision: 1, Recall: 1, F1: 1}) || !near(p.BCubed.F1, 1) || p.FalseMerges+p.Splits != 0 {
		t.Errorf("perfect links: %+v", p)
	}
	if p.HardNegatives != nil {
		t.Errorf("hard negatives reported without groups: %v", p.HardNegatives)
	}
	a := apart.Result(nil)
	// Nothing linked together: nothing wrong (precision 1 by convention), nothing found.
	if a.Pairwise.Precision != 1 || a.Pairwise.Recall != 0 || a.Pairwise.F1 != 0 || a.Splits != 2 || a.FalseMerges != 0 {
		t.Errorf("every record apart: %+v", a)
	}
	// A registry that holds nothing: every truth record is its own citizen.
	none := registry.NewEvaluator(tr).Result(nil)
	if none.NotInRegistry != 6 || none.Linked != 0 || none.Pairwise.Recall != 0 || none.Citizens != 0 {
		t.Errorf("empty registry: %+v", none)
	}
}

func TestReadTruthErrors(t *testing.T) {
	t.Parallel()
	for name, csv := range map[string]string{
		"no entity column":  "source,local_id\ns,a\n",
		"two entities":      "source,local_id,entity\ns,a,1\ns,a,2\n",
		"empty entity":      "source,local_id,entity\ns,a,\n",
		"short row":         "source,local_id,entity\ns,a\n",
		"empty file":        "",
		"unterminated line": "source,local_id,entity\ns,\"a,1\n",
	} {
		_, err := registry.ReadTruth(strings.NewReader(csv))
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if strings.Contains(err.Error(), ",2") {
			t.Errorf("%s: error %q echoes values", name, err)
		}
	}
	_, err := registry.ReadTruth(strings.NewReader("source,local_id,entity\ns,a,1\ns,a,2\n"))
	if !errors.Is(err, registry.ErrInvalid) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("conflicting entity: %v, want ErrInvalid naming line 3", err)
	}
	// The same row twice is harmless.
	tr, err := registry.ReadTruth(strings.NewReader("\ufeffSource,Local_ID,Entity\ns,a,1\ns,a,1\n"))
	if err != nil || tr.Records() != 1 {
		t.Errorf("repeated row: %v, %d records", err, tr.Records())
	}
}

func TestReadHardNegatives(t *testing.T) {
	t.Parallel()
	groups, err := registry.ReadHardNegatives(strings.NewReader(
		"kind,group,entity\ntwins,HN1,P1\ntwins,HN1,P2\nhousehold,HN2,P3\nhousehold,HN2,P4\nhousehold,HN2,P5\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(groups) != 2 || groups[0].Kind != "twins" || len(groups[0].Entities) != 2 || len(groups[1].Entities) != 3 {
		t.Fatalf("groups = %+v", groups)
	}
	if _, err := registry.ReadHardNegatives(strings.NewReader("kind,entity\nx,y\n")); !errors.Is(err, registry.ErrInvalid) {
		t.Errorf("missing group column: %v", err)
	}
}
