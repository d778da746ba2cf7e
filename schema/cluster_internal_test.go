package schema

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFindServerBinaries(t *testing.T) {
	root := t.TempDir()
	t.Setenv("PATH", filepath.Join(root, "empty-path"))
	glob := filepath.Join(root, "lib", "*", "bin")

	_, err := findServerBinaries(glob)
	if !errors.Is(err, ErrNoServerBinaries) {
		t.Fatalf("no binaries anywhere: %v, want ErrNoServerBinaries", err)
	}
	if !strings.Contains(err.Error(), "apt-get install postgresql") {
		t.Fatalf("the error %q does not say how to install the server", err)
	}

	for _, v := range []string{"9", "15", "16"} {
		dir := filepath.Join(root, "lib", v, "bin")
		os.MkdirAll(dir, 0o755)
		for _, n := range []string{"initdb", "pg_ctl", "postgres"} {
			if v == "16" && n == "postgres" {
				continue // an incomplete install is skipped
			}
			os.WriteFile(filepath.Join(dir, n), []byte("#!/bin/sh\n"), 0o755)
		}
	}
	got, err := findServerBinaries(glob)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "lib", "15", "bin"); got != want {
		t.Fatalf("found %s, want the newest complete install %s", got, want)
	}
}
