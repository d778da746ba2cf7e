package registry

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// Steward event kinds.
const (
	EventCitizensMerged   = "citizens.merged"
	EventCitizensUnmerged = "citizens.unmerged"
	EventReviewDecided    = "review.decided"
	EventDistinct         = "citizens.distinct"
)

// Review statuses.
const (
	ReviewOpen     = "open"
	ReviewMerged   = "merged"
	ReviewDistinct = "distinct"
)

// Merge records a steward's merge: what it moved, so that an unmerge can restore it.
type Merge struct {
	ID        uuid.UUID
	Retired   uuid.UUID
	Survivor  uuid.UUID
	RecordIDs []int64
	Reason    string
	Actor     string
	CreatedAt time.Time
	UndoneAt  time.Time
}

// ReviewFilter selects and orders the review queue.
type ReviewFilter struct {
	Status        string    // "" for any; default open
	Source        string    // the reviewed record's source; "" for any
	MinScore      float64   // score band
	MaxScore      float64   // 0 means 1
	CreatedBefore time.Time // only reviews at least this old; zero for any
	Sort          string    // oldest (default), newest, score
	Limit, Offset int
}

// ReviewSummary is one line of the review queue.
type ReviewSummary struct {
	Review
	Source  string
	LocalID string
}

// ReviewDetail is everything a steward needs to decide a review: the record, the citizen it is
// provisionally linked to, and each candidate citizen with its records and golden record.
type ReviewDetail struct {
	Review     Review
	Record     SourceRecord
	Current    CitizenDetail
	Candidates []CandidateDetail
}

// CitizenDetail is a citizen with its golden record and records, as a steward sees it.
type CitizenDetail struct {
	Citizen Citizen
	Golden  GoldenRecord
	Records []SourceRecord
}

// CandidateDetail is one candidate of a review, with the comparison that made it one.
type CandidateDetail struct {
	CitizenDetail
	Comparison matching.Comparison
}

// Decision is a steward's decision on a review.
type Decision struct {
	// Action is "merge" (the record is the candidate CitizenID) or "distinct" (the record is
	// none of the candidates).
	Action    string
	CitizenID uuid.UUID
	Reason    string
}

// requireSteward checks the steward scope and names the acting steward by key.
func requireSteward(p Principal) (string, error) {
	if err := p.Require(ScopeSteward); err != nil {
		return "", err
	}
	return "steward:" + p.KeyID.String(), nil
}

