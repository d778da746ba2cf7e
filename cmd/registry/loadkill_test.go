package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema"
)

// The crash tests load two ministries' files into a registry while killing the loader, or the
// database, at several points of each load, re-run the same command until it succeeds, and
// compare the result with an uninterrupted run: the same partition of records into citizens
// (`registry export links` with citizen IDs renamed) and the same number of rows in every table,
// events included.

var (
	crashPopOnce sync.Once
	crashPopDir  string
	crashPopErr  error
)

// crashPopulation writes dukcapil.csv and kemenkes.csv of a small synthetic population once.
func crashPopulation(t *testing.T) string {
	t.Helper()
	crashPopOnce.Do(func() {
		if crashPopDir, crashPopErr = os.MkdirTemp("", "registry-crash-pop-"); crashPopErr != nil {
			return
		}
		os.Chmod(crashPopDir, 0o755)
		cfg, err := synth.DefaultConfig("current")
		if err != nil {
			crashPopErr = err
			return
		}
		cfg.People, cfg.Seed = 900, 11
		_, crashPopErr = synth.Generate(context.Background(), cfg, synth.BuiltinReference(), crashPopDir)
	})
	if crashPopErr != nil {
		t.Fatal(crashPopErr)
	}
	return crashPopDir
}

// crashChunkRows makes every load many small chunks, so that kills land between and inside them.
const crashChunkRows = "90"

// testCluster runs the embedded database of dir from the test, so the test can kill it and look
// into it; the registry commands join it. It runs with the production settings (fsync and
// synchronous commits on): with asynchronous commits a database crash loses commits the loader
// saw acknowledged, which a re-run then redoes, but the test's "final" run would not be final.
type testCluster struct {
	t   *testing.T
	dir string
	c   *schema.Cluster
}

func startTestCluster(t *testing.T, dir string) *testCluster {
	tc := &testCluster{t: t, dir: dir}
	tc.start()
	t.Cleanup(func() {
		if c, err := schema.OpenCluster(context.Background(), dir, schema.ClusterOptions{}); err == nil {
			c.Shutdown(context.Background())
		}
	})
	return tc
}

func (tc *testCluster) start() {
	tc.t.Helper()
	var err error
	for attempt := 0; ; attempt++ {
		if tc.c, err = schema.OpenCluster(context.Background(), tc.dir, schema.ClusterOptions{}); err == nil {
			return
		}
		if attempt > 40 {
			tc.t.Fatalf("start the database: %v", err)
		}
		time.Sleep(250 * time.Millisecond) // a killed server's backends are still exiting
	}
}

// crash kills the database's postmaster with sig (SIGKILL: a crash; SIGQUIT: what
// `pg_ctl stop -m immediate` sends).
func (tc *testCluster) crash(sig syscall.Signal) {
	tc.t.Helper()
	b, err := os.ReadFile(filepath.Join(tc.dir, "pg", "postmaster.pid"))
	if err != nil {
		tc.t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.SplitN(string(b), "\n", 2)[0])
	if err := syscall.Kill(pid, sig); err != nil {
		tc.t.Fatal(err)
	}
}

func (tc *testCluster) query(sql string, args ...any) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, tc.c.URL(schema.DatabaseName))
	if err != nil {
		return 0, err
	}
	defer conn.Close(ctx)
	var n int64
	err = conn.QueryRow(ctx, sql, args...).Scan(&n)
	return n, err
}

// committedChunks is how many chunks the latest load of input has committed.
func (tc *testCluster) committedChunks(source, input string) int64 {
	n, err := tc.query(`SELECT coalesce(max(chunks), 0) FROM loads WHERE source = $1 AND input = $2`, source, input)
	if err != nil {
		return -1
	}
	return n
}

// finishedLoad returns the counts of the latest load of input when that load is done.
func (tc *testCluster) finishedLoad(source, input string) (map[string]any, bool) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, tc.c.URL(schema.DatabaseName))
	if err != nil {
		tc.t.Fatal(err)
	}
	defer conn.Close(ctx)
	keys := []string{"rows", "loaded", "unchanged", "updated", "rejected", "linked", "new_citizens", "reviews"}
	counts := make([]int64, len(keys))
	dest := make([]any, len(keys))
	for i := range counts {
		dest[i] = &counts[i]
	}
	err = conn.QueryRow(ctx, `SELECT rows, loaded, unchanged, updated, rejected, linked, new_citizens, reviews
		FROM loads WHERE source = $1 AND input = $2 AND state = 'done' ORDER BY created_at DESC LIMIT 1`, source, input).Scan(dest...)
	if err != nil {
		// No finished load (or, interrupted before its migrations, no loads table yet).
		if !errors.Is(err, pgx.ErrNoRows) {
			tc.t.Logf("no finished load of %s: %v", source, err)
		}
		return nil, false
	}
	sum := map[string]any{}
	for i, k := range keys {
		sum[k] = float64(counts[i]) // as the JSON summary decodes
	}
	return sum, true
}

