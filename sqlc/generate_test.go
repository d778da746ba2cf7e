// Package sqlc holds the registry's SQL queries (queries/), the code sqlc generates from them
// (internal/dbsqlc) and the PostgreSQL store built on that code (pgstore).
package sqlc

import (
	"os/exec"
	"testing"
)

// TestGeneratedCodeIsCurrent fails when the committed sqlc output differs from what the queries
// and migrations generate (`go tool sqlc generate` fixes it).
func TestGeneratedCodeIsCurrent(t *testing.T) {
	if testing.Short() {
		t.Skip("builds sqlc; skipped in -short mode")
	}
	cmd := exec.Command("go", "tool", "sqlc", "diff")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("generated code drifted from sqlc/queries and schema/migrations (run `go tool sqlc generate`):\n%s\n%v", out, err)
	}
}
