package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"text/tabwriter"
	"time"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
)

// runTrain implements `registry train`: it estimates the matching model from the records the
// registry holds (no labels), stores it and makes it the active model, which `serve` and `load`
// decide with from their next start. `--list` shows the stored models, `--activate VERSION`
// switches back to one of them, and `--export` / `--import` move a model between registries (a
// model trained on a staging copy, promoted to production; or a fresh registry that should match
// with a known model from its first record).
func runTrain(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("train", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	sample := fs.Int("sample", registry.DefaultTrainRecords, "train on at most this many records, sampled uniformly with --seed")
	seed := fs.Uint64("seed", 1, "seed of the sample and of the random pairs: the same records and seed give the same model")
	randomPairs := fs.Int("random-pairs", 0, "random pairs that estimate u (0: the engine's default, 200,000)")
	noActivate := fs.Bool("no-activate", false, "store the model without making it the active one")
	list := fs.Bool("list", false, "list the stored models and exit")
	activate := fs.String("activate", "", "make the stored model VERSION the active one and exit (a rollback)")
	export := fs.String("export", "", "write the active model as JSON to FILE and exit")
	importFrom := fs.String("import", "", "store the model in the JSON FILE (from --export), activate it unless --no-activate, and exit")
	asJSON := fs.Bool("json", false, "print the result as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: registry train [--sample N] [--seed S] [--no-activate] [--json] | --list | --activate VERSION | --export FILE | --import FILE")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("train: unexpected argument %q", fs.Arg(0))
	}
	if *sample < 2 {
		return fmt.Errorf("train: --sample must be at least 2, got %d", *sample)
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	switch {
	case *list:
		return listModels(ctx, svc, stdout, *asJSON)
	case *activate != "":
		m, err := svc.ActivateModel(ctx, *activate)
		if err != nil {
			return fmt.Errorf("train: %w", err)
		}
		fmt.Fprintf(stdout, "active model: %s (processes started from now on use it)\n", m.Version)
		return nil
	case *export != "":
		return exportModel(ctx, svc, *export, stdout)
	case *importFrom != "":
		return importModel(ctx, svc, *importFrom, !*noActivate, stdout)
	}

	start := time.Now()
	m, rep, err := svc.TrainModel(ctx, registry.TrainOptions{MaxRecords: *sample, Seed: *seed, RandomPairs: *randomPairs})
	if errors.Is(err, matching.ErrTooFewRecords) {
		return errors.New("train: the registry holds fewer than two records; load some first")
	}
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if err := svc.SaveModel(ctx, m, !*noActivate); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	res := trainResult{
		Version: m.Version, Active: !*noActivate, Records: rep.Records, Sampled: rep.Sampled, Seed: rep.Seed,
		Seconds: math.Round(time.Since(start).Seconds()*10) / 10, PriorWeight: m.PriorWeight,
		LinkProbability: m.LinkProbability, ReviewProbability: m.ReviewProbability,
	}
	if t := m.Training; t != nil {
		res.RandomPairs, res.CandidatePairs, res.Iterations, res.Converged, res.MatchShare =
			t.RandomPairs, t.CandidatePairs, t.Iterations, t.Converged, t.MatchShare
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	printTrain(stdout, res, m)
	return nil
}

// trainResult is what `registry train` reports: enough to audit where a model came from.
type trainResult struct {
	Version           string  `json:"version"`
	Active            bool    `json:"active"`
	Records           int     `json:"records"`
	Sampled           int     `json:"sampled"`
	Seed              uint64  `json:"seed"`
	RandomPairs       int     `json:"random_pairs"`
	CandidatePairs    int     `json:"candidate_pairs"`
	Iterations        int     `json:"em_iterations"`
	Converged         bool    `json:"em_converged"`
	MatchShare        float64 `json:"match_share"`
	PriorWeight       float64 `json:"prior_weight"`
	LinkProbability   float64 `json:"link_probability"`
	ReviewProbability float64 `json:"review_probability"`
	Seconds           float64 `json:"seconds"`
}

func printTrain(w io.Writer, r trainResult, m *matching.Model) {
	state := "stored and active (processes started from now on use it)"
	if !r.Active {
		state = "stored, not active (registry train --activate " + r.Version + ")"
	}
	fmt.Fprintf(w, "model %s: %s\n", r.Version, state)
	fmt.Fprintf(w, "trained on %d of %d records (seed %d) in %.1fs: %d random pairs, %d candidate pairs, EM %d iterations (converged: %t)\n",
		r.Sampled, r.Records, r.Seed, r.Seconds, r.RandomPairs, r.CandidatePairs, r.Iterations, r.Converged)
	fmt.Fprintf(w, "match share of candidate pairs %.4f, prior weight %.2f bits; link at p >= %g, review at p >= %g\n",
		r.MatchShare, r.PriorWeight, r.LinkProbability, r.ReviewProbability)
	// The weights per level show what the data taught: log2(m/u) in bits.
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "field\tlevel weights (bits)")
	for _, f := range m.Fields {
		fmt.Fprintf(tw, "%s\t", f.Field)
		for i, l := range f.Levels {
			if i > 0 {
				fmt.Fprint(tw, "  ")
			}
			fmt.Fprintf(tw, "%s %+.1f", l.Level, math.Log2(math.Max(l.M, 1e-9)/math.Max(l.U, 1e-9)))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
}

func listModels(ctx context.Context, svc *registry.Service, w io.Writer, asJSON bool) error {
	models, err := svc.ListModels(ctx)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	if asJSON {
		type row struct {
			Version   string    `json:"version"`
			Active    bool      `json:"active"`
			CreatedAt time.Time `json:"created_at"`
		}
		out := make([]row, len(models))
		for i, m := range models {
			out[i] = row{m.Version, m.Active, m.CreatedAt}
		}
		return json.NewEncoder(w).Encode(out)
	}
	if len(models) == 0 {
		fmt.Fprintf(w, "no stored models; the registry matches with %s\n", matching.DefaultModel().Version)
		return nil
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "version\tactive\tcreated")
	for _, m := range models {
		active := ""
		if m.Active {
			active = "yes"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", m.Version, active, m.CreatedAt.UTC().Format(time.RFC3339))
	}
	return tw.Flush()
}

// exportModel writes the registry's active model (its parameters as stored) to path.
func exportModel(ctx context.Context, svc *registry.Service, path string, stdout io.Writer) error {
	m, err := svc.UseActiveModel(ctx)
	if errors.Is(err, registry.ErrNotFound) {
		return errors.New("train: no active model to export; the registry matches with the default model")
	}
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("train: encode model: %w", err)
	}
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	fmt.Fprintf(stdout, "exported model %s to %s\n", m.Version, path)
	return nil
}

// importModel stores the model in path and activates it if asked. A file that is not a model
// (no version, no field parameters) is refused rather than stored.
func importModel(ctx context.Context, svc *registry.Service, path string, activate bool, stdout io.Writer) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("train: %w", err)
	}
	var m matching.Model // decoded strictly: a parameter this version does not know is refused
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("train: %s is not a model file: %w", path, err)
	}
	if m.Version == "" || len(m.Fields) == 0 {
		return fmt.Errorf("train: %s is not a model file: no version or no field parameters", path)
	}
	if err := svc.SaveModel(ctx, &m, activate); err != nil {
		return fmt.Errorf("train: %w", err)
	}
	state := "stored"
	if activate {
		state = "stored and active (processes started from now on use it)"
	}
	fmt.Fprintf(stdout, "model %s: %s\n", m.Version, state)
	return nil
}
