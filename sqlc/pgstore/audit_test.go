package pgstore_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/bangsa/registry/registry"
)

// auditFixture writes some events and access-log rows and seals them.
func auditFixture(t *testing.T) (*fixture, []registry.AuditHead) {
	t.Helper()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	for i := range 5 {
		person := siti()
		person.NIK = fmt.Sprintf("32730541079000%02d", i)
		person.FullName = fmt.Sprintf("Orang %c", 'A'+i)
		if _, err := f.svc.Submit(ctx, p, "dukcapil", fmt.Sprintf("D-%d", i), person); err != nil {
			t.Fatal(err)
		}
		if _, err := f.svc.Resolve(ctx, read(p), "dukcapil", fmt.Sprintf("D-%d", i)); err != nil {
			t.Fatal(err)
		}
	}
	// Events are sealed by the transactions that write them; the access log by the sealer.
	sealed, err := f.svc.Seal(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if sealed[registry.ChainEvents] != 0 || sealed[registry.ChainAccessLog] != 5 {
		t.Fatalf("sealed %v, want the five access-log rows and no event left to seal", sealed)
	}
	heads, err := f.svc.AuditHeads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if last := f.count(t, `SELECT last_seq FROM events_head`); last < 10 || heads[0].Chain != registry.ChainEvents || heads[0].SealedUpto != int64(last) {
		t.Fatalf("heads %v after %d events", heads, last)
	}
	if problems, err := f.svc.VerifyAudit(ctx, heads); err != nil || len(problems) != 0 {
		t.Fatalf("untouched logs: %v %v", problems, err)
	}
	return f, heads
}

func TestAuditDetectsTampering(t *testing.T) {
	t.Parallel()
	cases := map[string]string{
		"modified access row": `UPDATE access_log SET purpose = 'innocent' WHERE id = 3`,
		"modified event":      `UPDATE events SET actor = 'someone else' WHERE seq = 2`,
		"deleted access row":  `DELETE FROM access_log WHERE id = 2`,
		"deleted event":       `DELETE FROM events WHERE seq = 3`,
		"inserted access row": `INSERT INTO access_log (id, source, operation, at) OVERRIDING SYSTEM VALUE
		                        SELECT 1000, 'dukcapil', 'read', at FROM access_log WHERE id = 2;
		                        UPDATE audit_chains SET sealed_upto = 1000 WHERE name = 'access_log'`,
		"reordered access rows": `UPDATE access_log a SET citizen_id = b.citizen_id, at = b.at
		                          FROM access_log b WHERE (a.id, b.id) IN ((1, 4), (4, 1));
		                          UPDATE audit_seals SET hashes = overlay(overlay(hashes PLACING substr(hashes, 97, 32) FROM 1)
		                                                                  PLACING substr(hashes, 1, 32) FROM 97)
		                          WHERE chain = 'access_log' AND ids[1] = 1`,
		"truncated tail": `DELETE FROM access_log WHERE id = 5;
		                   UPDATE audit_chains SET sealed_upto = 4,
		                          head = (SELECT hash FROM audit_hashes WHERE chain = 'access_log' AND id = 4) WHERE name = 'access_log'`,
		"modified event hash": `UPDATE audit_seals SET hashes = overlay(hashes PLACING sha256(substr(hashes, 33, 32)) FROM 33)
		                       WHERE chain = 'events' AND ids[2] = 2`,
		"deleted access hash": `UPDATE audit_seals SET ids = array_remove(ids, 3::bigint), hashes = overlay(hashes PLACING '' FROM 65 FOR 32)
		                       WHERE chain = 'access_log' AND ids[3] = 3`,
		"deleted event seal": `DELETE FROM audit_seals WHERE chain = 'events'`,
	}
	for name, sql := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f, heads := auditFixture(t)
			if _, err := f.pool.Exec(context.Background(), sql); err != nil {
				t.Fatal(err)
			}
			problems, err := f.svc.VerifyAudit(context.Background(), heads)
			if err != nil {
				t.Fatal(err)
			}
			if len(problems) == 0 {
				t.Fatalf("%s went undetected", name)
			}
			for _, p := range problems {
				if strings.Contains(p.String(), "Siti") {
					t.Fatalf("a problem report carries personal data: %s", p)
				}
			}
		})
	}
}

