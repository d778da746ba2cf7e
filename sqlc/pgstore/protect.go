package pgstore

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sqlc-dev/pqtype"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
	"github.com/bangsa/registry/registry/jsonappend"
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

// indexKeys returns keys as the key index holds them: digests (matching.Digest), a NIK's key
// taken with its keyed index token in place of the NIK.
func (c codec) indexKeys(keys []string) []matching.Digest {
	out := make([]matching.Digest, len(keys))
	for i, k := range keys {
		if v, ok := strings.CutPrefix(k, nikKeyPrefix); ok {
			k = nikKeyPrefix + c.nik.Index(v)
		}
		out[i] = matching.DigestOf(k)
	}
	return out
}

// digestInts and intDigests convert digests to and from the key index's column type; digestInts
// never returns nil, so a record holding no key lists an empty array (the column is NOT NULL).
func digestInts(ds []matching.Digest) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = int64(d)
	}
	return out
}

func intDigests(xs []int64) []matching.Digest {
	out := make([]matching.Digest, len(xs))
	for i, x := range xs {
		out[i] = matching.Digest(x)
	}
	return out
}

// sealRecord encodes a record's raw and normalised forms with their NIKs sealed, and returns
// the raw NIK's sealed form.
func (c codec) sealRecord(raw registry.Person, norm matching.Normalized) (rawJSON, normJSON []byte, sealedNIK string, err error) {
	plain := raw.NIK
	if raw.NIK, err = c.nik.Seal(raw.NIK); err != nil {
		return nil, nil, "", err
	}
	if norm.NIK == plain {
		norm.NIK = raw.NIK // sealing is deterministic, and a NIK is usually received clean
	} else if norm.NIK, err = c.nik.Seal(norm.NIK); err != nil {
		return nil, nil, "", err
	}
	return raw.AppendJSON(make([]byte, 0, 384)), appendNormalizedJSON(make([]byte, 0, 384), &norm), raw.NIK, nil
}

// appendNormalizedJSON appends json.Marshal of a record's normalised form, byte for byte
// (TestRecordEncodingIsEncodingJSONs), as registry.Person.AppendJSON does for its raw form.
func appendNormalizedJSON(b []byte, n *matching.Normalized) []byte {
	o := jsonappend.Begin(b)
	o.OmitStr("nik", n.NIK)
	o.OmitFlag("nik_valid", n.NIKValid)
	o.OmitStrs("name", n.Name)
	o.OmitStr("name_parts", n.NameParts)
	o.OmitStrs("father", n.Father)
	o.OmitStrs("titles", n.Titles)
	o.OmitStr("birth_date", n.BirthDate)
	o.OmitFlag("birth_date_from_nik", n.BirthDateFromNIK)
	o.OmitStr("sex", n.Sex)
	o.OmitStr("sex_from", n.SexFrom)
	o.OmitStr("birth_place", n.BirthPlace)
	o.OmitStrs("address", n.Address)
	o.OmitStr("village", n.Village)
	o.OmitStr("district", n.District)
	o.OmitStr("city", n.City)
	o.OmitStr("province", n.Province)
	o.OmitStr("postcode", n.Postcode)
	o.OmitStr("phone", n.Phone)
	o.OmitStr("email", n.Email)
	b, _ = o.End()
	return b
}

// explanationJSON encodes a link's explanation (NULL for none) in its stored form, as
// encoding/json writes storedExplanation, byte for byte (TestExplanationEncodingIsEncodingJSONs),
// without its reflection: nearly every link a load of a second source writes carries one.
func explanationJSON(c *matching.Comparison) (pqtype.NullRawMessage, error) {
	if c == nil {
		return pqtype.NullRawMessage{}, nil
	}
	o := jsonappend.Begin(make([]byte, 0, 512)) // about 400 bytes for eleven fields
	o.Float("probability", c.Probability)
	o.Float("weight", c.Weight)
	o.Member("fields")
	if c.Fields == nil {
		o.B = append(o.B, "null"...)
	} else {
		o.B = append(o.B, '[')
		for i, f := range c.Fields {
			if i > 0 {
				o.B = append(o.B, ',')
			}
			o.B = append(jsonappend.String(append(o.B, '['), f.Field), ',')
			o.B = append(jsonappend.String(o.B, f.Level), ',')
			var ok bool
			if o.B, ok = jsonappend.Float(o.B, f.Weight); !ok {
				return explanationByReflection(c)
			}
			o.B = append(o.B, ']')
		}
		o.B = append(o.B, ']')
	}
	b, ok := o.End()
	if !ok {
		return explanationByReflection(c)
	}
	return pqtype.NullRawMessage{RawMessage: b, Valid: true}, nil
}

