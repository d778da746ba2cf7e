package registry

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/fnv"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// RejectPrefix marks the columns a rejects file adds to the original ones; loaders ignore them,
// so a fixed rejects file loads as it is.
const RejectPrefix = "reject_"

// LoadSummary counts what a load did.
type LoadSummary struct {
	LoadID    string `json:"load_id,omitempty"`
	Rows      int    `json:"rows"`
	Loaded    int    `json:"loaded"`
	Unchanged int    `json:"unchanged"`
	Updated   int    `json:"updated"`
	Rejected  int    `json:"rejected"`
	Linked    int    `json:"linked"`
	Created   int    `json:"new_citizens"`
	Reviews   int    `json:"reviews"`
	Flagged   int    `json:"flagged_fields"`
}

func (s *LoadSummary) add(o LoadSummary) {
	s.Rows += o.Rows
	s.Loaded += o.Loaded
	s.Unchanged += o.Unchanged
	s.Updated += o.Updated
	s.Rejected += o.Rejected
	s.Linked += o.Linked
	s.Created += o.Created
	s.Reviews += o.Reviews
	s.Flagged += o.Flagged
}

// Reject is a row that could not be loaded: its line, its original fields and why.
type Reject struct {
	Line   int
	Header []string
	Fields []string
	Reason string
}

// RejectsHeader is the header of a CSV rejects file for an input with these columns: the
// columns, then reject_line and reject_reason.
func RejectsHeader(columns []string) []string {
	return append(slices.Clip(columns), RejectPrefix+"line", RejectPrefix+"reason")
}

// CSVRow is r as a row of a CSV rejects file under RejectsHeader of columns columns: its
// fields, padded to them, then its line and reason.
func (r Reject) CSVRow(columns int) []string {
	row := make([]string, max(columns, len(r.Fields)), max(columns, len(r.Fields))+2)
	copy(row, r.Fields)
	return append(row, strconv.Itoa(r.Line), r.Reason)
}

// NDJSON is r as a line of an NDJSON rejects file: the rejected object with reject_line and
// reject_reason added, or, when the line is not a JSON object, the line kept as reject_raw.
func (r Reject) NDJSON() []byte {
	raw := ""
	if len(r.Fields) > 0 {
		raw = r.Fields[0]
	}
	var obj map[string]any
	dec := json.NewDecoder(strings.NewReader(raw))
	dec.UseNumber()
	if dec.Decode(&obj) != nil || obj == nil {
		obj = map[string]any{RejectPrefix + "raw": raw}
	}
	obj[RejectPrefix+"line"] = r.Line
	obj[RejectPrefix+"reason"] = r.Reason
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.Encode(obj) // a map of strings, numbers and what a JSON decoder made: always encodes
	return buf.Bytes()
}

// LoadOptions tune a load.
type LoadOptions struct {
	// Actor is recorded on the links and events the load creates (default "load:<source>").
	Actor string
	// OnReject receives each rejected row, in input order, including those of chunks an earlier
	// run of the same input already committed (so a rejects file can be written whole); nil
	// drops them (they are still counted).
	OnReject func(Reject) error
	// MaxRejects stops the load with an error once more rows than this were rejected (0: no limit).
	MaxRejects int
	// Progress, if set, is called after every committed chunk and a few times a second.
	Progress func(LoadProgress)
	// Input names the input, so that running the same load again after an interruption resumes
	// it from its last checkpoint: an absolute file path, or "-" (the default) for stdin.
	Input string
	// Size is the input's size in bytes when known, for progress and ETA.
	Size int64
	// ChunkRows is how many input rows go into one transaction and checkpoint (default 25,000).
	ChunkRows int
	// MaxIndexBytes bounds the memory of the loader's in-memory blocking index (default 1.5 GiB,
	// some 3.5 million records with their keys); past it the index is rebuilt from the database.
	// Decisions do not depend on it, only speed and memory.
	MaxIndexBytes int64

	job *LoadJob // run as this existing job (an upload)
}

// DefaultMaxIndexBytes is LoadOptions.MaxIndexBytes' default.
const DefaultMaxIndexBytes = 3 << 29

