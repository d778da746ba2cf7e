package api

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

var bearer = []map[string][]string{{"bearer": {}}}

// ReadHeaders are carried by every read of citizen data and written to the access log.
type ReadHeaders struct {
	Purpose           string    `header:"X-Purpose" required:"true" minLength:"1" maxLength:"200" doc:"Why the data is read (e.g. a service or case type); shown to the citizen."`
	EndUser           string    `header:"X-End-User" required:"true" minLength:"1" maxLength:"200" doc:"The ministry's own ID of the person or system reading."`
	ConfidentialUntil time.Time `header:"X-Confidential-Until" doc:"Withhold this read from the citizen's view until then (e.g. an investigation); needs a confidential grant."`
}

type submitInput struct {
	Source  string `path:"source" pattern:"^[a-z][a-z0-9_-]{1,31}$" doc:"The source (ministry) code; must be the key's own."`
	LocalID string `path:"local_id" minLength:"1" maxLength:"128" doc:"The source's own ID of the person."`
	Body    PersonBody
}

type submitOutput struct {
	Status int
	Body   SubmitResponse
}

type resolveInput struct {
	Source  string `path:"source" pattern:"^[a-z][a-z0-9_-]{1,31}$"`
	LocalID string `path:"local_id" minLength:"1" maxLength:"128"`
	ReadHeaders
}

type resolveOutput struct{ Body RecordResponse }

type citizenInput struct {
	ID string `path:"citizen_id" format:"uuid" doc:"A citizen ID; a retired ID answers with its survivor."`
	ReadHeaders
}

type citizenOutput struct{ Body CitizenResponse }

type matchInput struct {
	ReadHeaders
	Body PersonBody
}

type matchOutput struct{ Body MatchResponse }

type eventsInput struct {
	After int64 `query:"after" minimum:"0" doc:"Return events with seq greater than this."`
	Limit int   `query:"limit" minimum:"1" maximum:"1000" default:"100"`
}

type eventsOutput struct{ Body EventsResponse }

type healthOutput struct {
	Body struct {
		Status string `json:"status"`
	}
}

func (s *server) register(api huma.API) {
	huma.Register(api, huma.Operation{
		OperationID: "submit-record", Method: http.MethodPut, Path: "/v1/sources/{source}/records/{local_id}",
		Summary: "Submit a source record", Tags: []string{"records"}, Security: bearer,
		Description: "Registers or updates a source's record of a person and links it to a national citizen ID. " +
			"Identical content is a no-op with the same answer. Needs the submit scope; a source writes only its own records.",
		DefaultStatus: http.StatusOK,
		Errors:        []int{401, 403, 409, 413, 422, 503},
	}, s.submit)

	huma.Register(api, huma.Operation{
		OperationID: "resolve-record", Method: http.MethodGet, Path: "/v1/sources/{source}/records/{local_id}",
		Summary: "Resolve a local ID to its citizen ID", Tags: []string{"records"}, Security: bearer,
		Description: "Needs the resolve scope; a source resolves only its own local IDs. Follows merges.",
		Errors:      []int{401, 403, 404, 422, 503},
	}, s.resolve)

	huma.Register(api, huma.Operation{
		OperationID: "get-citizen", Method: http.MethodGet, Path: "/v1/citizens/{citizen_id}",
		Summary: "Read a citizen's golden record", Tags: []string{"citizens"}, Security: bearer,
		Description: "The best value of each field with its provenance. A retired ID answers with its survivor. " +
			"Needs the read scope; a source reads only citizens it holds a record of.",
		Errors: []int{401, 403, 404, 422, 503},
	}, s.citizen)

	huma.Register(api, huma.Operation{
		OperationID: "match", Method: http.MethodPost, Path: "/v1/match",
		Summary: "Find candidate citizens for a person (writes nothing)", Tags: []string{"matching"}, Security: bearer,
		Description: "Scores a person against the registry and ranks candidate citizens with explanations. " +
			"Needs a NIK, or a name with a birth date. Needs the match scope.",
		Errors: []int{401, 403, 422, 503},
	}, s.match)

	huma.Register(api, huma.Operation{
		OperationID: "list-events", Method: http.MethodGet, Path: "/v1/events",
		Summary: "Read the change stream", Tags: []string{"events"}, Security: bearer,
		Description: "Events in sequence order; sequence order is commit order, so polling with ?after= never misses one. Needs the admin scope.",
		Errors:      []int{401, 403, 422, 503},
	}, s.events)

	s.registerSteward(api)
	s.registerLoads(api)
	s.registerCitizenPortal(api)

	huma.Register(api, huma.Operation{
		OperationID: "healthz", Method: http.MethodGet, Path: "/healthz", Summary: "Liveness", Tags: []string{"health"},
	}, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		out := &healthOutput{}
		out.Body.Status = "ok"
		return out, nil
	})

	huma.Register(api, huma.Operation{
		OperationID: "readyz", Method: http.MethodGet, Path: "/readyz", Summary: "Readiness: the database answers",
		Tags: []string{"health"}, Errors: []int{503},
	}, func(ctx context.Context, _ *struct{}) (*healthOutput, error) {
		if err := s.svc.Ping(ctx); err != nil {
			return nil, huma.NewError(http.StatusServiceUnavailable, "database unavailable")
		}
		out := &healthOutput{}
		out.Body.Status = "ready"
		return out, nil
	})
}

