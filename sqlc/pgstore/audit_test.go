package pgstore_test

import (
	"context"
	"fmt"
	"strings"
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
	sealed, err := f.svc.Seal(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if sealed[registry.ChainEvents] == 0 || sealed[registry.ChainAccessLog] != 5 {
		t.Fatalf("sealed %v", sealed)
	}
	heads, err := f.svc.AuditHeads(ctx)
	if err != nil {
		t.Fatal(err)
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
		                          UPDATE access_log_hashes a SET hash = b.hash
		                          FROM access_log_hashes b WHERE (a.id, b.id) IN ((1, 4), (4, 1))`,
		"truncated tail": `DELETE FROM access_log WHERE id = 5;
		                   UPDATE audit_chains SET sealed_upto = 4, head = (SELECT hash FROM access_log_hashes WHERE id = 4) WHERE name = 'access_log'`,
		"modified event hash": `UPDATE event_hashes SET hash = sha256(hash) WHERE seq = 2`,
		"deleted access hash": `DELETE FROM access_log_hashes WHERE id = 3`,
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
