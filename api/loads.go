package api

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/adapters/humago"
	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

// Bulk loads over HTTP: upload a person file, get a job ID at once, follow the job, fetch the
// rejected rows. The file is the same as `registry load` takes (CSV with a header, or NDJSON,
// gzip accepted).

// LoadJob is a bulk load as its source follows it.
type LoadJob struct {
	ID     string `json:"id" format:"uuid"`
	Source string `json:"source"`
	State  string `json:"state" enum:"receiving,queued,running,interrupted,done,failed" doc:"interrupted: the process running the job died; any registry process resumes it from its last checkpoint."`
	// The summary so far (committed chunks).
	Rows          int        `json:"rows" doc:"Input rows read into committed chunks, rejected ones included."`
	Loaded        int        `json:"loaded" doc:"New records."`
	Updated       int        `json:"updated" doc:"Records whose content changed: a new version, matched again."`
	Unchanged     int        `json:"unchanged" doc:"Rows whose record already had that content: nothing written."`
	Rejected      int        `json:"rejected" doc:"Rows rejected with a reason (see the rejects link)."`
	Linked        int        `json:"linked"`
	NewCitizens   int        `json:"new_citizens"`
	Reviews       int        `json:"reviews"`
	FlaggedFields int        `json:"flagged_fields" doc:"Field-level problems: loaded, flagged, and ignored as evidence."`
	BytesTotal    int64      `json:"bytes_total" doc:"The uploaded input's size."`
	BytesDone     int64      `json:"bytes_done" doc:"Input consumed by the committed chunks."`
	Progress      float64    `json:"progress" minimum:"0" maximum:"1" doc:"Share of the input committed."`
	RowsPerSecond float64    `json:"rows_per_second" doc:"Committed rows per second since the job started."`
	ETASeconds    float64    `json:"eta_seconds,omitempty" doc:"Estimated seconds until the job is done (running jobs only)."`
	ModelVersion  string     `json:"model_version,omitempty"`
	Error         string     `json:"error,omitempty" doc:"Why a failed job failed (IDs and line numbers only)."`
	CreatedAt     time.Time  `json:"created_at"`
	StartedAt     *time.Time `json:"started_at,omitempty"`
	FinishedAt    *time.Time `json:"finished_at,omitempty"`
	Rejects       string     `json:"rejects" doc:"Path of the rejected rows."`
}

type startLoadInput struct {
	Source string `path:"source" pattern:"^[a-z][a-z0-9_-]{1,31}$" doc:"The source (ministry) code; must be the key's own."`
}

type loadOutput struct {
	Location string `header:"Location"`
	Body     LoadJob
}

type loadInput struct {
	ID string `path:"load_id" format:"uuid"`
}

type loadRejectsInput struct {
	ID    string `path:"load_id" format:"uuid"`
	After int64  `query:"after" minimum:"0" doc:"Return rejected rows with input line numbers above this."`
	Limit int    `query:"limit" minimum:"1" maximum:"100000" default:"10000"`
}

type loadRejectsOutput struct {
	ContentType string `header:"Content-Type"`
	Link        string `header:"Link" doc:"The next page (rel=\"next\"), when there may be one."`
	Body        []byte
}

type ctxUploadKey struct{}

// uploadPath matches the upload operation, whose body is streamed (not capped like the other
// operations' bodies, which are read whole before parsing).
var uploadPath = regexp.MustCompile(`^/v1/sources/[a-z][a-z0-9_-]{1,31}/loads$`)

// streamsBody reports whether a request's body is streamed to its operation.
func streamsBody(r *http.Request) bool {
	return r.Method == http.MethodPost && uploadPath.MatchString(r.URL.Path)
}

func (s *server) registerLoads(api huma.API) {
	tags := []string{"bulk"}
	binary := &huma.Schema{Type: "string", Format: "binary"}
	huma.Register(api, huma.Operation{
		OperationID: "start-load", Method: http.MethodPost, Path: "/v1/sources/{source}/loads", Tags: tags, Security: bearer,
		Summary: "Upload a person file and start a bulk load",
		Description: "Streams the file (CSV with a header or NDJSON with the same keys, gzip accepted) into the registry's " +
			"storage and answers 202 with the job as soon as the upload is complete; the load runs in the background. " +
			"Re-uploading the same file changes nothing. Needs the bulk scope; a source loads only its own records.",
		RequestBody: &huma.RequestBody{Required: true, Content: map[string]*huma.MediaType{
			"text/csv": {Schema: binary}, "application/x-ndjson": {Schema: binary}, "application/gzip": {Schema: binary},
		}},
		DefaultStatus: http.StatusAccepted,
		Errors:        []int{400, 401, 403, 413, 422, 503},
		Middlewares: huma.Middlewares{func(ctx huma.Context, next func(huma.Context)) {
			// A large upload outlives the server's read timeout, which is meant for small bodies.
			_, w := humago.Unwrap(ctx)
			http.NewResponseController(w).SetReadDeadline(time.Now().Add(6 * time.Hour))
			next(huma.WithValue(ctx, ctxUploadKey{}, ctx.BodyReader()))
		}},
	}, s.startLoad)
	huma.Register(api, huma.Operation{
		OperationID: "get-load", Method: http.MethodGet, Path: "/v1/loads/{load_id}", Tags: tags, Security: bearer,
		Summary:     "Follow a bulk load: state, counts, rows per second, ETA",
		Description: "Needs the bulk scope; a source sees only its own loads.",
		Errors:      []int{401, 403, 404, 422, 503},
	}, s.getLoad)
	huma.Register(api, huma.Operation{
		OperationID: "list-load-rejects", Method: http.MethodGet, Path: "/v1/loads/{load_id}/rejects", Tags: tags, Security: bearer,
		Summary: "The rows a bulk load rejected, with line and reason",
		Description: "CSV for a CSV upload (the original columns, then reject_line and reject_reason: fix the rows and " +
			"upload the file again as it is), NDJSON for an NDJSON upload. Pages by input line: follow the Link header.",
		Responses: map[string]*huma.Response{"200": {Description: "Rejected rows", Content: map[string]*huma.MediaType{
			"text/csv": {Schema: &huma.Schema{Type: "string"}}, "application/x-ndjson": {Schema: &huma.Schema{Type: "string"}},
		}}},
		Errors: []int{401, 403, 404, 422, 503},
	}, s.loadRejects)
}

