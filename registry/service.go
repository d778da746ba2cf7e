package registry

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sort"
	"sync/atomic"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry/jsonappend"
)

// Service carries out the registry's use cases on a Store.
type Service struct {
	store  Store
	model  atomic.Pointer[matching.Model]
	surv   Survivorship
	rules  string // surv.String(), which every golden record built or extended carries
	now    func() time.Time
	log    *slog.Logger
	maxCan int
	keys   keyCache
	grants grantCache
}

// Options configure a Service; zero values take defaults.
type Options struct {
	Model        *matching.Model
	Survivorship *Survivorship
	Clock        func() time.Time
	Logger       *slog.Logger
	// MaxRecordsPerKey skips blocking keys held by more records than this: a key that common is
	// no evidence, and it would make every submission slow.
	MaxRecordsPerKey int
}

// NewService returns a Service on store.
func NewService(store Store, opts Options) *Service {
	s := &Service{store: store, surv: DefaultSurvivorship(), now: time.Now, log: opts.Logger, maxCan: 1000}
	if opts.Survivorship != nil {
		s.surv = *opts.Survivorship
	}
	s.rules = s.surv.String()
	if opts.Clock != nil {
		s.now = opts.Clock
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if opts.MaxRecordsPerKey > 0 {
		s.maxCan = opts.MaxRecordsPerKey
	}
	m := opts.Model
	if m == nil {
		m = matching.DefaultModel()
	}
	s.model.Store(m)
	return s
}

// Model returns the matching model in use.
func (s *Service) Model() *matching.Model { return s.model.Load() }

// SetModel switches the matching model; later decisions record its version.
func (s *Service) SetModel(m *matching.Model) { s.model.Store(m) }

// Ping reports whether the store answers.
func (s *Service) Ping(ctx context.Context) error { return s.store.Ping(ctx) }

// Submit registers or updates a source's record of a person and links it to a citizen. It is the
// ministries' API path: the caller must hold the submit scope and may write only its own
// source's records, and field problems (an impossible birth date) are errors. Re-submitting
// identical content writes nothing and returns the same answer.
func (s *Service) Submit(ctx context.Context, p Principal, source, localID string, person Person) (SubmitResult, error) {
	if err := p.Require(ScopeSubmit); err != nil {
		return SubmitResult{}, err
	}
	if p.Source != source && !p.Has(ScopeAdmin) {
		return SubmitResult{}, fmt.Errorf("%w: a source writes only its own records", ErrForbidden)
	}
	if err := ValidateLocalID(localID); err != nil {
		return SubmitResult{}, err
	}
	person = person.Trimmed()
	norm, issues := matching.Normalize(person.MatchingRecord())
	if err := person.Strict(issues); err != nil {
		return SubmitResult{}, err
	}
	return s.ingest(ctx, "source:"+source, source, localID, person, norm, issues)
}

// Ingest is Submit for trusted batch paths (bulk loads): field-level problems are flagged and the
// field ignored as evidence, instead of failing the record. It returns ErrInvalid only for records
// that cannot be stored at all.
func (s *Service) Ingest(ctx context.Context, actor, source, localID string, person Person) (SubmitResult, error) {
	if err := ValidateLocalID(localID); err != nil {
		return SubmitResult{}, err
	}
	person = person.Trimmed()
	if err := person.CheckStructure(); err != nil {
		return SubmitResult{}, err
	}
	norm, issues := matching.Normalize(person.MatchingRecord())
	return s.ingest(ctx, actor, source, localID, person, norm, issues)
}

// requireIdentity refuses a record that says nothing about who the person is: without a name, a
// NIK, a birth date, a phone or an e-mail it can neither be matched nor tell a steward anything.
// A record with any of them is accepted (design: only local_id is required); missing fields are
// neutral evidence, so a record without a name links only on what it does state.
func requireIdentity(p Person) error {
	if p.NIK == "" && p.FullName == "" && p.GivenName == "" && p.FamilyName == "" &&
		p.BirthDate == "" && p.Phone == "" && p.Email == "" {
		return Invalid("full_name", "a record needs at least a name, a NIK, a birth date, a phone or an e-mail")
	}
	return nil
}

// work is one transaction that changes links: it collects the events to append and recomputes
// golden records as it goes. It is rebuilt from scratch when the transaction is retried.
type work struct {
	s      *Service
	tx     Tx
	actor  string
	model  *matching.Model
	events []Event
}

// inWork runs fn in a transaction and appends the events it emitted, last, so that event order
// is commit order.
func (s *Service) inWork(ctx context.Context, actor string, fn func(w *work) error) error {
	return s.store.InTx(ctx, func(tx Tx) error {
		w := &work{s: s, tx: tx, actor: actor, model: s.Model()}
		if err := fn(w); err != nil {
			return err
		}
		return tx.AppendEvents(ctx, w.events)
	})
}

// maxRedecide bounds how often a submit is decided again after a concurrent merge retired one
// of its candidate citizens between its read and its write.
const maxRedecide = 4

func (s *Service) ingest(ctx context.Context, actor, source, localID string, person Person, norm matching.Normalized, issues []matching.Issue) (SubmitResult, error) {
	if err := requireIdentity(person); err != nil {
		return SubmitResult{}, err
	}
	var res SubmitResult
	var err error
	for attempt := 1; attempt <= maxRedecide; attempt++ {
		err = s.inWork(ctx, actor, func(w *work) error {
			var err error
			res, err = w.run(ctx, source, localID, person, norm, issues)
			return err
		})
		// A candidate citizen merged by a concurrent decision: decide again on what is there now.
		if !errors.Is(err, ErrConflict) {
			break
		}
	}
	if err != nil {
		return SubmitResult{}, fmt.Errorf("submit record: %w", err)
	}
	return res, nil
}

func (w *work) emit(kind string, citizen uuid.UUID, record int64, data any) {
	w.events = append(w.events, Event{Kind: kind, CitizenID: citizen, RecordID: record, Data: eventJSON(data), Actor: w.actor})
}

// eventJSON is json.Marshal(data) for an event's data. The three kinds a bulk load writes for
// nearly every row (a citizen created, a record linked, a golden record changed) are encoded
// without reflection, byte for byte the same (TestEventDataIsEncodingJSONs).
func eventJSON(data any) []byte {
	switch d := data.(type) {
	case struct{}:
		return []byte("{}")
	case recordLinked:
		if b, ok := d.appendJSON(make([]byte, 0, 128)); ok {
			return b
		}
	case goldenChanged:
		return append(jsonappend.Strings(append(make([]byte, 0, 128), `{"fields":`...), d.Fields), '}')
	}
	b, _ := json.Marshal(data)
	return b
}

func (w *work) run(ctx context.Context, source, localID string, person Person, norm matching.Normalized, issues []matching.Issue) (SubmitResult, error) {
	tx := w.tx
	if err := tx.LockRecordKey(ctx, source, localID); err != nil {
		return SubmitResult{}, err
	}
	existing, err := tx.RecordByKey(ctx, source, localID)
	found := err == nil
	if err != nil && !errors.Is(err, ErrNotFound) {
		return SubmitResult{}, err
	}
	hash := person.ContentHash()
	if found && bytes.Equal(existing.ContentHash, hash) {
		return w.unchanged(ctx, existing)
	}

	rec := SourceRecord{
		ID: existing.ID, Source: source, LocalID: localID, Version: existing.Version + 1,
		ContentHash: hash, Raw: person, Normalized: norm, Issues: issues,
	}
	if err := tx.SaveRecord(ctx, &rec); err != nil {
		return SubmitResult{}, err
	}
	keys := matching.BlockingKeys(norm)
	if err := tx.ReplaceBlockingKeys(ctx, rec.ID, keys); err != nil {
		return SubmitResult{}, err
	}
	var current *Link
	if found {
		w.emit(EventRecordUpdated, uuid.Nil, rec.ID, map[string]any{"source": source, "local_id": localID, "version": rec.Version})
		l, err := tx.ActiveLink(ctx, rec.ID)
		if err != nil && !errors.Is(err, ErrNotFound) {
			return SubmitResult{}, err
		}
		if err == nil {
			current = &l
		}
	}

	res := SubmitResult{Version: rec.Version, ModelVersion: w.model.Version, Issues: issues}
	if current != nil && current.Kind == LinkSteward {
		// A steward's link is never overridden by automatic matching.
		cit, err := tx.Survivor(ctx, current.CitizenID)
		if err != nil {
			return SubmitResult{}, err
		}
		res.CitizenID, res.Outcome, res.Score = cit.ID, OutcomeLinked, current.Score
		if err := w.refreshGolden(ctx, cit.ID); err != nil {
			return SubmitResult{}, err
		}
		return res, tx.SetRecordOutcome(ctx, rec.ID, res.Outcome, res.Score)
	}

	cands, plausible, err := w.s.scoreCandidates(ctx, tx, w.model, rec.Normalized, keys, rec.ID)
	if err != nil {
		return SubmitResult{}, err
	}
	dec := w.model.Decide(cands)
	keep, err := w.respectStewards(ctx, &dec, current)
	if err != nil {
		return SubmitResult{}, err
	}
	if !keep && current == nil {
		ids, err := bridge(w.model, &dec, &rec.Normalized, plausible, w.setApart(ctx))
		if err != nil {
			return SubmitResult{}, err
		}
		for _, retired := range ids[min(1, len(ids)):] {
			if _, err := w.merge(ctx, retired, ids[0], bridgeReason(rec.ID), true); err != nil {
				return SubmitResult{}, err
			}
		}
	}
	if keep {
		// A steward set the record's citizen apart from its best candidate: it stays.
		res.CitizenID, res.Outcome, res.Score = current.CitizenID, OutcomeLinked, current.Score
		if err := w.refreshGolden(ctx, current.CitizenID); err != nil {
			return SubmitResult{}, err
		}
		return res, w.tx.SetRecordOutcome(ctx, rec.ID, res.Outcome, res.Score)
	}
	var best *matching.Candidate
	if dec.Best >= 0 && dec.Best < len(dec.Ranked) {
		best = &dec.Ranked[dec.Best]
		res.Score = best.Comparison.Probability
		res.Explanation = &best.Comparison
	}

	switch dec.Outcome {
	case matching.OutcomeLink:
		target := uuid.MustParse(best.ID)
		if err := w.linkTo(ctx, rec, current, target, best); err != nil {
			return SubmitResult{}, err
		}
		res.CitizenID, res.Outcome = target, OutcomeLinked
		if current == nil || current.CitizenID != target {
			if err := w.confirmReviews(ctx, rec, target, plausible); err != nil {
				return SubmitResult{}, err
			}
		}
	case matching.OutcomeReview:
		cit := uuid.Nil
		if current != nil {
			cit = current.CitizenID
		} else {
			if cit, err = w.newCitizen(ctx, rec, nil); err != nil {
				return SubmitResult{}, err
			}
		}
		id, err := w.openReview(ctx, rec, cit, dec)
		if err != nil {
			return SubmitResult{}, err
		}
		res.CitizenID, res.Outcome, res.ReviewID = cit, OutcomeReview, id
		if current != nil {
			if err := w.refreshGolden(ctx, cit); err != nil {
				return SubmitResult{}, err
			}
		}
	default: // new
		if current != nil {
			others, err := tx.CitizenRecords(ctx, current.CitizenID)
			if err != nil {
				return SubmitResult{}, err
			}
			if len(others) <= 1 {
				// The record is its citizen's only record: the citizen simply changes with it.
				res.CitizenID, res.Outcome = current.CitizenID, OutcomeLinked
				if err := w.refreshGolden(ctx, current.CitizenID); err != nil {
					return SubmitResult{}, err
				}
				break
			}
		}
		cit, err := w.newCitizen(ctx, rec, current)
		if err != nil {
			return SubmitResult{}, err
		}
		res.CitizenID, res.Outcome = cit, OutcomeCreated
	}
	return res, tx.SetRecordOutcome(ctx, rec.ID, res.Outcome, res.Score)
}

// unchanged answers a re-submission of identical content with what the registry holds now.
func (w *work) unchanged(ctx context.Context, rec SourceRecord) (SubmitResult, error) {
	l, err := w.tx.ActiveLink(ctx, rec.ID)
	if err != nil {
		return SubmitResult{}, err
	}
	cit, err := w.tx.Survivor(ctx, l.CitizenID)
	if err != nil {
		return SubmitResult{}, err
	}
	res := SubmitResult{
		CitizenID: cit.ID, Outcome: rec.Outcome, Score: rec.Score, Version: rec.Version,
		ModelVersion: l.ModelVersion, Explanation: l.Explanation, Issues: rec.Issues, Unchanged: true,
	}
	if rec.Outcome == OutcomeReview {
		if r, err := w.tx.OpenReview(ctx, rec.ID); err == nil {
			res.ReviewID = r.ID
		} else if !errors.Is(err, ErrNotFound) {
			return SubmitResult{}, err
		}
	}
	return res, nil
}

// linkTo links rec to target, moving it from its current citizen if it had one.
func (w *work) linkTo(ctx context.Context, rec SourceRecord, current *Link, target uuid.UUID, best *matching.Candidate) error {
	tx := w.tx
	cit, err := tx.LockCitizen(ctx, target)
	if err != nil {
		return err
	}
	if cit.Status != CitizenActive {
		return fmt.Errorf("%w: candidate citizen %s was retired concurrently", ErrConflict, target)
	}
	if current != nil && current.CitizenID == target {
		return w.refreshGolden(ctx, target)
	}
	if current != nil {
		if err := w.unlink(ctx, rec, current.CitizenID); err != nil {
			return err
		}
	}
	l := Link{
		RecordID: rec.ID, CitizenID: target, Kind: LinkAuto, Score: best.Comparison.Probability,
		ModelVersion: w.model.Version, Explanation: &best.Comparison, Actor: w.actor,
	}
	if err := tx.InsertLink(ctx, l); err != nil {
		return err
	}
	w.emitLinked(rec, l)
	return w.refreshGolden(ctx, target)
}

func (w *work) emitLinked(rec SourceRecord, l Link) {
	w.emit(EventRecordLinked, l.CitizenID, rec.ID, linkedData(rec.Source, rec.LocalID, l))
}

// recordLinked is a record.linked event's data, with goldenChanged the data of the events a bulk
// load writes for nearly every row: typed, they encode without sorting a map's keys.
type recordLinked struct {
	Kind         LinkKind `json:"kind"`
	LocalID      string   `json:"local_id"`
	ModelVersion string   `json:"model_version"`
	Reason       string   `json:"reason"`
	Score        float64  `json:"score"`
	Source       string   `json:"source"`
}

func linkedData(source, localID string, l Link) recordLinked {
	return recordLinked{Kind: l.Kind, LocalID: localID, ModelVersion: l.ModelVersion, Reason: l.Reason, Score: l.Score, Source: source}
}

func (d *recordLinked) appendJSON(b []byte) ([]byte, bool) {
	o := jsonappend.Begin(b)
	o.Str("kind", string(d.Kind))
	o.Str("local_id", d.LocalID)
	o.Str("model_version", d.ModelVersion)
	o.Str("reason", d.Reason)
	o.Float("score", d.Score)
	o.Str("source", d.Source)
	return o.End()
}

// goldenChanged is a golden.changed event's data: the golden record's fields, by name.
type goldenChanged struct {
	Fields []string `json:"fields"`
}

func goldenChangedData(g GoldenRecord) goldenChanged {
	fields := make([]string, 0, len(g.Fields))
	for name := range g.ByName() {
		fields = append(fields, name)
	}
	if !slices.IsSorted(fields) { // fields other than a person's
		slices.Sort(fields)
	}
	return goldenChanged{Fields: fields}
}

func (w *work) unlink(ctx context.Context, rec SourceRecord, from uuid.UUID) error {
	if err := w.tx.EndLink(ctx, rec.ID, w.actor); err != nil {
		return err
	}
	w.emit(EventRecordUnlinked, from, rec.ID, map[string]any{"source": rec.Source, "local_id": rec.LocalID})
	return w.refreshGolden(ctx, from)
}

// newCitizenID mints a citizen ID, never reused. IDs are time-ordered (UUIDv7), so that the
// indexes keyed by citizen (citizens, golden records, active links, events) grow at their end
// rather than at random places: a bulk load mints a million of them.
func newCitizenID() uuid.UUID {
	id, err := uuid.NewV7()
	if err != nil {
		return uuid.New()
	}
	return id
}

// newCitizen mints a citizen for rec (moving rec from its current citizen if it had one).
func (w *work) newCitizen(ctx context.Context, rec SourceRecord, current *Link) (uuid.UUID, error) {
	tx := w.tx
	if current != nil {
		if err := w.unlink(ctx, rec, current.CitizenID); err != nil {
			return uuid.Nil, err
		}
	}
	id := newCitizenID()
	if err := tx.InsertCitizen(ctx, id); err != nil {
		return uuid.Nil, err
	}
	w.emit(EventCitizenCreated, id, 0, struct{}{})
	l := Link{RecordID: rec.ID, CitizenID: id, Kind: LinkAuto, ModelVersion: w.model.Version, Actor: w.actor}
	if err := tx.InsertLink(ctx, l); err != nil {
		return uuid.Nil, err
	}
	w.emitLinked(rec, l)
	return id, w.refreshGolden(ctx, id)
}

func (w *work) openReview(ctx context.Context, rec SourceRecord, provisional uuid.UUID, dec matching.Decision) (uuid.UUID, error) {
	if r, err := w.tx.OpenReview(ctx, rec.ID); err == nil {
		return r.ID, nil // one open review per record: the steward sees the latest version anyway
	} else if !errors.Is(err, ErrNotFound) {
		return uuid.Nil, err
	}
	var cands []matching.Candidate
	for _, c := range dec.Ranked {
		if c.ID != provisional.String() {
			cands = append(cands, c)
		}
	}
	r := Review{
		ID: uuid.New(), RecordID: rec.ID, CitizenID: provisional, Status: "open",
		Candidates: cands, Reason: dec.Reason, ModelVersion: w.model.Version,
	}
	if len(cands) > 0 {
		r.Score = cands[0].Comparison.Probability
	}
	if err := w.tx.InsertReview(ctx, r); err != nil {
		return uuid.Nil, err
	}
	ids := make([]string, len(cands))
	for i, c := range cands {
		ids[i] = c.ID
	}
	w.emit(EventReviewOpened, provisional, rec.ID, map[string]any{"review_id": r.ID, "candidates": ids})
	return r.ID, nil
}

// refreshGolden recomputes a citizen's golden record in the current transaction.
func (w *work) refreshGolden(ctx context.Context, citizen uuid.UUID) error {
	recs, err := w.tx.CitizenRecords(ctx, citizen)
	if err != nil {
		return err
	}
	g := w.s.surv.buildGolden(citizen, recs, w.s.rules)
	changed, err := w.tx.SaveGolden(ctx, g)
	if err != nil {
		return err
	}
	if changed {
		w.emit(EventGoldenChanged, citizen, 0, goldenChangedData(g))
	}
	return nil
}

// keyLimits are the caps of keys (matching.KeyLimit).
func (s *Service) keyLimits(keys []string) []int {
	out := make([]int, len(keys))
	for i, k := range keys {
		out[i] = matching.KeyLimit(k, s.maxCan)
	}
	return out
}

// scoreCandidates finds the records sharing a blocking key with n, scores them, and keeps the
// best-scoring record of each candidate citizen. It also returns the plausible records (at or
// above the review threshold), which bridge's guard compares.
func (s *Service) scoreCandidates(ctx context.Context, tx Tx, model *matching.Model, n matching.Normalized, keys []string, exclude int64) ([]matching.Candidate, []plausibleRecord, error) {
	if len(keys) == 0 {
		return nil, nil, nil
	}
	recs, err := tx.CandidateRecords(ctx, keys, s.keyLimits(keys), exclude)
	if err != nil {
		return nil, nil, err
	}
	// Active links point only to active citizens (a database invariant), so each record's
	// citizen is already the survivor.
	best := map[uuid.UUID]matching.Comparison{}
	var plausible []plausibleRecord
	for i, cr := range recs {
		cmp := model.Compare(n, cr.Record.Normalized)
		if prev, ok := best[cr.CitizenID]; !ok || cmp.Weight > prev.Weight {
			best[cr.CitizenID] = cmp
		}
		if cmp.Probability >= model.ReviewProbability {
			plausible = append(plausible, plausibleRecord{citizen: cr.CitizenID, record: cr.Record.ID, weight: cmp.Weight, norm: &recs[i].Record.Normalized})
		}
	}
	out := make([]matching.Candidate, 0, len(best))
	for id, cmp := range best {
		out = append(out, matching.Candidate{ID: id.String(), Comparison: cmp})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Comparison.Weight != out[j].Comparison.Weight {
			return out[i].Comparison.Weight > out[j].Comparison.Weight
		}
		return out[i].ID < out[j].ID
	})
	return out, plausible, nil
}