// DefaultChunkRows is LoadOptions.ChunkRows' default: large enough that per-chunk work (a few
// set-wise reads, one transaction) is amortised, small enough that a resumed load redoes little
// and the chunks in flight hold little memory. Against 50,000, the 1M-row loads of
// docs/benchmarks.md ran 4-8 % faster, the loader's garbage collector having less to trace.
const DefaultChunkRows = 25_000

// LoadProgress is how far a load has come.
type LoadProgress struct {
	// LoadSummary counts the committed rows (of this run and of the runs it resumes).
	LoadSummary
	// RowsRead and BytesRead are how far reading the input has come (ahead of committing).
	RowsRead  int64
	BytesRead int64
	// BytesDone is the input consumed by the committed chunks; BytesTotal the input's size
	// (0 when unknown).
	BytesDone  int64
	BytesTotal int64
	Elapsed    time.Duration
}

// ErrTooManyRejects stops a load that passed LoadOptions.MaxRejects.
var ErrTooManyRejects = errors.New("too many rejected rows")

// Load loads a canonical person file (CSV with a header, or NDJSON with the same keys; gzip
// accepted) into the registry as source's records: the bulk path. Rows are validated as they
// stream in; row-level problems reject the row (with its line and reason) while good rows load,
// and field-level problems are loaded and flagged. Rows are normalised in parallel, matched
// against the registry and against each other in chunks, and written with COPY, one transaction
// and checkpoint per chunk. Every row gets the decision the submit path would give it if the
// rows were submitted one by one in file order, so bulk and single-record loading agree.
//
// Loading the same input again changes nothing. A load interrupted at any point (the process or
// the database killed) leaves only whole chunks behind; running it again with the same Input
// skips the committed chunks (after checking that it reads the same rows) and ends in the state
// an uninterrupted run reaches. Only one load per source runs at a time (ErrConflict otherwise).
//
// Load returns an error only when the load itself failed (unreadable input, database down, too
// many rejects); the summary then counts what was committed.
func (s *Service) Load(ctx context.Context, source string, r io.Reader, opts LoadOptions) (LoadSummary, error) {
	if err := ValidateSourceCode(source); err != nil {
		return LoadSummary{}, err
	}
	if opts.Actor == "" {
		opts.Actor = "load:" + source
	}
	if opts.Input == "" {
		opts.Input = "-"
	}
	if opts.ChunkRows <= 0 {
		opts.ChunkRows = DefaultChunkRows
	}
	if opts.MaxIndexBytes <= 0 {
		opts.MaxIndexBytes = DefaultMaxIndexBytes
	}
	if err := s.store.EnsureSource(ctx, source); err != nil {
		return LoadSummary{}, fmt.Errorf("register source: %w", err)
	}
	bs := s.store.Bulk()
	claim, err := bs.Claim(ctx, "registry-load-source:"+source)
	if errors.Is(err, ErrConflict) {
		return LoadSummary{}, fmt.Errorf("%w: another load of source %s is running", errSourceBusy, source)
	}
	if err != nil {
		return LoadSummary{}, fmt.Errorf("claim source: %w", err)
	}
	defer claim.Release()

	var job LoadJob
	var checkpoints []LoadCheckpoint
	switch {
	case opts.job != nil:
		job = *opts.job
		checkpoints, err = bs.LoadCheckpoints(ctx, job.ID)
	default:
		job, checkpoints, err = bs.ResumableLoad(ctx, source, opts.Input)
		if errors.Is(err, ErrNotFound) {
			job = LoadJob{ID: uuid.New(), Source: source, Input: opts.Input, Kind: LoadKindFile, State: LoadRunning,
				Actor: opts.Actor, BytesTotal: opts.Size}
			err = bs.CreateLoad(ctx, job)
		}
	}
	if err != nil {
		return LoadSummary{}, fmt.Errorf("find load job: %w", err)
	}
	if err := claim.Also(ctx, LoadLockName(job.ID)); err != nil {
		return LoadSummary{}, fmt.Errorf("claim load %s: %w", job.ID, err)
	}
	if opts.job != nil {
		// The job may have been finished by another process between reading and claiming it.
		if now, err := bs.Load(ctx, job.ID); err != nil {
			return LoadSummary{}, fmt.Errorf("read load job: %w", err)
		} else if now.State == LoadDone || now.State == LoadFailed {
			return now.Summary, errJobFinished
		}
	}
	if len(checkpoints) > 0 {
		s.log.Info("resuming bulk load", "load_id", job.ID, "source", source, "chunks_done", len(checkpoints))
	}

	run := &loadRun{s: s, bs: bs, job: job, checkpoints: checkpoints, opts: opts, source: source, start: time.Now()}
	sum, err := run.run(ctx, r)
	sum.LoadID = job.ID.String()
	state, msg := LoadDone, ""
	if err != nil {
		state, msg = LoadFailed, err.Error()
		if errors.Is(err, context.Canceled) {
			state, msg = LoadRunning, "" // interrupted: left to be resumed
		}
	}
	if ferr := bs.FinishLoad(context.WithoutCancel(ctx), job.ID, state, msg); ferr != nil && err == nil {
		err = fmt.Errorf("finish load: %w", ferr)
	}
	return sum, err
}

