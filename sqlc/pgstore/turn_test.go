package pgstore_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

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
