package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// TestNIKsAreNeverStoredInClear dumps every table a NIK passes through and looks for it.
func TestNIKsAreNeverStoredInClear(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	k := f.principal(t, "kemenkes")
	nik := siti().NIK
	a, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	// The NIK still finds the citizen (through the keyed index) and reads back in clear.
	health := registry.Person{NIK: nik, FullName: "S. Rahayu"}
	b, err := f.svc.Submit(ctx, k, "kemenkes", "K-1", health)
	if err != nil {
		t.Fatal(err)
	}
	if b.CitizenID != a.CitizenID {
		t.Fatalf("the NIK index did not find the citizen: %+v", b)
	}
	v, err := f.svc.Citizen(ctx, read(p), a.CitizenID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Golden.Fields["nik"].Value != nik {
		t.Fatalf("golden NIK reads %q", v.Golden.Fields["nik"].Value)
	}
	// A new version, so that the one it replaces is kept in the history.
	moved := siti()
	moved.Address = "Jl. Asia Afrika No. 8"
	if r, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", moved); err != nil || r.Version != 2 {
		t.Fatalf("update = %+v, %v; want version 2", r, err)
	}
	for _, q := range []string{
		`SELECT raw::text || normalized::text FROM source_records`,
		`SELECT raw::text FROM source_record_versions`,
		`SELECT key::text FROM blocking_keys`,
		`SELECT fields::text FROM golden_records`,
		`SELECT candidates::text FROM reviews`,
		`SELECT coalesce(explanation::text, '') FROM links`,
		`SELECT data::text FROM events`,
	} {
		rows, err := f.pool.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(s, nik) || strings.Contains(s, nik[:12]) {
				t.Fatalf("%s holds the NIK in clear: %s", q, s)
			}
		}
		rows.Close()
	}
	// Another store with other keys cannot open what this one sealed.
	other := registry.NewService(pgstore.New(f.pool), registry.Options{})
	if _, err := other.Citizen(ctx, read(p), a.CitizenID); err == nil {
		t.Fatal("a store with different keys read sealed NIKs")
	}
}

func TestNIKKeyRotation(t *testing.T) {
	ks, err := registry.NewNIKKeySet()
	if err != nil {
		t.Fatal(err)
	}
	old, _ := registry.NewNIKCipher(ks)
	sealed, _ := old.Seal("3273054107900001")
	if err := ks.AddKey(); err != nil {
		t.Fatal(err)
	}
	rotated, err := registry.NewNIKCipher(ks)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := rotated.Open(sealed); err != nil || got != "3273054107900001" {
		t.Fatalf("after rotation an old value opens as %q, %v", got, err)
	}
	fresh, _ := rotated.Seal("3273054107900001")
	if fresh == sealed {
		t.Fatal("after rotation values are still sealed with the old key")
	}
	if old.Index("3273054107900001") != rotated.Index("3273054107900001") {
		t.Fatal("rotation changed the lookup index")
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := rotated.Open(tampered); err == nil {
		t.Fatal("a tampered ciphertext opened")
	}
}
