package registry

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// Store is the persistence the registry needs. The PostgreSQL adapter (sqlc/pgstore) implements
// it; every method maps its own errors onto the registry's vocabulary (ErrNotFound, ErrConflict,
// ErrUnavailable).
type Store interface {
	// InTx runs fn in one transaction, retrying the whole function a bounded number of times on
	// serialization failures and deadlocks. fn must not keep tx after it returns.
	InTx(ctx context.Context, fn func(tx Tx) error) error

	// EnsureSource registers a source code if it is new.
	EnsureSource(ctx context.Context, code string) error
	// CreateAPIKey stores a key (its secret only as a hash).
	CreateAPIKey(ctx context.Context, k APIKey) error
	// APIKeyByHash finds a key by the hash of its secret; ErrNotFound if none.
	APIKeyByHash(ctx context.Context, hash []byte) (APIKey, error)
	// ListAPIKeys lists keys, newest first.
	ListAPIKeys(ctx context.Context) ([]APIKey, error)
	// APIKeyByID finds a key; ErrNotFound if none.
	APIKeyByID(ctx context.Context, id uuid.UUID) (APIKey, error)
	// ExpireAPIKey brings a key's expiry forward to at (never later than it was).
	ExpireAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error
	// RevokeAPIKey revokes a key; ErrNotFound if it does not exist.
	RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error

	// ResolveRecord returns the record's active link followed to the surviving citizen, and writes
	// the access-log entry (with the citizen filled in) atomically with the read: no entry, no
	// data. ErrNotFound when the source holds no such record.
	ResolveRecord(ctx context.Context, source, localID string, entry AccessEntry) (RecordLink, error)

	// ListReviews returns a page of reviews matching f (already validated).
	ListReviews(ctx context.Context, f ReviewFilter) ([]ReviewSummary, error)
	// CitizenEvents returns up to limit events about one citizen, in order.
	CitizenEvents(ctx context.Context, citizen uuid.UUID, limit int) ([]Event, error)

	// GrantsForSource returns a source's grants.
	GrantsForSource(ctx context.Context, source string) ([]Grant, error)
	ListGrants(ctx context.Context) ([]Grant, error)
	// InsertGrant stores a grant (or finds the same one) and returns its ID.
	InsertGrant(ctx context.Context, g Grant) (int64, error)
	// DeleteGrant removes a grant; ErrNotFound if absent.
	DeleteGrant(ctx context.Context, id int64) error
	// CitizenAccessLog returns the citizen's (and merged-in IDs') access-log entries that are no
	// longer confidential, newest first.
	CitizenAccessLog(ctx context.Context, citizen uuid.UUID, limit, offset int) ([]AccessLogEntry, error)

	// SealChain extends a chain over up to limit unsealed rows (access-log rows only when older
	// than minAge), under the chain's lock, and returns how many it sealed. hash (ChainHash)
	// must not keep the content it is given, whose buffer is reused.
	SealChain(ctx context.Context, chain string, minAge time.Duration, limit int, hash func(prev, content []byte) []byte) (int, error)
	// AuditHead returns a chain's head.
	AuditHead(ctx context.Context, chain string) (AuditHead, error)
	// AuditRows calls fn for every row of a chain with id <= upto, in id order.
	AuditRows(ctx context.Context, chain string, upto int64, fn func(AuditRow) error) error

	// Events returns up to limit events with sequence numbers above after, in order.
	Events(ctx context.Context, after int64, limit int) ([]Event, error)
	// ExportLinks calls fn for every active link, ordered by source and local ID.
	ExportLinks(ctx context.Context, fn func(source, localID string, citizen uuid.UUID) error) error
	// HasRecords reports whether any source record exists.
	HasRecords(ctx context.Context) (bool, error)

	// NormalizedRecords calls fn with the normalised form of the current version of every source
	// record, in the order the records were first stored, in flat memory for any registry size.
	NormalizedRecords(ctx context.Context, fn func(matching.Normalized) error) error
	// SaveModel stores a matching model under its version and, when activate is set, makes it the
	// one active model, in one transaction. Saving a version again with the same parameters
	// changes nothing; ErrConflict when the version already names other parameters.
	SaveModel(ctx context.Context, m *matching.Model, activate bool) error
	// ActivateModel makes a stored model the active one; ErrNotFound if no model has that version.
	ActivateModel(ctx context.Context, version string) error
	// ActiveModel returns the active matching model; ErrNotFound when none is active.
	ActiveModel(ctx context.Context) (*matching.Model, error)
	// ListModels lists the stored models, newest first, without their parameters.
	ListModels(ctx context.Context) ([]ModelInfo, error)
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
	// Bulk is the bulk-load side of the store.
	Bulk() BulkStore
}

