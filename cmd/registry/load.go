package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"time"

	"github.com/bangsa/registry/registry"
)

func runLoad(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var d dbFlags
	d.register(fs)
	source := fs.String("source", "", "source (ministry) code the records belong to")
	maxRejects := fs.Int("max-rejects", 0, "fail once more than this many rows are rejected (0: no limit)")
	chunkRows := fs.Int("chunk-rows", registry.DefaultChunkRows, "input rows per transaction and checkpoint")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the load to `FILE` (read it with go tool pprof)")
	memProfile := fs.String("memprofile", "", "write a profile of the load's allocations to `FILE` at its end (go tool pprof -sample_index=alloc_space)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "usage: registry load --source CODE [--max-rejects N] FILE... (CSV or NDJSON, gzip ok, - for stdin)")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	files := fs.Args()
	if err := registry.ValidateSourceCode(*source); err != nil {
		return fmt.Errorf("--source: %w", err)
	}
	if len(files) == 0 {
		return fmt.Errorf("load: name at least one file (or - for stdin)")
	}
	limit := int64(loadMemoryLimit)
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(limit)
	} else {
		limit = debug.SetMemoryLimit(-1)
	}
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(loadGCPercent)
	}
	indexBytes := indexBudget(limit)
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("--cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	if *memProfile != "" {
		defer writeAllocsProfile(*memProfile, stderr)
	}
	log := newLogger(stderr, slog.LevelWarn)
	if os.Getenv("REGISTRY_LOG_LEVEL") == "debug" {
		log = newLogger(stderr, slog.LevelDebug) // per-chunk phase timings
	}
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	for _, name := range files {
		sum, err := loadFile(ctx, svc, *source, name, stdin, *maxRejects, *chunkRows, indexBytes, stderr)
		writeSummary(stdout, name, *source, sum, err)
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	return nil
}

// writeAllocsProfile writes the allocation profile to path, reporting a failure on stderr: the load
// itself is done by then.
func writeAllocsProfile(path string, stderr io.Writer) {
	f, err := os.Create(path)
	if err == nil {
		err = pprof.Lookup("allocs").WriteTo(f, 0)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "registry: --memprofile: %v\n", err)
	}
}

// maxRecordsPerKey is REGISTRY_MAX_RECORDS_PER_KEY: blocking keys held by more records than
// this are skipped as unselective (0: the registry's default). It changes matching decisions, so
// every process on one registry (serve and load alike) must run with the same value.
func maxRecordsPerKey() int {
	n, _ := strconv.Atoi(os.Getenv("REGISTRY_MAX_RECORDS_PER_KEY"))
	return max(n, 0)
}

// loadMemoryLimit is the soft memory limit of a load when GOMEMLIMIT is not set: past it the
// garbage collector works harder rather than letting the heap grow (the loader's own bounds
// keep the live heap well below it). A load of a million records into a registry of a million
// peaks at 3.4-3.5 GiB under it, within the 4 GiB a load of that size may take; at 3 GiB it
// peaked at 2.9-3.0 GiB and took 3-5 % more time, the collector running more often.
const loadMemoryLimit = 3584 << 20

// loadGCPercent is a load's GOGC when the variable is not set. Most of a load's heap is chunks in
// flight, garbage a few seconds later: letting the heap grow to five times what the last
// collection found live (the soft memory limit still caps it) makes the collector run less often.
// Measured on 1M-row loads (docs/benchmarks.md): 200 instead of Go's 100 took loader CPU from
// 159 s to 148 s; 400 instead of 200, from 65-67 s to 61-62 s for a first load and from 105 s to
// 97 s for a second, peak RSS 3.4-3.5 GiB under the soft limit.
const loadGCPercent = 400

// indexBudget is the bulk loader's in-memory index budget, in bytes, under a soft memory limit:
// half the limit, the rest being the chunks in flight and the garbage collector's headroom; at
// the default 3.5 GiB some 4 million records with their keys. A load into a registry of more
// records runs faster with a larger GOMEMLIMIT: the index then holds them all instead of being
// rebuilt from the database every few chunks. With no limit (GOMEMLIMIT=off) the loader's
// default budget stays.
func indexBudget(limit int64) int64 {
	if limit <= 0 || limit == math.MaxInt64 {
		return registry.DefaultMaxIndexBytes
	}
	return limit / 2
}

type fileSummary struct {
	registry.LoadSummary
	seconds     float64
	rejectsPath string
}

// writeSummary prints the summary of one file: a JSON line for programs, or a sentence when a
// person is watching.
func writeSummary(w io.Writer, name, source string, sum fileSummary, loadErr error) {
	if isTerminal(w) {
		status := "loaded"
		if loadErr != nil {
			status = "FAILED after"
		}
		fmt.Fprintf(w, "%s: %s %s rows in %.1fs: %s new, %s updated, %s unchanged, %s rejected; %s linked, %s new citizens, %s reviews (load %s)\n",
			name, status, thousands(sum.Rows), sum.seconds, thousands(sum.Loaded), thousands(sum.Updated), thousands(sum.Unchanged),
			thousands(sum.Rejected), thousands(sum.Linked), thousands(sum.Created), thousands(sum.Reviews), sum.LoadID)
		if sum.Rejected > 0 {
			fmt.Fprintf(w, "  rejected rows with their line and reason: %s\n", sum.rejectsPath)
		}
		return
	}
	line, _ := json.Marshal(struct {
		File   string `json:"file"`
		Source string `json:"source"`
		registry.LoadSummary
		Seconds float64 `json:"seconds"`
		Rejects string  `json:"rejects_file,omitempty"`
		Failed  bool    `json:"failed,omitempty"`
	}{name, source, sum.LoadSummary, sum.seconds, sum.rejectsPath, loadErr != nil})
	fmt.Fprintln(w, string(line))
}

