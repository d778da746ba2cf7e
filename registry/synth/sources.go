package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// knob indexes one error or presence rate of a source. The order is the
// order in which corruptions are applied to a record.
type knob uint8

const (
	kNIKMissing knob = iota
	kNIKMissingInfant
	kNIKOtherInfant
	kNIKOther
	kNIKKK
	kNIKTypo
	kNameBabyOf
	kNameNickname
	kNameVariant
	kNameAbbrev
	kNameToken
	kNameTitle
	kNameTypo
	kNameOCR
	kSexWrong
	kSexWrongUnisex
	kDOBMissing
	kDOBFromNIK
	kDOBPlaceholder
	kDOBTypo
	kHouseholdCopy
	kPlaceVariant
	kAddressDomicile
	kRTRW
	kPostcode
	kPhonePresent
	kEmailPresent
	numKnobs
)

// knobKeys are the JSON keys of the knobs in SourceConfig and summary.json.
var knobKeys = [numKnobs]string{
	"nik_missing", "nik_missing_infant", "nik_other_infant", "nik_other_person", "nik_kk", "nik_typo",
	"name_baby_of", "name_nickname", "name_variant", "name_abbrev", "name_token", "name_title", "name_typo", "name_ocr",
	"sex_wrong", "sex_wrong_unisex", "dob_missing", "dob_from_nik", "dob_placeholder", "dob_typo", "household_copy",
	"place_variant", "address_domicile", "rtrw_format", "postcode_error", "phone_present", "email_present",
}

func (c *SourceConfig) rates() [numKnobs]float64 {
	return [numKnobs]float64{
		c.NIKMissing, c.NIKMissingInfant, c.NIKOtherInfant, c.NIKOtherPerson, c.NIKKK, c.NIKTypo,
		c.NameBabyOf, c.NameNickname, c.NameVariant, c.NameAbbrev, c.NameToken, c.NameTitle, c.NameTypo, c.NameOCR,
		c.SexWrong, c.SexWrongUnisex, c.DOBMissing, c.DOBFromNIK, c.DOBPlaceholder, c.DOBTypo, c.HouseholdCopy,
		c.PlaceVariant, c.AddressDomicile, c.RTRWFormat, c.PostcodeError, c.PhonePresent, c.EmailPresent,
	}
}

// habits are a source's formatting conventions.
type habits struct {
	upper     bool      // names, places and addresses in capitals
	sex       [2]string // male, female
	date      dateLayout
	split     bool // fills given_name and family_name
	phone     phoneLayout
	rtrw      rtrwLayout
	prefixes  bool // shows the person's prefix titles (H., Dr.)
	suffixes  bool // shows degrees
	titlePool func(s *source, p *person, h *household) (prefix, suffix string, husband bool)
}

type phoneLayout uint8

const (
	phoneNone   phoneLayout = iota
	phoneDashed             // 0812-3456-7890
	phonePlain              // 081234567890
	phone62                 // 6281234567890
	phonePlus62             // +62 812-3456-7890
)

type rtrwLayout uint8

const (
	rtrwKTP   rtrwLayout = iota // RT 003 RW 005
	rtrwSlash                   // RT 003/RW 005
	rtrwShort                   // RT 003/005
	rtrwDots                    // RT.003 RW.005
)

var sourceHabits = [...]habits{
	{upper: true, sex: [2]string{"L", "P"}, date: layoutDMYDash, phone: phoneNone, rtrw: rtrwKTP, prefixes: true, suffixes: true, titlePool: titlesDukcapil},
	{sex: [2]string{"M", "F"}, date: layoutISO, phone: phoneDashed, rtrw: rtrwSlash, prefixes: true, titlePool: titlesHealth},
	{sex: [2]string{"L", "P"}, date: layoutDMYSlash, phone: phonePlain, rtrw: rtrwKTP, titlePool: titlesSchool},
	{upper: true, sex: [2]string{"L", "P"}, date: layoutCompact, phone: phone62, rtrw: rtrwShort, prefixes: true, titlePool: titlesSocial},
	{split: true, sex: [2]string{"M", "F"}, date: layoutISO, phone: phonePlus62, rtrw: rtrwDots, prefixes: true, suffixes: true, titlePool: titlesTax},
}

// source emits one ministry's records.
type source struct {
	idx    int
	code   string
	cfg    *SourceConfig
	rate   [numKnobs]float64
	hab    *habits
	rng    *rand.Rand // eligibility and corruption
	shuf   *rand.Rand // record order only, so the window size changes nothing else
	window int
	buf    []pending
	seq    uint64
	stats  sourceStats
}

