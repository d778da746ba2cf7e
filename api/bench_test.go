package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/api"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// benchClients is the number of concurrent clients of the resolve benchmarks.
const benchClients = 32

// seedRecords registers n records of source "kemenkes" and returns their local IDs.
func seedRecords(b *testing.B, svc *registry.Service, n int) []string {
	b.Helper()
	ctx := context.Background()
	_, secret, err := svc.CreateKey(ctx, "kemenkes", []registry.Scope{registry.ScopeSubmit}, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	p, _ := svc.Authenticate(ctx, secret)
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("RS-%06d", i)
		birth := time.Date(1950, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i*7)
		person := registry.Person{
			FullName:  fmt.Sprintf("Orang %c%c%c Nomor", 'A'+i%26, 'A'+i/26%26, 'A'+i/676%26),
			BirthDate: birth.Format("2006-01-02"), NIK: fmt.Sprintf("3273054%09d", i),
		}
		if _, err := svc.Submit(ctx, p, "kemenkes", ids[i], person); err != nil {
			b.Fatal(err)
		}
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
