// Package schema owns the registry's PostgreSQL schema: the numbered migrations (embedded in the
// binary and read by sqlc from the same files), applying them, checking that a database is
// current, and launching a private PostgreSQL cluster from the installed server binaries.
package schema

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrateLockID is the advisory lock that serialises concurrent migrators (two registry processes
// starting at once must not both apply migration 3).
const migrateLockID = 0x7265_6769_7374 // "regist"

// Migration is one numbered schema change.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in order. It panics only if the embedded files are
// misnamed, which a test catches at build time.
func Migrations() []Migration {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		panic(err)
	}
	var ms []Migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || len(num) != 4 {
			panic(fmt.Sprintf("schema: migration %q is not named NNNN_name.sql", name))
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			panic(err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms
}

// Latest is the version of the newest embedded migration.
func Latest() int {
	ms := Migrations()
	return ms[len(ms)-1].Version
}

// ErrBehind is returned by Check when the database lacks migrations this binary needs.
var ErrBehind = errors.New("database schema is behind this binary: run `registry migrate`")

// ErrAhead is returned by Check when the database has migrations this binary does not know.
var ErrAhead = errors.New("database schema is newer than this binary")

// Migrate applies every pending migration, each in its own transaction, under an advisory lock so
// that concurrent callers apply each migration once. It returns the versions applied.
func Migrate(ctx context.Context, pool *pgxpool.Pool) ([]int, error) {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: acquire connection: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1)`, migrateLockID); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrateLockID)

	if _, err := conn.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version integer PRIMARY KEY,
		name text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now())`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	current, err := currentVersion(ctx, conn.Conn())
	if err != nil {
		return nil, err
	}
	var applied []int
	for _, m := range Migrations() {
		if m.Version <= current {
			continue
		}
		err := pgx.BeginFunc(ctx, conn.Conn(), func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, m.SQL); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate: apply %s: %w", m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	return applied, nil
}

// Check reports whether the database is at exactly this binary's schema version: ErrBehind or
// ErrAhead (wrapped with the versions) otherwise. The server refuses to start on a mismatch.
func Check(ctx context.Context, pool *pgxpool.Pool) error {
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	defer conn.Release()
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('schema_migrations') IS NOT NULL`).Scan(&exists); err != nil {
		return fmt.Errorf("check schema: %w", err)
	}
	current := 0
	if exists {
		if current, err = currentVersion(ctx, conn.Conn()); err != nil {
			return err
		}
	}
	switch latest := Latest(); {
	case current < latest:
		return fmt.Errorf("%w (database at %d, binary needs %d)", ErrBehind, current, latest)
	case current > latest:
		return fmt.Errorf("%w (database at %d, binary knows %d)", ErrAhead, current, latest)
	}
	return nil
}

func currentVersion(ctx context.Context, conn *pgx.Conn) (int, error) {
	var v int
	if err := conn.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("read schema version: %w", err)
	}
	return v, nil
}
