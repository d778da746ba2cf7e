package registry

import (
	"iter"
	"maps"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Survivorship says, per field, which sources are trusted first when building a golden record.
// Among records of equally trusted (or untrusted) sources the most recent value wins.
type Survivorship struct {
	// Trust maps a field to sources in decreasing trust; Default applies to fields not listed.
	Trust   map[string][]string
	Default []string
}

// DefaultSurvivorship trusts the civil registry (dukcapil) first for every field, then recency.
func DefaultSurvivorship() Survivorship {
	return Survivorship{Default: []string{"dukcapil"}}
}

// ParseSurvivorship reads a trust order such as
// "dukcapil,kemenkes; phone=kemenkes,dukcapil; email=djp": the first part (without "field=") is
// the default order, then per-field orders. An empty string is the default survivorship.
func ParseSurvivorship(spec string) (Survivorship, error) {
	s := DefaultSurvivorship()
	if strings.TrimSpace(spec) == "" {
		return s, nil
	}
	s.Trust = map[string][]string{}
	for _, part := range strings.Split(spec, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		field, list, hasField := strings.Cut(part, "=")
		if !hasField {
			list, field = field, ""
		}
		field = strings.TrimSpace(field)
		var sources []string
		for _, src := range strings.Split(list, ",") {
			src = strings.TrimSpace(src)
			if err := ValidateSourceCode(src); err != nil {
				return Survivorship{}, Invalid("trust", "%q is not a source code", src)
			}
			sources = append(sources, src)
		}
		switch {
		case field == "":
			s.Default = sources
		case slices.Contains(PersonFields, field):
			s.Trust[field] = sources
		default:
			return Survivorship{}, Invalid("trust", "%q is not a person field", field)
		}
	}
	return s, nil
}

// String is the survivorship in ParseSurvivorship's syntax, canonically: the default order, then
// the per-field orders by field name. A golden record keeps it (GoldenRecord.Rules), so that it
// can be extended with new records only while the rules it was built by are still in force.
func (s Survivorship) String() string {
	var b strings.Builder
	b.WriteString(strings.Join(s.Default, ","))
	fields := make([]string, 0, len(s.Trust))
	for f := range s.Trust {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		b.WriteString("; " + f + "=" + strings.Join(s.Trust[f], ","))
	}
	return b.String()
}

func (s Survivorship) order(field string) []string {
	if t, ok := s.Trust[field]; ok {
		return t
	}
	return s.Default
}

// BuildGolden computes a citizen's golden record from its linked records. Fields a record
// flagged as unusable (an impossible date, a malformed NIK) never win. The result depends only on
// the records, not on their order (each field's winner is the least value by beats' order), so
// every process computes the same golden record.
func (s Survivorship) BuildGolden(citizen uuid.UUID, records []SourceRecord) GoldenRecord {
	return s.buildGolden(citizen, records, s.String())
}

// buildGolden and extend are BuildGolden and Extend for a caller that holds s.String() (rules)
// already: a load builds a golden record for each of a million citizens, and writing out the
// rules for each was a tenth of that work.
func (s Survivorship) buildGolden(citizen uuid.UUID, records []SourceRecord, rules string) GoldenRecord {
	g := GoldenRecord{CitizenID: citizen, Fields: make(map[string]GoldenValue, len(PersonFields)), Rules: rules}
	for _, field := range PersonFields {
		trust := s.order(field)
		best, bestRank := -1, 0
		for i, r := range records {
			if r.Raw.Field(field) == "" || flagged(r, field) {
				continue
			}
			rank := rankOf(trust, r.Source)
			if best < 0 || beats(rank, r.UpdatedAt, r.ID, bestRank, records[best].UpdatedAt, records[best].ID) {
				best, bestRank = i, rank
			}
		}
		if best >= 0 {
			g.Fields[field] = goldenValue(records[best], field, bestRank < len(trust))
		}
	}
	return g
}

// Extend is what BuildGolden would build from g's records and added together, given that g was
// built from its records by survivorship rules equal to s, that added holds records g was not
// built from, and that none of g's records changed since. A field's winner is the least usable
// value by (trust rank, most recent, highest record ID), which g's value names: adding records can
// only replace it with one of theirs, so the records it was chosen among need not be read again.
// changed is false when no added record wins a field: out is then g, and g's stored form stands.
// ok is false when g was built by other rules (or by none recorded): it must then be rebuilt.
// out takes g's map of fields over, changed in place: a load extends the golden records of a
// million citizens, each read for that alone.
func (s Survivorship) Extend(g GoldenRecord, added []SourceRecord) (out GoldenRecord, changed, ok bool) {
	return s.extend(g, added, s.String())
}

func (s Survivorship) extend(g GoldenRecord, added []SourceRecord, rules string) (out GoldenRecord, changed, ok bool) {
	if g.Rules != rules {
		return GoldenRecord{}, false, false
	}
	fields := g.Fields
	if fields == nil {
		fields = make(map[string]GoldenValue, len(PersonFields))
	}
	kept := 0 // of a person's fields
	for _, field := range PersonFields {
		trust := s.order(field)
		cur, has := fields[field]
		curRank := rankOf(trust, cur.Source)
		best := -1
		for i, r := range added {
			if r.Raw.Field(field) == "" || flagged(r, field) {
				continue
			}
			rank := rankOf(trust, r.Source)
			if has && !beats(rank, r.UpdatedAt, r.ID, curRank, cur.Since, cur.RecordID) {
				continue
			}
			cur, curRank, has, best = GoldenValue{Since: r.UpdatedAt, RecordID: r.ID}, rank, true, i
		}
		if best >= 0 {
			fields[field] = goldenValue(added[best], field, curRank < len(trust))
			changed = true
		}
		if has {
			kept++
		}
	}
	if kept != len(fields) {
		// Fields no person has, which BuildGolden does not build.
		maps.DeleteFunc(fields, func(name string, _ GoldenValue) bool { return !slices.Contains(PersonFields, name) })
		changed = true
	}
	return GoldenRecord{CitizenID: g.CitizenID, Fields: fields, Rules: rules, Version: g.Version, UpdatedAt: g.UpdatedAt}, changed, true
}

// beats reports whether a value ranked (rank, since, id) wins over one ranked (rank2, since2, id2):
// BuildGolden's order, more trusted first, then the most recent, then the highest record ID.
func beats(rank int, since time.Time, id int64, rank2 int, since2 time.Time, id2 int64) bool {
	if rank != rank2 {
		return rank < rank2
	}
	if !since.Equal(since2) {
		return since.After(since2)
	}
	return id > id2
}

// rankOf is source's place in a field's trust order; untrusted sources rank after every trusted
// one.
func rankOf(trust []string, source string) int {
	if k := slices.Index(trust, source); k >= 0 {
		return k
	}
	return len(trust)
}

// goldenValue is record r's value of field as a golden record shows it, won by trust or recency.
func goldenValue(r SourceRecord, field string, trusted bool) GoldenValue {
	rule := "most_recent"
	if trusted {
		rule = "trust:" + r.Source
	}
	return GoldenValue{
		Value: displayValue(r, field), Source: r.Source, LocalID: r.LocalID,
		RecordID: r.ID, Rule: rule, Since: r.UpdatedAt,
	}
}

func flagged(r SourceRecord, field string) bool {
	for _, is := range r.Issues {
		if is.Field == field {
			return true
		}
	}
	return false
}

// displayValue is the value a golden record shows: as received, except that birth date and sex,
// which sources write in many formats, are shown in their one canonical form.
func displayValue(r SourceRecord, field string) string {
	switch {
	case field == "birth_date" && r.Normalized.BirthDate != "":
		return r.Normalized.BirthDate
	case field == "sex" && r.Normalized.Sex != "":
		return r.Normalized.Sex
	}
	return r.Raw.Field(field)
}

// ByName yields g's fields in name order: a person's fields, then any other (the registry writes
// none) in name order after them. Looked up one by one, a person's fields come out sorted with
// no sort, where ranging over the map would need one for every golden record a load writes.
func (g GoldenRecord) ByName() iter.Seq2[string, GoldenValue] {
	return func(yield func(string, GoldenValue) bool) {
		n := 0
		for _, name := range personFieldsByName {
			if v, ok := g.Fields[name]; ok {
				n++
				if !yield(name, v) {
					return
				}
			}
		}
		if n == len(g.Fields) {
			return
		}
		for _, name := range slices.Sorted(maps.Keys(g.Fields)) {
			if !slices.Contains(PersonFields, name) && !yield(name, g.Fields[name]) {
				return
			}
		}
	}
}

var personFieldsByName = slices.Sorted(slices.Values(PersonFields))
