package matching

import (
	"sort"
	"strings"
	"unicode"
)

// The tables below are read-only after package initialisation. They come from
// ../shared/data/indonesia/names (titles_honorifics.csv, name_variant_groups.csv,
// spelling_rules.csv), reduced to the entries a matcher can apply without
// changing who a name refers to: nicknames ("Wawan") and related-but-different
// names ("Fitri"/"Fitriani") are left to the fuzzy comparison on purpose.

// prefixTitles are honorifics and degrees written before a name. The value is
// the canonical title kept as an attribute and the sex it implies ("" if none).
var prefixTitles = map[string][2]string{
	"haji": {"haji", "M"}, "hajjah": {"hajjah", "F"}, "hajah": {"hajjah", "F"}, "hj": {"hajjah", "F"},
	"kh": {"kyai_haji", "M"}, "kyai": {"kyai", "M"}, "kiai": {"kyai", "M"}, "kiyai": {"kyai", "M"},
	"ustadz": {"ustadz", "M"}, "ustad": {"ustadz", "M"}, "ustaz": {"ustadz", "M"}, "ust": {"ustadz", "M"},
	"ustadzah": {"ustadzah", "F"}, "ustazah": {"ustadzah", "F"}, "habib": {"habib", "M"},
	"teuku": {"teuku", "M"}, "tengku": {"tengku", ""}, "teungku": {"tengku", ""}, "tgk": {"tengku", ""},
	"raden": {"raden", ""}, "rd": {"raden", ""}, "rm": {"raden_mas", "M"}, "ra": {"raden_ajeng", "F"},
	"prof": {"prof", ""}, "profesor": {"prof", ""}, "professor": {"prof", ""},
	"dr": {"dr", ""}, "doktor": {"dr", ""}, "drg": {"drg", ""}, "drh": {"drh", ""}, "ir": {"ir", ""},
	"drs": {"drs", "M"}, "dra": {"dra", "F"},
	"bpk": {"bapak", "M"}, "bapak": {"bapak", "M"}, "bp": {"bapak", "M"}, "ibu": {"ibu", "F"},
	"ny": {"nyonya", "F"}, "nyonya": {"nyonya", "F"}, "tn": {"tuan", "M"}, "tuan": {"tuan", "M"},
	"sdr": {"saudara", ""}, "sdri": {"saudari", "F"}, "saudara": {"saudara", ""}, "saudari": {"saudari", "F"},
	"datuk": {"datuk", "M"}, "dt": {"datuk", "M"}, "daeng": {"daeng", ""}, "dg": {"daeng", ""},
	"mr": {"mr", "M"}, "mrs": {"mrs", "F"}, "ms": {"ms", "F"}, "miss": {"ms", "F"},
}

// dottedPrefixTitles are single letters that are a title only when written
// with a dot and followed by a name ("H. Ahmad"); bare they are initials.
var dottedPrefixTitles = map[string][2]string{
	"h": {"haji", "M"}, "r": {"raden", ""}, "t": {"teuku", "M"},
}

// genderMarkers are Balinese name prefixes that carry sex and no identity.
var genderMarkers = map[string]string{"i": "M", "ni": "F"}

// patronymics split a name: left is the person, right is the father.
var patronymics = map[string]string{
	"bin": "M", "binti": "F", "bt": "F", "bti": "F", "binte": "F", "ibnu": "M", "ibn": "M",
}

// degreesAlways are suffix degrees unambiguous even without dots.
var degreesAlways = map[string]bool{
	"skom": true, "spd": true, "spdi": true, "ssos": true, "ssi": true, "skep": true, "sked": true,
	"skm": true, "sfarm": true, "sip": true, "sikom": true, "spsi": true, "shum": true, "amd": true,
	"amdkeb": true, "amdkep": true, "mkom": true, "mkes": true, "mpd": true, "mpdi": true, "msi": true,
	"phd": true, "mba": true, "msc": true, "spog": true, "sppd": true, "strkes": true, "strkeb": true,
	"sag": true, "sak": true, "sh": true, "mag": true,
}

// degreesDotted are suffix degrees that are also plausible name parts, so
// they are stripped only when written with dots or after a comma.
var degreesDotted = map[string]bool{
	"se": true, "st": true, "sp": true, "spt": true, "ak": true, "str": true, "lc": true, "mm": true,
	"mh": true, "mt": true, "ma": true, "spa": true, "ns": true, "apt": true,
}

