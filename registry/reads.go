package registry

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// ReadContext says who reads citizen data and why; it is written to the access log in the same
// transaction as the read, so no data is returned without its log entry.
type ReadContext struct {
	Principal Principal
	EndUser   string
	Purpose   string
	ClientIP  string
	// ConfidentialUntil marks the read confidential until then (needs a confidential grant).
	ConfidentialUntil time.Time
}

func (rc ReadContext) entry(op string, citizen uuid.UUID, fields []string) AccessEntry {
	return AccessEntry{
		Source: rc.Principal.Source, KeyID: rc.Principal.KeyID, EndUser: rc.EndUser, Purpose: rc.Purpose,
		Operation: op, CitizenID: citizen, Fields: fields, ClientIP: rc.ClientIP, ConfidentialUntil: rc.ConfidentialUntil,
	}
}

// checkRead validates what every read of citizen data must carry, and returns the reader's
// visibility.
func (s *Service) checkRead(ctx context.Context, rc ReadContext) (visibility, error) {
	if rc.Purpose == "" || rc.EndUser == "" {
		return visibility{}, Invalid("purpose", "every read of citizen data needs a purpose and an end user")
	}
	v, err := s.visibilityOf(ctx, rc.Principal.Source)
	if err != nil {
		return visibility{}, err
	}
	if !rc.ConfidentialUntil.IsZero() && !v.confidential && !rc.Principal.Has(ScopeAdmin) {
		return visibility{}, fmt.Errorf("%w: this source may not mark reads confidential", ErrForbidden)
	}
	return v, nil
}

// Resolve maps a source's local ID to its citizen (following merges). A source resolves only
// its own local IDs. ErrNotFound when the source holds no such record.
func (s *Service) Resolve(ctx context.Context, rc ReadContext, source, localID string) (RecordLink, error) {
	p := rc.Principal
	if err := p.Require(ScopeResolve); err != nil {
		return RecordLink{}, err
	}
	if p.Source != source && !p.Has(ScopeAdmin) {
		return RecordLink{}, fmt.Errorf("%w: a source resolves only its own records", ErrForbidden)
	}
	if err := ValidateLocalID(localID); err != nil {
		return RecordLink{}, err
	}
	if _, err := s.checkRead(ctx, rc); err != nil {
		return RecordLink{}, err
	}
	out, err := s.store.ResolveRecord(ctx, source, localID, rc.entry("resolve", uuid.Nil, []string{"citizen_id"}))
	if err != nil {
		return RecordLink{}, fmt.Errorf("resolve record: %w", err)
	}
	return out, nil
}

// Citizen returns a citizen's golden record, following merges: a retired ID answers with its
// survivor. Deny by default: a source reads only citizens it holds a record of (unless granted
// read_all), sees the local IDs of its own records only (unless granted cross_reference), and
// never sees fields a hide_field grant withholds; stewards and admins read every citizen whole.
// The returned golden record is already filtered for the reader.
func (s *Service) Citizen(ctx context.Context, rc ReadContext, id uuid.UUID) (CitizenView, error) {
	p := rc.Principal
	if err := p.Require(ScopeRead); err != nil {
		return CitizenView{}, err
	}
	vis, err := s.checkRead(ctx, rc)
	if err != nil {
		return CitizenView{}, err
	}
	var v CitizenView
	err = s.store.InTx(ctx, func(tx Tx) error {
		cit, err := tx.Survivor(ctx, id)
		if err != nil {
			return err
		}
		recs, err := tx.CitizenRecords(ctx, cit.ID)
		if err != nil {
			return err
		}
		var refs []RecordRef
		all := p.Has(ScopeAdmin) || p.Has(ScopeSteward)
		holds := false
		for _, r := range recs {
			if r.Source == p.Source {
				holds = true
			}
			if r.Source == p.Source || all || vis.seesLocalIDsOf(r.Source) {
				refs = append(refs, RecordRef{Source: r.Source, LocalID: r.LocalID})
			}
		}
		if !holds && !all && !vis.readAll {
			// Same answer as a missing citizen: a ministry cannot probe which IDs exist.
			return ErrNotFound
		}
		g, err := tx.Golden(ctx, cit.ID)
		if err != nil {
			return err
		}
		shown := map[string]GoldenValue{}
		for f, val := range g.Fields {
			if !all && vis.hides(f, val.Source) {
				continue
			}
			if !all && val.Source != p.Source && !vis.seesLocalIDsOf(val.Source) {
				val.LocalID = ""
			}
			shown[f] = val
		}
		g.Fields = shown
		v = CitizenView{Citizen: cit, Requested: id, Golden: g, Records: refs}
		fields := make([]string, 0, len(g.Fields))
		for _, f := range PersonFields {
			if _, ok := g.Fields[f]; ok {
				fields = append(fields, f)
			}
		}
		return tx.InsertAccess(ctx, rc.entry("read", cit.ID, fields))
	})
	if err != nil {
		return CitizenView{}, fmt.Errorf("read citizen: %w", err)
	}
	return v, nil
}

