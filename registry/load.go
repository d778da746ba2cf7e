package registry

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// RejectPrefix marks the columns a rejects file adds to the original ones; loaders ignore them,
// so a fixed rejects file loads as it is.
const RejectPrefix = "reject_"

// LoadSummary counts what a load did.
type LoadSummary struct {
	Rows      int `json:"rows"`
	Loaded    int `json:"loaded"`
	Unchanged int `json:"unchanged"`
	Updated   int `json:"updated"`
	Rejected  int `json:"rejected"`
	Linked    int `json:"linked"`
	Created   int `json:"new_citizens"`
	Reviews   int `json:"reviews"`
	Flagged   int `json:"flagged_fields"`
}

// Reject is a row that could not be loaded: its line, its original fields and why.
type Reject struct {
	Line   int
	Header []string
	Fields []string
	Reason string
}

// LoadOptions tune a load.
type LoadOptions struct {
	// Actor is recorded on the links and events the load creates.
	Actor string
	// OnReject receives each rejected row; nil drops them (they are still counted).
	OnReject func(Reject) error
	// MaxRejects stops the load with an error once more rows than this were rejected (0: no limit).
	MaxRejects int
	// Progress, if set, is called after every row.
	Progress func(LoadSummary)
}

// ErrTooManyRejects stops a load that passed LoadOptions.MaxRejects.
var ErrTooManyRejects = errors.New("too many rejected rows")

// Load streams a canonical person file (CSV with a header, or NDJSON with the same keys; gzip
// accepted) into the registry as source's records, one record at a time through the same path as
// the API. Row-level problems reject the row (with its line and reason) while good rows load;
// field-level problems are loaded and flagged. It returns an error only when the load itself
// failed (unreadable input, database down, too many rejects).
func (s *Service) Load(ctx context.Context, source string, r io.Reader, opts LoadOptions) (LoadSummary, error) {
	var sum LoadSummary
	if err := ValidateSourceCode(source); err != nil {
		return sum, err
	}
	if err := s.store.EnsureSource(ctx, source); err != nil {
		return sum, fmt.Errorf("register source: %w", err)
	}
	if opts.Actor == "" {
		opts.Actor = "load:" + source
	}
	rows, err := openRows(r)
	if err != nil {
		return sum, err
	}
	seen := map[string][8]byte{} // local_id -> content fingerprint, to catch conflicting duplicates
	reject := func(row fileRow, reason string) error {
		sum.Rejected++
		if opts.OnReject != nil {
			if err := opts.OnReject(Reject{Line: row.line, Header: rows.header(), Fields: row.fields, Reason: reason}); err != nil {
				return fmt.Errorf("write reject: %w", err)
			}
		}
		if opts.MaxRejects > 0 && sum.Rejected > opts.MaxRejects {
			return fmt.Errorf("%w: more than %d", ErrTooManyRejects, opts.MaxRejects)
		}
		return nil
	}
	for {
		row, err := rows.next()
		if errors.Is(err, io.EOF) {
			return sum, nil
		}
		if err != nil {
			return sum, err
		}
		sum.Rows++
		if row.err != "" {
			if err := reject(row, row.err); err != nil {
				return sum, err
			}
			continue
		}
		localID := strings.TrimSpace(row.localID)
		if localID == "" {
			if err := reject(row, "local_id is empty"); err != nil {
				return sum, err
			}
			continue
		}
		fp := fingerprint(row.person)
		if prev, ok := seen[localID]; ok {
			if prev != fp {
				if err := reject(row, "local_id appears earlier in this file with different content"); err != nil {
					return sum, err
				}
			} else {
				sum.Unchanged++
			}
			continue
		}
		seen[localID] = fp
		res, err := s.Ingest(ctx, opts.Actor, source, localID, row.person)
		var ve *ValidationError
		if errors.As(err, &ve) {
			if err := reject(row, ve.Error()); err != nil {
				return sum, err
			}
			continue
		}
		if err != nil {
			return sum, fmt.Errorf("line %d: %w", row.line, err)
		}
		sum.count(res)
		if opts.Progress != nil {
			opts.Progress(sum)
		}
	}
}

func (sum *LoadSummary) count(res SubmitResult) {
	switch {
	case res.Unchanged:
		sum.Unchanged++
		return
	case res.Version > 1:
		sum.Updated++
	default:
		sum.Loaded++
	}
	switch res.Outcome {
	case OutcomeLinked:
		sum.Linked++
	case OutcomeCreated:
		sum.Created++
	case OutcomeReview:
		sum.Reviews++
	}
	sum.Flagged += len(res.Issues)
}

func fingerprint(p Person) [8]byte {
	b, _ := json.Marshal(p.Trimmed())
	h := sha256.Sum256(b)
	return [8]byte(h[:8])
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
	r    *csv.Reader
	cols []string
	idx  map[string]int
}

func newCSVRows(r io.Reader) (*csvRows, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1 // checked per row, so a bad row is rejected rather than ending the load
	cr.ReuseRecord = false
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read CSV header: %w", err)
	}
	c := &csvRows{r: cr, cols: head, idx: map[string]int{}}
	var unknown []string
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		switch {
		case h == "local_id" || slices.Contains(PersonFields, h):
			if _, dup := c.idx[h]; dup {
				return nil, fmt.Errorf("CSV header: column %q appears twice", h)
			}
			c.idx[h] = i
		case h == "source" || strings.HasPrefix(h, RejectPrefix):
			// the source comes from --source; reject columns are ours
		default:
			unknown = append(unknown, h)
		}
	}
	if _, ok := c.idx["local_id"]; !ok {
		return nil, errors.New("CSV header: no local_id column")
	}
	if len(unknown) > 0 {
		return nil, fmt.Errorf("CSV header: unknown columns %s (known: local_id,%s)", strings.Join(unknown, ","), strings.Join(PersonFields, ","))
	}
	return c, nil
}

func (c *csvRows) header() []string { return c.cols }

func (c *csvRows) next() (fileRow, error) {
	rec, err := c.r.Read()
	if errors.Is(err, io.EOF) {
		return fileRow{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fileRow{line: pe.StartLine, fields: rec, err: "malformed CSV: " + pe.Err.Error()}, nil
	}
	if err != nil {
		return fileRow{}, fmt.Errorf("read CSV: %w", err)
	}
	line, _ := c.r.FieldPos(0)
	row := fileRow{line: line, fields: rec}
	if len(rec) != len(c.cols) {
		row.err = fmt.Sprintf("has %d fields, the header has %d", len(rec), len(c.cols))
		return row, nil
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			row.err = "contains bytes that are not valid UTF-8"
			return row, nil
		}
	}
	for name, i := range c.idx {
		if name == "local_id" {
			row.localID = rec[i]
		} else {
			row.person.SetField(name, rec[i])
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
