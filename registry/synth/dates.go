package synth

import (
	"fmt"
	"strconv"
)

// date is a civil date. The generator formats and shifts tens of millions of
// dates and never needs a time of day or a zone, so it uses plain fields and
// Hinnant's day-count algorithms instead of time.Time.
type date struct{ y, m, d int }

// dateLayout is a source's way of writing dates.
type dateLayout uint8

const (
	layoutISO      dateLayout = iota // 2006-01-02
	layoutDMYDash                    // 02-01-2006 (KTP)
	layoutDMYSlash                   // 02/01/2006
	layoutCompact                    // 20060102
)

func (t date) isZero() bool { return t.y == 0 }

// days returns the number of days since 1970-01-01.
func (t date) days() int { return daysFromCivil(t.y, t.m, t.d) }

func (t date) addDays(n int) date { return civilFromDays(t.days() + n) }

func (t date) before(u date) bool {
	if t.y != u.y {
		return t.y < u.y
	}
	if t.m != u.m {
		return t.m < u.m
	}
	return t.d < u.d
}

// valid reports whether the fields name a real calendar day.
func (t date) valid() bool {
	return t.m >= 1 && t.m <= 12 && t.d >= 1 && t.d <= daysIn(t.y, t.m)
}

func (t date) String() string { return t.format(layoutISO) }

// format writes the date in a layout; the zero date is the empty string.
// Invalid dates (a keyed 31 February) are written as they are.
func (t date) format(l dateLayout) string {
	if t.isZero() {
		return ""
	}
	var b [10]byte
	put2 := func(i, v int) { b[i], b[i+1] = byte('0'+v/10%10), byte('0'+v%10) }
	put4 := func(i, v int) { put2(i, v/100); put2(i+2, v%100) }
	switch l {
	case layoutDMYDash, layoutDMYSlash:
		sep := byte('-')
		if l == layoutDMYSlash {
			sep = '/'
		}
		put2(0, t.d)
		b[2] = sep
		put2(3, t.m)
		b[5] = sep
		put4(6, t.y)
		return string(b[:])
	case layoutCompact:
		put4(0, t.y)
		put2(4, t.m)
		put2(6, t.d)
		return string(b[:8])
	default:
		put4(0, t.y)
		b[4] = '-'
		put2(5, t.m)
		b[7] = '-'
		put2(8, t.d)
		return string(b[:])
	}
}

// parseISODate parses YYYY-MM-DD and rejects impossible days.
func parseISODate(s string) (date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return date{}, fmt.Errorf("date %q is not YYYY-MM-DD", s)
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:])
	t := date{y, m, d}
	if err1 != nil || err2 != nil || err3 != nil || !t.valid() {
		return date{}, fmt.Errorf("date %q is not a valid calendar day", s)
	}
	return t, nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y
	if era < 0 {
		era -= 399
	}
	era /= 400
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// civilFromDays is Howard Hinnant's civil_from_days.
func civilFromDays(z int) date {
	z += 719468
	era := z
	if era < 0 {
		era -= 146096
	}
	era /= 146097
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return date{y, m, d}
}

// ageOn returns the completed years of someone born on t at day on.
func (t date) ageOn(on date) int {
	a := on.y - t.y
	if on.m < t.m || (on.m == t.m && on.d < t.d) {
		a--
	}
	return a
}
