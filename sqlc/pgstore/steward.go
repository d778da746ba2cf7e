package pgstore

import (
	"context"
	"fmt"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// ListReviews implements registry.Store.
func (s *Store) ListReviews(ctx context.Context, f registry.ReviewFilter) ([]registry.ReviewSummary, error) {
	rows, err := s.q.ReviewList(ctx, dbsqlc.ReviewListParams{
		Status: f.Status, Source: f.Source, MinScore: f.MinScore, MaxScore: f.MaxScore,
		CreatedBefore: f.CreatedBefore, Sort: f.Sort, PageSize: int32(f.Limit), PageOffset: int32(f.Offset),
	})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.ReviewSummary, len(rows))
	for i, r := range rows {
		rv, err := review(r.Review)
		if err != nil {
			return nil, err
		}
		out[i] = registry.ReviewSummary{Review: rv, Source: r.Source, LocalID: r.LocalID}
	}
	return out, nil
}

// CitizenEvents implements registry.Store.
func (s *Store) CitizenEvents(ctx context.Context, citizen uuid.UUID, limit int) ([]registry.Event, error) {
	rows, err := s.q.EventsForCitizen(ctx, dbsqlc.EventsForCitizenParams{CitizenID: nullUUID(citizen), Limit: int32(limit)})
	if err != nil {
		return nil, mapErr(err)
	}
	return events(rows), nil
}

func events(rows []dbsqlc.Event) []registry.Event {
	out := make([]registry.Event, len(rows))
	for i, e := range rows {
		out[i] = registry.Event{
			Seq: e.Seq, Kind: e.Kind, CitizenID: e.CitizenID.UUID, RecordID: e.RecordID.Int64,
			Data: e.Data, Actor: e.Actor, CreatedAt: e.CreatedAt,
		}
	}
	return out
}

func (t *tx) RecordByID(ctx context.Context, id int64) (registry.SourceRecord, error) {
	r, err := t.q.RecordByID(ctx, id)
	if err != nil {
		return registry.SourceRecord{}, mapErr(err)
	}
	return t.sourceRecord(r)
}

func (t *tx) ReviewByID(ctx context.Context, id uuid.UUID) (registry.Review, error) {
	r, err := t.q.ReviewGet(ctx, id)
	if err != nil {
		return registry.Review{}, mapErr(err)
	}
	return review(r)
}

func (t *tx) DecideReview(ctx context.Context, id uuid.UUID, version int, status, actor string) error {
	n, err := t.q.ReviewDecide(ctx, dbsqlc.ReviewDecideParams{
		ID: id, Version: int32(version), Status: status, Actor: pgtype.Text{String: actor, Valid: true},
	})
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return fmt.Errorf("%w: review %s is no longer open at version %d", registry.ErrConflict, id, version)
	}
	return nil
}

func (t *tx) EndCitizenLinks(ctx context.Context, citizen uuid.UUID, actor string) ([]registry.Link, error) {
	rows, err := t.q.LinksEndForCitizen(ctx, dbsqlc.LinksEndForCitizenParams{CitizenID: citizen, Actor: pgtype.Text{String: actor, Valid: true}})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.Link, len(rows))
	for i, r := range rows {
		out[i] = registry.Link{RecordID: r.RecordID, CitizenID: citizen, Kind: registry.LinkKind(r.Kind), Score: r.Score, ModelVersion: r.ModelVersion}
		if err := decodeExplanation(r.Explanation, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) RetireCitizen(ctx context.Context, id, survivor uuid.UUID) error {
	return mapErr(t.q.CitizenRetire(ctx, dbsqlc.CitizenRetireParams{ID: id, MergedInto: nullUUID(survivor)}))
}

func (t *tx) ReactivateCitizen(ctx context.Context, id uuid.UUID) error {
	return mapErr(t.q.CitizenReactivate(ctx, id))
}

func (t *tx) InsertMerge(ctx context.Context, m registry.Merge) error {
	return mapErr(t.q.MergeInsert(ctx, dbsqlc.MergeInsertParams{
		ID: m.ID, Retired: m.Retired, Survivor: m.Survivor, RecordIds: m.RecordIDs, Reason: m.Reason, Actor: m.Actor,
	}))
}

func (t *tx) MergeInForce(ctx context.Context, retired uuid.UUID) (registry.Merge, error) {
	m, err := t.q.MergeInForce(ctx, retired)
	if err != nil {
		return registry.Merge{}, mapErr(err)
	}
	// Lock the merge so two concurrent unmerges cannot both undo it.
	if m, err = t.q.MergeGet(ctx, m.ID); err != nil {
		return registry.Merge{}, mapErr(err)
	}
	if m.UndoneAt.Valid {
		return registry.Merge{}, fmt.Errorf("%w: merge %s was undone concurrently", registry.ErrConflict, m.ID)
	}
	return registry.Merge{
		ID: m.ID, Retired: m.Retired, Survivor: m.Survivor, RecordIDs: m.RecordIds, Reason: m.Reason,
		Actor: m.Actor, CreatedAt: m.CreatedAt, UndoneAt: m.UndoneAt.Time,
	}, nil
}

func (t *tx) UndoMerge(ctx context.Context, id uuid.UUID, actor string) error {
	return mapErr(t.q.MergeUndo(ctx, dbsqlc.MergeUndoParams{ID: id, UndoneBy: pgtype.Text{String: actor, Valid: true}}))
}

func (t *tx) InsertDistinction(ctx context.Context, a, b uuid.UUID, reason, actor string) error {
	return mapErr(t.q.DistinctionInsert(ctx, dbsqlc.DistinctionInsertParams{A: a, B: b, Reason: reason, Actor: actor}))
}

func (t *tx) Distinctions(ctx context.Context, ids []uuid.UUID) ([][2]uuid.UUID, error) {
	rows, err := t.q.DistinctionsAmong(ctx, ids)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([][2]uuid.UUID, len(rows))
	for i, r := range rows {
		out[i] = [2]uuid.UUID{r.A, r.B}
	}
	return out, nil
}
