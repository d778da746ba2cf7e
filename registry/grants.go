package registry

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"
)

// GrantKind is what a grant widens. Without grants a source is denied by default: it reads only
// citizens it holds a record of, sees only its own local IDs, and may not mark reads confidential.
type GrantKind string

// Grant kinds.
const (
	// GrantReadAll lets a source read any citizen's golden record (e.g. the civil registry).
	GrantReadAll GrantKind = "read_all"
	// GrantCrossReference lets a source see the local IDs of Target's records ("*": every source's).
	GrantCrossReference GrantKind = "cross_reference"
	// GrantHideField hides from a source the values of Field that came from Target ("*": from
	// any source), e.g. health-sourced phone numbers from the tax office.
	GrantHideField GrantKind = "hide_field"
	// GrantConfidential lets a source mark its reads confidential until a date (investigations):
	// the citizen sees them only from then on.
	GrantConfidential GrantKind = "confidential"
)

// Grant is one widening (or, for hide_field, narrowing) of what a source may see.
type Grant struct {
	ID     int64
	Source string
	Kind   GrantKind
	Target string
	Field  string
}

// Validate checks a grant's shape.
func (g Grant) Validate() error {
	if err := ValidateSourceCode(g.Source); err != nil {
		return err
	}
	switch g.Kind {
	case GrantReadAll, GrantConfidential:
		if g.Target != "" || g.Field != "" {
			return Invalid("kind", "%s takes neither a target nor a field", g.Kind)
		}
	case GrantCrossReference:
		if g.Target != "*" && ValidateSourceCode(g.Target) != nil {
			return Invalid("target", "must be a source code or *")
		}
		if g.Field != "" {
			return Invalid("field", "cross_reference takes no field")
		}
	case GrantHideField:
		if g.Target != "*" && ValidateSourceCode(g.Target) != nil {
			return Invalid("target", "must be a source code or *")
		}
		if !slices.Contains(PersonFields, g.Field) {
			return Invalid("field", "must be one of the person fields")
		}
	default:
		return Invalid("kind", "must be read_all, cross_reference, hide_field or confidential")
	}
	return nil
}

// visibility is what one source may see, derived from its grants.
type visibility struct {
	readAll      bool
	confidential bool
	crossRef     map[string]bool // target source (or "*") -> visible
	hidden       map[string]map[string]bool
}

func newVisibility(grants []Grant) visibility {
	v := visibility{crossRef: map[string]bool{}, hidden: map[string]map[string]bool{}}
	for _, g := range grants {
		switch g.Kind {
		case GrantReadAll:
			v.readAll = true
		case GrantConfidential:
			v.confidential = true
		case GrantCrossReference:
			v.crossRef[g.Target] = true
		case GrantHideField:
			if v.hidden[g.Field] == nil {
				v.hidden[g.Field] = map[string]bool{}
			}
			v.hidden[g.Field][g.Target] = true
		}
	}
	return v
}

func (v visibility) seesLocalIDsOf(source string) bool { return v.crossRef["*"] || v.crossRef[source] }

func (v visibility) hides(field, from string) bool {
	h := v.hidden[field]
	return h["*"] || h[from]
}

// grantCache remembers each source's visibility for KeyCacheTTL, like keys: grants are read on
// every citizen read and change rarely.
type grantCache struct {
	mu sync.Mutex
	m  map[string]cachedVisibility
}

type cachedVisibility struct {
	v       visibility
	fetched time.Time
}

func (s *Service) visibilityOf(ctx context.Context, source string) (visibility, error) {
	now := s.now()
	s.grants.mu.Lock()
	c, ok := s.grants.m[source]
	s.grants.mu.Unlock()
	if ok && now.Sub(c.fetched) <= KeyCacheTTL && !now.Before(c.fetched) {
		return c.v, nil
	}
	gs, err := s.store.GrantsForSource(ctx, source)
	if err != nil {
		return visibility{}, fmt.Errorf("read grants: %w", err)
	}
	v := newVisibility(gs)
	s.grants.mu.Lock()
	if s.grants.m == nil || len(s.grants.m) > maxCachedKeys {
		s.grants.m = map[string]cachedVisibility{}
	}
	s.grants.m[source] = cachedVisibility{v: v, fetched: now}
	s.grants.mu.Unlock()
	return v, nil
}

func (s *Service) forgetGrants() {
	s.grants.mu.Lock()
	s.grants.m = nil
	s.grants.mu.Unlock()
}

// AddGrant stores a grant (idempotent) and returns its ID. Other registry processes apply it
// within KeyCacheTTL.
func (s *Service) AddGrant(ctx context.Context, g Grant) (int64, error) {
	if err := g.Validate(); err != nil {
		return 0, err
	}
	if err := s.store.EnsureSource(ctx, g.Source); err != nil {
		return 0, err
	}
	id, err := s.store.InsertGrant(ctx, g)
	s.forgetGrants()
	return id, err
}

// RemoveGrant deletes a grant; ErrNotFound if there is none with that ID.
func (s *Service) RemoveGrant(ctx context.Context, id int64) error {
	err := s.store.DeleteGrant(ctx, id)
	s.forgetGrants()
	return err
}

// ListGrants lists every grant.
func (s *Service) ListGrants(ctx context.Context) ([]Grant, error) { return s.store.ListGrants(ctx) }

// AccessLogEntry is one line of a citizen's view of who read their data.
type AccessLogEntry struct {
	At          time.Time
	Institution string
	Purpose     string
	Operation   string
	Fields      []string
}

// CitizenAccessLog is the citizen's own view of the access log (the citizen portal's scope):
// when, which institution, why and which fields, newest first, for the citizen and every ID
// merged into it. Entries marked confidential are withheld until their disclosure date.
func (s *Service) CitizenAccessLog(ctx context.Context, p Principal, citizen uuid.UUID, limit, offset int) ([]AccessLogEntry, error) {
	if err := p.Require(ScopeCitizenPortal); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > MaxPageSize || offset < 0 {
		return nil, Invalid("limit", "must be between 1 and %d, with a non-negative offset", MaxPageSize)
	}
	var cit Citizen
	err := s.store.InTx(ctx, func(tx Tx) error {
		var err error
		cit, err = tx.Survivor(ctx, citizen)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("access log: %w", err)
	}
	return s.store.CitizenAccessLog(ctx, cit.ID, limit, offset)
}