// dumpLoads logs the load jobs and their checkpoints, to tell what went wrong.
func (tc *testCluster) dumpLoads() {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, tc.c.URL(schema.DatabaseName))
	if err != nil {
		tc.t.Log(err)
		return
	}
	defer conn.Close(ctx)
	rows, _ := conn.Query(ctx, `SELECT l.id, l.source, l.state, l.chunks, l.rows, l.error,
		coalesce((SELECT string_agg(c.seq || ':' || c.rows_through, ' ' ORDER BY c.seq) FROM load_chunks c WHERE c.load_id = l.id), '')
		FROM loads l ORDER BY l.created_at`)
	for rows.Next() {
		var id, source, state, msg, chunks string
		var n, r int64
		rows.Scan(&id, &source, &state, &n, &r, &msg, &chunks)
		tc.t.Logf("load %s %s %s chunks=%d rows=%d err=%q checkpoints=[%s]", id, source, state, n, r, msg, chunks)
	}
	rows.Close()
	rows, _ = conn.Query(ctx, `SELECT kind || ' ' || actor || ' ' || count(*) FROM events GROUP BY kind, actor ORDER BY 1`)
	for rows.Next() {
		var line string
		rows.Scan(&line)
		tc.t.Logf("events %s", line)
	}
	rows.Close()
}

// registryShape is what must be equal after an interrupted and an uninterrupted run.
type registryShape struct {
	partition []string // each citizen's records, sorted; citizens sorted
	counts    map[string]int64
}

var shapeTables = []string{"source_records", "source_record_versions", "blocking_keys", "citizens", "links",
	"golden_records", "reviews", "events", "loads", "load_chunks"}

func shapeOf(t *testing.T, bin string, tc *testCluster) registryShape {
	t.Helper()
	out, _ := runCmd(t, bin, nil, "export", "links", "--data-dir", tc.dir)
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	byCitizen := map[string][]string{}
	for _, r := range rows[1:] {
		byCitizen[r[2]] = append(byCitizen[r[2]], r[0]+"/"+r[1])
	}
	s := registryShape{counts: map[string]int64{}}
	for _, recs := range byCitizen {
		sort.Strings(recs)
		s.partition = append(s.partition, strings.Join(recs, " "))
	}
	sort.Strings(s.partition)
	for _, table := range shapeTables {
		n, err := tc.query("SELECT count(*) FROM " + table)
		if err != nil {
			t.Fatal(err)
		}
		s.counts[table] = n
	}
	return s
}

func sameShape(t *testing.T, got, want registryShape) {
	t.Helper()
	if !slices.Equal(got.partition, want.partition) {
		var diff []string
		have := map[string]bool{}
		for _, c := range got.partition {
			have[c] = true
		}
		for _, c := range want.partition {
			if !have[c] {
				diff = append(diff, c)
			}
		}
		t.Errorf("%d citizens, want %d; citizens of the uninterrupted run missing, e.g. %q",
			len(got.partition), len(want.partition), diff[:min(3, len(diff))])
	}
	for _, table := range shapeTables {
		if got.counts[table] != want.counts[table] {
			t.Errorf("%s has %d rows, want %d", table, got.counts[table], want.counts[table])
		}
	}
}

// loadSummary runs a load to its end and returns its JSON summary line.
func loadSummary(t *testing.T, bin, dir, source, file string) map[string]any {
	t.Helper()
	out, _ := runCmd(t, bin, nil, "load", "--data-dir", dir, "--source", source, "--chunk-rows", crashChunkRows, file)
	var sum map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &sum); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	return sum
}

