package pgstore_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sqlc-dev/pqtype"

	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// TestCopyStoresWhatPgxCopyStores copies the same rows, every Go type the bulk load's COPY
// encodes itself with its edge values, through pgx's CopyFrom and through the load's own binary
// COPY into two tables of the same columns: PostgreSQL must store the same values.
func TestCopyStoresWhatPgxCopyStores(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	pool := pgtest.NewPool(t)
	const columns = `n bigint, i8 bigint, i4 integer, f8 double precision, s text, raw bytea, doc json, id uuid,
		maybe_id uuid, maybe_i8 bigint, maybe_doc json, at timestamptz, keys bigint[]`
	for _, table := range []string{"via_pgx", "via_load"} {
		if _, err := pool.Exec(ctx, `CREATE TABLE `+table+` (`+columns+`)`); err != nil {
			t.Fatal(err)
		}
	}
	cols := []string{"n", "i8", "i4", "f8", "s", "raw", "doc", "id", "maybe_id", "maybe_i8", "maybe_doc", "at", "keys"}
	id := uuid.MustParse("0193a4c2-7e1f-7c3a-9d4e-5f6a7b8c9d0e")
	rows := [][]any{
		{int64(1), int64(0), int32(0), 0.0, "", []byte{}, []byte(`{}`), uuid.Nil,
			uuid.NullUUID{}, pgtype.Int8{}, pqtype.NullRawMessage{}, time.Unix(0, 0), []int64{}},
		{int64(2), int64(math.MaxInt64), int32(math.MaxInt32), -0.5, "Siti Rahayu — ñ, 日本", []byte{0, 1, 0xff}, []byte(`{"a":[1,"é"]}`), id,
			uuid.NullUUID{UUID: id, Valid: true}, pgtype.Int8{Int64: -7, Valid: true}, pqtype.NullRawMessage{RawMessage: []byte(`[1]`), Valid: true},
			time.Date(2026, 11, 28, 8, 30, 1, 123456789, time.FixedZone("WIB", 7*3600)), []int64{math.MinInt64, -1, 0, 42}},
		{int64(3), int64(math.MinInt64), int32(math.MinInt32), math.MaxFloat64, "x", []byte(nil), []byte(`null`), id,
			uuid.NullUUID{}, pgtype.Int8{Int64: 5}, pqtype.NullRawMessage{}, time.Date(1901, 1, 1, 0, 0, 0, 999, time.UTC), []int64(nil)},
		{int64(4), int64(-1), int32(-1), math.SmallestNonzeroFloat64, "\t\\N", []byte("\\x"), []byte(` {"b" : 2} `), id,
			nil, pgtype.Int8{}, pqtype.NullRawMessage{RawMessage: []byte(`"s"`), Valid: true}, time.Date(2999, 12, 31, 23, 59, 59, 0, time.UTC), []int64{7}},
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Conn().CopyFrom(ctx, pgx.Identifier{"via_pgx"}, cols, pgx.CopyFromRows(rows)); err != nil {
		t.Fatal(err)
	}
	n, err := pgstore.CopyBinary(ctx, conn.Conn(), pgx.Identifier{"via_load"}, cols, pgx.CopyFromRows(rows))
	if err != nil || n != int64(len(rows)) {
		t.Fatalf("the load's COPY: %d rows, %v", n, err)
	}
	read := func(table string) [][]any {
		rs, err := pool.Query(ctx, `SELECT n, i8, i4, f8, s, raw, doc::text, id, maybe_id, maybe_i8, maybe_doc::text, at, keys FROM `+table+` ORDER BY n`)
		if err != nil {
			t.Fatal(err)
		}
		out, err := pgx.CollectRows(rs, func(r pgx.CollectableRow) ([]any, error) { return r.Values() })
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	want, got := read("via_pgx"), read("via_load")
	if len(got) != len(want) {
		t.Fatalf("%d rows, want %d", len(got), len(want))
	}
	for i := range want {
		for j := range want[i] {
			if !equalValues(got[i][j], want[i][j]) {
				t.Errorf("row %d, %s: %#v, pgx stored %#v", i+1, cols[j], got[i][j], want[i][j])
			}
		}
	}
	// A value of a type the load does not encode is an error naming it, not a wrong row.
	if _, err := pgstore.CopyBinary(ctx, conn.Conn(), pgx.Identifier{"via_load"}, []string{"n"}, pgx.CopyFromRows([][]any{{int16(1)}})); err == nil {
		t.Fatal("an int16 was copied")
	}
}

func equalValues(a, b any) bool {
	switch a := a.(type) {
	case []byte:
		b, ok := b.([]byte)
		return ok && slices.Equal(a, b)
	case []any:
		b, ok := b.([]any)
		return ok && slices.EqualFunc(a, b, equalValues)
	case time.Time:
		b, ok := b.(time.Time)
		return ok && a.Equal(b)
	}
	return a == b
}