type sourceStats struct {
	eligible, kept, records, duplicates, stale int64
	knobs                                      [numKnobs]knobStat
	errorTypes                                 map[string]int64
}

type knobStat struct{ applicable, applied int64 }

// pending is a record waiting in the shuffle window for its local ID. It
// is CSV-encoded when pushed, while its strings are still in cache: writing
// scattered strings from the window later cost more than generating them.
type pending struct {
	entity   int64
	district string
	line     []byte   // the 15 columns after local_id, without the newline
	errs     [][]byte // errors.csv rows after "source,local_id,"
}

type errRow struct{ field, kind, orig, corrupt string }

// recName is a name as a record holds it.
type recName struct {
	prefix []string
	tokens []string
	family string // the family-name token, "" if none
	suffix []string
}

func (n *recName) clone() recName {
	return recName{prefix: append([]string(nil), n.prefix...), tokens: append([]string(nil), n.tokens...),
		family: n.family, suffix: append([]string(nil), n.suffix...)}
}

// rec is a record before formatting.
type rec struct {
	nik      string
	name     recName
	female   bool
	dob      date
	place    string
	village  int
	street   string
	rt, rw   int
	rtrwMode uint8 // 0 padded, 1 unpadded, 2 missing
	postcode string
	phone    string
	email    string
	errs     []errRow
}

// draw decides whether a knob fires for a record it can apply to, and
// counts the trial for summary.json.
func (s *source) draw(k knob, applicable bool) bool {
	r := s.rate[k]
	if r <= 0 || !applicable {
		return false
	}
	s.stats.knobs[k].applicable++
	if s.rng.Float64() < r {
		s.stats.knobs[k].applied++
		return true
	}
	return false
}

// undo withdraws a fired trial whose corruption turned out impossible for
// this value (no OCR-confusable letter, no spelling variant), so that the
// measured rate stays a rate over records the error can apply to.
func (s *source) undo(k knob) {
	s.stats.knobs[k].applicable--
	s.stats.knobs[k].applied--
}

func (s *source) chance(p float64) bool { return p > 0 && s.rng.Float64() < p }

// eligible reports whether a person belongs in the source's population.
func (s *source) eligible(p *person, h *household) bool {
	switch s.code {
	case SourceDukcapil:
		return !p.deceased
	case SourceKemenkes:
		return true
	case SourceKemendikbud:
		return p.age >= 5 && p.age <= 24 || p.teacher
	case SourceKemensos:
		return h.social
	case SourceDJP:
		return p.taxpayer
	}
	return false
}

func (s *source) poisson(mean float64) int {
	if mean <= 0 {
		return 0
	}
	l := math.Exp(-mean)
	k, prod := 0, s.rng.Float64()
	for prod > l {
		k++
		prod *= s.rng.Float64()
	}
	return k
}

// emitPerson decides coverage and duplicates for one person and builds the
// records. Parent/child confusions it injects are noted in g.pairs.
func (s *source) emitPerson(g *generator, h *household, i int) error {
	p := &h.members[i]
	if !s.eligible(p, h) {
		return nil
	}
	stale := false
	if p.deceased {
		// Keep a dead person listed only while the stale share stays at or
		// below the configured rate: an exact target, not a coin flip.
		rate := s.cfg.StaleDeceased
		if rate <= 0 || float64(s.stats.stale+1) > rate*float64(s.stats.kept+1) {
			return nil
		}
		stale = true
		s.stats.stale++
	} else {
		s.stats.eligible++
		if !s.chance(s.cfg.Coverage) {
			return nil
		}
	}
	s.stats.kept++
	n := 1 + min(s.poisson(s.cfg.DupRate), s.cfg.MaxDuplicates)
	s.stats.duplicates += int64(n - 1)
	for range n {
		r := s.build(g, h, i)
		if stale {
			r.errs = append(r.errs, errRow{"status", "deceased_active", "deceased", "active"})
		}
		if err := s.push(g, h, p, r); err != nil {
			return err
		}
	}
	return nil
}

