package matching

import "math/bits"

// nibbles returns the decimal digits s, at most sixteen, one a nibble, the last in the lowest.
func nibbles(s string) (uint64, bool) {
	var v uint64
	for i := range len(s) {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v<<4 | uint64(c-'0')
	}
	return v, true
}

// RuledOut reports a pair that Score puts below floor on its identities alone; false means
// nothing, and Below, MayReach or Score decides. A record's identity is what can show another
// record to be a different person on their papers alone: its valid NIK and a full birth date of
// its own, which its sketch holds as numbers (sketchIdentity). A batch comparing a record with
// millions of others rules out with a few integer operations, without reading the other record,
// the pairs whose NIKs and birth dates contradict each other twice over, which Score caps at
// the distinct weight (identityConflict): in a national register those are most pairs of
// different people who share a name and a place. Records without an identity rule nothing out. Its test is a sufficient condition for
// identityConflict, derived from compareNIK's and compareBirthDate's levels and checked against
// them by tests: birth dates more than a year apart and not one edit apart, and valid NIKs that
// differ before their serial, either only in their region or neither one edit apart nor
// possibly twins'. Such a pair is capped at the distinct weight, so when that is below floor
// nothing else about it need be read. Symmetric, and safe for concurrent use.
func (bd *ScoreBounds) RuledOut(a, b *Sketch, floor float64) bool {
	d := a.day - b.day
	if d >= -366 && d <= 366 || a.flags&b.flags&sketchIdentity == 0 || !(bd.distinctWeight+bd.slack < floor) {
		return false
	}
	// More than a year apart, the dates are not of one year: no swapped day and month.
	if oneEdit(uint64(a.date^b.date), 0x11111111) {
		return false
	}
	dn := a.nik ^ b.nik
	switch {
	case dn>>16 == 0: // the same region and date: compareNIK's twin, serial and edit levels
		return false
	case dn&(1<<40-1) == 0: // only the region differs: "else"
		return true
	case dn>>40 == 0 && dn>>16&0xffff == 0: // the same region, month and year: perhaps twins
		return false
	}
	return !oneEdit(dn, 0x1111111111111111)
}

// oneEdit reports whether x, the XOR of two digit strings held one a nibble (ones marks the
// lowest bit of each nibble), shows them equal, one substitution apart, or two adjacent
// digits apart: withinOneEdit for strings of equal length, or (two adjacent digits that are
// not each other's swap) a little more.
func oneEdit(x, ones uint64) bool {
	x = (x | x>>1 | x>>2 | x>>3) & ones // one bit a differing digit
	switch bits.OnesCount64(x) {
	case 0, 1:
		return true
	case 2:
		low := x & -x
		return x == low|low<<4
	}
	return false
}
