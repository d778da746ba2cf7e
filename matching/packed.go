package matching

import (
	"encoding/binary"
	"strings"
)

// Packed is a Normalized record held in one string: a short header of lengths, then the text of
// every field. A batch that keeps millions of records in memory to find candidates holds them
// packed: one allocation and one pointer a record instead of a struct of seventeen string and
// slice headers (over 300 bytes before any text) and the strings they point to: about a third of
// the memory, and nearly nothing for the garbage collector to trace. Unpacking slices the string,
// so a record's values are never copied.
//
// A Packed value is only ever made by Pack; Unpack trusts its layout.
type Packed string

// Packed flag bits, the header's first byte.
const (
	packedNIKValid = 1 << iota
	packedBirthDateFromNIK
)

// Pack returns n packed. Empty word lists unpack as nil.
func (n *Normalized) Pack() Packed {
	strs, lists := n.stringFields(), n.wordLists()
	header := make([]byte, 1, 32)
	if n.NIKValid {
		header[0] |= packedNIKValid
	}
	if n.BirthDateFromNIK {
		header[0] |= packedBirthDateFromNIK
	}
	size := 0
	for _, s := range strs {
		header = binary.AppendUvarint(header, uint64(len(*s)))
		size += len(*s)
	}
	for _, l := range lists {
		header = binary.AppendUvarint(header, uint64(len(*l)))
		for _, w := range *l {
			header = binary.AppendUvarint(header, uint64(len(w)))
			size += len(w)
		}
	}
	var b strings.Builder
	b.Grow(len(header) + size)
	b.Write(header)
	for _, s := range strs {
		b.WriteString(*s)
	}
	for _, l := range lists {
		for _, w := range *l {
			b.WriteString(w)
		}
	}
	return Packed(b.String())
}

// Unpack sets *n to the record p holds. Its strings are substrings of p; its word lists are
// slices of words, grown as needed and returned for the next call, so a caller unpacking many
// records one after another allocates nothing once words is large enough. The word lists stay
// valid until words is passed to Unpack again.
func (p Packed) Unpack(n *Normalized, words []string) []string {
	*n = Normalized{}
	s := string(p)
	flags := s[0]
	n.NIKValid = flags&packedNIKValid != 0
	n.BirthDateFromNIK = flags&packedBirthDateFromNIK != 0
	pos := 1
	next := func() int {
		v, k := uvarint(s[pos:])
		pos += k
		return int(v)
	}
	strs, lists := n.stringFields(), n.wordLists()
	var lens [16]int
	for i := range strs {
		lens[i] = next()
	}
	// The header ends where the last word's length does: read the counts and word lengths
	// first, then take the text.
	type span struct{ count, at int }
	var spans [4]span
	var wlBuf [32]int
	wl := wlBuf[:0]
	for i := range lists {
		c := next()
		spans[i] = span{count: c, at: len(wl)}
		for range c {
			wl = append(wl, next())
		}
	}
	text := pos
	take := func(n int) string {
		v := s[text : text+n]
		text += n
		return v
	}
	for i, f := range strs {
		if lens[i] > 0 {
			*f = take(lens[i])
		}
	}
	words = words[:0]
	for _, l := range wl {
		words = append(words, take(l))
	}
	for i, l := range lists {
		if c := spans[i].count; c > 0 {
			*l = words[spans[i].at : spans[i].at+c : spans[i].at+c]
		}
	}
	return words
}

// Normalized returns the record p holds, in memory of its own.
func (p Packed) Normalized() Normalized {
	var n Normalized
	p.Unpack(&n, nil)
	return n
}

// uvarint is binary.Uvarint over a string, so that reading a header does not copy it.
func uvarint(s string) (uint64, int) {
	var x uint64
	var shift uint
	for i := 0; i < len(s); i++ {
		b := s[i]
		if b < 0x80 {
			return x | uint64(b)<<shift, i + 1
		}
		x |= uint64(b&0x7f) << shift
		shift += 7
	}
	return x, len(s)
}

// stringFields are n's string fields, for Pack and Unpack.
func (n *Normalized) stringFields() []*string {
	return []*string{&n.NIK, &n.NameParts, &n.BirthDate, &n.Sex, &n.SexFrom, &n.BirthPlace, &n.Village,
		&n.District, &n.City, &n.Province, &n.Postcode, &n.Phone, &n.Email}
}

// wordLists are n's word-list fields, for Pack and Unpack.
func (n *Normalized) wordLists() []*[]string {
	return []*[]string{&n.Name, &n.Father, &n.Titles, &n.Address}
}
