package pgstore_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// UUIDs, null UUIDs and arrays of them survive a round trip through a configured pool, and a
// pool's own AfterConnect still runs.
func TestConfigurePool(t *testing.T) {
	ctx := context.Background()
	cfg, err := pgxpool.ParseConfig(pgtest.NewDatabase(t))
	if err != nil {
		t.Fatal(err)
	}
	ran := false
	cfg.AfterConnect = func(context.Context, *pgx.Conn) error { ran = true; return nil }
	pgstore.ConfigurePool(cfg)
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()

	id := uuid.Must(uuid.NewV7())
	ids := []uuid.UUID{uuid.New(), id}
	var (
		gotID   uuid.UUID
		gotNull uuid.NullUUID
		gotSome uuid.NullUUID
		gotIDs  []uuid.UUID
		text    string
	)
	err = pool.QueryRow(ctx, "SELECT $1::uuid, $2::uuid, $3::uuid, $4::uuid[], $1::uuid::text",
		id, uuid.NullUUID{}, uuid.NullUUID{UUID: id, Valid: true}, ids).Scan(&gotID, &gotNull, &gotSome, &gotIDs, &text)
	if err != nil {
		t.Fatal(err)
	}
	if !ran {
		t.Error("the pool's own AfterConnect did not run")
	}
	if gotID != id || text != id.String() {
		t.Errorf("uuid round trip: got %s (%s as text), want %s", gotID, text, id)
	}
	if gotNull.Valid || !gotSome.Valid || gotSome.UUID != id {
		t.Errorf("null uuids: got %+v and %+v", gotNull, gotSome)
	}
	if len(gotIDs) != 2 || gotIDs[0] != ids[0] || gotIDs[1] != ids[1] {
		t.Errorf("uuid array: got %v, want %v", gotIDs, ids)
	}
}

// A configured pool does not compile queries unless its URL asks for it.
func TestConfigurePoolJIT(t *testing.T) {
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	for _, tc := range []struct{ url, want string }{
		{url, "off"},
		{url + " jit=on", "on"},
	} {
		cfg, err := pgxpool.ParseConfig(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		pgstore.ConfigurePool(cfg)
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		var got string
		err = pool.QueryRow(ctx, "SHOW jit").Scan(&got)
		pool.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: jit is %q, want %q", tc.url, got, tc.want)
		}
	}
}
