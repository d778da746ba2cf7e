package pgstore

import (
	"context"
	"crypto/sha256"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
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
		// Each row's content is hashed as it is built, in one buffer: a load's three million
		// events are not copied twice more on their way to the hash. The seal is one row: the
		// ids in order and their hashes end to end.
		var ids []int64
		var hashes, buf []byte
		prev := head.Head
		seal := func(id int64) {
			prev = hash(prev, buf)
			ids, hashes = append(ids, id), append(hashes, prev...)
		}
		switch chain {
		case registry.ChainEvents:
			rows, err := q.EventsUnsealed(ctx, dbsqlc.EventsUnsealedParams{After: head.SealedUpto, PageSize: int32(limit)})
			if err != nil {
				return err
			}
			ids, hashes = make([]int64, 0, len(rows)), make([]byte, 0, sha256.Size*len(rows))
			for _, r := range rows {
				buf = appendEventContent(buf[:0], r)
				seal(r.Seq)
			}
		case registry.ChainAccessLog:
			rows, err := q.AccessUnsealed(ctx, dbsqlc.AccessUnsealedParams{After: head.SealedUpto, MinAgeSeconds: minAge.Seconds(), PageSize: int32(limit)})
			if err != nil {
				return err
			}
			ids, hashes = make([]int64, 0, len(rows)), make([]byte, 0, sha256.Size*len(rows))
			for _, r := range rows {
				buf = appendAccessContent(buf[:0], r)
				seal(r.ID)
			}
		default:
			return fmt.Errorf("unknown chain %q", chain)
		}
		if len(ids) == 0 {
			return nil
		}
		if len(hashes) != sha256.Size*len(ids) {
			return fmt.Errorf("seal %s: hashes of %d bytes, want %d", chain, len(hashes)/len(ids), sha256.Size)
		}
		n = len(ids)
		return q.AuditSeal(ctx, dbsqlc.AuditSealParams{Chain: chain, Upto: ids[len(ids)-1], Ids: ids, Hashes: hashes, Head: prev})
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
	seals := sealCursor{q: s.q, chain: chain}
	for {
		var page []registry.AuditRow
		switch chain {
		case registry.ChainEvents:
			rows, err := s.q.EventsAuditRows(ctx, dbsqlc.EventsAuditRowsParams{After: after, Upto: upto, PageSize: auditPage})
			if err != nil {
				return mapErr(err)
			}
			for _, r := range rows {
				content := appendEventContent(nil, r)
				page = append(page, registry.AuditRow{ID: r.Seq, Content: content})
			}
		case registry.ChainAccessLog:
			rows, err := s.q.AccessAuditRows(ctx, dbsqlc.AccessAuditRowsParams{After: after, Upto: upto, PageSize: auditPage})
			if err != nil {
				return mapErr(err)
			}
			for _, r := range rows {
				content := appendAccessContent(nil, dbsqlc.AccessUnsealedRow{ID: r.ID, At: r.At, Source: r.Source, KeyID: r.KeyID,
					EndUser: r.EndUser, Purpose: r.Purpose, Operation: r.Operation, CitizenID: r.CitizenID, Fields: r.Fields,
					ClientAddr: r.ClientAddr, ConfidentialUntil: r.ConfidentialUntil})
				page = append(page, registry.AuditRow{ID: r.ID, Content: content})
			}
		default:
			return fmt.Errorf("unknown chain %q", chain)
		}
		for _, r := range page {
			var err error
			if r.Hash, err = seals.hashOf(ctx, r.ID); err != nil {
				return mapErr(err)
			}
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

// sealPage bounds the seals a sealCursor holds at once (each up to the sealer's 5,000 hashes).
const sealPage = 16

// sealCursor walks a chain's seals in order beside its rows, which are walked in id order too,
// and answers each row's hash.
type sealCursor struct {
	q     *dbsqlc.Queries
	chain string
	page  []dbsqlc.AuditSealsAfterRow
	after int64 // the last seal fetched
	i, k  int   // the seal at hand in page, and the next of its ids
	done  bool  // no seal after page
}

// hashOf returns the hash a seal holds for row id, nil if none does; ids must come in
// increasing order.
func (c *sealCursor) hashOf(ctx context.Context, id int64) ([]byte, error) {
	for {
		if c.i == len(c.page) {
			if c.done {
				return nil, nil
			}
			page, err := c.q.AuditSealsAfter(ctx, dbsqlc.AuditSealsAfterParams{Chain: c.chain, After: c.after, PageSize: sealPage})
			if err != nil {
				return nil, err
			}
			c.page, c.i, c.k, c.done = page, 0, 0, len(page) < sealPage
			if len(page) > 0 {
				c.after = page[len(page)-1].Upto
			}
			continue
		}
		s := &c.page[c.i]
		if id > s.Upto {
			c.i, c.k = c.i+1, 0
			continue
		}
		for c.k < len(s.Ids) && s.Ids[c.k] < id {
			c.k++
		}
		if c.k == len(s.Ids) || s.Ids[c.k] != id || len(s.Hashes) < sha256.Size*(c.k+1) {
			return nil, nil
		}
		c.k++
		return s.Hashes[sha256.Size*(c.k-1) : sha256.Size*c.k], nil
	}
}

// The hash chains' canonical content of a row is the jsonb text of the row with its times as
// microseconds since the epoch, an event's data as its stored text: the very text the database
// gives for
//
//	(to_jsonb(e) - 'created_at') || jsonb_build_object('created_at', <microseconds>)
//
// for an event whose data is laid out as jsonb lays it out (as every event written before
// migration 18 is), and likewise for an access-log row with its two times. The store writes it
// from the row's columns (TestChainContentIsTheDatabasesJSONB holds the two together): building
// it in the database cost five times the reading of them, and a million-record load writes
// three million events, which the writer seals itself (AppendEvents). jsonb orders an object's
// keys by length, then by bytes, and writes ": " and ", " between them. A column added to either
// table must be added here too: the test compares with to_jsonb of the whole row, and fails
// until it is.

// appendEventContent appends event e's canonical content. Its data is json (migration 18): the
// text as written, which for events written before that migration is their jsonb text.
func appendEventContent(b []byte, e dbsqlc.Event) []byte {
	b = append(b, `{"seq": `...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `, "data": `...)
	b = append(b, e.Data...)
	b = append(b, `, "kind": `...)
	b = appendJSONBString(b, e.Kind)
	b = append(b, `, "actor": `...)
	b = appendJSONBString(b, e.Actor)
	b = append(b, `, "record_id": `...)
	if e.RecordID.Valid {
		b = strconv.AppendInt(b, e.RecordID.Int64, 10)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `, "citizen_id": `...)
	b = appendJSONBUUID(b, e.CitizenID)
	b = append(b, `, "created_at": `...)
	b = strconv.AppendInt(b, e.CreatedAt.UnixMicro(), 10)
	return append(b, '}')
}

// appendAccessContent appends access-log row a's canonical content; its address was read
// through the inet output function (empty when there is none), as jsonb writes it.
func appendAccessContent(b []byte, a dbsqlc.AccessUnsealedRow) []byte {
	b = append(b, `{"at": `...)
	b = strconv.AppendInt(b, a.At.UnixMicro(), 10)
	b = append(b, `, "id": `...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = append(b, `, "fields": [`...)
	for i, f := range a.Fields {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = appendJSONBString(b, f)
	}
	b = append(b, `], "key_id": `...)
	b = appendJSONBUUID(b, a.KeyID)
	b = append(b, `, "source": `...)
	b = appendJSONBString(b, a.Source)
	b = append(b, `, "purpose": `...)
	b = appendJSONBString(b, a.Purpose)
	b = append(b, `, "end_user": `...)
	b = appendJSONBString(b, a.EndUser)
	b = append(b, `, "operation": `...)
	b = appendJSONBString(b, a.Operation)
	b = append(b, `, "citizen_id": `...)
	b = appendJSONBUUID(b, a.CitizenID)
	b = append(b, `, "client_addr": `...)
	if a.ClientAddr != "" {
		b = appendJSONBString(b, a.ClientAddr)
	} else {
		b = append(b, "null"...)
	}
	b = append(b, `, "confidential_until": `...)
	if a.ConfidentialUntil.Valid {
		b = strconv.AppendInt(b, a.ConfidentialUntil.Time.UnixMicro(), 10)
	} else {
		b = append(b, "null"...)
	}
	return append(b, '}')
}

func appendJSONBUUID(b []byte, id uuid.NullUUID) []byte {
	if !id.Valid {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = append(b, id.UUID.String()...)
	return append(b, '"')
}

// appendJSONBString appends s quoted as jsonb text quotes it (PostgreSQL's escape_json): the
// two-letter escapes for backspace, form feed, newline, carriage return, tab, quote and
// backslash, \u00xx for the other control characters, every other byte as it is.
func appendJSONBString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\b':
			b = append(b, `\b`...)
		case '\f':
			b = append(b, `\f`...)
		case '\n':
			b = append(b, `\n`...)
		case '\r':
			b = append(b, `\r`...)
		case '\t':
			b = append(b, `\t`...)
		case '"':
			b = append(b, `\"`...)
		case '\\':
			b = append(b, `\\`...)
		default:
			if c < 0x20 {
				b = append(b, `\u00`...)
				b = append(b, hex[c>>4], hex[c&0xf])
			} else {
				b = append(b, c)
			}
		}
	}
	return append(b, '"')
}
