package pgstore

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

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
	plain := raw.NIK
	if raw.NIK, err = c.nik.Seal(raw.NIK); err != nil {
		return nil, nil, err
	}
	if norm.NIK == plain {
		norm.NIK = raw.NIK // sealing is deterministic, and a NIK is usually received clean
	} else if norm.NIK, err = c.nik.Seal(norm.NIK); err != nil {
		return nil, nil, err
	}
	return appendPersonJSON(make([]byte, 0, 384), &raw), appendNormalizedJSON(make([]byte, 0, 384), &norm), nil
}

// appendPersonJSON and appendNormalizedJSON append json.Marshal of a record's raw and normalised
// forms, byte for byte (TestRecordEncodingIsEncodingJSONs), without its reflection: a bulk load
// encodes both for every record, and encoding/json took a thirtieth of the loader's time doing it.
func appendPersonJSON(b []byte, p *registry.Person) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("nik", p.NIK)
	o.str("full_name", p.FullName)
	o.str("given_name", p.GivenName)
	o.str("family_name", p.FamilyName)
	o.str("sex", p.Sex)
	o.str("birth_date", p.BirthDate)
	o.str("birth_place", p.BirthPlace)
	o.str("address", p.Address)
	o.str("village", p.Village)
	o.str("district", p.District)
	o.str("city", p.City)
	o.str("province", p.Province)
	o.str("postcode", p.Postcode)
	o.str("phone", p.Phone)
	o.str("email", p.Email)
	return append(o.b, '}')
}

func appendNormalizedJSON(b []byte, n *matching.Normalized) []byte {
	o := jsonObject{b: append(b, '{')}
	o.str("nik", n.NIK)
	o.flag("nik_valid", n.NIKValid)
	o.strs("name", n.Name)
	o.str("name_parts", n.NameParts)
	o.strs("father", n.Father)
	o.strs("titles", n.Titles)
	o.str("birth_date", n.BirthDate)
	o.flag("birth_date_from_nik", n.BirthDateFromNIK)
	o.str("sex", n.Sex)
	o.str("sex_from", n.SexFrom)
	o.str("birth_place", n.BirthPlace)
	o.strs("address", n.Address)
	o.str("village", n.Village)
	o.str("district", n.District)
	o.str("city", n.City)
	o.str("province", n.Province)
	o.str("postcode", n.Postcode)
	o.str("phone", n.Phone)
	o.str("email", n.Email)
	return append(o.b, '}')
}

// jsonObject appends an object's members as encoding/json does for fields tagged omitempty.
type jsonObject struct {
	b    []byte
	some bool
}

func (o *jsonObject) name(n string) {
	if o.some {
		o.b = append(o.b, ',')
	}
	o.some = true
	o.b = append(o.b, '"')
	o.b = append(o.b, n...)
	o.b = append(o.b, '"', ':')
}

func (o *jsonObject) str(n, v string) {
	if v != "" {
		o.name(n)
		o.b = appendJSONString(o.b, v)
	}
}

func (o *jsonObject) strs(n string, vs []string) {
	if len(vs) > 0 {
		o.name(n)
		o.b = append(o.b, '[')
		for i, v := range vs {
			if i > 0 {
				o.b = append(o.b, ',')
			}
			o.b = appendJSONString(o.b, v)
		}
		o.b = append(o.b, ']')
	}
}

