// Package registry is the domain core of the citizen registry: citizens, source records, links,
// golden records, reviews and events; the invariants between them; survivorship; the error
// vocabulary; the Store it needs; and the use cases (Service) that ministries, stewards and batch
// jobs drive. It knows nothing of PostgreSQL or HTTP.
package registry

import (
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// Outcome is what submitting a record did.
type Outcome string

// Submit outcomes.
const (
	// OutcomeLinked: the record is linked to an existing citizen.
	OutcomeLinked Outcome = "linked"
	// OutcomeCreated: no existing citizen matched; a new citizen was minted.
	OutcomeCreated Outcome = "created"
	// OutcomeReview: the match is uncertain. The record is linked to a new, provisional citizen
	// (so the ministry has an ID at once) and a steward review lists the candidates; a steward's
	// merge retires the provisional ID into the chosen citizen.
	OutcomeReview Outcome = "review"
)

// LinkKind says who made a link.
type LinkKind string

// Link kinds.
const (
	LinkAuto    LinkKind = "auto"
	LinkSteward LinkKind = "steward"
)

// CitizenStatus is active, or retired into a survivor by a merge.
type CitizenStatus string

// Citizen statuses.
const (
	CitizenActive  CitizenStatus = "active"
	CitizenRetired CitizenStatus = "retired"
)

// SourceRecord is the current version of one source's record of a person.
type SourceRecord struct {
	ID          int64
	Source      string
	LocalID     string
	Version     int
	ContentHash []byte
	Raw         Person
	Normalized  matching.Normalized
	Issues      []matching.Issue
	// Outcome and Score are what matching decided for this version; a re-submission of the same
	// content answers with them again.
	Outcome   Outcome
	Score     float64
	UpdatedAt time.Time
}

// Link ties a source record to a citizen.
type Link struct {
	RecordID     int64
	CitizenID    uuid.UUID
	Kind         LinkKind
	Score        float64
	ModelVersion string
	Explanation  *matching.Comparison
	Actor        string
	Reason       string
	CreatedAt    time.Time
}

// Citizen is one real person.
type Citizen struct {
	ID         uuid.UUID
	Status     CitizenStatus
	MergedInto uuid.UUID // uuid.Nil unless retired
}

// GoldenValue is one field of a golden record with its provenance.
type GoldenValue struct {
	Value    string    `json:"value"`
	Source   string    `json:"source"`
	LocalID  string    `json:"local_id"`
	RecordID int64     `json:"record_id"`
	Rule     string    `json:"rule"` // why this value won: "trust:dukcapil", "most_recent"
	Since    time.Time `json:"since"`
}

// GoldenRecord is a citizen's best value for each field.
type GoldenRecord struct {
	CitizenID uuid.UUID
	Fields    map[string]GoldenValue
	// Rules are the survivorship rules it was built by (Survivorship.String); empty when not
	// recorded (golden records stored before they were).
	Rules     string
	Version   int
	UpdatedAt time.Time
}

// Review is an uncertain match put before a steward.
type Review struct {
	ID           uuid.UUID
	RecordID     int64
	CitizenID    uuid.UUID // the provisional citizen the record was linked to
	Status       string
	Score        float64
	Candidates   []matching.Candidate // candidate citizens, best first; ID is the citizen ID
	Reason       string
	ModelVersion string
	Version      int
	CreatedAt    time.Time
}

// Event kinds.
const (
	EventCitizenCreated = "citizen.created"
	EventRecordLinked   = "record.linked"
	EventRecordUnlinked = "record.unlinked"
	EventRecordUpdated  = "record.updated"
	EventReviewOpened   = "review.opened"
	EventGoldenChanged  = "golden.changed"
)

// Event is one append-only, sequenced change.
type Event struct {
	Seq       int64
	Kind      string
	CitizenID uuid.UUID // uuid.Nil when not about one citizen
	RecordID  int64     // 0 when not about one record
	Data      json.RawMessage
	Actor     string
	CreatedAt time.Time
}

// AccessEntry records that someone read a citizen's data: metadata only, never the data.
type AccessEntry struct {
	Source    string
	KeyID     uuid.UUID
	EndUser   string
	Purpose   string
	Operation string
	CitizenID uuid.UUID
	Fields    []string
	ClientIP  string
	// ConfidentialUntil withholds the entry from the citizen until then (zero: not confidential).
	ConfidentialUntil time.Time
}

// RecordLink is a source record with its active link, the answer of a resolve.
type RecordLink struct {
	Record SourceRecord
	Link   Link
	// CitizenID is the citizen the record belongs to now, after following merges.
	CitizenID uuid.UUID
}

// CitizenView is a citizen as read by a client: the golden record of the surviving citizen and,
// when the requested ID was retired by a merge, the ID that was asked for.
type CitizenView struct {
	Citizen   Citizen
	Requested uuid.UUID
	Golden    GoldenRecord
	Records   []RecordRef
}

// RecordRef names one source record of a citizen (cross-reference).
type RecordRef struct {
	Source  string
	LocalID string
}

// SubmitResult is the answer to a submitted record.
type SubmitResult struct {
	CitizenID    uuid.UUID
	Outcome      Outcome
	Score        float64
	Version      int
	ReviewID     uuid.UUID // uuid.Nil unless Outcome is review
	ModelVersion string
	Explanation  *matching.Comparison
	Issues       []matching.Issue
	// Unchanged is true when the same content was already registered: nothing was written.
	Unchanged bool
}

// MatchCandidate is one candidate citizen of a match query.
type MatchCandidate struct {
	CitizenID  uuid.UUID
	Comparison matching.Comparison
}

// MatchResult is the answer to a match query.
type MatchResult struct {
	Outcome      matching.Outcome
	Candidates   []MatchCandidate
	ModelVersion string
}
