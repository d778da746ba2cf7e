package pgstore

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/bangsa/registry/matching"
	"github.com/bangsa/registry/registry"
)

// tricky are strings encoding/json treats specially: escaped, HTML-sensitive, non-ASCII, invalid
// UTF-8, line separators.
var tricky = []string{"", "Siti", "RAHAYU", "3273054107900001", "Jl. Merdeka No. 5, RT 01/RW 02", "a\"b", `c\d`,
	"<b>&amp;</b>", "tab\there", "line\nbreak", "nul\x00", "del\x7f", "é", "Đặng", "محمد", "\u2028", "\xff\xfe", "😀"}

// trickyString is up to n-1 of the tricky strings, joined.
func trickyString(rng *rand.Rand, n int) string {
	var b []byte
	for range rng.IntN(n) {
		b = append(b, tricky[rng.IntN(len(tricky))]...)
	}
	return string(b)
}

// TestRecordEncodingIsEncodingJSONs: the hand-written encodings of a record's raw and normalised
// forms give encoding/json's bytes. Every field of both types gets a random value (empty or not),
// so a field added to either type and not to its encoder fails the test.
func TestRecordEncodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	str := func() string { return trickyString(rng, 3) }
	fill := func(v reflect.Value) {
		for i := range v.NumField() {
			f := v.Field(i)
			switch f.Kind() {
			case reflect.String:
				f.SetString(str())
			case reflect.Bool:
				f.SetBool(rng.IntN(2) == 0)
			case reflect.Slice:
				n := rng.IntN(4) - 1 // nil, empty or up to two words
				if n >= 0 {
					words := make([]string, n)
					for j := range words {
						words[j] = str()
					}
					f.Set(reflect.ValueOf(words))
				}
			default:
				t.Fatalf("%s.%s: a %s field the test cannot fill", v.Type(), v.Type().Field(i).Name, f.Kind())
			}
		}
	}
	for range 3000 {
		var p registry.Person
		var n matching.Normalized
		fill(reflect.ValueOf(&p).Elem())
		fill(reflect.ValueOf(&n).Elem())
		for _, c := range []struct {
			got  []byte
			want any
		}{{appendPersonJSON(nil, &p), p}, {appendNormalizedJSON(nil, &n), n}} {
			want, err := json.Marshal(c.want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(c.got, want) {
				t.Fatalf("encoded\n%s\nencoding/json gives\n%s", c.got, want)
			}
		}
	}
}

// TestGoldenEncodingIsEncodingJSONs: the hand-written golden encoding gives encoding/json's bytes
// for any content (plain, escaped, HTML-sensitive, non-ASCII, invalid UTF-8; times in any zone
// and precision), so stored golden records compare equal as text when unchanged.
func TestGoldenEncodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	str := func() string { return trickyString(rng, 4) }
	zones := []*time.Location{time.UTC, time.FixedZone("WIB", 7*3600), time.FixedZone("odd", -(3*3600 + 1800))}
	for range 2000 {
		st := storedGolden{Records: []goldenSource{}, Groups: []goldenGroup{}}
		if rng.IntN(2) == 0 {
			st.Rules = str()
		}
		for range rng.IntN(4) {
			st.Records = append(st.Records, goldenSource{
				RecordID: rng.Int64N(1 << 40), Source: str(), LocalID: str(),
				Since: time.Unix(rng.Int64N(2e9), rng.Int64N(1e9)/int64(max(1, rng.IntN(4)*1000))).In(zones[rng.IntN(len(zones))]),
			})
		}
		for range rng.IntN(4) {
			g := goldenGroup{From: rng.IntN(5), Rule: str(), Fields: map[string]string{}}
			for range rng.IntN(6) {
				g.Fields[str()] = str()
			}
			st.Groups = append(st.Groups, g)
		}
		want, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("encoded\n%s\nencoding/json gives\n%s", got, want)
		}
	}
}
