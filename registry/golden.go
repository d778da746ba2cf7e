package registry

import (
	"slices"
	"sort"
	"strings"

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

func (s Survivorship) order(field string) []string {
	if t, ok := s.Trust[field]; ok {
		return t
	}
	return s.Default
}

// BuildGolden computes a citizen's golden record from its linked records. Fields a record
// flagged as unusable (an impossible date, a malformed NIK) never win. The result depends only on
// the records, not on their order, so every process computes the same golden record.
func (s Survivorship) BuildGolden(citizen uuid.UUID, records []SourceRecord) GoldenRecord {
	recs := slices.Clone(records)
	// Most recent first; record ID breaks ties so the choice is deterministic.
	sort.Slice(recs, func(i, j int) bool {
		if !recs[i].UpdatedAt.Equal(recs[j].UpdatedAt) {
			return recs[i].UpdatedAt.After(recs[j].UpdatedAt)
		}
		return recs[i].ID > recs[j].ID
	})
	g := GoldenRecord{CitizenID: citizen, Fields: map[string]GoldenValue{}}
	for _, field := range PersonFields {
		trust := s.order(field)
		best, bestRank := -1, len(trust)+1
		for i, r := range recs {
			if r.Raw.Field(field) == "" || flagged(r, field) {
				continue
			}
			rank := len(trust) // untrusted sources rank after every trusted one
			if k := slices.Index(trust, r.Source); k >= 0 {
				rank = k
			}
			if rank < bestRank {
				best, bestRank = i, rank
			}
		}
		if best < 0 {
			continue
		}
		r := recs[best]
		rule := "most_recent"
		if bestRank < len(trust) {
			rule = "trust:" + r.Source
		}
		g.Fields[field] = GoldenValue{
			Value: displayValue(r, field), Source: r.Source, LocalID: r.LocalID,
			RecordID: r.ID, Rule: rule, Since: r.UpdatedAt,
		}
	}
	return g
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
