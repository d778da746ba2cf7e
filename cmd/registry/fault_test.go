package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bangsa/registry/schema"
)

// submitter sends submits to base with its own key and remembers which were acknowledged.
type submitter struct {
	base, key string
	mu        sync.Mutex
	acked     map[string]bool
}

func (s *submitter) submit(localID string, i int) bool {
	body := fmt.Sprintf(`{"full_name":"Orang %c%c Uji","birth_date":"19%02d-%02d-%02d","nik":"32730541%08d"}`,
		'A'+i%26, 'A'+i/26%26, 50+i%50, 1+i%12, 1+i%28, i)
	req, _ := http.NewRequest("PUT", s.base+"/v1/sources/kemenkes/records/"+localID, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+s.key)
	req.Header.Set("Content-Type", "application/json")
	client := &http.Client{Timeout: 10 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		return false
	}
	res.Body.Close()
	if res.StatusCode == 200 || res.StatusCode == 201 {
		s.mu.Lock()
		s.acked[localID] = true
		s.mu.Unlock()
		return true
	}
	return false
}

func (s *submitter) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.acked)
}

// stopClusterAtEnd stops the embedded database of dir when the test ends, whichever process
// started it (a killed server leaves its database running).
func stopClusterAtEnd(t *testing.T, dir string) {
	t.Cleanup(func() {
		if c, err := schema.OpenCluster(context.Background(), dir, schema.ClusterOptions{}); err == nil {
			c.Shutdown(context.Background())
		}
	})
}

func mintKey(t *testing.T, bin, dir, scopes string) string {
	out, _ := runCmd(t, bin, nil, "keys", "create", "--data-dir", dir, "--source", "kemenkes", "--scopes", scopes)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// TestKillServerDuringSubmits kills the server with SIGKILL while acknowledged submits stream in:
// afterwards every acknowledged record is present, once, with one citizen.
func TestKillServerDuringSubmits(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)
	stopClusterAtEnd(t, dir)
	serve, base := startServe(t, bin, dir)
	defer serve.Process.Kill()
	s := &submitter{base: base, key: mintKey(t, bin, dir, "submit,resolve"), acked: map[string]bool{}}

	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := range 4 {
		wg.Go(func() {
			for i := w; ; i += 4 {
				select {
				case <-stop:
					return
				default:
				}
				if !s.submit(fmt.Sprintf("KILL-%05d", i), i) && s.count() > 0 {
					return // the server is gone
				}
			}
		})
	}
	time.Sleep(1500 * time.Millisecond)
	serve.Process.Signal(syscall.SIGKILL)
	serve.Wait()
	close(stop)
	wg.Wait()
	if s.count() < 10 {
		t.Fatalf("only %d submits acknowledged before the kill: the test proves nothing", len(s.acked))
	}

	// The database outlived the server (it runs in its own process group); a new server joins it.
	serve2, base2 := startServe(t, bin, dir)
	defer func() { serve2.Process.Signal(syscall.SIGTERM); serve2.Wait() }()
	out, _ := runCmd(t, bin, nil, "export", "links", "--data-dir", dir)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, r := range rows[1:] {
		seen[r[1]]++
	}
	for id := range s.acked {
		if seen[id] != 1 {
			t.Errorf("acknowledged record %s appears %d times after the crash", id, seen[id])
		}
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("record %s exported %d times", id, n)
		}
	}
	// Re-sending an acknowledged submit is a no-op, not a duplicate.
	s.base = base2
	for id := range s.acked {
		i, _ := strconv.Atoi(strings.TrimPrefix(id, "KILL-"))
		if !s.submit(id, i) {
			t.Fatalf("re-submitting %s after the crash failed", id)
		}
		break
	}
	t.Logf("%d acknowledged submits survived a SIGKILL of the server", len(s.acked))
}

// TestDatabaseCrashUnderLoad crashes PostgreSQL (SIGKILL of the postmaster) while resolves run:
// /readyz reports the outage, and once the database is back the same server process serves again
// without a restart.
func TestDatabaseCrashUnderLoad(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)
	serve, base := startServe(t, bin, dir)
	defer func() { serve.Process.Signal(syscall.SIGTERM); serve.Wait() }()
	s := &submitter{base: base, key: mintKey(t, bin, dir, "submit,resolve"), acked: map[string]bool{}}
	for i := range 5 {
		if !s.submit(fmt.Sprintf("DB-%d", i), i) {
			t.Fatal("seed submit failed")
		}
	}
	resolveKey := mintKey(t, bin, dir, "resolve")
	get := func(path, key string) int {
		req, _ := http.NewRequest("GET", base+path, nil)
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
			req.Header.Set("X-Purpose", "fault test")
			req.Header.Set("X-End-User", "t")
		}
		res, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
		if err != nil {
			return 0
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := get("/v1/sources/kemenkes/records/DB-1", resolveKey); code != 200 {
		t.Fatalf("resolve before the crash: %d", code)
	}

	pidFile := filepath.Join(dir, "pg", "postmaster.pid")
	b, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// While the database is down: not ready, and reads fail cleanly (503, never a hang or a 500).
	deadline := time.Now().Add(20 * time.Second)
	for get("/readyz", "") != http.StatusServiceUnavailable {
		if time.Now().After(deadline) {
			t.Fatal("/readyz never reported the database outage")
		}
		time.Sleep(100 * time.Millisecond)
	}
	if code := get("/v1/sources/kemenkes/records/DB-1", resolveKey); code != http.StatusServiceUnavailable {
		t.Fatalf("resolve while the database is down: %d, want 503", code)
	}
	if code := get("/healthz", ""); code != 200 {
		t.Fatalf("/healthz while the database is down: %d (the process itself is alive)", code)
	}

	// Bring the database back (as an operator or supervisor would); the server recovers by itself.
	var c *schema.Cluster
	for attempt := 0; ; attempt++ {
		c, err = schema.OpenCluster(context.Background(), dir, schema.ClusterOptions{})
		if err == nil {
			break
		}
		if attempt > 20 {
			t.Fatalf("restart the database: %v", err)
		}
		time.Sleep(500 * time.Millisecond) // the crashed server's backends are still exiting
	}
	defer c.Stop(context.Background())
	deadline = time.Now().Add(30 * time.Second)
	for get("/readyz", "") != 200 {
		if time.Now().After(deadline) {
			t.Fatal("/readyz did not recover after the database came back")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for i := range 5 {
		if code := get(fmt.Sprintf("/v1/sources/kemenkes/records/DB-%d", i), resolveKey); code != 200 {
			t.Fatalf("resolve after recovery: %d", code)
		}
	}
}
