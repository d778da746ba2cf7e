package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// model returns a distinct, valid model named version.
func model(version string, prior float64) *matching.Model {
	m := matching.DefaultModel()
	m.Version, m.PriorWeight = version, prior
	m.HouseholdDependence = [][]float64{{1, 0.5, 0.5, 0.5, 0.5}, {1, 1, 0.5, 0.5, 0.5}, {1, 1, 1, 1, 1}, {1, 1, 0.5, 1, 0.5}, {0.1, 0.1, 0.1, 0.1, 1}}
	return m
}

func TestModelsSaveActivateList(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	store := pgstore.New(f.pool)

	if _, err := store.ActiveModel(ctx); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("active model of a new registry: %v, want ErrNotFound", err)
	}
	m1, m2 := model("m1", -15), model("m2", -16)
	if err := store.SaveModel(ctx, m1, true); err != nil {
		t.Fatal(err)
	}
	got, err := store.ActiveModel(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, m1) {
		t.Fatalf("stored model does not round-trip:\n got %+v\nwant %+v", got, m1)
	}
	if err := store.SaveModel(ctx, m2, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.ActiveModel(ctx); got.Version != "m1" {
		t.Fatalf("saving without activating switched the model to %s", got.Version)
	}
	// Saving the same model again is a no-op; another model under a taken version is refused.
	if err := store.SaveModel(ctx, m1, false); err != nil {
		t.Fatalf("saving m1 again: %v", err)
	}
	if err := store.SaveModel(ctx, model("m1", -3), false); !errors.Is(err, registry.ErrConflict) {
		t.Fatalf("other parameters under version m1: %v, want ErrConflict", err)
	}
	if err := store.ActivateModel(ctx, "m2"); err != nil {
		t.Fatal(err)
	}
	if got, _ := store.ActiveModel(ctx); got.Version != "m2" {
		t.Fatalf("active model %s after activating m2", got.Version)
	}
	if err := store.ActivateModel(ctx, "nope"); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("activating an unknown version: %v, want ErrNotFound", err)
	}
	if got, _ := store.ActiveModel(ctx); got.Version != "m2" {
		t.Fatalf("a failed activation changed the active model to %s", got.Version)
	}
	list, err := store.ListModels(ctx)
	if err != nil {
		t.Fatal(err)
	}
	active := map[string]bool{}
	for _, mi := range list {
		active[mi.Version] = mi.Active
	}
	if len(list) != 2 || !active["m2"] || active["m1"] {
		t.Fatalf("models = %+v", list)
	}
	if f.count(t, `SELECT count(*) FROM match_models WHERE params->>'version' = version`) != 2 {
		t.Fatal("stored parameters do not carry their own version")
	}
}

// TestModelActivationsRace: concurrent activations never leave two active models (or none), and
// none fails on the one-active index.
func TestModelActivationsRace(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	store := pgstore.New(f.pool)
	versions := []string{"a", "b", "c", "d"}
	for _, v := range versions {
		if err := store.SaveModel(ctx, model(v, -10), false); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- store.ActivateModel(ctx, versions[i%len(versions)])
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent activation: %v", err)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM match_models WHERE active`); n != 1 {
		t.Fatalf("%d active models", n)
	}
}

// TestTrainFromStoredRecords trains from what the registry holds, through the store's
// streaming read: deterministic for a seed, sampled when capped, and the model the Service
// decides with once saved and activated.
func TestTrainFromStoredRecords(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "kemenkes")
	if _, _, err := f.svc.TrainModel(ctx, registry.TrainOptions{}); !errors.Is(err, matching.ErrTooFewRecords) {
		t.Fatalf("training an empty registry: %v, want ErrTooFewRecords", err)
	}
	names := []string{"Siti Rahayu", "Budi Santoso", "Agus Salim", "Dewi Lestari", "Rina Wati", "Joko Susilo"}
	n := 0
	for i, name := range names {
		for copyNo := range 2 { // each person twice, the second time with a typo
			person := registry.Person{FullName: name, BirthDate: fmt.Sprintf("19%02d-0%d-1%d", 60+i, 1+i%9, i%10), Sex: "F"}
			if copyNo == 1 {
				person.FullName += "h"
			}
			if _, err := f.svc.Submit(ctx, p, "kemenkes", fmt.Sprintf("R-%d-%d", i, copyNo), person); err != nil {
				t.Fatal(err)
			}
			n++
		}
	}
	var streamed []matching.Normalized
	if err := pgstore.New(f.pool).NormalizedRecords(ctx, func(nr matching.Normalized) error {
		streamed = append(streamed, nr)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(streamed) != n || streamed[0].Name[0] != "siti" {
		t.Fatalf("streamed %d records (first %v), want %d in insertion order", len(streamed), streamed[0].Name, n)
	}

	m1, rep, err := f.svc.TrainModel(ctx, registry.TrainOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	m2, _, err := f.svc.TrainModel(ctx, registry.TrainOptions{Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	if m1.Version != m2.Version || rep.Records != n || rep.Sampled != n {
		t.Fatalf("versions %s / %s, report %+v", m1.Version, m2.Version, rep)
	}
	if want, _ := matching.Train(streamed, matching.TrainOptions{Seed: 7}); want.Version != m1.Version {
		t.Fatalf("registry training gave %s, training on the same records directly %s", m1.Version, want.Version)
	}
	_, capped, err := f.svc.TrainModel(ctx, registry.TrainOptions{Seed: 7, MaxRecords: 5})
	if err != nil {
		t.Fatal(err)
	}
	if capped.Records != n || capped.Sampled != 5 {
		t.Fatalf("capped training report %+v", capped)
	}

	if err := f.svc.SaveModel(ctx, m1, true); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Submit(ctx, p, "kemenkes", "R-new", registry.Person{FullName: "Siti Rahayu", BirthDate: "1960-01-10", Sex: "F"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ModelVersion != m1.Version {
		t.Fatalf("decided with model %s after activating %s", res.ModelVersion, m1.Version)
	}
	if f.count(t, `SELECT count(*) FROM links l JOIN source_records r ON r.id = l.record_id
		WHERE r.local_id = 'R-new' AND l.ended_at IS NULL AND l.model_version = $1`, m1.Version) != 1 {
		t.Fatal("the new link does not record the trained model's version")
	}
	// Another process starting now picks the model up.
	other := registry.NewService(pgstore.New(f.pool), registry.Options{})
	if got, err := other.UseActiveModel(ctx); err != nil || got.Version != m1.Version {
		t.Fatalf("UseActiveModel = %v, %v", got, err)
	}
}