// TestEventsSealedByTheirWriters: writers seal their own events where the chain ends just
// before them, and leave them to the sealer otherwise (events written unsealed before them); with
// writers and the sealer running at once, every event ends sealed exactly once, in order.
func TestEventsSealedByTheirWriters(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	// Events no writer sealed, as a registry before migration 18 leaves them.
	if _, err := f.pool.Exec(ctx, `
		INSERT INTO events (seq, kind, data, actor) SELECT i, 'golden.changed', '{}', 'steward:ayu' FROM generate_series(1, 3) i;
		UPDATE events_head SET last_seq = 3`); err != nil {
		t.Fatal(err)
	}
	submit := func(i int) {
		person := siti()
		person.NIK = fmt.Sprintf("3273054107%06d", i)
		person.FullName = fmt.Sprintf("Orang %d", i)
		if _, err := f.svc.Submit(ctx, p, "dukcapil", fmt.Sprintf("D-%d", i), person); err != nil {
			t.Error(err)
		}
	}
	submit(0)
	if n := f.count(t, `SELECT count(*) FROM audit_seals`); n != 0 {
		t.Fatalf("%d seals while unsealed events came before the writer's", n)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				submit(1 + w*10 + i)
			}
		}()
	}
	stop := make(chan struct{})
	sealer := make(chan error)
	go func() {
		for {
			if _, err := f.svc.Seal(ctx, 0); err != nil {
				sealer <- err
				return
			}
			select {
			case <-stop:
				sealer <- nil
				return
			default:
			}
		}
	}()
	wg.Wait()
	close(stop)
	if err := <-sealer; err != nil {
		t.Fatal(err)
	}
	if sealed, err := f.svc.Seal(ctx, 0); err != nil || sealed[registry.ChainEvents] != 0 {
		t.Fatalf("sealed %v %v after the writers: want every event sealed already", sealed, err)
	}
	last := f.count(t, `SELECT last_seq FROM events_head`)
	heads, err := f.svc.AuditHeads(ctx)
	if err != nil || heads[0].SealedUpto != int64(last) {
		t.Fatalf("heads %v %v after %d events", heads, err, last)
	}
	if n := f.count(t, `SELECT count(*) FROM audit_hashes WHERE chain = 'events'`); n != last {
		t.Fatalf("%d event hashes for %d events", n, last)
	}
	if problems, err := f.svc.VerifyAudit(ctx, heads); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
	// The chain caught up, a writer seals its own events at once, in one seal.
	seals := f.count(t, `SELECT count(*) FROM audit_seals WHERE chain = 'events'`)
	submit(99)
	if n := f.count(t, `SELECT count(*) FROM audit_seals WHERE chain = 'events'`); n != seals+1 {
		t.Fatalf("%d seals after a submit, want %d", n, seals+1)
	}
	if heads, err := f.svc.AuditHeads(ctx); err != nil || heads[0].SealedUpto != int64(f.count(t, `SELECT last_seq FROM events_head`)) {
		t.Fatalf("heads %v %v: the submit's events are not sealed", heads, err)
	}
}

func TestSealIsIncremental(t *testing.T) {
	t.Parallel()
	f, _ := auditFixture(t)
	ctx := context.Background()
	p := f.principal(t, "dukcapil")
	if _, err := f.svc.Resolve(ctx, read(p), "dukcapil", "D-1"); err != nil {
		t.Fatal(err)
	}
	// A fresh row is left for a later seal while younger than the delay.
	if sealed, err := f.svc.Seal(ctx, registry.SealDelay); err != nil || sealed[registry.ChainAccessLog] != 0 {
		t.Fatalf("sealed %v %v: a row younger than the delay was sealed", sealed, err)
	}
	if sealed, err := f.svc.Seal(ctx, 0); err != nil || sealed[registry.ChainAccessLog] != 1 {
		t.Fatalf("sealed %v %v", sealed, err)
	}
	if problems, err := f.svc.VerifyAudit(ctx, nil); err != nil || len(problems) != 0 {
		t.Fatalf("after an incremental seal: %v %v", problems, err)
	}
}

