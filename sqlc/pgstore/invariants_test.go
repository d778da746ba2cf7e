package pgstore_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
)

// TestInvariantsHoldForWholeStatements: the database itself refuses a link to a missing
// record or citizen, an active link to a retired citizen and a record of an unknown source,
// whether a statement writes one row or many, and refuses deleting the records, citizens and
// sources rows name (migrations 10 and 12).
func TestInvariantsHoldForWholeStatements(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	res, err := f.svc.Submit(ctx, f.principal(t, "dukcapil"), "dukcapil", "D-1", siti())
	if err != nil {
		t.Fatal(err)
	}
	var record int64
	if err := f.pool.QueryRow(ctx, `SELECT id FROM source_records WHERE local_id = 'D-1'`).Scan(&record); err != nil {
		t.Fatal(err)
	}
	retired := uuid.New()
	if _, err := f.pool.Exec(ctx, `INSERT INTO citizens (id) VALUES ($1), ($2)`, retired, uuid.New()); err != nil {
		t.Fatal(err)
	}
	if _, err := f.pool.Exec(ctx, `UPDATE citizens SET status = 'retired', merged_into = $2 WHERE id = $1`, retired, res.CitizenID); err != nil {
		t.Fatal(err)
	}
	// Each case runs after the record's active link was ended, in a transaction rolled back; one
	// statement writes several links of which only the last is wrong.
	insert := `INSERT INTO links (record_id, citizen_id, kind, actor, ended_at)
		SELECT $1::bigint, $2::uuid, 'steward', 'test', now() FROM generate_series(1, 3)
		UNION ALL SELECT $3::bigint, $4::uuid, 'steward', 'test', $5::timestamptz`
	run := func(sql string, args ...any) error {
		tx, err := f.pool.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `UPDATE links SET ended_at = now(), ended_by = 'test' WHERE record_id = $1 AND ended_at IS NULL`, record); err != nil {
			t.Fatal(err)
		}
		_, err = tx.Exec(ctx, sql, args...)
		return err
	}
	for _, c := range []struct {
		what       string
		sql        string
		args       []any
		code, name string
	}{
		{"a link to a missing record", insert, []any{record, res.CitizenID, record + 1000, res.CitizenID, nil},
			"23503", "links_record_id_fkey"},
		{"a link to a missing citizen", insert, []any{record, res.CitizenID, record, uuid.New(), nil},
			"23503", "links_citizen_id_fkey"},
		{"an active link to a retired citizen", insert, []any{record, res.CitizenID, record, retired, nil},
			"23514", "links_active_citizen"},
		{"moving a link to a retired citizen and making it active", `UPDATE links SET citizen_id = $2, ended_at = NULL
			WHERE id = (SELECT max(id) FROM links WHERE record_id = $1)`, []any{record, retired},
			"23514", "links_active_citizen"},
		{"deleting a citizen", `DELETE FROM citizens WHERE id = $1`, []any{retired}, "23001", ""},
		{"deleting a source record", `DELETE FROM source_records WHERE id = $1`, []any{record}, "23001", ""},
		{"a record of an unknown source", `INSERT INTO source_records (source, local_id, version, content_hash, raw, normalized)
			SELECT s, 'X-' || s, 1, '\x00', '{}', '{}' FROM unnest(ARRAY['dukcapil', 'nosuch']) s`, nil,
			"23503", "source_records_source_fkey"},
		{"moving a record to another source", `UPDATE source_records SET source = 'kemenkes' WHERE id = $1`, []any{record},
			"23503", "source_records_source_fkey"},
		{"deleting a source", `DELETE FROM sources WHERE code = 'dukcapil'`, nil, "23001", ""},
	} {
		err := run(c.sql, c.args...)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != c.code || pgErr.ConstraintName != c.name {
			t.Errorf("%s: %v, want SQLSTATE %s on %q", c.what, err, c.code, c.name)
		}
	}
	// Ended links may name a retired citizen (the history of a merge does), and a right link passes.
	if err := run(insert, record, res.CitizenID, record, retired, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)); err != nil {
		t.Errorf("ended links to a retired citizen: %v", err)
	}
	if err := run(insert, record, res.CitizenID, record, res.CitizenID, nil); err != nil {
		t.Errorf("an active link to an active citizen: %v", err)
	}
}
