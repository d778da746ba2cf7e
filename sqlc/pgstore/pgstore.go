// Package pgstore is the PostgreSQL adapter of the registry: it implements registry.Store and
// registry.Tx with the queries sqlc generates from sqlc/queries, converting rows to domain values
// and database errors to the registry's error vocabulary in one place.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// Store implements registry.Store on a pgx pool.
type Store struct {
	codec
	pool *pgxpool.Pool
	q    *dbsqlc.Queries
}

var _ registry.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithNIKCipher seals NIKs with the registry's keys. Without it a Store uses random in-memory
// keys (registry.EphemeralNIKCipher): right for tests and throwaway stores only, since no other
// process can read what it wrote.
func WithNIKCipher(c *registry.NIKCipher) Option { return func(s *Store) { s.nik = c } }

// New returns a Store on pool.
func New(pool *pgxpool.Pool, opts ...Option) *Store {
	s := &Store{pool: pool, q: dbsqlc.New(pool)}
	for _, o := range opts {
		o(s)
	}
	if s.nik == nil {
		s.nik = registry.EphemeralNIKCipher()
	}
	return s
}

// maxAttempts bounds InTx's retries of serialization failures and deadlocks.
const maxAttempts = 5

// InTx runs fn in a READ COMMITTED transaction (row locks and the per-record advisory lock give
// the isolation the use cases need) and retries it on serialization failures and deadlocks.
func (s *Store) InTx(ctx context.Context, fn func(tx registry.Tx) error) error {
	var err error
	for attempt := 1; attempt <= maxAttempts; attempt++ {
		err = pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error {
			return fn(&tx{codec: s.codec, q: dbsqlc.New(ptx)})
		})
		if !retryable(err) {
			break
		}
		select {
		case <-ctx.Done():
			return mapErr(ctx.Err())
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
	return mapErr(err)
}

func retryable(err error) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && (pgErr.Code == "40001" || pgErr.Code == "40P01")
}

// mapErr converts database errors to the registry's vocabulary; errors already in it pass through.
func mapErr(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: %w", registry.ErrNotFound, err)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case pgErr.Code == "23505" || pgErr.Code == "40001" || pgErr.Code == "40P01":
			return fmt.Errorf("%w: %w", registry.ErrConflict, err)
		case pgErr.Code == "57P01" || pgErr.Code == "57P03" || pgErr.Code[:2] == "08":
			return fmt.Errorf("%w: %w", registry.ErrUnavailable, err)
		}
		return err
	}
	if pgconn.SafeToRetry(err) || pgconn.Timeout(err) {
		return fmt.Errorf("%w: %w", registry.ErrUnavailable, err)
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return fmt.Errorf("%w: %w", registry.ErrUnavailable, err)
	}
	return err
}

// Ping implements registry.Store.
func (s *Store) Ping(ctx context.Context) error { return mapErr(s.pool.Ping(ctx)) }

// HasRecords implements registry.Store.
func (s *Store) HasRecords(ctx context.Context) (bool, error) {
	ok, err := s.q.RecordsExist(ctx)
	return ok, mapErr(err)
}

// EnsureSource implements registry.Store.
func (s *Store) EnsureSource(ctx context.Context, code string) error {
	return mapErr(s.q.SourceEnsure(ctx, code))
}

// CreateAPIKey implements registry.Store.
func (s *Store) CreateAPIKey(ctx context.Context, k registry.APIKey) error {
	scopes := make([]string, len(k.Scopes))
	for i, sc := range k.Scopes {
		scopes[i] = string(sc)
	}
	return mapErr(s.q.APIKeyInsert(ctx, dbsqlc.APIKeyInsertParams{
		ID: k.ID, Source: k.Source, SecretHash: k.SecretHash, Scopes: scopes, Label: k.Label,
		CreatedAt: k.CreatedAt, ExpiresAt: optTime(k.ExpiresAt),
	}))
}

// APIKeyByHash implements registry.Store.
func (s *Store) APIKeyByHash(ctx context.Context, hash []byte) (registry.APIKey, error) {
	k, err := s.q.APIKeyByHash(ctx, hash)
	if err != nil {
		return registry.APIKey{}, mapErr(err)
	}
	return apiKey(k), nil
}

