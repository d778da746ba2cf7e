package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
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
	log := newLogger(stderr, slog.LevelWarn)
	db, err := openDB(ctx, d, log, false)
	if err != nil {
		return err
	}
	defer db.close(ctx)
	svc := db.service(log)

	for _, name := range files {
		sum, err := loadFile(ctx, svc, *source, name, stdin, *maxRejects, stderr)
		line, _ := json.Marshal(struct {
			File   string `json:"file"`
			Source string `json:"source"`
			registry.LoadSummary
			Seconds float64 `json:"seconds"`
		}{name, *source, sum.LoadSummary, sum.seconds})
		fmt.Fprintln(stdout, string(line))
		if err != nil {
			return fmt.Errorf("load %s: %w", name, err)
		}
	}
	return nil
}

type fileSummary struct {
	registry.LoadSummary
	seconds float64
}

func loadFile(ctx context.Context, svc *registry.Service, source, name string, stdin io.Reader, maxRejects int, stderr io.Writer) (fileSummary, error) {
	var in io.Reader = stdin
	rejectsPath := "stdin.rejects.csv"
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return fileSummary{}, err
		}
		defer f.Close()
		in = f
		rejectsPath = strings.TrimSuffix(strings.TrimSuffix(name, ".gz"), ".csv")
		rejectsPath = strings.TrimSuffix(rejectsPath, ".ndjson") + ".rejects.csv"
	}
	rw := &rejectsFile{path: rejectsPath}
	defer rw.close()

	start := time.Now()
	progress := newProgress(stderr)
	sum, err := svc.Load(ctx, source, in, registry.LoadOptions{
		Actor:      "load:" + source,
		OnReject:   rw.write,
		MaxRejects: maxRejects,
		Progress:   progress.update,
	})
	progress.done()
	if sum.Rejected > 0 {
		fmt.Fprintf(stderr, "%d rejected rows written to %s\n", sum.Rejected, rejectsPath)
	} else {
		os.Remove(rejectsPath) // an old rejects file of a now clean input would mislead
	}
	return fileSummary{sum, time.Since(start).Seconds()}, err
}

// rejectsFile writes rejected rows beside the input, with their original columns first so the
// file can be fixed and loaded again as it is (the loader ignores reject_* columns).
type rejectsFile struct {
	path string
	f    *os.File
	w    *csv.Writer
}

func (r *rejectsFile) write(rej registry.Reject) error {
	if r.w == nil {
		f, err := os.Create(r.path)
		if err != nil {
			return err
		}
		r.f, r.w = f, csv.NewWriter(f)
		header := append([]string{}, rej.Header...)
		if header == nil {
			header = []string{"ndjson"}
		}
		r.w.Write(append(header, registry.RejectPrefix+"line", registry.RejectPrefix+"reason"))
	}
	fields := append([]string{}, rej.Fields...)
	for len(fields) < len(rej.Header) {
		fields = append(fields, "")
	}
	return r.w.Write(append(fields, strconv.Itoa(rej.Line), rej.Reason))
}

func (r *rejectsFile) close() {
	if r.w != nil {
		r.w.Flush()
		r.f.Close()
	}
}

// progress draws a one-line progress report on a terminal and stays silent otherwise (batch jobs
// read the JSON summary line instead).
type progress struct {
	w     io.Writer
	tty   bool
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			p.tty = true
		}
	}
	return p
}

func (p *progress) update(s registry.LoadSummary) {
	if !p.tty || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	rate := float64(s.Rows) / time.Since(p.start).Seconds()
	fmt.Fprintf(p.w, "\r%d rows  %.0f rows/s  linked %d  new %d  review %d  rejected %d ",
		s.Rows, rate, s.Linked, s.Created, s.Reviews, s.Rejected)
}

func (p *progress) done() {
	if p.tty && !p.last.IsZero() {
		fmt.Fprintln(p.w)
	}
}