// errJobFinished reports that a job to run had already finished.
var errJobFinished = errors.New("load job already finished")

// errSourceBusy is the ErrConflict of a load whose source another load is loading.
var errSourceBusy = fmt.Errorf("%w: source busy", ErrConflict)

// LoadLockName names the lock held by the process running a load job.
func LoadLockName(id uuid.UUID) string { return "registry-load-job:" + id.String() }

// loadRun is one run of a load job.
type loadRun struct {
	s           *Service
	bs          BulkStore
	job         LoadJob
	checkpoints []LoadCheckpoint
	opts        LoadOptions
	source      string
	start       time.Time

	rowsRead  atomic.Int64
	bytesRead *countingReader
}

// rawChunk is a chunk of input rows from the reader, in input order.
type rawChunk struct {
	seq  int
	rows []bulkRow
	// rejects are the chunk's rejected rows; summary counts its rows, rejects and repeats (a
	// row identical to an earlier one of the file is counted unchanged and dropped).
	rejects                   []Reject
	summary                   LoadSummary
	rowsThrough, bytesThrough int64
	prefixHash                []byte
	// skip is set when an earlier run committed this very chunk (same rows, same hash).
	skip       bool
	checkpoint LoadCheckpoint
}

func (run *loadRun) run(ctx context.Context, r io.Reader) (LoadSummary, error) {
	s := run.s
	run.bytesRead = &countingReader{r: r}
	rows, err := openRows(run.bytesRead)
	if err != nil {
		return LoadSummary{}, err
	}
	model := s.Model()
	if err := run.bs.StartLoad(ctx, run.job.ID, model.Version, rows.header()); err != nil {
		return LoadSummary{}, fmt.Errorf("start load: %w", err)
	}
	loader := &bulkLoader{
		s: s, bs: run.bs, model: model, bounds: model.Bounds(), source: run.source, actor: run.opts.Actor, job: run.job.ID,
		storeRejects: run.job.Kind == LoadKindUpload, maxPerKey: s.maxCan, idx: newBulkIndex(), maxIndexBytes: run.opts.MaxIndexBytes, inputSize: run.opts.Size,
		reviews: map[int64]Review{}, joined: map[uuid.UUID]bool{},
	}

	parent := ctx
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	// Unbuffered: each stage holds one chunk, which bounds the loader's memory.
	parsed, normalized := make(chan *rawChunk), make(chan *rawChunk)
	var wg sync.WaitGroup
	var parseErr error
	wg.Add(2)
	go func() {
		defer wg.Done()
		defer close(parsed)
		parseErr = run.parse(ctx, rows, parsed)
		if parseErr != nil {
			cancel()
		}
	}()
	go func() {
		defer wg.Done()
		defer close(normalized)
		for ch := range parsed {
			if !ch.skip {
				normalizeChunk(ch, run.bs)
			}
			select {
			case normalized <- ch:
			case <-ctx.Done():
				for range parsed { //nolint:revive // drain so the reader can finish
				}
				return
			}
		}
	}()

	var sum LoadSummary
	var bytesDone int64
	progress := func() {
		if run.opts.Progress != nil {
			run.opts.Progress(LoadProgress{
				LoadSummary: sum, RowsRead: run.rowsRead.Load(), BytesRead: run.bytesRead.n.Load(),
				BytesDone: bytesDone, BytesTotal: run.opts.Size, Elapsed: time.Since(run.start),
			})
		}
	}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	forgotten := false
	var loopErr error
loop:
	for {
		select {
		case ch, ok := <-normalized:
			if !ok {
				break loop
			}
			if ch.skip {
				sum.add(ch.checkpoint.Summary)
				bytesDone = ch.bytesThrough
				progress()
				continue
			}
			if !forgotten && ch.seq <= len(run.checkpoints) {
				// This run's input differs from the interrupted one's from this chunk on.
				s.log.Warn("input differs from the interrupted load's; loading it afresh from here",
					"load_id", run.job.ID, "chunk", ch.seq)
				if err := run.bs.ForgetCheckpoints(ctx, run.job.ID, ch.seq); err != nil {
					loopErr = fmt.Errorf("forget checkpoints: %w", err)
					break loop
				}
			}
			forgotten = true
			// The loader's writes run on the caller's context: a failing reader must not abort
			// the chunk being written.
			done, err := loader.push(parent, ch)
			for _, c := range done {
				sum.add(c.sum)
				bytesDone = c.ch.bytesThrough
			}
			if err != nil {
				loopErr = fmt.Errorf("chunk %d (input lines up to %d): %w", ch.seq, lastLine(ch), err)
				break loop
			}
			if len(done) > 0 {
				progress()
			}
		case <-tick.C:
			progress()
		}
	}
	// The last chunk's write, or the one in flight when something failed.
	done, err := loader.finish(parent)
	for _, c := range done {
		sum.add(c.sum)
		bytesDone = c.ch.bytesThrough
	}
	if err != nil && loopErr == nil {
		loopErr = fmt.Errorf("write last chunk: %w", err)
	}
	cancel()
	for range normalized { //nolint:revive // drain so the pipeline stops
	}
	wg.Wait()
	switch {
	case loopErr != nil && parent.Err() != nil && !errors.Is(loopErr, parent.Err()):
		// Cancelled while a chunk was being written: the store saw its connection dropped, but
		// the cause is the cancellation, and the load is interrupted, not failed.
		return sum, fmt.Errorf("%w: %w", parent.Err(), loopErr)
	case loopErr != nil:
		return sum, loopErr
	case parseErr != nil:
		return sum, parseErr
	}
	progress()
	return sum, parent.Err()
}

