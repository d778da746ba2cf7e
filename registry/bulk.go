package registry

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"runtime/metrics"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// The bulk loader decides every row exactly as the submit path would decide it if the rows were
// submitted one by one in file order: same candidates (the same blocking keys, the same cap on
// unselective keys, counted as the submit path counts them at that row), same scores, same
// decision rule, same respect for steward decisions. Only the work is organised differently:
//
//   - candidate search reads the registry once per chunk (set-wise statements) into an in-memory
//     blocking index that the load keeps up to date with its own writes, and looks up earlier
//     rows of the chunk in memory;
//   - scoring, the expensive part, does not depend on earlier decisions and runs on every CPU;
//   - the decisions then replay the rows in order over the scored pairs (a cheap sequential
//     pass: which citizen each earlier record belongs to is all that changes as it goes);
//   - the chunk's records, versions, keys, citizens, links, golden records, reviews, events and
//     checkpoint are written with COPY in one transaction.
//
// Scores below the review threshold never influence a decision (the best candidate is then
// "new", and a runner-up only matters when it is itself plausible), so only plausible pairs are
// kept, with their full explanation.

// bulkRow is one valid row of the input on its way through the pipeline.
type bulkRow struct {
	line    int
	localID string
	person  Person

	// Set by normalisation.
	norm   matching.Normalized
	sketch matching.Sketch // norm's, to rule candidates out (scoreRow)
	issues []matching.Issue
	hash   []byte
	keys   []matching.Digest

	// Set by classification: the record's ID (reserved for a new record), its new version, and
	// for an update the state it had.
	id      int64
	version int
	update  bool
	current *Link
	openRev bool
	oldKeys []matching.Digest

	// Set by prepare: r.keys' places in the chunk's keys.
	keyRefs []int32

	// Set by scoring: plausible candidates (probability at or above the review threshold), by
	// record ID.
	cands []bulkCand
}

// chunkKey is a blocking key as one chunk sees it, looked up in the index once rather than at
// every row holding it: a national load holds millions of keys, and each lookup is a wait for
// memory.
type chunkKey struct {
	key   matching.Digest
	limit int // keyLimit
	// adds and rems are the positions in work of the rows that add it (their new keys) and of the
	// updates that remove it (their old keys), ascending.
	adds, rems []int32
	// entry is the index's entry for the key once prepare read what the registry holds.
	entry keyEntry
}

type bulkCand struct {
	id  int64
	cmp matching.Comparison
}

// bulkLoader writes chunks of one load.
type bulkLoader struct {
	s            *Service
	bs           BulkStore
	model        *matching.Model
	bounds       *matching.ScoreBounds // the model's, for scoring pairs with an early exit
	source       string
	actor        string
	job          uuid.UUID
	storeRejects bool
	maxPerKey    int // the service's cap on selective keys (keyLimit)
	idx          *bulkIndex
	inflight     []*chunkWrite // oldest first
	lastStamp    time.Time     // the time the last committed chunk's rows carry
	scratches    []*scratch    // the scoring workers', kept from chunk to chunk
	// maxIndexBytes bounds the index's memory; past it the index is dropped and rebuilt from
	// the database as later chunks need it.
	maxIndexBytes int64
	// inputSize is the input's size in bytes, 0 when not known (LoadOptions.Size).
	inputSize int64
	// indexStarted is set once the index was given its start (startIndex), at the first chunk
	// with rows to match.
	indexStarted bool
	// reviews are the reviews this load opened, by record, for a later row that may confirm
	// one (confirmReview) while the chunk that opened it is still being written. One closed
	// since by a merge no longer has its record on its provisional citizen, which confirmReview
	// checks; the write checks that a confirmed review is still open.
	reviews map[int64]Review
	// joined are the citizens records joined during this load (linked to them or merged into
	// them): a review whose provisional citizen is among them no longer waits alone.
	joined map[uuid.UUID]bool
}

// maxChunkAttempts bounds the retries of a chunk that conflicted with a concurrent change.
const maxChunkAttempts = 4

// The loader overlaps the database's work with its own: while chunk k is written (COPY, mostly
// the database's CPU), chunk k+1 is classified, scored and decided (mostly the loader's CPU),
// on an index that already holds chunk k's decisions. The overlap never changes a decision:
// what chunk k+1 reads from the database is what chunk k does not touch (its rows' keys and
// records are in the index already), and what depends on chunk k's writes (citizens' record
// counts, golden records) is read only once chunk k has committed. Chunks commit in order, so
// an interruption still leaves a prefix of whole chunks.

// committedChunk is a chunk whose transaction committed, with what it did.
type committedChunk struct {
	ch  *rawChunk
	sum LoadSummary
}

// chunkWrite is a chunk being written in the background.
type chunkWrite struct {
	ch   *rawChunk
	plan *chunkPlan
	sum  LoadSummary
	done chan struct{}
	err  error
	// stamp is the time the chunk's rows carry, set before stamped is closed.
	stamp   time.Time
	stamped chan struct{}
}

// writeOrder orders a chunk's transaction after the chunk before's: its rows' time after that
// chunk's, its commit after that chunk's commit.
type writeOrder struct {
	// floor is the time the chunk before's rows carry.
	floor func() time.Time
	// stamped publishes this chunk's time.
	stamped func(time.Time)
	// wait returns once the chunk before committed, or errPredecessor if it failed; it waits
	// in tx (BulkTx.AwaitTurn) first.
	wait func(ctx context.Context, tx BulkTx) error
	// pending is the chunk before while it may not have committed (nil if none): the citizens
	// it creates or touches are written by this chunk only after wait.
	pending *chunkPlan
}

// maxInflight is how many chunk transactions may be open at once: two lets the database write
// one chunk's records while it finishes the one before.
const maxInflight = 2

// errRedo reports that chunks before the current one had to be redone from fresh reads, so
// whatever the current one based on the failed attempt is void.
var errRedo = errors.New("previous chunks redone")

// errPredecessor aborts a chunk's transaction when the chunk before it failed.
var errPredecessor = errors.New("the chunk before failed")

// push decides chunk ch and starts writing it. It returns the chunks whose writes completed
// meanwhile, in order.
func (l *bulkLoader) push(ctx context.Context, ch *rawChunk) ([]committedChunk, error) {
	var done []committedChunk
	for attempt := 1; ; attempt++ {
		plan, sum, err := l.compute(ctx, ch, &done)
		if err == nil {
			plan.apply() // so that the next chunk sees this one's decisions while it is written
			if len(l.inflight) == maxInflight {
				err = l.settleFirst(ctx, &done)
			}
			if err == nil {
				l.start(ctx, ch, plan, sum)
				if l.idx.full(l.maxIndexBytes) {
					// Over its memory budget, the index starts again from the database, which must
					// then hold everything decided so far.
					l.s.log.Info("bulk load index over its memory budget: rebuilding it from the database",
						"load_id", l.job, "records", l.idx.known.len(), "keys", len(l.idx.keys), "index_mib", l.idx.bytes>>20, "heap_live_mib", heapLiveMiB())
					if err := l.settleAll(ctx, &done); err != nil && !errors.Is(err, errRedo) {
						l.drain()
						return done, err
					}
					l.idx = newBulkIndex()
				}
				return done, nil
			}
		}
		if !errors.Is(err, errRedo) || attempt == maxChunkAttempts {
			l.drain()
			return done, err
		}
	}
}

// start writes a chunk in the background; its transaction commits only after the chunk before.
func (l *bulkLoader) start(ctx context.Context, ch *rawChunk, plan *chunkPlan, sum LoadSummary) {
	var prev *chunkWrite
	if n := len(l.inflight); n > 0 {
		prev = l.inflight[n-1]
	}
	w := &chunkWrite{ch: ch, plan: plan, sum: sum, done: make(chan struct{}), stamped: make(chan struct{})}
	l.inflight = append(l.inflight, w)
	last := l.lastStamp
	var once sync.Once
	order := writeOrder{
		floor: func() time.Time {
			if prev == nil {
				return last
			}
			<-prev.stamped
			return prev.stamp
		},
		stamped: func(t time.Time) { once.Do(func() { w.stamp = t; close(w.stamped) }) },
		wait: func(ctx context.Context, tx BulkTx) error {
			if prev == nil {
				return nil
			}
			// The chunk before took its turn before it stamped its time, which floor awaited.
			if err := tx.AwaitTurn(ctx, ChunkTurn{Load: l.job, Chunk: prev.ch.seq}); err != nil {
				return err
			}
			<-prev.done
			if prev.err != nil {
				return errPredecessor
			}
			return nil
		},
	}
	if prev != nil {
		order.pending = prev.plan
	}
	go func() {
		defer close(w.done)
		defer order.stamped(time.Time{}) // a chunk that failed early must not block the next one
		w.err = l.write(ctx, plan, ch, sum, order)
	}()
}

