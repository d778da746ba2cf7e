package matching

import (
	"hash/maphash"
	"math/bits"
)

// Sketch is what a batch keeps beside each of millions of records to bound, without reading the
// record, what comparing it with another can score (RuledOut, then Below): its NIK's, birth
// date's and postcode's digits as numbers, whether they make a usable identity, its sex, a count
// of its birth place's letters, and 16-bit hashes of the fields Score compares for equality
// first, without pointers, in 64 bytes: the sketches of a record's candidates lie scattered
// over a large array, and each is read in one cache line.
//
// Sketches are comparable within one process only: the hashes are seeded per process.
type Sketch struct {
	// nik holds the NIK's sixteen digits, one a nibble, when it is valid (sketchNIKDigits); date
	// a full birth date's eight digits, one a nibble (sketchFullDate), stated or not, and day
	// that date's day number. With sketchIdentity, they are the record's identity.
	nik   uint64
	date  uint32
	day   int32
	place uint64 // the birth place's letters (placeLetters), when sketchPlaceLetters
	// postcode holds the postcode's digits, one a nibble, postcodeLen of them (0 when the
	// postcode is not at most sixteen digits).
	postcode uint64
	flags    uint16
	// Hashes of the values, meaningful only when present (flags): equal values hash alike, and
	// different ones only now and then, which costs Below a pair it could have ruled out.
	phone, email, birthPlace, postcodeHash, province uint16
	postcodeLen                                      uint8
	// The birth place's length in bytes, its spaces, and its other bytes that place has no bit
	// for (placeLetters), when sketchPlaceLetters.
	placeLen, placeSpaces, placeRest uint8
	_                                [16]byte // to a cache line's size
}

// Sketch flags.
const (
	sketchNIK       = 1 << iota // a NIK, valid or not
	sketchNIKDigits             // a valid sixteen-digit NIK, in nik
	sketchOwnNIK                // ownNIK
	sketchNIKDate               // nikDateStated
	sketchDate                  // a birth date, full or partial
	sketchFullDate              // a full birth date, in date and day
	sketchSex                   // a sex
	sketchFemale                // "F"
	sketchSexOther              // neither "M" nor "F"
	sketchPhone
	sketchEmail
	sketchBirthPlace
	sketchPostcode
	sketchProvince
	sketchPlaceLetters // a birth place of at most maxJWBytes ASCII bytes, in place
	sketchIdentity     // a usable identity: nik, date and day are the record's (RuledOut)
)

// sketchSeed seeds the sketches' hashes, once per process.
var sketchSeed = maphash.MakeSeed()

// Sketch returns n's sketch.
func (n *Normalized) Sketch() Sketch {
	var s Sketch
	hash := func(v string, flag uint16) uint16 {
		if v == "" {
			return 0
		}
		s.flags |= flag
		return uint16(maphash.String(sketchSeed, v))
	}
	if n.NIK != "" {
		s.flags |= sketchNIK
		if digits, ok := nibbles(n.NIK); ok && n.NIKValid && len(n.NIK) == 16 {
			s.nik = digits
			s.flags |= sketchNIKDigits
		}
		if ownNIK(n) {
			s.flags |= sketchOwnNIK
		}
		if nikDateStated(n) {
			s.flags |= sketchNIKDate
		}
	}
	if d := n.BirthDate; d != "" {
		s.flags |= sketchDate
		if len(d) == 10 && d[4] == '-' && d[7] == '-' {
			digits, ok := nibbles(d[0:4] + d[5:7] + d[8:10])
			if c := parseISODate(d); ok && c.Year >= 1 && c.Month >= 1 && c.Month <= 12 && c.Day >= 1 && c.Day <= 31 {
				s.date, s.day = uint32(digits), int32(dayNumber(c))
				s.flags |= sketchFullDate
			}
		}
	}
	switch n.Sex {
	case "":
	case "F":
		s.flags |= sketchSex | sketchFemale
	case "M":
		s.flags |= sketchSex
	default:
		s.flags |= sketchSex | sketchSexOther
	}
	s.phone = hash(n.Phone, sketchPhone)
	s.email = hash(n.Email, sketchEmail)
	s.birthPlace = hash(n.BirthPlace, sketchBirthPlace)
	if p := n.BirthPlace; len(p) > 0 && len(p) <= maxJWBytes && isASCII(p) {
		s.place, s.placeSpaces, s.placeRest = placeLetters(p)
		s.placeLen = uint8(len(p))
		s.flags |= sketchPlaceLetters
	}
	s.postcodeHash = hash(n.Postcode, sketchPostcode)
	if digits, ok := nibbles(n.Postcode); ok && len(n.Postcode) > 0 && len(n.Postcode) <= 16 {
		s.postcode, s.postcodeLen = digits, uint8(len(n.Postcode))
	}
	if s.flags&(sketchNIKDigits|sketchFullDate) == sketchNIKDigits|sketchFullDate && statedFullDate(n) {
		s.flags |= sketchIdentity // its NIK and a birth date of its own: nik, date and day above
	}
	s.province = hash(n.Province, sketchProvince)
	return s
}

