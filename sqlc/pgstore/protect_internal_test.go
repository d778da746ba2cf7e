package pgstore

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sqlc-dev/pqtype"

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
	fill := func(v reflect.Value) { fillRandom(t, rng, v, str) }
	for range 3000 {
		var p registry.Person
		var n matching.Normalized
		fill(reflect.ValueOf(&p).Elem())
		fill(reflect.ValueOf(&n).Elem())
		for _, c := range []struct {
			got  []byte
			want any
		}{{p.AppendJSON(nil), p}, {appendNormalizedJSON(nil, &n), n}} {
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

// fillRandom gives every field of the struct v a random value, empty or not, its strings made by
// str: a field added to the type and not to its encoder or decoder makes their tests fail.
func fillRandom(t testing.TB, rng *rand.Rand, v reflect.Value, str func() string) {
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

// plainString is a string of the kinds nearly every stored value is: nothing to escape.
func plainString(rng *rand.Rand) string {
	return []string{"", "Siti", "3273054107900001", "Jl. Merdeka No. 5", "é", "Đặng", "😀"}[rng.IntN(7)]
}

// TestNormalizedDecodingIsEncodingJSONs: decodeNormalized gives json.Unmarshal's result for
// normalised records of the registry's own encoding, read directly when nothing needs unescaping,
// for the same laid out otherwise, and for damaged ones (FuzzDecodeNormalized tries any bytes).
func TestNormalizedDecodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	escaped := func() string { return trickyString(rng, 3) }
	plain := func() string { return plainString(rng) }
	direct := 0
	for i := range 3000 {
		var n matching.Normalized
		if i%2 == 0 {
			fillRandom(t, rng, reflect.ValueOf(&n).Elem(), plain)
		} else {
			fillRandom(t, rng, reflect.ValueOf(&n).Elem(), escaped)
		}
		enc := appendNormalizedJSON(nil, &n)
		var got matching.Normalized
		if (&jsonCursor{b: enc, ok: true}).normalized(&got) {
			direct++
		}
		for _, b := range decodingCases(rng, enc) {
			checkDecodeNormalized(t, b)
		}
	}
	if direct < 1500 {
		t.Errorf("%d of 3000 records read directly, want at least the 1,500 without escapes", direct)
	}
}

// decodingCases are a document in the registry's own encoding, the same laid out as PostgreSQL
// lays json out, and the document cut short.
func decodingCases(rng *rand.Rand, enc []byte) [][]byte {
	return [][]byte{enc, bytes.ReplaceAll(enc, []byte(`":`), []byte(`" : `)), enc[:rng.IntN(len(enc))]}
}

func checkDecodeNormalized(t testing.TB, b []byte) {
	t.Helper()
	var got, want matching.Normalized
	errGot, errWant := decodeNormalized(b, &got), json.Unmarshal(b, &want)
	if (errGot == nil) != (errWant == nil) {
		t.Fatalf("decoding %q: error %v, encoding/json's %v", b, errGot, errWant)
	}
	if errWant == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decoding %q gives\n%#v\nencoding/json gives\n%#v", b, got, want)
	}
}

func FuzzDecodeNormalized(f *testing.F) {
	rng := rand.New(rand.NewPCG(11, 12))
	for range 20 {
		var n matching.Normalized
		fillRandom(f, rng, reflect.ValueOf(&n).Elem(), func() string { return trickyString(rng, 3) })
		f.Add(appendNormalizedJSON(nil, &n))
	}
	f.Add([]byte(`{"nik":"1","name":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkDecodeNormalized(t, b) })
}

// fieldsOf is a group's fields from a map, sorted by name as the store holds them.
func fieldsOf(m map[string]string) goldenFields {
	fs := goldenFields{}
	for _, name := range slices.Sorted(maps.Keys(m)) {
		fs = append(fs, goldenField{name, m[name]})
	}
	return fs
}

// randomGolden is a stored golden record with random content: strings made by str, times in any
// zone and precision.
func randomGolden(rng *rand.Rand, str func() string) storedGolden {
	zones := []*time.Location{time.UTC, time.FixedZone("WIB", 7*3600), time.FixedZone("odd", -(3*3600 + 1800))}
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
		fields := map[string]string{}
		for range rng.IntN(12) { // at times more than a person has in all, past a shared array
			fields[str()] = str()
		}
		st.Groups = append(st.Groups, goldenGroup{From: rng.IntN(5), Rule: str(), Fields: fieldsOf(fields)})
	}
	return st
}

// TestGoldenDecodingIsEncodingJSONs: decodeGolden gives json.Unmarshal's result for documents of
// the registry's own encoding, read directly or not, for the same documents laid out otherwise,
// and for damaged ones (FuzzDecodeGolden tries any bytes).
func TestGoldenDecodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	escaped := func() string { return trickyString(rng, 4) }
	plain := func() string {
		return []string{"", "Siti", "3273054107900001", "Jl. Merdeka No. 5", "é", "Đặng", "😀"}[rng.IntN(7)]
	}
	direct := 0
	for i := range 3000 {
		doc := randomGolden(rng, escaped)
		if i%2 == 0 {
			doc = randomGolden(rng, plain)
		}
		enc := doc.appendJSON(nil)
		var st storedGolden
		if (&jsonCursor{b: enc, ok: true}).golden(&st) {
			direct++
		}
		for _, b := range decodingCases(rng, enc) {
			checkDecodeGolden(t, b)
		}
	}
	if direct < 1500 {
		t.Errorf("%d of 3000 documents read directly, want at least the 1,500 without escapes", direct)
	}
	// The registry's layout with a group's fields out of order, or one twice.
	for _, doc := range []string{
		`{"records":[],"groups":[{"from":0,"rule":"r","fields":{"b":"1","a":"2"}}]}`,
		`{"records":[],"groups":[{"from":0,"rule":"r","fields":{"a":"1","a":"2"}}]}`,
	} {
		checkDecodeGolden(t, []byte(doc))
	}
}

// checkDecodeGolden fails unless decodeGolden and json.Unmarshal agree on b: both fail, or both
// give what encodes the same (times compared by their text, as the document holds them).
func checkDecodeGolden(t testing.TB, b []byte) {
	t.Helper()
	var got, want storedGolden
	errGot, errWant := decodeGolden(b, &got), json.Unmarshal(b, &want)
	if (errGot == nil) != (errWant == nil) {
		t.Fatalf("decoding %q: error %v, encoding/json's %v", b, errGot, errWant)
	}
	if errWant != nil {
		return
	}
	g, _ := json.Marshal(got)
	w, _ := json.Marshal(want)
	if !bytes.Equal(g, w) || (got.Records == nil) != (want.Records == nil) || (got.Groups == nil) != (want.Groups == nil) {
		t.Fatalf("decoding %q gives\n%s\nencoding/json gives\n%s", b, g, w)
	}
	for _, grp := range got.Groups {
		if !slices.IsSortedFunc(grp.Fields, func(x, y goldenField) int { return strings.Compare(x.Name, y.Name) }) ||
			len(slices.CompactFunc(slices.Clone(grp.Fields), func(x, y goldenField) bool { return x.Name == y.Name })) != len(grp.Fields) {
			t.Fatalf("decoding %q gives fields out of order or twice: %q", b, grp.Fields)
		}
	}
}

func FuzzDecodeGolden(f *testing.F) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20 {
		doc := randomGolden(rng, func() string { return trickyString(rng, 3) })
		f.Add(doc.appendJSON(nil))
	}
	f.Add([]byte(`{"records":[],"groups":[]}`))
	f.Add([]byte(`{"records":[{"record_id":01,"source":"a","local_id":"b","since":"2026-01-01T00:00:00Z"}],"groups":[]}`))
	f.Fuzz(func(t *testing.T, b []byte) { checkDecodeGolden(t, b) })
}

// TestGoldenEncodingIsEncodingJSONs: the hand-written golden encoding gives encoding/json's bytes
// for any content (plain, escaped, HTML-sensitive, non-ASCII, invalid UTF-8; times in any zone
// and precision), so stored golden records compare equal as text when unchanged.
func TestGoldenEncodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		st := randomGolden(rng, func() string { return trickyString(rng, 4) })
		want, err := json.Marshal(st)
		if err != nil {
			t.Fatal(err)
		}
		if got := st.appendJSON(nil); !bytes.Equal(got, want) {
			t.Fatalf("encoded\n%s\nencoding/json gives\n%s", got, want)
		}
	}
}

// BenchmarkSealGolden encodes a citizen's golden record of two sources, its NIK sealed, as a
// load does for every citizen it touches (docs/benchmarks.md).
func BenchmarkSealGolden(b *testing.B) {
	since := time.Date(2026, 11, 27, 10, 31, 5, 123456000, time.UTC)
	dk := registry.GoldenValue{Source: "dukcapil", LocalID: "DK-00012345", RecordID: 1000123, Rule: "trust:dukcapil", Since: since}
	km := registry.GoldenValue{Source: "kemenkes", LocalID: "KMK-9988776", RecordID: 2000456, Rule: "most_recent", Since: since.Add(time.Hour)}
	g := registry.GoldenRecord{Fields: map[string]registry.GoldenValue{}, Rules: "dukcapil"}
	for name, v := range map[string]string{"nik": "3273054107900001", "full_name": "Siti Rahayu", "sex": "F",
		"birth_date": "1990-07-01", "birth_place": "Bandung", "address": "Jl. Merdeka No. 5, RT 01/RW 02",
		"village": "Cihapit", "district": "Bandung Wetan", "city": "Kota Bandung", "province": "Jawa Barat"} {
		dk.Value = v
		g.Fields[name] = dk
	}
	for name, v := range map[string]string{"postcode": "40114", "phone": "+6281234567890", "email": "siti.rahayu@example.id"} {
		km.Value = v
		g.Fields[name] = km
	}
	c := codec{nik: registry.EphemeralNIKCipher()}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.sealGolden(g, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecodeGolden reads a citizen's golden record of two sources (docs/benchmarks.md).
func BenchmarkDecodeGolden(b *testing.B) {
	since := time.Date(2026, 11, 27, 10, 31, 5, 123456000, time.UTC)
	doc := storedGolden{
		Records: []goldenSource{
			{RecordID: 1000123, Source: "dukcapil", LocalID: "DK-00012345", Since: since},
			{RecordID: 2000456, Source: "kemenkes", LocalID: "KMK-9988776", Since: since.Add(time.Hour)},
		},
		Groups: []goldenGroup{
			{From: 0, Rule: "trust", Fields: fieldsOf(map[string]string{"nik": "sealed:k1:AbCdEfGhIjKlMn+pQrStUvWxYz0/2345", "full_name": "Siti Rahayu",
				"sex": "F", "birth_date": "1990-07-01", "birth_place": "Bandung", "address": "Jl. Merdeka No. 5, RT 01/RW 02",
				"village": "Cihapit", "district": "Bandung Wetan", "city": "Kota Bandung", "province": "Jawa Barat"})},
			{From: 1, Rule: "trust", Fields: fieldsOf(map[string]string{"postcode": "40114", "phone": "+6281234567890", "email": "siti.rahayu@example.id"})},
		},
		Rules: "dukcapil,kemenkes,kemendikbud,kemensos,djp",
	}
	enc := doc.appendJSON(nil)
	for _, bm := range []struct {
		name   string
		decode func([]byte, *storedGolden) error
	}{
		{"registry", decodeGolden},
		{"encoding-json", func(b []byte, st *storedGolden) error { return json.Unmarshal(b, st) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var st storedGolden
				if err := bm.decode(enc, &st); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeNormalized reads a record's normalised form (docs/benchmarks.md).
func BenchmarkDecodeNormalized(b *testing.B) {
	n, _ := matching.Normalize(matching.Record{NIK: "3273054107900001", FullName: "Hj. Siti Rahayu binti Ahmad", Sex: "P",
		BirthDate: "1990-07-01", BirthPlace: "Bandung", Address: "Jl. Merdeka No. 5, RT 01/RW 02", Village: "Cihapit",
		District: "Bandung Wetan", City: "Kota Bandung", Province: "Jawa Barat", Postcode: "40114", Phone: "0812-3456-7890",
		Email: "siti.rahayu@example.id"})
	enc := appendNormalizedJSON(nil, &n)
	for _, bm := range []struct {
		name   string
		decode func([]byte, *matching.Normalized) error
	}{
		{"registry", decodeNormalized},
		{"encoding-json", func(b []byte, n *matching.Normalized) error { return json.Unmarshal(b, n) }},
	} {
		b.Run(bm.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var n matching.Normalized
				if err := bm.decode(enc, &n); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// TestExplanationEncodingIsEncodingJSONs: a link's explanation is stored as encoding/json writes
// its stored form, refusals (a NaN weight) included, and reads back as it was, as does one stored
// in the object form links were written in before.
func TestExplanationEncodingIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	weight := func() float64 {
		switch rng.IntN(8) {
		case 0:
			return 0
		case 1:
			return rng.Float64() * 1e-8
		}
		return rng.NormFloat64() * 20
	}
	cases := []*matching.Comparison{nil, {}, {Fields: []matching.FieldComparison{}}, {Weight: math.NaN()},
		{Fields: []matching.FieldComparison{{Field: "nik", Level: "exact", Weight: math.Inf(1)}}}}
	for range 3000 {
		c := &matching.Comparison{Probability: rng.Float64(), Weight: weight()}
		for range rng.IntN(12) {
			c.Fields = append(c.Fields, matching.FieldComparison{Field: trickyString(rng, 2), Level: trickyString(rng, 2), Weight: weight()})
		}
		cases = append(cases, c)
	}
	for _, c := range cases {
		got, err := explanationJSON(c)
		if c == nil {
			if got.Valid || err != nil {
				t.Fatalf("no explanation encoded as %s, %v", got.RawMessage, err)
			}
			continue
		}
		want, wantErr := json.Marshal(storedExplanationOf(c))
		if (err != nil) != (wantErr != nil) || (err == nil && !bytes.Equal(got.RawMessage, want)) || got.Valid != (err == nil) {
			t.Fatalf("%+v encoded\n%s (%v)\nencoding/json gives\n%s (%v)", c, got.RawMessage, err, want, wantErr)
		}
		if err != nil {
			continue
		}
		// Read back as encoding/json reads the object form (invalid UTF-8 replaced alike).
		old, err := json.Marshal(c)
		if err != nil {
			t.Fatal(err)
		}
		var read *matching.Comparison
		if err := json.Unmarshal(old, &read); err != nil {
			t.Fatal(err)
		}
		for _, stored := range [][]byte{got.RawMessage, old} {
			var l registry.Link
			if err := decodeExplanation(pqtype.NullRawMessage{RawMessage: stored, Valid: true}, &l); err != nil {
				t.Fatalf("%s: %v", stored, err)
			}
			if !reflect.DeepEqual(l.Explanation, read) {
				t.Fatalf("%s read back as %+v, want %+v", stored, l.Explanation, read)
			}
		}
	}
	if got, _ := explanationJSON(&matching.Comparison{Probability: 0.5, Weight: 1,
		Fields: []matching.FieldComparison{{Field: "nik", Level: "exact", Weight: 8.25}}}); string(got.RawMessage) !=
		`{"probability":0.5,"weight":1,"fields":[["nik","exact",8.25]]}` {
		t.Errorf("stored form %s", got.RawMessage)
	}
	for _, bad := range []string{`{"fields":[["nik","exact"]]}`, `{"fields":[[1,"exact",2]]}`, `{"fields":[["nik","exact","x"]]}`, `[]`} {
		var l registry.Link
		if err := decodeExplanation(pqtype.NullRawMessage{RawMessage: []byte(bad), Valid: true}, &l); err == nil {
			t.Errorf("%s read without an error", bad)
		}
	}
	var l registry.Link
	if err := decodeExplanation(pqtype.NullRawMessage{RawMessage: []byte("null"), Valid: true}, &l); err != nil || l.Explanation != nil {
		t.Errorf("a JSON null read as %+v, %v", l.Explanation, err)
	}
}

// TestSealedGoldenIsCanonical: a golden record is stored in one form whatever the order its map
// yields its fields in (records by ID, groups by record and rule, fields by name) and reads back
// as it was, for a person's fields taken in name order and for any other field names alike.
func TestSealedGoldenIsCanonical(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	c := codec{nik: registry.EphemeralNIKCipher()}
	since := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
	for range 2000 {
		g := registry.GoldenRecord{Fields: map[string]registry.GoldenValue{}, Rules: "dukcapil"}
		names := registry.PersonFields
		if rng.IntN(4) == 0 {
			names = append(slices.Clone(names), "zz_other", "aa_other")
		}
		for _, name := range names {
			if rng.IntN(3) == 0 {
				continue
			}
			id := int64(1 + rng.IntN(3))
			g.Fields[name] = registry.GoldenValue{Value: "v" + name, Source: fmt.Sprint("s", id), LocalID: fmt.Sprint("L", id),
				RecordID: id, Rule: []string{"trust:dukcapil", "most_recent"}[rng.IntN(2)], Since: since.Add(time.Duration(id) * time.Hour)}
		}
		b, err := c.sealGolden(g, nil)
		if err != nil {
			t.Fatal(err)
		}
		if nik, ok := g.Fields["nik"]; ok { // NIKs sealed beforehand are taken as they are
			sealed, _ := c.nik.Seal(nik.Value)
			if again, err := c.sealGolden(g, map[string]string{nik.Value: sealed}); err != nil || !bytes.Equal(again, b) {
				t.Fatalf("sealed with the NIK sealed beforehand:\n%s (%v)\nwithout:\n%s", again, err, b)
			}
		}
		var st storedGolden
		if err := json.Unmarshal(b, &st); err != nil {
			t.Fatal(err)
		}
		if !slices.IsSortedFunc(st.Records, func(a, b goldenSource) int { return cmp.Compare(a.RecordID, b.RecordID) }) {
			t.Fatalf("records out of order: %s", b)
		}
		for i, grp := range st.Groups {
			if i > 0 && cmp.Or(cmp.Compare(st.Groups[i-1].From, grp.From), strings.Compare(st.Groups[i-1].Rule, grp.Rule)) >= 0 {
				t.Fatalf("groups out of order: %s", b)
			}
			if !slices.IsSortedFunc(grp.Fields, func(a, b goldenField) int { return strings.Compare(a.Name, b.Name) }) {
				t.Fatalf("fields out of order: %s", b)
			}
		}
		var back registry.GoldenRecord
		if err := c.openGolden(b, &back); err != nil {
			t.Fatal(err)
		}
		if !maps.EqualFunc(back.Fields, g.Fields, func(a, b registry.GoldenValue) bool {
			return a.Since.Equal(b.Since) && a.Value == b.Value && a.Source == b.Source && a.LocalID == b.LocalID && a.RecordID == b.RecordID && a.Rule == b.Rule
		}) || back.Rules != g.Rules {
			t.Fatalf("sealed %v, read back %v", g.Fields, back.Fields)
		}
	}
}
