package pgstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

func grant(g dbsqlc.Grant) registry.Grant {
	return registry.Grant{ID: g.ID, Source: g.Source, Kind: registry.GrantKind(g.Kind), Target: g.Target, Field: g.Field}
}

// GrantsForSource implements registry.Store.
func (s *Store) GrantsForSource(ctx context.Context, source string) ([]registry.Grant, error) {
	rows, err := s.q.GrantsForSource(ctx, source)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.Grant, len(rows))
	for i, g := range rows {
		out[i] = grant(g)
	}
	return out, nil
}

// ListGrants implements registry.Store.
func (s *Store) ListGrants(ctx context.Context) ([]registry.Grant, error) {
	rows, err := s.q.GrantList(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.Grant, len(rows))
	for i, g := range rows {
		out[i] = grant(g)
	}
	return out, nil
}

// InsertGrant implements registry.Store.
func (s *Store) InsertGrant(ctx context.Context, g registry.Grant) (int64, error) {
	id, err := s.q.GrantInsert(ctx, dbsqlc.GrantInsertParams{Source: g.Source, Kind: string(g.Kind), Target: g.Target, Field: g.Field})
	return id, mapErr(err)
}

// DeleteGrant implements registry.Store.
func (s *Store) DeleteGrant(ctx context.Context, id int64) error {
	n, err := s.q.GrantDelete(ctx, id)
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return fmt.Errorf("grant %d: %w", id, registry.ErrNotFound)
	}
	return nil
}

// CitizenAccessLog implements registry.Store.
func (s *Store) CitizenAccessLog(ctx context.Context, citizen uuid.UUID, limit, offset int) ([]registry.AccessLogEntry, error) {
	rows, err := s.q.AccessLogForCitizen(ctx, dbsqlc.AccessLogForCitizenParams{CitizenID: citizen, PageSize: int32(limit), PageOffset: int32(offset)})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.AccessLogEntry, len(rows))
	for i, r := range rows {
		out[i] = registry.AccessLogEntry{At: r.At, Institution: r.Source, Purpose: r.Purpose, Operation: r.Operation, Fields: r.Fields}
	}
	return out, nil
}