// Tx is the unit of work of the registry's use cases. Methods that return a single row return
// ErrNotFound when there is none.
type Tx interface {
	// LockRecordKey serialises all work on one (source, local_id) until the transaction ends, so
	// two concurrent submits of the same record cannot both create it.
	LockRecordKey(ctx context.Context, source, localID string) error
	RecordByKey(ctx context.Context, source, localID string) (SourceRecord, error)
	// SaveRecord inserts a new record (ID 0) or a new version of an existing one (keeping the
	// version it replaces in the history), and sets rec.ID.
	SaveRecord(ctx context.Context, rec *SourceRecord) error
	// SetRecordOutcome stores what matching decided for the record's current version.
	SetRecordOutcome(ctx context.Context, recordID int64, outcome Outcome, score float64) error
	ReplaceBlockingKeys(ctx context.Context, recordID int64, keys []string) error
	// CandidateRecords returns the records sharing any blocking key with the query, other than
	// exclude, with the (active) citizen each is linked to. A key held by more records than its
	// limit (limits[i] for keys[i]) is skipped as unselective.
	CandidateRecords(ctx context.Context, keys []string, limits []int, exclude int64) ([]CandidateRecord, error)

	ActiveLink(ctx context.Context, recordID int64) (Link, error)
	InsertLink(ctx context.Context, l Link) error
	// EndLink ends the record's active link.
	EndLink(ctx context.Context, recordID int64, actor string) error

	InsertCitizen(ctx context.Context, id uuid.UUID) error
	// LockCitizen locks a citizen row for the transaction and returns it.
	LockCitizen(ctx context.Context, id uuid.UUID) (Citizen, error)
	// Survivor follows merged_into from id to the active citizen.
	Survivor(ctx context.Context, id uuid.UUID) (Citizen, error)
	// Survivors maps each of ids to its active survivor (itself when active), in one query.
	Survivors(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error)
	// CitizenRecords returns the current versions of the records actively linked to a citizen.
	CitizenRecords(ctx context.Context, citizen uuid.UUID) ([]SourceRecord, error)
	Golden(ctx context.Context, citizen uuid.UUID) (GoldenRecord, error)
	// SaveGolden stores g if it differs from the stored one, reporting whether it changed.
	SaveGolden(ctx context.Context, g GoldenRecord) (changed bool, err error)

	InsertReview(ctx context.Context, r Review) error
	OpenReview(ctx context.Context, recordID int64) (Review, error)

	RecordByID(ctx context.Context, id int64) (SourceRecord, error)
	ReviewByID(ctx context.Context, id uuid.UUID) (Review, error)
	// DecideReview closes an open review at the given version; ErrConflict if it is no longer
	// open at that version.
	DecideReview(ctx context.Context, id uuid.UUID, version int, status, actor string) error

	// EndCitizenLinks ends every active link of a citizen and returns them.
	EndCitizenLinks(ctx context.Context, citizen uuid.UUID, actor string) ([]Link, error)
	RetireCitizen(ctx context.Context, id, survivor uuid.UUID) error
	ReactivateCitizen(ctx context.Context, id uuid.UUID) error
	InsertMerge(ctx context.Context, m Merge) error
	// MergeInForce returns (and locks) the merge that retired a citizen and was not undone.
	MergeInForce(ctx context.Context, retired uuid.UUID) (Merge, error)
	UndoMerge(ctx context.Context, id uuid.UUID, actor string) error
	InsertDistinction(ctx context.Context, a, b uuid.UUID, reason, actor string) error
	// Distinctions returns the pairs among the given active citizens that a steward recorded as
	// different people (including through citizens since merged into them).
	Distinctions(ctx context.Context, ids []uuid.UUID) ([][2]uuid.UUID, error)

	// AppendEvents numbers and stores events, and seals them where the events chain ends just
	// before them; call it last in a transaction (it takes the lock that makes sequence order
	// equal commit order, and the chain's).
	AppendEvents(ctx context.Context, events []Event) error
	InsertAccess(ctx context.Context, e AccessEntry) error
}

// CandidateRecord is a record found by blocking, with the citizen it is linked to.
type CandidateRecord struct {
	Record    SourceRecord
	CitizenID uuid.UUID
}
