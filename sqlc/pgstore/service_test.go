package pgstore_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

type fixture struct {
	svc  *registry.Service
	pool *pgxpool.Pool
	log  *syncBuffer // the service's log, unless the test gave its own logger
}

func newFixture(t *testing.T) *fixture { return newFixtureOn(t, registry.Options{}) }

// newFixtureOn is a fixture on a throwaway database whose service has opts and whose store has
// storeOpts.
func newFixtureOn(t *testing.T, opts registry.Options, storeOpts ...pgstore.Option) *fixture {
	t.Helper()
	pool := pgtest.NewPool(t)
	f := &fixture{pool: pool, log: &syncBuffer{}}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.NewTextHandler(f.log, nil))
	}
	f.svc = registry.NewService(pgstore.New(pool, storeOpts...), opts)
	return f
}

// principal mints a real key and authenticates with it, as the API does.
func (f *fixture) principal(t *testing.T, source string, scopes ...registry.Scope) registry.Principal {
	t.Helper()
	ctx := context.Background()
	if len(scopes) == 0 {
		scopes = []registry.Scope{registry.ScopeSubmit, registry.ScopeResolve, registry.ScopeRead, registry.ScopeMatch}
	}
	_, secret, err := f.svc.CreateKey(ctx, source, scopes, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.svc.Authenticate(ctx, secret)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func (f *fixture) count(t *testing.T, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := f.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// siti is one citizen as the civil registry holds her.
func siti() registry.Person {
	return registry.Person{
		NIK: "3273054107900001", FullName: "Siti Rahayu", Sex: "F", BirthDate: "1990-07-01",
		BirthPlace: "Bandung", Address: "Jl. Merdeka No. 5", City: "Kota Bandung", Phone: "081234567890",
	}
}

func read(p registry.Principal) registry.ReadContext {
	return registry.ReadContext{Principal: p, Purpose: "test", EndUser: "tester"}
}

func TestSubmitCreatesThenIsIdempotent(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")

	first, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	if first.Outcome != registry.OutcomeCreated || first.Version != 1 || first.Unchanged {
		t.Fatalf("first submit = %+v, want created v1", first)
	}
	events := f.count(t, `SELECT count(*) FROM events`)

	again, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	if !again.Unchanged || again.CitizenID != first.CitizenID || again.Outcome != first.Outcome || again.Version != 1 {
		t.Fatalf("re-submit = %+v, want the same answer as %+v, unchanged", again, first)
	}
	if n := f.count(t, `SELECT count(*) FROM events`); n != events {
		t.Fatalf("re-submit wrote %d events, want none", n-events)
	}
	if n := f.count(t, `SELECT count(*) FROM source_record_versions`); n != 0 {
		t.Fatalf("versions kept = %d, want none: the only version is the record's current one", n)
	}
}

func TestSecondSourceLinksToSameCitizen(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d := f.principal(t, "dukcapil")
	k := f.principal(t, "kemenkes")

	a, err := f.svc.Submit(ctx, d, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	health := siti()
	health.FullName, health.BirthDate, health.Sex = "SITI RAHAYU", "01/07/1990", "P"
	health.Phone = "+62 812-3456-7890"
	b, err := f.svc.Submit(ctx, k, "kemenkes", "RS-000123", health)
	if err != nil {
		t.Fatal(err)
	}
	if b.Outcome != registry.OutcomeLinked || b.CitizenID != a.CitizenID {
		t.Fatalf("health record = %+v, want linked to %s", b, a.CitizenID)
	}
	if b.Explanation == nil || len(b.Explanation.Fields) == 0 {
		t.Fatal("a link carries no explanation")
	}
	rl, err := f.svc.Resolve(ctx, read(k), "kemenkes", "RS-000123")
	if err != nil {
		t.Fatal(err)
	}
	if rl.CitizenID != a.CitizenID {
		t.Fatalf("resolve = %s, want %s", rl.CitizenID, a.CitizenID)
	}
	// Golden record: dukcapil is trusted first, whatever arrived later.
	v, err := f.svc.Citizen(ctx, read(k), a.CitizenID)
	if err != nil {
		t.Fatal(err)
	}
	if g := v.Golden.Fields["full_name"]; g.Value != "Siti Rahayu" || g.Source != "dukcapil" || g.Rule != "trust:dukcapil" {
		t.Fatalf("golden full_name = %+v, want the dukcapil value", g)
	}
	if g := v.Golden.Fields["birth_date"]; g.Value != "1990-07-01" {
		t.Fatalf("golden birth_date = %+v, want the canonical date", g)
	}
	// kemenkes sees only its own local IDs.
	for _, r := range v.Records {
		if r.Source != "kemenkes" {
			t.Fatalf("kemenkes sees another source's local ID: %+v", r)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM access_log WHERE citizen_id = $1`, a.CitizenID); n != 2 {
		t.Fatalf("access log rows = %d, want 2 (resolve + read)", n)
	}
}

func TestDifferentPeopleGetDifferentCitizens(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	a, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	other := registry.Person{NIK: "3171011203850002", FullName: "Budi Santoso", Sex: "M", BirthDate: "1985-03-12"}
	b, err := f.svc.Submit(ctx, p, "dukcapil", "D-2", other)
	if err != nil {
		t.Fatal(err)
	}
	if b.Outcome != registry.OutcomeCreated || b.CitizenID == a.CitizenID {
		t.Fatalf("a different person = %+v, want a new citizen", b)
	}
}

func TestConcurrentSubmitsOfOneRecord(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "kemenkes")
	const n = 12
	var wg sync.WaitGroup
	results := make([]registry.SubmitResult, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			results[i], errs[i] = f.svc.Submit(ctx, p, "kemenkes", "RS-1", siti())
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("submit %d: %v", i, err)
		}
		if results[i].CitizenID != results[0].CitizenID {
			t.Fatalf("concurrent submits answered different citizens: %s vs %s", results[i].CitizenID, results[0].CitizenID)
		}
	}
	if got := f.count(t, `SELECT count(*) FROM source_records`); got != 1 {
		t.Fatalf("records = %d, want 1", got)
	}
	if got := f.count(t, `SELECT count(*) FROM links`); got != 1 {
		t.Fatalf("links = %d, want 1", got)
	}
	if got := f.count(t, `SELECT count(*) FROM citizens`); got != 1 {
		t.Fatalf("citizens = %d, want 1", got)
	}
}

func TestUpdateKeepsHistory(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	first, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	moved := siti()
	moved.Address = "Jl. Asia Afrika No. 8"
	second, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", moved)
	if err != nil {
		t.Fatal(err)
	}
	if second.Version != 2 || second.CitizenID != first.CitizenID || second.Unchanged {
		t.Fatalf("update = %+v, want version 2 of the same citizen", second)
	}
	if got := f.count(t, `SELECT count(*) FROM source_record_versions v JOIN source_records r ON r.id = v.record_id
		WHERE v.version = 1 AND r.version = 2 AND v.raw::text <> r.raw::text`); got != 1 {
		t.Fatalf("versions kept = %d, want the first one, beside the record's second", got)
	}
	v, err := f.svc.Citizen(ctx, read(p), first.CitizenID)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Golden.Fields["address"].Value; got != moved.Address {
		t.Fatalf("golden address = %q after the update", got)
	}
	if got := f.count(t, `SELECT count(*) FROM links WHERE ended_at IS NULL`); got != 1 {
		t.Fatalf("active links = %d, want 1", got)
	}
}

func TestSourceWritesAndReadsOnlyItsOwn(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	d := f.principal(t, "dukcapil")
	k := f.principal(t, "kemenkes")
	res, err := f.svc.Submit(ctx, d, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Submit(ctx, k, "dukcapil", "D-2", siti()); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("kemenkes writing dukcapil's record: %v, want ErrForbidden", err)
	}
	if _, err := f.svc.Resolve(ctx, read(k), "dukcapil", "D-1"); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("kemenkes resolving dukcapil's ID: %v, want ErrForbidden", err)
	}
	// kemenkes holds no record of this citizen: it cannot read the golden record, nor learn it exists.
	if _, err := f.svc.Citizen(ctx, read(k), res.CitizenID); !errors.Is(err, registry.ErrNotFound) {
		t.Fatalf("kemenkes reading a citizen it holds no record of: %v, want ErrNotFound", err)
	}
	noScope := f.principal(t, "dukcapil", registry.ScopeResolve)
	if _, err := f.svc.Submit(ctx, noScope, "dukcapil", "D-3", siti()); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("submit without the submit scope: %v, want ErrForbidden", err)
	}
}

func TestSubmitRejectsBadFieldsAndWritesNothing(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	for name, mutate := range map[string]func(*registry.Person){
		"impossible date": func(p *registry.Person) { p.BirthDate = "1990-02-30" },
		"NUL":             func(p *registry.Person) { p.FullName = "Siti\x00" },
		"over-long":       func(p *registry.Person) { p.Address = strings.Repeat("x", registry.MaxFieldLen+1) },
		"no identity":     func(p *registry.Person) { *p = registry.Person{City: "Bandung"} },
	} {
		person := siti()
		mutate(&person)
		_, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", person)
		var ve *registry.ValidationError
		if !errors.As(err, &ve) || len(ve.Fields) == 0 {
			t.Errorf("%s: err = %v, want a validation error naming the field", name, err)
		}
	}
	if got := f.count(t, `SELECT count(*) FROM source_records`); got != 0 {
		t.Fatalf("rejected submits wrote %d records", got)
	}
}

func TestEventsAreSequencedWithoutGaps(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	admin := f.principal(t, "dukcapil", registry.ScopeAdmin)
	var wg sync.WaitGroup
	for i := range 10 {
		wg.Go(func() {
			person := siti()
			person.NIK = ""
			person.FullName = "Orang " + string(rune('A'+i))
			if _, err := f.svc.Submit(ctx, p, "dukcapil", uuid.NewString(), person); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if _, err := f.svc.Events(ctx, p, 0, 10); !errors.Is(err, registry.ErrForbidden) {
		t.Fatalf("events without admin scope: %v", err)
	}
	evs, err := f.svc.Events(ctx, admin, 0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: want 1..n without gaps", i, e.Seq)
		}
	}
	page, err := f.svc.Events(ctx, admin, 3, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || page[0].Seq != 4 {
		t.Fatalf("after=3&limit=2 = %+v", page)
	}
}

func TestMatchWritesOnlyTheAccessLog(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	res, err := f.svc.Submit(ctx, p, "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	records := f.count(t, `SELECT count(*) FROM source_records`)
	events := f.count(t, `SELECT count(*) FROM events`)
	m, err := f.svc.Match(ctx, read(p), registry.Person{FullName: "Siti Rahayu", BirthDate: "1990-07-01", NIK: "3273054107900001"})
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Candidates) == 0 || m.Candidates[0].CitizenID != res.CitizenID {
		t.Fatalf("match = %+v, want the citizen first", m)
	}
	if f.count(t, `SELECT count(*) FROM source_records`) != records || f.count(t, `SELECT count(*) FROM events`) != events {
		t.Fatal("match wrote records or events")
	}
	if _, err := f.svc.Match(ctx, read(p), registry.Person{FullName: "Siti"}); !errors.Is(err, registry.ErrInvalid) {
		t.Fatalf("a name alone: %v, want ErrInvalid (no enumeration)", err)
	}
}

func TestKeysExpireRotateAndRevoke(t *testing.T) {
	t.Parallel()
	pool := pgtest.NewPool(t)
	now := time.Now()
	svc := registry.NewService(pgstore.New(pool), registry.Options{Clock: func() time.Time { return now }})
	ctx := context.Background()
	k, secret, err := svc.CreateKey(ctx, "kemenkes", []registry.Scope{registry.ScopeResolve}, "clinic system", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Fatal(err)
	}
	next, nextSecret, err := svc.RotateKey(ctx, k.ID, 10*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	if next.Source != "kemenkes" || next.Label != "clinic system" || len(next.Scopes) != 1 {
		t.Fatalf("successor = %+v", next)
	}
	if _, err := svc.Authenticate(ctx, secret); err != nil {
		t.Fatalf("the old key within its grace: %v", err)
	}
	now = now.Add(11 * time.Minute) // past the grace (and past the key cache's lifetime)
	if _, err := svc.Authenticate(ctx, secret); !errors.Is(err, registry.ErrUnauthorized) {
		t.Fatalf("the old key after its grace: %v", err)
	}
	if _, err := svc.Authenticate(ctx, nextSecret); err != nil {
		t.Fatalf("the new key: %v", err)
	}
	if err := svc.RevokeKey(ctx, next.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, nextSecret); !errors.Is(err, registry.ErrUnauthorized) {
		t.Fatalf("a revoked key: %v", err)
	}
}
