package schema_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/bangsa/registry/schema"
)

// TestOpenClusterWaitsForARunningServer: a process that finds the server running but not
// answering (starting up, or too busy to take a connection in time) waits for it, rather than
// failing on a second server that the first one's lock file refuses.
func TestOpenClusterWaitsForARunningServer(t *testing.T) {
	if _, err := schema.FindServerBinaries(); err != nil {
		t.Skipf("the test runs a server of its own, from the installed binaries: %v", err)
	}
	tmp, err := os.MkdirTemp("", "registry-cluster-")
	if err != nil {
		t.Fatal(err)
	}
	os.Chmod(tmp, 0o755)
	t.Cleanup(func() { os.RemoveAll(tmp) })
	dir := filepath.Join(tmp, "data")
	ctx := context.Background()
	first, err := schema.OpenCluster(ctx, dir, schema.ClusterOptions{Ephemeral: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { first.Shutdown(ctx) })

	// The server stops answering for two seconds: its socket is out of the way.
	sock := filepath.Join(dir, "run", ".s.PGSQL.5432")
	if err := os.Rename(sock, sock+".away"); err != nil {
		t.Fatal(err)
	}
	back := time.AfterFunc(2*time.Second, func() { os.Rename(sock+".away", sock) })
	defer back.Stop()
	start := time.Now()
	second, err := schema.OpenCluster(ctx, dir, schema.ClusterOptions{Ephemeral: true})
	if err != nil {
		t.Fatalf("opening the running cluster while it does not answer: %v", err)
	}
	if second.Started() {
		t.Fatal("the second process claims to have started the server")
	}
	if waited := time.Since(start); waited < time.Second {
		t.Fatalf("opened after %s, before the server answered again", waited)
	}
}