// MaxMatchCandidates caps the candidates a match query returns.
const MaxMatchCandidates = 10

// Match scores a person against the registry without writing anything but the access log. The
// query needs a name together with a birth date or a NIK, so it cannot be used to enumerate.
func (s *Service) Match(ctx context.Context, rc ReadContext, person Person) (MatchResult, error) {
	if err := rc.Principal.Require(ScopeMatch); err != nil {
		return MatchResult{}, err
	}
	person = person.Trimmed()
	if err := person.CheckStructure(); err != nil {
		return MatchResult{}, err
	}
	norm, issues := matching.Normalize(person.MatchingRecord())
	if err := person.Strict(issues); err != nil {
		return MatchResult{}, err
	}
	if _, err := s.checkRead(ctx, rc); err != nil {
		return MatchResult{}, err
	}
	hasName := person.FullName != "" || person.GivenName != "" || person.FamilyName != ""
	if person.NIK == "" && (!hasName || person.BirthDate == "") {
		return MatchResult{}, Invalid("nik", "a match needs a NIK, or a name with a birth date")
	}
	model := s.Model()
	res := MatchResult{ModelVersion: model.Version}
	err := s.store.InTx(ctx, func(tx Tx) error {
		res.Candidates = nil
		cands, _, err := s.scoreCandidates(ctx, tx, model, norm, matching.BlockingKeys(norm), 0)
		if err != nil {
			return err
		}
		dec := model.Decide(cands)
		res.Outcome = dec.Outcome
		for _, c := range dec.Ranked[:min(len(dec.Ranked), MaxMatchCandidates)] {
			id := uuid.MustParse(c.ID)
			res.Candidates = append(res.Candidates, MatchCandidate{CitizenID: id, Comparison: c.Comparison})
			if err := tx.InsertAccess(ctx, rc.entry("match", id, []string{"citizen_id", "score"})); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return MatchResult{}, fmt.Errorf("match: %w", err)
	}
	return res, nil
}

// MaxPageSize caps every listing.
const MaxPageSize = 1000

// Events returns the change stream after sequence number after. It needs the admin scope until
// per-source event filtering exists, since events name every source's records.
func (s *Service) Events(ctx context.Context, p Principal, after int64, limit int) ([]Event, error) {
	if err := p.Require(ScopeAdmin); err != nil {
		return nil, err
	}
	if after < 0 {
		return nil, Invalid("after", "must not be negative")
	}
	if limit < 1 || limit > MaxPageSize {
		return nil, Invalid("limit", "must be between 1 and %d", MaxPageSize)
	}
	return s.store.Events(ctx, after, limit)
}

// ExportLinks writes every active link, ordered by source and local ID.
func (s *Service) ExportLinks(ctx context.Context, fn func(source, localID string, citizen uuid.UUID) error) error {
	return s.store.ExportLinks(ctx, fn)
}

// IsEmpty reports whether the registry holds no records yet.
func (s *Service) IsEmpty(ctx context.Context) (bool, error) {
	has, err := s.store.HasRecords(ctx)
	return !has, err
}