func (o *jsonObject) flag(n string, v bool) {
	if v {
		o.name(n)
		o.b = append(o.b, "true"...)
	}
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

// storedGolden is how a golden record is kept: each record that supplied a value once (by record
// ID), and the fields in groups by the record they came from and the rule that chose them. A
// citizen known from one source has one group, so its record and rule are named once rather than
// in each of a dozen fields (migrations 6 and 9): half the bytes a bulk load writes and the
// database checks per citizen.
type storedGolden struct {
	Records []goldenSource `json:"records"`
	Groups  []goldenGroup  `json:"groups"`
	Rules   string         `json:"rules,omitempty"` // GoldenRecord.Rules
}

type goldenSource struct {
	RecordID int64     `json:"record_id"`
	Source   string    `json:"source"`
	LocalID  string    `json:"local_id"`
	Since    time.Time `json:"since"`
}

// goldenGroup is the fields (name -> value) that one record supplied by one rule.
type goldenGroup struct {
	From   int               `json:"from"` // index into storedGolden.Records
	Rule   string            `json:"rule"`
	Fields map[string]string `json:"fields"`
}

// sealGolden encodes a golden record's fields and rules with the NIK sealed. The encoding depends
// only on them (records in ID order, groups by record and rule, fields by name), so an unchanged
// golden record encodes the same.
func (c codec) sealGolden(g registry.GoldenRecord) ([]byte, error) {
	fields := g.Fields
	st := storedGolden{Records: []goldenSource{}, Groups: []goldenGroup{}, Rules: g.Rules}
	for _, v := range fields {
		if !slices.ContainsFunc(st.Records, func(s goldenSource) bool { return s.RecordID == v.RecordID }) {
			st.Records = append(st.Records, goldenSource{RecordID: v.RecordID, Source: v.Source, LocalID: v.LocalID, Since: v.Since})
		}
	}
	slices.SortFunc(st.Records, func(a, b goldenSource) int { return cmp.Compare(a.RecordID, b.RecordID) })
	for name, v := range fields {
		if name == "nik" {
			sealed, err := c.nik.Seal(v.Value)
			if err != nil {
				return nil, err
			}
			v.Value = sealed
		}
		from := slices.IndexFunc(st.Records, func(s goldenSource) bool { return s.RecordID == v.RecordID })
		g := slices.IndexFunc(st.Groups, func(g goldenGroup) bool { return g.From == from && g.Rule == v.Rule })
		if g < 0 {
			g = len(st.Groups)
			st.Groups = append(st.Groups, goldenGroup{From: from, Rule: v.Rule, Fields: map[string]string{}})
		}
		st.Groups[g].Fields[name] = v.Value
	}
	slices.SortFunc(st.Groups, func(a, b goldenGroup) int {
		return cmp.Or(cmp.Compare(a.From, b.From), cmp.Compare(a.Rule, b.Rule))
	})
	return st.appendJSON(make([]byte, 0, 512)), nil
}

// appendJSON appends json.Marshal(st), byte for byte (TestGoldenEncodingIsEncodingJSONs), without
// its reflection: a bulk load encodes a golden record per citizen, and encoding/json took a
// tenth of the loader's time doing it. Equal bytes keep json_differs on its fast path.
func (st *storedGolden) appendJSON(b []byte) []byte {
	b = append(b, `{"records":[`...)
	for i, r := range st.Records {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"record_id":`...)
		b = strconv.AppendInt(b, r.RecordID, 10)
		b = append(b, `,"source":`...)
		b = appendJSONString(b, r.Source)
		b = append(b, `,"local_id":`...)
		b = appendJSONString(b, r.LocalID)
		b = append(b, `,"since":"`...)
		b = r.Since.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `"}`...)
	}
	b = append(b, `],"groups":[`...)
	for i, g := range st.Groups {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"from":`...)
		b = strconv.AppendInt(b, int64(g.From), 10)
		b = append(b, `,"rule":`...)
		b = appendJSONString(b, g.Rule)
		b = append(b, `,"fields":{`...)
		for j, name := range slices.Sorted(maps.Keys(g.Fields)) {
			if j > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, name)
			b = append(b, ':')
			b = appendJSONString(b, g.Fields[name])
		}
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	if st.Rules != "" {
		b = append(b, `,"rules":`...)
		b = appendJSONString(b, st.Rules)
	}
	return append(b, '}')
}

// appendJSONString appends s as encoding/json quotes it: printable ASCII other than the
// characters it escapes is copied; anything else (rare in a registry's values) goes through
// encoding/json itself.
func appendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// openGolden decodes a stored golden record's fields and rules into out.
func (c codec) openGolden(b []byte, out *registry.GoldenRecord) error {
	var st storedGolden
	if err := json.Unmarshal(b, &st); err != nil {
		return err
	}
	fields := map[string]registry.GoldenValue{}
	for _, g := range st.Groups {
		if g.From < 0 || g.From >= len(st.Records) {
			return fmt.Errorf("golden field group names record %d of %d", g.From, len(st.Records))
		}
		src := st.Records[g.From]
		for name, value := range g.Fields {
			v := registry.GoldenValue{
				Value: value, Source: src.Source, LocalID: src.LocalID, RecordID: src.RecordID, Rule: g.Rule, Since: src.Since,
			}
			if name == "nik" {
				var err error
				if v.Value, err = c.nik.Open(v.Value); err != nil {
					return err
				}
			}
			fields[name] = v
		}
	}
	out.Fields, out.Rules = fields, st.Rules
	return nil
}