// Below reports a pair that Score puts below floor on their sketches alone; false means
// nothing, and MayReach or Score decides. It bounds Score by the levels the sketches allow:
// for NIK, birth date and postcode the levels compareNIK, compareBirthDate and compareCode
// choose, worked out from the digits (or a set of levels holding them where that would take the
// strings), sex exactly, for phone, e-mail, birth place and province their exact level's weight
// only when the hashes agree, and for a birth place not that either when its letters show it
// cannot be similarPlace's variant; every other field at its most. Each field's bound
// is at least its fieldWeight, and the household fields' are combined as MayReach combines
// them, so the sum bounds Score (TestBelowIsBelow and FuzzBelow check that against Score).
// Symmetric, and safe for concurrent use.
func (bd *ScoreBounds) Below(a, b *Sketch, floor float64) bool {
	ub := bd.fieldHi // every field at its most, then lowered where the sketches say more
	both := a.flags & b.flags
	ub[fieldNIK] = bd.nikBound(a, b, both)
	ub[fieldBirthDate] = bd.dateBound(a, b, both)
	switch {
	case both&sketchSex == 0:
		ub[fieldSex] = 0
	case (a.flags|b.flags)&sketchSexOther == 0: // "M" or "F" each: compareSex's level
		ub[fieldSex] = bd.levelHi(fieldSex, boolLevel((a.flags^b.flags)&sketchFemale != 0))
	}
	ub[fieldPhone] = bd.hashBound(fieldPhone, both&sketchPhone != 0, a.phone == b.phone)
	ub[fieldEmail] = bd.hashBound(fieldEmail, both&sketchEmail != 0, a.email == b.email)
	ub[fieldBirthPlace] = bd.placeBound(a, b, both)
	ub[fieldPostcode] = bd.postcodeBound(a, b, both)
	ub[fieldProvince] = bd.hashBound(fieldProvince, both&sketchProvince != 0, a.province == b.province)
	total := bd.model.PriorWeight
	var hh [len(householdFields)]float64
	for i := range fieldSpecs {
		if k := bd.slot[i]; k >= 0 {
			hh[k] = ub[i]
		} else {
			total += ub[i]
		}
	}
	return total+bd.household(&hh)+bd.slack < floor // a NaN bound never rules out
}

func boolLevel(b bool) int {
	if b {
		return 1
	}
	return 0
}

// hashBound bounds a field compared for equality first: 0 when a value is missing, the most of
// any level when the hashes agree (the values may yet differ), of any but the exact one when not.
func (bd *ScoreBounds) hashBound(i int, present, sameHash bool) float64 {
	switch {
	case !present:
		return 0
	case sameHash:
		return bd.levelsHi(i, 0)
	}
	return bd.levelsHi(i, 1)
}

// placeBound bounds the birth place's weight: comparePlace's exact level when the hashes agree;
// otherwise its fuzzy level, or only "else" when the two names share too few letters to be
// variants of one (placesMayBeSimilar).
func (bd *ScoreBounds) placeBound(a, b *Sketch, both uint16) float64 {
	const fuzzy, other = 1, 2
	switch {
	case both&sketchBirthPlace == 0:
		return 0
	case a.birthPlace == b.birthPlace:
		return bd.levelsHi(fieldBirthPlace, 0)
	case both&sketchPlaceLetters != 0 && !placesMayBeSimilar(a, b):
		return bd.levelHi(fieldBirthPlace, other)
	}
	return bd.levelsHi(fieldBirthPlace, fuzzy)
}

// placeLetters summarises a place name's bytes for placesMayBeSimilar: a bit for each
// occurrence that placeBits has a bit for (the first two of every letter, a few more of the
// commonest), the number of spaces, and the number of every other byte.
func placeLetters(p string) (set uint64, spaces, rest uint8) {
	var seen [26]uint8
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == ' ':
			spaces++
		case c >= 'a' && c <= 'z':
			k := seen[c-'a']
			seen[c-'a']++
			if k < uint8(len(placeBits[0])) && placeBits[c-'a'][k] >= 0 {
				set |= 1 << placeBits[c-'a'][k]
				continue
			}
			rest++
		default:
			rest++
		}
	}
	return set, spaces, rest
}

// placeBits[c][k] is the bit of placeLetters for the (k+1)th occurrence of letter 'a'+c, -1 for
// none: the first two of every letter (52 bits), then further ones of the letters Indonesian
// place names repeat most, up to 64.
var placeBits = func() (t [26][5]int8) {
	for c := range t {
		t[c] = [5]int8{int8(2 * c), int8(2*c + 1), -1, -1, -1}
	}
	bit := int8(52)
	for _, more := range []struct {
		c byte
		k int
	}{{'a', 2}, {'a', 3}, {'a', 4}, {'n', 2}, {'n', 3}, {'u', 2}, {'i', 2}, {'e', 2}, {'g', 2}, {'r', 2}, {'o', 2}, {'k', 2}} {
		t[more.c-'a'][more.k] = bit
		bit++
	}
	return t
}()

