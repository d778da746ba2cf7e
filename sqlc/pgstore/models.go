package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// normalizedPage is the keyset page size of NormalizedRecords: a few megabytes of JSON per
// statement, so no statement holds a snapshot for long and memory stays flat.
const normalizedPage = 5000

// NormalizedRecords implements registry.Store. It pages by record ID; a record changed during
// the scan is seen in the version its page read.
func (s *Store) NormalizedRecords(ctx context.Context, fn func(matching.Normalized) error) error {
	var after int64
	for {
		rows, err := s.q.NormalizedRecordsPage(ctx, dbsqlc.NormalizedRecordsPageParams{AfterID: after, PageSize: normalizedPage})
		if err != nil {
			return mapErr(err)
		}
		for _, r := range rows {
			n, err := s.openNormalized(r.Normalized)
			if err != nil {
				return fmt.Errorf("decode normalised record %d: %w", r.ID, err)
			}
			if err := fn(n); err != nil {
				return err
			}
		}
		if len(rows) < normalizedPage {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// SaveModel implements registry.Store.
func (s *Store) SaveModel(ctx context.Context, m *matching.Model, activate bool) error {
	if m == nil || m.Version == "" {
		return fmt.Errorf("%w: a model needs a version", registry.ErrInvalid)
	}
	params, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode model %s: %w", m.Version, err)
	}
	return s.modelTx(ctx, func(q *dbsqlc.Queries) error {
		n, err := q.ModelInsert(ctx, dbsqlc.ModelInsertParams{Version: m.Version, Params: params})
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: model version %s already names other parameters", registry.ErrConflict, m.Version)
		}
		if !activate {
			return nil
		}
		return activateModel(ctx, q, m.Version)
	})
}

// ActivateModel implements registry.Store.
func (s *Store) ActivateModel(ctx context.Context, version string) error {
	return s.modelTx(ctx, func(q *dbsqlc.Queries) error { return activateModel(ctx, q, version) })
}

// activateModel switches the active model under the activation lock: deactivate the current one
// first, because the one-active index is checked row by row.
func activateModel(ctx context.Context, q *dbsqlc.Queries, version string) error {
	if err := q.ModelLockActivation(ctx); err != nil {
		return err
	}
	if err := q.ModelDeactivate(ctx, version); err != nil {
		return err
	}
	n, err := q.ModelActivate(ctx, version)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("model version %s: %w", version, registry.ErrNotFound)
	}
	return nil
}

// modelTx runs fn in one transaction, with the store's error mapping. Model changes are rare
// administrative writes: no retry loop, a conflict is reported.
func (s *Store) modelTx(ctx context.Context, fn func(q *dbsqlc.Queries) error) error {
	return mapErr(pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error { return fn(dbsqlc.New(ptx)) }))
}

// ActiveModel implements registry.Store.
func (s *Store) ActiveModel(ctx context.Context) (*matching.Model, error) {
	row, err := s.q.ModelActive(ctx)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("active matching model: %w", registry.ErrNotFound)
	}
	if err != nil {
		return nil, mapErr(err)
	}
	var m matching.Model
	if err := json.Unmarshal(row.Params, &m); err != nil {
		return nil, fmt.Errorf("decode model %s: %w", row.Version, err)
	}
	if m.Version != row.Version {
		// The version is what links record; a model whose parameters name another version would
		// make every decision untraceable.
		return nil, fmt.Errorf("model %s: its parameters name version %q", row.Version, m.Version)
	}
	return &m, nil
}

// ListModels implements registry.Store.
func (s *Store) ListModels(ctx context.Context) ([]registry.ModelInfo, error) {
	rows, err := s.q.ModelList(ctx)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.ModelInfo, len(rows))
	for i, r := range rows {
		out[i] = registry.ModelInfo{Version: r.Version, Active: r.Active, CreatedAt: r.CreatedAt}
	}
	return out, nil
}
