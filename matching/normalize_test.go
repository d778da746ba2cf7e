package matching

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode"
)

func TestParseName(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw    string
		tokens []string
		father []string
		titles []string
		sex    string
	}{
		{"Budi Santoso", []string{"budi", "santoso"}, nil, nil, ""},
		{"H. Ahmad Dahlan, S.H., M.M.", []string{"ahmad", "dahlan"}, nil, []string{"haji", "mm", "sh"}, "M"},
		{"Hj. Siti Aminah", []string{"siti", "aminah"}, nil, []string{"hajjah"}, "F"},
		{"Dr. Ir. Soekarno", []string{"sukarno"}, nil, []string{"dr", "ir"}, ""},
		{"Moch. Rizky", []string{"muhammad", "rizki"}, nil, nil, ""},
		{"Mochammad Rizki", []string{"muhammad", "rizki"}, nil, nil, ""},
		{"M. Rizki", []string{"m", "rizki"}, nil, nil, ""},
		{"Tjahjono Djojohadikusumo", []string{"cahyono", "joyohadikusumo"}, nil, nil, ""},
		{"Sjarif Njoman Chairul", []string{"syarif", "nyoman", "khairul"}, nil, nil, ""},
		{"Ahmad bin Yusuf", []string{"ahmad"}, []string{"yusuf"}, nil, "M"},
		{"Aisyah binti Abdullah", []string{"aisyah"}, []string{"abdullah"}, nil, "F"},
		{"Ni Made Ayu", []string{"made", "ayu"}, nil, nil, "F"},
		{"Rina br. Sitorus", []string{"rina", "sitorus"}, nil, nil, "F"},
		{"Abd. Rahman", []string{"abdulrahman"}, nil, nil, ""},
		{"Abdurrahman Wahid", []string{"abdulrahman", "wahid"}, nil, nil, ""},
		{"Ma'ruf Amin", []string{"maruf", "amin"}, nil, nil, ""},
		{"ŚITI  NURHALIZA", []string{"siti", "nurhaliza"}, nil, nil, ""},
		{"Andi Mallarangeng", []string{"andi", "mallarangeng"}, nil, nil, ""},
		{"Budi Santoso ST", []string{"budi", "santoso"}, nil, []string{"st"}, ""},
		{"Bin", []string{"bin"}, nil, nil, ""},
	}
	for _, tt := range tests {
		p := parseName(tt.raw)
		if !reflect.DeepEqual(p.tokens, tt.tokens) || !reflect.DeepEqual(p.father, tt.father) ||
			!reflect.DeepEqual(p.titles, tt.titles) || p.sexHint != tt.sex {
			t.Errorf("parseName(%q) = tokens %q father %q titles %q sex %q; want %q %q %q %q",
				tt.raw, p.tokens, p.father, p.titles, p.sexHint, tt.tokens, tt.father, tt.titles, tt.sex)
		}
	}
	if p := parseName("By. Ny. Siti"); !p.placeholder || len(p.tokens) != 0 {
		t.Errorf("By. Ny. Siti: placeholder %v tokens %q; want a placeholder with no name", p.placeholder, p.tokens)
	}
}

func TestParseDate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want string
		st   int
	}{
		{"1985-08-17", "1985-08-17", dateOK},
		{"19850817", "1985-08-17", dateOK},
		{"17-08-1985", "1985-08-17", dateOK},
		{"17/08/1985", "1985-08-17", dateOK},
		{"7/8/1985", "1985-08-07", dateOK},
		{"1985-08-17T00:00:00", "1985-08-17", dateOK},
		{"1985", "1985", dateOK},
		{"1985-08", "1985-08", dateOK},
		{"1985-02-30", "", dateImpossible},
		{"19556113", "", dateImpossible},
		{"2000-02-29", "2000-02-29", dateOK},
		{"1900-02-29", "", dateImpossible},
		{"08/17/85", "", dateFormat},
		{"seventeen", "", dateFormat},
		{"1700-01-01", "", dateImpossible},
	}
	for _, tt := range tests {
		d, st := parseDate(tt.in)
		if d.String() != tt.want || st != tt.st {
			t.Errorf("parseDate(%q) = %q, %d; want %q, %d", tt.in, d.String(), st, tt.want, tt.st)
		}
	}
	for _, d := range []string{"1980-07-01", "1980-12-31", "1980-01-01", "1980-03-15"} {
		if !isPlaceholderDate(parseISODate(d)) {
			t.Errorf("%s should be a placeholder date", d)
		}
	}
	if isPlaceholderDate(parseISODate("1980-03-14")) {
		t.Errorf("1980-03-14 is not a placeholder date")
	}
}