// explanationByReflection is encoding/json's answer, for what the encoder above refuses.
func explanationByReflection(c *matching.Comparison) (pqtype.NullRawMessage, error) {
	b, err := json.Marshal(storedExplanationOf(c))
	return pqtype.NullRawMessage{RawMessage: b, Valid: err == nil}, err
}

// storedExplanation is how a link's explanation is kept: matching.Comparison with each field's
// comparison an array [field, level, weight] instead of an object, which halves the bytes of the
// explanation nearly every link of a second source's load carries. Links written before keep
// the object form, read alike.
type storedExplanation struct {
	Probability float64       `json:"probability"`
	Weight      float64       `json:"weight"`
	Fields      []storedField `json:"fields"`
}

type storedField matching.FieldComparison

func storedExplanationOf(c *matching.Comparison) storedExplanation {
	st := storedExplanation{Probability: c.Probability, Weight: c.Weight}
	if c.Fields != nil {
		st.Fields = make([]storedField, len(c.Fields))
		for i, f := range c.Fields {
			st.Fields[i] = storedField(f)
		}
	}
	return st
}

// comparison is the explanation st stores, the inverse of storedExplanationOf.
func (st *storedExplanation) comparison() *matching.Comparison {
	c := &matching.Comparison{Probability: st.Probability, Weight: st.Weight}
	if st.Fields != nil {
		c.Fields = make([]matching.FieldComparison, len(st.Fields))
		for i, f := range st.Fields {
			c.Fields[i] = matching.FieldComparison(f)
		}
	}
	return c
}

func (f storedField) MarshalJSON() ([]byte, error) {
	return json.Marshal([]any{f.Field, f.Level, f.Weight})
}

// UnmarshalJSON reads a field's comparison in either form.
func (f *storedField) UnmarshalJSON(b []byte) error {
	if len(b) == 0 || b[0] != '[' {
		return json.Unmarshal(b, (*matching.FieldComparison)(f))
	}
	var parts []json.RawMessage
	if err := json.Unmarshal(b, &parts); err != nil {
		return err
	}
	if len(parts) != 3 {
		return fmt.Errorf("a field's comparison has %d parts, want 3 (field, level, weight)", len(parts))
	}
	if err := json.Unmarshal(parts[0], &f.Field); err != nil {
		return fmt.Errorf("a field's comparison: field: %w", err)
	}
	if err := json.Unmarshal(parts[1], &f.Level); err != nil {
		return fmt.Errorf("a field's comparison: level: %w", err)
	}
	if err := json.Unmarshal(parts[2], &f.Weight); err != nil {
		return fmt.Errorf("a field's comparison: weight: %w", err)
	}
	return nil
}

// decodeExplanation reads a stored explanation, in either form, into l (none when NULL).
func decodeExplanation(raw pqtype.NullRawMessage, l *registry.Link) error {
	if !raw.Valid {
		return nil
	}
	var st *storedExplanation
	if err := json.Unmarshal(raw.RawMessage, &st); err != nil {
		return fmt.Errorf("decode link explanation: %w", err)
	}
	if st != nil {
		l.Explanation = st.comparison()
	}
	return nil
}

