package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
)

// ReviewSummary is one line of the review queue.
type ReviewSummary struct {
	ID         string              `json:"id" format:"uuid"`
	Status     string              `json:"status" enum:"open,merged,distinct"`
	Version    int                 `json:"version" doc:"Pass as If-Match when deciding."`
	Score      float64             `json:"score" doc:"Match probability of the best candidate."`
	Reason     string              `json:"reason"`
	Record     RecordRef           `json:"record"`
	CitizenID  string              `json:"citizen_id" format:"uuid" doc:"The provisional citizen the record is linked to."`
	Candidates []ReviewCandidateID `json:"candidates"`
	CreatedAt  time.Time           `json:"created_at"`
}

// ReviewCandidateID is a candidate citizen and its score.
type ReviewCandidateID struct {
	CitizenID string  `json:"citizen_id" format:"uuid"`
	Score     float64 `json:"score"`
}

// ReviewList is a page of the review queue.
type ReviewList struct {
	Reviews    []ReviewSummary `json:"reviews"`
	NextOffset int             `json:"next_offset,omitempty" doc:"Pass as ?offset= for the next page; absent on the last page."`
}

// SourceRecordView is a source record as a steward sees it: its fields as received.
type SourceRecordView struct {
	Source    string            `json:"source"`
	LocalID   string            `json:"local_id"`
	Version   int               `json:"version"`
	Fields    map[string]string `json:"fields"`
	Issues    []FieldIssue      `json:"issues,omitempty"`
	UpdatedAt time.Time         `json:"updated_at"`
}

// CitizenDetail is a citizen with its golden record and records.
type CitizenDetail struct {
	CitizenID string                 `json:"citizen_id" format:"uuid"`
	Golden    map[string]GoldenField `json:"golden"`
	Records   []SourceRecordView     `json:"records"`
}

// ReviewCandidate is a candidate citizen with the comparison that made it one.
type ReviewCandidate struct {
	CitizenDetail
	Score       float64      `json:"score"`
	Explanation *Explanation `json:"explanation"`
}

// ReviewDetail is everything a steward needs to decide.
type ReviewDetail struct {
	ReviewSummary
	ModelVersion  string            `json:"model_version"`
	ReviewRecord  SourceRecordView  `json:"review_record"`
	Current       CitizenDetail     `json:"current"`
	CandidateInfo []ReviewCandidate `json:"candidate_details"`
}

// DecisionBody is a steward's decision.
type DecisionBody struct {
	Action    string `json:"action" enum:"merge,distinct" doc:"merge: the record is the candidate citizen_id; distinct: it is none of the candidates."`
	CitizenID string `json:"citizen_id,omitempty" format:"uuid" doc:"The chosen candidate (merge only)."`
	Reason    string `json:"reason,omitempty" maxLength:"500"`
}

// DecisionResult says where the record ended.
type DecisionResult struct {
	ReviewID  string `json:"review_id" format:"uuid"`
	Status    string `json:"status"`
	CitizenID string `json:"citizen_id" format:"uuid" doc:"The citizen the record is linked to now."`
}

// MergeBody merges the path citizen into survivor_id.
type MergeBody struct {
	SurvivorID string `json:"survivor_id" format:"uuid"`
	Reason     string `json:"reason,omitempty" maxLength:"500"`
}

// ReasonBody carries a steward's reason.
type ReasonBody struct {
	Reason string `json:"reason,omitempty" maxLength:"500"`
}

// MergeResult describes a merge or its undoing.
type MergeResult struct {
	MergeID    string `json:"merge_id" format:"uuid"`
	RetiredID  string `json:"retired_id" format:"uuid"`
	SurvivorID string `json:"survivor_id" format:"uuid"`
	Records    int    `json:"records" doc:"Records the merge moved."`
}

// LinkBody moves a record to a citizen.
type LinkBody struct {
	CitizenID string `json:"citizen_id,omitempty" format:"uuid" doc:"Target citizen; empty moves the record to a new citizen (unlink)."`
	Reason    string `json:"reason,omitempty" maxLength:"500"`
}

// LinkResult names the record's citizen after a move.
type LinkResult struct {
	CitizenID string `json:"citizen_id" format:"uuid"`
}

