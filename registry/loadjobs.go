package registry

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
)

// Bulk loads over HTTP: an uploaded file is stored in the database as it streams in, then run as
// a load job by the process that received it. Storing the input (rather than streaming it into
// the loader) is what makes the job independent of the upload's connection and of the process:
// if the process dies, any registry process can resume the job from its last checkpoint
// (ResumeLoads), and the uploader follows it with LoadStatus.

// uploadPartSize is the size of the parts an upload is stored in.
const uploadPartSize = 1 << 20

// MaxUploadBytes caps one upload (a 10-million-row file is about 2 GB; gzip it).
const MaxUploadBytes int64 = 8 << 30

// UploadLoad stores an uploaded person file (CSV or NDJSON, gzip accepted) as a new load job of
// source and returns the job, queued: run it with RunLoad. It needs the bulk scope; a source
// loads only its own records. A broken upload fails the job and returns the read error.
func (s *Service) UploadLoad(ctx context.Context, p Principal, source string, body io.Reader) (LoadJob, error) {
	if err := p.Require(ScopeBulk); err != nil {
		return LoadJob{}, err
	}
	if p.Source != source && !p.Has(ScopeAdmin) {
		return LoadJob{}, fmt.Errorf("%w: a source loads only its own records", ErrForbidden)
	}
	if err := ValidateSourceCode(source); err != nil {
		return LoadJob{}, err
	}
	if err := s.store.EnsureSource(ctx, source); err != nil {
		return LoadJob{}, fmt.Errorf("register source: %w", err)
	}
	bs := s.store.Bulk()
	job := LoadJob{ID: uuid.New(), Source: source, Input: "upload", Kind: LoadKindUpload, State: LoadReceiving,
		Actor: "load:" + source}
	if err := bs.CreateLoad(ctx, job); err != nil {
		return LoadJob{}, fmt.Errorf("create load: %w", err)
	}
	fail := func(err error) (LoadJob, error) {
		if ferr := bs.FinishLoad(context.WithoutCancel(ctx), job.ID, LoadFailed, "upload not received: "+err.Error()); ferr != nil {
			s.log.Warn("mark upload failed", "load_id", job.ID, "err", ferr)
		}
		bs.DropLoadParts(context.WithoutCancel(ctx), job.ID)
		return LoadJob{}, err
	}
	buf := make([]byte, uploadPartSize)
	var size int64
	for seq := 1; ; seq++ {
		n, err := io.ReadFull(body, buf)
		if n > 0 {
			size += int64(n)
			if size > MaxUploadBytes {
				return fail(Invalid("body", "the upload is larger than %d bytes", MaxUploadBytes))
			}
			if perr := bs.AppendLoadPart(ctx, job.ID, seq, buf[:n]); perr != nil {
				return fail(fmt.Errorf("store upload: %w", perr))
			}
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			break
		}
		if err != nil {
			return fail(fmt.Errorf("read upload: %w", err))
		}
	}
	if size == 0 {
		return fail(Invalid("body", "the upload is empty"))
	}
	if err := bs.SetUploadSize(ctx, job.ID, size, LoadQueued); err != nil {
		return fail(fmt.Errorf("queue load: %w", err))
	}
	job.State, job.BytesTotal = LoadQueued, size
	return job, nil
}

// RunLoad runs an uploaded load job to its end in this process, resuming it from its last
// checkpoint if it was interrupted. It returns at once, with no error, when the job is finished
// or another process runs it.
func (s *Service) RunLoad(ctx context.Context, id uuid.UUID) error {
	bs := s.store.Bulk()
	for {
		job, err := bs.Load(ctx, id)
		if err != nil {
			return fmt.Errorf("run load %s: %w", id, err)
		}
		if job.Kind != LoadKindUpload || job.State == LoadDone || job.State == LoadFailed || job.State == LoadReceiving || job.Running {
			return nil
		}
		r := &partsReader{ctx: ctx, bs: bs, id: id}
		_, err = s.Load(ctx, job.Source, r, LoadOptions{Actor: job.Actor, Size: job.BytesTotal, job: &job})
		switch {
		case errors.Is(err, errSourceBusy):
			// Another load of the same source runs: one at a time, so wait for it.
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(2 * time.Second):
			}
			continue
		case errors.Is(err, errJobFinished), errors.Is(err, ErrConflict):
			return nil // finished, or claimed by another process, meanwhile
		case err != nil:
			return fmt.Errorf("run load %s: %w", id, err)
		}
		// The input is no longer needed: the records are in the registry, the rejects kept apart.
		if err := bs.DropLoadParts(context.WithoutCancel(ctx), id); err != nil {
			s.log.Warn("drop uploaded input", "load_id", id, "err", err)
		}
		return nil
	}
}

// ResumeLoads runs the upload jobs that are queued or were interrupted (their process died),
// one after another, until ctx ends. Servers call it when they start.
func (s *Service) ResumeLoads(ctx context.Context) error {
	ids, err := s.store.Bulk().UnfinishedUploads(ctx)
	if err != nil {
		return fmt.Errorf("list unfinished loads: %w", err)
	}
	for _, id := range ids {
		if err := s.RunLoad(ctx, id); err != nil {
			s.log.Warn("resume load", "load_id", id, "err", err)
		}
	}
	return ctx.Err()
}

// LoadStatus returns a load job as its source sees it: state, counts and progress. It needs the
// bulk scope; another source's job is ErrNotFound.
func (s *Service) LoadStatus(ctx context.Context, p Principal, id uuid.UUID) (LoadJob, error) {
	if err := p.Require(ScopeBulk); err != nil {
		return LoadJob{}, err
	}
	job, err := s.store.Bulk().Load(ctx, id)
	if err != nil {
		return LoadJob{}, fmt.Errorf("read load: %w", err)
	}
	if job.Source != p.Source && !p.Has(ScopeAdmin) {
		return LoadJob{}, fmt.Errorf("read load: %w", ErrNotFound)
	}
	return job, nil
}

// LoadRejects returns up to limit rejected rows of an uploaded load after line after, in line
// order, with the job (whose Header names the columns of CSV rows). Same access rule as
// LoadStatus.
func (s *Service) LoadRejects(ctx context.Context, p Principal, id uuid.UUID, after int64, limit int) (LoadJob, []Reject, error) {
	job, err := s.LoadStatus(ctx, p, id)
	if err != nil {
		return LoadJob{}, nil, err
	}
	if limit < 1 || limit > 100_000 {
		return LoadJob{}, nil, Invalid("limit", "must be between 1 and 100000")
	}
	rs, err := s.store.Bulk().LoadRejects(ctx, id, after, limit)
	if err != nil {
		return LoadJob{}, nil, fmt.Errorf("read rejects: %w", err)
	}
	for i := range rs {
		rs[i].Header = job.Header
	}
	return job, rs, nil
}

// partsReader reads an upload back from its stored parts.
type partsReader struct {
	ctx context.Context
	bs  BulkStore
	id  uuid.UUID
	seq int
	buf []byte
	eof bool
}

func (r *partsReader) Read(p []byte) (int, error) {
	for len(r.buf) == 0 {
		if r.eof {
			return 0, io.EOF
		}
		r.seq++
		b, err := r.bs.LoadPart(r.ctx, r.id, r.seq)
		if errors.Is(err, ErrNotFound) {
			r.eof = true
			continue
		}
		if err != nil {
			return 0, fmt.Errorf("read uploaded input: %w", err)
		}
		r.buf = b
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}