func (c codec) openNormalized(b []byte) (matching.Normalized, error) {
	var n matching.Normalized
	if err := decodeNormalized(b, &n); err != nil {
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

// goldenGroup is the fields that one record supplied by one rule.
type goldenGroup struct {
	From   int          `json:"from"` // index into storedGolden.Records
	Rule   string       `json:"rule"`
	Fields goldenFields `json:"fields"`
}

// goldenFields are a group's fields by name, stored as a JSON object (name -> value). They are
// held sorted by name, without duplicates, in a slice rather than a map: a load encodes or
// decodes a golden record per citizen it touches, and making, filling and sorting a map for
// each took a tenth of a linking load's CPU.
type goldenFields []goldenField

type goldenField struct{ Name, Value string }

// MarshalJSON and UnmarshalJSON give the fields encoding/json's form of a map[string]string:
// the form appendJSON writes and decodeGolden reads (TestGoldenEncodingIsEncodingJSONs).
func (fs goldenFields) MarshalJSON() ([]byte, error) {
	m := make(map[string]string, len(fs))
	for _, f := range fs {
		m[f.Name] = f.Value
	}
	return json.Marshal(m)
}

func (fs *goldenFields) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*fs = make(goldenFields, 0, len(m))
	for name, value := range m {
		*fs = append(*fs, goldenField{name, value})
	}
	slices.SortFunc(*fs, func(a, b goldenField) int { return strings.Compare(a.Name, b.Name) })
	return nil
}

// sealGolden encodes a golden record's fields and rules with the NIK sealed. The encoding depends
// only on them (records in ID order, groups by record and rule, fields by name), so an unchanged
// golden record encodes the same.
// sealGolden encodes a golden record with its NIK sealed. Sealed holds NIKs sealed already
// (plain -> sealed; may be nil): sealing is deterministic, and a load's golden records nearly
// always hold a NIK its records just sealed.
func (c codec) sealGolden(g registry.GoldenRecord, sealed map[string]string) ([]byte, error) {
	type entry struct {
		goldenField
		rule string
		id   int64
		from int
	}
	entries := make([]entry, 0, len(g.Fields))
	st := storedGolden{Records: []goldenSource{}, Groups: []goldenGroup{}, Rules: g.Rules}
	add := func(name string, v registry.GoldenValue) error {
		if name == "nik" {
			s, ok := sealed[v.Value]
			if !ok {
				var err error
				if s, err = c.nik.Seal(v.Value); err != nil {
					return err
				}
			}
			v.Value = s
		}
		entries = append(entries, entry{goldenField{name, v.Value}, v.Rule, v.RecordID, 0})
		if !slices.ContainsFunc(st.Records, func(s goldenSource) bool { return s.RecordID == v.RecordID }) {
			st.Records = append(st.Records, goldenSource{RecordID: v.RecordID, Source: v.Source, LocalID: v.LocalID, Since: v.Since})
		}
		return nil
	}
	// Taken in name order, a golden record's fields are nearly always in the order they are
	// stored in, with nothing left to sort below.
	for name, v := range g.ByName() {
		if err := add(name, v); err != nil {
			return nil, err
		}
	}
	slices.SortFunc(st.Records, func(a, b goldenSource) int { return cmp.Compare(a.RecordID, b.RecordID) })
	for i := range entries {
		e := &entries[i]
		e.from = slices.IndexFunc(st.Records, func(s goldenSource) bool { return s.RecordID == e.id })
	}
	stored := func(a, b entry) int {
		if c := cmp.Compare(a.from, b.from); c != 0 {
			return c
		}
		if c := strings.Compare(a.rule, b.rule); c != 0 {
			return c
		}
		return strings.Compare(a.Name, b.Name)
	}
	if !slices.IsSortedFunc(entries, stored) {
		slices.SortFunc(entries, stored)
	}
	fields := make(goldenFields, len(entries))
	for i, e := range entries {
		fields[i] = e.goldenField
		if n := len(st.Groups); n == 0 || st.Groups[n-1].From != e.from || st.Groups[n-1].Rule != e.rule {
			st.Groups = append(st.Groups, goldenGroup{From: e.from, Rule: e.rule, Fields: fields[i:i]})
		}
		last := &st.Groups[len(st.Groups)-1]
		last.Fields = last.Fields[:len(last.Fields)+1]
	}
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
		b = jsonappend.String(b, r.Source)
		b = append(b, `,"local_id":`...)
		b = jsonappend.String(b, r.LocalID)
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
		b = jsonappend.String(b, g.Rule)
		b = append(b, `,"fields":{`...)
		for j, f := range g.Fields {
			if j > 0 {
				b = append(b, ',')
			}
			b = jsonappend.String(b, f.Name)
			b = append(b, ':')
			b = jsonappend.String(b, f.Value)
		}
		b = append(b, "}}"...)
	}
	b = append(b, ']')
	if st.Rules != "" {
		b = append(b, `,"rules":`...)
		b = jsonappend.String(b, st.Rules)
	}
	return append(b, '}')
}

// decodeGolden is json.Unmarshal(b, st) for a stored golden record. A document in the registry's
// own encoding (appendJSON) whose strings need no unescaping, which is nearly every one, is read
// directly: a load linking a million records to existing citizens reads as many golden records,
// and encoding/json's reflection took a seventeenth of the loader's time reading them. Anything
// else (a document laid out by PostgreSQL, an escaped character, invalid UTF-8) is left to
// encoding/json, so the result is always its result (TestGoldenDecodingIsEncodingJSONs).
func decodeGolden(b []byte, st *storedGolden) error {
	if c := (jsonCursor{b: b, ok: true}); c.golden(st) {
		return nil
	}
	*st = storedGolden{}
	return json.Unmarshal(b, st)
}

