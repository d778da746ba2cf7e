package api_test

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bangsa/registry/registry"
)

// TestConstantRateResolves drives resolves at a fixed rate for a fixed time (loopback only,
// bounded) and checks zero errors and exactly one access-log row per successful read.
func TestConstantRateResolves(t *testing.T) {
	if testing.Short() {
		t.Skip("load test: skipped in -short mode")
	}
	t.Parallel()
	c := newClient(t)
	sub := c.key("kemenkes", registry.ScopeSubmit)
	res := c.key("kemenkes", registry.ScopeResolve)
	ids := []string{"RS-1", "RS-2", "RS-3", "RS-4"}
	for i, id := range ids {
		r := c.do("PUT", "/v1/sources/kemenkes/records/"+id, sub, map[string]string{
			"full_name":  []string{"Siti Rahayu", "Budi Santoso", "Andi Wijaya", "Citra Lestari"}[i],
			"birth_date": []string{"1990-07-01", "1985-03-12", "1972-11-30", "2001-01-15"}[i],
		})
		if r.status != http.StatusCreated {
			t.Fatalf("seed %s: %d %s", id, r.status, r.raw)
		}
	}
	const (
		rate     = 150 // requests per second
		duration = 3 * time.Second
	)
	var ok, failed atomic.Int64
	var wg sync.WaitGroup
	tick := time.NewTicker(time.Second / rate)
	defer tick.Stop()
	deadline := time.Now().Add(duration)
	for i := 0; time.Now().Before(deadline); i++ {
		<-tick.C
		wg.Go(func() {
			req, _ := http.NewRequestWithContext(context.Background(), "GET", c.srv.URL+"/v1/sources/kemenkes/records/"+ids[i%len(ids)], nil)
			req.Header.Set("Authorization", "Bearer "+res)
			req.Header.Set("X-Purpose", "load test")
			req.Header.Set("X-End-User", "load")
			r, err := http.DefaultClient.Do(req)
			if err != nil {
				failed.Add(1)
				return
			}
			r.Body.Close()
			if r.StatusCode == http.StatusOK {
				ok.Add(1)
			} else {
				failed.Add(1)
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Fatalf("%d of %d resolves failed", failed.Load(), failed.Load()+ok.Load())
	}
	var logged int64
	if err := c.pool.QueryRow(context.Background(), `SELECT count(*) FROM access_log WHERE operation = 'resolve'`).Scan(&logged); err != nil {
		t.Fatal(err)
	}
	if logged != ok.Load() {
		t.Fatalf("%d successful resolves but %d access-log rows", ok.Load(), logged)
	}
	t.Logf("%d resolves at %d/s, all logged", ok.Load(), rate)
}
