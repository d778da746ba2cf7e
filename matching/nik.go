package matching

import "strings"

// NIK parse outcomes.
const (
	nikEmpty = iota
	nikOK
	nikMalformed   // kept as a plain identifier
	nikLetters     // ignored
	nikPlaceholder // ignored
	nikShort       // ignored
)

// minIDDigits is the shortest digit string still compared as an identifier;
// shorter values are more often noise than IDs.
const minIDDigits = 6

type parsedNIK struct {
	digits            string
	status            int
	day, month, yy    int // birth date encoded in the NIK (day without the +40)
	sex               string
	region, serialNum int
}

// validProvinces are the first two NIK digits that exist in some code
// version (indonesia.md §1.2).
func validProvince(p int) bool {
	switch {
	case p >= 11 && p <= 19, p == 21, p >= 31 && p <= 36, p >= 51 && p <= 53,
		p >= 61 && p <= 65, p >= 71 && p <= 76, p == 81, p == 82, p >= 91 && p <= 96:
		return true
	}
	return false
}

// parseNIK reads a NIK as sources hold it: spaces, dots, dashes and a leading
// apostrophe (a spreadsheet work-around) are removed.
func parseNIK(raw string) parsedNIK {
	s := strings.TrimSpace(raw)
	if s == "" {
		return parsedNIK{status: nikEmpty}
	}
	if hasLetter(s) { // includes 3.27305E+15, a NIK destroyed by a spreadsheet
		return parsedNIK{status: nikLetters}
	}
	d := digitsOf(s)
	p := parsedNIK{digits: d}
	if len(d) < minIDDigits {
		p.status = nikShort
		return p
	}
	if allSame(d) || d == "1234567890123456" || strings.HasPrefix(d, "123456789") {
		p.status = nikPlaceholder
		return p
	}
	p.status = nikMalformed
	if len(d) != 16 {
		return p
	}
	prov := atoiASCII(d[0:2])
	day := atoiASCII(d[6:8])
	month := atoiASCII(d[8:10])
	serial := atoiASCII(d[12:16])
	sex := "M"
	if day > 40 {
		day -= 40
		sex = "F"
	}
	if !validProvince(prov) || day < 1 || day > 31 || month < 1 || month > 12 || serial == 0 {
		return p
	}
	p.status = nikOK
	p.day, p.month, p.yy, p.sex = day, month, atoiASCII(d[10:12]), sex
	p.region, p.serialNum = atoiASCII(d[0:6]), serial
	return p
}

// birthDate expands the NIK's two-digit year. The century is not encoded;
// years up to nikCenturyPivot are read as 20xx. The pivot is a constant, not
// today's date, so that normalisation is reproducible.
func (p parsedNIK) birthDate() civilDate {
	const nikCenturyPivot = 30
	y := 1900 + p.yy
	if p.yy <= nikCenturyPivot {
		y = 2000 + p.yy
	}
	if p.day > daysIn(y, p.month) {
		return civilDate{}
	}
	return civilDate{Year: y, Month: p.month, Day: p.day}
}

func allSame(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] != s[0] {
			return false
		}
	}
	return true
}
