package matching

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// foldText lowers the case of s, applies compatibility normalisation (NFKC
// semantics, via NFKD) and removes diacritics, so that "Śiti", "SITI" and the
// full-width "ＳＩＴＩ" compare equal. Letters with no decomposition that
// Latin-script clerks commonly write without their stroke (ß, ø, đ, ł ...)
// are mapped by hand. ASCII input, by far the most common, takes a fast path.
func foldText(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, " ")
	}
	d := norm.NFKD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		r = unicode.ToLower(r)
		switch r {
		case 'ß':
			b.WriteString("ss")
		case 'æ':
			b.WriteString("ae")
		case 'œ':
			b.WriteString("oe")
		case 'ø':
			b.WriteByte('o')
		case 'đ', 'ð':
			b.WriteByte('d')
		case 'þ':
			b.WriteString("th")
		case 'ł':
			b.WriteByte('l')
		case 'ı':
			b.WriteByte('i')
		case '‘', '’', 'ʼ', '`', '´':
			b.WriteByte('\'')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wordsOf splits folded text into words of letters and digits; every other
// character separates words. Apostrophes are dropped inside words (Ma'ruf ->
// maruf) because Permendagri 73/2022 removed them from new documents. Words
// are substrings of s unless they held an apostrophe: every record's name and
// places are split, and building each word anew was most of normalising them.
func wordsOf(s string) []string {
	var out []string
	start, quoted := -1, false // the current word's first byte, and whether it holds an apostrophe
	word := func(end int) {
		w := s[start:end]
		if quoted {
			w = strings.ReplaceAll(w, "'", "")
		}
		out = append(out, w)
		start, quoted = -1, false
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case r == '\'':
			if start >= 0 {
				quoted = true
			}
		case r < utf8.RuneSelf && ('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'),
			r >= utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if start < 0 {
				start = i
			}
		default:
			if start >= 0 {
				word(i)
			}
		}
		i += size
	}
	if start >= 0 {
		word(len(s))
	}
	return out
}

// isDigits reports whether s is non-empty and all ASCII digits.
func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// digitsOf keeps the ASCII digits of s.
func digitsOf(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// hasLetter reports whether s contains any letter.
func hasLetter(s string) bool {
	for _, r := range s {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}
