package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// TestChunkTurnsAreAwaitedInTheDatabase: a chunk's transaction holds its turn until it ends,
// AwaitTurn waits for that, and a cycle of such waits is a deadlock the database breaks (a wait
// the loader made in Go alone would hang both loads for good).
func TestChunkTurnsAreAwaitedInTheDatabase(t *testing.T) {
	t.Parallel()
	bs := pgstore.New(pgtest.NewPool(t)).Bulk()
	ctx := context.Background()
	load := uuid.New()
	turn := func(n int) registry.ChunkTurn { return registry.ChunkTurn{Load: load, Chunk: n} }

	held, release := make(chan struct{}), make(chan struct{})
	var ended atomic.Bool
	first := make(chan error, 1)
	go func() {
		first <- bs.WriteChunk(ctx, turn(1), func(registry.BulkTx) error {
			close(held)
			<-release
			ended.Store(true)
			return nil
		})
	}()
	<-held
	waited := make(chan error, 1)
	go func() {
		waited <- bs.WriteChunk(ctx, turn(2), func(tx registry.BulkTx) error { return tx.AwaitTurn(ctx, turn(1)) })
	}()
	select {
	case err := <-waited:
		t.Fatalf("AwaitTurn returned (%v) while the chunk before held its turn", err)
	case <-time.After(300 * time.Millisecond):
	}
	close(release)
	if err := <-waited; err != nil || !ended.Load() {
		t.Fatalf("AwaitTurn = %v, the chunk before ended: %v", err, ended.Load())
	}
	if err := <-first; err != nil {
		t.Fatal(err)
	}
	// Another load's chunk of the same number is not waited for.
	if err := bs.WriteChunk(ctx, turn(3), func(tx registry.BulkTx) error {
		return tx.AwaitTurn(ctx, registry.ChunkTurn{Load: uuid.New(), Chunk: 3})
	}); err != nil {
		t.Fatal(err)
	}

	// Two transactions each waiting for the other's turn: one is the deadlock's victim.
	var both sync.WaitGroup
	both.Add(2)
	errs := make(chan error, 2)
	for _, pair := range [][2]int{{4, 5}, {5, 4}} {
		go func() {
			errs <- bs.WriteChunk(ctx, turn(pair[0]), func(tx registry.BulkTx) error {
				both.Done()
				both.Wait()
				return tx.AwaitTurn(ctx, turn(pair[1]))
			})
		}()
	}
	a, b := <-errs, <-errs
	if (a == nil) == (b == nil) || !errors.Is(errors.Join(a, b), registry.ErrConflict) {
		t.Fatalf("waits in a cycle ended with %v and %v, want one conflict", a, b)
	}
}

// TestRecordsAfterLooksAroundSkippedRanges: a loader reads the records above an ID outside the
// ranges it reserved for its own, whatever the ranges' overlap with that ID or with each other's
// edges, a page at a time.
func TestRecordsAfterLooksAroundSkippedRanges(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	if err := pgstore.New(f.pool).EnsureSource(ctx, "dukcapil"); err != nil {
		t.Fatal(err)
	}
	for i := range 6 {
		p := registry.Person{FullName: fmt.Sprint("Person ", i), BirthDate: fmt.Sprint("1990-01-0", i+1)}
		if _, err := f.svc.Ingest(ctx, "test", "dukcapil", fmt.Sprint("skip-", i), p); err != nil {
			t.Fatal(err)
		}
	}
	var ids []int64
	rows, err := f.pool.Query(ctx, `SELECT id FROM source_records ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil || len(ids) != 6 {
		t.Fatalf("records %v, %v", ids, err)
	}
	at := func(is ...int) []int64 {
		out := []int64{}
		for _, i := range is {
			out = append(out, ids[i])
		}
		return out
	}
	bs := pgstore.New(f.pool).Bulk()
	span := func(from, to int64) registry.IDRange { return registry.IDRange{From: from, To: to} }
	for _, c := range []struct {
		after int64
		skip  []registry.IDRange
		limit int
		want  []int64
	}{
		{0, nil, 10, at(0, 1, 2, 3, 4, 5)},
		{ids[1], nil, 10, at(2, 3, 4, 5)},
		{0, []registry.IDRange{span(ids[1], ids[2]), span(ids[4], ids[4])}, 10, at(0, 3, 5)},
		{0, []registry.IDRange{span(ids[0], ids[5])}, 10, at()},
		{ids[2], []registry.IDRange{span(ids[1], ids[3])}, 10, at(4, 5)},
		{ids[2], []registry.IDRange{span(ids[0], ids[1]), span(ids[5], ids[5]+100)}, 10, at(3, 4)},
		{0, []registry.IDRange{span(ids[1], ids[1])}, 2, at(0, 2)},
	} {
		got, err := bs.RecordsAfter(ctx, c.after, c.skip, c.limit)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, c.want) {
			t.Errorf("RecordsAfter(%d, %v, %d) = %v, want %v", c.after, c.skip, c.limit, got, c.want)
		}
	}
}
