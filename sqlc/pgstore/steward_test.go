package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

func (f *fixture) steward(t *testing.T) registry.Principal {
	return f.principal(t, "stewards", registry.ScopeSteward)
}

// exportLinks is the state stewards' actions must restore: every record's citizen.
func (f *fixture) exportLinks(t *testing.T) []string {
	t.Helper()
	var out []string
	err := f.svc.ExportLinks(context.Background(), func(source, localID string, citizen uuid.UUID) error {
		out = append(out, source+"/"+localID+"="+citizen.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// reviewCase submits a civil-registry record and an uncertain health record of the same name
// and (placeholder) birth date, which goes to review.
func (f *fixture) reviewCase(t *testing.T) (registry.SubmitResult, registry.SubmitResult) {
	t.Helper()
	ctx := context.Background()
	a, err := f.svc.Submit(ctx, f.principal(t, "dukcapil"), "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	b, err := f.svc.Submit(ctx, f.principal(t, "kemenkes"), "kemenkes", "K-1", registry.Person{FullName: "Siti Rahayu", BirthDate: "1990-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if b.Outcome != registry.OutcomeReview || b.ReviewID == uuid.Nil || b.CitizenID == a.CitizenID {
		t.Fatalf("uncertain record = %+v, want review with a provisional citizen", b)
	}
	return a, b
}

func TestReviewMergeRetiresProvisionalCitizen(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.reviewCase(t)
	st := f.steward(t)

	list, err := f.svc.ListReviews(ctx, st, registry.ReviewFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ID != b.ReviewID || list[0].Source != "kemenkes" {
		t.Fatalf("queue = %+v", list)
	}
	d, err := f.svc.ReviewDetail(ctx, registry.ReadContext{Principal: st, Purpose: "review", EndUser: "st-1"}, b.ReviewID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Current.Citizen.ID != b.CitizenID || len(d.Candidates) != 1 || d.Candidates[0].Citizen.ID != a.CitizenID ||
		len(d.Candidates[0].Comparison.Fields) == 0 || d.Record.LocalID != "K-1" {
		t.Fatalf("detail = %+v", d)
	}

	got, err := f.svc.DecideReview(ctx, st, b.ReviewID, list[0].Version, registry.Decision{Action: "merge", CitizenID: a.CitizenID})
	if err != nil {
		t.Fatal(err)
	}
	if got != a.CitizenID {
		t.Fatalf("merge decision linked to %s, want %s", got, a.CitizenID)
	}
	// The provisional ID keeps resolving, to the survivor.
	v, err := f.svc.Citizen(ctx, read(f.principal(t, "kemenkes")), b.CitizenID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Citizen.ID != a.CitizenID {
		t.Fatalf("retired provisional citizen reads as %s, want survivor %s", v.Citizen.ID, a.CitizenID)
	}
	// A second decision on the same version is stale.
	if _, err := f.svc.DecideReview(ctx, st, b.ReviewID, list[0].Version, registry.Decision{Action: "distinct"}); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("stale decision: %v, want ErrConflict", err)
	}
	// The merge can be undone, restoring the state before it.
	if _, err := f.svc.Unmerge(ctx, st, b.CitizenID, "wrong merge"); err != nil {
		t.Fatal(err)
	}
	rl, err := f.svc.Resolve(ctx, read(f.principal(t, "kemenkes")), "kemenkes", "K-1")
	if err != nil {
		t.Fatal(err)
	}
	if rl.CitizenID != b.CitizenID {
		t.Fatalf("after unmerge K-1 is %s, want its own citizen %s back", rl.CitizenID, b.CitizenID)
	}
}

func TestConcurrentDecisionsOneWins(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.reviewCase(t)
	st := f.steward(t)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() {
			d := registry.Decision{Action: "merge", CitizenID: a.CitizenID}
			if i%2 == 1 {
				d = registry.Decision{Action: "distinct"}
			}
			_, errs[i] = f.svc.DecideReview(ctx, st, b.ReviewID, 1, d)
		})
	}
	wg.Wait()
	ok := 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, registry.ErrConflict):
			t.Fatalf("decision failed with %v, want success or ErrConflict", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d decisions succeeded, want exactly 1", ok)
	}
}

func TestDistinctSticksThroughLaterSubmissions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	a, b := f.reviewCase(t)
	st := f.steward(t)
	if _, err := f.svc.DecideReview(ctx, st, b.ReviewID, 1, registry.Decision{Action: "distinct", Reason: "different mother"}); err != nil {
		t.Fatal(err)
	}
	// The health record later arrives with much stronger evidence for the civil record: the
	// steward's decision still stands.
	k := f.principal(t, "kemenkes")
	stronger := siti()
	res, err := f.svc.Submit(ctx, k, "kemenkes", "K-1", stronger)
	if err != nil {
		t.Fatal(err)
	}
	if res.CitizenID == a.CitizenID || res.CitizenID != b.CitizenID {
		t.Fatalf("after a distinct decision the record moved to %s (civil %s, own %s)", res.CitizenID, a.CitizenID, b.CitizenID)
	}
	// A new record that matches both citizens goes to review, not to either.
	other, err := f.svc.Submit(ctx, k, "kemenkes", "K-2", stronger)
	if err != nil {
		t.Fatal(err)
	}
	if other.Outcome != registry.OutcomeReview {
		t.Fatalf("a record matching two citizens set apart = %+v, want review", other)
	}
}

func TestUnmergeInAnyOrderRestoresTheState(t *testing.T) {
	t.Parallel()
	for _, order := range [][]int{{0, 1}, {1, 0}} {
		t.Run(fmt.Sprint(order), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ctx := context.Background()
			p := f.principal(t, "dukcapil")
			st := f.steward(t)
			var ids []uuid.UUID
			for i, name := range []string{"Andi Wijaya", "Budi Hartono", "Citra Lestari"} {
				person := registry.Person{FullName: name, BirthDate: fmt.Sprintf("19%d0-0%d-1%d", 6+i, 2+i, i), NIK: fmt.Sprintf("317101120%d85000%d", i, i)}
				for j := range 2 { // two records each, so merges move several
					person.Phone = fmt.Sprintf("08123456%d%d", i, j)
					r, err := f.svc.Submit(ctx, p, "dukcapil", fmt.Sprintf("D-%d-%d", i, j), person)
					if err != nil {
						t.Fatal(err)
					}
					if j == 0 {
						ids = append(ids, r.CitizenID)
					}
				}
			}
			before := f.exportLinks(t)
			// A -> B, then B -> C: A's records end in C.
			if _, err := f.svc.Merge(ctx, st, ids[0], ids[1], "same"); err != nil {
				t.Fatal(err)
			}
			if _, err := f.svc.Merge(ctx, st, ids[1], ids[2], "same"); err != nil {
				t.Fatal(err)
			}
			for _, l := range f.exportLinks(t) {
				if !slices.Contains([]string{ids[2].String()}, l[len(l)-36:]) {
					t.Fatalf("after two merges %s is not in the last survivor", l)
				}
			}
			retired := []uuid.UUID{ids[0], ids[1]}
			for _, i := range order {
				if _, err := f.svc.Unmerge(ctx, st, retired[i], "split"); err != nil {
					t.Fatalf("unmerge %d: %v", i, err)
				}
			}
			if after := f.exportLinks(t); !slices.Equal(before, after) {
				t.Fatalf("unmerge in order %v:\nbefore %v\nafter  %v", order, before, after)
			}
			if _, err := f.svc.Unmerge(ctx, st, ids[0], "again"); !errors.Is(err, registry.ErrNotFound) {
				t.Fatalf("unmerging an active citizen: %v, want ErrNotFound", err)
			}
			if n := f.count(t, `SELECT count(*) FROM citizens WHERE status = 'active'`); n != 3 {
				t.Fatalf("%d active citizens after the unmerges, want 3", n)
			}
		})
	}
}

func TestMoveRecordAndHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	st := f.steward(t)
	a, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	moved, err := f.svc.MoveRecord(ctx, st, "dukcapil", "D-1", uuid.Nil, "split off")
	if err != nil {
		t.Fatal(err)
	}
	if moved == a.CitizenID {
		t.Fatal("moving to a new citizen kept the old one")
	}
	// A steward link sticks: re-submitting changed content keeps it.
	changed := siti()
	changed.Address = "Jl. Baru 1"
	res, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", changed)
	if err != nil {
		t.Fatal(err)
	}
	if res.CitizenID != moved {
		t.Fatalf("automatic matching overrode a steward's link: %s, want %s", res.CitizenID, moved)
	}
	hist, err := f.svc.History(ctx, registry.ReadContext{Principal: st, Purpose: "audit", EndUser: "st"}, moved, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, e := range hist {
		kinds = append(kinds, e.Kind)
	}
	if !slices.Contains(kinds, registry.EventCitizenCreated) || !slices.Contains(kinds, registry.EventRecordLinked) {
		t.Fatalf("history of the new citizen = %v", kinds)
	}
	if _, err := f.svc.MoveRecord(ctx, p, "dukcapil", "D-1", a.CitizenID, ""); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("a ministry moving a record: %v, want ErrForbidden", err)
	}
}