func TestParseNIK(t *testing.T) {
	t.Parallel()
	p := parseNIK("3602041211870001")
	if p.status != nikOK || p.day != 12 || p.month != 11 || p.yy != 87 || p.sex != "M" || p.serialNum != 1 {
		t.Fatalf("example NIK from indonesia.md parsed as %+v", p)
	}
	if p := parseNIK("'3602 0452 1187 0001"); p.status != nikOK || p.sex != "F" || p.day != 12 {
		t.Errorf("woman's NIK (+40) with apostrophe and spaces parsed as %+v", p)
	}
	for in, want := range map[string]int{
		"":                 nikEmpty,
		"3.27305E+15":      nikLetters,
		"0000000000000000": nikPlaceholder,
		"1234567890123456": nikPlaceholder,
		"12345":            nikShort,
		"1804974":          nikMalformed, // a plain identifier
		"9902041211870001": nikMalformed, // no province 99
		"3602041213870001": nikMalformed, // month 13
		"3602041211870000": nikMalformed, // serial 0000
	} {
		if got := parseNIK(in).status; got != want {
			t.Errorf("parseNIK(%q) status %d, want %d", in, got, want)
		}
	}
}

func TestNormalizePhoneEmailSex(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"0812-3456-7890":    "+6281234567890",
		"+62 812 3456 7890": "+6281234567890",
		"6281234567890":     "+6281234567890",
		"0062 812 3456789":  "+628123456789",
		"(021) 555 1234":    "+62215551234",
		"07 81212208":       "+62781212208",
	} {
		if got, code := normalizePhone(in); got != want || code != "" {
			t.Errorf("normalizePhone(%q) = %q, %q; want %q", in, got, code, want)
		}
	}
	if _, code := normalizePhone("0812-CALL-ME"); code != "phone_letters" {
		t.Errorf("phone with letters: code %q", code)
	}
	if _, code := normalizePhone("123"); code != "phone_length" {
		t.Errorf("short phone: code %q", code)
	}
	for in, want := range map[string]string{"M": "M", "l": "M", "Laki-Laki": "M", "male": "M",
		"F": "F", "P": "F", "PEREMPUAN": "F", "female": "F", "x": ""} {
		if got := parseSex(in); got != want {
			t.Errorf("parseSex(%q) = %q, want %q", in, got, want)
		}
	}
	if e, ok := normalizeEmail(" Budi.S@Example.CO.ID "); !ok || e != "budi.s@example.co.id" {
		t.Errorf("email: %q %v", e, ok)
	}
	if _, ok := normalizeEmail("budi@"); ok {
		t.Errorf("malformed email accepted")
	}
}

