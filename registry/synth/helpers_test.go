package synth

import (
	"context"
	"encoding/csv"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// sharedReferencePath returns ../shared/data/indonesia beside the module
// root (the directory holding go.mod), and an error when it is missing.
func sharedReferencePath() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the test directory")
		}
		dir = parent
	}
	ref := filepath.Join(dir, "..", "shared", "data", "indonesia")
	if _, err := os.Stat(filepath.Join(ref, "wilayah", "villages.csv")); err != nil {
		return ref, err
	}
	return ref, nil
}

// sharedReferenceDir skips the test, naming the path, when the shared
// reference data is absent, so the suite runs anywhere.
func sharedReferenceDir(t testing.TB) string {
	t.Helper()
	ref, err := sharedReferencePath()
	if err != nil {
		t.Skipf("shared reference data not found at %s: %v", ref, err)
	}
	return ref
}

var (
	fullRefOnce sync.Once
	fullRef     *Reference
	fullRefErr  error
)

// loadShared loads the full reference once per test binary.
func loadShared(t testing.TB) *Reference {
	t.Helper()
	dir := sharedReferenceDir(t)
	fullRefOnce.Do(func() { fullRef, fullRefErr = LoadReference(dir) })
	if fullRefErr != nil {
		t.Fatalf("LoadReference(%s): %v", dir, fullRefErr)
	}
	return fullRef
}

func testConfig(t testing.TB, people int, seed uint64) Config {
	t.Helper()
	cfg, err := DefaultConfig(ScenarioCurrent)
	if err != nil {
		t.Fatal(err)
	}
	cfg.People, cfg.Seed = people, seed
	return cfg
}

// run generates into a fresh temporary directory.
func run(t testing.TB, cfg Config, ref *Reference) (string, Summary) {
	t.Helper()
	dir := t.TempDir()
	sum, err := Generate(context.Background(), cfg, ref, dir)
	if err != nil {
		t.Fatalf("Generate: %v", err)
	}
	return dir, sum
}

// table is a parsed CSV file with column lookup by name.
type table struct {
	header []string
	rows   [][]string
}

func (tb *table) col(t testing.TB, name string) int {
	t.Helper()
	i := slices.Index(tb.header, name)
	if i < 0 {
		t.Fatalf("no column %q in %v", name, tb.header)
	}
	return i
}

// readTable parses a generated CSV with encoding/csv, which also checks that
// the hand-written writer produces valid CSV with a constant column count.
func readTable(t testing.TB, dir, name string) *table {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(all) == 0 {
		t.Fatalf("%s: empty", name)
	}
	return &table{header: all[0], rows: all[1:]}
}

// index maps the values of a column to their rows.
func (tb *table) index(t testing.TB, name string) map[string][]string {
	t.Helper()
	c := tb.col(t, name)
	m := make(map[string][]string, len(tb.rows))
	for _, r := range tb.rows {
		m[r[c]] = r
	}
	return m
}
