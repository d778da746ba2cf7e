package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/api"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// benchClients is the number of concurrent clients of the resolve benchmarks.
const benchClients = 32

// seedRecords loads a generated population's civil-registry file (about n records) as source
// "kemenkes" and returns the local IDs.
func seedRecords(b *testing.B, svc *registry.Service, n int) []string {
	b.Helper()
	ctx := context.Background()
	dir := b.TempDir()
	cfg, err := synth.DefaultConfig("current")
	if err != nil {
		b.Fatal(err)
	}
	cfg.People, cfg.Seed = n, 7
	if _, err := synth.Generate(ctx, cfg, synth.BuiltinReference(), dir); err != nil {
		b.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "dukcapil.csv"))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := svc.Load(ctx, "kemenkes", bytes.NewReader(data), registry.LoadOptions{}); err != nil {
		b.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		b.Fatal(err)
	}
	ids := make([]string, 0, len(rows)-1)
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

// runClients drives handler with benchClients concurrent clients for b.N requests in all and
// reports throughput and latency percentiles.
func runClients(b *testing.B, h http.Handler, path func(i int) string, header http.Header) {
	srv := httptest.NewServer(h)
	defer srv.Close()
	tr := &http.Transport{MaxIdleConnsPerHost: benchClients, MaxConnsPerHost: benchClients}
	client := &http.Client{Transport: tr}
	defer tr.CloseIdleConnections()

	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	next := make(chan int, benchClients)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for range benchClients {
		wg.Go(func() {
			local := make([]time.Duration, 0, b.N/benchClients+1)
			for i := range next {
				req, _ := http.NewRequest("GET", srv.URL+path(i), nil)
				req.Header = header.Clone()
				t0 := time.Now()
				res, err := client.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				local = append(local, time.Since(t0))
				if res.StatusCode != 200 {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
			mu.Lock()
			lat = append(lat, local...)
			mu.Unlock()
		})
	}
	for i := range b.N {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}

// BenchmarkResolve measures GET /v1/sources/{source}/records/{local_id} through the whole
// registry: authentication, huma, the resolve use case and its access-log write.
func BenchmarkResolve(b *testing.B) {
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	ids := seedRecords(b, svc, 2000)
	_, secret, err := svc.CreateKey(context.Background(), "kemenkes", []registry.Scope{registry.ScopeResolve}, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	h, _ := api.New(svc, api.Options{})
	header := http.Header{"Authorization": {"Bearer " + secret}, "X-Purpose": {"bench"}, "X-End-User": {"bench"}}
	runClients(b, h, func(i int) string { return "/v1/sources/kemenkes/records/" + ids[i%len(ids)] }, header)
}

// BenchmarkResolveBaseline is the floor to compare with: a plain net/http + pgx handler doing
// the same lookup (record -> active link -> citizen), with no auth, validation or access log.
func BenchmarkResolveBaseline(b *testing.B) {
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	ids := seedRecords(b, svc, 2000)
	h := plainResolver(pool)
	runClients(b, h, func(i int) string { return "/resolve/kemenkes/" + ids[i%len(ids)] }, http.Header{})
}

func plainResolver(pool *pgxpool.Pool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /resolve/{source}/{local_id}", func(w http.ResponseWriter, r *http.Request) {
		var citizen string
		err := pool.QueryRow(r.Context(), `SELECT l.citizen_id::text FROM source_records s
			JOIN links l ON l.record_id = s.id AND l.ended_at IS NULL
			WHERE s.source = $1 AND s.local_id = $2`, r.PathValue("source"), r.PathValue("local_id")).Scan(&citizen)
		if err != nil {
			http.Error(w, "not found", http.StatusNotFound)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{"citizen_id": citizen})
	})
	return mux
}