// HistoryResponse is a citizen's change history.
type HistoryResponse struct {
	Events []Event `json:"events"`
}

type listReviewsInput struct {
	Status    string  `query:"status" enum:"open,merged,distinct,any" default:"open"`
	Source    string  `query:"source" doc:"Only reviews of this source's records."`
	MinScore  float64 `query:"min_score" minimum:"0" maximum:"1"`
	MaxScore  float64 `query:"max_score" minimum:"0" maximum:"1" default:"1"`
	MinAgeSec int     `query:"min_age" minimum:"0" doc:"Only reviews at least this many seconds old."`
	Sort      string  `query:"sort" enum:"oldest,newest,score" default:"oldest"`
	Limit     int     `query:"limit" minimum:"1" maximum:"1000" default:"50"`
	Offset    int     `query:"offset" minimum:"0"`
}

// ReviewPath is the review_id path parameter.
type ReviewPath struct {
	ID string `path:"review_id" format:"uuid"`
}

type reviewDetailInput struct {
	ReviewPath
	ReadHeaders
}

type decideInput struct {
	ReviewPath
	IfMatch string `header:"If-Match" required:"true" doc:"The review version the decision is for, as returned in ETag (e.g. \"1\")."`
	Body    DecisionBody
}

// CitizenPath is the citizen_id path parameter.
type CitizenPath struct {
	ID string `path:"citizen_id" format:"uuid"`
}

type mergeInput struct {
	CitizenPath
	Body MergeBody
}

type unmergeInput struct {
	CitizenPath
	Body ReasonBody
}

type linkInput struct {
	Source  string `path:"source" pattern:"^[a-z][a-z0-9_-]{1,31}$"`
	LocalID string `path:"local_id" minLength:"1" maxLength:"128"`
	Body    LinkBody
}

type historyInput struct {
	CitizenPath
	ReadHeaders
	Limit int `query:"limit" minimum:"1" maximum:"1000" default:"500"`
}

func (s *server) registerSteward(api huma.API) {
	tags := []string{"stewards"}
	huma.Register(api, huma.Operation{
		OperationID: "list-reviews", Method: http.MethodGet, Path: "/v1/reviews", Tags: tags, Security: bearer,
		Summary:     "List the review queue",
		Description: "Filter by status, source, score band and age; sort by age or score; paginate. Needs the steward scope.",
		Errors:      []int{401, 403, 422},
	}, s.listReviews)
	huma.Register(api, huma.Operation{
		OperationID: "get-review", Method: http.MethodGet, Path: "/v1/reviews/{review_id}", Tags: tags, Security: bearer,
		Summary:     "Read a review with the record, each candidate and the comparison",
		Description: "The answer's ETag is the review version to send as If-Match when deciding. Reading is logged in each shown citizen's access log.",
		Errors:      []int{401, 403, 404, 422},
	}, s.getReview)
	huma.Register(api, huma.Operation{
		OperationID: "decide-review", Method: http.MethodPost, Path: "/v1/reviews/{review_id}/decision", Tags: tags, Security: bearer,
		Summary:     "Decide a review: merge or distinct",
		Description: "Needs If-Match with the version the steward saw; a decision on a stale version is 409, never a silent overwrite.",
		Errors:      []int{401, 403, 404, 409, 412, 422},
	}, s.decideReview)
	huma.Register(api, huma.Operation{
		OperationID: "merge-citizens", Method: http.MethodPost, Path: "/v1/citizens/{citizen_id}/merge", Tags: tags, Security: bearer,
		Summary:     "Merge a citizen into a survivor",
		Description: "The citizen's records move to the survivor and its ID resolves to the survivor from then on. Undo with unmerge.",
		Errors:      []int{401, 403, 404, 409, 422},
	}, s.merge)
	huma.Register(api, huma.Operation{
		OperationID: "unmerge-citizen", Method: http.MethodPost, Path: "/v1/citizens/{citizen_id}/unmerge", Tags: tags, Security: bearer,
		Summary:     "Undo the merge that retired a citizen",
		Description: "Restores the state before the merge (in any order of several merges) and records the two as different people.",
		Errors:      []int{401, 403, 404, 409, 422},
	}, s.unmerge)
	huma.Register(api, huma.Operation{
		OperationID: "link-record", Method: http.MethodPost, Path: "/v1/sources/{source}/records/{local_id}/link", Tags: tags, Security: bearer,
		Summary:     "Link a record to a citizen by hand (or to a new citizen)",
		Description: "A steward's link: automatic matching never changes it. Without citizen_id the record moves to a new citizen (unlink).",
		Errors:      []int{401, 403, 404, 409, 422},
	}, s.linkRecord)
	huma.Register(api, huma.Operation{
		OperationID: "citizen-history", Method: http.MethodGet, Path: "/v1/citizens/{citizen_id}/history", Tags: tags, Security: bearer,
		Summary: "A citizen's history: every link change, merge and decision, by whom, why, with which model version",
		Errors:  []int{401, 403, 404, 422},
	}, s.history)
}