// base returns the record as the source would hold it without errors.
func (s *source) base(g *generator, h *household, p *person) rec {
	r := rec{
		nik: p.nik, female: p.female, dob: p.dob,
		place:   g.ref.regencies[p.birthReg].place,
		village: h.village, street: h.street, rt: h.rt, rw: h.rw,
		postcode: g.ref.villages[h.village].postcode,
	}
	r.name.tokens = append(r.name.tokens, p.name.tokens...)
	r.name.family = p.name.familyName()
	if s.hab.prefixes && p.prefix != "" {
		r.name.prefix = strings.Fields(p.prefix)
	}
	if s.hab.suffixes && p.suffix != "" {
		r.name.suffix = []string{p.suffix}
	}
	return r
}

// build makes one record of person i and applies the source's errors in
// knob order, logging each with the formatted value before and after.
func (s *source) build(g *generator, h *household, i int) *rec {
	p := &h.members[i]
	ref := g.ref
	r := s.base(g, h, p)
	logf := func(field, kind, orig, corrupt string) {
		r.errs = append(r.errs, errRow{field, kind, orig, corrupt})
	}
	infant := p.age < 1

	// NIK.
	missing := false
	if infant {
		missing = s.draw(kNIKMissingInfant, true)
	} else {
		missing = s.draw(kNIKMissing, true)
	}
	if missing {
		logf("nik", "nik_missing", r.nik, "")
		r.nik = ""
	} else {
		replaced := false
		if infant && s.draw(kNIKOtherInfant, p.mother >= 0) {
			m := &h.members[p.mother]
			logf("nik", "nik_parent", r.nik, m.nik)
			r.nik, replaced = m.nik, true
			g.pairs = append(g.pairs, [2]int64{m.entity, p.entity})
		}
		if !replaced && s.draw(kNIKOther, true) {
			kind, nik, parent := s.otherNIK(g, h, i)
			logf("nik", kind, r.nik, nik)
			r.nik, replaced = nik, true
			if parent >= 0 {
				g.pairs = append(g.pairs, [2]int64{h.members[parent].entity, p.entity})
			}
		}
		if !replaced && s.draw(kNIKKK, true) {
			logf("nik", "nik_kk", r.nik, h.kk)
			r.nik = h.kk
		}
		if s.draw(kNIKTypo, true) {
			kind, nik := s.nikTypo(g, r.nik)
			logf("nik", kind, r.nik, nik)
			r.nik = nik
		}
	}

	// Name.
	if infant && s.draw(kNameBabyOf, p.mother >= 0) {
		m := &h.members[p.mother]
		before := s.fmtName(&r.name)
		r.name = recName{prefix: []string{"By.", "Ny."}, tokens: []string{m.name.tokens[g.pop.personalIndex(m.name)]}}
		logf("full_name", "name_baby_of", before, s.fmtName(&r.name))
		g.pairs = append(g.pairs, [2]int64{m.entity, p.entity})
	}
	s.corruptName(g, h, p, &r)

	// Sex.
	k := kSexWrong
	if p.style != styleBalinese && ref.names.isUnisex(p.name.tokens[g.pop.personalIndex(p.name)]) {
		k = kSexWrongUnisex
	}
	if s.draw(k, true) {
		logf("sex", "sex_wrong", s.hab.sex[fi(r.female)], s.hab.sex[fi(!r.female)])
		r.female = !r.female
	}

	// Date of birth.
	df := s.hab.date
	if s.draw(kDOBMissing, true) {
		logf("birth_date", "dob_missing", r.dob.format(df), "")
		r.dob = date{}
	} else {
		if s.draw(kDOBFromNIK, p.corrDOB && p.nikDOB != r.dob) {
			logf("birth_date", "dob_from_nik", r.dob.format(df), p.nikDOB.format(df))
			r.dob = p.nikDOB
		}
		if s.draw(kDOBPlaceholder, true) {
			u := s.placeholderDate(r.dob)
			logf("birth_date", "dob_placeholder", r.dob.format(df), u.format(df))
			r.dob = u
		}
		if s.draw(kDOBTypo, true) {
			kind, u := s.dateTypo(g, r.dob)
			logf("birth_date", kind, r.dob.format(df), u.format(df))
			r.dob = u
		}
	}

	// Values copied from another household member (pseudopeople), per field.
	if r.nik != "" && s.draw(kHouseholdCopy, len(h.members) >= 2) {
		if j := s.otherMember(h, i); h.members[j].nik == r.nik {
			s.undo(kHouseholdCopy) // the record already holds that member's NIK
		} else {
			logf("nik", "household_copy", r.nik, h.members[j].nik)
			r.nik = h.members[j].nik
		}
	}
	if !r.dob.isZero() && s.draw(kHouseholdCopy, len(h.members) >= 2) {
		j := s.otherMember(h, i)
		if h.members[j].dob == r.dob {
			s.undo(kHouseholdCopy)
		} else {
			logf("birth_date", "household_copy", r.dob.format(df), h.members[j].dob.format(df))
			r.dob = h.members[j].dob
		}
	}

	// Place of birth.
	if s.draw(kPlaceVariant, true) {
		u := s.placeVariant(g, h, p, r.place)
		logf("birth_place", "place_variant", s.fmtPlace(r.place), s.fmtPlace(u))
		r.place = u
	}

	// Address.
	if s.draw(kAddressDomicile, p.domicile >= 0) {
		before := s.fmtFullAddress(g, &r)
		r.village, r.street, r.rt, r.rw = p.domicile, p.domStreet, p.domRT, p.domRW
		r.postcode = ref.villages[p.domicile].postcode
		logf("address", "address_domicile", before, s.fmtFullAddress(g, &r))
	}
	if s.draw(kRTRW, true) {
		before := s.fmtAddress(&r)
		kind := "rtrw_missing"
		r.rtrwMode = 2
		if (r.rt < 10 || r.rw < 10) && s.rng.IntN(2) == 0 {
			kind, r.rtrwMode = "rtrw_unpadded", 1
		}
		logf("address", kind, before, s.fmtAddress(&r))
	}
	if s.draw(kPostcode, true) {
		kind, u := "postcode_missing", ""
		if s.rng.IntN(2) == 0 {
			if v := s.neighbourPostcode(g, r.village); v != "" {
				kind, u = "postcode_neighbour", v
			}
		}
		logf("postcode", kind, r.postcode, u)
		r.postcode = u
	}

	if p.phone != "" && s.draw(kPhonePresent, true) {
		r.phone = p.phone
	}
	if s.draw(kEmailPresent, p.adult()) {
		r.email = s.email(p)
	}
	return &r
}