func lastLine(ch *rawChunk) int {
	line := 0
	if n := len(ch.rows); n > 0 {
		line = ch.rows[n-1].line
	}
	if n := len(ch.rejects); n > 0 {
		line = max(line, ch.rejects[n-1].Line)
	}
	return line
}

// parse reads the input into chunks of opts.ChunkRows rows: it validates every row, rejects the
// bad ones (in input order), drops repeats, and hashes the input so a re-run can tell whether a
// committed chunk is the one it reads again.
func (run *loadRun) parse(ctx context.Context, rows rowReader, out chan<- *rawChunk) error {
	opts := run.opts
	seen := map[[16]byte]uint64{} // local ID -> content fingerprint, to catch conflicting duplicates
	h := sha256.New()
	var total int64
	rejected := 0
	mismatch := false
	ch := &rawChunk{seq: 1}
	flush := func() error {
		ch.rowsThrough, ch.bytesThrough, ch.prefixHash = total, run.bytesRead.n.Load(), h.Sum(nil)
		if !mismatch && ch.seq <= len(run.checkpoints) {
			cp := run.checkpoints[ch.seq-1]
			if cp.RowsThrough == total && bytes.Equal(cp.PrefixHash, ch.prefixHash) {
				ch.skip, ch.checkpoint, ch.rows = true, cp, nil
			} else {
				mismatch = true
			}
		}
		select {
		case out <- ch:
		case <-ctx.Done():
			return ctx.Err()
		}
		ch = &rawChunk{seq: ch.seq + 1}
		return nil
	}
	reject := func(row fileRow, reason string) error {
		rej := Reject{Line: row.line, Header: rows.header(), Fields: row.fields, Reason: reason}
		ch.rejects = append(ch.rejects, rej)
		ch.summary.Rejected++
		rejected++
		if opts.OnReject != nil {
			if err := opts.OnReject(rej); err != nil {
				return fmt.Errorf("write reject: %w", err)
			}
		}
		if opts.MaxRejects > 0 && rejected > opts.MaxRejects {
			return fmt.Errorf("%w: more than %d", ErrTooManyRejects, opts.MaxRejects)
		}
		return nil
	}
	var rowBytes []byte
	for {
		row, err := rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		total++
		run.rowsRead.Store(total)
		ch.summary.Rows++
		rowBytes = hashRow(h, rowBytes, row.fields)
		if reason := validateRow(&row); reason != "" {
			if err := reject(row, reason); err != nil {
				return err
			}
		} else {
			k, fp := localKey(row.localID), fingerprint(row.person)
			if prev, ok := seen[k]; ok {
				if prev != fp {
					if err := reject(row, "local_id appears earlier in this file with different content"); err != nil {
						return err
					}
				} else {
					ch.summary.Unchanged++
				}
			} else {
				seen[k] = fp
				if ch.rows == nil {
					// Rows are large structs: appended to a growing slice they would be copied
					// over and over, so a chunk gets room for (nearly) all of them at once.
					ch.rows = make([]bulkRow, 0, min(opts.ChunkRows, 1<<17))
				}
				ch.rows = append(ch.rows, bulkRow{line: row.line, localID: row.localID, person: row.person})
			}
		}
		if ch.summary.Rows == opts.ChunkRows {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if ch.summary.Rows > 0 {
		return flush()
	}
	return nil
}

// validateRow applies the row-level checks (the row is rejected) and trims the row; it returns
// the reason for a reject, "" for a good row.
func validateRow(row *fileRow) string {
	if row.err != "" {
		return row.err
	}
	row.localID = strings.TrimSpace(row.localID)
	if row.localID == "" {
		return "local_id is empty"
	}
	if err := ValidateLocalID(row.localID); err != nil {
		return err.Error()
	}
	row.person = row.person.Trimmed()
	if err := row.person.CheckStructure(); err != nil {
		return err.Error()
	}
	if err := requireIdentity(row.person); err != nil {
		return err.Error()
	}
	return ""
}

// hashRow adds a row's original fields to the input hash, laid out in buf (returned for reuse).
func hashRow(h hash.Hash, buf []byte, fields []string) []byte {
	buf = buf[:0]
	for _, f := range fields {
		buf = append(buf, f...)
		buf = append(buf, 0x1f)
	}
	buf = append(buf, 0x1e)
	h.Write(buf)
	return buf
}

func localKey(id string) [16]byte {
	h := fnv.New128a()
	h.Write([]byte(id))
	var k [16]byte
	h.Sum(k[:0])
	return k
}

// fingerprint identifies a (trimmed) person's content within one file.
func fingerprint(p Person) uint64 {
	h := fnv.New64a()
	for _, f := range PersonFields {
		h.Write([]byte(p.Field(f)))
		h.Write([]byte{0x1f})
	}
	return h.Sum64()
}

// normalizeChunk normalises a chunk's rows on every CPU, with their blocking keys in the
// store's form.
func normalizeChunk(ch *rawChunk, bs BulkStore) {
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	per := (len(ch.rows) + workers - 1) / workers
	for w := range workers {
		lo, hi := w*per, min((w+1)*per, len(ch.rows))
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				r := &ch.rows[i]
				r.norm, r.issues = matching.Normalize(r.person.MatchingRecord())
				r.sketch = r.norm.Sketch()
				r.hash = r.person.ContentHash()
				r.keys = bs.IndexKeys(matching.BlockingKeys(r.norm))
			}
		}()
	}
	wg.Wait()
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}

