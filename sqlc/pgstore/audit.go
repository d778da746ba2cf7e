package pgstore

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// SealChain implements registry.Store.
func (s *Store) SealChain(ctx context.Context, chain string, minAge time.Duration, limit int, hash func(prev, content []byte) []byte) (int, error) {
	n := 0
	err := pgx.BeginFunc(ctx, s.pool, func(ptx pgx.Tx) error {
		q := dbsqlc.New(ptx)
		head, err := q.AuditChainLock(ctx, chain)
		if err != nil {
			return err
		}
		var ids []int64
		var contents []string
		switch chain {
		case registry.ChainEvents:
			rows, err := q.EventsUnsealed(ctx, dbsqlc.EventsUnsealedParams{After: head.SealedUpto, PageSize: int32(limit)})
			if err != nil {
				return err
			}
			for _, r := range rows {
				ids, contents = append(ids, r.ID), append(contents, r.Content)
			}
		case registry.ChainAccessLog:
			rows, err := q.AccessUnsealed(ctx, dbsqlc.AccessUnsealedParams{After: head.SealedUpto, MinAgeSeconds: minAge.Seconds(), PageSize: int32(limit)})
			if err != nil {
				return err
			}
			for _, r := range rows {
				ids, contents = append(ids, r.ID), append(contents, r.Content)
			}
		default:
			return fmt.Errorf("unknown chain %q", chain)
		}
		if len(ids) == 0 {
			return nil
		}
		prev := head.Head
		hashes := make([][]byte, len(ids))
		for i, c := range contents {
			hashes[i] = hash(prev, []byte(c))
			prev = hashes[i]
		}
		if chain == registry.ChainEvents {
			err = q.EventsSetHashes(ctx, dbsqlc.EventsSetHashesParams{Ids: ids, Hashes: hashes})
		} else {
			err = q.AccessSetHashes(ctx, dbsqlc.AccessSetHashesParams{Ids: ids, Hashes: hashes})
		}
		if err != nil {
			return err
		}
		n = len(ids)
		return q.AuditChainAdvance(ctx, dbsqlc.AuditChainAdvanceParams{Name: chain, SealedUpto: ids[len(ids)-1], Head: prev})
	})
	return n, mapErr(err)
}

// AuditHead implements registry.Store.
func (s *Store) AuditHead(ctx context.Context, chain string) (registry.AuditHead, error) {
	h, err := s.q.AuditChainGet(ctx, chain)
	if err != nil {
		return registry.AuditHead{}, mapErr(err)
	}
	return registry.AuditHead{Chain: h.Name, SealedUpto: h.SealedUpto, Head: h.Head, SealedAt: h.SealedAt}, nil
}

// auditPage bounds the rows AuditRows holds at once.
const auditPage = 5000

// AuditRows implements registry.Store, paging by id so any log size verifies in flat memory.
func (s *Store) AuditRows(ctx context.Context, chain string, upto int64, fn func(registry.AuditRow) error) error {
	var after int64
	for {
		var page []registry.AuditRow
		switch chain {
		case registry.ChainEvents:
			rows, err := s.q.EventsAuditRows(ctx, dbsqlc.EventsAuditRowsParams{After: after, Upto: upto, PageSize: auditPage})
			if err != nil {
				return mapErr(err)
			}
			for _, r := range rows {
				page = append(page, registry.AuditRow{ID: r.ID, Content: []byte(r.Content), Hash: r.Hash})
			}
		case registry.ChainAccessLog:
			rows, err := s.q.AccessAuditRows(ctx, dbsqlc.AccessAuditRowsParams{After: after, Upto: upto, PageSize: auditPage})
			if err != nil {
				return mapErr(err)
			}
			for _, r := range rows {
				page = append(page, registry.AuditRow{ID: r.ID, Content: []byte(r.Content), Hash: r.Hash})
			}
		default:
			return fmt.Errorf("unknown chain %q", chain)
		}
		for _, r := range page {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(page) < auditPage {
			return nil
		}
		after = page[len(page)-1].ID
	}
}
