package pgstore_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// BenchmarkSubmit measures the single-record submit path (validate, normalise, candidate search,
// score, decide, write record + link + golden record + events) for new, distinct people.
func BenchmarkSubmit(b *testing.B) {
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	ctx := context.Background()
	_, secret, err := svc.CreateKey(ctx, "kemenkes", []registry.Scope{registry.ScopeSubmit}, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := svc.Authenticate(ctx, secret)
	i := 0
	for b.Loop() {
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*7)
		person := registry.Person{
			FullName: syntheticName(i), BirthDate: birth.Format("2006-01-02"), NIK: fmt.Sprintf("3273054%09d", i), Sex: "M",
		}
		if _, err := svc.Submit(ctx, p, "kemenkes", fmt.Sprintf("B-%d-%d", b.N, i), person); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// seedResolvable registers n records of source kemenkes for the resolve benchmarks.
func seedResolvable(b *testing.B, svc *registry.Service, n int) (registry.Principal, []string) {
	b.Helper()
	ctx := context.Background()
	_, secret, err := svc.CreateKey(ctx, "kemenkes", []registry.Scope{registry.ScopeSubmit, registry.ScopeResolve}, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := svc.Authenticate(ctx, secret)
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("R-%d", i)
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*7)
		person := registry.Person{FullName: syntheticName(i), BirthDate: birth.Format("2006-01-02")}
		if _, err := svc.Submit(ctx, p, "kemenkes", ids[i], person); err != nil {
			b.Fatal(err)
		}
	}
	return p, ids
}

// BenchmarkResolveLogged is the registry's resolve: the lookup and its access-log row in one
// statement, 32 concurrent callers.
func BenchmarkResolveLogged(b *testing.B) {
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	p, ids := seedResolvable(b, svc, 500)
	rc := registry.ReadContext{Principal: p, Purpose: "bench", EndUser: "bench"}
	b.SetParallelism(16)
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			if _, err := svc.Resolve(context.Background(), rc, "kemenkes", ids[int(i)%len(ids)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkResolveUnlogged is the same lookup without the access-log row: the difference to
// BenchmarkResolveLogged is the cost of purpose-bound logging.
func BenchmarkResolveUnlogged(b *testing.B) {
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	_, ids := seedResolvable(b, svc, 500)
	b.SetParallelism(16)
	var n atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			var citizen string
			err := pool.QueryRow(context.Background(), `SELECT l.citizen_id::text FROM source_records r
				JOIN links l ON l.record_id = r.id AND l.ended_at IS NULL
				WHERE r.source = $1 AND r.local_id = $2`, "kemenkes", ids[int(i)%len(ids)]).Scan(&citizen)
			if err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// syntheticName makes distinct two-word names from syllables, so that benchmark records do not
// all share one name blocking key (which would measure a pathological block, not the registry).
func syntheticName(i int) string {
	syl := []string{"ba", "di", "ko", "ra", "su", "ti", "wa", "ni", "lu", "me", "ha", "jo", "ka", "pe", "so", "yu"}
	word := func(n int) string {
		w := ""
		for range 3 {
			w += syl[n%len(syl)]
			n /= len(syl)
		}
		return w
	}
	return word(i) + " " + word(i*7919+13)
}