// degreesBare are the ambiguous degrees so common in registers that they
// are stripped even without dots, when they trail a name of two words or more.
var degreesBare = map[string]bool{"st": true, "se": true, "mm": true, "mh": true, "mt": true}

// nameVariants maps a folded spelling or abbreviation to its canonical
// folded form (Moch./Moh./Muh./Mhd. -> muhammad, Abd. -> abdul ...).
var nameVariants = buildNameVariants()

func buildNameVariants() map[string]string {
	groups := map[string][]string{
		"muhammad": {"muhamad", "mohammad", "mohamad", "mohammed", "mohamed", "muhammat", "mochammad",
			"mochamad", "mukhammad", "muhammed", "muhamed", "moch", "moh", "muh", "mhd", "mohd", "mochd", "mouhammad"},
		"ahmad":    {"achmad", "akhmad", "ahmat", "achmat", "ahmed", "achmed"},
		"abdul":    {"abd", "abdoel"},
		"abdullah": {"abdulah"},
		"nur":      {"noor", "noer"},
		"siti":     {"sitti"},
		"yusuf":    {"yoesoef", "jusuf", "joesoef", "yusup", "yoesof"},
		"khairul":  {"chairul", "choirul", "khoirul", "khaerul"},
		"rizki":    {"rizky", "rizqi", "rizqy", "riski", "risky"},
		"rahmat":   {"rachmat"},
		"rahman":   {"rachman"},
		"husein":   {"husain", "hussein"},
		"taufik":   {"taufiq"},
		"syaiful":  {"saiful"},
		"syamsul":  {"samsul"},
		"yohanes":  {"johanes", "johannes", "yohannes"},
		"stefanus": {"stephanus"},
		"slamet":   {"selamet"},
	}
	out := make(map[string]string)
	for canon, vs := range groups {
		c := foldSpelling(canon)
		for _, v := range vs {
			out[foldSpelling(v)] = c
		}
		out[canon] = c
	}
	return out
}

// foldSpelling applies the Indonesian spelling reforms in the direction of
// the current spelling (EYD): oe->u, dj->j, tj->c, sj->sy, nj->ny, ch->kh.
// A bare j becomes y only in a token that shows an old-spelling marker,
// because in modern spelling j is a different sound (Joko is not Yoko, but
// Tjahjono is Cahyono).
func foldSpelling(t string) string {
	if !strings.ContainsAny(t, "ojc") { // every rule involves one of these
		return t
	}
	old := strings.Contains(t, "oe") || strings.Contains(t, "dj") || strings.Contains(t, "tj") ||
		strings.Contains(t, "sj") || strings.Contains(t, "nj")
	if old {
		t = strings.ReplaceAll(t, "dj", "J")
		t = strings.ReplaceAll(t, "tj", "c")
		t = strings.ReplaceAll(t, "sj", "sy")
		t = strings.ReplaceAll(t, "nj", "ny")
		t = strings.ReplaceAll(t, "oe", "u")
		t = strings.ReplaceAll(t, "j", "y")
		t = strings.ReplaceAll(t, "J", "j")
	}
	if strings.Contains(t, "ch") {
		t = strings.ReplaceAll(t, "ch", "kh")
	}
	return t
}

// canonicalToken folds one lower-case name word to its comparable form.
func canonicalToken(t string) string {
	t = foldSpelling(t)
	if c, ok := nameVariants[t]; ok {
		return c
	}
	// Arabic sun-letter assimilation: Abdurrahman, Abdussalam -> abdul+rahman.
	if len(t) > 6 && strings.HasPrefix(t, "abdu") && t[4] == t[5] && strings.IndexByte("rsnztd", t[4]) >= 0 {
		return "abdul" + t[5:]
	}
	return t
}

// parsedName is a name split into what identifies the person and what does not.
type parsedName struct {
	tokens      []string // comparable name words, in written order
	father      []string // after bin/binti
	titles      []string // canonical titles and degrees found
	sexHint     string   // sex implied by titles or markers ("" if none)
	placeholder bool     // "By. Ny. <mother>": not the person's own name
}

type rawWord struct {
	text   string // folded, without dots
	dotted bool   // written with a dot (abbreviation)
	comma  bool   // a comma follows it
}