func parseID(field, s string) (uuid.UUID, error) {
	id, err := uuid.Parse(s)
	if err != nil {
		return uuid.Nil, registry.Invalid(field, "is not a UUID")
	}
	return id, nil
}

func (s *server) listReviews(ctx context.Context, in *listReviewsInput) (*struct{ Body ReviewList }, error) {
	f := registry.ReviewFilter{
		Status: in.Status, Source: in.Source, MinScore: in.MinScore, MaxScore: in.MaxScore,
		Sort: in.Sort, Limit: in.Limit, Offset: in.Offset,
	}
	if in.MinAgeSec > 0 {
		f.CreatedBefore = time.Now().Add(-time.Duration(in.MinAgeSec) * time.Second)
	}
	rows, err := s.svc.ListReviews(ctx, principal(ctx), f)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct{ Body ReviewList }{Body: ReviewList{Reviews: make([]ReviewSummary, len(rows))}}
	for i, r := range rows {
		out.Body.Reviews[i] = reviewSummary(r.Review, r.Source, r.LocalID)
	}
	if len(rows) == in.Limit {
		out.Body.NextOffset = in.Offset + in.Limit
	}
	return out, nil
}

func reviewSummary(r registry.Review, source, localID string) ReviewSummary {
	rs := ReviewSummary{
		ID: r.ID.String(), Status: r.Status, Version: r.Version, Score: r.Score, Reason: r.Reason,
		Record: RecordRef{Source: source, LocalID: localID}, CitizenID: r.CitizenID.String(),
		Candidates: make([]ReviewCandidateID, len(r.Candidates)), CreatedAt: r.CreatedAt,
	}
	for i, c := range r.Candidates {
		rs.Candidates[i] = ReviewCandidateID{CitizenID: c.ID, Score: c.Comparison.Probability}
	}
	return rs
}

func recordView(r registry.SourceRecord) SourceRecordView {
	v := SourceRecordView{Source: r.Source, LocalID: r.LocalID, Version: r.Version, Fields: map[string]string{},
		Issues: fieldIssues(r.Issues), UpdatedAt: r.UpdatedAt}
	for _, f := range registry.PersonFields {
		if val := r.Raw.Field(f); val != "" {
			v.Fields[f] = val
		}
	}
	return v
}

func citizenDetail(c registry.CitizenDetail) CitizenDetail {
	d := CitizenDetail{CitizenID: c.Citizen.ID.String(), Golden: goldenFields(c.Golden), Records: make([]SourceRecordView, len(c.Records))}
	for i, r := range c.Records {
		d.Records[i] = recordView(r)
	}
	return d
}

// goldenFields converts a golden record the service has already filtered for the reader (hidden
// fields removed, local IDs blanked where not visible).
func goldenFields(g registry.GoldenRecord) map[string]GoldenField {
	out := map[string]GoldenField{}
	for f, v := range g.Fields {
		out[f] = GoldenField{Value: v.Value, Source: v.Source, LocalID: v.LocalID, Rule: v.Rule, Since: v.Since}
	}
	return out
}

type reviewDetailOutput struct {
	ETag string `header:"ETag"`
	Body ReviewDetail
}