func TestNormalizeRecord(t *testing.T) {
	t.Parallel()
	n, issues := Normalize(Record{
		NIK:       "3602045211870002", // woman, born 12-11-87
		FullName:  "Hj. Siti Aminah, S.Pd.",
		BirthDate: "12-11-1987",
		Sex:       "L", // contradicts NIK and title
		Phone:     "0812 3456 7890",
		City:      "Kab. Serang",
		Address:   "Jl. Merdeka No. 5 RT 003/RW 002",
	})
	if !n.NIKValid || n.BirthDate != "1987-11-12" || n.Sex != "M" || n.City != "serang" ||
		n.Phone != "+6281234567890" || !reflect.DeepEqual(n.Name, []string{"siti", "aminah"}) {
		t.Errorf("normalized: %+v", n)
	}
	if want := []string{"jalan", "merdeka", "5", "rt", "3", "rw", "2"}; !reflect.DeepEqual(n.Address, want) {
		t.Errorf("address %q, want %q", n.Address, want)
	}
	if len(issues) != 1 || issues[0].Code != "nik_sex_mismatch" {
		t.Errorf("issues %+v, want one nik_sex_mismatch", issues)
	}

	// Date and sex come from the NIK when the record lacks them.
	n, _ = Normalize(Record{NIK: "3602045211870002", FullName: "Siti"})
	if n.BirthDate != "1987-11-12" || !n.BirthDateFromNIK || n.Sex != "F" || n.SexFrom != "nik" {
		t.Errorf("NIK-derived fields: %+v", n)
	}

	// Field-level problems keep the record and never echo the value.
	secret := "31-02-1999"
	n, issues = Normalize(Record{FullName: "Budi", BirthDate: secret, Phone: "0812abc", Email: "x@", Sex: "?", NIK: "12-34"})
	if n.BirthDate != "" || n.Phone != "" || n.Email != "" || len(n.Name) != 1 {
		t.Errorf("bad fields not dropped: %+v", n)
	}
	codes := map[string]bool{}
	for _, is := range issues {
		codes[is.Code] = true
		if strings.Contains(is.Message, secret) || strings.Contains(is.Message, "0812") {
			t.Errorf("issue message leaks the value: %q", is.Message)
		}
	}
	for _, c := range []string{"birth_date_impossible", "phone_letters", "email_malformed", "sex_unknown", "nik_short"} {
		if !codes[c] {
			t.Errorf("missing issue %s in %+v", c, issues)
		}
	}

	// A malformed NIK is kept as a plain identifier.
	n, issues = Normalize(Record{NIK: "1804974"})
	if n.NIK != "1804974" || n.NIKValid || len(issues) != 1 || issues[0].Code != "nik_malformed" {
		t.Errorf("plain identifier: %+v %+v", n, issues)
	}
}

