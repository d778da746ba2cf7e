package schema_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/schema"
	"github.com/bangsa/registry/schema/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestMigrationsNumberedInOrder(t *testing.T) {
	ms := schema.Migrations()
	for i, m := range ms {
		if m.Version != i+1 {
			t.Fatalf("migration %d is %s: want contiguous numbering from 0001", i, m.Name)
		}
	}
}

func TestMigrateIsIdempotentAndCheckPasses(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t) // already migrated from the template
	applied, err := schema.Migrate(ctx, pool)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 0 {
		t.Fatalf("second migrate applied %v, want nothing", applied)
	}
	if err := schema.Check(ctx, pool); err != nil {
		t.Fatalf("Check on a migrated database: %v", err)
	}
}

func TestCheckRefusesEmptyDatabase(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	if _, err := pool.Exec(ctx, `DELETE FROM schema_migrations`); err != nil {
		t.Fatal(err)
	}
	if err := schema.Check(ctx, pool); !errors.Is(err, schema.ErrBehind) {
		t.Fatalf("Check = %v, want ErrBehind", err)
	}
}

func TestConcurrentMigrateAppliesOnce(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	// Reset to an empty schema, then race two migrators.
	if _, err := pool.Exec(ctx, `DROP SCHEMA public CASCADE; CREATE SCHEMA public`); err != nil {
		t.Fatal(err)
	}
	errs := make(chan error, 2)
	for range 2 {
		go func() { _, err := schema.Migrate(ctx, pool); errs <- err }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent migrate: %v", err)
		}
	}
	if err := schema.Check(ctx, pool); err != nil {
		t.Fatal(err)
	}
}
