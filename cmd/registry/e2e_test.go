package main

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bangsa/registry/schema"
)

// binary builds the real registry binary once per test run.
func binary(t *testing.T) string {
	t.Helper()
	if _, err := schema.FindServerBinaries(); err != nil {
		t.Skipf("end-to-end tests need PostgreSQL server binaries: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "registry")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startServe runs `registry serve` on an ephemeral port and returns it with its base URL, read
// from its log.
func startServe(t *testing.T, bin, dir string, args ...string) (*exec.Cmd, string) {
	t.Helper()
	serve := exec.Command(bin, append([]string{"serve", "--data-dir", dir, "--addr", "127.0.0.1:0"}, args...)...)
	stderr, _ := serve.StderrPipe()
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	addrc := make(chan string, 1)
	go func() {
		re := regexp.MustCompile(`registry listening" addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				addrc <- m[1]
			}
		}
	}()
	select {
	case a := <-addrc:
		return serve, "http://" + a
	case <-time.After(60 * time.Second):
		serve.Process.Kill()
		t.Fatal("serve did not start listening")
	}
	return nil, ""
}

// dataDir is a fresh data directory the database server's user can enter.
func dataDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "registry-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(dir, 0o755)
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "data")
}

func runCmd(t *testing.T, bin string, stdin io.Reader, args ...string) (string, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = stdin
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("registry %s: %v\nstdout: %s\nstderr: %s", strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String(), errb.String()
}

const personCSV = `local_id,nik,full_name,given_name,family_name,sex,birth_date,birth_place,address,village,district,city,province,postcode,phone,email
K-1,3273054107900001,SITI RAHAYU,,,P,01-07-1990,Bandung,,,,,,,,
K-2,3171011203850002,Budi Santoso,,,L,12/03/1985,Jakarta,,,,,,,,
K-3,,,,,,,,,,,,,,,
`

func TestEndToEnd(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)

	serve, base := startServe(t, bin, dir)
	defer serve.Process.Kill()

	// A second command on the same data dir joins the running cluster.
	out, _ := runCmd(t, bin, nil, "keys", "create", "--data-dir", dir, "--source", "dukcapil", "--scopes", "submit,resolve,read,match")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	key := lines[len(lines)-1]
	if !strings.HasPrefix(key, "rk_") {
		t.Fatalf("keys create printed %q, want the key on the last line", out)
	}

	call := func(method, path string, body string) (int, map[string]any) {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Purpose", "e2e")
		req.Header.Set("X-End-User", "tester")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		return res.StatusCode, m
	}
	status, sub := call("PUT", "/v1/sources/dukcapil/records/D-1",
		`{"nik":"3273054107900001","full_name":"Siti Rahayu","sex":"F","birth_date":"1990-07-01"}`)
	if status != 201 || sub["outcome"] != "created" {
		t.Fatalf("submit: %d %v", status, sub)
	}
	citizen := sub["citizen_id"].(string)
	if status, res := call("GET", "/v1/sources/dukcapil/records/D-1", ""); status != 200 || res["citizen_id"] != citizen {
		t.Fatalf("resolve: %d %v", status, res)
	}
	if status, res := call("POST", "/v1/match", `{"full_name":"Siti Rahayu","birth_date":"1990-07-01"}`); status != 200 || len(res["candidates"].([]any)) == 0 {
		t.Fatalf("match: %d %v", status, res)
	}
	if status, _ := call("PUT", "/v1/sources/dukcapil/records/D-2", `{"full_name":`); status != 400 {
		t.Fatalf("bad JSON: %d", status)
	}

	// load + export through the running cluster.
	input := filepath.Join(filepath.Dir(dir), "kemenkes.csv")
	os.WriteFile(input, []byte(personCSV), 0o644)
	out, _ = runCmd(t, bin, nil, "load", "--data-dir", dir, "--source", "kemenkes", input)
	var sum map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &sum); err != nil {
		t.Fatalf("load summary %q: %v", out, err)
	}
	if sum["loaded"] != 2.0 || sum["rejected"] != 1.0 || sum["linked"] != 1.0 {
		t.Fatalf("load summary = %v", sum)
	}
	rejects, err := os.ReadFile(filepath.Join(filepath.Dir(dir), "kemenkes.rejects.csv"))
	if err != nil || !strings.Contains(string(rejects), "reject_reason") {
		t.Fatalf("rejects file: %v %s", err, rejects)
	}
	out, _ = runCmd(t, bin, nil, "export", "links", "--data-dir", dir)
	rows, _ := csv.NewReader(strings.NewReader(out)).ReadAll()
	if len(rows) != 4 || strings.Join(rows[0], ",") != "source,local_id,citizen_id" {
		t.Fatalf("export = %q", out)
	}
	for _, r := range rows[1:] {
		if r[0]+"/"+r[1] == "kemenkes/K-1" && r[2] != citizen {
			t.Fatalf("kemenkes/K-1 exported as %s, want %s", r[2], citizen)
		}
	}

	// serve stops the cluster it started.
	serve.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); err == nil {
		t.Fatal("the embedded cluster still runs after serve stopped")
	}
}

// TestLoadExportOnFreshDataDir is the README's promise: load and export work with no set-up.
func TestLoadExportOnFreshDataDir(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)
	runCmd(t, bin, strings.NewReader(personCSV), "load", "--data-dir", dir, "--source", "kemenkes", "-")
	out, _ := runCmd(t, bin, nil, "export", "links", "--data-dir", dir)
	if n := strings.Count(out, "\n"); n != 3 {
		t.Fatalf("export has %d lines, want header + 2:\n%s", n, out)
	}
	// Grants are managed from the command line.
	runCmd(t, bin, nil, "grants", "add", "--data-dir", dir, "--source", "djp", "--kind", "hide_field", "--target", "kemenkes", "--field", "phone")
	if out, _ = runCmd(t, bin, nil, "grants", "list", "--data-dir", dir); !strings.Contains(out, "hide_field") {
		t.Fatalf("grants list = %q", out)
	}
	// The audit chains verify, and the head prints in anchor form.
	out, _ = runCmd(t, bin, nil, "audit", "head", "--data-dir", dir)
	if !regexp.MustCompile(`(?m)^events:\d+:[0-9a-f]*$`).MatchString(out) {
		t.Fatalf("audit head = %q", out)
	}
	heads := strings.Fields(out)
	args := []string{"audit", "verify", "--data-dir", dir}
	for _, h := range heads {
		args = append(args, "--anchor", h)
	}
	if out, _ = runCmd(t, bin, nil, args...); !strings.Contains(out, "ok") {
		t.Fatalf("audit verify = %q", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", "postmaster.pid")); err == nil {
		t.Fatal("the embedded cluster still runs after the commands finished")
	}
}

// TestGenIsDeterministic runs the generator twice with one seed through the binary.
func TestGenIsDeterministic(t *testing.T) {
	bin := binary(t)
	dirs := []string{t.TempDir(), t.TempDir()}
	for _, d := range dirs {
		runCmd(t, bin, nil, "gen", "--people", "200", "--seed", "42", "--out", d)
	}
	for _, name := range []string{"dukcapil.csv", "kemenkes.csv", "truth.csv", "errors.csv", "hard_negatives.csv"} {
		a, err := os.ReadFile(filepath.Join(dirs[0], name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(filepath.Join(dirs[1], name))
		if !bytes.Equal(a, b) {
			t.Fatalf("%s differs between two runs with the same seed", name)
		}
	}
}
