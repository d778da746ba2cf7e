package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema/pgtest"
)

// TestTrainAndEvalCommands drives `registry load`, `train` and `eval` in process against one
// database, on a small generated population.
func TestTrainAndEvalCommands(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	url := pgtest.NewDatabase(t)
	dir := t.TempDir()
	cfg, err := synth.DefaultConfig(synth.ScenarioCurrent)
	if err != nil {
		t.Fatal(err)
	}
	cfg.People = 100
	if _, err := synth.Generate(ctx, cfg, synth.BuiltinReference(), dir); err != nil {
		t.Fatal(err)
	}
	keys := filepath.Join(dir, "nik-keys.json")
	ks, err := registry.NewNIKKeySet()
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.WriteNIKKeys(keys, ks); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) (string, error) {
		var out, errb bytes.Buffer
		err := run(ctx, append(args[:1:1], append([]string{"--db", url, "--nik-keys", keys}, args[1:]...)...), strings.NewReader(""), &out, &errb)
		if err != nil {
			t.Logf("registry %s: stderr %s", strings.Join(args, " "), errb.String())
		}
		return out.String(), err
	}
	mustCLI := func(args ...string) string {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatalf("registry %s: %v", strings.Join(args, " "), err)
		}
		return out
	}

	if out := mustCLI("train", "--list"); !strings.Contains(out, "no stored models") {
		t.Fatalf("train --list on a new registry: %q", out)
	}
	if _, err := cli("train"); err == nil || !strings.Contains(err.Error(), "fewer than two records") {
		t.Fatalf("training an empty registry: %v", err)
	}
	for _, src := range synth.SourceCodes() {
		mustCLI("load", "--source", src, filepath.Join(dir, src+".csv"))
	}

	var first trainResult
	if err := json.Unmarshal([]byte(mustCLI("train", "--json")), &first); err != nil {
		t.Fatal(err)
	}
	if !first.Active || first.Records < 200 || first.Sampled != first.Records || !strings.HasPrefix(first.Version, "em-") {
		t.Fatalf("train result %+v", first)
	}
	// The same records and seed give the same model: saving it again changes nothing.
	if out := mustCLI("train"); !strings.Contains(out, "model "+first.Version+": stored and active") || !strings.Contains(out, "name ") {
		t.Fatalf("train again:\n%s", out)
	}
	var second trainResult
	if err := json.Unmarshal([]byte(mustCLI("train", "--json", "--seed", "2", "--sample", "150", "--no-activate")), &second); err != nil {
		t.Fatal(err)
	}
	if second.Active || second.Sampled != 150 || second.Version == first.Version {
		t.Fatalf("second model %+v", second)
	}
	list := mustCLI("train", "--list")
	if !strings.Contains(list, first.Version+"  yes") || !strings.Contains(list, second.Version) {
		t.Fatalf("train --list:\n%s", list)
	}
	if _, err := cli("train", "--activate", "em-0000"); err == nil {
		t.Fatal("activating an unknown version succeeded")
	}
	mustCLI("train", "--activate", second.Version)
	db, err := openDB(ctx, dbFlags{url: url, nikKeys: keys}, newLogger(&bytes.Buffer{}, 0), false)
	if err != nil {
		t.Fatal(err)
	}
	defer db.close(ctx)
	if v := db.service(newLogger(&bytes.Buffer{}, 0)).Model().Version; v != second.Version {
		t.Fatalf("a process started after the rollback decides with %s, want %s", v, second.Version)
	}

	// Export the active model, import it into a fresh registry: that registry decides with it.
	modelFile := filepath.Join(dir, "model.json")
	mustCLI("train", "--export", modelFile)
	otherURL := pgtest.NewDatabase(t)
	var out, errb bytes.Buffer
	if err := run(ctx, []string{"train", "--db", otherURL, "--nik-keys", keys, "--import", modelFile}, nil, &out, &errb); err != nil {
		t.Fatalf("import: %v %s", err, errb.String())
	}
	if !strings.Contains(out.String(), "model "+second.Version+": stored and active") {
		t.Fatalf("import: %q", out.String())
	}
	if _, err := cli("train", "--import", filepath.Join(dir, "truth.csv")); err == nil {
		t.Fatal("importing a CSV as a model succeeded")
	}
	// A model file with a parameter this version does not know would decide otherwise than it
	// was built to: refused, not stored.
	b, err := os.ReadFile(modelFile)
	if err != nil {
		t.Fatal(err)
	}
	unknown := filepath.Join(dir, "unknown.json")
	if err := os.WriteFile(unknown, bytes.Replace(b, []byte(`{`), []byte(`{"age_weight": 1, `), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := cli("train", "--import", unknown); err == nil || !strings.Contains(err.Error(), "age_weight") {
		t.Fatalf("importing a model with an unknown parameter: %v", err)
	}

	truth, hn := filepath.Join(dir, "truth.csv"), filepath.Join(dir, "hard_negatives.csv")
	var ev registry.Evaluation
	if err := json.Unmarshal([]byte(mustCLI("eval", "--truth", truth, "--hard-negatives", hn, "--json")), &ev); err != nil {
		t.Fatal(err)
	}
	if ev.TruthRecords != first.Records || ev.Linked != ev.TruthRecords || ev.NotInTruth != 0 ||
		ev.Pairwise.Recall < 0.9 || ev.Pairwise.Precision < 0.9 || len(ev.HardNegatives) == 0 {
		t.Fatalf("evaluation %+v", ev)
	}
	table := mustCLI("eval", "--truth", truth)
	for _, want := range []string{"pairwise", "B-cubed", "false merges", "splits"} {
		if !strings.Contains(table, want) {
			t.Fatalf("eval table lacks %q:\n%s", want, table)
		}
	}
	if _, err := cli("eval"); err == nil || !strings.Contains(err.Error(), "--truth") {
		t.Fatalf("eval without --truth: %v", err)
	}
}