// ListAPIKeys implements registry.Store.
func (s *Store) ListAPIKeys(ctx context.Context) ([]registry.APIKey, error) {
	rows, err := s.q.APIKeyList(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.APIKey, len(rows))
	for i, k := range rows {
		out[i] = apiKey(k)
	}
	return out, nil
}

// APIKeyByID implements registry.Store.
func (s *Store) APIKeyByID(ctx context.Context, id uuid.UUID) (registry.APIKey, error) {
	k, err := s.q.APIKeyByID(ctx, id)
	if err != nil {
		return registry.APIKey{}, mapErr(err)
	}
	return apiKey(k), nil
}

// ExpireAPIKey implements registry.Store.
func (s *Store) ExpireAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	return mapErr(s.q.APIKeyExpire(ctx, dbsqlc.APIKeyExpireParams{ID: id, ExpiresAt: optTime(at)}))
}

// RevokeAPIKey implements registry.Store.
func (s *Store) RevokeAPIKey(ctx context.Context, id uuid.UUID, at time.Time) error {
	n, err := s.q.APIKeyRevoke(ctx, dbsqlc.APIKeyRevokeParams{ID: id, RevokedAt: optTime(at)})
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return fmt.Errorf("api key %s: %w", id, registry.ErrNotFound)
	}
	return nil
}

func apiKey(k dbsqlc.ApiKey) registry.APIKey {
	scopes := make([]registry.Scope, len(k.Scopes))
	for i, sc := range k.Scopes {
		scopes[i] = registry.Scope(sc)
	}
	return registry.APIKey{
		ID: k.ID, Source: k.Source, SecretHash: k.SecretHash, Scopes: scopes, Label: k.Label,
		CreatedAt: k.CreatedAt, ExpiresAt: k.ExpiresAt.Time, RevokedAt: k.RevokedAt.Time,
	}
}

// ResolveRecord implements registry.Store in one statement (see the ResolveAndLog query).
func (s *Store) ResolveRecord(ctx context.Context, source, localID string, e registry.AccessEntry) (registry.RecordLink, error) {
	row, err := s.q.ResolveAndLog(ctx, dbsqlc.ResolveAndLogParams{
		Source: source, LocalID: localID, Reader: e.Source, KeyID: nullUUID(e.KeyID), EndUser: e.EndUser,
		Purpose: e.Purpose, ClientAddr: inet(e.ClientIP), ConfidentialUntil: optTime(e.ConfidentialUntil),
	})
	if err != nil {
		return registry.RecordLink{}, mapErr(err)
	}
	return registry.RecordLink{
		Record:    registry.SourceRecord{ID: row.RecordID, Source: source, LocalID: localID, Version: int(row.Version), UpdatedAt: row.UpdatedAt},
		Link:      registry.Link{RecordID: row.RecordID, CitizenID: row.CitizenID, Kind: registry.LinkKind(row.Kind), Score: row.Score},
		CitizenID: row.CitizenID,
	}, nil
}

// Events implements registry.Store.
func (s *Store) Events(ctx context.Context, after int64, limit int) ([]registry.Event, error) {
	rows, err := s.q.EventsAfter(ctx, dbsqlc.EventsAfterParams{Seq: after, Limit: int32(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return events(rows), nil
}

// exportPage is the keyset page size of ExportLinks: large enough to be fast, small enough that
// memory stays flat for any registry size.
const exportPage = 5000

// ExportLinks implements registry.Store. It pages by key, so a registry of any size exports in
// flat memory; each page is consistent, and a record changed during the export appears once.
func (s *Store) ExportLinks(ctx context.Context, fn func(source, localID string, citizen uuid.UUID) error) error {
	afterSource, afterLocal := "", ""
	for {
		rows, err := s.q.LinksExport(ctx, dbsqlc.LinksExportParams{AfterSource: afterSource, AfterLocalID: afterLocal, PageSize: exportPage})
		if err != nil {
			return mapErr(err)
		}
		for _, r := range rows {
			if err := fn(r.Source, r.LocalID, r.CitizenID); err != nil {
				return err
			}
		}
		if len(rows) < exportPage {
			return nil
		}
		last := rows[len(rows)-1]
		afterSource, afterLocal = last.Source, last.LocalID
	}
}

func optTime(t time.Time) pgtype.Timestamptz {
	return pgtype.Timestamptz{Time: t, Valid: !t.IsZero()}
}
