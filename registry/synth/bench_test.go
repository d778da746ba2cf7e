package synth

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// BenchmarkGenerateDemo measures the server's demo mode: about a thousand
// people from the built-in reference.
func BenchmarkGenerateDemo(b *testing.B) {
	benchGenerate(b, BuiltinReference(), 1000)
}

// BenchmarkGenerate measures throughput and peak memory with the full
// reference when ../shared/data/indonesia exists (else the built-in one).
// The 10M size writes about 10 GB and runs only with SYNTH_BENCH_10M=1; run
// each size in its own process so that peak RSS is that size's:
//
//	go test -run '^$' -bench 'Generate/people=1000000$' -benchtime 1x ./registry/synth/
//	SYNTH_BENCH_10M=1 go test -run '^$' -bench 'Generate/people=10000000$' -benchtime 1x -timeout 60m ./registry/synth/
func BenchmarkGenerate(b *testing.B) {
	ref := BuiltinReference()
	if dir := findSharedReference(); dir != "" {
		var err error
		if ref, err = LoadReference(dir); err != nil {
			b.Fatal(err)
		}
	}
	for _, n := range []int{100_000, 1_000_000, 10_000_000} {
		b.Run(fmt.Sprintf("people=%d", n), func(b *testing.B) {
			if n > 1_000_000 && os.Getenv("SYNTH_BENCH_10M") == "" {
				b.Skip("set SYNTH_BENCH_10M=1 to run the 10M-person benchmark (about 10 GB of output)")
			}
			benchGenerate(b, ref, n)
		})
	}
}

func benchGenerate(b *testing.B, ref *Reference, people int) {
	cfg, err := DefaultConfig(ScenarioCurrent)
	if err != nil {
		b.Fatal(err)
	}
	cfg.People = people
	dir := b.TempDir()
	resetPeakRSS()
	sampler := startHeapSampler()
	for b.Loop() {
		if _, err := Generate(context.Background(), cfg, ref, dir); err != nil {
			b.Fatal(err)
		}
	}
	peakHeap := sampler.stop()
	b.ReportMetric(float64(people)*float64(b.N)/b.Elapsed().Seconds(), "people/s")
	b.ReportMetric(float64(peakHeap)/(1<<20), "peak-heap-MiB")
	if rss := peakRSS(); rss > 0 {
		b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
	}
	b.Logf("reference %s, %d people, output %.1f MiB", ref.Name(), people, float64(dirSize(dir))/(1<<20))
}

// findSharedReference is sharedReferenceDir without skipping.
func findSharedReference() string {
	ref, err := sharedReferencePath()
	if err != nil {
		return ""
	}
	return ref
}

// heapSampler polls the live heap, because a streaming generator's peak is
// what matters and the final value says nothing about it.
type heapSampler struct {
	stopc chan struct{}
	wg    sync.WaitGroup
	peak  uint64
}

func startHeapSampler() *heapSampler {
	s := &heapSampler{stopc: make(chan struct{})}
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			s.peak = max(s.peak, sample[0].Value.Uint64())
			select {
			case <-s.stopc:
				return
			case <-t.C:
			}
		}
	}()
	return s
}

func (s *heapSampler) stop() uint64 {
	close(s.stopc)
	s.wg.Wait()
	return s.peak
}

// resetPeakRSS resets the kernel's high-water mark of this process (Linux
// only; elsewhere peakRSS reports the process peak so far).
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

// peakRSS returns VmHWM in bytes, or 0 where /proc is not available.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

func dirSize(dir string) int64 {
	var n int64
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if info, err := e.Info(); err == nil {
			n += info.Size()
		}
	}
	return n
}
