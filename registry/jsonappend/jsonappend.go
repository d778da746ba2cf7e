// Package jsonappend appends JSON exactly as encoding/json.Marshal writes it, without its
// reflection, for the documents the registry encodes once per record: a record's raw and
// normalised forms, a link's explanation, an event's data, a golden record. A bulk load encodes
// millions of them, and reflection was a tenth of its work. Each encoder built on it is tested
// against encoding/json byte for byte, because stored bytes are compared (content hashes,
// golden records) and must not change with the encoder.
package jsonappend

import (
	"encoding/json"
	"math"
	"strconv"
)

// String appends s as encoding/json quotes it: printable ASCII other than the characters it
// escapes is copied; anything else (rare in a registry's values) goes through encoding/json.
func String(b []byte, s string) []byte {
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

// Float appends f as encoding/json writes a float64, and reports false for what it refuses to
// encode (NaN and the infinities).
func Float(b []byte, f float64) ([]byte, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return b, false
	}
	format := byte('f')
	if abs := math.Abs(f); abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' { // e-09 is written e-9
		if n := len(b); n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b, true
}

// Object appends an object's members in the order given. Str, Strs and Flag leave out empty
// values, as encoding/json does for fields tagged omitempty; Member writes a name for a value
// the caller appends.
type Object struct {
	B    []byte
	some bool
	bad  bool
}

// Begin starts an object at the end of b.
func Begin(b []byte) Object { return Object{B: append(b, '{')} }

// End closes the object and returns the bytes, or false if a value could not be encoded.
func (o *Object) End() ([]byte, bool) { return append(o.B, '}'), !o.bad }

// Member appends n's name and colon; the caller appends its value to o.B.
func (o *Object) Member(n string) {
	if o.some {
		o.B = append(o.B, ',')
	}
	o.some = true
	o.B = append(o.B, '"')
	o.B = append(o.B, n...)
	o.B = append(o.B, '"', ':')
}

// Str appends a string member, always.
func (o *Object) Str(n, v string) {
	o.Member(n)
	o.B = String(o.B, v)
}

// Float appends a number member, always.
func (o *Object) Float(n string, v float64) {
	o.Member(n)
	var ok bool
	if o.B, ok = Float(o.B, v); !ok {
		o.bad = true
	}
}

// OmitStr appends a string member unless it is empty.
func (o *Object) OmitStr(n, v string) {
	if v != "" {
		o.Str(n, v)
	}
}

// OmitStrs appends an array of strings unless it is empty.
func (o *Object) OmitStrs(n string, vs []string) {
	if len(vs) > 0 {
		o.Member(n)
		o.B = Strings(o.B, vs)
	}
}

// OmitFlag appends true, or nothing for false.
func (o *Object) OmitFlag(n string, v bool) {
	if v {
		o.Member(n)
		o.B = append(o.B, "true"...)
	}
}

// Strings appends vs as an array (null for a nil slice, as encoding/json writes it).
func Strings(b []byte, vs []string) []byte {
	if vs == nil {
		return append(b, "null"...)
	}
	b = append(b, '[')
	for i, v := range vs {
		if i > 0 {
			b = append(b, ',')
		}
		b = String(b, v)
	}
	return append(b, ']')
}
