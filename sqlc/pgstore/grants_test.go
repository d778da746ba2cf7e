package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/bangsa/registry/registry"
)

func TestGrantsWidenAndNarrowWhatASourceSees(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	k := f.principal(t, "kemenkes")
	djp := f.principal(t, "djp")
	health := siti()
	health.Phone = "081299990000"
	res, err := f.svc.Submit(ctx, k, "kemenkes", "K-1", health)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, djp, "djp", "T-1", registry.Person{NIK: siti().NIK, FullName: "Siti Rahayu", BirthDate: "1990-07-01"}); err != nil {
		t.Fatal(err)
	}
	view := func() registry.CitizenView {
		t.Helper()
		v, err := f.svc.Citizen(ctx, read(djp), res.CitizenID)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	v := view()
	if _, ok := v.Golden.Fields["phone"]; !ok {
		t.Fatal("without grants the tax office should see the phone")
	}
	if v.Golden.Fields["phone"].LocalID != "" || len(v.Records) != 1 {
		t.Fatalf("without a cross_reference grant djp sees kemenkes' local IDs: %+v %+v", v.Golden.Fields["phone"], v.Records)
	}
	if _, err := f.svc.AddGrant(ctx, registry.Grant{Source: "djp", Kind: registry.GrantHideField, Target: "kemenkes", Field: "phone"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddGrant(ctx, registry.Grant{Source: "djp", Kind: registry.GrantCrossReference, Target: "kemenkes"}); err != nil {
		t.Fatal(err)
	}
	v = view()
	if _, ok := v.Golden.Fields["phone"]; ok {
		t.Fatal("a health-sourced phone number is shown to the tax office despite hide_field")
	}
	if len(v.Records) != 2 || v.Golden.Fields["full_name"].LocalID == "" {
		t.Fatalf("cross_reference grant not applied: %+v", v.Records)
	}
	// read_all: a source reads a citizen it holds no record of only with the grant.
	dk := f.principal(t, "dukcapil")
	if _, err := f.svc.Citizen(ctx, read(dk), res.CitizenID); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("dukcapil without read_all: %v", err)
	}
	if _, err := f.svc.AddGrant(ctx, registry.Grant{Source: "dukcapil", Kind: registry.GrantReadAll}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Citizen(ctx, read(dk), res.CitizenID); err != nil {
		t.Fatalf("dukcapil with read_all: %v", err)
	}
	if _, err := f.svc.AddGrant(ctx, registry.Grant{Source: "djp", Kind: registry.GrantHideField, Target: "kemenkes", Field: "shoe_size"}); !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("a grant on an unknown field: %v", err)
	}
}

func TestCitizenAccessLogWithholdsConfidentialReads(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	k := f.principal(t, "kemenkes")
	police := f.principal(t, "polri")
	portal := f.principal(t, "portal", registry.ScopeCitizenPortal)
	res, err := f.svc.Submit(ctx, k, "kemenkes", "K-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, police, "polri", "P-1", siti()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Citizen(ctx, registry.ReadContext{Principal: k, Purpose: "clinic visit", EndUser: "nurse-1"}, res.CitizenID); err != nil {
		t.Fatal(err)
	}
	secret := registry.ReadContext{Principal: police, Purpose: "investigation", EndUser: "det-9", ConfidentialUntil: time.Now().Add(24 * time.Hour)}
	if _, err := f.svc.Citizen(ctx, secret, res.CitizenID); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("a confidential read without the grant: %v", err)
	}
	if _, err := f.svc.AddGrant(ctx, registry.Grant{Source: "polri", Kind: registry.GrantConfidential}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Citizen(ctx, secret, res.CitizenID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.CitizenAccessLog(ctx, k, res.CitizenID, 10, 0); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("a ministry reading the citizen's access log: %v", err)
	}
	entries, err := f.svc.CitizenAccessLog(ctx, portal, res.CitizenID, 10, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Institution != "kemenkes" || entries[0].Purpose != "clinic visit" {
		t.Fatalf("citizen's view = %+v: want the clinic read only, the investigation withheld", entries)
	}
	if n := f.count(t, `SELECT count(*) FROM access_log WHERE confidential_until IS NOT NULL`); n != 1 {
		t.Fatalf("confidential reads logged: %d, want 1 (logged, only withheld from the citizen)", n)
	}
}
