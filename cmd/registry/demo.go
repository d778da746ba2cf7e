package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
)

// demoPeople is the size of the demo population: enough to show links across ministries and a
// few reviews, small enough to load in seconds.
const demoPeople = 300

// demoSources are loaded in this order: the civil registry first, as a ministry onboarding would.
var demoSources = []string{"dukcapil", "kemenkes", "kemendikbud", "kemensos", "djp"}

// loadDemo fills an empty registry with a small synthetic population, so a newcomer sees
// citizens, links and reviews at once. A registry that holds records is left alone.
func loadDemo(ctx context.Context, svc *registry.Service, log *slog.Logger) error {
	empty, err := svc.IsEmpty(ctx)
	if err != nil || !empty {
		return err
	}
	dir, err := os.MkdirTemp("", "registry-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg, err := synth.DefaultConfig("current")
	if err != nil {
		return err
	}
	cfg.People, cfg.Seed = demoPeople, 1
	if _, err := synth.Generate(ctx, cfg, synth.BuiltinReference(), dir); err != nil {
		return err
	}
	for _, src := range demoSources {
		f, err := os.Open(filepath.Join(dir, src+".csv"))
		if err != nil {
			return err
		}
		sum, err := svc.Load(ctx, src, f, registry.LoadOptions{Actor: "demo"})
		f.Close()
		if err != nil {
			return fmt.Errorf("load demo %s: %w", src, err)
		}
		log.Info("loaded demo records", "source", src, "rows", sum.Rows, "new_citizens", sum.Created,
			"linked", sum.Linked, "reviews", sum.Reviews)
	}
	return nil
}
