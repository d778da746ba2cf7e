package pgstore_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// copyTables are the tables a bulk load writes, in an order that satisfies their foreign keys.
var copyTables = []string{"source_records", "source_record_versions", "blocking_keys", "citizens", "links",
	"golden_records", "reviews", "events"}

// BenchmarkBulkLoad loads the files named by REGISTRY_BENCH_LOAD (source=path, comma-separated,
// in order) into a fresh registry with the bulk loader, one file at a time, and reports rows per
// second. After a load into an empty registry it also measures the baseline the loader is
// judged against: a plain COPY of the very rows the load wrote into the same, indexed, empty
// tables (with their constraints and triggers) of another fresh registry, in one transaction, in
// the same run; and reports the ratio. Run it once per measurement (-benchtime 1x);
// REGISTRY_TEST_DURABLE=1 counts commit costs as production does.
func BenchmarkBulkLoad(b *testing.B) {
	spec := os.Getenv("REGISTRY_BENCH_LOAD")
	if spec == "" {
		b.Skip("set REGISTRY_BENCH_LOAD=source=path[,source=path...] (files from `registry gen`)")
	}
	ctx := context.Background()
	for b.Loop() {
		pool := pgtest.NewPool(b)
		svc := registry.NewService(pgstore.New(pool), registry.Options{MaxRecordsPerKey: maxRecordsPerKey()})
		for i, item := range strings.Split(spec, ",") {
			source, path, ok := strings.Cut(item, "=")
			if !ok {
				b.Fatalf("REGISTRY_BENCH_LOAD item %q: want source=path", item)
			}
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			fi, _ := f.Stat()
			start := time.Now()
			sum, err := svc.Load(ctx, source, f, registry.LoadOptions{Input: path, Size: fi.Size()})
			f.Close()
			if err != nil {
				b.Fatal(err)
			}
			secs := time.Since(start).Seconds()
			b.ReportMetric(secs, source+"-s")
			b.ReportMetric(float64(sum.Rows)/secs, source+"-rows/s")
			b.Logf("%s: %d rows in %.1f s (%.0f rows/s): %+v", source, sum.Rows, secs, float64(sum.Rows)/secs, sum)
			if i == 0 {
				copySecs := plainCopy(b, pool)
				b.ReportMetric(copySecs, "plain-copy-s")
				b.ReportMetric(secs/copySecs, "ratio-to-copy")
				b.Logf("plain COPY of the same rows into the same empty indexed tables: %.1f s; bulk load / COPY = %.2f",
					copySecs, secs/copySecs)
			}
		}
	}
}

// maxRecordsPerKey is the registry's cap on blocking keys for the benchmark
// (REGISTRY_MAX_RECORDS_PER_KEY, as for the registry command; 0 = the default).
func maxRecordsPerKey() int {
	var n int
	fmt.Sscan(os.Getenv("REGISTRY_MAX_RECORDS_PER_KEY"), &n)
	return n
}

// plainCopy copies the rows of the bulk-loaded tables out of pool (untimed) and into the empty
// tables of a fresh registry with plain COPY in one transaction (timed), and returns the time.
func plainCopy(b *testing.B, from *pgxpool.Pool) float64 {
	ctx := context.Background()
	dir := b.TempDir()
	src, err := from.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer src.Release()
	for _, t := range copyTables {
		f, err := os.Create(filepath.Join(dir, t))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := src.Conn().PgConn().CopyTo(ctx, f, "COPY "+t+" TO STDOUT (FORMAT binary)"); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	to := pgtest.NewPool(b)
	dst, err := to.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer dst.Release()
	// The sources the records name.
	if _, err := dst.Exec(ctx, `INSERT INTO sources (code) SELECT DISTINCT unnest($1::text[])`, sourcesOf(b, from)); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tx, err := dst.Begin(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range copyTables {
		f, err := os.Open(filepath.Join(dir, t))
		if err != nil {
			b.Fatal(err)
		}
		tableStart := time.Now()
		n, err := tx.Conn().PgConn().CopyFrom(ctx, f, "COPY "+t+" FROM STDIN (FORMAT binary)")
		if err != nil {
			b.Fatalf("copy %s: %v", t, err)
		}
		f.Close()
		b.Logf("plain COPY %s: %d rows in %.1f s", t, n.RowsAffected(), time.Since(tableStart).Seconds())
	}
	if err := tx.Commit(ctx); err != nil {
		b.Fatal(err)
	}
	return time.Since(start).Seconds()
}

func sourcesOf(b *testing.B, pool *pgxpool.Pool) []string {
	rows, err := pool.Query(context.Background(), `SELECT code FROM sources`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		rows.Scan(&s)
		out = append(out, s)
	}
	return out
}