// plausibleRecord is a candidate record at or above the review threshold, with its citizen and
// its match weight with the record being decided.
type plausibleRecord struct {
	citizen uuid.UUID
	record  int64
	weight  float64
	norm    *matching.Normalized
}

// bridge applies matching.Model.Bridge to a new record's decision: when the record matches two
// or more citizens above the link threshold and nothing else plausibly, they are one person,
// unless a steward set two of them apart or two of the records involved (the record and its
// plausible records of those citizens) are different people, the guard Cluster applies against
// chains. It then turns dec into a link to the best and returns the citizens, the best first,
// the others to be merged into it; otherwise nil and dec unchanged. The submit path and the
// bulk loader both decide through it.
func bridge(model *matching.Model, dec *matching.Decision, rec *matching.Normalized, plausible []plausibleRecord, apart func(ids []uuid.UUID) (bool, error)) ([]uuid.UUID, error) {
	strong := model.Bridge(*dec)
	if len(strong) == 0 {
		return nil, nil
	}
	ids := make([]uuid.UUID, len(strong))
	for i, c := range strong {
		id, err := uuid.Parse(c.ID)
		if err != nil {
			return nil, fmt.Errorf("candidate citizen ID: %w", err)
		}
		ids[i] = id
	}
	involved := []*matching.Normalized{rec}
	for _, pr := range plausible {
		if slices.Contains(ids, pr.citizen) {
			involved = append(involved, pr.norm)
		}
	}
	if model.Distinct(involved) {
		return nil, nil
	}
	if set, err := apart(ids); err != nil || set {
		return nil, err
	}
	dec.Outcome, dec.Best = matching.OutcomeLink, 0
	dec.Reason = "joins citizens that all match above the link threshold"
	return ids, nil
}