func (s *server) getReview(ctx context.Context, in *reviewDetailInput) (*reviewDetailOutput, error) {
	id, err := parseID("path.review_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	d, err := s.svc.ReviewDetail(ctx, readContext(ctx, in.ReadHeaders), id)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	body := ReviewDetail{
		ReviewSummary: reviewSummary(d.Review, d.Record.Source, d.Record.LocalID),
		ModelVersion:  d.Review.ModelVersion, ReviewRecord: recordView(d.Record), Current: citizenDetail(d.Current),
		CandidateInfo: make([]ReviewCandidate, len(d.Candidates)),
	}
	for i, c := range d.Candidates {
		body.CandidateInfo[i] = ReviewCandidate{CitizenDetail: citizenDetail(c.CitizenDetail), Score: c.Comparison.Probability, Explanation: explanation(&c.Comparison)}
	}
	return &reviewDetailOutput{ETag: strconv.Quote(strconv.Itoa(d.Review.Version)), Body: body}, nil
}

func (s *server) decideReview(ctx context.Context, in *decideInput) (*struct{ Body DecisionResult }, error) {
	id, err := parseID("path.review_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	version, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(strings.TrimSpace(in.IfMatch), "W/"), `"`))
	if err != nil {
		return nil, huma.NewError(http.StatusPreconditionFailed, "If-Match must carry the review version from its ETag, e.g. \"1\"")
	}
	d := registry.Decision{Action: in.Body.Action, Reason: in.Body.Reason}
	if in.Body.Action == "merge" {
		if d.CitizenID, err = parseID("citizen_id", in.Body.CitizenID); err != nil {
			return nil, s.problem(ctx, err)
		}
	}
	cit, err := s.svc.DecideReview(ctx, principal(ctx), id, version, d)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	status := registry.ReviewMerged
	if d.Action == "distinct" {
		status = registry.ReviewDistinct
	}
	return &struct{ Body DecisionResult }{Body: DecisionResult{ReviewID: id.String(), Status: status, CitizenID: cit.String()}}, nil
}

func mergeResult(m registry.Merge) *struct{ Body MergeResult } {
	return &struct{ Body MergeResult }{Body: MergeResult{
		MergeID: m.ID.String(), RetiredID: m.Retired.String(), SurvivorID: m.Survivor.String(), Records: len(m.RecordIDs),
	}}
}

func (s *server) merge(ctx context.Context, in *mergeInput) (*struct{ Body MergeResult }, error) {
	retired, err := parseID("path.citizen_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	survivor, err := parseID("survivor_id", in.Body.SurvivorID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	m, err := s.svc.Merge(ctx, principal(ctx), retired, survivor, in.Body.Reason)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return mergeResult(m), nil
}

func (s *server) unmerge(ctx context.Context, in *unmergeInput) (*struct{ Body MergeResult }, error) {
	retired, err := parseID("path.citizen_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	m, err := s.svc.Unmerge(ctx, principal(ctx), retired, in.Body.Reason)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return mergeResult(m), nil
}

func (s *server) linkRecord(ctx context.Context, in *linkInput) (*struct{ Body LinkResult }, error) {
	target := uuid.Nil
	if in.Body.CitizenID != "" {
		var err error
		if target, err = parseID("citizen_id", in.Body.CitizenID); err != nil {
			return nil, s.problem(ctx, err)
		}
	}
	cit, err := s.svc.MoveRecord(ctx, principal(ctx), in.Source, in.LocalID, target, in.Body.Reason)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &struct{ Body LinkResult }{Body: LinkResult{CitizenID: cit.String()}}, nil
}

func (s *server) history(ctx context.Context, in *historyInput) (*struct{ Body HistoryResponse }, error) {
	id, err := parseID("path.citizen_id", in.ID)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	evs, err := s.svc.History(ctx, readContext(ctx, in.ReadHeaders), id, in.Limit)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &struct{ Body HistoryResponse }{Body: HistoryResponse{Events: make([]Event, 0, len(evs))}}
	for _, e := range evs {
		ev, err := eventView(e)
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		out.Body.Events = append(out.Body.Events, ev)
	}
	return out, nil
}
