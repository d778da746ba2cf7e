package api

import (
	"time"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
)

// PersonBody is a person record under the canonical field names of the person file.
type PersonBody struct {
	LocalID    string `json:"local_id,omitempty" maxLength:"128" doc:"Optional; when present it must equal the local_id in the path."`
	NIK        string `json:"nik,omitempty" maxLength:"512" doc:"National identity number (NIK) as the source holds it; 16 digits when well formed." example:"3273054107900001"`
	FullName   string `json:"full_name,omitempty" maxLength:"512" doc:"Full name as written by the source. A record needs at least a name, a NIK, a birth date, a phone or an e-mail." example:"Siti Rahayu"`
	GivenName  string `json:"given_name,omitempty" maxLength:"512"`
	FamilyName string `json:"family_name,omitempty" maxLength:"512"`
	Sex        string `json:"sex,omitempty" maxLength:"512" doc:"M/F, L/P, male/female or laki-laki/perempuan." example:"F"`
	BirthDate  string `json:"birth_date,omitempty" maxLength:"512" doc:"YYYY-MM-DD; also YYYYMMDD, DD-MM-YYYY, DD/MM/YYYY." example:"1990-07-01"`
	BirthPlace string `json:"birth_place,omitempty" maxLength:"512"`
	Address    string `json:"address,omitempty" maxLength:"512"`
	Village    string `json:"village,omitempty" maxLength:"512"`
	District   string `json:"district,omitempty" maxLength:"512"`
	City       string `json:"city,omitempty" maxLength:"512"`
	Province   string `json:"province,omitempty" maxLength:"512"`
	Postcode   string `json:"postcode,omitempty" maxLength:"512"`
	Phone      string `json:"phone,omitempty" maxLength:"512"`
	Email      string `json:"email,omitempty" maxLength:"512"`
}

func (b PersonBody) person() registry.Person {
	return registry.Person{
		NIK: b.NIK, FullName: b.FullName, GivenName: b.GivenName, FamilyName: b.FamilyName, Sex: b.Sex,
		BirthDate: b.BirthDate, BirthPlace: b.BirthPlace, Address: b.Address, Village: b.Village,
		District: b.District, City: b.City, Province: b.Province, Postcode: b.Postcode, Phone: b.Phone, Email: b.Email,
	}
}

// Explanation is a match score with each field's comparison level and weight (a waterfall).
type Explanation struct {
	Probability float64            `json:"probability" doc:"Match probability in [0, 1]."`
	Weight      float64            `json:"weight" doc:"Total match weight: log2 of the Bayes factor, prior included."`
	Fields      []FieldExplanation `json:"fields"`
}

// FieldExplanation is one bar of the waterfall.
type FieldExplanation struct {
	Field  string  `json:"field"`
	Level  string  `json:"level" doc:"The comparison level the pair reached, e.g. exact, jw_0.92, missing."`
	Weight float64 `json:"weight" doc:"log2(m/u) of that level; 0 for missing values."`
}

func explanation(c *matching.Comparison) *Explanation {
	if c == nil {
		return nil
	}
	e := &Explanation{Probability: c.Probability, Weight: c.Weight, Fields: make([]FieldExplanation, len(c.Fields))}
	for i, f := range c.Fields {
		e.Fields[i] = FieldExplanation{Field: f.Field, Level: f.Level, Weight: f.Weight}
	}
	return e
}

// FieldIssue is a field-level problem: the field is kept but not used as evidence.
type FieldIssue struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func fieldIssues(is []matching.Issue) []FieldIssue {
	out := make([]FieldIssue, len(is))
	for i, x := range is {
		out[i] = FieldIssue{Field: x.Field, Code: x.Code, Message: x.Message}
	}
	return out
}

// SubmitResponse is the answer to a submitted record.
type SubmitResponse struct {
	CitizenID    string       `json:"citizen_id" format:"uuid" doc:"The national citizen ID the record is linked to."`
	Outcome      string       `json:"outcome" enum:"linked,created,review" doc:"linked: an existing citizen; created: a new citizen; review: a provisional new citizen pending a steward's review."`
	Score        float64      `json:"score" doc:"Match probability of the best candidate (0 when there was none)."`
	Version      int          `json:"version" doc:"The source record's version."`
	Unchanged    bool         `json:"unchanged" doc:"True when identical content was already registered: nothing was written."`
	ReviewID     string       `json:"review_id,omitempty" format:"uuid"`
	ModelVersion string       `json:"model_version"`
	Explanation  *Explanation `json:"explanation,omitempty"`
	Issues       []FieldIssue `json:"issues,omitempty" doc:"Field-level problems: kept, flagged, not used as evidence."`
}

// RecordResponse is a resolved source record.
type RecordResponse struct {
	Source    string    `json:"source"`
	LocalID   string    `json:"local_id"`
	CitizenID string    `json:"citizen_id" format:"uuid"`
	Version   int       `json:"version"`
	LinkKind  string    `json:"link_kind" enum:"auto,steward"`
	Score     float64   `json:"score"`
	UpdatedAt time.Time `json:"updated_at"`
}

// GoldenField is one field of a golden record with its provenance.
type GoldenField struct {
	Value   string    `json:"value"`
	Source  string    `json:"source"`
	LocalID string    `json:"local_id,omitempty" doc:"Shown only when the caller may see the source's local IDs."`
	Rule    string    `json:"rule" doc:"Why this value won: trust:<source> or most_recent."`
	Since   time.Time `json:"since"`
}

// CitizenResponse is a citizen's golden record.
type CitizenResponse struct {
	CitizenID   string                 `json:"citizen_id" format:"uuid" doc:"The surviving citizen ID."`
	RequestedID string                 `json:"requested_id" format:"uuid"`
	Retired     bool                   `json:"retired" doc:"True when the requested ID was merged into citizen_id."`
	Golden      map[string]GoldenField `json:"golden"`
	Version     int                    `json:"version" doc:"Golden record version."`
	Records     []RecordRef            `json:"records" doc:"Source records of this citizen visible to the caller."`
}

// RecordRef names a source record.
type RecordRef struct {
	Source  string `json:"source"`
	LocalID string `json:"local_id"`
}

// MatchCandidate is one candidate citizen.
type MatchCandidate struct {
	CitizenID   string       `json:"citizen_id" format:"uuid"`
	Score       float64      `json:"score"`
	Explanation *Explanation `json:"explanation"`
}

// MatchResponse ranks candidate citizens for a person.
type MatchResponse struct {
	Outcome      string           `json:"outcome" enum:"link,review,new" doc:"What a submit of this person would decide."`
	Candidates   []MatchCandidate `json:"candidates"`
	ModelVersion string           `json:"model_version"`
}

// Event is one change in the registry's append-only stream.
type Event struct {
	Seq       int64          `json:"seq"`
	Kind      string         `json:"kind"`
	CitizenID string         `json:"citizen_id,omitempty" format:"uuid"`
	Data      map[string]any `json:"data"`
	Actor     string         `json:"actor"`
	CreatedAt time.Time      `json:"created_at"`
}

// EventsResponse is a page of events.
type EventsResponse struct {
	Events []Event `json:"events"`
	Next   int64   `json:"next" doc:"Pass as ?after= to continue."`
}