// otherNIK picks whose NIK a record carries instead (parent, head or a
// borrowed one), falling back along that order when the choice is
// impossible for this person.
func (s *source) otherNIK(g *generator, h *household, i int) (kind, nik string, parent int) {
	p := &h.members[i]
	m := g.cfg.Mix.NIKOther
	x := s.rng.Float64() * (m.Parent + m.Head + m.Borrowed)
	want := 2
	switch {
	case x < m.Parent:
		want = 0
	case x < m.Parent+m.Head:
		want = 1
	}
	if want == 0 {
		par := p.mother
		if par < 0 || (p.father >= 0 && s.rng.IntN(2) == 0) {
			par = p.father
		}
		if par >= 0 {
			return "nik_parent", h.members[par].nik, par
		}
		want = 1
	}
	if want == 1 && i != 0 {
		return "nik_head", h.members[0].nik, -1
	}
	if len(g.recent) > 0 {
		return "nik_borrowed", g.recent[s.rng.IntN(len(g.recent))], -1
	}
	j := s.otherMember(h, i)
	return "nik_head", h.members[j].nik, -1
}

// otherMember picks another member of the household (or the person itself
// in a one-person household).
func (s *source) otherMember(h *household, i int) int {
	if len(h.members) < 2 {
		return i
	}
	j := s.rng.IntN(len(h.members) - 1)
	if j >= i {
		j++
	}
	return j
}

// nikTypo applies one keying error to a 16-digit value (Febrl/GeCo mixture).
func (s *source) nikTypo(g *generator, nik string) (string, string) {
	m := g.cfg.Mix.NIKTypo
	b := []byte(nik)
	x := s.rng.Float64() * (m.Keypad + m.Transpose + m.DropDup + m.Excel)
	switch {
	case x >= m.Keypad+m.Transpose+m.DropDup && b[len(b)-1] != '0':
		b[len(b)-1] = '0'
		return "nik_excel", string(b)
	case x >= m.Keypad+m.Transpose && x < m.Keypad+m.Transpose+m.DropDup:
		pos := s.rng.IntN(len(b))
		if s.rng.IntN(2) == 0 {
			return "nik_drop_digit", string(b[:pos]) + string(b[pos+1:])
		}
		return "nik_dup_digit", string(b[:pos+1]) + string(b[pos:])
	case x >= m.Keypad && x < m.Keypad+m.Transpose:
		for range 8 {
			pos := s.rng.IntN(len(b) - 1)
			if b[pos] != b[pos+1] {
				b[pos], b[pos+1] = b[pos+1], b[pos]
				return "nik_transpose", string(b)
			}
		}
	}
	pos := s.rng.IntN(len(b))
	b[pos] = s.keypadNeighbour(g, b[pos])
	return "nik_keypad", string(b)
}