// confirmable returns the plausible records on other citizens than target that are strong
// enough to confirm a review proposing target (at or above the link threshold), one per record.
func confirmable(model *matching.Model, target uuid.UUID, plausible []plausibleRecord) []plausibleRecord {
	var out []plausibleRecord
	for _, pr := range plausible {
		if pr.citizen != target && pr.weight >= model.LinkWeight() {
			out = append(out, pr)
		}
	}
	return out
}

// confirmReview decides whether a record that just linked to target settles the open review
// of pr's record: the review waits on pr.citizen (its provisional citizen), its candidates are
// named by their citizens' survivors, and matching.Model.Confirm links it to target. Then,
// unless a steward set the two citizens apart or two of the records involved (the new record,
// the review's record and the new record's plausible records of target) are different people,
// the provisional citizen is merged into target. The submit path and the bulk loader both
// decide through it.
func confirmReview(model *matching.Model, rec *matching.Normalized, target uuid.UUID, pr plausibleRecord, rv Review, plausible []plausibleRecord, apart func(ids []uuid.UUID) (bool, error)) (bool, error) {
	if rv.Status != ReviewOpen || rv.CitizenID != pr.citizen {
		return false, nil // the record no longer waits on its provisional citizen
	}
	cands := make([]matching.Candidate, 0, len(rv.Candidates))
	for _, c := range rv.Candidates {
		if c.ID != rv.CitizenID.String() { // a candidate merged into the provisional citizen since
			cands = append(cands, c)
		}
	}
	if !model.Confirm(cands, target.String(), rec, pr.norm) {
		return false, nil
	}
	involved := []*matching.Normalized{rec, pr.norm}
	for _, o := range plausible {
		if o.citizen == target {
			involved = append(involved, o.norm)
		}
	}
	if model.Distinct(involved) {
		return false, nil
	}
	set, err := apart([]uuid.UUID{pr.citizen, target})
	return err == nil && !set, err
}