// ListReviews returns a page of the review queue.
func (s *Service) ListReviews(ctx context.Context, p Principal, f ReviewFilter) ([]ReviewSummary, error) {
	if _, err := requireSteward(p); err != nil {
		return nil, err
	}
	if f.Status == "" {
		f.Status = ReviewOpen
	}
	if f.Status == "any" {
		f.Status = ""
	}
	if !slices.Contains([]string{"", ReviewOpen, ReviewMerged, ReviewDistinct}, f.Status) {
		return nil, Invalid("status", "must be open, merged, distinct or any")
	}
	if f.Sort == "" {
		f.Sort = "oldest"
	}
	if !slices.Contains([]string{"oldest", "newest", "score"}, f.Sort) {
		return nil, Invalid("sort", "must be oldest, newest or score")
	}
	if f.MaxScore == 0 {
		f.MaxScore = 1
	}
	if f.MinScore < 0 || f.MaxScore > 1 || f.MinScore > f.MaxScore {
		return nil, Invalid("min_score", "the score band must lie within [0, 1]")
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	if f.Limit > MaxPageSize || f.Offset < 0 {
		return nil, Invalid("limit", "must be between 1 and %d, with a non-negative offset", MaxPageSize)
	}
	if f.CreatedBefore.IsZero() {
		f.CreatedBefore = s.now().Add(time.Hour)
	}
	return s.store.ListReviews(ctx, f)
}

// ReviewDetail returns a review with everything needed to decide it. Reading it is logged in
// the access log of every citizen it shows.
func (s *Service) ReviewDetail(ctx context.Context, rc ReadContext, id uuid.UUID) (ReviewDetail, error) {
	if _, err := requireSteward(rc.Principal); err != nil {
		return ReviewDetail{}, err
	}
	if _, err := s.checkRead(ctx, rc); err != nil {
		return ReviewDetail{}, err
	}
	var d ReviewDetail
	err := s.store.InTx(ctx, func(tx Tx) error {
		r, err := tx.ReviewByID(ctx, id)
		if err != nil {
			return err
		}
		rec, err := tx.RecordByID(ctx, r.RecordID)
		if err != nil {
			return err
		}
		l, err := tx.ActiveLink(ctx, r.RecordID)
		if err != nil {
			return err
		}
		d = ReviewDetail{Review: r, Record: rec}
		if d.Current, err = citizenDetail(ctx, tx, l.CitizenID); err != nil {
			return err
		}
		seen := map[uuid.UUID]bool{d.Current.Citizen.ID: true}
		for _, c := range r.Candidates {
			id, err := uuid.Parse(c.ID)
			if err != nil {
				return fmt.Errorf("review %s: candidate ID: %w", r.ID, err)
			}
			cd, err := citizenDetail(ctx, tx, id)
			if err != nil {
				return err
			}
			if seen[cd.Citizen.ID] {
				continue // merged into the current citizen or another candidate since
			}
			seen[cd.Citizen.ID] = true
			d.Candidates = append(d.Candidates, CandidateDetail{CitizenDetail: cd, Comparison: c.Comparison})
		}
		for id := range seen {
			if err := tx.InsertAccess(ctx, rc.entry("review", id, PersonFields)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return ReviewDetail{}, fmt.Errorf("read review: %w", err)
	}
	return d, nil
}

func citizenDetail(ctx context.Context, tx Tx, id uuid.UUID) (CitizenDetail, error) {
	cit, err := tx.Survivor(ctx, id)
	if err != nil {
		return CitizenDetail{}, err
	}
	recs, err := tx.CitizenRecords(ctx, cit.ID)
	if err != nil {
		return CitizenDetail{}, err
	}
	g, err := tx.Golden(ctx, cit.ID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return CitizenDetail{}, err
	}
	return CitizenDetail{Citizen: cit, Golden: g, Records: recs}, nil
}

// DecideReview applies a steward's decision to the review version the steward saw; a decision on
// a stale version (decided or changed meanwhile) is ErrConflict. A merge links the record to
// the chosen candidate (retiring its provisional citizen into it when the record was that
// citizen's only record); distinct records that the record's citizen is none of the candidates,
// which automatic matching then never overrides.
func (s *Service) DecideReview(ctx context.Context, p Principal, id uuid.UUID, version int, d Decision) (uuid.UUID, error) {
	actor, err := requireSteward(p)
	if err != nil {
		return uuid.Nil, err
	}
	if d.Action != "merge" && d.Action != "distinct" {
		return uuid.Nil, Invalid("action", "must be merge or distinct")
	}
	var result uuid.UUID
	err = s.inWork(ctx, actor, func(w *work) error {
		r, err := w.tx.ReviewByID(ctx, id)
		if err != nil {
			return err
		}
		if r.Status != ReviewOpen || r.Version != version {
			return fmt.Errorf("%w: review %s is at version %d (%s), the decision was for version %d", ErrConflict, id, r.Version, r.Status, version)
		}
		status := ReviewMerged
		if d.Action == "distinct" {
			status = ReviewDistinct
		}
		if err := w.tx.DecideReview(ctx, id, version, status, actor); err != nil {
			return err
		}
		l, err := w.tx.ActiveLink(ctx, r.RecordID)
		if err != nil {
			return err
		}
		rec, err := w.tx.RecordByID(ctx, r.RecordID)
		if err != nil {
			return err
		}
		current := l.CitizenID
		if d.Action == "distinct" {
			for _, c := range r.Candidates {
				cid, _ := uuid.Parse(c.ID)
				other, err := w.tx.Survivor(ctx, cid)
				if err != nil {
					return err
				}
				if other.ID != current {
					if err := w.distinct(ctx, current, other.ID, d.Reason); err != nil {
						return err
					}
				}
			}
			result = current
		} else {
			if !slices.ContainsFunc(r.Candidates, func(c matching.Candidate) bool { return c.ID == d.CitizenID.String() }) {
				return Invalid("citizen_id", "is not one of the review's candidates")
			}
			target, err := w.tx.Survivor(ctx, d.CitizenID)
			if err != nil {
				return err
			}
			result = target.ID
			if target.ID != current {
				recs, err := w.tx.CitizenRecords(ctx, current)
				if err != nil {
					return err
				}
				if len(recs) == 1 {
					_, err = w.merge(ctx, current, target.ID, d.Reason, false)
				} else {
					err = w.move(ctx, rec, l, target.ID, d.Reason)
				}
				if err != nil {
					return err
				}
			}
		}
		w.emit(EventReviewDecided, result, r.RecordID, map[string]any{"review_id": id, "action": d.Action, "reason": d.Reason})
		return nil
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("decide review: %w", err)
	}
	return result, nil
}

// Merge merges citizen retired into survivor: retired's records move to survivor and retired's
// ID resolves to survivor from then on. It returns the merge, which Unmerge undoes.
func (s *Service) Merge(ctx context.Context, p Principal, retired, survivor uuid.UUID, reason string) (Merge, error) {
	actor, err := requireSteward(p)
	if err != nil {
		return Merge{}, err
	}
	if retired == survivor {
		return Merge{}, Invalid("survivor", "a citizen cannot be merged into itself")
	}
	var m Merge
	err = s.inWork(ctx, actor, func(w *work) error {
		var err error
		m, err = w.merge(ctx, retired, survivor, reason, false)
		return err
	})
	if err != nil {
		return Merge{}, fmt.Errorf("merge citizens: %w", err)
	}
	return m, nil
}

// Unmerge undoes the merge that retired citizen: the citizen is active again and the records
// the merge moved return to it (those a steward has since moved elsewhere stay where the later
// decision put them). Merges can be undone in any order. The two citizens are then recorded as
// distinct, so automatic matching never joins them again.
func (s *Service) Unmerge(ctx context.Context, p Principal, retired uuid.UUID, reason string) (Merge, error) {
	actor, err := requireSteward(p)
	if err != nil {
		return Merge{}, err
	}
	var m Merge
	err = s.inWork(ctx, actor, func(w *work) error {
		var err error
		m, err = w.unmerge(ctx, retired, reason)
		return err
	})
	if err != nil {
		return Merge{}, fmt.Errorf("unmerge citizen: %w", err)
	}
	return m, nil
}

// MoveRecord links a source record to citizen target by a steward's decision (uuid.Nil: to a new
// citizen, which is how a record is unlinked: every record always has a citizen). Steward links
// are never changed by automatic matching. It returns the record's citizen.
func (s *Service) MoveRecord(ctx context.Context, p Principal, source, localID string, target uuid.UUID, reason string) (uuid.UUID, error) {
	actor, err := requireSteward(p)
	if err != nil {
		return uuid.Nil, err
	}
	var result uuid.UUID
	err = s.inWork(ctx, actor, func(w *work) error {
		rec, err := w.tx.RecordByKey(ctx, source, localID)
		if err != nil {
			return err
		}
		l, err := w.tx.ActiveLink(ctx, rec.ID)
		if err != nil {
			return err
		}
		if target == uuid.Nil {
			id := newCitizenID()
			if err := w.tx.InsertCitizen(ctx, id); err != nil {
				return err
			}
			w.emit(EventCitizenCreated, id, 0, struct{}{})
			target = id
		} else {
			cit, err := w.tx.Survivor(ctx, target)
			if err != nil {
				return err
			}
			target = cit.ID
		}
		result = target
		if target == l.CitizenID && l.Kind == LinkSteward {
			return nil
		}
		return w.move(ctx, rec, l, target, reason)
	})
	if err != nil {
		return uuid.Nil, fmt.Errorf("move record: %w", err)
	}
	return result, nil
}

// History returns a citizen's events (link changes, merges, reviews, golden record changes) in
// order: who changed what, when, with which model version or steward.
func (s *Service) History(ctx context.Context, rc ReadContext, citizen uuid.UUID, limit int) ([]Event, error) {
	if _, err := requireSteward(rc.Principal); err != nil {
		return nil, err
	}
	if _, err := s.checkRead(ctx, rc); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPageSize {
		limit = MaxPageSize
	}
	return s.store.CitizenEvents(ctx, citizen, limit)
}

// move re-links one record to target (an active citizen) as a steward's link.
func (w *work) move(ctx context.Context, rec SourceRecord, from Link, target uuid.UUID, reason string) error {
	if _, err := w.lockActive(ctx, target); err != nil {
		return err
	}
	if err := w.tx.EndLink(ctx, rec.ID, w.actor); err != nil {
		return err
	}
	w.emit(EventRecordUnlinked, from.CitizenID, rec.ID, map[string]any{"source": rec.Source, "local_id": rec.LocalID})
	l := Link{RecordID: rec.ID, CitizenID: target, Kind: LinkSteward, Score: from.Score, ModelVersion: from.ModelVersion,
		Explanation: from.Explanation, Actor: w.actor, Reason: reason}
	if err := w.tx.InsertLink(ctx, l); err != nil {
		return err
	}
	w.emitLinked(rec, l)
	if err := w.refreshGolden(ctx, from.CitizenID); err != nil {
		return err
	}
	return w.refreshGolden(ctx, target)
}

// lockActive locks a citizen that must be active.
func (w *work) lockActive(ctx context.Context, id uuid.UUID) (Citizen, error) {
	c, err := w.tx.LockCitizen(ctx, id)
	if err != nil {
		return Citizen{}, err
	}
	if c.Status != CitizenActive {
		return Citizen{}, fmt.Errorf("%w: citizen %s is retired (merged into %s)", ErrConflict, id, c.MergedInto)
	}
	return c, nil
}

// merge retires citizen retired into survivor, moving its active links. A steward's merge
// (auto false) makes the moved links steward links, which automatic matching never changes; an
// automatic merge (a record joining two citizens, see bridge) keeps each link's kind and closes
// the open reviews the retired citizen was provisional for, since their record now has a
// citizen by automatic evidence.
func (w *work) merge(ctx context.Context, retired, survivor uuid.UUID, reason string, auto bool) (Merge, error) {
	// Lock in a fixed order, so two opposite merges cannot deadlock.
	first, second := retired, survivor
	if second.String() < first.String() {
		first, second = second, first
	}
	for _, id := range []uuid.UUID{first, second} {
		if _, err := w.lockActive(ctx, id); err != nil {
			return Merge{}, err
		}
	}
	moved, err := w.tx.EndCitizenLinks(ctx, retired, w.actor)
	if err != nil {
		return Merge{}, err
	}
	m := Merge{ID: uuid.New(), Retired: retired, Survivor: survivor, Reason: reason, Actor: w.actor, RecordIDs: []int64{}}
	for _, l := range moved {
		l.CitizenID, l.Actor, l.Reason = survivor, w.actor, reason
		if !auto {
			l.Kind = LinkSteward
		}
		if err := w.tx.InsertLink(ctx, l); err != nil {
			return Merge{}, err
		}
		m.RecordIDs = append(m.RecordIDs, l.RecordID)
		if auto {
			if err := w.closeProvisionalReview(ctx, l.RecordID, retired, survivor); err != nil {
				return Merge{}, err
			}
		}
	}
	if err := w.tx.RetireCitizen(ctx, retired, survivor); err != nil {
		return Merge{}, err
	}
	if err := w.tx.InsertMerge(ctx, m); err != nil {
		return Merge{}, err
	}
	data := map[string]any{"merge_id": m.ID, "retired": retired, "survivor": survivor, "records": len(m.RecordIDs), "reason": reason}
	w.emit(EventCitizensMerged, retired, 0, data)
	w.emit(EventCitizensMerged, survivor, 0, data)
	return m, w.refreshGolden(ctx, survivor)
}

// closeProvisionalReview closes the open review of record, if it has one whose provisional
// citizen is retired: an automatic merge gave the record a citizen.
func (w *work) closeProvisionalReview(ctx context.Context, record int64, retired, survivor uuid.UUID) error {
	r, err := w.tx.OpenReview(ctx, record)
	if errors.Is(err, ErrNotFound) || (err == nil && r.CitizenID != retired) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := w.tx.DecideReview(ctx, r.ID, r.Version, ReviewMerged, w.actor); err != nil {
		return err
	}
	w.emit(EventReviewDecided, survivor, record, map[string]any{"review_id": r.ID, "action": "merge", "reason": "merged automatically"})
	return nil
}

func (w *work) unmerge(ctx context.Context, retired uuid.UUID, reason string) (Merge, error) {
	m, err := w.tx.MergeInForce(ctx, retired)
	if errors.Is(err, ErrNotFound) {
		return Merge{}, fmt.Errorf("%w: citizen %s is not retired by a merge", ErrNotFound, retired)
	}
	if err != nil {
		return Merge{}, err
	}
	// The survivor may have been merged further since: the records are where its chain ends.
	root, err := w.tx.Survivor(ctx, m.Survivor)
	if err != nil {
		return Merge{}, err
	}
	if _, err := w.lockActive(ctx, root.ID); err != nil {
		return Merge{}, err
	}
	if err := w.tx.ReactivateCitizen(ctx, retired); err != nil {
		return Merge{}, err
	}
	back := 0
	for _, id := range m.RecordIDs {
		l, err := w.tx.ActiveLink(ctx, id)
		if err != nil {
			return Merge{}, err
		}
		if l.CitizenID != root.ID {
			continue // moved by a later steward decision, which stands
		}
		if err := w.tx.EndLink(ctx, id, w.actor); err != nil {
			return Merge{}, err
		}
		l.CitizenID, l.Kind, l.Actor, l.Reason = retired, LinkSteward, w.actor, reason
		if err := w.tx.InsertLink(ctx, l); err != nil {
			return Merge{}, err
		}
		back++
	}
	if err := w.tx.UndoMerge(ctx, m.ID, w.actor); err != nil {
		return Merge{}, err
	}
	if err := w.distinct(ctx, retired, m.Survivor, "unmerged: "+reason); err != nil {
		return Merge{}, err
	}
	data := map[string]any{"merge_id": m.ID, "retired": retired, "survivor": m.Survivor, "records": back, "reason": reason}
	w.emit(EventCitizensUnmerged, retired, 0, data)
	w.emit(EventCitizensUnmerged, root.ID, 0, data)
	if err := w.refreshGolden(ctx, retired); err != nil {
		return Merge{}, err
	}
	return m, w.refreshGolden(ctx, root.ID)
}

func (w *work) distinct(ctx context.Context, a, b uuid.UUID, reason string) error {
	if err := w.tx.InsertDistinction(ctx, a, b, reason, w.actor); err != nil {
		return err
	}
	w.emit(EventDistinct, a, 0, map[string]any{"other": b})
	w.emit(EventDistinct, b, 0, map[string]any{"other": a})
	return nil
}

// respectStewards adjusts an automatic decision so that it never overrides a steward's
// "not the same person": a record whose citizen a steward set apart from the best candidate
// stays where it is (keep is true), and a record that would match two citizens a steward set
// apart goes to review rather than to either.
func (w *work) respectStewards(ctx context.Context, dec *matching.Decision, current *Link) (keep bool, err error) {
	if dec.Outcome == matching.OutcomeNew || dec.Best < 0 {
		return false, nil
	}
	var ids []uuid.UUID
	if current != nil {
		ids = append(ids, current.CitizenID)
	}
	for _, c := range dec.Ranked {
		if c.Comparison.Probability >= w.model.ReviewProbability {
			if id, err := uuid.Parse(c.ID); err == nil {
				ids = append(ids, id)
			}
		}
	}
	if len(ids) < 2 {
		return false, nil
	}
	pairs, err := w.tx.Distinctions(ctx, ids)
	if err != nil || len(pairs) == 0 {
		return false, err
	}
	best, _ := uuid.Parse(dec.Ranked[dec.Best].ID)
	apart := func(a, b uuid.UUID) bool {
		for _, p := range pairs {
			if (p[0] == a && p[1] == b) || (p[0] == b && p[1] == a) {
				return true
			}
		}
		return false
	}
	if current != nil && current.CitizenID != best && apart(current.CitizenID, best) {
		return true, nil
	}
	for _, id := range ids {
		if id != best && apart(id, best) {
			dec.Outcome = matching.OutcomeReview
			dec.Reason = "matches citizens a steward recorded as different people"
			return false, nil
		}
	}
	return false, nil
}