// loadInterrupted starts the load of file again and again, each time interrupting it (with
// interrupt, which kills the loader or the database) once it has committed the next number of
// chunks in after (0: right after it started), and finally lets it finish. It returns the
// final run's summary.
func loadInterrupted(t *testing.T, bin string, tc *testCluster, source, file string, after []int64, interrupt func(cmd *exec.Cmd, done <-chan error) (finished bool)) map[string]any {
	t.Helper()
	abs, _ := filepath.Abs(file)
	for _, k := range after {
		cmd := exec.Command(bin, "load", "--data-dir", tc.dir, "--source", source, "--chunk-rows", crashChunkRows, file)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		deadline := time.Now().Add(60 * time.Second)
		finished := false
	wait:
		for {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("load of %s failed before the interruption: %v\n%s", source, err, stderr.String())
				}
				finished = true
				break wait
			case <-time.After(5 * time.Millisecond):
			}
			if k == 0 {
				time.Sleep(150 * time.Millisecond)
				break
			}
			if tc.committedChunks(source, abs) >= k {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("load of %s did not reach chunk %d", source, k)
			}
		}
		if finished {
			t.Logf("%s: the load finished before chunk %d; not interrupted", source, k)
			break
		}
		if interrupt(cmd, done) {
			// The load ended just before the interruption: its own summary is the final one.
			t.Logf("%s: the load finished just before the interruption after chunk %d", source, k)
			var sum map[string]any
			if err := json.Unmarshal([]byte(strings.TrimSpace(stdout.String())), &sum); err != nil {
				t.Fatalf("summary %q: %v", stdout.String(), err)
			}
			return sum
		}
		if sum, ok := tc.finishedLoad(source, abs); ok {
			// The job committed "done", but the database went down before the loader heard
			// so (it exits with an error, and running it again finds every row unchanged):
			// the job's own counts are the load's summary.
			t.Logf("%s: the load's last commit went through just before the interruption after chunk %d", source, k)
			return sum
		}
	}
	return loadSummary(t, bin, tc.dir, source, file)
}

func crashTest(t *testing.T, interrupt func(tc *testCluster, cmd *exec.Cmd, done <-chan error) (finished bool)) {
	bin := binary(t)
	pop := crashPopulation(t)
	files := []struct{ source, file string }{
		{"dukcapil", filepath.Join(pop, "dukcapil.csv")},
		{"kemenkes", filepath.Join(pop, "kemenkes.csv")},
	}

	// The uninterrupted run.
	ref := startTestCluster(t, dataDir(t))
	var want []map[string]any
	for _, f := range files {
		want = append(want, loadSummary(t, bin, ref.dir, f.source, f.file))
	}
	wantShape := shapeOf(t, bin, ref)

	// The same loads, interrupted at several points of each.
	tc := startTestCluster(t, dataDir(t))
	for i, f := range files {
		got := loadInterrupted(t, bin, tc, f.source, f.file, []int64{0, 1, 4, 8}, func(cmd *exec.Cmd, done <-chan error) bool { return interrupt(tc, cmd, done) })
		// The final run reports the whole file, as the uninterrupted run did.
		for _, k := range []string{"rows", "loaded", "unchanged", "updated", "rejected", "linked", "new_citizens", "reviews"} {
			if got[k] != want[i][k] {
				t.Errorf("%s: summary %s = %v, uninterrupted run %v", f.source, k, got[k], want[i][k])
			}
		}
	}
	sameShape(t, shapeOf(t, bin, tc), wantShape)
	if t.Failed() {
		tc.dumpLoads()
		ref.dumpLoads()
	}

	// And running it all again changes nothing.
	events := shapeOf(t, bin, tc).counts["events"]
	for _, f := range files {
		sum := loadSummary(t, bin, tc.dir, f.source, f.file)
		if sum["loaded"] != 0.0 || sum["updated"] != 0.0 || sum["unchanged"] == 0.0 {
			t.Errorf("%s loaded again: %v", f.source, sum)
		}
	}
	if n := shapeOf(t, bin, tc).counts["events"]; n != events {
		t.Errorf("loading again wrote %d events", n-events)
	}
}

// TestLoadSurvivesKilledLoader: SIGKILL of the loader at several points of two loads.
func TestLoadSurvivesKilledLoader(t *testing.T) {
	t.Parallel()
	crashTest(t, func(tc *testCluster, cmd *exec.Cmd, done <-chan error) bool {
		cmd.Process.Signal(syscall.SIGKILL)
		return <-done == nil
	})
}

// TestLoadSurvivesDatabaseCrash: the database killed (SIGKILL of the postmaster, or an immediate
// shutdown) at several points of two loads; the loader fails, the database is restarted (crash
// recovery), and the same command is run again.
func TestLoadSurvivesDatabaseCrash(t *testing.T) {
	t.Parallel()
	n := 0
	crashTest(t, func(tc *testCluster, cmd *exec.Cmd, done <-chan error) bool {
		sig := syscall.SIGKILL
		if n%2 == 1 {
			sig = syscall.SIGQUIT
		}
		n++
		tc.crash(sig)
		finished := false
		select {
		case err := <-done:
			finished = err == nil
		case <-time.After(60 * time.Second):
			cmd.Process.Kill()
			t.Fatal("the loader hung after the database crash")
		}
		tc.start()
		return finished
	})
}