// placesMayBeSimilar is false only when placesShareEnoughLetters is, for the two sketches' birth
// places (both with sketchPlaceLetters). The letters two names share, counted with repeats, are
// at most the occurrences both have a bit for, plus the spaces both have, plus the fewer of
// their other bytes: a shared occurrence without a bit is one of those in each.
func placesMayBeSimilar(a, b *Sketch) bool {
	x, y := int(a.placeLen), int(b.placeLen)
	sx, sy := int(a.placeSpaces), int(b.placeSpaces)
	shared := bits.OnesCount64(a.place&b.place) + min(sx, sy) + int(min(a.placeRest, b.placeRest))
	if 5*shared*(x+y) >= 7*x*y {
		return true
	}
	if sx == 0 && sy == 0 {
		return false
	}
	shared -= min(sx, sy)
	x, y = x-sx, y-sy
	return x == 0 || y == 0 || 5*shared*(x+y) >= 8*x*y
}

// postcodeBound bounds the postcode's weight, following compareCode: from the digits when both
// have them (equal, within one edit, or neither), else from the hashes.
func (bd *ScoreBounds) postcodeBound(a, b *Sketch, both uint16) float64 {
	const edit1, other = 1, 2
	hi := func(l int) float64 { return bd.levelHi(fieldPostcode, l) }
	switch {
	case both&sketchPostcode == 0:
		return 0
	case a.postcodeLen == 0 || b.postcodeLen == 0: // not all digits
		return bd.hashBound(fieldPostcode, true, a.postcodeHash == b.postcodeHash)
	case a.postcodeLen == b.postcodeLen:
		dp := a.postcode ^ b.postcode
		if dp == 0 {
			return hi(0)
		}
		if oneEdit(dp, 0x1111111111111111) {
			return max(hi(edit1), hi(other))
		}
		return hi(other)
	case a.postcodeLen == b.postcodeLen+1 || b.postcodeLen == a.postcodeLen+1:
		return max(hi(edit1), hi(other)) // one digit more, perhaps inserted
	}
	return hi(other)
}

// nikBound bounds the NIK's weight, following compareNIK's branches in order.
func (bd *ScoreBounds) nikBound(a, b *Sketch, both uint16) float64 {
	const (
		twin   = 1
		edit1  = nikLevelEdit1
		serial = 3
	)
	if both&sketchNIK == 0 {
		return 0
	}
	if both&sketchNIKDigits == 0 { // exact, one edit apart or else, by the strings
		return bd.levelsHi(fieldNIK, 0)
	}
	dn := a.nik ^ b.nik
	hi := func(l int) float64 { return bd.levelHi(fieldNIK, l) }
	switch {
	case dn == 0:
		return hi(0)
	case dn>>16 == 0: // the same region and date: twins, serials or one edit
		return max(hi(twin), hi(serial), hi(edit1))
	case dn&(1<<40-1) == 0: // only the region differs
		return hi(nikLevelElse)
	case both&sketchOwnNIK != 0:
		// Twins: the same region, month and year, one a woman (day + 40), the same day.
		if dn>>40 == 0 && dn>>16&0xffff == 0 && (a.nik>>36&0xf >= 4) != (b.nik>>36&0xf >= 4) && nikDay(a.nik)%40 == nikDay(b.nik)%40 {
			return hi(twin)
		}
		return hi(nikLevelConflict)
	case both&sketchNIKDate != 0 && dn>>40 == 0 && dn&0xffff == 0: // only the encoded dates differ
		return hi(nikLevelElse)
	case oneEdit(dn, 0x1111111111111111):
		return max(hi(edit1), hi(nikLevelElse))
	}
	return hi(nikLevelElse)
}

// nikDay is the two digits of a NIK's birth day (day + 40 for women), from its nibbles.
func nikDay(nik uint64) int { return int(nik>>36&0xf)*10 + int(nik>>32&0xf) }

// dateBound bounds the birth date's weight, following compareBirthDate for two full dates.
func (bd *ScoreBounds) dateBound(a, b *Sketch, both uint16) float64 {
	if both&sketchDate == 0 {
		return 0
	}
	if both&sketchFullDate == 0 { // a partial date: any level
		return bd.levelsHi(fieldBirthDate, 0)
	}
	hi := func(l int) float64 { return bd.levelHi(fieldBirthDate, l) }
	dd := a.date ^ b.date
	if dd == 0 { // exact, or a placeholder date's level; identical either way
		return max(hi(0), hi(1), 0)
	}
	d := a.day - b.day
	if d < 0 {
		d = -d
	}
	by := hi(dateLevelElse)
	switch {
	case d <= 62:
		by = hi(3)
	case d <= 366:
		by = hi(dateLevelYear)
	}
	// Day and month swapped in one year, or one edit apart.
	swapped := dd>>16 == 0 && a.date&0xff == b.date>>8&0xff && a.date>>8&0xff == b.date&0xff
	if swapped || oneEdit(uint64(dd), 0x11111111) {
		return max(hi(2), by)
	}
	return by
}
