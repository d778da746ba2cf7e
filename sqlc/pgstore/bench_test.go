package pgstore_test

import (
	"context"
	"fmt"
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
			FullName:  fmt.Sprintf("Orang %c%c%c Nomor", 'A'+i%26, 'A'+i/26%26, 'A'+i/676%26),
			BirthDate: birth.Format("2006-01-02"), NIK: fmt.Sprintf("3273054%09d", i), Sex: "M",
		}
		if _, err := svc.Submit(ctx, p, "kemenkes", fmt.Sprintf("B-%d-%d", b.N, i), person); err != nil {
			b.Fatal(err)
		}
		i++
	}
}
