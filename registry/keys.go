package registry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
)

// Scope is a permission an API key carries.
type Scope string

// Scopes.
const (
	ScopeSubmit        Scope = "submit"
	ScopeResolve       Scope = "resolve"
	ScopeRead          Scope = "read"
	ScopeMatch         Scope = "match"
	ScopeBulk          Scope = "bulk"
	ScopeSteward       Scope = "steward"
	ScopeCitizenPortal Scope = "citizen-portal"
	ScopeAdmin         Scope = "admin"
)

// AllScopes lists every scope, in documentation order.
var AllScopes = []Scope{ScopeSubmit, ScopeResolve, ScopeRead, ScopeMatch, ScopeBulk, ScopeSteward, ScopeCitizenPortal, ScopeAdmin}

// ParseScopes parses a comma-separated scope list, rejecting unknown names.
func ParseScopes(s string) ([]Scope, error) {
	var out []Scope
	for _, part := range strings.Split(s, ",") {
		sc := Scope(strings.TrimSpace(part))
		if sc == "" {
			continue
		}
		if !slices.Contains(AllScopes, sc) {
			return nil, Invalid("scopes", "unknown scope %q (known: %s)", sc, joinScopes(AllScopes))
		}
		if !slices.Contains(out, sc) {
			out = append(out, sc)
		}
	}
	if len(out) == 0 {
		return nil, Invalid("scopes", "at least one scope is required")
	}
	return out, nil
}

func joinScopes(s []Scope) string {
	parts := make([]string, len(s))
	for i, sc := range s {
		parts[i] = string(sc)
	}
	return strings.Join(parts, ",")
}

// APIKey is a source's credential. Only the hash of its secret is stored.
type APIKey struct {
	ID         uuid.UUID
	Source     string
	SecretHash []byte
	Scopes     []Scope
	Label      string
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: not revoked
}

// Principal is the authenticated caller of an operation.
type Principal struct {
	KeyID  uuid.UUID
	Source string
	Scopes []Scope
}

// Has reports whether the principal holds scope (admin holds every scope).
func (p Principal) Has(scope Scope) bool {
	return slices.Contains(p.Scopes, scope) || slices.Contains(p.Scopes, ScopeAdmin)
}

// Require returns ErrForbidden unless the principal holds scope.
func (p Principal) Require(scope Scope) error {
	if !p.Has(scope) {
		return fmt.Errorf("%w: this key lacks the %q scope", ErrForbidden, scope)
	}
	return nil
}

const keyPrefix = "rk_"

// hashSecret hashes a key secret. The secret carries 256 random bits, so a fast hash is enough:
// a stolen table cannot be brute-forced, and lookups stay cheap on every request.
func hashSecret(secret string) []byte {
	h := sha256.Sum256([]byte(secret))
	return h[:]
}

// CreateKey mints a key for source with the given scopes and returns it with its secret, which is
// shown once and never stored. The source is registered if it is new.
func (s *Service) CreateKey(ctx context.Context, source string, scopes []Scope, label string, ttl time.Duration) (APIKey, string, error) {
	if err := ValidateSourceCode(source); err != nil {
		return APIKey{}, "", err
	}
	if len(scopes) == 0 {
		return APIKey{}, "", Invalid("scopes", "at least one scope is required")
	}
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return APIKey{}, "", err
	}
	secret := keyPrefix + base64.RawURLEncoding.EncodeToString(b)
	k := APIKey{
		ID: uuid.New(), Source: source, SecretHash: hashSecret(secret), Scopes: scopes,
		Label: label, CreatedAt: s.now(),
	}
	if ttl > 0 {
		k.ExpiresAt = k.CreatedAt.Add(ttl)
	}
	if err := s.store.EnsureSource(ctx, source); err != nil {
		return APIKey{}, "", fmt.Errorf("register source: %w", err)
	}
	if err := s.store.CreateAPIKey(ctx, k); err != nil {
		return APIKey{}, "", fmt.Errorf("store key: %w", err)
	}
	return k, secret, nil
}

// Authenticate turns a bearer secret into a principal. Unknown, revoked and expired keys are
// all ErrUnauthorized, without saying which.
func (s *Service) Authenticate(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, keyPrefix) || len(secret) > 128 {
		return Principal{}, ErrUnauthorized
	}
	hash := hashSecret(secret)
	now := s.now()
	k, ok := s.keys.get(hash, now)
	if !ok {
		var err error
		k, err = s.store.APIKeyByHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return Principal{}, ErrUnauthorized
		}
		if err != nil {
			return Principal{}, fmt.Errorf("authenticate: %w", err)
		}
		s.keys.put(hash, k, now)
	}
	if !k.RevokedAt.IsZero() || (!k.ExpiresAt.IsZero() && now.After(k.ExpiresAt)) {
		return Principal{}, ErrUnauthorized
	}
	return Principal{KeyID: k.ID, Source: k.Source, Scopes: k.Scopes}, nil
}

// RotateKey mints a successor of a key (same source, scopes and label) and lets the old key
// expire after grace, so a ministry can switch its systems over without an outage.
func (s *Service) RotateKey(ctx context.Context, id uuid.UUID, grace time.Duration) (APIKey, string, error) {
	old, err := s.store.APIKeyByID(ctx, id)
	if err != nil {
		return APIKey{}, "", fmt.Errorf("rotate key: %w", err)
	}
	if !old.RevokedAt.IsZero() {
		return APIKey{}, "", fmt.Errorf("%w: key %s is revoked", ErrConflict, id)
	}
	k, secret, err := s.CreateKey(ctx, old.Source, old.Scopes, old.Label, 0)
	if err != nil {
		return APIKey{}, "", err
	}
	if err := s.store.ExpireAPIKey(ctx, id, s.now().Add(grace)); err != nil {
		return APIKey{}, "", fmt.Errorf("expire the old key: %w", err)
	}
	s.keys.evict(id)
	return k, secret, nil
}

// ListKeys lists API keys (without secrets).
func (s *Service) ListKeys(ctx context.Context) ([]APIKey, error) { return s.store.ListAPIKeys(ctx) }

// RevokeKey revokes a key. This process stops accepting it at once; other registry processes
// within KeyCacheTTL.
func (s *Service) RevokeKey(ctx context.Context, id uuid.UUID) error {
	if err := s.store.RevokeAPIKey(ctx, id, s.now()); err != nil {
		return err
	}
	s.keys.evict(id)
	return nil
}

// KeyCacheTTL bounds how long a process trusts a key it has looked up: authentication costs no
// database round trip on the hot path, and a revocation reaches every process within this time.
const KeyCacheTTL = 10 * time.Second

// keyCache remembers looked-up keys for KeyCacheTTL.
type keyCache struct {
	mu sync.Mutex
	m  map[string]cachedKey
}

type cachedKey struct {
	key     APIKey
	fetched time.Time
}

// maxCachedKeys bounds the cache; past it the cache starts afresh (keys are few in practice).
const maxCachedKeys = 10_000

func (c *keyCache) get(hash []byte, now time.Time) (APIKey, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[string(hash)]
	if !ok || now.Sub(e.fetched) > KeyCacheTTL || now.Before(e.fetched) {
		return APIKey{}, false
	}
	return e.key, true
}

func (c *keyCache) put(hash []byte, k APIKey, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxCachedKeys {
		c.m = map[string]cachedKey{}
	}
	c.m[string(hash)] = cachedKey{key: k, fetched: now}
}

func (c *keyCache) evict(id uuid.UUID) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for h, e := range c.m {
		if e.key.ID == id {
			delete(c.m, h)
		}
	}
}