func (s *server) submit(ctx context.Context, in *submitInput) (*submitOutput, error) {
	if in.Body.LocalID != "" && in.Body.LocalID != in.LocalID {
		return nil, huma.NewError(http.StatusUnprocessableEntity, "the request has invalid fields",
			&huma.ErrorDetail{Location: "body.local_id", Message: "differs from the local_id in the path"})
	}
	res, err := s.svc.Submit(ctx, principal(ctx), in.Source, in.LocalID, in.Body.person())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &submitOutput{Status: http.StatusOK, Body: SubmitResponse{
		CitizenID: res.CitizenID.String(), Outcome: string(res.Outcome), Score: res.Score, Version: res.Version,
		Unchanged: res.Unchanged, ModelVersion: res.ModelVersion, Explanation: explanation(res.Explanation),
		Issues: fieldIssues(res.Issues),
	}}
	if res.ReviewID != uuid.Nil {
		out.Body.ReviewID = res.ReviewID.String()
	}
	if res.Version == 1 && !res.Unchanged {
		out.Status = http.StatusCreated
	}
	return out, nil
}

func (s *server) resolve(ctx context.Context, in *resolveInput) (*resolveOutput, error) {
	rl, err := s.svc.Resolve(ctx, readContext(ctx, in.ReadHeaders), in.Source, in.LocalID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &resolveOutput{Body: RecordResponse{
		Source: rl.Record.Source, LocalID: rl.Record.LocalID, CitizenID: rl.CitizenID.String(),
		Version: rl.Record.Version, LinkKind: string(rl.Link.Kind), Score: rl.Link.Score, UpdatedAt: rl.Record.UpdatedAt,
	}}, nil
}

func (s *server) citizen(ctx context.Context, in *citizenInput) (*citizenOutput, error) {
	id, err := uuid.Parse(in.ID)
	if err != nil {
		return nil, s.problem(ctx, registry.Invalid("path.citizen_id", "is not a UUID"))
	}
	v, err := s.svc.Citizen(ctx, readContext(ctx, in.ReadHeaders), id)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	body := CitizenResponse{
		CitizenID: v.Citizen.ID.String(), RequestedID: id.String(), Retired: v.Citizen.ID != id,
		Golden: goldenFields(v.Golden), Version: v.Golden.Version, Records: []RecordRef{},
	}
	for _, r := range v.Records {
		body.Records = append(body.Records, RecordRef{Source: r.Source, LocalID: r.LocalID})
	}
	return &citizenOutput{Body: body}, nil
}

func (s *server) match(ctx context.Context, in *matchInput) (*matchOutput, error) {
	res, err := s.svc.Match(ctx, readContext(ctx, in.ReadHeaders), in.Body.person())
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	body := MatchResponse{Outcome: string(res.Outcome), ModelVersion: res.ModelVersion, Candidates: []MatchCandidate{}}
	for _, c := range res.Candidates {
		body.Candidates = append(body.Candidates, MatchCandidate{
			CitizenID: c.CitizenID.String(), Score: c.Comparison.Probability, Explanation: explanation(&c.Comparison),
		})
	}
	return &matchOutput{Body: body}, nil
}

func (s *server) events(ctx context.Context, in *eventsInput) (*eventsOutput, error) {
	evs, err := s.svc.Events(ctx, principal(ctx), in.After, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	body := EventsResponse{Events: make([]Event, len(evs)), Next: in.After}
	for i, e := range evs {
		if body.Events[i], err = eventView(e); err != nil {
			return nil, s.problem(ctx, err)
		}
		body.Next = e.Seq
	}
	return &eventsOutput{Body: body}, nil
}

func eventView(e registry.Event) (Event, error) {
	ev := Event{Seq: e.Seq, Kind: e.Kind, Actor: e.Actor, CreatedAt: e.CreatedAt, Data: map[string]any{}}
	if e.CitizenID != uuid.Nil {
		ev.CitizenID = e.CitizenID.String()
	}
	if len(e.Data) > 0 {
		if err := json.Unmarshal(e.Data, &ev.Data); err != nil {
			return Event{}, err
		}
	}
	return ev, nil
}