type fileRow struct {
	line    int
	fields  []string // the original fields, for the rejects file
	localID string
	person  Person
	err     string // a row-level problem
}

type rowReader interface {
	next() (fileRow, error)
	header() []string
}

// openRows sniffs gzip and the format: a first non-space byte '{' means NDJSON, else CSV.
func openRows(r io.Reader) (rowReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, fmt.Errorf("read gzip input: %w", err)
		}
		br = bufio.NewReaderSize(zr, 1<<16)
	}
	for {
		b, err := br.Peek(1)
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, errors.New("the input is empty")
			}
			return nil, err
		}
		if b[0] == ' ' || b[0] == '\n' || b[0] == '\r' || b[0] == '\t' {
			br.ReadByte()
			continue
		}
		if b[0] == '{' {
			return &ndjsonRows{br: br}, nil
		}
		return newCSVRows(br)
	}
}

type csvRows struct {
	r    *csvReader
	cols []string
	idx  []int // column index -> 0 for local_id, 1+i for PersonFields[i], -1 ignored
}

func newCSVRows(r io.Reader) (*csvRows, error) {
	cr := newCSVReader(r)
	head, _, err := cr.read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	c := &csvRows{r: cr, cols: head, idx: make([]int, len(head))}
	var unknown []string
	have := map[string]bool{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		c.idx[i] = -1
		switch {
		case h == "local_id" || slices.Contains(PersonFields, h):
			if have[h] {
				return nil, fmt.Errorf("CSV header: column %q appears twice", h)
			}
			have[h] = true
			c.idx[i] = slices.Index(PersonFields, h) + 1 // local_id: -1 + 1 = 0
		case h == "source" || strings.HasPrefix(h, RejectPrefix):
			// the source comes from --source; reject columns are ours
		default:
			unknown = append(unknown, h)
		}
	}
	if !have["local_id"] {
		return nil, errors.New("CSV header: no local_id column")
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("CSV header: unknown columns %s (known: local_id,%s)", strings.Join(unknown, ","), strings.Join(PersonFields, ","))
	}
	return c, nil
}