// finish waits for the writes in flight and returns the chunks committed meanwhile.
func (l *bulkLoader) finish(ctx context.Context) ([]committedChunk, error) {
	var done []committedChunk
	err := l.settleAll(ctx, &done)
	if errors.Is(err, errRedo) {
		err = nil // the last chunks were redone synchronously: nothing depends on them
	}
	return done, err
}

func (l *bulkLoader) settleAll(ctx context.Context, done *[]committedChunk) error {
	for len(l.inflight) > 0 {
		if err := l.settleFirst(ctx, done); err != nil {
			return err
		}
	}
	return nil
}

// drain waits for the writes in flight, whatever their outcome, and forgets them.
func (l *bulkLoader) drain() {
	for _, w := range l.inflight {
		<-w.done
	}
	l.inflight = nil
}

// settleFirst waits for the oldest write in flight. If it conflicted with a concurrent change,
// settleFirst redoes it and the chunks after it from fresh reads and returns errRedo.
func (l *bulkLoader) settleFirst(ctx context.Context, done *[]committedChunk) error {
	w := l.inflight[0]
	<-w.done
	if w.err == nil {
		l.inflight = l.inflight[1:]
		l.lastStamp = w.stamp
		*done = append(*done, committedChunk{w.ch, w.sum})
		return nil
	}
	// The chunks after it abort (their transactions wait for this one's); let them finish.
	redo := make([]*rawChunk, 0, len(l.inflight))
	for _, x := range l.inflight {
		redo = append(redo, x.ch)
	}
	l.drain()
	if !errors.Is(w.err, ErrConflict) {
		return w.err
	}
	l.conflicted(w.ch, 1, w.err)
	for _, ch := range redo {
		sum, err := l.commit(ctx, ch, 2)
		if err != nil {
			return err
		}
		*done = append(*done, committedChunk{ch, sum})
	}
	return errRedo
}

// conflicted forgets everything the loader holds in memory after a chunk conflicted with a
// concurrent change (someone changed records or citizens it had read).
func (l *bulkLoader) conflicted(ch *rawChunk, attempt int, err error) {
	l.s.log.Warn("bulk load chunk conflicted with a concurrent change; retrying",
		"load_id", l.job, "chunk", ch.seq, "attempt", attempt, "err", err)
	l.idx, l.indexStarted = newBulkIndex(), false
	l.reviews = map[int64]Review{}
	l.joined = map[uuid.UUID]bool{}
}

// commit decides and writes one chunk synchronously (nothing else in flight), retrying it from
// fresh reads when a concurrent change conflicts with it.
func (l *bulkLoader) commit(ctx context.Context, ch *rawChunk, firstAttempt int) (LoadSummary, error) {
	var err error
	for attempt := firstAttempt; attempt <= maxChunkAttempts; attempt++ {
		var plan *chunkPlan
		var sum LoadSummary
		if plan, sum, err = l.compute(ctx, ch, nil); err == nil {
			plan.apply()
			var stamp time.Time
			order := writeOrder{
				floor:   func() time.Time { return l.lastStamp },
				stamped: func(t time.Time) { stamp = t },
				wait:    func(context.Context, BulkTx) error { return nil },
			}
			if err = l.write(ctx, plan, ch, sum, order); err == nil {
				l.lastStamp = stamp
				return sum, nil
			}
		}
		if !errors.Is(err, ErrConflict) {
			return LoadSummary{}, err
		}
		l.conflicted(ch, attempt, err)
	}
	return LoadSummary{}, fmt.Errorf("chunk %d: %w", ch.seq, err)
}

// compute classifies, scores and decides a chunk. done is where a chunk that committed
// meanwhile is reported (nil when nothing is in flight).
func (l *bulkLoader) compute(ctx context.Context, ch *rawChunk, done *[]committedChunk) (*chunkPlan, LoadSummary, error) {
	sum := ch.summary
	t0 := time.Now()
	work, err := l.classify(ctx, ch, &sum)
	if err != nil {
		return nil, LoadSummary{}, err
	}
	plan := &chunkPlan{l: l, work: work, pos: make(map[int64]int32, len(work)), updated: map[int64]int32{}, start: t0,
		events: make([]Event, 0, 3*len(work))} // a new citizen, its link and its golden record, for most rows
	for i, r := range work {
		plan.pos[r.id] = int32(i)
		if r.update {
			plan.updated[r.id] = int32(i)
		}
		if r.update && done != nil {
			// Updates count their citizens' records, which must include the chunks in flight.
			if err := l.settleAll(ctx, done); err != nil {
				return nil, LoadSummary{}, err
			}
			done = nil
		}
	}
	plan.lap("classify")
	if !l.indexStarted && len(work) > 0 {
		if err := l.startIndex(ctx, ch); err != nil {
			return nil, LoadSummary{}, err
		}
	}
	if err := plan.prepare(ctx); err != nil {
		return nil, LoadSummary{}, err
	}
	plan.lap("prepare")
	plan.scoreAll()
	plan.lap("score")
	if err := plan.decide(ctx); err != nil {
		return nil, LoadSummary{}, err
	}
	plan.lap("decide")
	for i := range work {
		r := &work[i]
		if r.update {
			sum.Updated++
		} else {
			sum.Loaded++
		}
		switch plan.outcome[i] {
		case OutcomeLinked:
			sum.Linked++
		case OutcomeCreated:
			sum.Created++
		case OutcomeReview:
			sum.Reviews++
		}
		sum.Flagged += len(r.issues)
	}
	return plan, sum, nil
}

// write writes the chunk in one transaction ordered after the chunk before (see writeOrder).
func (l *bulkLoader) write(ctx context.Context, plan *chunkPlan, ch *rawChunk, sum LoadSummary, order writeOrder) error {
	if err := l.bs.WriteChunk(ctx, ChunkTurn{Load: l.job, Chunk: ch.seq}, func(tx BulkTx) error { return plan.write(ctx, tx, ch, sum, order) }); err != nil {
		return err
	}
	plan.lap("commit")
	l.s.log.Debug("bulk load chunk committed", append([]any{"load_id", l.job, "chunk", ch.seq, "rows", len(ch.rows),
		"pairs_scored", plan.scored.Load(), "pairs_ruled_out", plan.ruledOut.Load(), "pairs_kept", plan.kept(),
		"index_mib", plan.indexMiB, "heap_live_mib", heapLiveMiB()}, plan.timings...)...)
	return nil
}

