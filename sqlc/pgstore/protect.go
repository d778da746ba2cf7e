package pgstore

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/sqlc/internal/dbsqlc"
)

// codec converts between domain values and rows, and is the one place where NIKs are sealed on
// the way in and opened on the way out: raw and normalised records, record versions, golden
// records and the NIK blocking key never hold a NIK in clear.
type codec struct {
	nik *registry.NIKCipher
}

// nikKeyPrefix is the blocking key kind that carries a NIK (see matching.BlockingKeys); its
// value is replaced by the keyed index token.
const nikKeyPrefix = "id:"

func (c codec) indexKeys(keys []string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		if v, ok := strings.CutPrefix(k, nikKeyPrefix); ok {
			k = nikKeyPrefix + c.nik.Index(v)
		}
		out[i] = k
	}
	return out
}

// sealRecord encodes a record's raw and normalised forms with their NIKs sealed.
func (c codec) sealRecord(raw registry.Person, norm matching.Normalized) (rawJSON, normJSON []byte, err error) {
	if raw.NIK, err = c.nik.Seal(raw.NIK); err != nil {
		return nil, nil, err
	}
	if norm.NIK, err = c.nik.Seal(norm.NIK); err != nil {
		return nil, nil, err
	}
	if rawJSON, err = json.Marshal(raw); err != nil {
		return nil, nil, err
	}
	normJSON, err = json.Marshal(norm)
	return rawJSON, normJSON, err
}

func (c codec) openNormalized(b []byte) (matching.Normalized, error) {
	var n matching.Normalized
	if err := json.Unmarshal(b, &n); err != nil {
		return n, err
	}
	var err error
	n.NIK, err = c.nik.Open(n.NIK)
	return n, err
}

func (c codec) sourceRecord(r dbsqlc.SourceRecord) (registry.SourceRecord, error) {
	out := registry.SourceRecord{
		ID: r.ID, Source: r.Source, LocalID: r.LocalID, Version: int(r.Version), ContentHash: r.ContentHash,
		Outcome: registry.Outcome(r.Outcome), Score: r.Score, UpdatedAt: r.UpdatedAt,
	}
	if err := json.Unmarshal(r.Raw, &out.Raw); err != nil {
		return out, fmt.Errorf("decode record %d: %w", r.ID, err)
	}
	var err error
	if out.Raw.NIK, err = c.nik.Open(out.Raw.NIK); err != nil {
		return out, fmt.Errorf("record %d: %w", r.ID, err)
	}
	if out.Normalized, err = c.openNormalized(r.Normalized); err != nil {
		return out, fmt.Errorf("record %d: %w", r.ID, err)
	}
	if err := json.Unmarshal(r.Issues, &out.Issues); err != nil {
		return out, fmt.Errorf("decode record %d: %w", r.ID, err)
	}
	return out, nil
}

func (c codec) sealGolden(fields map[string]registry.GoldenValue) ([]byte, error) {
	if v, ok := fields["nik"]; ok {
		sealed, err := c.nik.Seal(v.Value)
		if err != nil {
			return nil, err
		}
		// Sealing is randomised: compare by content, so an unchanged golden record stays unchanged.
		v.Value = sealed
		fields = cloneFields(fields)
		fields["nik"] = v
	}
	return json.Marshal(fields)
}

func (c codec) openGolden(b []byte) (map[string]registry.GoldenValue, error) {
	var fields map[string]registry.GoldenValue
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, err
	}
	if v, ok := fields["nik"]; ok {
		var err error
		if v.Value, err = c.nik.Open(v.Value); err != nil {
			return nil, err
		}
		fields["nik"] = v
	}
	return fields, nil
}

func cloneFields(m map[string]registry.GoldenValue) map[string]registry.GoldenValue {
	out := make(map[string]registry.GoldenValue, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
