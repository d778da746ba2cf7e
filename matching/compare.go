package matching

import (
	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// A comparison level is an index into a field's levels; levelMissing means
// one side lacks the value. The missing-value policy, field by field:
//
//	nik          neutral; malformed NIKs still compare as plain identifiers,
//	             placeholders and values with letters count as missing
//	name         neutral; also when one record has only a given name and the
//	             other only a family name and they do not agree (different
//	             parts of a name are not evidence against each other)
//	birth_date   neutral; a NIK's encoded date stands in for a missing one;
//	             impossible dates count as missing; partial dates (year,
//	             year-month) compare at level "year" only
//	sex          neutral; NIK-encoded sex, then title-implied sex (Hj., Ni,
//	             binti) stand in for a missing one
//	locality     compares the most specific level both records state
//	             (village, else district, else city); neutral if none
//	all others   neutral
//
// Neutral means weight 0: absence says nothing about identity, and a policy
// that penalised it would push records with sparse data into new citizens.
const levelMissing = -1

// cmpResult is one field's comparison before weighting.
type cmpResult struct {
	level int
	// shared is the surprise (-log2 frequency, summed) of the values both
	// sides agree on exactly; full[0] and full[1] are the surprises of each
	// side's whole value. They drive the term-frequency adjustment and its cap.
	shared float64
	// common says at least one shared value is demonstrably common (seen in
	// enough records for its frequency to be trusted); only then may the
	// adjustment be negative.
	common bool
	tf     bool // shared was computed
	// identical says both values are the same (an agreement whatever the
	// level, e.g. the same partial date).
	identical bool
}

// fieldSpec describes one compared field: its levels from most to least
// agreeing, which of them take a term-frequency adjustment, and the comparator.
type fieldSpec struct {
	name     string
	levels   []string
	tfLevels []bool
	compare  func(a, b *Normalized, tf tfLookup) cmpResult
}

// selfResult is compare(n, n), with a fast path for names (the only
// comparator whose self-comparison is not a cheap string equality).
func selfResult(i int, n *Normalized, tf tfLookup) cmpResult {
	if fieldSpecs[i].name != FieldName {
		return fieldSpecs[i].compare(n, n, tf)
	}
	if len(n.Name) == 0 {
		return lv(levelMissing)
	}
	r := cmpResult{level: 0, tf: true, identical: true}
	for j, w := range n.Name {
		if j >= maxNameTokens {
			break
		}
		s, common := tf.surprise(tfName, w)
		r.shared += s
		r.common = r.common || common
	}
	return r
}

// Field names, in the fixed order of Comparison.Fields.
const (
	FieldNIK        = "nik"
	FieldName       = "name"
	FieldBirthDate  = "birth_date"
	FieldSex        = "sex"
	FieldBirthPlace = "birth_place"
	FieldAddress    = "address"
	FieldLocality   = "locality"
	FieldProvince   = "province"
	FieldPostcode   = "postcode"
	FieldPhone      = "phone"
	FieldEmail      = "email"
)

// Indices of the fields in fieldSpecs (and Comparison.Fields).
const (
	fieldNIK = iota
	fieldName
	fieldBirthDate
	fieldSex
	fieldBirthPlace
	fieldAddress
	fieldLocality
	fieldProvince
	fieldPostcode
	fieldPhone
	fieldEmail
)

// Levels of the comparisons that the rules below name (see fieldSpecs).
const (
	nikLevelEdit1    = 2
	nikLevelElse     = 4
	nikLevelConflict = 5
	nameLevelPartial = 4
	nameLevelElse    = 6
	dateLevelYear    = 4
	dateLevelElse    = 5
	sexLevelElse     = 1
	placeLevelElse   = 2
)

// Term-frequency tables, keyed in Model.TermFrequencies.
const (
	tfNIK        = "nik"
	tfName       = "name_token"
	tfBirthDate  = "birth_date"
	tfBirthPlace = "birth_place"
	tfLocality   = "locality"
	tfPostcode   = "postcode"
	tfPhone      = "phone"
	tfEmail      = "email"
)

var fieldSpecs = []fieldSpec{
	{FieldNIK, []string{"exact", "twin", "edit1", "serial", "else", "conflict"}, []bool{true, false, false, false, false, false}, compareNIK},
	{FieldName, []string{"exact", "fuzzy", "subset", "close", "partial", "similar", "else", "sibling"}, []bool{true, true, true, true, true, false, false, false}, compareName},
	{FieldBirthDate, []string{"exact", "exact_placeholder", "edit1", "near", "year", "else"}, []bool{true, true, false, false, false, false}, compareBirthDate},
	{FieldSex, []string{"exact", "else"}, []bool{false, false}, compareSex},
	{FieldBirthPlace, []string{"exact", "fuzzy", "else"}, []bool{true, false, false}, compareBirthPlace},
	{FieldAddress, []string{"exact", "high", "mid", "low", "else"}, []bool{false, false, false, false, false}, compareAddress},
	{FieldLocality, []string{"exact", "fuzzy", "else"}, []bool{true, false, false}, compareLocality},
	{FieldProvince, []string{"exact", "else"}, []bool{false, false}, compareProvince},
	{FieldPostcode, []string{"exact", "edit1", "else"}, []bool{true, false, false}, comparePostcode},
	{FieldPhone, []string{"exact", "edit1", "else"}, []bool{true, false, false}, comparePhone},
	{FieldEmail, []string{"exact", "user", "fuzzy", "else"}, []bool{true, false, false, false}, compareEmail},
}

// tfLookup returns the surprise (-log2 relative frequency) of a value in a
// term-frequency table and whether the value is common enough for that
// frequency to be trusted. Without tables every surprise is 0.
type tfLookup interface {
	surprise(table, value string) (float64, bool)
}

type noTF struct{}

func (noTF) surprise(string, string) (float64, bool) { return 0, false }

func lv(level int) cmpResult { return cmpResult{level: level} }

func tfExact(level int, tf tfLookup, table, value string) cmpResult {
	s, common := tf.surprise(table, value)
	return cmpResult{level: level, shared: s, common: common, tf: true}
}

func compareNIK(a, b *Normalized, tf tfLookup) cmpResult {
	x, y := a.NIK, b.NIK
	if x == "" || y == "" {
		return lv(levelMissing)
	}
	if x == y {
		return tfExact(0, tf, tfNIK, x)
	}
	if a.NIKValid && b.NIKValid && x[:12] == y[:12] {
		sx, sy := atoiASCII(x[12:]), atoiASCII(y[12:])
		// Twins registered together get consecutive serials: exactly the
		// pattern of a one-digit typo, but the evidence says "sibling".
		if sx-sy == 1 || sy-sx == 1 {
			return lv(1)
		}
		// Dukcapil numbers the people of one district and birth date 0001,
		// 0002, ...: two small serials a digit apart are two registrations
		// of that day far more often than a typo (10,473 to 90 pairs in a
		// generated register of 100,000 people). The shared region and date
		// are the birth date's evidence already, so the level ("serial") is
		// policy, not estimated from random pairs, which never share them.
		if sx < 10 && sy < 10 {
			return lv(3)
		}
		if withinOneEdit(x, y) {
			return lv(nikLevelEdit1)
		}
		return lv(3)
	}
	if a.NIKValid && b.NIKValid && x[6:] == y[6:] {
		// Only the region differs: two people born on one day in
		// neighbouring districts with the commonest serial (0001), or one
		// person whose number still has the code of a region since split.
		// The date agreement is the birth date's evidence already.
		return lv(nikLevelElse)
	}
	if ownNIK(a) && ownNIK(b) {
		if x[:6] == y[:6] && x[8:12] == y[8:12] && nikFemale(x) != nikFemale(y) && atoiASCII(x[6:8])%40 == atoiASCII(y[6:8])%40 {
			// A boy and a girl born on one day in one district, each number
			// its holder's own: twins, numbered apart only because the
			// woman's day carries +40.
			return lv(1)
		}
		// Each number agrees with its own record's birth date and sex, and
		// they differ in date or serial: the numbers of two people, not a
		// typo, which would leave one number disagreeing with its record.
		return lv(nikLevelConflict)
	}
	if a.NIKValid && b.NIKValid && x[:6] == y[:6] && x[12:] == y[12:] && nikDateStated(a) && nikDateStated(b) {
		// The NIKs differ only in the birth date they encode, and each
		// agrees with its own record's stated date: two people born on
		// different days, not one NIK mistyped (which the dates would not
		// follow). Counted as "edit1" this doubled the date's evidence.
		return lv(nikLevelElse)
	}
	if withinOneEdit(x, y) {
		return lv(nikLevelEdit1)
	}
	return lv(nikLevelElse)
}

// statedFullDate reports whether n states a full birth date of its own (not
// one taken from its NIK).
func statedFullDate(n *Normalized) bool { return len(n.BirthDate) == 10 && !n.BirthDateFromNIK }

// hardNegative reports pairs the compared levels show to be two people whatever their
// weights sum to; Score and Compare cap them at the distinct threshold.
func hardNegative(x, y *Normalized, lv *[maxFields]int) bool {
	return identityConflict(x, y, lv) || borrowedNIK(x, y, lv)
}

// identityConflict reports two records whose identities contradict each
// other twice over: valid NIKs that differ beyond any typo and stated birth
// dates more than a year apart. In a population register that is two
// different people whatever else they share: a parent and child, or siblings,
// with the same or nested names at one address. Summed as independent
// evidence, the shared name and household out-voted both.
func identityConflict(x, y *Normalized, lv *[maxFields]int) bool {
	return (lv[fieldNIK] == nikLevelElse || lv[fieldNIK] == nikLevelConflict) && lv[fieldBirthDate] == dateLevelElse &&
		x.NIKValid && y.NIKValid && statedFullDate(x) && statedFullDate(y)
}

// borrowedNIK reports a shared NIK that belongs to one of the two records
// only: the numbers agree, but the names share at most one word and the
// records contradict on sex or on birth dates, at least one of them stated
// (a date read from the shared NIK contradicts a stated one just as well).
// Records carry a parent's, a household head's or a borrowed NIK
// (indonesia.md §2.8), and then the NIK says nothing about the person;
// summed as independent evidence it out-voted both contradictions.
//
// A newborn's placeholder record ("By. Ny. <mother>") carries its mother's
// NIK as a rule: the same contradictions show it is not the mother's record.
func borrowedNIK(x, y *Normalized, lv *[maxFields]int) bool {
	shared := lv[fieldNIK] == 0 && x.NIKValid
	if !shared || !otherName(lv) && newborn(x) == newborn(y) {
		return false
	}
	return lv[fieldSex] == sexLevelElse ||
		lv[fieldBirthDate] == dateLevelElse && (statedFullDate(x) || statedFullDate(y))
}

// titleNewborn is the title a newborn's placeholder name ("By. Ny. Siti",
// "Bayi Ny. Siti") leaves: the words after it name the mother.
const titleNewborn = "bayi"

// newborn reports a newborn's placeholder record, named after its mother.
func newborn(n *Normalized) bool { return slices.Contains(n.Titles, titleNewborn) }

// doubtfulNIK reports pairs whose NIKs leave their identity to a steward
// (Model.capOf): agreement that is nearly the only evidence, or disagreement
// on records whose names disagree too.
//
// A shared NIK on records whose names share at most one word, where nothing
// else personal agrees firmly: the birth dates differ within a year, the
// birth places differ, or one record's birth date is the one the NIK encodes
// (so an agreeing date only repeats the NIK). A record carrying a relative's
// NIK looks like this; so does a person recorded under a nickname.
//
// Or valid NIKs that differ on records whose names share at most one word.
// Serials restart at 0001 for every district and birth date, so one slipped
// digit in a NIK's date or region often spells another person's real NIK,
// of someone born on the day the record states, nearby: a typo's evidence
// that a neighbour shares by construction, and the more people a registry
// holds, the more such neighbours there are. Numbers further apart agree on
// nothing at all. What is left is a birth date and a household, which a
// relative whose record was given the other's birth date shares as well,
// family name included. A person's own records with a mistyped NIK keep
// more of the name.
func doubtfulNIK(x, y *Normalized, lv *[maxFields]int) bool {
	if lv[fieldNIK] >= nikLevelEdit1 && otherName(lv) && x.NIKValid && y.NIKValid {
		return true
	}
	if !sharedNIKOtherName(x, lv) {
		return false
	}
	return lv[fieldBirthDate] == dateLevelYear || lv[fieldBirthPlace] == placeLevelElse ||
		x.BirthDateFromNIK || y.BirthDateFromNIK
}

// sharedNIKOtherName reports an agreeing valid NIK on records whose names
// share at most one word.
func sharedNIKOtherName(x *Normalized, lv *[maxFields]int) bool {
	return lv[fieldNIK] == 0 && x.NIKValid && otherName(lv)
}

// otherName reports names that share at most one word: a family name, say.
func otherName(lv *[maxFields]int) bool { return otherNameLevel(lv[fieldName]) }

// otherNameLevel is otherName for a name comparison level.
func otherNameLevel(level int) bool { return level == nameLevelPartial || level >= nameLevelElse }

// nikDateStated reports whether a valid NIK's encoded birth date (day + 40
// for women) equals the record's stated, full birth date.
func nikDateStated(n *Normalized) bool {
	d := n.BirthDate
	if n.BirthDateFromNIK || len(d) != 10 || len(n.NIK) != 16 {
		return false
	}
	day := atoiASCII(n.NIK[6:8])
	if day > 40 {
		day -= 40
	}
	return day == atoiASCII(d[8:10]) && n.NIK[8:10] == d[5:7] && n.NIK[10:12] == d[2:4]
}

// ownNIK reports a valid NIK that agrees with its record's stated birth date
// and, when the record states its sex, with that sex: the number of the
// person the record describes rather than a borrowed or mistyped one.
func ownNIK(n *Normalized) bool {
	if !n.NIKValid || !nikDateStated(n) {
		return false
	}
	if n.Sex == "" || n.SexFrom != "" {
		return true
	}
	return nikFemale(n.NIK) == (n.Sex == "F")
}

// nikFemale reports a NIK whose birth day carries the +40 of women.
func nikFemale(nik string) bool { return nik[6] >= '4' }

// maxNameTokens bounds the work on pathological names.
const maxNameTokens = 8

// tokenSim is the similarity of two name words. Initials and truncations
// ("m" / "muhammad", "rob" / "robert") are flagged rather than scored, so that
// an initial alone never makes two names agree.
func tokenSim(x, y string) (sim float64, abbrev bool) {
	if x == y {
		return 1, false
	}
	lx, ly := len(x), len(y)
	if lx == 1 || ly == 1 {
		if x[0] == y[0] {
			return 0.85, true
		}
		return 0, false
	}
	if lx >= 3 && ly > lx && strings.HasPrefix(y, x) || ly >= 3 && lx > ly && strings.HasPrefix(x, y) {
		return 0.9, true
	}
	return jaroWinkler(x, y), false
}

type alignStats struct {
	exact, strong, abbrev, weak int
	sharedSurprise              float64
	common                      bool
}

// alignTokens pairs the words of two names greedily by similarity (best pair
// first, ties by position), so word order does not matter.
func alignTokens(a, b []string, tf tfLookup, table string) alignStats {
	var st alignStats
	na, nb := min(len(a), maxNameTokens), min(len(b), maxNameTokens)
	type cand struct {
		sim    float64
		i, j   int
		abbrev bool
	}
	var buf [maxNameTokens * maxNameTokens]cand
	cs := buf[:0]
	for i := 0; i < na; i++ {
		for j := 0; j < nb; j++ {
			s, ab := tokenSim(a[i], b[j])
			if s >= 0.8 {
				cs = append(cs, cand{s, i, j, ab})
			}
		}
	}
	// Insertion sort: at most 64 candidates, and sort.Slice would move the
	// buffer to the heap on every comparison.
	for p := 1; p < len(cs); p++ {
		for q := p; q > 0; q-- {
			x, y := &cs[q-1], &cs[q]
			if x.sim > y.sim || x.sim == y.sim && (x.i < y.i || x.i == y.i && x.j < y.j) {
				break
			}
			*x, *y = *y, *x
		}
	}
	var usedA, usedB [maxNameTokens]bool
	for _, c := range cs {
		if usedA[c.i] || usedB[c.j] {
			continue
		}
		usedA[c.i], usedB[c.j] = true, true
		switch {
		case c.abbrev:
			st.abbrev++
		case c.sim == 1:
			st.exact++
			st.strong++
			s, common := tf.surprise(table, a[c.i])
			st.sharedSurprise += s
			st.common = st.common || common
		case c.sim >= 0.92:
			st.strong++
		default:
			st.weak++
		}
	}
	return st
}

func compareName(a, b *Normalized, tf tfLookup) cmpResult {
	x, y := a.Name, b.Name
	if len(x) == 0 || len(y) == 0 {
		return lv(levelMissing)
	}
	st := alignTokens(x, y, tf, tfName)
	// A given name alone against a family name alone: different parts of
	// the name, nothing to compare unless they happen to agree (swapped).
	if a.NameParts != "" && b.NameParts != "" && a.NameParts != b.NameParts && st.strong == 0 {
		return lv(levelMissing)
	}
	// Birth-order names that differ (Dwi / Tri Lestari, I Wayan / I Made
	// Sudarma) name siblings, who share a household's address and phone.
	if ox, oy := birthOrder(x), birthOrder(y); ox != 0 && oy != 0 && ox != oy {
		return lv(7)
	}
	nx, ny := min(len(x), maxNameTokens), min(len(y), maxNameTokens)
	short := min(nx, ny)
	r := cmpResult{shared: st.sharedSurprise, common: st.common, tf: true}
	switch {
	case st.exact == nx && nx == ny:
		r.level = 0
	case nx == ny && st.strong+st.abbrev == nx && st.strong >= 1:
		r.level = 1
	case st.exact == short:
		r.level = 2
	case st.exact >= 1 && st.strong+st.abbrev+st.weak == short:
		r.level = 3
	case st.exact >= 1:
		r.level = 4
	case st.strong+st.abbrev+st.weak == short && st.strong+st.weak >= 1:
		r.level = 5
	default:
		// Words split or joined differently ("ya tes" / "yates").
		if jaroWinkler(strings.Join(x, ""), strings.Join(y, "")) >= 0.92 {
			r.level = 5
		} else {
			r.level = 6
		}
	}
	r.tf = r.level <= 4 // levels with exactly shared words
	return r
}

// birthOrders are Javanese ordinal names and Balinese birth-order names
// (indonesia.md §2.2); the cycle restarts at the fifth Balinese child.
var birthOrders = map[string]int{
	"eka": 1, "dwi": 2, "tri": 3, "catur": 4, "panca": 5,
	"wayan": 1, "putu": 1, "gede": 1, "luh": 1, "made": 2, "kadek": 2, "nengah": 2,
	"nyoman": 3, "komang": 3, "ketut": 4,
}

// birthOrder is the birth order a name states, 0 if none or contradictory.
func birthOrder(name []string) int {
	o := 0
	for _, w := range name {
		if v, ok := birthOrders[w]; ok {
			if o != 0 && o != v {
				return 0
			}
			o = v
		}
	}
	return o
}

func compareBirthDate(a, b *Normalized, tf tfLookup) cmpResult {
	if a.BirthDate == "" || b.BirthDate == "" {
		return lv(levelMissing)
	}
	if a.BirthDate == b.BirthDate {
		d := parseISODate(a.BirthDate)
		if d.Day == 0 { // same partial date: only the year (and month) agree
			return cmpResult{level: 4, identical: true}
		}
		if isPlaceholderDate(d) {
			r := tfExact(1, tf, tfBirthDate, a.BirthDate)
			r.identical = true
			return r
		}
		return tfExact(0, tf, tfBirthDate, a.BirthDate)
	}
	x, y := parseISODate(a.BirthDate), parseISODate(b.BirthDate)
	if x.Day == 0 || y.Day == 0 {
		if x.Year == y.Year && (x.Month == 0 || y.Month == 0 || x.Month == y.Month) {
			return lv(4)
		}
		return lv(5)
	}
	if (x.Day == y.Month && x.Month == y.Day && x.Year == y.Year) ||
		withinOneEdit(a.BirthDate, b.BirthDate) {
		return lv(2)
	}
	d := dayNumber(x) - dayNumber(y)
	if d < 0 {
		d = -d
	}
	switch {
	case d <= 62:
		return lv(3)
	case d <= 366:
		return lv(4)
	}
	return lv(5)
}

// compactDate turns YYYY-MM-DD into YYYYMMDD without allocating a builder.
func compactDate(s string) string {
	if len(s) != 10 {
		return s
	}
	return s[0:4] + s[5:7] + s[8:10]
}

func compareSex(a, b *Normalized, _ tfLookup) cmpResult {
	if a.Sex == "" || b.Sex == "" {
		return lv(levelMissing)
	}
	if a.Sex == b.Sex {
		return lv(0)
	}
	return lv(1)
}

func compareBirthPlace(a, b *Normalized, tf tfLookup) cmpResult {
	return comparePlace(a.BirthPlace, b.BirthPlace, tf, tfBirthPlace)
}

func comparePlace(x, y string, tf tfLookup, table string) cmpResult {
	if x == "" || y == "" {
		return lv(levelMissing)
	}
	if x == y {
		return tfExact(0, tf, table, x)
	}
	if similarPlace(x, y) {
		return lv(1)
	}
	return lv(2)
}

// similarPlace reports two different place names as variants of one: close
// as written, or once spaces are dropped ("Tanjung Priok", "Tanjungpriok").
func similarPlace(x, y string) bool {
	return placesShareEnoughLetters(x, y) && similarPlaceJW(x, y)
}

// placesShareEnoughLetters is false only when similarPlaceJW is: most
// candidate pairs of different people were born in different places, and
// counting the letters two names share rules out nearly all of those for a
// sixth of a Jaro-Winkler comparison. Jaro-Winkler adds at most 0.4 (1 -
// jaro), so a similarity of 0.88 needs jaro >= 0.8 and 0.92 needs 0.8667;
// jaro is at most (m/a + m/b + 1) / 3 for m characters matched, and m is at
// most the number of letters the names share, counted with repeats.
func placesShareEnoughLetters(x, y string) bool {
	a, b := len(x), len(y)
	if a == 0 || b == 0 || a > maxJWBytes || b > maxJWBytes || !isASCII(x) || !isASCII(y) {
		return true // no bound here: compare them
	}
	var count [utf8.RuneSelf]uint8
	for i := 0; i < a; i++ {
		count[x[i]]++
	}
	shared := 0
	for i := 0; i < b; i++ {
		if c := y[i]; count[c] > 0 {
			count[c]--
			shared++
		}
	}
	// m/a + m/b >= 1.4, in integers.
	if 5*shared*(a+b) >= 7*a*b {
		return true
	}
	sx, sy := strings.Count(x, " "), strings.Count(y, " ")
	if sx == 0 && sy == 0 {
		return false
	}
	// Without spaces: m/a + m/b >= 1.6.
	shared -= min(sx, sy)
	a, b = a-sx, b-sy
	return a == 0 || b == 0 || 5*shared*(a+b) >= 8*a*b
}

// similarPlaceJW is similarPlace by Jaro-Winkler alone.
func similarPlaceJW(x, y string) bool {
	if jaroWinkler(x, y) >= 0.88 {
		return true
	}
	if !strings.Contains(x, " ") && !strings.Contains(y, " ") {
		return false // the same two strings again, now against a higher bar
	}
	return jaroWinkler(strings.ReplaceAll(x, " ", ""), strings.ReplaceAll(y, " ", "")) >= 0.92
}

// localityOf picks the most specific place both records state: a village
// agreement is stronger than a city agreement, and a village disagreement is
// not cancelled by living in the same city.
func localityOf(a, b *Normalized) (string, string, string) {
	switch {
	case a.Village != "" && b.Village != "":
		return a.Village, b.Village, "v"
	case a.District != "" && b.District != "":
		return a.District, b.District, "d"
	case a.City != "" && b.City != "":
		return a.City, b.City, "c"
	}
	return "", "", ""
}

func compareLocality(a, b *Normalized, tf tfLookup) cmpResult {
	x, y, kind := localityOf(a, b)
	if kind == "" {
		return lv(levelMissing)
	}
	if x == y {
		// Term frequencies are kept per kind of place ("v:name"): a village
		// and a city of one name are not equally common.
		return tfExact(0, tf, tfLocality, kind+":"+x)
	}
	if similarPlace(x, y) {
		return lv(1)
	}
	return lv(2)
}

func compareProvince(a, b *Normalized, _ tfLookup) cmpResult {
	if a.Province == "" || b.Province == "" {
		return lv(levelMissing)
	}
	if a.Province == b.Province {
		return lv(0)
	}
	return lv(1)
}

func compareAddress(a, b *Normalized, _ tfLookup) cmpResult {
	x, y := a.Address, b.Address
	if len(x) == 0 || len(y) == 0 {
		return lv(levelMissing)
	}
	s := addressSimilarity(x, y)
	switch {
	case s >= 0.999:
		return lv(0)
	case s >= 0.85:
		return lv(1)
	case s >= 0.65:
		return lv(2)
	case s >= 0.4:
		return lv(3)
	}
	return lv(4)
}

// addressSimilarity is a Dice-style token similarity: words aligned by
// Jaro-Winkler (numbers must be equal), or the whole strings without spaces
// when words were split or joined ("pridhamstreet").
func addressSimilarity(x, y []string) float64 {
	const maxWords = 12
	nx, ny := min(len(x), maxWords), min(len(y), maxWords)
	var usedX, usedY [maxWords]bool
	sum := 0.0
	exact := 0
	for i := 0; i < nx; i++ { // exact words first: cheap and unambiguous
		for j := 0; j < ny; j++ {
			if !usedY[j] && x[i] == y[j] {
				usedX[i], usedY[j] = true, true
				exact++
				break
			}
		}
	}
	if exact == nx && nx == ny {
		return 1
	}
	sum = float64(exact)
	for i := 0; i < nx; i++ {
		if usedX[i] || isDigits(x[i]) {
			continue
		}
		best, bj := 0.0, -1
		for j := 0; j < ny; j++ {
			if usedY[j] || isDigits(y[j]) {
				continue
			}
			if s := jaroWinkler(x[i], y[j]); s > best {
				best, bj = s, j
			}
		}
		if bj >= 0 && best >= 0.8 {
			usedY[bj] = true
			sum += best
		}
	}
	dice := 2 * sum / float64(nx+ny)
	if dice >= 0.85 {
		return dice
	}
	joined := jaroWinkler(strings.Join(x, ""), strings.Join(y, "")) - 0.05
	return math.Max(dice, joined)
}

func comparePostcode(a, b *Normalized, tf tfLookup) cmpResult {
	return compareCode(a.Postcode, b.Postcode, tf, tfPostcode)
}

func comparePhone(a, b *Normalized, tf tfLookup) cmpResult {
	return compareCode(a.Phone, b.Phone, tf, tfPhone)
}

func compareCode(x, y string, tf tfLookup, table string) cmpResult {
	if x == "" || y == "" {
		return lv(levelMissing)
	}
	if x == y {
		return tfExact(0, tf, table, x)
	}
	if withinOneEdit(x, y) {
		return lv(1)
	}
	return lv(2)
}

func compareEmail(a, b *Normalized, tf tfLookup) cmpResult {
	x, y := a.Email, b.Email
	if x == "" || y == "" {
		return lv(levelMissing)
	}
	if x == y {
		return tfExact(0, tf, tfEmail, x)
	}
	ux, uy := x, y
	if i := strings.IndexByte(x, '@'); i >= 0 {
		ux = x[:i]
	}
	if i := strings.IndexByte(y, '@'); i >= 0 {
		uy = y[:i]
	}
	if ux == uy {
		return lv(1)
	}
	if jaroWinkler(x, y) >= 0.88 || jaroWinkler(ux, uy) >= 0.88 {
		return lv(2)
	}
	return lv(3)
}