// heapLiveMiB is the heap the last garbage collection found live: with a soft memory limit the
// process's size says little about what the loader's index holds.
func heapLiveMiB() uint64 {
	m := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(m)
	if m[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return m[0].Value.Uint64() >> 20
}

// classify looks the chunk's rows up in the registry: unchanged rows are counted and dropped,
// changed ones become updates, the rest new records with reserved IDs.
func (l *bulkLoader) classify(ctx context.Context, ch *rawChunk, sum *LoadSummary) ([]bulkRow, error) {
	ids := make([]string, len(ch.rows))
	for i, r := range ch.rows {
		ids[i] = r.localID
	}
	var existing []ExistingRecord
	if !l.idx.sourceNew {
		var err error
		if existing, err = l.bs.ExistingRecords(ctx, l.source, ids); err != nil {
			return nil, fmt.Errorf("look up existing records: %w", err)
		}
	}
	byID := make(map[string]*ExistingRecord, len(existing))
	for i := range existing {
		byID[existing[i].LocalID] = &existing[i]
	}
	work := make([]bulkRow, 0, len(ch.rows))
	var updated []int64
	newRows := 0
	for _, r := range ch.rows {
		if e, ok := byID[r.localID]; ok {
			if bytes.Equal(e.ContentHash, r.hash) {
				sum.Unchanged++
				continue
			}
			r.id, r.version, r.update, r.openRev = e.ID, e.Version+1, true, e.OpenReview
			if e.Link.RecordID != 0 {
				link := e.Link
				r.current = &link
			}
			updated = append(updated, e.ID)
		} else {
			r.version = 1
			newRows++
		}
		r.cands, r.oldKeys = nil, nil
		work = append(work, r)
	}
	if len(updated) > 0 {
		old, err := l.bs.RecordKeys(ctx, updated)
		if err != nil {
			return nil, fmt.Errorf("read blocking keys: %w", err)
		}
		for i := range work {
			if work[i].update {
				work[i].oldKeys = old[work[i].id]
			}
		}
	}
	reserved, err := l.bs.ReserveRecordIDs(ctx, newRows)
	if err != nil {
		return nil, fmt.Errorf("reserve record IDs: %w", err)
	}
	l.idx.reserved(reserved)
	for i := range work {
		if !work[i].update {
			work[i].id, reserved = reserved[0], reserved[1:]
		}
	}
	return work, nil
}

// chunkPlan is a chunk between reading and writing.
type chunkPlan struct {
	l    *bulkLoader
	work []bulkRow
	pos  map[int64]int32 // record ID -> position in work
	// updated is pos for the rows that update a record the registry holds: the only rows whose
	// record a blocking key's registry postings may name (a new record's ID is new).
	updated map[int64]int32

	// keys are the blocking keys the chunk's rows hold or drop, each resolved once (a row's
	// keyRefs point into it).
	keys []chunkKey

	// Decisions, by position.
	citizen []uuid.UUID
	outcome []Outcome
	score   []float64

	newCitizens []uuid.UUID
	newCitizen  map[uuid.UUID]bool
	links       []Link
	ended       []int64
	reviews     []Review
	events      []Event
	touched     map[uuid.UUID]bool
	// merges are the automatic merges of citizens that rows joined (see bridge), in row order;
	// merged maps each retired citizen to its survivor for the rows after.
	merges []plannedMerge
	merged map[uuid.UUID]uuid.UUID
	// chunkReviews are the reviews earlier rows opened (record -> position in reviews);
	// oldReviews the open reviews from before the load a row could confirm.
	chunkReviews map[int64]int
	oldReviews   map[int64]Review
	// joined are the citizens this chunk's rows joined; provisional how many records the
	// provisional citizens of the reviews a row could settle held when the chunk was decided.
	joined      map[uuid.UUID]bool
	provisional map[uuid.UUID]int
	// members holds the records the touched existing citizens keep from before the chunk, for
	// those whose golden records are rebuilt; extended the golden records of the others.
	members  map[uuid.UUID][]SourceRecord
	extended []GoldenRecord

	// Phase timings, the pairs scored and the index's estimated size once the chunk was applied,
	// for operators tuning a load (debug level).
	indexMiB int64
	start    time.Time
	timings  []any
	scored   atomic.Int64
	ruledOut atomic.Int64
}

func (p *chunkPlan) lap(phase string) {
	p.timings = append(p.timings, phase+"_ms", time.Since(p.start).Milliseconds())
}

// prepare brings into memory every key the chunk's rows hold or drop, and every record those
// keys can make a candidate.
func (p *chunkPlan) prepare(ctx context.Context) error {
	l, idx := p.l, p.l.idx
	n := 0 // the keys rows hold or drop, counting each once a row: room for the chunk's keys
	for i := range p.work {
		n += len(p.work[i].keys) + len(p.work[i].oldKeys)
	}
	refs := make(map[matching.Digest]int32, n)
	p.keys = make([]chunkKey, 0, n)
	ref := func(k matching.Digest) int32 {
		j, ok := refs[k]
		if !ok {
			j = int32(len(p.keys))
			refs[k] = j
			p.keys = append(p.keys, chunkKey{key: k, limit: l.keyLimit(k)})
		}
		return j
	}
	for i := range p.work {
		r := &p.work[i]
		r.keyRefs = make([]int32, len(r.keys))
		for j, k := range r.keys {
			r.keyRefs[j] = ref(k)
			ck := &p.keys[r.keyRefs[j]]
			ck.adds = append(ck.adds, int32(i))
		}
		for _, k := range r.oldKeys {
			ck := &p.keys[ref(k)]
			ck.rems = append(ck.rems, int32(i))
		}
	}
	if idx.whole {
		if err := l.meetOthers(ctx); err != nil {
			return err
		}
	}
	var keys []matching.Digest
	var limits []int
	for i := range p.keys {
		ck := &p.keys[i]
		rem := len(ck.rems)
		e, ok := idx.keys[ck.key]
		ck.entry = e
		if !ok && idx.whole {
			continue // held by no record
		}
		// A truncated key is known to stay over the cap unless this chunk's updates drop
		// enough of its records; then its exact records are needed after all.
		if ok && (!e.truncated || int(e.count)-rem > ck.limit) {
			continue
		}
		keys = append(keys, ck.key)
		limits = append(limits, ck.limit+1+rem)
	}
	if len(keys) > 0 {
		postings, err := l.bs.KeyPostings(ctx, keys, limits)
		if err != nil {
			return fmt.Errorf("read blocking keys: %w", err)
		}
		for i, k := range keys {
			ids := postings[k]
			idx.setKey(k, ids, len(ids), len(ids) >= limits[i])
			ck := &p.keys[refs[k]]
			ck.entry = idx.keys[ck.key]
		}
	}
	// Records that a usable key may offer as candidates and that are not in memory yet.
	missing := map[int64]bool{}
	var one [1]int32
	for i := range p.keys {
		ck := &p.keys[i]
		e := ck.entry
		if len(ck.adds) == 0 || e.truncated || int(e.count)-len(ck.rems) > ck.limit {
			continue // no row holds it, or over the cap at every row of this chunk
		}
		for _, s := range idx.postings(e, &one) {
			if k := idx.known.at(s); !k.read() {
				missing[k.id] = true
			}
		}
	}
	if len(missing) > 0 {
		ids := make([]int64, 0, len(missing))
		for id := range missing {
			ids = append(ids, id)
		}
		recs, err := l.bs.MatchingRecords(ctx, ids)
		if err != nil {
			return fmt.Errorf("read candidate records: %w", err)
		}
		for i := range recs {
			idx.learn(idx.slot(recs[i].ID), &recs[i].Normalized, recs[i].CitizenID)
		}
	}
	return nil
}

// recordsPage is how many records startIndex and meetOthers read per statement.
const recordsPage = 50_000

// indexReadsAhead is how many ranges of records startIndex reads at once.
const indexReadsAhead = 2

// indexSpan is the range of IDs startIndex reads per statement from a registry of about n
// records: a sixteenth of them, so that a small registry's are read in ranges side by side too,
// at least 64 and at most recordsPage.
func indexSpan(n int64) int64 {
	return min(max(n/16, 64), recordsPage)
}

// wholeRecordBytes is what a record takes in the index with its keys, about, in the index's own
// estimate (bulkIndex.bytes): 431 bytes measured on a 1M-record civil-registry file, 406 at the
// end of a second source's million against 3M records (docs/benchmarks.md).
const wholeRecordBytes = 448

// startIndex gives the empty index its start, at the first chunk with rows to match (ch). When
// the registry's records fit in the index's memory budget beside the records the load will add
// it reads them all, so that the index is whole: no key of any row then needs looking up in the
// database (an empty registry is the simplest case). Otherwise keys are read as chunks need them
// (prepare). Either way decisions are the same: a key's records are counted towards its cap
// exactly, unlinked records included.
func (l *bulkLoader) startIndex(ctx context.Context, ch *rawChunk) error {
	l.indexStarted = true
	last, err := l.bs.LastRecordID(ctx)
	if err != nil {
		return fmt.Errorf("read the registry's size: %w", err)
	}
	budget := l.registryBudget(ch)
	if last*wholeRecordBytes > budget {
		return nil
	}
	idx, t0 := l.idx, time.Now()
	// The registry is read in ranges of IDs, two at once, and indexed range by range in order:
	// the database's reading, the decoding of the rows and the indexing overlap. Each range's
	// read waits for no other, where a page of the first records above the last one read waits
	// for that one. Records committed meanwhile above last are read after, a page at a time.
	ctx, cancel := context.WithCancel(ctx)
	var reads sync.WaitGroup
	defer reads.Wait()
	defer cancel()
	type page struct {
		recs  []IndexedRecord
		forms []recordForm // of recs, made as they are read
		err   error
	}
	read := func(after, through int64, limit int) page {
		recs, err := l.bs.IndexRecords(ctx, after, through, limit)
		forms := make([]recordForm, len(recs))
		parallelFor(len(recs), func(i int) {
			if recs[i].CitizenID != uuid.Nil {
				forms[i] = formOf(&recs[i].Normalized)
			}
		})
		return page{recs, forms, err}
	}
	start, span := idx.seen, indexSpan(last-idx.seen)
	pages := make(chan chan page, indexReadsAhead-1)
	reads.Go(func() {
		defer close(pages)
		for after := start; after < last; after += span {
			res := make(chan page, 1)
			select {
			case pages <- res:
			case <-ctx.Done():
				return
			}
			through := min(after+span, last)
			reads.Go(func() { res <- read(after, through, int(span)) })
		}
	})
	// index indexes a page's records, reporting whether the index outgrew its budget.
	index := func(pg page) bool {
		for i := range pg.recs {
			r := &pg.recs[i]
			s := idx.slot(r.ID)
			if r.CitizenID != uuid.Nil {
				idx.learnForm(s, &pg.forms[i], r.CitizenID)
			}
			for _, k := range r.Keys {
				idx.addPosting(k, s, l.keyLimit(k))
			}
			idx.seen = r.ID
		}
		return idx.full(budget)
	}
	full := false
	for res := range pages {
		pg := <-res
		if pg.err != nil {
			return fmt.Errorf("read the registry's records: %w", pg.err)
		}
		if full = index(pg); full {
			break
		}
	}
	for after := max(idx.seen, last); !full; {
		pg := read(after, math.MaxInt64, recordsPage)
		if pg.err != nil {
			return fmt.Errorf("read the registry's records: %w", pg.err)
		}
		full = index(pg)
		if len(pg.recs) < recordsPage {
			break
		}
		after = pg.recs[len(pg.recs)-1].ID
	}
	if full {
		l.s.log.Info("bulk load index: the registry is larger than it seemed; reading its keys as chunks need them",
			"load_id", l.job, "records", idx.known.len(), "index_mib", idx.bytes>>20)
		l.idx = newBulkIndex()
		return nil
	}
	has, err := l.bs.SourceHasRecords(ctx, l.source, nil)
	if err != nil {
		return fmt.Errorf("read the registry's records: %w", err)
	}
	idx.whole, idx.sourceNew = true, !has
	l.s.log.Debug("bulk load index holds the whole registry", "load_id", l.job, "records", idx.known.len(),
		"keys", len(idx.keys), "index_mib", idx.bytes>>20, "ms", time.Since(t0).Milliseconds())
	return nil
}

// registryBudget is how much of the index's memory budget the registry's records may take for
// the index to hold them all, the rest being for the load's own: half the budget, or more when
// the input's size is known and its rows (those read so far by their bytes, ch, scaled to the
// whole input) leave more. A load that adds more than was left grows the index past its budget,
// which then starts again from the database (push): the same decisions, more time.
func (l *bulkLoader) registryBudget(ch *rawChunk) int64 {
	half := l.maxIndexBytes / 2
	if l.inputSize <= 0 || ch.bytesThrough <= 0 || ch.rowsThrough <= 0 {
		return half
	}
	rows := int64(float64(l.inputSize) / float64(ch.bytesThrough) * float64(ch.rowsThrough))
	return max(half, l.maxIndexBytes-rows*wholeRecordBytes)
}

// meetOthers brings into a whole index the records that were added since it last looked and
// that it has not met: another writer's. The loader's own records are in the index already (or
// not committed yet, and so not read). A record whose transaction was still open when the index
// looked past its ID is not met: the same as a record that comes after the index first read a
// key, which it never sees either.
func (l *bulkLoader) meetOthers(ctx context.Context) error {
	idx := l.idx
	var others []int64
	for {
		ids, err := l.bs.RecordsAfter(ctx, idx.seen, idx.own, recordsPage)
		if err != nil {
			return fmt.Errorf("read new records: %w", err)
		}
		for _, id := range ids {
			if _, met := idx.slots[id]; !met {
				others = append(others, id)
			}
		}
		if len(ids) > 0 {
			idx.seen = ids[len(ids)-1]
		}
		if len(ids) < recordsPage {
			break
		}
	}
	idx.own = slices.DeleteFunc(idx.own, func(r IDRange) bool { return r.To <= idx.seen })
	if len(others) == 0 {
		return nil
	}
	if idx.sourceNew {
		has, err := l.bs.SourceHasRecords(ctx, l.source, others)
		if err != nil {
			return fmt.Errorf("read new records: %w", err)
		}
		idx.sourceNew = !has
	}
	keys, err := l.bs.RecordKeys(ctx, others)
	if err != nil {
		return fmt.Errorf("read blocking keys: %w", err)
	}
	recs, err := l.bs.MatchingRecords(ctx, others)
	if err != nil {
		return fmt.Errorf("read new records: %w", err)
	}
	for _, id := range others {
		s := idx.slot(id)
		for _, k := range keys[id] {
			idx.addPosting(k, s, l.keyLimit(k))
		}
	}
	for i := range recs {
		idx.learn(idx.slot(recs[i].ID), &recs[i].Normalized, recs[i].CitizenID)
	}
	l.s.log.Debug("bulk load met records written beside it", "load_id", l.job, "records", len(others))
	return nil
}

// kept is how many plausible pairs scoring kept.
func (p *chunkPlan) kept() int {
	n := 0
	for i := range p.work {
		n += len(p.work[i].cands)
	}
	return n
}

// countUpTo counts the positions in ps (ascending) that are at most i.
func countUpTo(ps []int32, i int32) int {
	return sort.Search(len(ps), func(j int) bool { return ps[j] > i })
}

// scoreAll finds and scores every row's candidates on every CPU.
func (p *chunkPlan) scoreAll() {
	l := p.l
	for len(l.scratches) < runtime.GOMAXPROCS(0) {
		l.scratches = append(l.scratches, &scratch{})
	}
	next := make(chan int, len(l.scratches)*2)
	var wg sync.WaitGroup
	for _, s := range l.scratches {
		s.grow(len(p.work))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				p.scoreRow(int32(i), s)
			}
		}()
	}
	for i := range p.work {
		next <- i
	}
	close(next)
	wg.Wait()
}