func (s *server) startLoad(ctx context.Context, in *startLoadInput) (*loadOutput, error) {
	body, _ := ctx.Value(ctxUploadKey{}).(io.Reader)
	if body == nil {
		body = bytes.NewReader(nil)
	}
	job, err := s.svc.UploadLoad(ctx, principal(ctx), in.Source, body)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	s.resume(ctx, job.ID)
	return &loadOutput{Location: "/v1/loads/" + job.ID.String(), Body: loadView(job)}, nil
}

// resume runs a load job in the background of this process. The job outlives the request; if
// this process dies, the next status request (to any registry process) resumes it.
func (s *server) resume(ctx context.Context, id uuid.UUID) {
	reqID := requestID(ctx)
	go func() {
		if err := s.svc.RunLoad(context.WithoutCancel(ctx), id); err != nil {
			s.log.Warn("bulk load failed", "load_id", id, "request_id", reqID, "err", err)
		}
	}()
}

func (s *server) getLoad(ctx context.Context, in *loadInput) (*loadOutput, error) {
	if err := principal(ctx).Require(registry.ScopeBulk); err != nil {
		return nil, s.problem(ctx, err) // before looking at the ID: no probing without the scope
	}
	id, err := uuid.Parse(in.ID)
	if err != nil {
		return nil, s.problem(ctx, registry.Invalid("load_id", "is not a UUID"))
	}
	job, err := s.svc.LoadStatus(ctx, principal(ctx), id)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	if (job.State == registry.LoadQueued || job.State == registry.LoadRunning) && !job.Running {
		// Nobody runs it (the process that did died): this process resumes it from its last
		// checkpoint. The job's lock makes this safe if several processes try at once.
		s.resume(ctx, job.ID)
	}
	return &loadOutput{Location: "/v1/loads/" + job.ID.String(), Body: loadView(job)}, nil
}

func loadView(j registry.LoadJob) LoadJob {
	v := LoadJob{
		ID: j.ID.String(), Source: j.Source, State: j.State, Rows: j.Summary.Rows, Loaded: j.Summary.Loaded,
		Updated: j.Summary.Updated, Unchanged: j.Summary.Unchanged, Rejected: j.Summary.Rejected, Linked: j.Summary.Linked,
		NewCitizens: j.Summary.Created, Reviews: j.Summary.Reviews, FlaggedFields: j.Summary.Flagged,
		BytesTotal: j.BytesTotal, BytesDone: j.BytesDone, ModelVersion: j.ModelVersion, Error: j.Error,
		CreatedAt: j.CreatedAt, Rejects: "/v1/loads/" + j.ID.String() + "/rejects",
	}
	if (j.State == registry.LoadRunning || j.State == registry.LoadQueued) && !j.Running && !j.StartedAt.IsZero() {
		v.State = "interrupted"
	}
	if j.BytesTotal > 0 {
		v.Progress = min(float64(j.BytesDone)/float64(j.BytesTotal), 1)
	}
	if j.State == registry.LoadDone {
		v.Progress = 1
	}
	if !j.StartedAt.IsZero() {
		t := j.StartedAt
		v.StartedAt = &t
		end := j.UpdatedAt
		if !j.FinishedAt.IsZero() {
			end = j.FinishedAt
		}
		if secs := end.Sub(j.StartedAt).Seconds(); secs > 0 {
			v.RowsPerSecond = float64(j.Summary.Rows) / secs
			if j.State == registry.LoadRunning && v.Progress > 0 && v.Progress < 1 {
				v.ETASeconds = secs * (1 - v.Progress) / v.Progress
			}
		}
	}
	if !j.FinishedAt.IsZero() {
		t := j.FinishedAt
		v.FinishedAt = &t
	}
	return v
}

func (s *server) loadRejects(ctx context.Context, in *loadRejectsInput) (*loadRejectsOutput, error) {
	if err := principal(ctx).Require(registry.ScopeBulk); err != nil {
		return nil, s.problem(ctx, err) // before looking at the ID: no probing without the scope
	}
	id, err := uuid.Parse(in.ID)
	if err != nil {
		return nil, s.problem(ctx, registry.Invalid("load_id", "is not a UUID"))
	}
	job, rejects, err := s.svc.LoadRejects(ctx, principal(ctx), id, in.After, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &loadRejectsOutput{}
	var buf bytes.Buffer
	if len(job.Header) == 0 {
		out.ContentType = "application/x-ndjson"
		for _, r := range rejects {
			buf.Write(r.NDJSON())
		}
	} else {
		out.ContentType = "text/csv; charset=utf-8"
		w := csv.NewWriter(&buf)
		w.Write(registry.RejectsHeader(job.Header))
		for _, r := range rejects {
			w.Write(r.CSVRow(len(job.Header)))
		}
		w.Flush()
	}
	if len(rejects) == in.Limit {
		out.Link = fmt.Sprintf(`</v1/loads/%s/rejects?after=%d&limit=%d>; rel="next"`, id, rejects[len(rejects)-1].Line, in.Limit)
	}
	out.Body = buf.Bytes()
	return out, nil
}
