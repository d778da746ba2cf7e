package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// AccessLogEntry is one line of a citizen's view of who read their data.
type AccessLogEntry struct {
	At          time.Time `json:"at"`
	Institution string    `json:"institution" doc:"The source (ministry) that read the data."`
	Purpose     string    `json:"purpose"`
	Operation   string    `json:"operation" doc:"resolve, read, match or review."`
	Fields      []string  `json:"fields" doc:"Which fields were read (never their values)."`
}

// AccessLogResponse is a page of a citizen's access log.
type AccessLogResponse struct {
	Entries    []AccessLogEntry `json:"entries"`
	NextOffset int              `json:"next_offset,omitempty"`
}

type accessLogInput struct {
	CitizenPath
	Limit  int `query:"limit" minimum:"1" maximum:"1000" default:"100"`
	Offset int `query:"offset" minimum:"0"`
}

func (s *server) registerCitizenPortal(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "citizen-access-log", Method: http.MethodGet, Path: "/v1/citizens/{citizen_id}/access-log",
		Tags: []string{"citizens"}, Security: bearer,
		Summary: "Who read this citizen's data, when and why (the citizen's own view)",
		Description: "For the citizen portal (scope citizen-portal), which authenticates the citizen. Newest first; " +
			"includes reads of IDs merged into this citizen; entries marked confidential appear from their disclosure date.",
		Errors: []int{401, 403, 404, 422},
	}, s.citizenAccessLog)
}

func (s *server) citizenAccessLog(ctx context.Context, in *accessLogInput) (*struct{ Body AccessLogResponse }, error) {
	id, err := parseID("path.citizen_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	rows, err := s.svc.CitizenAccessLog(ctx, principal(ctx), id, in.Limit, in.Offset)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct{ Body AccessLogResponse }{Body: AccessLogResponse{Entries: make([]AccessLogEntry, len(rows))}}
	for i, r := range rows {
		out.Body.Entries[i] = AccessLogEntry{At: r.At, Institution: r.Institution, Purpose: r.Purpose, Operation: r.Operation, Fields: r.Fields}
	}
	if len(rows) == in.Limit {
		out.Body.NextOffset = in.Offset + in.Limit
	}
	return out, nil
}