// scoreRow does for one row what the submit path's candidate search and scoring do: the records
// sharing a usable key with it as they stand at its turn, each compared with it.
func (p *chunkPlan) scoreRow(i int32, s *scratch) {
	l, idx := p.l, p.l.idx
	r := &p.work[i]
	s.nextRow()
	cands := s.cands[:0]
	var one [1]int32
	// Most candidates of a national register are people who share a name and a place but whose
	// NIK, birth date, sex, phone or birth place say otherwise: their sketches, kept beside their
	// places, rule them out before their records are read (matching.ScoreBounds.RuledOut on
	// their identities, then Below).
	bounds, threshold := l.bounds, l.model.ReviewWeight()-1e-6
	ruledOut := 0
	// The registry's records first: each once, gathered in a set of the row's own (marks in an
	// array over every known record missed the cache at each posting), their sketches then read
	// in a loop of independent reads, which the processor overlaps, before any is looked at.
	s.slots.reset()
	s.usable = s.usable[:0]
	for _, ref := range r.keyRefs {
		ck := &p.keys[ref]
		e := ck.entry
		usable := !e.truncated && int(e.count)-countUpTo(ck.rems, i)+countUpTo(ck.adds, i) <= ck.limit
		s.usable = append(s.usable, usable)
		if !usable {
			continue // too unselective at this row: the submit path skips it too
		}
		for _, slot := range idx.postings(e, &one) {
			s.slots.add(slot)
		}
	}
	s.sketches = s.sketches[:0]
	for _, slot := range s.slots.list {
		s.sketches = append(s.sketches, *idx.sketches.at(slot))
	}
	for j, slot := range s.slots.list {
		if sk := &s.sketches[j]; bounds.RuledOut(&r.sketch, sk, threshold) || bounds.Below(&r.sketch, sk, threshold) {
			ruledOut++
			continue
		}
		k := idx.known.at(slot)
		if !k.read() {
			continue // no active link: the submit path's search does not see it either
		}
		// The registry's version of a record this chunk updates is a candidate only before the
		// update's row.
		if len(p.updated) > 0 {
			if pos, ok := p.updated[k.id]; ok && pos <= i {
				continue
			}
		}
		cands = append(cands, candidate{norm: k.norm, id: k.id, pos: -1})
	}
	// Then the chunk's rows before this one.
	for j, ref := range r.keyRefs {
		if !s.usable[j] {
			continue
		}
		for _, pos := range p.keys[ref].adds {
			if pos >= i {
				break
			}
			if s.seenRow[pos] != s.row {
				s.seenRow[pos] = s.row
				if w := &p.work[pos]; bounds.RuledOut(&r.sketch, &w.sketch, threshold) || bounds.Below(&r.sketch, &w.sketch, threshold) {
					ruledOut++
					continue
				}
				cands = append(cands, candidate{id: p.work[pos].id, pos: pos})
			}
		}
	}
	s.cands = cands
	// The candidates' records lie anywhere in a heap of gigabytes: read one after another as
	// they are scored, each is a wait for memory. Touched first, in a loop of independent
	// reads, the processor waits for many at once, and scoring then finds them in its cache.
	var touch byte
	for _, c := range cands {
		if n := len(c.norm); n > 0 {
			touch += c.norm[0] + c.norm[n/2] + c.norm[n-1]
		}
	}
	s.touch += touch
	model := l.model
	r.cands = r.cands[:0]
	for _, c := range cands {
		// What normOf answers, without looking the record up again.
		other := &s.norm
		if c.pos >= 0 {
			other = &p.work[c.pos].norm
		} else {
			s.words = c.norm.Unpack(&s.norm, s.words)
		}
		// Only pairs reaching the threshold are kept: the bounds rule out most of the rest
		// without comparing their expensive fields (MayReach), and Compare decides on what they
		// let through (nearly all of which reach it when a load links to the registry's citizens).
		comparison, ok := bounds.Compare(&r.norm, other, threshold)
		if ok && comparison.Probability >= model.ReviewProbability {
			r.cands = append(r.cands, bulkCand{id: c.id, cmp: comparison})
		}
	}
	slices.SortFunc(r.cands, func(a, b bulkCand) int { return cmp.Compare(a.id, b.id) })
	p.scored.Add(int64(len(cands) + ruledOut))
	p.ruledOut.Add(int64(ruledOut))
}

