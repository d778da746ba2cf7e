package pgstore_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

const header = "local_id,nik,full_name,given_name,family_name,sex,birth_date,birth_place,address,village,district,city,province,postcode,phone,email\n"

func TestLoadRejectsBadRowsAndLoadsGoodOnes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	csv := header +
		"D-1,3273054107900001,Siti Rahayu,,,F,1990-07-01,Bandung,,,,,,,,\n" +
		"D-2,3171011203850002,Budi Santoso,,,M,12-03-1985,,,,,,,,,\n" +
		",3171011203850003,No Local ID,,,M,1985-03-12,,,,,,,,,\n" + // no local_id
		"D-3,too,few,fields\n" + // wrong column count
		"D-4,3171011203850004,Ani,,,F,1999-02-31,,,,,,,,,\n" + // impossible date: flagged, still loads
		"D-1,3273054107900001,Siti Rahayu Berbeda,,,F,1990-07-01,,,,,,,,,\n" + // same local_id, other content
		"D-5,,,,,,1979-04-23,,,,,,,,,e.page@example.com\n" + // no name, no NIK: loads on its birth date and e-mail
		"D-6,,,,,,,,,,,Bandung,,,,\n" // nothing about who the person is
	var rejects []registry.Reject
	sum, err := f.svc.Load(ctx, "dukcapil", strings.NewReader(csv), registry.LoadOptions{
		OnReject: func(r registry.Reject) error { rejects = append(rejects, r); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Rows != 8 || sum.Loaded != 4 || sum.Rejected != 4 || sum.Flagged < 1 {
		t.Fatalf("summary = %+v, want 8 rows, 4 loaded, 4 rejected, a flagged field", sum)
	}
	if reason := rejects[len(rejects)-1].Reason; !strings.Contains(reason, "a name, a NIK, a birth date") {
		t.Errorf("reason for a record with nothing identifying = %q, want what it needs", reason)
	}
	wantLines := []int{4, 5, 7, 9}
	for i, r := range rejects {
		if r.Line != wantLines[i] || r.Reason == "" {
			t.Errorf("reject %d = line %d %q, want line %d with a reason", i, r.Line, r.Reason, wantLines[i])
		}
	}
	// Loading the same file again changes nothing.
	events := f.count(t, `SELECT count(*) FROM events`)
	again, err := f.svc.Load(ctx, "dukcapil", strings.NewReader(csv), registry.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if again.Loaded != 0 || again.Updated != 0 || again.Unchanged != 4 {
		t.Fatalf("re-load = %+v, want everything unchanged", again)
	}
	if f.count(t, `SELECT count(*) FROM events`) != events {
		t.Fatal("re-load wrote events")
	}
	var exported []string
	f.svc.ExportLinks(ctx, func(source, localID string, citizen uuid.UUID) error {
		exported = append(exported, source+"/"+localID)
		return nil
	})
	if strings.Join(exported, " ") != "dukcapil/D-1 dukcapil/D-2 dukcapil/D-4 dukcapil/D-5" {
		t.Fatalf("export = %v", exported)
	}
}

func TestLoadNDJSONAndGzipHeaderErrors(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	nd := `{"local_id":"K-1","full_name":"Siti Rahayu","nik":3273054107900001,"birth_date":"1990-07-01"}
{"local_id":"K-2","full_nam":"typo"}
not json
`
	var reasons []string
	sum, err := f.svc.Load(ctx, "kemensos", strings.NewReader(nd), registry.LoadOptions{
		OnReject: func(r registry.Reject) error { reasons = append(reasons, r.Reason); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Loaded != 1 || sum.Rejected != 2 {
		t.Fatalf("summary = %+v, reasons %q", sum, reasons)
	}
	if !strings.Contains(reasons[0], `"full_nam"`) {
		t.Fatalf("reason %q does not name the unknown field", reasons[0])
	}
	if _, err := f.svc.Load(ctx, "kemensos", strings.NewReader("id,name\n1,x\n"), registry.LoadOptions{}); err == nil ||
		!strings.Contains(err.Error(), "local_id") {
		t.Fatalf("a header without local_id: %v", err)
	}
}
