package registry

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestEventDataIsEncodingJSONs: the events a bulk load writes for nearly every row carry the bytes
// encoding/json gives their data, whichever path encodes them.
func TestEventDataIsEncodingJSONs(t *testing.T) {
	strs := []string{"", "dukcapil", "SIAK-0000000501", `a"b\c`, "<&>", "é", "\x00\n", "\xff"}
	var cases []any
	for i, s := range strs {
		cases = append(cases,
			recordLinked{Kind: LinkKind(s), LocalID: strs[(i+1)%len(strs)], ModelVersion: s, Reason: strs[(i+3)%len(strs)],
				Score: []float64{0, 1, 0.9999999999999905, 1e-7, math.NaN()}[i%5], Source: s},
			goldenChanged{Fields: strs[:i]},
			goldenChangedData(GoldenRecord{Fields: map[string]GoldenValue{s: {}, "nik": {}, "full_name": {}}}))
	}
	cases = append(cases, struct{}{}, goldenChanged{}, map[string]any{"source": "x", "version": 2})
	for _, d := range cases {
		want, _ := json.Marshal(d)
		if got := eventJSON(d); !bytes.Equal(got, want) {
			t.Errorf("%#v encoded %s; encoding/json gives %s", d, got, want)
		}
	}
}

// TestGoldenChangedDataSortsFields: the fields a golden.changed event names are sorted, a field
// outside a person's included.
func TestGoldenChangedDataSortsFields(t *testing.T) {
	for _, fields := range [][]string{{}, {"sex", "nik", "address"}, PersonFields, {"zz_extra", "nik", "aa_extra"}} {
		g := GoldenRecord{Fields: map[string]GoldenValue{}}
		for _, f := range fields {
			g.Fields[f] = GoldenValue{}
		}
		got := goldenChangedData(g).Fields
		if want := slices.Sorted(slices.Values(fields)); !slices.Equal(got, want) {
			t.Errorf("fields %q: event names %q, want %q", fields, got, want)
		}
	}
}

// TestValidateLocalIDIsItsPattern: the hand-written check accepts exactly what its documented
// pattern matches.
func TestValidateLocalIDIsItsPattern(t *testing.T) {
	pattern := regexp.MustCompile(`^[\p{L}\p{N}._:/+-]{1,128}$`)
	alphabet := []string{"a", "Z", "0", "9", ".", "_", ":", "/", "+", "-", " ", "#", "é", "Ж", "٣", "Ⅻ", "😀", "\xff", "\x00", "\u00a0", "ß"}
	rng := rand.New(rand.NewPCG(3, 4))
	ids := []string{"", strings.Repeat("a", 128), strings.Repeat("a", 129), strings.Repeat("é", 128), strings.Repeat("é", 129)}
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(6) {
			b.WriteString(alphabet[rng.IntN(len(alphabet))])
		}
		ids = append(ids, b.String(), strings.Repeat(b.String(), 1+rng.IntN(70)))
	}
	for _, id := range ids {
		if got, want := ValidateLocalID(id) == nil, pattern.MatchString(id); got != want {
			t.Fatalf("ValidateLocalID(%q) accepts: %v; the pattern: %v", id, got, want)
		}
	}
}

// BenchmarkGoldenChangedData names the fields of a citizen's golden record of eleven fields, as a
// load does for every citizen it creates or changes.
func BenchmarkGoldenChangedData(b *testing.B) {
	g := GoldenRecord{Fields: map[string]GoldenValue{}}
	for _, f := range PersonFields[:11] {
		g.Fields[f] = GoldenValue{Value: "value of " + f}
	}
	b.ReportAllocs()
	for b.Loop() {
		goldenChangedData(g)
	}
}