// decodeNormalized is json.Unmarshal(b, n) for a record's normalised form, read directly when
// it is in the registry's own encoding (appendNormalizedJSON) with no string to unescape, as
// decodeGolden does for golden records: a load reads a million of them to start its index, and
// every submission reads its candidates' (TestNormalizedDecodingIsEncodingJSONs).
func decodeNormalized(b []byte, n *matching.Normalized) error {
	if c := (jsonCursor{b: b, ok: true}); c.normalized(n) {
		return nil
	}
	*n = matching.Normalized{}
	return json.Unmarshal(b, n)
}

// jsonCursor reads a document of the registry's own compact encoding, expecting exactly the
// bytes storedGolden.appendJSON or appendNormalizedJSON writes; ok turns false at the first
// other byte, and stays false.
type jsonCursor struct {
	b     []byte
	i     int
	ok    bool
	first bool // no member of the object read yet
	// doc is b as a string, made at the first string read: every string read is a part of it,
	// one allocation a document instead of one a string (a load decodes a million golden
	// records and a million normalised forms, each of a dozen or two strings, and drops them
	// a chunk later).
	doc string
}

func (c *jsonCursor) golden(st *storedGolden) bool {
	c.lit(`{"records":[`)
	st.Records = []goldenSource{}
	for c.more(']', len(st.Records)) {
		var r goldenSource
		c.lit(`{"record_id":`)
		r.RecordID = c.int()
		c.lit(`,"source":`)
		r.Source = c.str()
		c.lit(`,"local_id":`)
		r.LocalID = c.str()
		c.lit(`,"since":`)
		c.since(&r.Since)
		c.lit("}")
		st.Records = append(st.Records, r)
	}
	c.lit(`,"groups":[`)
	st.Groups = []goldenGroup{}
	// The groups' fields share one array, of a person's fields at most in all but a rare record.
	all := make(goldenFields, 0, len(registry.PersonFields))
	for c.more(']', len(st.Groups)) {
		g := goldenGroup{Fields: all[len(all):]}
		c.lit(`{"from":`)
		from := c.int()
		g.From = int(from)
		c.ok = c.ok && int64(g.From) == from
		c.lit(`,"rule":`)
		g.Rule = c.str()
		c.lit(`,"fields":{`)
		for c.more('}', len(g.Fields)) {
			name := c.str()
			c.lit(":")
			// Names in increasing order, as appendJSON writes them; anything else (a name twice)
			// is left to encoding/json.
			c.ok = c.ok && (len(g.Fields) == 0 || g.Fields[len(g.Fields)-1].Name < name)
			g.Fields = append(g.Fields, goldenField{name, c.str()})
		}
		c.lit("}")
		if len(all)+len(g.Fields) <= cap(all) { // g's fields are all's next ones
			all = all[:len(all)+len(g.Fields)]
		}
		g.Fields = g.Fields[:len(g.Fields):len(g.Fields)] // an append to them cannot reach the next group's
		st.Groups = append(st.Groups, g)
	}
	st.Rules = ""
	if c.ok && !c.next('}') {
		c.lit(`,"rules":`)
		st.Rules = c.str()
		c.lit("}")
	}
	return c.ok && c.i == len(c.b)
}

// normalized reads the members appendNormalizedJSON writes, in its order, each only if present.
func (c *jsonCursor) normalized(n *matching.Normalized) bool {
	c.lit("{")
	c.first = true
	c.optStr("nik", &n.NIK)
	c.optFlag("nik_valid", &n.NIKValid)
	c.optStrs("name", &n.Name)
	c.optStr("name_parts", &n.NameParts)
	c.optStrs("father", &n.Father)
	c.optStrs("titles", &n.Titles)
	c.optStr("birth_date", &n.BirthDate)
	c.optFlag("birth_date_from_nik", &n.BirthDateFromNIK)
	c.optStr("sex", &n.Sex)
	c.optStr("sex_from", &n.SexFrom)
	c.optStr("birth_place", &n.BirthPlace)
	c.optStrs("address", &n.Address)
	c.optStr("village", &n.Village)
	c.optStr("district", &n.District)
	c.optStr("city", &n.City)
	c.optStr("province", &n.Province)
	c.optStr("postcode", &n.Postcode)
	c.optStr("phone", &n.Phone)
	c.optStr("email", &n.Email)
	c.lit("}")
	return c.ok && c.i == len(c.b)
}

