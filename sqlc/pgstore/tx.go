package pgstore

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sqlc-dev/pqtype"

	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// tx implements registry.Tx inside one database transaction.
type tx struct {
	codec
	q *dbsqlc.Queries
}

var _ registry.Tx = (*tx)(nil)

func (t *tx) LockRecordKey(ctx context.Context, source, localID string) error {
	return mapErr(t.q.RecordLockKey(ctx, dbsqlc.RecordLockKeyParams{Source: source, LocalID: localID}))
}

func (t *tx) RecordByKey(ctx context.Context, source, localID string) (registry.SourceRecord, error) {
	r, err := t.q.RecordByKey(ctx, dbsqlc.RecordByKeyParams{Source: source, LocalID: localID})
	if err != nil {
		return registry.SourceRecord{}, mapErr(err)
	}
	return t.sourceRecord(r)
}

func (t *tx) SaveRecord(ctx context.Context, rec *registry.SourceRecord) error {
	raw, norm, _, err := t.sealRecord(rec.Raw, rec.Normalized)
	if err != nil {
		return err
	}
	issues, err := json.Marshal(rec.Issues)
	if err != nil {
		return err
	}
	if rec.Issues == nil {
		issues = []byte("[]")
	}
	if rec.ID == 0 {
		row, err := t.q.RecordInsert(ctx, dbsqlc.RecordInsertParams{
			Source: rec.Source, LocalID: rec.LocalID, ContentHash: rec.ContentHash, Raw: raw, Normalized: norm, Issues: issues,
		})
		if err != nil {
			return mapErr(err)
		}
		rec.ID, rec.Version, rec.UpdatedAt = row.ID, 1, row.UpdatedAt
	} else {
		at, err := t.q.RecordUpdate(ctx, dbsqlc.RecordUpdateParams{
			ID: rec.ID, Version: int32(rec.Version), ContentHash: rec.ContentHash, Raw: raw, Normalized: norm, Issues: issues,
		})
		if err != nil {
			return mapErr(err)
		}
		rec.UpdatedAt = at
	}
	return nil
}

func (t *tx) SetRecordOutcome(ctx context.Context, recordID int64, outcome registry.Outcome, score float64) error {
	return mapErr(t.q.RecordSetOutcome(ctx, dbsqlc.RecordSetOutcomeParams{ID: recordID, Outcome: string(outcome), Score: score}))
}

func (t *tx) ReplaceBlockingKeys(ctx context.Context, recordID int64, keys []string) error {
	return mapErr(t.q.BlockingKeysReplace(ctx, dbsqlc.BlockingKeysReplaceParams{Keys: digestInts(t.indexKeys(keys)), RecordID: recordID}))
}

func (t *tx) CandidateRecords(ctx context.Context, keys []string, limits []int, exclude int64) ([]registry.CandidateRecord, error) {
	lims := make([]int32, len(limits))
	for i, l := range limits {
		lims[i] = int32(l)
	}
	rows, err := t.q.CandidateRecords(ctx, dbsqlc.CandidateRecordsParams{Keys: digestInts(t.indexKeys(keys)), Limits: lims, Exclude: exclude})
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.CandidateRecord, len(rows))
	for i, r := range rows {
		rec, err := t.sourceRecord(r.SourceRecord)
		if err != nil {
			return nil, err
		}
		out[i] = registry.CandidateRecord{Record: rec, CitizenID: r.CitizenID}
	}
	return out, nil
}

func (t *tx) ActiveLink(ctx context.Context, recordID int64) (registry.Link, error) {
	l, err := t.q.LinkActive(ctx, recordID)
	if err != nil {
		return registry.Link{}, mapErr(err)
	}
	out := registry.Link{
		RecordID: l.RecordID, CitizenID: l.CitizenID, Kind: registry.LinkKind(l.Kind), Score: l.Score,
		ModelVersion: l.ModelVersion, Actor: l.Actor, Reason: l.Reason, CreatedAt: l.CreatedAt,
	}
	return out, decodeExplanation(l.Explanation, &out)
}

