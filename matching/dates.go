package matching

import (
	"strconv"
	"strings"
)

// civilDate is a calendar date; Month or Day is 0 when only part is known.
type civilDate struct{ Year, Month, Day int }

func (d civilDate) valid() bool { return d.Year > 0 }

// String renders YYYY-MM-DD, or YYYY-MM / YYYY for partial dates.
func (d civilDate) String() string {
	if d.Year == 0 {
		return ""
	}
	b := []byte(pad(d.Year, 4))
	if d.Month > 0 {
		b = append(b, '-')
		b = append(b, pad(d.Month, 2)...)
		if d.Day > 0 {
			b = append(b, '-')
			b = append(b, pad(d.Day, 2)...)
		}
	}
	return string(b)
}

func pad(v, n int) string {
	s := strconv.Itoa(v)
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// Years outside this range are typing errors for a person alive in a
// register; the range is fixed (not "now") so results never depend on a clock.
const (
	minBirthYear = 1850
	maxBirthYear = 2100
)

func daysIn(year, month int) int {
	switch month {
	case 1, 3, 5, 7, 8, 10, 12:
		return 31
	case 4, 6, 9, 11:
		return 30
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	}
	return 0
}

// date parse outcomes.
const (
	dateOK = iota
	dateFormat
	dateImpossible
)

// parseDate reads the formats sources use (YYYY-MM-DD, YYYYMMDD, DD-MM-YYYY,
// DD/MM/YYYY, also with dots, and partial YYYY or YYYY-MM). It never guesses
// between day-first and month-first for ambiguous two-digit orders: a
// four-digit year must be first or last.
func parseDate(raw string) (civilDate, int) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return civilDate{}, dateOK
	}
	if i := strings.IndexAny(s, "T "); i == 10 { // timestamp suffix
		s = s[:i]
	}
	var parts []string
	if isDigits(s) {
		switch len(s) {
		case 8:
			parts = []string{s[:4], s[4:6], s[6:]}
		case 4:
			parts = []string{s}
		case 6: // YYYYMM
			parts = []string{s[:4], s[4:]}
		default:
			return civilDate{}, dateFormat
		}
	} else {
		parts = strings.FieldsFunc(s, func(r rune) bool { return r == '-' || r == '/' || r == '.' })
		if len(parts) < 2 || len(parts) > 3 {
			return civilDate{}, dateFormat
		}
		for _, p := range parts {
			if !isDigits(p) || len(p) > 4 {
				return civilDate{}, dateFormat
			}
		}
		if len(parts) == 3 && len(parts[2]) == 4 && len(parts[0]) <= 2 {
			parts[0], parts[2] = parts[2], parts[0] // DD-MM-YYYY
		} else if len(parts[0]) != 4 {
			return civilDate{}, dateFormat
		}
	}
	var d civilDate
	d.Year, _ = strconv.Atoi(parts[0])
	if len(parts) > 1 {
		d.Month, _ = strconv.Atoi(parts[1])
	}
	if len(parts) > 2 {
		d.Day, _ = strconv.Atoi(parts[2])
	}
	if d.Year < minBirthYear || d.Year > maxBirthYear {
		return civilDate{}, dateImpossible
	}
	if len(parts) > 1 && (d.Month < 1 || d.Month > 12) {
		return civilDate{}, dateImpossible
	}
	if len(parts) > 2 && (d.Day < 1 || d.Day > daysIn(d.Year, d.Month)) {
		return civilDate{}, dateImpossible
	}
	return d, dateOK
}

// parseISODate reads the canonical form stored in Normalized.
func parseISODate(s string) civilDate {
	var d civilDate
	if len(s) < 4 {
		return d
	}
	d.Year = atoiASCII(s[0:4])
	if len(s) >= 7 {
		d.Month = atoiASCII(s[5:7])
	}
	if len(s) >= 10 {
		d.Day = atoiASCII(s[8:10])
	}
	return d
}

func atoiASCII(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int(c-'0')
	}
	return n
}

// isPlaceholderDate reports the dates Dukcapil used for unknown birth dates:
// 1 July and 31 December (official), 1 January (customary) and the 15th
// (month known, day not). See indonesia.md §0.4 and §2.7.
func isPlaceholderDate(d civilDate) bool {
	if d.Day == 0 {
		return false
	}
	return (d.Month == 7 && d.Day == 1) || (d.Month == 12 && d.Day == 31) ||
		(d.Month == 1 && d.Day == 1) || d.Day == 15
}

// dayNumber is days since 0000-03-01 (proleptic Gregorian), for date distances.
func dayNumber(d civilDate) int {
	y, m := d.Year, d.Month
	if m <= 2 {
		y--
		m += 12
	}
	return 365*y + y/4 - y/100 + y/400 + (153*(m-3)+2)/5 + d.Day - 1
}