// rejectsPathFor names the rejects file beside the input: people.csv.gz -> people.rejects.csv.
func rejectsPathFor(name string, ndjson bool) string {
	ext := ".rejects.csv"
	if ndjson {
		ext = ".rejects.ndjson"
	}
	if name == "-" {
		return "stdin" + ext
	}
	base := strings.TrimSuffix(name, ".gz")
	for _, e := range []string{".csv", ".ndjson", ".jsonl", ".json"} {
		base = strings.TrimSuffix(base, e)
	}
	return base + ext
}

func loadFile(ctx context.Context, svc *registry.Service, source, name string, stdin io.Reader, maxRejects, chunkRows int, indexBytes int64, stderr io.Writer) (fileSummary, error) {
	var in io.Reader = stdin
	input, size := "-", int64(0)
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fileSummary{}, err
		}
		defer f.Close()
		in = f
		if input, err = filepath.Abs(name); err != nil {
			return fileSummary{}, err
		}
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			size = fi.Size()
		}
	}
	rw := &rejectsFile{name: name}
	defer rw.close()

	start := time.Now()
	progress := newProgress(stderr, size)
	sum, err := svc.Load(ctx, source, in, registry.LoadOptions{
		Actor:      "load:" + source,
		OnReject:   rw.write,
		MaxRejects: maxRejects,
		Progress:   progress.update,
		Input:      input,
		Size:       size,
		ChunkRows:  chunkRows,

		MaxIndexBytes: indexBytes,
	})
	progress.done()
	if werr := rw.close(); werr != nil && err == nil {
		err = fmt.Errorf("write rejects file: %w", werr)
	}
	out := fileSummary{LoadSummary: sum, seconds: time.Since(start).Seconds()}
	if rw.written > 0 {
		out.rejectsPath = rw.path
	} else if err == nil {
		// An old rejects file of a now clean input would mislead.
		os.Remove(rejectsPathFor(name, false))
		os.Remove(rejectsPathFor(name, true))
	}
	return out, err
}

// rejectsFile writes rejected rows beside the input so that they can be fixed and loaded again
// as they are: for CSV the original columns followed by reject_line and reject_reason (the loader
// ignores reject_* columns), for NDJSON the original object with those two keys added.
type rejectsFile struct {
	name    string
	path    string
	f       *os.File
	bw      *bufio.Writer
	w       *csv.Writer
	written int
}

func (r *rejectsFile) write(rej registry.Reject) error {
	ndjson := rej.Header == nil
	if r.f == nil {
		r.path = rejectsPathFor(r.name, ndjson)
		f, err := os.Create(r.path)
		if err != nil {
			return err
		}
		r.f, r.bw = f, bufio.NewWriterSize(f, 1<<16)
		if !ndjson {
			r.w = csv.NewWriter(r.bw)
			r.w.Write(registry.RejectsHeader(rej.Header))
		}
	}
	r.written++
	if ndjson {
		_, err := r.bw.Write(rej.NDJSON())
		return err
	}
	return r.w.Write(rej.CSVRow(len(rej.Header)))
}

func (r *rejectsFile) close() error {
	if r.f == nil {
		return nil
	}
	var err error
	if r.w != nil {
		r.w.Flush()
		err = r.w.Error()
	}
	err = errors.Join(err, r.bw.Flush(), r.f.Close())
	r.f = nil
	return err
}

// progress draws a one-line progress bar on a terminal (rows, rows/s, ETA) and stays silent
// otherwise: batch jobs read the JSON summary line instead.
type progress struct {
	w     io.Writer
	tty   bool
	total int64
	last  time.Time
	drawn bool
}

func newProgress(w io.Writer, total int64) *progress {
	return &progress{w: w, tty: isTerminal(w), total: total}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(s registry.LoadProgress) {
	if !p.tty || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last, p.drawn = time.Now(), true
	secs := s.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(s.Rows) / secs
	}
	line := ""
	if p.total > 0 {
		frac := min(float64(s.BytesDone)/float64(p.total), 1)
		const width = 24
		done := int(frac * width)
		bar := strings.Repeat("=", done) + strings.Repeat(" ", width-done)
		if done < width {
			bar = bar[:done] + ">" + bar[done+1:]
		}
		eta := "--:--"
		if s.BytesDone > 0 && frac < 1 {
			remain := time.Duration(float64(s.Elapsed) * (1 - frac) / frac)
			eta = clock(remain)
		}
		line = fmt.Sprintf("%3.0f%% [%s] ETA %s  ", 100*frac, bar, eta)
	}
	line += fmt.Sprintf("%s rows  %s rows/s  linked %s  new %s  review %s  rejected %s",
		thousands(s.Rows), thousands(int(rate)), thousands(s.Linked), thousands(s.Created), thousands(s.Reviews), thousands(s.Rejected))
	if ahead := int(s.RowsRead) - s.Rows; ahead > 0 {
		line += fmt.Sprintf("  (%s more read)", thousands(ahead))
	}
	fmt.Fprintf(p.w, "\r%s\x1b[K", line)
}

func (p *progress) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

func clock(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
	if h > 0 {
		return fmt.Sprintf("%d:%02d:%02d", h, m, s)
	}
	return fmt.Sprintf("%d:%02d", m, s)
}

// thousands formats n with thousands separators: 1234567 -> 1,234,567.
func thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}