func (t *tx) InsertLink(ctx context.Context, l registry.Link) error {
	expl, err := explanationJSON(l.Explanation)
	if err != nil {
		return err
	}
	return mapErr(t.q.LinkInsert(ctx, dbsqlc.LinkInsertParams{
		RecordID: l.RecordID, CitizenID: l.CitizenID, Kind: string(l.Kind), Score: l.Score,
		ModelVersion: l.ModelVersion, Explanation: expl, Actor: l.Actor, Reason: l.Reason,
	}))
}

func (t *tx) EndLink(ctx context.Context, recordID int64, actor string) error {
	n, err := t.q.LinkEnd(ctx, dbsqlc.LinkEndParams{RecordID: recordID, EndedBy: pgtype.Text{String: actor, Valid: true}})
	if err != nil {
		return mapErr(err)
	}
	if n == 0 {
		return fmt.Errorf("active link of record %d: %w", recordID, registry.ErrNotFound)
	}
	return nil
}

func (t *tx) InsertCitizen(ctx context.Context, id uuid.UUID) error {
	return mapErr(t.q.CitizenInsert(ctx, id))
}

func (t *tx) LockCitizen(ctx context.Context, id uuid.UUID) (registry.Citizen, error) {
	c, err := t.q.CitizenLock(ctx, id)
	if err != nil {
		return registry.Citizen{}, mapErr(err)
	}
	return registry.Citizen{ID: c.ID, Status: registry.CitizenStatus(c.Status), MergedInto: c.MergedInto.UUID}, nil
}

func (t *tx) Survivor(ctx context.Context, id uuid.UUID) (registry.Citizen, error) {
	c, err := t.q.CitizenSurvivor(ctx, id)
	if err != nil {
		return registry.Citizen{}, mapErr(err)
	}
	return registry.Citizen{ID: c.ID, Status: registry.CitizenStatus(c.Status), MergedInto: c.MergedInto.UUID}, nil
}

func (t *tx) Survivors(ctx context.Context, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	return survivors(ctx, t.q, ids)
}

// survivors maps each of ids to the active survivor its merged_into chain leads to.
func survivors(ctx context.Context, q *dbsqlc.Queries, ids []uuid.UUID) (map[uuid.UUID]uuid.UUID, error) {
	rows, err := queryParts(ctx, ids, q.CitizenSurvivors)
	if err != nil {
		return nil, err
	}
	out := make(map[uuid.UUID]uuid.UUID, len(rows))
	for _, r := range rows {
		out[r.Start] = r.Survivor
	}
	return out, nil
}

func (t *tx) CitizenRecords(ctx context.Context, citizen uuid.UUID) ([]registry.SourceRecord, error) {
	rows, err := t.q.CitizenRecords(ctx, citizen)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]registry.SourceRecord, len(rows))
	for i, r := range rows {
		if out[i], err = t.sourceRecord(r); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t *tx) Golden(ctx context.Context, citizen uuid.UUID) (registry.GoldenRecord, error) {
	g, err := t.q.GoldenGet(ctx, citizen)
	if err != nil {
		return registry.GoldenRecord{}, mapErr(err)
	}
	out := registry.GoldenRecord{CitizenID: g.CitizenID, Version: int(g.Version), UpdatedAt: g.UpdatedAt}
	if err = t.openGolden(g.Fields, &out); err != nil {
		return registry.GoldenRecord{}, fmt.Errorf("decode golden record: %w", err)
	}
	return out, nil
}

func (t *tx) SaveGolden(ctx context.Context, g registry.GoldenRecord) (bool, error) {
	b, err := t.sealGolden(g, nil)
	if err != nil {
		return false, err
	}
	_, err = t.q.GoldenUpsert(ctx, dbsqlc.GoldenUpsertParams{CitizenID: g.CitizenID, Fields: b})
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil // unchanged: the upsert's WHERE skipped the update
	}
	return err == nil, mapErr(err)
}

func (t *tx) InsertReview(ctx context.Context, r registry.Review) error {
	cands, err := json.Marshal(r.Candidates)
	if err != nil {
		return err
	}
	return mapErr(t.q.ReviewInsert(ctx, dbsqlc.ReviewInsertParams{
		ID: r.ID, RecordID: r.RecordID, CitizenID: r.CitizenID, Score: r.Score, Candidates: cands,
		Reason: r.Reason, ModelVersion: r.ModelVersion,
	}))
}

