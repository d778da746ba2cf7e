package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema"
)

// TestServerResumesUploadsAtStart: a server killed (SIGKILL) while it runs an uploaded load
// leaves the job unfinished; the next server to start runs it to its end from its last
// checkpoint, with nobody asking for its status.
func TestServerResumesUploadsAtStart(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)
	tc := startTestCluster(t, dir)
	pop := t.TempDir()
	cfg, err := synth.DefaultConfig("current")
	if err != nil {
		t.Fatal(err)
	}
	cfg.People, cfg.Seed = 5000, 5
	if _, err := synth.Generate(context.Background(), cfg, synth.BuiltinReference(), pop); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(pop, "kemenkes.csv")
	key := mintKey(t, bin, dir, "bulk")

	serve, base := startServe(t, bin, dir)
	defer serve.Process.Kill()
	body, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer body.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/v1/sources/kemenkes/loads", body)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "text/csv")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		ID   string `json:"id"`
		Rows int64  `json:"rows"`
	}
	err = json.NewDecoder(res.Body).Decode(&job)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusAccepted || job.ID == "" {
		t.Fatalf("upload: %d %v %+v", res.StatusCode, err, job)
	}
	serve.Process.Signal(syscall.SIGKILL)
	serve.Wait()
	state := func() (string, int64) {
		ctx := context.Background()
		conn, err := pgx.Connect(ctx, tc.c.URL(schema.DatabaseName))
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close(ctx)
		var s string
		var rows int64
		if err := conn.QueryRow(ctx, `SELECT state, rows FROM loads WHERE id = $1`, job.ID).Scan(&s, &rows); err != nil {
			t.Fatal(err)
		}
		return s, rows
	}
	if s, _ := state(); s == "done" {
		t.Fatalf("the load finished before the server was killed: the test proves nothing")
	}

	serve2, _ := startServe(t, bin, dir)
	defer func() { serve2.Process.Signal(syscall.SIGTERM); serve2.Wait() }()
	deadline := time.Now().Add(90 * time.Second)
	for {
		s, rows := state()
		if s == "done" {
			if want := dataRows(t, file); rows != want {
				t.Fatalf("the resumed load read %d rows, the file has %d", rows, want)
			}
			break
		}
		if s == "failed" || time.Now().After(deadline) {
			t.Fatalf("load state %q after the restart", s)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if n, err := tc.query(`SELECT count(*) FROM source_records WHERE source = 'kemenkes'`); err != nil || n == 0 {
		t.Fatalf("records loaded: %d, %v", n, err)
	}
}

// dataRows counts a CSV file's rows after its header.
func dataRows(t *testing.T, path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return int64(len(all) - 1)
}