// candidate is a record in the registry (with its packed form) or an earlier row of the chunk
// (work[pos]). Record IDs are unique within a chunk, and the two never name the same one: a
// record the chunk updates is a candidate in its registry version before the update's row, in
// its new one after.
type candidate struct {
	norm matching.Packed
	id   int64
	pos  int32 // -1 for a record in the registry
}

// scratch is a scoring worker's reusable memory.
type scratch struct {
	// slots are the registry's records met for the row being scored, by position in the index;
	// sketches theirs, read ahead.
	slots    slotSet
	sketches []matching.Sketch
	usable   []bool // whether each of the row's keys is usable at its turn
	// seenRow marks the chunk's rows met for the row being scored (the row's number, counted by
	// the worker from 1), by position in the chunk.
	row     uint32
	seenRow []uint32
	cands   []candidate
	norm    matching.Normalized // the candidate being scored, unpacked from the index
	words   []string
	touch   byte // what reading the candidates ahead read, kept so that it is done
}

// grow makes room for marks on chunk rows. The marks of earlier chunks stay: they are of rows
// before the current one.
func (s *scratch) grow(rows int) {
	if n := rows - len(s.seenRow); n > 0 {
		s.seenRow = append(s.seenRow, make([]uint32, n)...)
	}
}

// nextRow starts marking the candidates of another row.
func (s *scratch) nextRow() {
	if s.row == math.MaxUint32 {
		clear(s.seenRow)
		s.row = 0
	}
	s.row++
}

// slotSet is a set of positions in the index, listed in the order they were added: one row's
// candidates among the registry's records. Its open-addressed table is small enough to stay in
// the processor's cache, and stamped with a generation, so that a new row clears nothing.
type slotSet struct {
	list  []int32
	table []slotEntry // a power of two long, at least twice the list
	shift uint32      // 32 - log2(len(table)): a slot's place is the top bits of its hash
	gen   uint32
}

type slotEntry struct {
	gen  uint32
	slot int32
}

func (s *slotSet) reset() {
	s.list = s.list[:0]
	if s.gen++; s.gen == 0 || len(s.table) == 0 {
		s.resize(max(len(s.table), 1024))
	}
}

// resize makes the table n long (a power of two) and adds the listed slots again.
func (s *slotSet) resize(n int) {
	s.table, s.shift, s.gen = make([]slotEntry, n), uint32(32-bits.TrailingZeros(uint(n))), 1
	list := slices.Clone(s.list)
	s.list = s.list[:0]
	for _, slot := range list {
		s.add(slot)
	}
}

// add adds slot, unless it is in the set.
func (s *slotSet) add(slot int32) {
	if 2*(len(s.list)+1) > len(s.table) {
		s.resize(2 * len(s.table))
	}
	mask := uint32(len(s.table) - 1)
	for i := (uint32(slot) * 0x9E3779B1) >> s.shift; ; i = (i + 1) & mask {
		e := &s.table[i]
		if e.gen != s.gen {
			*e = slotEntry{s.gen, slot}
			s.list = append(s.list, slot)
			return
		}
		if e.slot == slot {
			return
		}
	}
}

// plannedMerge is an automatic merge a row decided: retired joins survivor.
type plannedMerge struct {
	retired, survivor uuid.UUID
	record            int64
	review            uuid.UUID // the review the merge settles (confirmReview); uuid.Nil for a bridge
	reviewed          int64     // that review's record
}

// citizenOf is the citizen record id belongs to at row i's turn.
func (p *chunkPlan) citizenOf(id int64, i int32) uuid.UUID {
	if pos, ok := p.pos[id]; ok && pos < i {
		return p.survivor(p.citizen[pos])
	}
	if k, ok := p.l.idx.record(id); ok {
		return p.survivor(k.citizen)
	}
	return uuid.Nil
}

// survivor follows c through the merges of earlier chunks and of this chunk's earlier rows.
func (p *chunkPlan) survivor(c uuid.UUID) uuid.UUID {
	for {
		if s, ok := p.merged[c]; ok {
			c = s
		} else if s, ok := p.l.idx.merged[c]; ok {
			c = s
		} else {
			return c
		}
	}
}

// normOf is the normalised form of candidate record id at row i's turn.
func (p *chunkPlan) normOf(id int64, i int32) *matching.Normalized {
	if pos, ok := p.pos[id]; ok && pos < i {
		return &p.work[pos].norm
	}
	if k, ok := p.l.idx.record(id); ok {
		n := k.norm.Normalized()
		return &n
	}
	return nil
}

