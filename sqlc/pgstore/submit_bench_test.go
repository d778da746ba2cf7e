package pgstore_test

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/synth"
	"github.com/bangsa/registry/schema/pgtest"
	"github.com/bangsa/registry/sqlc/pgstore"
)

// BenchmarkSubmitLoaded measures the single-record submit path on a registry that already holds a
// realistic population, and reports its latency percentiles. The generator's current scenario
// (REGISTRY_BENCH_PEOPLE people, default 2000; seed 1) is split by source: the civil registry,
// health and education files are loaded first through Service.Load; the timed loop then submits
// the social-affairs and tax records one by one through Service.Submit, as ministries would.
// Most of them are people the registry already holds, so every submit finds candidates, scores
// them and links: the common case, not the empty-registry best case of BenchmarkSubmit.
// REGISTRY_BENCH_REFERENCE names a directory of official reference tables to generate with.
// From 20,000 people on, run it with -benchtime Nx, N > 1 (the one-iteration run is skipped).
//
//	go test ./sqlc/pgstore -run '^$' -bench SubmitLoaded -benchtime 1000x
func BenchmarkSubmitLoaded(b *testing.B) {
	people := 2000
	if v := os.Getenv("REGISTRY_BENCH_PEOPLE"); v != "" {
		var err error
		if people, err = strconv.Atoi(v); err != nil || people < 10 {
			b.Fatalf("REGISTRY_BENCH_PEOPLE=%q: want a number >= 10", v)
		}
	}
	if b.N == 1 && people >= 20000 {
		// Go runs every benchmark once with b.N = 1 before the measured run (-benchtime Nx):
		// for a large population that would generate and load it twice.
		return
	}
	ctx := context.Background()
	dir := b.TempDir()
	cfg, err := synth.DefaultConfig(synth.ScenarioCurrent)
	if err != nil {
		b.Fatal(err)
	}
	cfg.People = people
	ref := synth.BuiltinReference()
	if d := os.Getenv("REGISTRY_BENCH_REFERENCE"); d != "" {
		// The official tables (e.g. ../shared/data/indonesia) spread people over the country's
		// villages as a national register does; the built-in set crowds them into 44.
		if ref, err = synth.LoadReference(d); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := synth.Generate(ctx, cfg, ref, dir); err != nil {
		b.Fatal(err)
	}
	pool := pgtest.NewPool(b)
	svc := registry.NewService(pgstore.New(pool), registry.Options{})
	loaded := 0
	for _, src := range []string{synth.SourceDukcapil, synth.SourceKemenkes, synth.SourceKemendikbud} {
		f, err := os.Open(filepath.Join(dir, src+".csv"))
		if err != nil {
			b.Fatal(err)
		}
		sum, err := svc.Load(ctx, src, f, registry.LoadOptions{})
		f.Close()
		if err != nil {
			b.Fatal(err)
		}
		loaded += sum.Loaded
	}
	var queue []submission
	for _, src := range []string{synth.SourceKemensos, synth.SourceDJP} {
		queue = append(queue, submittable(b, filepath.Join(dir, src+".csv"), src)...)
	}
	if len(queue) == 0 {
		b.Fatal("no records to submit")
	}
	principals := map[string]registry.Principal{} // each ministry submits with its own key
	for _, s := range queue {
		if _, ok := principals[s.source]; ok {
			continue
		}
		_, secret, err := svc.CreateKey(ctx, s.source, []registry.Scope{registry.ScopeSubmit}, "bench", 0)
		if err != nil {
			b.Fatal(err)
		}
		if principals[s.source], err = svc.Authenticate(ctx, secret); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := pool.Exec(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}

	var lat []time.Duration
	outcomes := map[registry.Outcome]int{}
	i := 0
	b.ResetTimer()
	for b.Loop() {
		s := queue[i%len(queue)]
		localID := s.localID
		if round := i / len(queue); round > 0 {
			localID = fmt.Sprintf("%s+r%d", localID, round) // past the end: the same people under new IDs
		}
		start := time.Now()
		res, err := svc.Submit(ctx, principals[s.source], s.source, localID, s.person)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatalf("submit %d: %v", i, err)
		}
		outcomes[res.Outcome]++
		i++
	}
	b.StopTimer()
	slices.Sort(lat)
	pct := func(q float64) float64 {
		return float64(lat[min(len(lat)-1, int(q*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.95), "p95-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(loaded+i), "records")
	b.Logf("registry held %d records (%d people generated); %d submits: %d linked, %d new, %d review; p50 %.1f ms, p99 %.1f ms, max %.1f ms",
		loaded, people, i, outcomes[registry.OutcomeLinked], outcomes[registry.OutcomeCreated], outcomes[registry.OutcomeReview],
		pct(0.50), pct(0.99), float64(lat[len(lat)-1].Microseconds())/1000)
}

type submission struct {
	source, localID string
	person          registry.Person
}

// submittable reads a generated source file and keeps the rows the API accepts (Submit refuses
// an impossible birth date, which bulk loads only flag), so that every timed submit does the
// whole work.
func submittable(b *testing.B, path, source string) []submission {
	b.Helper()
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		b.Fatal(err)
	}
	var out []submission
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			b.Fatal(err)
		}
		s := submission{source: source}
		for i, h := range head {
			if h == "local_id" {
				s.localID = row[i]
			} else {
				s.person.SetField(h, strings.TrimSpace(row[i]))
			}
		}
		_, issues := matching.Normalize(s.person.MatchingRecord())
		if s.person.Strict(issues) == nil && registry.ValidateLocalID(s.localID) == nil {
			out = append(out, s)
		}
	}
}