// confirmReviews is confirmReview for the submit path: the open reviews of the record's
// plausible records on other citizens, read in the transaction.
func (w *work) confirmReviews(ctx context.Context, rec SourceRecord, target uuid.UUID, plausible []plausibleRecord) error {
	merged := map[uuid.UUID]bool{}
	for _, pr := range confirmable(w.model, target, plausible) {
		if merged[pr.citizen] {
			continue // merged by this record already: its review was closed with it
		}
		rv, err := w.tx.OpenReview(ctx, pr.record)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		// A provisional citizen other records joined since is no longer one record waiting:
		// settling it is a steward's call.
		if recs, err := w.tx.CitizenRecords(ctx, pr.citizen); err != nil {
			return err
		} else if len(recs) > 1 {
			continue
		}
		ids := make([]uuid.UUID, len(rv.Candidates))
		for i, c := range rv.Candidates {
			if ids[i], err = uuid.Parse(c.ID); err != nil {
				return fmt.Errorf("review candidate citizen ID: %w", err)
			}
		}
		survivor, err := w.tx.Survivors(ctx, ids)
		if err != nil {
			return err
		}
		for i, id := range ids {
			s, ok := survivor[id]
			if !ok {
				return fmt.Errorf("%w: review candidate citizen %s", ErrNotFound, id)
			}
			rv.Candidates[i].ID = s.String()
		}
		ok, err := confirmReview(w.model, &rec.Normalized, target, pr, rv, plausible, w.setApart(ctx))
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		if _, err := w.merge(ctx, pr.citizen, target, confirmReason(rec.ID, rv.ID), true); err != nil {
			return err
		}
		merged[pr.citizen] = true
	}
	return nil
}

// setApart answers, in the transaction, whether a steward set two of ids apart: the guard bridge
// and confirmReview apply before an automatic merge.
func (w *work) setApart(ctx context.Context) func(ids []uuid.UUID) (bool, error) {
	return func(ids []uuid.UUID) (bool, error) {
		pairs, err := w.tx.Distinctions(ctx, ids)
		return len(pairs) > 0, err
	}
}

// confirmReason is the reason an automatic merge that settles a review records.
func confirmReason(record int64, review uuid.UUID) string {
	return fmt.Sprintf("automatic: record %d confirms review %s", record, review)
}

// bridgeReason is the reason an automatic merge records: the record that joined the citizens.
func bridgeReason(record int64) string {
	return fmt.Sprintf("automatic: record %d matches both above the link threshold", record)
}
