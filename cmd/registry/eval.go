package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"text/tabwriter"

	"github.com/bangsa/registry/registry"
)

// runEval implements `registry eval`: it compares the registry's active links with a truth file
// (source,local_id,entity) and prints pairwise and B-cubed precision, recall and F1, false merges
// and splits, and, given the generator's hard_negatives.csv, how many look-alike groups of
// different people were wrongly merged.
func runEval(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	truthPath := fs.String("truth", "", "truth CSV with columns source,local_id,entity (required)")
	hnPath := fs.String("hard-negatives", "", "hard-negative groups CSV (kind,group,entity), e.g. the generator's hard_negatives.csv")
	asJSON := fs.Bool("json", false, "print the evaluation as one JSON object")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: registry eval --truth FILE [--hard-negatives FILE] [--json]")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("eval: unexpected argument %q", fs.Arg(0))
	}
	if *truthPath == "" {
		return errors.New("eval: --truth is required")
	}
	truth, err := readFile(*truthPath, registry.ReadTruth)
	if err != nil {
		return fmt.Errorf("eval: %w", err)
	}
	var groups []registry.HardNegativeGroup
	if *hnPath != "" {
		if groups, err = readFile(*hnPath, registry.ReadHardNegatives); err != nil {
			return fmt.Errorf("eval: %w", err)
		}
	}
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)
	ev := registry.NewEvaluator(truth)
	if err := svc.ExportLinks(ctx, ev.Add); err != nil {
		return fmt.Errorf("eval: read links: %w", err)
	}
	res := ev.Result(groups)
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	return printEval(stdout, res)
}

func readFile[T any](path string, read func(io.Reader) (T, error)) (T, error) {
	f, err := os.Open(path)
	if err != nil {
		var zero T
		return zero, err
	}
	defer f.Close()
	v, err := read(f)
	if err != nil {
		return v, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

func printEval(w io.Writer, e registry.Evaluation) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "truth records\t%d\t(%d linked, %d not in the registry; %d links not in the truth)\n",
		e.TruthRecords, e.Linked, e.NotInRegistry, e.NotInTruth)
	fmt.Fprintf(tw, "people / citizens\t%d / %d\t\n", e.Entities, e.Citizens)
	fmt.Fprintf(tw, "\tprecision\trecall\tF1\n")
	fmt.Fprintf(tw, "pairwise\t%.4f\t%.4f\t%.4f\t(%d correct of %d predicted pairs; %d true pairs)\n",
		e.Pairwise.Precision, e.Pairwise.Recall, e.Pairwise.F1, e.CorrectPairs, e.PredictedPairs, e.TruePairs)
	fmt.Fprintf(tw, "B-cubed\t%.4f\t%.4f\t%.4f\t\n", e.BCubed.Precision, e.BCubed.Recall, e.BCubed.F1)
	fmt.Fprintf(tw, "false merges\t%d\t\t\t(citizens holding two or more people; %d records)\n", e.FalseMerges, e.RecordsInFalseMerges)
	fmt.Fprintf(tw, "splits\t%d\t\t\t(people spread over several citizens; %d extra citizens)\n", e.Splits, e.ExtraCitizens)
	if len(e.HardNegatives) > 0 {
		fmt.Fprintf(tw, "hard negatives\tgroups\tpresent\tmerged\n")
		var g, p, m int
		for _, k := range e.HardNegativeKinds() {
			c := e.HardNegatives[k]
			g, p, m = g+c.Groups, p+c.Present, m+c.Merged
			fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\n", k, c.Groups, c.Present, c.Merged)
		}
		fmt.Fprintf(tw, "  all\t%d\t%d\t%d\n", g, p, m)
	}
	return tw.Flush()
}