// member reads the member name (after a comma unless it is the object's first) if it comes next.
func (c *jsonCursor) member(name string) bool {
	i := c.i
	if !c.first {
		if i >= len(c.b) || c.b[i] != ',' {
			return false
		}
		i++
	}
	if !c.ok || len(c.b)-i < len(name)+3 || c.b[i] != '"' || string(c.b[i+1:i+1+len(name)]) != name ||
		c.b[i+1+len(name)] != '"' || c.b[i+2+len(name)] != ':' {
		return false
	}
	c.i, c.first = i+len(name)+3, false
	return true
}

func (c *jsonCursor) optStr(name string, v *string) {
	if c.member(name) {
		*v = c.str()
		c.ok = c.ok && *v != "" // an empty value is never written (omitempty)
	}
}

func (c *jsonCursor) optFlag(name string, v *bool) {
	if c.member(name) {
		c.lit("true") // false is never written (omitempty)
		*v = c.ok
	}
}

func (c *jsonCursor) optStrs(name string, v *[]string) {
	if !c.member(name) {
		return
	}
	c.lit("[")
	for c.ok {
		*v = append(*v, c.str())
		if !c.next(',') {
			break
		}
	}
	c.lit("]")
}

// more reports whether another element of an array or object follows the read elements, and
// reads what separates it from them; at the end it reads the closing byte.
func (c *jsonCursor) more(closing byte, read int) bool {
	if c.next(closing) {
		return false
	}
	if read > 0 {
		c.lit(",")
	}
	return c.ok
}

// lit reads the bytes s.
func (c *jsonCursor) lit(s string) {
	c.ok = c.ok && len(c.b)-c.i >= len(s) && string(c.b[c.i:c.i+len(s)]) == s
	if c.ok {
		c.i += len(s)
	}
}

// next reads b if it comes next.
func (c *jsonCursor) next(b byte) bool {
	if c.ok && c.i < len(c.b) && c.b[c.i] == b {
		c.i++
		return true
	}
	return false
}

// str reads a string that needs no unescaping: quoted, without backslashes or control characters,
// valid UTF-8. Such a string decodes to its bytes.
func (c *jsonCursor) str() string {
	if !c.next('"') {
		c.ok = false
		return ""
	}
	start := c.i
	for c.i < len(c.b) {
		switch ch := c.b[c.i]; {
		case ch == '"':
			end := c.i
			c.i++
			if !utf8.Valid(c.b[start:end]) {
				c.ok = false
				return ""
			}
			if c.doc == "" {
				c.doc = string(c.b)
			}
			return c.doc[start:end]
		case ch == '\\' || ch < 0x20:
			c.ok = false
			return ""
		}
		c.i++
	}
	c.ok = false
	return ""
}

// int reads an integer as strconv.AppendInt writes it.
func (c *jsonCursor) int() int64 {
	start := c.i
	if c.i < len(c.b) && c.b[c.i] == '-' {
		c.i++
	}
	digits := c.i
	for c.i < len(c.b) && c.b[c.i] >= '0' && c.b[c.i] <= '9' {
		c.i++
	}
	n := c.i - digits
	if !c.ok || n == 0 || n > 1 && c.b[digits] == '0' {
		c.ok = false
		return 0
	}
	v, err := strconv.ParseInt(string(c.b[start:c.i]), 10, 64)
	c.ok = err == nil
	return v
}

// since reads a quoted time as encoding/json does: by time.Time's UnmarshalJSON.
func (c *jsonCursor) since(t *time.Time) {
	start := c.i
	c.str()
	c.ok = c.ok && t.UnmarshalJSON(c.b[start:c.i]) == nil
}

// openGolden decodes a stored golden record's fields and rules into out.
func (c codec) openGolden(b []byte, out *registry.GoldenRecord) error {
	var st storedGolden
	if err := decodeGolden(b, &st); err != nil {
		return err
	}
	n := 0
	for _, g := range st.Groups {
		n += len(g.Fields)
	}
	fields := make(map[string]registry.GoldenValue, n)
	for _, g := range st.Groups {
		if g.From < 0 || g.From >= len(st.Records) {
			return fmt.Errorf("golden field group names record %d of %d", g.From, len(st.Records))
		}
		src := st.Records[g.From]
		for _, f := range g.Fields {
			name := f.Name
			v := registry.GoldenValue{
				Value: f.Value, Source: src.Source, LocalID: src.LocalID, RecordID: src.RecordID, Rule: g.Rule, Since: src.Since,
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
