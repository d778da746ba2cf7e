package registry

import (
	"context"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// IDRange is the record IDs from From to To, both included.
type IDRange struct{ From, To int64 }

// BulkStore is the persistence of bulk loads: load jobs and their checkpoints, the set-wise
// reads a chunk of rows needs (one statement per chunk, never one per row), and the chunk's
// writes, which go through COPY in one transaction per chunk. The PostgreSQL adapter implements
// it; errors follow Store's vocabulary (ErrNotFound, ErrConflict, ErrUnavailable).
type BulkStore interface {
	// CreateLoad stores a new load job.
	CreateLoad(ctx context.Context, j LoadJob) error
	// Load returns a job; ErrNotFound if there is none. Running says whether a process holds it.
	Load(ctx context.Context, id uuid.UUID) (LoadJob, error)
	// ResumableLoad returns the latest unfinished file load of source and input with its
	// checkpoints, oldest first; ErrNotFound if there is none.
	ResumableLoad(ctx context.Context, source, input string) (LoadJob, []LoadCheckpoint, error)
	// LoadCheckpoints returns a job's checkpoints, oldest first.
	LoadCheckpoints(ctx context.Context, id uuid.UUID) ([]LoadCheckpoint, error)
	// ForgetCheckpoints drops a job's checkpoints from seq on (an earlier run's, of other input).
	ForgetCheckpoints(ctx context.Context, id uuid.UUID, seq int) error
	// UnfinishedUploads lists upload jobs that are queued or were running.
	UnfinishedUploads(ctx context.Context) ([]uuid.UUID, error)
	// StartLoad marks a job running with the model version and input header it runs with.
	StartLoad(ctx context.Context, id uuid.UUID, modelVersion string, header []string) error
	// FinishLoad sets a job's final state; msg carries no personal data. When it returns, the
	// job's committed chunks are durable even on a server that commits asynchronously.
	FinishLoad(ctx context.Context, id uuid.UUID, state, msg string) error
	// SetUploadSize records an upload's size once received and moves it to state.
	SetUploadSize(ctx context.Context, id uuid.UUID, size int64, state string) error
	// AppendLoadPart stores part seq (from 1) of an upload.
	AppendLoadPart(ctx context.Context, id uuid.UUID, seq int, data []byte) error
	// LoadPart returns part seq of an upload; ErrNotFound past the last.
	LoadPart(ctx context.Context, id uuid.UUID, seq int) ([]byte, error)
	// DropLoadParts deletes an upload's stored input.
	DropLoadParts(ctx context.Context, id uuid.UUID) error
	// LoadRejects returns up to limit rejected rows of a job with lines above after.
	LoadRejects(ctx context.Context, id uuid.UUID, after int64, limit int) ([]Reject, error)
	// Claim takes the lock named name for as long as this process lives or until the claim is
	// released; ErrConflict if another process holds it.
	Claim(ctx context.Context, name string) (Claim, error)

	// IndexKeys returns blocking keys in the form the store indexes them: digests, a NIK's key
	// taken with its keyed lookup token; every key BulkStore takes or returns is in that form.
	IndexKeys(keys []string) []matching.Digest
	// ExistingRecords returns the current state of the source's records with these local IDs
	// (those that exist).
	ExistingRecords(ctx context.Context, source string, localIDs []string) ([]ExistingRecord, error)
	// SourceHasRecords reports whether the registry holds a record of the source: any at all
	// when ids is nil, else any of the records ids.
	SourceHasRecords(ctx context.Context, source string, ids []int64) (bool, error)
	// KeyPostings returns, for each keys[i], the IDs of up to limits[i] records holding it,
	// lowest first.
	KeyPostings(ctx context.Context, keys []matching.Digest, limits []int) (map[matching.Digest][]int64, error)
	// MatchingRecords returns the normalised form and citizen of the given records.
	MatchingRecords(ctx context.Context, ids []int64) ([]MatchingRecord, error)
	// LastRecordID is the highest record ID in use (0 when the registry holds no record).
	LastRecordID(ctx context.Context) (int64, error)
	// IndexRecords returns the first limit records with IDs above after and at most through,
	// ascending, with their blocking keys (and no citizen, nor normalised form, when a record has
	// no active link).
	IndexRecords(ctx context.Context, after, through int64, limit int) ([]IndexedRecord, error)
	// RecordsAfter returns the IDs of the first limit records above after and outside skip
	// (ascending, disjoint ranges), ascending.
	RecordsAfter(ctx context.Context, after int64, skip []IDRange, limit int) ([]int64, error)
	// RecordKeys returns the blocking keys the given records hold now.
	RecordKeys(ctx context.Context, ids []int64) (map[int64][]matching.Digest, error)
	// CitizenRecordCounts returns how many records are actively linked to each citizen.
	CitizenRecordCounts(ctx context.Context, citizens []uuid.UUID) (map[uuid.UUID]int, error)
	// OpenReviews returns the open reviews of the given records, their candidates named by
	// their citizens' active survivors.
	OpenReviews(ctx context.Context, records []int64) ([]Review, error)
	// Distinctions is Tx.Distinctions outside a transaction.
	Distinctions(ctx context.Context, citizens []uuid.UUID) ([][2]uuid.UUID, error)
	// ReserveRecordIDs takes n increasing record IDs for new records.
	ReserveRecordIDs(ctx context.Context, n int) ([]int64, error)

	// WriteChunk runs fn in one transaction: a chunk's writes and its checkpoint commit together
	// or not at all. The transaction holds the chunk's turn until it ends (BulkTx.AwaitTurn). It
	// does not retry: the caller re-reads and re-decides on ErrConflict.
	WriteChunk(ctx context.Context, turn ChunkTurn, fn func(tx BulkTx) error) error
}

// ChunkTurn names one chunk of one load among the transactions writing chunks.
type ChunkTurn struct {
	Load  uuid.UUID
	Chunk int
}

// Claim is a set of locks held by one process: they are released together, by Release or by
// the process's death.
type Claim interface {
	// Also takes one more lock; ErrConflict if another process holds it.
	Also(ctx context.Context, name string) error
	Release()
}

// BulkTx is the write side of one chunk. Every method writes a whole set with COPY or one
// array statement.
type BulkTx interface {
	// Now is the transaction's timestamp.
	Now() time.Time
	// Stamp sets the time the transaction's rows carry (Now by default): the loader stamps each
	// chunk later than the one before, so records keep the file's order in time as they would
	// through the submit path, even when two chunks' transactions start out of order.
	Stamp(t time.Time)
	// AwaitTurn returns once the transaction holding turn has ended (at once if none does). It
	// waits in the database, so that a cycle of waits through it (this transaction waiting for
	// the chunk before, which waits for a lock a third transaction holds, which waits for one
	// this transaction holds) is a deadlock the database detects and breaks, with ErrConflict.
	AwaitTurn(ctx context.Context, turn ChunkTurn) error
	// CitizenRecords returns the records actively linked to the citizens, with the fields golden
	// records are built from (Raw, Issues, the normalised birth date and sex, UpdatedAt).
	CitizenRecords(ctx context.Context, citizens []uuid.UUID) (map[uuid.UUID][]SourceRecord, error)
	// Goldens returns the stored golden records of the citizens (those that have one).
	Goldens(ctx context.Context, citizens []uuid.UUID) (map[uuid.UUID]GoldenRecord, error)
	// InsertRecords stores new records (IDs reserved) and their blocking keys (keys[i] are
	// recs[i]'s, in the store's form).
	InsertRecords(ctx context.Context, recs []SourceRecord, keys [][]matching.Digest) error
	// UpdateRecords stores new versions of existing records (Version already incremented),
	// keeping the versions they replace in the history, their blocking keys replaced by keys[i];
	// ErrConflict if any record's version moved on meanwhile.
	UpdateRecords(ctx context.Context, recs []SourceRecord, keys [][]matching.Digest) error
	InsertCitizens(ctx context.Context, ids []uuid.UUID) error
	// EndLinks ends the active links of the records; ErrConflict if one had none.
	EndLinks(ctx context.Context, recordIDs []int64, actor string) error
	InsertLinks(ctx context.Context, links []Link) error
	// InsertGoldens stores the golden records of new citizens.
	InsertGoldens(ctx context.Context, gs []GoldenRecord) error
	// SaveGoldens stores golden records that differ from the stored ones and returns the
	// citizens whose golden record changed.
	SaveGoldens(ctx context.Context, gs []GoldenRecord) ([]uuid.UUID, error)
	InsertReviews(ctx context.Context, rs []Review) error
	// InsertRejects keeps an upload's rejected rows for its uploader.
	InsertRejects(ctx context.Context, load uuid.UUID, rs []Reject) error
	// Checkpoint records a committed chunk and brings the job's counts up to date.
	Checkpoint(ctx context.Context, load uuid.UUID, c LoadCheckpoint) error
	// AppendEvents is Tx.AppendEvents: call it last.
	AppendEvents(ctx context.Context, events []Event) error
	// Tx is the same transaction through the single-record interface, for the rare changes a
	// chunk makes exactly as the submit path does (merging the citizens a row joins).
	Tx() Tx
}

// LoadJob is one bulk load: from a file (`registry load`) or an HTTP upload.
type LoadJob struct {
	ID           uuid.UUID
	Source       string
	Input        string // absolute file path, "-" for stdin, "upload"
	Kind         string // LoadKindFile or LoadKindUpload
	State        string
	Actor        string
	ModelVersion string
	Header       []string
	BytesTotal   int64
	BytesDone    int64
	Summary      LoadSummary
	Chunks       int
	Error        string
	CreatedAt    time.Time
	StartedAt    time.Time
	UpdatedAt    time.Time
	FinishedAt   time.Time
	// Running is true when a process is running the job now (a "running" job that nobody runs
	// was interrupted and waits to be resumed).
	Running bool
}

// Load kinds and states.
const (
	LoadKindFile   = "file"
	LoadKindUpload = "upload"

	LoadReceiving = "receiving"
	LoadQueued    = "queued"
	LoadRunning   = "running"
	LoadDone      = "done"
	LoadFailed    = "failed"
)

// LoadCheckpoint is one committed chunk of a load: how far into the input it reached, a hash of
// the input up to there (so a re-run skips it only when it reads the same rows), and its counts.
type LoadCheckpoint struct {
	Seq          int
	RowsThrough  int64
	BytesThrough int64
	PrefixHash   []byte
	Summary      LoadSummary
}

// ExistingRecord is what a chunk needs to know of a record it may update.
type ExistingRecord struct {
	ID          int64
	LocalID     string
	Version     int
	ContentHash []byte
	// Link is the active link (its RecordID is 0 when the record has none).
	Link       Link
	OpenReview bool
}

// IndexedRecord is a record as a loader's index holds it.
type IndexedRecord struct {
	MatchingRecord
	Keys []matching.Digest // in the store's form
}

// MatchingRecord is a record as candidate search sees it.
type MatchingRecord struct {
	ID         int64
	Normalized matching.Normalized
	CitizenID  uuid.UUID
}