func (t *tx) OpenReview(ctx context.Context, recordID int64) (registry.Review, error) {
	r, err := t.q.ReviewOpenByRecord(ctx, recordID)
	if err != nil {
		return registry.Review{}, mapErr(err)
	}
	return review(r)
}

func review(r dbsqlc.Review) (registry.Review, error) {
	out := registry.Review{
		ID: r.ID, RecordID: r.RecordID, CitizenID: r.CitizenID, Status: r.Status, Score: r.Score,
		Reason: r.Reason, ModelVersion: r.ModelVersion, Version: int(r.Version), CreatedAt: r.CreatedAt,
	}
	if err := json.Unmarshal(r.Candidates, &out.Candidates); err != nil {
		return registry.Review{}, fmt.Errorf("decode review candidates: %w", err)
	}
	return out, nil
}

// AppendEvents implements registry.Tx. It also seals the events, in the same transaction, when
// the events chain ends just before them (every event before them sealed, as it is once each
// writer seals its own); otherwise the sealer seals them with those before, in order. Either
// way a sealed event is sealed over exactly the row it commits with.
func (t *tx) AppendEvents(ctx context.Context, events []registry.Event) error {
	if len(events) == 0 {
		return nil
	}
	res, err := t.q.EventsReserve(ctx, int64(len(events)))
	if err != nil {
		return mapErr(err)
	}
	first := res.LastSeq - int64(len(events)) + 1
	rows := make([]dbsqlc.EventsInsertParams, len(events))
	for i, e := range events {
		data := e.Data
		if data == nil {
			data = []byte("{}")
		}
		rows[i] = dbsqlc.EventsInsertParams{
			Seq: first + int64(i), Kind: e.Kind, CitizenID: nullUUID(e.CitizenID),
			RecordID: pgtype.Int8{Int64: e.RecordID, Valid: e.RecordID != 0}, Data: data, Actor: e.Actor,
			CreatedAt: res.Now,
		}
	}
	if _, err = t.q.EventsInsert(ctx, rows); err != nil {
		return mapErr(err)
	}
	if res.SealedUpto != first-1 {
		return nil
	}
	ids, hashes := make([]int64, len(rows)), make([]byte, 0, sha256.Size*len(rows))
	prev := res.Head
	var buf []byte
	for i, r := range rows {
		buf = appendEventContent(buf[:0], dbsqlc.Event(r))
		prev = registry.ChainHash(prev, buf)
		ids[i], hashes = r.Seq, append(hashes, prev...)
	}
	return mapErr(t.q.AuditSeal(ctx, dbsqlc.AuditSealParams{Chain: registry.ChainEvents, Upto: res.LastSeq, Ids: ids, Hashes: hashes, Head: prev}))
}

func (t *tx) InsertAccess(ctx context.Context, e registry.AccessEntry) error {
	addr := inet(e.ClientIP)
	fields := e.Fields
	if fields == nil {
		fields = []string{}
	}
	return mapErr(t.q.AccessInsert(ctx, dbsqlc.AccessInsertParams{
		Source: e.Source, KeyID: nullUUID(e.KeyID), EndUser: e.EndUser, Purpose: e.Purpose,
		Operation: e.Operation, CitizenID: nullUUID(e.CitizenID), Fields: fields, ClientAddr: addr,
		ConfidentialUntil: optTime(e.ConfidentialUntil),
	}))
}

func nullUUID(id uuid.UUID) uuid.NullUUID { return uuid.NullUUID{UUID: id, Valid: id != uuid.Nil} }

// inet converts a client address for the access log; an unparsable one is stored as NULL.
func inet(addr string) pqtype.Inet {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return pqtype.Inet{}
	}
	bits := ip.BitLen()
	return pqtype.Inet{IPNet: net.IPNet{IP: net.IP(ip.AsSlice()), Mask: net.CIDRMask(bits, bits)}, Valid: true}
}