// decide replays the submit path's decision for every row in order.
func (p *chunkPlan) decide(ctx context.Context) error {
	l := p.l
	n := len(p.work)
	p.citizen, p.outcome, p.score = make([]uuid.UUID, n), make([]Outcome, n), make([]float64, n)
	p.touched, p.newCitizen = map[uuid.UUID]bool{}, map[uuid.UUID]bool{}
	p.merges, p.merged = nil, map[uuid.UUID]uuid.UUID{}

	// What the decisions read beyond the scores: steward distinctions among the citizens a row
	// could concern (only rows with two or more of them), and how many records the current
	// citizens of updated records hold.
	var ask []uuid.UUID
	var currents []uuid.UUID
	for i := range p.work {
		r := &p.work[i]
		if r.current != nil {
			currents = append(currents, r.current.CitizenID)
		}
		if len(r.cands)+btoi(r.current != nil) < 2 {
			continue
		}
		if r.current != nil {
			ask = append(ask, r.current.CitizenID)
		}
		for _, c := range r.cands {
			if _, inChunk := p.pos[c.id]; !inChunk {
				if k, ok := l.idx.record(c.id); ok {
					ask = append(ask, k.citizen)
				}
			}
		}
	}
	apart := map[[2]uuid.UUID]bool{}
	if len(ask) > 0 {
		pairs, err := l.bs.Distinctions(ctx, uniqueIDs(ask))
		if err != nil {
			return fmt.Errorf("read distinctions: %w", err)
		}
		for _, pr := range pairs {
			apart[pr] = true
			apart[[2]uuid.UUID{pr[1], pr[0]}] = true
		}
	}
	// The open reviews, from before this load, of records a row could confirm (see confirm).
	var reviewed []int64
	var provisional []uuid.UUID
	for i := range p.work {
		r := &p.work[i]
		if len(r.cands) < 2 {
			continue
		}
		for _, c := range r.cands {
			if c.cmp.Weight < l.model.LinkWeight() {
				continue
			}
			if rv, ours := l.reviews[c.id]; ours {
				provisional = append(provisional, rv.CitizenID)
			} else {
				reviewed = append(reviewed, c.id)
			}
		}
	}
	p.chunkReviews, p.oldReviews, p.joined = map[int64]int{}, map[int64]Review{}, map[uuid.UUID]bool{}
	if len(reviewed) > 0 {
		slices.Sort(reviewed)
		rvs, err := l.bs.OpenReviews(ctx, slices.Compact(reviewed))
		if err != nil {
			return fmt.Errorf("read open reviews: %w", err)
		}
		for _, rv := range rvs {
			p.oldReviews[rv.RecordID] = rv
			provisional = append(provisional, rv.CitizenID)
		}
	}
	p.provisional = map[uuid.UUID]int{}
	if len(provisional) > 0 {
		var err error
		if p.provisional, err = l.bs.CitizenRecordCounts(ctx, uniqueIDs(provisional)); err != nil {
			return fmt.Errorf("count provisional citizens' records: %w", err)
		}
	}
	holds := map[uuid.UUID]int{}
	if len(currents) > 0 {
		var err error
		if holds, err = l.bs.CitizenRecordCounts(ctx, uniqueIDs(currents)); err != nil {
			return fmt.Errorf("count citizen records: %w", err)
		}
	}

	for i := range p.work {
		p.decideRow(int32(i), apart, holds)
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func uniqueIDs(ids []uuid.UUID) []uuid.UUID {
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	return slices.Compact(ids)
}

func (p *chunkPlan) emit(kind string, citizen uuid.UUID, record int64, data any) {
	p.events = append(p.events, Event{Kind: kind, CitizenID: citizen, RecordID: record, Data: eventJSON(data), Actor: p.l.actor})
}

func (p *chunkPlan) emitLinked(r *bulkRow, l Link) {
	p.emit(EventRecordLinked, l.CitizenID, r.id, linkedData(p.l.source, r.localID, l))
}

// decideRow is work.run for one row, on the chunk's plan instead of a transaction.
func (p *chunkPlan) decideRow(i int32, apart map[[2]uuid.UUID]bool, holds map[uuid.UUID]int) {
	l := p.l
	r := &p.work[i]
	model := l.model
	current := r.current
	if r.update {
		p.emit(EventRecordUpdated, uuid.Nil, r.id, map[string]any{"source": l.source, "local_id": r.localID, "version": r.version})
	}
	stay := func(score float64) {
		p.citizen[i], p.outcome[i], p.score[i] = current.CitizenID, OutcomeLinked, score
		p.touched[current.CitizenID] = true
	}
	if current != nil && current.Kind == LinkSteward {
		stay(current.Score) // a steward's link is never overridden by automatic matching
		return
	}

	// The best-scoring record of each citizen, as scoreCandidates keeps it (the first record in
	// ID order wins a tie).
	best := map[uuid.UUID]int{}
	var cands []matching.Candidate
	for _, c := range r.cands {
		cit := p.citizenOf(c.id, i)
		if cit == uuid.Nil {
			continue
		}
		if j, ok := best[cit]; !ok {
			best[cit] = len(cands)
			cands = append(cands, matching.Candidate{ID: cit.String(), Comparison: c.cmp})
		} else if c.cmp.Weight > cands[j].Comparison.Weight {
			cands[j].Comparison = c.cmp
		}
	}
	dec := model.Decide(cands)
	if keepCurrent(model, &dec, current, func(a, b uuid.UUID) bool { return apart[[2]uuid.UUID{a, b}] }) {
		stay(current.Score) // a steward set the record's citizen apart from its best candidate
		return
	}
	if current == nil && dec.Outcome == matching.OutcomeReview {
		p.bridge(i, &dec, apart, holds)
	}
	var bestCand *matching.Candidate
	if dec.Best >= 0 && dec.Best < len(dec.Ranked) {
		bestCand = &dec.Ranked[dec.Best]
		p.score[i] = bestCand.Comparison.Probability
	}
	switch dec.Outcome {
	case matching.OutcomeLink:
		target := uuid.MustParse(bestCand.ID)
		p.citizen[i], p.outcome[i] = target, OutcomeLinked
		p.touched[target] = true
		if current != nil && current.CitizenID == target {
			return
		}
		if current != nil {
			p.unlink(i, current.CitizenID, holds)
		}
		comparison := bestCand.Comparison
		link := Link{RecordID: r.id, CitizenID: target, Kind: LinkAuto, Score: comparison.Probability,
			ModelVersion: model.Version, Explanation: &comparison, Actor: l.actor}
		p.links = append(p.links, link)
		p.emitLinked(r, link)
		holds[target]++
		p.joined[target] = true
		p.confirm(i, target, apart, holds)
	case matching.OutcomeReview:
		cit := uuid.Nil
		if current != nil {
			cit = current.CitizenID
			p.touched[cit] = true
		} else {
			cit = p.mint(i, nil, holds)
		}
		p.citizen[i], p.outcome[i] = cit, OutcomeReview
		if !r.openRev {
			p.openReview(r, cit, dec)
		}
	default: // new
		if current != nil && holds[current.CitizenID] <= 1 {
			// The record is its citizen's only record: the citizen simply changes with it.
			p.citizen[i], p.outcome[i] = current.CitizenID, OutcomeLinked
			p.touched[current.CitizenID] = true
			return
		}
		p.citizen[i], p.outcome[i] = p.mint(i, current, holds), OutcomeCreated
	}
}

// bridge is the submit path's bridge for row i: when the row joins citizens, the others are
// merged into the best one (written after the chunk's links) and later rows see the survivor.
func (p *chunkPlan) bridge(i int32, dec *matching.Decision, apart map[[2]uuid.UUID]bool, holds map[uuid.UUID]int) {
	r := &p.work[i]
	ids, _ := bridge(p.l.model, dec, &r.norm, p.plausible(i), apartAmong(apart)) // never fails
	if len(ids) == 0 {
		return
	}
	for _, retired := range ids[1:] {
		p.merge(plannedMerge{retired: retired, survivor: ids[0], record: r.id}, apart, holds)
	}
}

// merge plans an automatic merge; the rows after see the survivor.
func (p *chunkPlan) merge(m plannedMerge, apart map[[2]uuid.UUID]bool, holds map[uuid.UUID]int) {
	p.merges = append(p.merges, m)
	p.merged[m.retired] = m.survivor
	p.joined[m.survivor] = true
	holds[m.survivor] += holds[m.retired]
	// A steward's distinction from the retired citizen now holds for the survivor.
	for pr := range apart {
		if pr[0] == m.retired {
			apart[[2]uuid.UUID{m.survivor, pr[1]}] = true
			apart[[2]uuid.UUID{pr[1], m.survivor}] = true
		}
	}
	p.touched[m.survivor] = true
}

// apartAmong answers, from the chunk's view of distinctions, whether a steward set two of ids
// apart.
func apartAmong(apart map[[2]uuid.UUID]bool) func(ids []uuid.UUID) (bool, error) {
	return func(ids []uuid.UUID) (bool, error) {
		for _, a := range ids {
			for _, b := range ids {
				if apart[[2]uuid.UUID{a, b}] {
					return true, nil
				}
			}
		}
		return false, nil
	}
}

// plausible is row i's plausible candidate records with their citizens at its turn.
func (p *chunkPlan) plausible(i int32) []plausibleRecord {
	var out []plausibleRecord
	for _, c := range p.work[i].cands {
		if n := p.normOf(c.id, i); n != nil {
			out = append(out, plausibleRecord{citizen: p.citizenOf(c.id, i), record: c.id, weight: c.cmp.Weight, norm: n})
		}
	}
	return out
}

// confirm is the submit path's confirmReviews for row i, which just linked to target: the open
// reviews are the chunk's, the load's and those read before the chunk was decided.
func (p *chunkPlan) confirm(i int32, target uuid.UUID, apart map[[2]uuid.UUID]bool, holds map[uuid.UUID]int) {
	r := &p.work[i]
	plausible := p.plausible(i)
	for _, pr := range confirmable(p.l.model, target, plausible) {
		if p.survivor(pr.citizen) != pr.citizen {
			continue // merged into another by this row already: its review was closed with it
		}
		rv, ok := p.reviewOf(pr.record)
		if !ok || !p.waitsAlone(rv, holds) {
			continue
		}
		rv.Candidates = slices.Clone(rv.Candidates)
		for k, c := range rv.Candidates {
			if id, err := uuid.Parse(c.ID); err == nil {
				rv.Candidates[k].ID = p.survivor(id).String()
			}
		}
		if ok, _ := confirmReview(p.l.model, &r.norm, target, pr, rv, plausible, apartAmong(apart)); ok {
			p.merge(plannedMerge{retired: pr.citizen, survivor: target, record: r.id, review: rv.ID, reviewed: pr.record}, apart, holds)
		}
	}
}

// waitsAlone is the submit path's check that review rv's provisional citizen holds its record
// alone: no row of this load joined it, and it held at most that record when the chunk was
// decided (none yet if a chunk still in flight created it), or, for a review this chunk opened,
// as the chunk's rows leave it.
func (p *chunkPlan) waitsAlone(rv Review, holds map[uuid.UUID]int) bool {
	c := rv.CitizenID
	if p.joined[c] || p.l.joined[c] {
		return false
	}
	if _, ours := p.chunkReviews[rv.RecordID]; ours {
		return p.newCitizen[c] || holds[c] <= 1
	}
	return p.provisional[c] <= 1
}

// reviewOf is record's open review as the rows so far leave it, if any.
func (p *chunkPlan) reviewOf(record int64) (Review, bool) {
	if k, ok := p.chunkReviews[record]; ok {
		return p.reviews[k], true
	}
	if rv, ok := p.l.reviews[record]; ok {
		return rv, true
	}
	rv, ok := p.oldReviews[record]
	return rv, ok
}

// keepCurrent is respectStewards on the chunk's view of distinctions: it reports whether the
// record stays with its current citizen because a steward set that citizen apart from the best
// candidate, and turns a decision that would link across a distinction into a review.
func keepCurrent(model *matching.Model, dec *matching.Decision, current *Link, apart func(a, b uuid.UUID) bool) bool {
	if dec.Outcome == matching.OutcomeNew || dec.Best < 0 {
		return false
	}
	var ids []uuid.UUID
	if current != nil {
		ids = append(ids, current.CitizenID)
	}
	for _, c := range dec.Ranked {
		if c.Comparison.Probability >= model.ReviewProbability {
			if id, err := uuid.Parse(c.ID); err == nil {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) < 2 {
		return false
	}
	best, _ := uuid.Parse(dec.Ranked[dec.Best].ID)
	if current != nil && current.CitizenID != best && apart(current.CitizenID, best) {
		return true
	}
	for _, id := range ids {
		if id != best && apart(id, best) {
			dec.Outcome = matching.OutcomeReview
			dec.Reason = "matches citizens a steward recorded as different people"
			return false
		}
	}
	return false
}

// unlink ends row i's active link to from.
func (p *chunkPlan) unlink(i int32, from uuid.UUID, holds map[uuid.UUID]int) {
	r := &p.work[i]
	p.ended = append(p.ended, r.id)
	p.emit(EventRecordUnlinked, from, r.id, map[string]any{"source": p.l.source, "local_id": r.localID})
	p.touched[from] = true
	holds[from]--
}

// mint creates a citizen for row i, moving the record from its current citizen if it had one.
func (p *chunkPlan) mint(i int32, current *Link, holds map[uuid.UUID]int) uuid.UUID {
	r := &p.work[i]
	if current != nil {
		p.unlink(i, current.CitizenID, holds)
	}
	id := newCitizenID()
	p.newCitizens = append(p.newCitizens, id)
	p.newCitizen[id] = true
	p.touched[id] = true
	p.emit(EventCitizenCreated, id, 0, struct{}{})
	link := Link{RecordID: r.id, CitizenID: id, Kind: LinkAuto, ModelVersion: p.l.model.Version, Actor: p.l.actor}
	p.links = append(p.links, link)
	p.emitLinked(r, link)
	return id
}

func (p *chunkPlan) openReview(r *bulkRow, provisional uuid.UUID, dec matching.Decision) {
	var cands []matching.Candidate
	for _, c := range dec.Ranked {
		if c.ID != provisional.String() {
			cands = append(cands, c)
		}
	}
	rv := Review{
		ID: uuid.New(), RecordID: r.id, CitizenID: provisional, Status: ReviewOpen,
		Candidates: cands, Reason: dec.Reason, ModelVersion: p.l.model.Version,
	}
	if len(cands) > 0 {
		rv.Score = cands[0].Comparison.Probability
	}
	p.chunkReviews[r.id] = len(p.reviews)
	p.reviews = append(p.reviews, rv)
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	p.emit(EventReviewOpened, provisional, r.id, map[string]any{"review_id": rv.ID, "candidates": ids})
}

// write writes the chunk in tx: first what depends on nothing committed meanwhile (records,
// keys, citizens, new citizens' golden records, reviews); then, once order.wait reports that the
// chunk before has committed, what does (links, which may point to that chunk's citizens,
// existing citizens' golden records, the checkpoint, the events).
func (p *chunkPlan) write(ctx context.Context, tx BulkTx, ch *rawChunk, sum LoadSummary, order writeOrder) error {
	l := p.l
	now := tx.Now()
	if floor := order.floor(); !now.After(floor) {
		now = floor.Add(time.Microsecond)
	}
	tx.Stamp(now)
	order.stamped(now)
	inserts, insertKeys := make([]SourceRecord, 0, len(p.work)), make([][]matching.Digest, 0, len(p.work))
	var updates []SourceRecord
	var updateKeys [][]matching.Digest
	for i := range p.work {
		r := &p.work[i]
		rec := p.record(i, now)
		if r.update {
			updates, updateKeys = append(updates, rec), append(updateKeys, r.keys)
		} else {
			inserts, insertKeys = append(inserts, rec), append(insertKeys, r.keys)
		}
	}
	if err := tx.InsertRecords(ctx, inserts, insertKeys); err != nil {
		return fmt.Errorf("write records: %w", err)
	}
	if err := tx.UpdateRecords(ctx, updates, updateKeys); err != nil {
		return fmt.Errorf("update records: %w", err)
	}
	if err := tx.InsertCitizens(ctx, p.newCitizens); err != nil {
		return fmt.Errorf("write citizens: %w", err)
	}
	if err := tx.EndLinks(ctx, p.ended, l.actor); err != nil {
		return fmt.Errorf("end links: %w", err)
	}
	fresh := p.goldens(now, true, nil)
	if err := tx.InsertGoldens(ctx, fresh); err != nil {
		return fmt.Errorf("write golden records: %w", err)
	}
	if err := tx.InsertReviews(ctx, p.reviews); err != nil {
		return fmt.Errorf("write reviews: %w", err)
	}
	p.lap("write_a")
	// Links and golden records of citizens the chunk before creates or touches wait for its
	// commit, which makes them visible and current; the others, most of a load that links to
	// the registry's citizens, are written meanwhile. A chunk before that merges citizens
	// changes more than it touches: then everything waits. The chunk before never waits for a
	// row written here (it writes none of them); a cycle through a third writer holding a row
	// it needs and waiting for one written here is a deadlock the database breaks, the wait
	// for the chunk before being in the database (AwaitTurn).
	pending := order.pending
	early := func(c uuid.UUID) bool {
		return pending == nil || (len(pending.merges) == 0 && !pending.touched[c])
	}
	late := func(c uuid.UUID) bool { return !early(c) }
	var links [2][]Link
	for _, lk := range p.links {
		if early(lk.CitizenID) {
			links[0] = append(links[0], lk)
		} else {
			links[1] = append(links[1], lk)
		}
	}
	var existing [2][]GoldenRecord
	var changed [2][]uuid.UUID
	linksAndGoldens := func(phase int, in func(uuid.UUID) bool) error {
		if err := tx.InsertLinks(ctx, links[phase]); err != nil {
			return fmt.Errorf("write links: %w", err)
		}
		if err := p.readGoldenInputs(ctx, tx, now, in); err != nil {
			return err
		}
		existing[phase] = p.goldens(now, false, in)
		ids, err := tx.SaveGoldens(ctx, existing[phase])
		if err != nil {
			return fmt.Errorf("write golden records: %w", err)
		}
		changed[phase] = ids
		return nil
	}
	if err := linksAndGoldens(0, early); err != nil {
		return err
	}
	p.lap("early")
	if err := order.wait(ctx, tx); err != nil {
		return err
	}
	p.lap("wait")
	if err := linksAndGoldens(1, late); err != nil {
		return err
	}
	p.lap("late")
	if len(p.merges) > 0 {
		// Rare (a row joining citizens): through the submit path's own merge, once the links
		// it moves are written.
		w := &work{s: l.s, tx: tx.Tx(), actor: l.actor, model: l.model}
		for _, m := range p.merges {
			reason := bridgeReason(m.record)
			if m.review != uuid.Nil {
				// A steward may have decided the review since the chunk read it: decide again.
				rv, err := w.tx.OpenReview(ctx, m.reviewed)
				if errors.Is(err, ErrNotFound) || (err == nil && rv.ID != m.review) {
					return fmt.Errorf("%w: review %s was decided meanwhile", ErrConflict, m.review)
				}
				if err != nil {
					return fmt.Errorf("read review: %w", err)
				}
				reason = confirmReason(m.record, m.review)
			}
			if _, err := w.merge(ctx, m.retired, m.survivor, reason, true); err != nil {
				return fmt.Errorf("merge citizens: %w", err)
			}
		}
		p.events = append(p.events, w.events...)
	}
	if l.storeRejects {
		if err := tx.InsertRejects(ctx, l.job, ch.rejects); err != nil {
			return fmt.Errorf("write rejects: %w", err)
		}
	}
	if err := tx.Checkpoint(ctx, l.job, LoadCheckpoint{
		Seq: ch.seq, RowsThrough: ch.rowsThrough, BytesThrough: ch.bytesThrough, PrefixHash: ch.prefixHash, Summary: sum,
	}); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	// Golden-record events come last, once per citizen and chunk, in a deterministic order.
	isChanged := make(map[uuid.UUID]bool, len(changed[0])+len(changed[1]))
	for _, id := range slices.Concat(changed[0], changed[1]) {
		isChanged[id] = true
	}
	rewritten := slices.SortedFunc(slices.Values(slices.Concat(existing[0], existing[1])), func(a, b GoldenRecord) int {
		return bytes.Compare(a.CitizenID[:], b.CitizenID[:])
	})
	for _, g := range slices.Concat(fresh, rewritten) {
		if p.newCitizen[g.CitizenID] || isChanged[g.CitizenID] {
			p.emit(EventGoldenChanged, g.CitizenID, 0, goldenChangedData(g))
		}
	}
	if err := tx.AppendEvents(ctx, p.events); err != nil {
		return fmt.Errorf("write events: %w", err)
	}
	p.lap("events")
	return nil
}

// record is row i as it is stored.
func (p *chunkPlan) record(i int, now time.Time) SourceRecord {
	r := &p.work[i]
	return SourceRecord{
		ID: r.id, Source: p.l.source, LocalID: r.localID, Version: r.version, ContentHash: r.hash,
		Raw: r.person, Normalized: r.norm, Issues: r.issues, Outcome: p.outcome[i], Score: p.score[i], UpdatedAt: now,
	}
}

// readGoldenInputs reads, in the chunk's transaction, what the golden records of the touched
// citizens in want that existed before the chunk are built from. A citizen that only gained new
// records keeps its stored golden record, extended with them (Survivorship.Extend: its earlier
// records need not be read, which in a second source's load is most of what a chunk reads); the
// others, and any whose stored record was built by other survivorship rules, are rebuilt from
// their records.
func (p *chunkPlan) readGoldenInputs(ctx context.Context, tx BulkTx, now time.Time, want func(uuid.UUID) bool) error {
	rebuild := p.rebuilt()
	var read, extend []uuid.UUID
	for c := range p.touched {
		switch {
		case p.newCitizen[c] || !want(c):
		case rebuild[c]:
			read = append(read, c)
		default:
			extend = append(extend, c)
		}
	}
	p.members, p.extended = map[uuid.UUID][]SourceRecord{}, nil
	if len(extend) > 0 {
		stored, err := tx.Goldens(ctx, extend)
		if err != nil {
			return fmt.Errorf("read golden records: %w", err)
		}
		added := p.chunkRecords(now, func(c uuid.UUID) bool { _, ok := stored[c]; return ok })
		for _, c := range extend {
			g, ok := stored[c]
			changed := false
			if ok {
				g, changed, ok = p.l.s.surv.extend(g, added[c], p.l.s.rules)
			}
			switch {
			case !ok:
				read = append(read, c)
			case changed:
				p.extended = append(p.extended, g)
			} // else its stored golden record stands: nothing to write
		}
	}
	if len(read) == 0 {
		return nil
	}
	for _, c := range read {
		p.members[c] = nil // rebuilt even when no record is left to it
	}
	recs, err := tx.CitizenRecords(ctx, read)
	if err != nil {
		return fmt.Errorf("read citizens' records: %w", err)
	}
	for c, rs := range recs {
		// The chunk's own records are added with their new content and citizen in goldens.
		p.members[c] = slices.DeleteFunc(rs, func(r SourceRecord) bool { _, mine := p.pos[r.ID]; return mine })
	}
	return nil
}

// rebuilt are the existing citizens whose golden records the chunk must rebuild from their
// records rather than extend: those whose records changed or left (an update, the citizen the
// updated record moved from or to) and those merged.
func (p *chunkPlan) rebuilt() map[uuid.UUID]bool {
	out := map[uuid.UUID]bool{}
	for i := range p.work {
		if r := &p.work[i]; r.update {
			out[p.citizen[i]] = true
			if r.current != nil {
				out[r.current.CitizenID] = true
			}
		}
	}
	for _, m := range p.merges {
		out[m.retired], out[m.survivor] = true, true
	}
	return out
}

// chunkRecords are the chunk's records as stored, by the citizen they are linked to, for the
// citizens in want.
func (p *chunkPlan) chunkRecords(now time.Time, want func(uuid.UUID) bool) map[uuid.UUID][]SourceRecord {
	out := map[uuid.UUID][]SourceRecord{}
	for i := range p.work {
		if c := p.citizen[i]; want(c) {
			out[c] = append(out[c], p.record(i, now))
		}
	}
	return out
}

// goldens builds the golden records of the citizens the chunk created (fresh) or of the
// existing citizens in want it touched (those readGoldenInputs extended, then those it read),
// in citizen order.
func (p *chunkPlan) goldens(now time.Time, fresh bool, want func(uuid.UUID) bool) []GoldenRecord {
	members := make(map[uuid.UUID][]SourceRecord, len(p.touched))
	for c := range p.touched {
		if p.newCitizen[c] == fresh && (want == nil || want(c)) {
			if _, read := p.members[c]; read || fresh {
				members[c] = p.members[c]
			}
		}
	}
	for c, rs := range p.chunkRecords(now, func(c uuid.UUID) bool { _, ok := members[c]; return ok }) {
		members[c] = append(members[c], rs...)
	}
	ids := make([]uuid.UUID, 0, len(members))
	for c := range members {
		ids = append(ids, c)
	}
	slices.SortFunc(ids, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	gs := make([]GoldenRecord, len(ids))
	parallelFor(len(ids), func(i int) { gs[i] = p.l.s.surv.buildGolden(ids[i], members[ids[i]], p.l.s.rules) })
	if fresh {
		return gs
	}
	return slices.SortedFunc(slices.Values(slices.Concat(p.extended, gs)), func(a, b GoldenRecord) int {
		return bytes.Compare(a.CitizenID[:], b.CitizenID[:])
	})
}

// apply brings the loader's index up to date with a committed chunk.
func (p *chunkPlan) apply() {
	l := p.l
	idx := l.idx
	for i := range p.work {
		r := &p.work[i]
		for _, k := range r.oldKeys {
			idx.removePosting(k, r.id)
		}
	}
	for i := range p.work {
		r := &p.work[i]
		s := idx.slot(r.id)
		idx.learn(s, &r.norm, p.citizen[i])
		for _, ref := range r.keyRefs {
			ck := &p.keys[ref]
			idx.addPosting(ck.key, s, ck.limit)
		}
	}
	for retired, survivor := range p.merged {
		idx.merged[retired] = survivor
	}
	for _, rv := range p.reviews {
		l.reviews[rv.RecordID] = rv
	}
	for c := range p.joined {
		l.joined[c] = true
	}
	p.indexMiB = idx.bytes >> 20
}

// keyLimit is how many records key may be held by and still be used, as in the submit path.
func (l *bulkLoader) keyLimit(k matching.Digest) int { return k.Limit(l.maxPerKey) }

// parallelFor runs fn(0..n-1) on every CPU.
func parallelFor(n int, fn func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), max(1, n/256))
	if workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var wg sync.WaitGroup
	per := (n + workers - 1) / workers
	for w := range workers {
		wg.Add(1)
		go func(lo, hi int) {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				fn(i)
			}
		}(w*per, min((w+1)*per, n))
	}
	wg.Wait()
}
