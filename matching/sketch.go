package matching

import "hash/maphash"

// Sketch is what a batch keeps beside each of millions of records to bound, without reading the
// record, what comparing it with another can score (Below): its NIK's and birth date's digits as
// numbers, its sex, and 16-bit hashes of the fields Score compares for equality first, in 32
// bytes without pointers. The sketches of a record's candidates are read in a cache line each
// where their records are scattered over gigabytes; their identities, which rule out most of
// them for less (RuledOut), are best kept in an array of their own, read first.
//
// Sketches are comparable within one process only: the hashes are seeded per process.
type Sketch struct {
	nik   uint64 // the NIK's sixteen digits, one a nibble, when it is valid (sketchNIKDigits)
	date  uint32 // a full birth date's eight digits, one a nibble (sketchFullDate), stated or not
	day   int32  // that date's day number
	flags uint16
	// Hashes of the values, meaningful only when present (flags): equal values hash alike, and
	// different ones only now and then, which costs Below a pair it could have ruled out.
	phone, email, birthPlace, postcode, province uint16
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
	s.postcode = hash(n.Postcode, sketchPostcode)
	s.province = hash(n.Province, sketchProvince)
	return s
}

// Below reports a pair that Score puts below floor on their sketches alone; false means
// nothing, and MayReach or Score decides. It bounds Score by the levels the sketches allow:
// for NIK and birth date the levels compareNIK and compareBirthDate choose,
// worked out from the digits (or a set of levels holding them where that would take the
// strings), sex exactly, and for phone, e-mail, birth place, postcode and province their exact
// level's weight only when the hashes agree; every other field at its most. Each field's bound
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
	ub[fieldBirthPlace] = bd.hashBound(fieldBirthPlace, both&sketchBirthPlace != 0, a.birthPlace == b.birthPlace)
	ub[fieldPostcode] = bd.hashBound(fieldPostcode, both&sketchPostcode != 0, a.postcode == b.postcode)
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
