package jsonappend

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
)

func TestFloatIsEncodingJSONs(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	floats := []float64{0, math.Copysign(0, -1), 1, -1, 0.5, 1e-6, 9.99e-7, 1e20, 1e21, 1e-9, -1e-300, math.MaxFloat64,
		math.SmallestNonzeroFloat64, 0.9999999999999905, 46.58072487640058}
	for range 20000 {
		floats = append(floats, rng.NormFloat64()*math.Pow(10, float64(rng.IntN(60)-30)))
	}
	for _, f := range floats {
		want, _ := json.Marshal(f)
		got, ok := Float(nil, f)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("Float(%v) = %s, %v; encoding/json gives %s", f, got, ok, want)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := Float(nil, f); ok {
			t.Errorf("Float(%v) encoded what encoding/json refuses", f)
		}
	}
}

func TestStringsAreEncodingJSONs(t *testing.T) {
	for _, vs := range [][]string{nil, {}, {""}, {"a", `"quoted" \ <b> & é`, "\x00\x1f\u2028", "\xff"}} {
		want, _ := json.Marshal(vs)
		if got := Strings(nil, vs); !bytes.Equal(got, want) {
			t.Errorf("Strings(%q) = %s; encoding/json gives %s", vs, got, want)
		}
	}
}

func TestObjectOmitsAsEncodingJSON(t *testing.T) {
	type doc struct {
		A string   `json:"a"`
		B string   `json:"b,omitempty"`
		C []string `json:"c,omitempty"`
		D bool     `json:"d,omitempty"`
		E float64  `json:"e"`
	}
	for _, d := range []doc{{}, {A: "x", B: "y", C: []string{"p", "q"}, D: true, E: 0.25}, {B: "<", C: []string{}}} {
		o := Begin(nil)
		o.Str("a", d.A)
		o.OmitStr("b", d.B)
		o.OmitStrs("c", d.C)
		o.OmitFlag("d", d.D)
		o.Float("e", d.E)
		got, ok := o.End()
		want, _ := json.Marshal(d)
		if !ok || !bytes.Equal(got, want) {
			t.Errorf("%+v encoded %s; encoding/json gives %s", d, got, want)
		}
	}
	o := Begin(nil)
	o.Float("nan", math.NaN())
	if _, ok := o.End(); ok {
		t.Error("an object holding NaN was reported encoded")
	}
}