func (s *source) keypadNeighbour(g *generator, d byte) byte {
	if d < '0' || d > '9' {
		return '0' + byte(s.rng.IntN(10))
	}
	nb := g.ref.keypad[d-'0']
	return nb[s.rng.IntN(len(nb))]
}

// placeholderDate replaces a DOB with 1 July, 31 December or 1 January of
// its year (1 July also stands for an age-based "year only" date).
func (s *source) placeholderDate(t date) date {
	opts := [3]date{{t.y, 7, 1}, {t.y, 12, 31}, {t.y, 1, 1}}
	start := 0
	switch x := s.rng.Float64(); {
	case x < 0.55:
	case x < 0.85:
		start = 1
	default:
		start = 2
	}
	for k := range 3 {
		if u := opts[(start+k)%3]; u != t {
			return u
		}
	}
	return t
}

// dateTypo swaps day and month, mistypes one digit on the keypad, or moves
// the year by one. A keyed digit can make an impossible date; it is kept.
func (s *source) dateTypo(g *generator, t date) (string, date) {
	switch s.rng.IntN(3) {
	case 0:
		if t.d <= 12 && t.d != t.m {
			return "dob_swap", date{t.y, t.d, t.m}
		}
	case 1:
		digits := []byte(t.format(layoutCompact))
		pos := []int{3, 4, 5, 6, 7}[s.rng.IntN(5)]
		digits[pos] = s.keypadNeighbour(g, digits[pos])
		y, _ := strconv.Atoi(string(digits[:4]))
		m, _ := strconv.Atoi(string(digits[4:6]))
		d, _ := strconv.Atoi(string(digits[6:]))
		if m == 0 && d == 0 {
			break
		}
		return "dob_keypad", date{y, max(m, 0), max(d, 0)}
	}
	return "dob_year", date{t.y + 1 - 2*s.rng.IntN(2), t.m, t.d}
}

// placeVariant writes a place of birth another way: Kab./Kota form,
// province, historic name, old spelling, or the town where the person lives.
func (s *source) placeVariant(g *generator, h *household, p *person, place string) string {
	reg := &g.ref.regencies[p.birthReg]
	for range 6 {
		switch x := s.rng.Float64(); {
		case x < 0.35:
			if s.rng.IntN(2) == 0 {
				return "KAB. " + place
			}
			return "KOTA " + place
		case x < 0.55:
			return strings.ToUpper(g.ref.provinces[reg.prov].name)
		case x < 0.70:
			if hist := g.ref.historic[place]; len(hist) > 0 {
				return hist[s.rng.IntN(len(hist))]
			}
		case x < 0.85:
			if u := strings.ToUpper(g.ref.names.oldSpelling(place)); u != place {
				return u
			}
		default:
			if home := g.ref.regencies[g.ref.districts[g.ref.villages[h.village].dist].reg].place; home != place {
				return home
			}
		}
	}
	if reg.kota {
		return "KOTA " + place
	}
	return "KAB. " + place
}

// neighbourPostcode returns the postcode of another village of the same
// regency, or "" when every village shares the code.
func (s *source) neighbourPostcode(g *generator, v int) string {
	own := g.ref.villages[v].postcode
	reg := &g.ref.regencies[g.ref.districts[g.ref.villages[v].dist].reg]
	for range 8 {
		u := reg.villLo + s.rng.IntN(reg.villHi-reg.villLo)
		if pc := g.ref.villages[u].postcode; pc != own && pc != "" {
			return pc
		}
	}
	return ""
}

var emailDomains = []string{"mail.example", "surel.example", "pos.example"}

// email builds a synthetic address on reserved .example domains.
func (s *source) email(p *person) string {
	var b strings.Builder
	for _, t := range p.name.tokens {
		for _, c := range []byte(strings.ToLower(t)) {
			if c >= 'a' && c <= 'z' {
				b.WriteByte(c)
			}
		}
		if b.Len() >= 6 {
			break
		}
		b.WriteByte('.')
	}
	local := strings.Trim(b.String(), ".")
	if s.rng.IntN(2) == 0 {
		local += strconv.Itoa(p.dob.y % 100)
	}
	return local + "@" + emailDomains[s.rng.IntN(len(emailDomains))]
}
