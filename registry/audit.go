package registry

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// The tamper-evident logs. Each is a hash chain over its rows in id order:
// hash(row) = sha256(hash(previous row) || canonical content of row).
const (
	ChainEvents    = "events"
	ChainAccessLog = "access_log"
)

// Chains lists the hash-chained logs.
var Chains = []string{ChainEvents, ChainAccessLog}

// AuditRow is one row of a chained log: its id, its canonical content and its stored hash.
type AuditRow struct {
	ID      int64
	Content []byte
	Hash    []byte
}

// AuditHead is a chain's sealed extent and head hash: the value to anchor outside the database.
type AuditHead struct {
	Chain      string
	SealedUpto int64
	Head       []byte
	SealedAt   time.Time
}

// String is the anchor form of a head: chain:upto:hexhash.
func (h AuditHead) String() string {
	return fmt.Sprintf("%s:%d:%s", h.Chain, h.SealedUpto, hex.EncodeToString(h.Head))
}

// ChainHash is the hash of a row given the previous row's hash.
func ChainHash(prev, content []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	h.Write(content)
	return h.Sum(nil)
}

// SealDelay is how old an access-log row must be before it is sealed: a transaction that is
// still open may yet commit a row with a smaller id, and the chain is built in id order.
const SealDelay = 30 * time.Second

// Seal extends every chain over the rows written since the last seal (access-log rows once they
// are older than minAge; events their writers did not seal themselves, see Tx.AppendEvents). It
// returns how many rows it sealed per chain. Concurrent sealers in several processes take turns.
func (s *Service) Seal(ctx context.Context, minAge time.Duration) (map[string]int, error) {
	out := map[string]int{}
	for _, c := range Chains {
		for {
			n, err := s.store.SealChain(ctx, c, minAge, 5000, ChainHash)
			if err != nil {
				return out, fmt.Errorf("seal %s: %w", c, err)
			}
			out[c] += n
			if n == 0 {
				break
			}
		}
	}
	return out, nil
}

// AuditHeads returns each chain's head, to print and anchor outside the database.
func (s *Service) AuditHeads(ctx context.Context) ([]AuditHead, error) {
	var out []AuditHead
	for _, c := range Chains {
		h, err := s.store.AuditHead(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, nil
}

// AuditProblem is one inconsistency found by VerifyAudit.
type AuditProblem struct {
	Chain string
	RowID int64
	What  string
}

func (p AuditProblem) String() string { return fmt.Sprintf("%s row %d: %s", p.Chain, p.RowID, p.What) }

// VerifyAudit recomputes every chain and reports rows that were modified, deleted, inserted or
// reordered after sealing, and heads that differ from the anchors given (earlier outputs of
// AuditHeads kept outside the database, which reveal a truncated tail).
func (s *Service) VerifyAudit(ctx context.Context, anchors []AuditHead) ([]AuditProblem, error) {
	var problems []AuditProblem
	for _, c := range Chains {
		head, err := s.store.AuditHead(ctx, c)
		if err != nil {
			return nil, err
		}
		var prev []byte
		var lastID int64
		err = s.store.AuditRows(ctx, c, head.SealedUpto, func(r AuditRow) error {
			switch {
			case r.Hash == nil:
				problems = append(problems, AuditProblem{c, r.ID, "not sealed although inside the sealed range (inserted after sealing?)"})
				return nil
			case c == ChainEvents && lastID != 0 && r.ID != lastID+1:
				problems = append(problems, AuditProblem{c, r.ID, fmt.Sprintf("events %d to %d are missing", lastID+1, r.ID-1)})
			}
			if !bytes.Equal(ChainHash(prev, r.Content), r.Hash) {
				problems = append(problems, AuditProblem{c, r.ID, "does not match its hash: the row was modified, or a row before it was deleted, inserted or moved"})
			}
			prev, lastID = r.Hash, r.ID
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("verify %s: %w", c, err)
		}
		if head.SealedUpto > 0 && !bytes.Equal(prev, head.Head) {
			problems = append(problems, AuditProblem{c, lastID, "the last sealed row does not match the chain head: rows at the end were deleted or the head was changed"})
		}
		for _, a := range anchors {
			if a.Chain != c {
				continue
			}
			if a.SealedUpto > head.SealedUpto {
				problems = append(problems, AuditProblem{c, a.SealedUpto, "the chain is shorter than an anchored head: sealed rows were removed"})
				continue
			}
			// The anchored row must still carry the anchored hash.
			var at []byte
			s.store.AuditRows(ctx, c, a.SealedUpto, func(r AuditRow) error {
				if r.ID == a.SealedUpto {
					at = r.Hash
				}
				return nil
			})
			if !bytes.Equal(at, a.Head) {
				problems = append(problems, AuditProblem{c, a.SealedUpto, "differs from the anchored head: the chain was rewritten"})
			}
		}
	}
	return problems, nil
}