func TestNormalizedJSONIsCompact(t *testing.T) {
	t.Parallel()
	n, _ := Normalize(Record{FullName: "Budi"})
	b, err := json.Marshal(n)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"name":["budi"]}` {
		t.Errorf("json = %s", b)
	}
}

func TestBlockingKeys(t *testing.T) {
	t.Parallel()
	a, _ := Normalize(Record{NIK: "3602041211870001", FullName: "Moch. Rizki Pratama", BirthDate: "1987-11-12",
		Phone: "081234567890", Email: "rizki@example.com", Village: "Sukamaju"})
	b, _ := Normalize(Record{FullName: "Pratama Muhammad Riski", BirthDate: "12/11/1987"})
	ka, kb := BlockingKeys(a), BlockingKeys(b)
	if len(ka) > 8 {
		t.Errorf("too many keys: %q", ka)
	}
	if !sortedUnique(ka) || !sortedUnique(kb) {
		t.Errorf("keys not sorted and unique: %q %q", ka, kb)
	}
	shared := false
	for _, x := range ka {
		for _, y := range kb {
			shared = shared || x == y
		}
		for _, r := range x {
			if r > 127 {
				t.Errorf("non-ASCII key %q", x)
			}
		}
	}
	if !shared {
		t.Errorf("reordered, respelled name with the same date shares no key: %q %q", ka, kb)
	}
	// Common words alone never make a name key.
	c, _ := Normalize(Record{FullName: "Muhammad", BirthDate: "1990-07-01"})
	for _, k := range BlockingKeys(c) {
		if strings.HasPrefix(k, keyNameYear+":") || strings.HasPrefix(k, keyNamePair+":") {
			t.Errorf("common name word used as a key: %q", k)
		}
	}
	u, _ := Normalize(Record{FullName: "Алексей Иванов", BirthDate: "1990-07-02"})
	for _, k := range BlockingKeys(u) {
		if !isASCII(k) {
			t.Errorf("non-ASCII key %q", k)
		}
	}
}

func TestKeyLimit(t *testing.T) {
	t.Parallel()
	n, _ := Normalize(Record{NIK: "3602041211870001", FullName: "Rizki Pratama", BirthDate: "1987-11-12",
		Phone: "081234567890", Email: "rizki@example.com", Village: "Sukamaju"})
	loose := 0
	for _, k := range BlockingKeys(n) {
		want := 1000
		if strings.HasPrefix(k, keyNameYear+":") || strings.HasPrefix(k, keyNamePair+":") {
			want = 1000 / LooseKeyShare
			loose++
		}
		if got := KeyLimit(k, 1000); got != want {
			t.Errorf("KeyLimit(%q, 1000) = %d, want %d", k, got, want)
		}
		if got := KeyLimit(k, 1); got != 1 {
			t.Errorf("KeyLimit(%q, 1) = %d, want 1: every key stays usable by one record", k, got)
		}
		if got := DigestOf(k).Limit(1000); got != want {
			t.Errorf("DigestOf(%q).Limit(1000) = %d, want %d: the digest lost the key's looseness", k, got, want)
		}
	}
	if loose != 3 {
		t.Errorf("%d loose keys, want the name pair and two name-year keys", loose)
	}
}

// TestDigestOf pins the digest to its definition, computed apart (printf KEY | sha256sum: the
// first sixteen hex digits as a signed 64-bit number, the lowest bit whether the key is loose):
// indexes hold digests, so a change of the function would strand every key written before it.
func TestDigestOf(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		key  string
		want Digest
	}{
		{"nn:112:121", 923115825573614291},        // sha256 0ccf90f3d5db52d3…, loose
		{"da:19250101:1107", 7146520190318235622}, // sha256 632d8a3fcc134fe6…, not loose
	} {
		if got := DigestOf(tt.key); got != tt.want {
			t.Errorf("DigestOf(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}

func sortedUnique(ks []string) bool {
	for i := 1; i < len(ks); i++ {
		if ks[i-1] >= ks[i] {
			return false
		}
	}
	return true
}

func TestPhoneticCode(t *testing.T) {
	t.Parallel()
	same := [][2]string{{"fitri", "pitri"}, {"zainal", "jaenal"}, {"syamsul", "samsul"}, {"rizki", "riski"},
		{"hasan", "hassan"}, {"cahyono", "kahyono"}}
	for _, p := range same {
		if phoneticCode(p[0]) != phoneticCode(p[1]) {
			t.Errorf("phoneticCode(%q)=%q != phoneticCode(%q)=%q", p[0], phoneticCode(p[0]), p[1], phoneticCode(p[1]))
		}
	}
}

// wordsOfByRune is wordsOf as it was first written, one rune at a time into a builder: the
// reference the substring version must agree with.
func wordsOfByRune(s string) []string {
	var out []string
	start := -1
	var cur strings.Builder
	flush := func() {
		if start >= 0 {
			out = append(out, cur.String())
			cur.Reset()
			start = -1
		}
	}
	for i, r := range s {
		switch {
		case r == '\'':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if start < 0 {
				start = i
			}
			cur.WriteRune(r)
		default:
			flush()
		}
	}
	flush()
	return out
}

var wordsOfCases = []string{
	"", " ", "'", "''", "siti", "Ma'ruf Amin", "'ab", "ab'", "a'b'c d", "x ' y", "o'", "' o",
	"jl. merdeka no.5 rt 003/rw 004", "śiti  nurhaliza", "ｓｉｔｉ", "a\xffb", "\xff", "ab\u00a0cd", "dki jakarta-1",
	"l’oréal", "d'\xe2\x80\x99souza", "123abc", "ö'ö",
}

func TestWordsOfIsByRune(t *testing.T) {
	for _, s := range wordsOfCases {
		if got, want := wordsOf(s), wordsOfByRune(s); !slices.Equal(got, want) {
			t.Errorf("wordsOf(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzWordsOf(f *testing.F) {
	for _, s := range wordsOfCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wordsOf(s), wordsOfByRune(s); !slices.Equal(got, want) {
			t.Errorf("wordsOf(%q) = %q, want %q", s, got, want)
		}
	})
}
