package matching

import (
	"strings"
)

// Record is one person as a source holds it, raw strings under the canonical
// field names of the person file (design.md, "Canonical person file"). It is
// the only input type of the package, so the registry's own types never leak
// into matching.
type Record struct {
	NIK, FullName, GivenName, FamilyName, Sex, BirthDate, BirthPlace,
	Address, Village, District, City, Province, Postcode, Phone, Email string
}

// Normalized is the comparable form of a Record. The registry stores it as
// JSON next to the raw record and compares stored values with later
// models, so its tags are snake_case, omitted when empty, and stable: new
// fields may be added, existing ones never change meaning.
type Normalized struct {
	// NIK holds the identifier digits. NIKValid says they parse as a NIK
	// (16 digits, plausible region, date and serial); otherwise the digits
	// are compared as a plain identifier.
	NIK      string `json:"nik,omitempty"`
	NIKValid bool   `json:"nik_valid,omitempty"`
	// Name is the person's name as comparable words in written order:
	// titles, degrees and the patronymic removed, spelling folded.
	Name []string `json:"name,omitempty"`
	// NameParts is "g" when only a given name was supplied and "f" when only
	// a family name was, so that a given name is not compared with a
	// family name as if they were the same part.
	NameParts string `json:"name_parts,omitempty"`
	// Father is the name after bin/binti, kept apart because it names
	// another person.
	Father []string `json:"father,omitempty"`
	// Titles are the canonical titles and degrees removed from the name.
	Titles []string `json:"titles,omitempty"`
	// BirthDate is YYYY-MM-DD (or YYYY-MM / YYYY when only part is known).
	BirthDate string `json:"birth_date,omitempty"`
	// BirthDateFromNIK marks a date taken from the NIK because none was stated.
	BirthDateFromNIK bool `json:"birth_date_from_nik,omitempty"`
	// Sex is "M" or "F".
	Sex string `json:"sex,omitempty"`
	// SexFrom is "nik" or "title" when sex was inferred rather than stated.
	SexFrom    string   `json:"sex_from,omitempty"`
	BirthPlace string   `json:"birth_place,omitempty"`
	Address    []string `json:"address,omitempty"`
	Village    string   `json:"village,omitempty"`
	District   string   `json:"district,omitempty"`
	City       string   `json:"city,omitempty"`
	Province   string   `json:"province,omitempty"`
	Postcode   string   `json:"postcode,omitempty"`
	// Phone is +62 followed by the national number.
	Phone string `json:"phone,omitempty"`
	Email string `json:"email,omitempty"`
}

