// Package pgtest gives tests real PostgreSQL databases: one throwaway cluster per test binary
// (started from the installed server binaries) or the server named by REGISTRY_TEST_DATABASE_URL,
// a migrated template database built once, and a fresh clone of it for each test.
package pgtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/schema"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// EnvURL names a PostgreSQL server (superuser or CREATEDB role) to use instead of a private cluster.
const EnvURL = "REGISTRY_TEST_DATABASE_URL"

var (
	adminURL string
	cluster  *schema.Cluster
	tmplOnce sync.Once
	tmplName string
	tmplErr  error
	counter  atomic.Int64
)

// Main runs a package's tests with a database server available; call it from TestMain. It starts
// a private cluster in a temporary directory unless REGISTRY_TEST_DATABASE_URL is set, and stops
// and removes it afterwards.
func Main(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	ctx := context.Background()
	if adminURL = os.Getenv(EnvURL); adminURL == "" {
		dir, err := os.MkdirTemp("", "registry-test-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
			return 1
		}
		defer os.RemoveAll(dir)
		// The server may run as an unprivileged user, which must be able to enter the directory.
		os.Chmod(dir, 0o755)
		// Tests trade durability for speed; REGISTRY_TEST_DURABLE=1 keeps fsync on, for
		// benchmarks whose figures must include commit costs.
		cluster, err = schema.OpenCluster(ctx, dir, schema.ClusterOptions{Ephemeral: os.Getenv("REGISTRY_TEST_DURABLE") == ""})
		if err != nil {
			fmt.Fprintln(os.Stderr, "pgtest: start PostgreSQL:", err)
			return 1
		}
		defer cluster.Stop(ctx)
		adminURL = cluster.URL("postgres")
	}
	return m.Run()
}

// AdminURL is the connection string of the server's maintenance database.
func AdminURL() string { return adminURL }

// NewDatabase creates a fresh, migrated database for one test and returns its connection string;
// the database is dropped when the test ends.
func NewDatabase(t testing.TB) string {
	t.Helper()
	requireServer(t)
	tmplOnce.Do(func() { tmplName, tmplErr = buildTemplate(context.Background()) })
	if tmplErr != nil {
		t.Fatalf("pgtest: template database: %v", tmplErr)
	}
	return createDatabase(t, " TEMPLATE "+ident(tmplName))
}

// NewEmptyDatabase creates a database without the registry's schema, for tests of the migrations
// themselves, and returns its connection string; the database is dropped when the test ends.
func NewEmptyDatabase(t testing.TB) string {
	t.Helper()
	requireServer(t)
	return createDatabase(t, "")
}

func requireServer(t testing.TB) {
	t.Helper()
	if adminURL == "" {
		t.Fatal("pgtest: call pgtest.Main from TestMain")
	}
}

func createDatabase(t testing.TB, options string) string {
	t.Helper()
	ctx := context.Background()
	name := fmt.Sprintf("t_%d_%d", os.Getpid(), counter.Add(1))
	if err := exec(ctx, adminURL, "CREATE DATABASE "+ident(name)+options); err != nil {
		t.Fatalf("pgtest: create database: %v", err)
	}
	t.Cleanup(func() {
		if err := exec(context.Background(), adminURL, "DROP DATABASE IF EXISTS "+ident(name)+" WITH (FORCE)"); err != nil {
			t.Logf("pgtest: drop database %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(adminURL)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Database = name
	return cfg.ConnString() + " dbname=" + name
}

// NewPool returns a pool on a fresh, migrated database that lives as long as the test,
// configured as the registry's commands configure theirs.
func NewPool(t testing.TB) *pgxpool.Pool {
	t.Helper()
	cfg, err := pgxpool.ParseConfig(NewDatabase(t))
	if err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	pgstore.ConfigurePool(cfg)
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		t.Fatalf("pgtest: connect: %v", err)
	}
	t.Cleanup(pool.Close)
	return pool
}

// buildTemplate creates the migrated template once per schema version. Its name carries a hash of
// the migrations, so test binaries sharing one server reuse it and a schema change builds a new one.
func buildTemplate(ctx context.Context) (string, error) {
	h := sha256.New()
	for _, m := range schema.Migrations() {
		h.Write([]byte(m.SQL))
	}
	name := "registry_tmpl_" + hex.EncodeToString(h.Sum(nil))[:12]

	conn, err := pgx.Connect(ctx, adminURL)
	if err != nil {
		return "", err
	}
	defer conn.Close(ctx)
	// Serialise template creation across test binaries that share a server.
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock(7243)`); err != nil {
		return "", err
	}
	defer conn.Exec(ctx, `SELECT pg_advisory_unlock(7243)`)
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1 AND datistemplate)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+ident(name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident(name)); err != nil {
		return "", err
	}
	cfg, err := pgxpool.ParseConfig(adminURL)
	if err != nil {
		return "", err
	}
	cfg.ConnConfig.Database = name
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return "", err
	}
	_, err = schema.Migrate(ctx, pool)
	pool.Close()
	if err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, "ALTER DATABASE "+ident(name)+" WITH is_template true"); err != nil {
		return "", err
	}
	return name, nil
}

func exec(ctx context.Context, url, sql string) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, sql)
	return err
}

func ident(s string) string { return pgx.Identifier{s}.Sanitize() }