// TestChainContentIsTheDatabasesJSONB: the sealer hashes each event and access-log row as the
// jsonb text of the row (times as microseconds since the epoch; an event's data as stored),
// written by the store from the row's columns; chains sealed when the database wrote that text
// must still verify, so the two must be the same bytes for any row: quotes, backslashes and
// control characters in its text, non-ASCII text, nested and numeric data, data laid out
// otherwise than jsonb would, missing citizen, record, key or address, addresses with and
// without a mask, times before 1970 and to the microsecond. Events written through the store
// are sealed as they are written, over the same text.
func TestChainContentIsTheDatabasesJSONB(t *testing.T) {
	t.Parallel()
	f, _ := auditFixture(t)
	ctx := context.Background()
	_, err := f.pool.Exec(ctx, `
		WITH v(kind, actor, data, citizen_id, record_id, created_at) AS (VALUES
			('record.linked', 'load:dukcapil', '{"fields": ["nik", "full_name"], "score": 12.50}'::json,
			 '01a21dce-36dd-78f4-a8b9-d4d5d964cbeb'::uuid, 42::bigint, '2026-11-27 16:19:46.498294+00'::timestamptz),
			(E'quote " back \\ slash / tab \t nl \n cr \r bs \b ff \f', E'ctl \x01 \x1f del \x7f', '{}', NULL, NULL, '1969-12-31 23:59:59.999999+00'),
			('é Đặng محمد 😀 <b>&amp;</b>', 'steward:ayu', '{"nested": {"a": [1, "two", null, true, {"z": "\u0001 \" é"}]}, "": -0.000}',
			 NULL, -7, '1900-01-01 00:00:00+07'),
			('', '', '[1, 2.0, 3e2, "x"]', '00000000-0000-0000-0000-000000000000', 9007199254740993, '2262-04-11 23:47:16.854775+00'),
			('golden.changed', E'u\u2028v', '"just a string"', gen_random_uuid(), 1, now()),
			('record.linked', 'load:dukcapil', '{"score":0.93,  "kind" : "auto","n":[1 ,2.50, 1e-7]}'::json, NULL, 3, now()))
		INSERT INTO events (seq, kind, actor, data, citizen_id, record_id, created_at)
		SELECT (SELECT max(seq) FROM events) + row_number() OVER (), kind, actor, data, citizen_id, record_id, created_at FROM v;
		UPDATE events_head SET last_seq = (SELECT max(seq) FROM events);
		INSERT INTO access_log (at, source, key_id, end_user, purpose, operation, citizen_id, fields, client_addr, confidential_until) VALUES
			('2026-11-27 16:19:46.498294+00', 'dukcapil', gen_random_uuid(), 'petugas-01', 'pelayanan', 'read', gen_random_uuid(),
			 '{nik,full_name}', '10.1.2.3', '2027-01-01 00:00:00+00'),
			('1969-12-31 23:59:59.999999+00', E'q " b \\ \t', NULL, E'ctl \x01', 'é 😀 <&>', 'resolve', NULL, '{}', NULL, NULL),
			('2000-02-29 12:00:00.000001+07', 'djp', NULL, '', '', 'read', NULL, ARRAY[E'a"b', E'c\\d', 'é', ''], '2001:db8::1', NULL),
			(now() - interval '1 hour', 'kemenkes', NULL, '', '', 'read', NULL, '{x}', '192.168.0.0/16', now())`)
	if err != nil {
		t.Fatal(err)
	}
	if sealed, err := f.svc.Seal(ctx, 0); err != nil || sealed[registry.ChainEvents] != 6 || sealed[registry.ChainAccessLog] != 4 {
		t.Fatalf("sealed %v %v", sealed, err)
	}
	for chain, query := range map[string]string{
		registry.ChainEvents: `
			SELECT e.seq, replace(((to_jsonb(e) - 'created_at' - 'data')
			        || jsonb_build_object('data', '@data@', 'created_at', (extract(epoch FROM e.created_at) * 1000000)::bigint))::text,
			        '"@data@"', e.data::text), h.hash
			FROM events e JOIN audit_hashes h ON h.chain = 'events' AND h.id = e.seq ORDER BY e.seq`,
		registry.ChainAccessLog: `
			SELECT a.id, ((to_jsonb(a) - 'at' - 'confidential_until')
			        || jsonb_build_object('at', (extract(epoch FROM a.at) * 1000000)::bigint,
			                              'confidential_until', (extract(epoch FROM a.confidential_until) * 1000000)::bigint))::text, h.hash
			FROM access_log a JOIN audit_hashes h ON h.chain = 'access_log' AND h.id = a.id ORDER BY a.id`,
	} {
		rows, err := f.pool.Query(ctx, query)
		if err != nil {
			t.Fatal(err)
		}
		var prev []byte
		n := 0
		for rows.Next() {
			var id int64
			var content string
			var hash []byte
			if err := rows.Scan(&id, &content, &hash); err != nil {
				t.Fatal(err)
			}
			if want := registry.ChainHash(prev, []byte(content)); !bytes.Equal(hash, want) {
				t.Errorf("%s row %d: sealed over other bytes than the database's jsonb text %s", chain, id, content)
			}
			prev, n = hash, n+1
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n < 9 {
			t.Fatalf("%s: %d rows sealed", chain, n)
		}
	}
	if problems, err := f.svc.VerifyAudit(ctx, nil); err != nil || len(problems) != 0 {
		t.Fatalf("verify: %v %v", problems, err)
	}
}