// Issue is a field-level problem (impossible date, malformed NIK, phone with
// letters...). The field is ignored as evidence but the record still loads.
// Message never contains the value, so issues can be logged and returned to
// any caller without leaking personal data.
type Issue struct {
	Field   string `json:"field"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Normalize turns a raw record into its comparable form. It never fails: a
// field that cannot be used is left empty (or kept as a plain identifier for
// a malformed NIK) and reported as an Issue, so one bad field never costs the
// whole record.
func Normalize(r Record) (Normalized, []Issue) {
	var n Normalized
	var issues []Issue
	add := func(field, code, msg string) {
		issues = append(issues, Issue{Field: field, Code: code, Message: msg})
	}

	// Name: full name wins; given + family otherwise.
	raw := strings.TrimSpace(r.FullName)
	if raw == "" {
		given, family := strings.TrimSpace(r.GivenName), strings.TrimSpace(r.FamilyName)
		raw = strings.TrimSpace(given + " " + family)
		switch {
		case given != "" && family == "":
			n.NameParts = "g"
		case given == "" && family != "":
			n.NameParts = "f"
		}
	}
	var sexHint string
	if raw != "" {
		p := parseName(raw)
		switch {
		case p.placeholder:
			add("full_name", "name_placeholder", "name is a newborn placeholder (By./Bayi), not the person's own name")
		case len(p.tokens) == 0:
			add("full_name", "name_no_letters", "name has no letters")
		}
		n.Name, n.Father, n.Titles, sexHint = p.tokens, p.father, p.titles, p.sexHint
		if len(n.Name) == 0 {
			n.NameParts = ""
		}
	}

	// Birth date.
	var stated civilDate
	if s := strings.TrimSpace(r.BirthDate); s != "" {
		d, st := parseDate(s)
		switch st {
		case dateFormat:
			add("birth_date", "birth_date_format", "birth date is not in a recognised format")
		case dateImpossible:
			add("birth_date", "birth_date_impossible", "birth date is not a possible date")
		default:
			stated = d
		}
	}

	// Sex.
	if s := strings.TrimSpace(r.Sex); s != "" {
		if sx := parseSex(s); sx != "" {
			n.Sex = sx
		} else {
			add("sex", "sex_unknown", "sex is not one of M/F, L/P, male/female, laki-laki/perempuan")
		}
	}

	// NIK.
	nik := parseNIK(r.NIK)
	switch nik.status {
	case nikLetters:
		add("nik", "nik_letters", "NIK contains letters; ignored")
	case nikPlaceholder:
		add("nik", "nik_placeholder", "NIK is a known placeholder value; ignored")
	case nikShort:
		add("nik", "nik_short", "NIK has too few digits to identify anyone; ignored")
	case nikMalformed:
		add("nik", "nik_malformed", "NIK does not have the 16-digit structure; compared as a plain identifier")
		n.NIK = nik.digits
	case nikOK:
		n.NIK, n.NIKValid = nik.digits, true
		if stated.Day > 0 {
			if stated.Day != nik.day || stated.Month != nik.month || stated.Year%100 != nik.yy {
				add("nik", "nik_birth_date_mismatch", "birth date encoded in the NIK differs from the stated birth date")
			}
		}
		if n.Sex != "" && n.Sex != nik.sex {
			add("nik", "nik_sex_mismatch", "sex encoded in the NIK differs from the stated sex")
		}
		if !stated.valid() {
			stated = nik.birthDate()
			n.BirthDateFromNIK = stated.valid()
		}
		if n.Sex == "" {
			n.Sex, n.SexFrom = nik.sex, "nik"
		}
	}
	n.BirthDate = stated.String()
	if n.Sex == "" && (sexHint == "M" || sexHint == "F") {
		n.Sex, n.SexFrom = sexHint, "title"
	}

	n.BirthPlace = normalizePlace(r.BirthPlace)
	n.Address = normalizeAddress(r.Address)
	n.Village = normalizePlace(r.Village)
	n.District = normalizePlace(r.District)
	n.City = normalizePlace(r.City)
	n.Province = normalizePlace(r.Province)

	if s := strings.TrimSpace(r.Postcode); s != "" {
		if d := digitsOf(s); hasLetter(s) || len(d) < 3 || len(d) > 10 {
			add("postcode", "postcode_malformed", "postcode is not 3 to 10 digits")
		} else {
			n.Postcode = d
		}
	}
	if s := strings.TrimSpace(r.Phone); s != "" {
		ph, code := normalizePhone(s)
		switch code {
		case "":
			n.Phone = ph
		case "phone_letters":
			add("phone", code, "phone number contains letters")
		default:
			add("phone", code, "phone number has an implausible number of digits")
		}
	}
	if s := strings.TrimSpace(r.Email); s != "" {
		if e, ok := normalizeEmail(s); ok {
			n.Email = e
		} else {
			add("email", "email_malformed", "email address is malformed")
		}
	}
	return n, issues
}

// parseSex accepts the spellings of design.md plus common Indonesian ones.
func parseSex(s string) string {
	k := strings.Join(wordsOf(foldText(s)), "")
	switch k {
	case "m", "male", "l", "lakilaki", "laki", "lk", "pria", "man", "1":
		return "M"
	case "f", "female", "p", "perempuan", "pr", "wanita", "woman", "w", "2":
		return "F"
	}
	return ""
}

// adminWords are administrative-level words that sources add or omit at will
// ("Kab. Bandung", "Kota Bandung", "DKI Jakarta").
var adminWords = map[string]bool{
	"kabupaten": true, "kab": true, "kota": true, "kotamadya": true, "kec": true, "kecamatan": true,
	"kel": true, "kelurahan": true, "desa": true, "ds": true, "provinsi": true, "propinsi": true,
	"prov": true, "dki": true, "adm": true, "administrasi": true, "daerah": true, "istimewa": true,
}

func normalizePlace(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	var out []string
	for _, w := range wordsOf(foldText(s)) {
		if adminWords[w] {
			continue
		}
		out = append(out, foldSpelling(w))
	}
	return strings.Join(out, " ")
}

// addressWords expands abbreviations that clerks use inconsistently.
var addressWords = map[string]string{
	"jl": "jalan", "jln": "jalan", "gg": "gang", "kp": "kampung", "komp": "komplek", "kompleks": "komplek",
	"perum": "perumahan", "blk": "blok", "st": "street", "rd": "road", "ave": "avenue", "cres": "crescent",
	"pl": "place", "ct": "court", "hwy": "highway",
}

// addressNoise carries no identity ("No. 5" -> "5").
var addressNoise = map[string]bool{"no": true, "nomor": true, "nomer": true}

func normalizeAddress(s string) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	var out []string
	for _, w := range wordsOf(foldText(s)) {
		if addressNoise[w] {
			continue
		}
		if e, ok := addressWords[w]; ok {
			w = e
		}
		if isDigits(w) {
			w = strings.TrimLeft(w, "0")
			if w == "" {
				w = "0"
			}
		}
		out = append(out, w)
	}
	return out
}

// normalizePhone brings a number to +62<national number>. It returns an
// issue code instead when the value cannot be a phone number.
func normalizePhone(s string) (string, string) {
	if hasLetter(s) {
		return "", "phone_letters"
	}
	d := digitsOf(s)
	switch {
	case strings.HasPrefix(d, "0062"):
		d = d[4:]
	case strings.HasPrefix(d, "62") && (strings.HasPrefix(strings.TrimSpace(s), "+") || len(d) >= 11):
		d = d[2:]
	case strings.HasPrefix(d, "0"):
		d = d[1:]
	}
	if len(d) < 6 || len(d) > 13 {
		return "", "phone_length"
	}
	return "+62" + d, ""
}

func normalizeEmail(s string) (string, bool) {
	e := strings.ToLower(strings.TrimSpace(s))
	at := strings.IndexByte(e, '@')
	if at <= 0 || at != strings.LastIndexByte(e, '@') || at == len(e)-1 ||
		!strings.Contains(e[at+1:], ".") || strings.ContainsAny(e, " \t,;<>") {
		return "", false
	}
	return e, true
}