// splitRawName breaks folded text into words, remembering dots and commas.
// A dotted chunk that spells a known title or degree ("s.kom.", "k.h.") stays
// one word; any other ("m.rizki") splits into its parts ("m", "rizki").
func splitRawName(s string) []rawWord {
	var out []rawWord
	var cur strings.Builder
	emit := func(comma bool) {
		chunk := cur.String()
		cur.Reset()
		if chunk != "" {
			out = appendChunk(out, chunk)
		}
		if comma && len(out) > 0 {
			out[len(out)-1].comma = true
		}
	}
	for _, r := range s {
		switch {
		case r == ',' || r == ';':
			emit(true)
		case r == '.':
			cur.WriteByte('.')
		case r == '\'':
		case isNameRune(r):
			cur.WriteRune(r)
		default:
			emit(false)
		}
	}
	emit(false)
	return out
}

func appendChunk(out []rawWord, chunk string) []rawWord {
	if strings.IndexByte(chunk, '.') < 0 {
		return append(out, rawWord{text: chunk})
	}
	joined := strings.ReplaceAll(chunk, ".", "")
	if joined == "" {
		return out
	}
	_, pt := prefixTitles[joined]
	if pt || degreesAlways[joined] || degreesDotted[joined] {
		return append(out, rawWord{text: joined, dotted: true})
	}
	parts := strings.Split(chunk, ".")
	for i, part := range parts {
		if part == "" {
			continue
		}
		out = append(out, rawWord{text: part, dotted: i < len(parts)-1})
	}
	return out
}

func isNameRune(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z'
	}
	return unicode.IsLetter(r)
}

// parseName normalises a person's name: titles and degrees are stripped and
// kept as attributes, bin/binti splits off the father's name, old spelling
// and abbreviation groups are folded.
func parseName(raw string) parsedName {
	var p parsedName
	words := splitRawName(foldText(raw))
	// A dotted run of initials like "s.h." arrives as "sh" with dotted=true;
	// a dotted single letter followed by a name is an initial ("m. rizki").
	// Leading titles.
	for len(words) > 1 {
		w := words[0]
		if t, ok := prefixTitles[w.text]; ok {
			p.titles = append(p.titles, t[0])
			p.hint(t[1])
			words = words[1:]
			continue
		}
		if t, ok := dottedPrefixTitles[w.text]; ok && w.dotted {
			p.titles = append(p.titles, t[0])
			p.hint(t[1])
			words = words[1:]
			continue
		}
		if sx, ok := genderMarkers[w.text]; ok && len(words) > 1 {
			p.hint(sx)
			words = words[1:]
			continue
		}
		if (w.text == "by" || w.text == "bayi") && len(words) > 1 {
			p.placeholder = true
			p.titles = append(p.titles, titleNewborn)
			words = words[1:]
			continue
		}
		break
	}
	if p.placeholder {
		return p
	}
	// Trailing degrees: everything after the first comma if it all looks like
	// degrees, else trailing degree words.
	for len(words) > 1 {
		last := words[len(words)-1]
		prevComma := words[len(words)-2].comma
		bare := degreesBare[last.text] && len(words) > 2
		if degreesAlways[last.text] || (degreesDotted[last.text] && (last.dotted || prevComma || bare)) {
			p.titles = append(p.titles, last.text)
			words = words[:len(words)-1]
			continue
		}
		break
	}
	// Patronymic split (never on the first word: "Bin" alone is a name).
	for i := 1; i < len(words)-1; i++ {
		w := words[i]
		sx, ok := patronymics[w.text]
		if !ok && w.text == "b" && w.dotted {
			sx, ok = "M", true
		}
		if ok {
			p.hint(sx)
			for _, f := range words[i+1:] {
				p.father = append(p.father, canonicalToken(f.text))
			}
			words = words[:i]
			break
		}
	}
	for i, w := range words {
		// Batak clan marker "br."/"boru": drop the marker, keep the marga.
		if i > 0 && i < len(words)-1 && (w.text == "boru" || w.text == "beru" || (w.text == "br" && w.dotted)) {
			p.hint("F")
			continue
		}
		p.tokens = append(p.tokens, canonicalToken(w.text))
	}
	// "abdul rahman" and "abdurrahman" are one name written two ways.
	for i := 0; i+1 < len(p.tokens); i++ {
		if p.tokens[i] == "abdul" && len(p.tokens[i+1]) > 1 {
			p.tokens[i] = "abdul" + p.tokens[i+1]
			p.tokens = append(p.tokens[:i+1], p.tokens[i+2:]...)
		}
	}
	sort.Strings(p.titles)
	return p
}

func (p *parsedName) hint(sex string) {
	if sex == "" || p.sexHint == "X" {
		return
	}
	if p.sexHint != "" && p.sexHint != sex {
		p.sexHint = "X" // contradictory markers: no hint
		return
	}
	p.sexHint = sex
}
