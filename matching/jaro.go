package matching

import (
	"unicode/utf8"
	"unsafe"
)

// jaroWinkler returns the Jaro-Winkler similarity of a and b (prefix scale
// 0.1, prefix up to 4, boost above Jaro 0.7, as in Winkler 1990 and
// smetrics.JaroWinkler(a, b, 0.7, 4)). Unlike smetrics it works on characters,
// not bytes, so "józef" and "jozef" differ by one character, and it does not
// allocate for names up to 64 characters; see jaro_test.go for the
// correctness test and benchmark that justify not using smetrics here.
func jaroWinkler(a, b string) float64 {
	if a == b {
		return 1
	}
	// Names and places are short; bound the quadratic work on garbage input.
	if len(a) > maxJWBytes {
		a = a[:maxJWBytes]
	}
	if len(b) > maxJWBytes {
		b = b[:maxJWBytes]
	}
	if isASCII(a) && isASCII(b) {
		// The strings' own bytes, which jaroWinklerOf only reads: no copy.
		return jaroWinklerOf(unsafe.Slice(unsafe.StringData(a), len(a)), unsafe.Slice(unsafe.StringData(b), len(b)))
	}
	var ba, bb [64]rune
	ra, rb := toRunes(a, ba[:0]), toRunes(b, bb[:0])
	return jaroWinklerOf(ra, rb)
}

// maxJWBytes bounds the input of jaroWinkler; longer strings are compared
// on their first maxJWBytes bytes (a cut inside a character only affects
// that last character).
const maxJWBytes = 128

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func toRunes(s string, buf []rune) []rune {
	for _, r := range s {
		buf = append(buf, r)
	}
	return buf
}

// jaroWinklerOf is jaroWinkler over characters: the bytes of ASCII text, the runes of any other.
func jaroWinklerOf[C byte | rune](a, b []C) float64 {
	la, lb := len(a), len(b)
	if la == 0 || lb == 0 {
		return 0
	}
	window := max(la, lb)/2 - 1
	if window < 0 {
		window = 0
	}
	var fa, fb [64]bool
	var matchA, matchB []bool
	if la <= 64 && lb <= 64 {
		matchA, matchB = fa[:la], fb[:lb]
	} else {
		matchA, matchB = make([]bool, la), make([]bool, lb)
	}
	m := 0
	for i := 0; i < la; i++ {
		lo, hi := i-window, i+window+1
		if lo < 0 {
			lo = 0
		}
		if hi > lb {
			hi = lb
		}
		for j := lo; j < hi; j++ {
			if !matchB[j] && b[j] == a[i] {
				matchA[i], matchB[j] = true, true
				m++
				break
			}
		}
	}
	if m == 0 {
		return 0
	}
	t, j := 0, 0
	for i := 0; i < la; i++ {
		if !matchA[i] {
			continue
		}
		for !matchB[j] {
			j++
		}
		if a[i] != b[j] {
			t++
		}
		j++
	}
	fm := float64(m)
	jaro := (fm/float64(la) + fm/float64(lb) + (fm-float64(t/2))/fm) / 3
	if jaro <= 0.7 {
		return jaro
	}
	p := 0
	for p < 4 && p < la && p < lb && a[p] == b[p] {
		p++
	}
	return jaro + 0.1*float64(p)*(1-jaro)
}

// withinOneEdit reports whether a and b are at most one edit apart: one byte
// substituted, inserted or deleted, or two adjacent bytes swapped (their
// optimal-string-alignment distance, restricted Damerau-Levenshtein, is at
// most 1). Linear and allocation-free: it is asked for the NIKs and birth
// dates of most candidate pairs.
func withinOneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	switch len(a) - len(b) {
	case 0:
		if i == len(a) {
			return true
		}
		if a[i+1:] == b[i+1:] {
			return true // substitution
		}
		return i+1 < len(a) && a[i] == b[i+1] && a[i+1] == b[i] && a[i+2:] == b[i+2:]
	case 1:
		return a[i+1:] == b[i:] // a has one byte more, at i or in the run of equal bytes before it
	}
	return false
}
