package main

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLoadCommandRejectsAndExitCodes: rejects go beside the input (CSV as CSV, NDJSON as NDJSON)
// and load again once fixed; rejects alone do not fail the command, --max-rejects does; the
// summary is one JSON line when stdout is not a terminal.
func TestLoadCommandRejectsAndExitCodes(t *testing.T) {
	bin := binary(t)
	dir := dataDir(t)
	stopClusterAtEnd(t, dir)
	work := filepath.Dir(dir)

	nd := filepath.Join(work, "people.ndjson")
	os.WriteFile(nd, []byte(`{"local_id":"N-1","full_name":"Siti Rahayu","nik":3273054107900001,"birth_date":"1990-07-01"}
{"local_id":"N-2","full_nam":"typo"}
not json
`), 0o644)
	out, _ := runCmd(t, bin, nil, "load", "--data-dir", dir, "--source", "kemensos", nd)
	var sum map[string]any
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &sum); err != nil {
		t.Fatalf("summary %q: %v", out, err)
	}
	if sum["loaded"] != 1.0 || sum["rejected"] != 2.0 || sum["rejects_file"] != filepath.Join(work, "people.rejects.ndjson") {
		t.Fatalf("summary = %v", sum)
	}
	rej, err := os.ReadFile(filepath.Join(work, "people.rejects.ndjson"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(rej)), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"reject_line":2`) || !strings.Contains(lines[0], `unknown field \"full_nam\"`) ||
		!strings.Contains(lines[1], `"reject_raw":"not json"`) {
		t.Fatalf("NDJSON rejects:\n%s", rej)
	}

	// A CSV with two bad rows: --max-rejects 1 fails the command, after writing the rejects.
	csvPath := filepath.Join(work, "people.csv")
	os.WriteFile(csvPath, []byte(personCSV+"K-4,3171011203850004,Ani,,,F,1999-02-31,,,,,,,,\n"), 0o644)
	cmd := exec.Command(bin, "load", "--data-dir", dir, "--source", "kemenkes", "--max-rejects", "1", csvPath)
	outb, err := cmd.Output()
	if err == nil {
		t.Fatalf("--max-rejects 1 with two rejects succeeded: %s", outb)
	}
	if !strings.Contains(string(outb), `"failed":true`) {
		t.Fatalf("no failed summary: %s", outb)
	}
	// Without the limit the same file loads; the fixed rejects file then loads as it is.
	out, _ = runCmd(t, bin, nil, "load", "--data-dir", dir, "--source", "kemenkes", csvPath)
	json.Unmarshal([]byte(strings.TrimSpace(out)), &sum)
	if sum["rejected"] != 2.0 || sum["loaded"] != 2.0 {
		t.Fatalf("summary = %v", sum)
	}
	rejPath := filepath.Join(work, "people.rejects.csv")
	b, err := os.ReadFile(rejPath)
	if err != nil {
		t.Fatal(err)
	}
	fixed := strings.Replace(string(b), "K-3,,,,", "K-3,,Budi Fixed,,", 1)
	fixed = strings.Replace(fixed, "1999-02-31", "1999-02-28", 1) // the padded row now has every column
	os.WriteFile(rejPath, []byte(fixed), 0o644)
	out, _ = runCmd(t, bin, nil, "load", "--data-dir", dir, "--source", "kemenkes", rejPath)
	json.Unmarshal([]byte(strings.TrimSpace(out)), &sum)
	if sum["loaded"] != 2.0 || sum["rejected"] != 0.0 {
		t.Fatalf("fixed rejects: %v\n%s", sum, fixed)
	}
}

func TestIndexBudgetFollowsTheMemoryLimit(t *testing.T) {
	for _, c := range []struct {
		limit int64
		want  int64
	}{
		{loadMemoryLimit, 7 << 28}, // the default limit: the loader's documented 1.75 GiB
		{12 << 30, 6 << 30},        // GOMEMLIMIT=12GiB: four times as much
		{math.MaxInt64, 3 << 29},   // GOMEMLIMIT=off: no limit to follow, the default budget
		{0, 3 << 29},
	} {
		if got := indexBudget(c.limit); got != c.want {
			t.Errorf("indexBudget(%d) = %d, want %d", c.limit, got, c.want)
		}
	}
}