func (c *csvRows) header() []string { return c.cols }

func (c *csvRows) next() (fileRow, error) {
	rec, line, err := c.r.read()
	if errors.Is(err, io.EOF) {
		return fileRow{}, io.EOF
	}
	var pe *csvParseError
	if errors.As(err, &pe) {
		return fileRow{line: pe.line, fields: rec, err: "malformed CSV: " + pe.msg}, nil
	}
	if err != nil {
		return fileRow{}, fmt.Errorf("read CSV: %w", err)
	}
	row := fileRow{line: line, fields: rec}
	if len(rec) != len(c.cols) {
		row.err = fmt.Sprintf("has %d fields, the header has %d", len(rec), len(c.cols))
		return row, nil
	}
	for i, f := range rec {
		if !utf8.ValidString(f) {
			row.err = "contains bytes that are not valid UTF-8"
			return row, nil
		}
		switch j := c.idx[i]; {
		case j == 0:
			row.localID = f
		case j > 0:
			row.person.SetField(PersonFields[j-1], f)
		}
	}
	return row, nil
}

type ndjsonRows struct {
	br   *bufio.Reader
	line int
}

func (n *ndjsonRows) header() []string { return nil }

func (n *ndjsonRows) next() (fileRow, error) {
	for {
		b, err := n.br.ReadBytes('\n')
		if len(b) == 0 && errors.Is(err, io.EOF) {
			return fileRow{}, io.EOF
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return fileRow{}, fmt.Errorf("read NDJSON: %w", err)
		}
		n.line++
		b = bytes.TrimSpace(b)
		if len(b) == 0 {
			continue
		}
		row := fileRow{line: n.line, fields: []string{string(b)}}
		if !utf8.Valid(b) {
			row.err = "contains bytes that are not valid UTF-8"
			return row, nil
		}
		var m map[string]any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if err := dec.Decode(&m); err != nil {
			row.err = "invalid JSON: " + err.Error()
			return row, nil
		}
		for k, v := range m {
			s, ok := v.(string)
			if !ok && v != nil {
				if num, isNum := v.(json.Number); isNum {
					s = num.String() // NIKs and phones sometimes arrive as numbers
				} else {
					row.err = fmt.Sprintf("field %q must be a string", k)
					return row, nil
				}
			}
			switch {
			case k == "local_id":
				row.localID = s
			case k == "source" || strings.HasPrefix(k, RejectPrefix):
			case !row.person.SetField(k, s):
				row.err = fmt.Sprintf("unknown field %q", k)
				return row, nil
			}
		}
		return row, nil
	}
}
