package pgstore

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/sqlc-dev/pqtype"
)

// copyTx is a transaction whose CopyFrom (the sqlc queries marked :copyfrom) writes COPY's
// binary rows itself for the tables a bulk load fills, by the Go type sqlc gives each column,
// where pgx's CopyFrom boxes every value and looks up an encoding plan for it: a twentieth of a
// first load's CPU for its tens of millions of values. PostgreSQL stores the rows exactly as it
// stores pgx's (TestCopyStoresWhatPgxCopyStores); other tables' go to pgx.
type copyTx struct{ pgx.Tx }

// fastCopyTables are the tables copyTx encodes itself: those a chunk writes a row per record to.
var fastCopyTables = map[string]bool{
	"source_records": true, "blocking_keys": true, "citizens": true, "links": true, "golden_records": true, "events": true,
}

func (t copyTx) CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	if len(table) != 1 || !fastCopyTables[table[0]] {
		return t.Tx.CopyFrom(ctx, table, columns, src)
	}
	return copyBinary(ctx, t.Conn(), table, columns, src)
}

// copyBinary copies src's rows into table's columns, encoded by appendCopyValue as the
// connection sends them.
func copyBinary(ctx context.Context, conn *pgx.Conn, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error) {
	cols := make([]string, len(columns))
	for i, c := range columns {
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	sql := "COPY " + table.Sanitize() + " (" + strings.Join(cols, ", ") + ") FROM STDIN BINARY"
	r := &copyReader{src: src, buf: append(make([]byte, 0, copyBufferSize+1024), copySignature...)}
	tag, err := conn.PgConn().CopyFrom(ctx, r, sql)
	if err != nil {
		return 0, fmt.Errorf("copy into %s: %w", table.Sanitize(), err)
	}
	if n := tag.RowsAffected(); n != r.rows {
		return n, fmt.Errorf("copy into %s: %d of %d rows written", table.Sanitize(), n, r.rows)
	}
	return r.rows, nil
}

// copySignature starts a binary COPY stream: the signature, no flags, no header extension.
var copySignature = []byte("PGCOPY\n\xff\r\n\x00\x00\x00\x00\x00\x00\x00\x00\x00")

// copyBufferSize is about how much of the stream copyReader encodes at a time.
const copyBufferSize = 64 << 10

// copyReader is a binary COPY stream of src's rows, encoded as the connection reads it, some
// 64 KiB at a time into one buffer: a chunk's rows are tens of megabytes.
type copyReader struct {
	src  pgx.CopyFromSource
	buf  []byte // encoded and not yet read from off on
	off  int
	rows int64
	done bool // the trailer is in buf
}

func (r *copyReader) Read(p []byte) (int, error) {
	for r.off == len(r.buf) {
		if r.done {
			return 0, io.EOF
		}
		r.buf, r.off = r.buf[:0], 0
		if err := r.fill(); err != nil {
			return 0, err
		}
	}
	n := copy(p, r.buf[r.off:])
	r.off += n
	return n, nil
}

// fill encodes rows into buf until it holds copyBufferSize bytes, or the rows and the trailer.
func (r *copyReader) fill() error {
	for len(r.buf) < copyBufferSize {
		if !r.src.Next() {
			if err := r.src.Err(); err != nil {
				return err
			}
			r.buf, r.done = binary.BigEndian.AppendUint16(r.buf, 0xffff), true
			return nil
		}
		vals, err := r.src.Values()
		if err != nil {
			return err
		}
		r.buf = binary.BigEndian.AppendUint16(r.buf, uint16(len(vals)))
		for i, v := range vals {
			if r.buf, err = appendCopyValue(r.buf, v); err != nil {
				return fmt.Errorf("row %d, column %d: %w", r.rows+1, i+1, err)
			}
		}
		r.rows++
	}
	return nil
}

// microsecFromUnixEpochToY2K is where timestamptz's binary form counts from.
const microsecFromUnixEpochToY2K = 946_684_800 * 1_000_000

// appendCopyValue appends one field: its length, then PostgreSQL's binary form of the column
// type sqlc maps v's Go type from (bigint, integer, double precision, text, bytea or json,
// uuid, timestamptz, bigint[]), or -1 for NULL as pgx writes it (nil, and a nil slice).
func appendCopyValue(b []byte, v any) ([]byte, error) {
	null := func() []byte { return binary.BigEndian.AppendUint32(b, math.MaxUint32) }
	field := func(p []byte) []byte { return append(binary.BigEndian.AppendUint32(b, uint32(len(p))), p...) }
	switch v := v.(type) {
	case nil:
		return null(), nil
	case int64:
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(v)), nil
	case int32:
		return binary.BigEndian.AppendUint32(binary.BigEndian.AppendUint32(b, 4), uint32(v)), nil
	case float64:
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), math.Float64bits(v)), nil
	case string:
		return append(binary.BigEndian.AppendUint32(b, uint32(len(v))), v...), nil
	case []byte:
		if v == nil {
			return null(), nil
		}
		return field(v), nil
	case pqtype.NullRawMessage:
		if !v.Valid {
			return null(), nil
		}
		return field(v.RawMessage), nil
	case uuid.UUID:
		return field(v[:]), nil
	case uuid.NullUUID:
		if !v.Valid {
			return null(), nil
		}
		return field(v.UUID[:]), nil
	case pgtype.Int8:
		if !v.Valid {
			return null(), nil
		}
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(v.Int64)), nil
	case time.Time:
		us := v.Unix()*1_000_000 + int64(v.Nanosecond())/1000 - microsecFromUnixEpochToY2K
		return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(us)), nil
	case []int64:
		if v == nil {
			return null(), nil
		}
		const int8OID = 20
		start := len(b)
		b = binary.BigEndian.AppendUint32(b, 0) // the length, once known
		b = binary.BigEndian.AppendUint32(b, 1) // one dimension (of length 0 for an empty array, as pgx writes it)
		b = binary.BigEndian.AppendUint32(b, 0) // no NULL
		b = binary.BigEndian.AppendUint32(b, int8OID)
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = binary.BigEndian.AppendUint32(b, 1) // lower bound
		for _, x := range v {
			b = binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint32(b, 8), uint64(x))
		}
		binary.BigEndian.PutUint32(b[start:], uint32(len(b)-start-4))
		return b, nil
	}
	return b, fmt.Errorf("no binary COPY encoding for %T", v)
}
