package matching

import (
	"crypto/sha256"
	"encoding/binary"
	"hash/fnv"
	"sort"
	"strconv"
	"strings"
)

// Blocking key kinds. Each uses a different field, so that one typo does not
// lose a pair: a pair is a candidate when it shares any key.
const (
	keyID        = "id" // the NIK or other identifier digits
	keyNamePair  = "nn" // phonetic codes of the first and last name word, order-free
	keyNameYear  = "ny" // phonetic code of one name word + birth year
	keyDateArea  = "da" // full birth date + region (NIK region, else postcode, else locality)
	keyNamePlace = "nl" // phonetic code of the last name word + locality
	keyPhone     = "ph"
	keyEmail     = "em"
)

// BlockingKeys returns short ASCII keys ("kind:value"); two records sharing
// any key are a candidate pair. Deterministic, deduplicated, sorted, at most
// eight per record. The keys are built to stay selective in a national
// register: no key is a bare birth date, a bare common name or a region, and
// the commonest Indonesian name words (Muhammad, Siti, Nur, birth-order
// names...) never form a name key on their own.
func BlockingKeys(n Normalized) []string {
	keys := make([]string, 0, 8)
	if n.NIK != "" {
		keys = append(keys, keyID+":"+n.NIK)
	}
	words := keyWords(n.Name)
	year := ""
	if len(n.BirthDate) >= 4 {
		year = n.BirthDate[:4]
	}
	switch len(words) {
	case 0:
	case 1:
		if year != "" {
			keys = append(keys, keyNameYear+":"+phoneticCode(words[0])+":"+year)
		}
	default:
		// Three-character codes: two words together stay selective, and a
		// typo late in a word no longer changes the key.
		first, last := shortCode(words[0]), shortCode(words[len(words)-1])
		if first > last {
			first, last = last, first
		}
		keys = append(keys, keyNamePair+":"+first+":"+last)
		if year != "" {
			keys = append(keys, keyNameYear+":"+phoneticCode(words[0])+":"+year,
				keyNameYear+":"+phoneticCode(words[len(words)-1])+":"+year)
		}
	}
	loc := mostSpecificPlace(&n)
	locCode := ""
	if loc != "" {
		locCode = phoneticCode(strings.ReplaceAll(loc, " ", ""))
	}
	if len(n.BirthDate) == 10 {
		date := compactDate(n.BirthDate)
		switch {
		case n.NIKValid:
			keys = append(keys, keyDateArea+":"+date+":"+n.NIK[:4])
		case n.Postcode != "":
			keys = append(keys, keyDateArea+":"+date+":"+n.Postcode)
		case locCode != "":
			keys = append(keys, keyDateArea+":"+date+":"+locCode)
		}
	}
	if len(words) > 0 && locCode != "" {
		keys = append(keys, keyNamePlace+":"+phoneticCode(words[len(words)-1])+":"+locCode)
	}
	if n.Phone != "" {
		keys = append(keys, keyPhone+":"+strings.TrimPrefix(n.Phone, "+"))
	}
	if n.Email != "" {
		// The user name and the start of the domain: survives typos later
		// in the domain and a changed top-level domain.
		e := n.Email
		if at := strings.IndexByte(e, '@'); at > 0 && len(e) > at+3 {
			e = e[:at+4]
		}
		keys = append(keys, keyEmail+":"+asciiKey(e))
	}
	sort.Strings(keys)
	out := keys[:0]
	for i, k := range keys {
		if i == 0 || k != keys[i-1] {
			out = append(out, k)
		}
	}
	return out
}

// LooseKeyShare divides the registry's per-key cap for loose keys: they may
// be held by at most 1/LooseKeyShare of the records a selective key may
// (see KeyLimit).
const LooseKeyShare = 10

// KeyLimit is how many records key may be held by and still offer them as
// candidates, given limit, the cap for selective keys. A key held by more
// records is no evidence and is skipped: comparing a record with all of them
// would cost more than what they could reveal. The loose keys, a name alone
// (name pair) or one name word and a birth year, are held by many different
// people once a registry grows: at a million people a common name word and
// year holds hundreds, against a handful for a birth date and region. They
// get a tenth of the cap, so that they still join records whose other keys
// all differ in small and medium blocks, without having every record of a
// large registry compared with hundreds of namesakes (docs/benchmarks.md).
func KeyLimit(key string, limit int) int {
	return keyLimit(looseKey(key), limit)
}

func keyLimit(loose bool, limit int) int {
	if loose {
		return max(1, limit/LooseKeyShare)
	}
	return limit
}

// looseKey reports the keys KeyLimit gives a tenth of the cap.
func looseKey(key string) bool {
	return strings.HasPrefix(key, keyNamePair+":") || strings.HasPrefix(key, keyNameYear+":")
}

// Digest is a blocking key as an index holds it: the first 64 bits of the key's SHA-256, big
// endian, with the lowest replaced by whether the key is loose, so that an index holding digests
// alone still knows each key's limit (Limit). A number is a third of the size of the key's text
// in an index of millions of them and compares in one instruction. Two distinct keys share a
// digest with a chance of about n²/2⁶⁴ among n keys (below 1e-4 at a hundred million): their
// blocks then merge, which offers more candidates to be scored, never fewer. The registry's
// schema computes the same digest (blocking_key_digest), and a test holds the two together.
type Digest int64

// DigestOf returns key's digest.
func DigestOf(key string) Digest {
	sum := sha256.Sum256([]byte(key))
	d := Digest(binary.BigEndian.Uint64(sum[:8])) &^ 1
	if looseKey(key) {
		d |= 1
	}
	return d
}

// Limit is KeyLimit for the key d is the digest of.
func (d Digest) Limit(limit int) int { return keyLimit(d&1 == 1, limit) }

func mostSpecificPlace(n *Normalized) string {
	switch {
	case n.Village != "":
		return n.Village
	case n.District != "":
		return n.District
	}
	return n.City
}

// commonNameWords are too frequent in Indonesia to key a block by themselves.
var commonNameWords = map[string]bool{
	"muhammad": true, "ahmad": true, "abdul": true, "siti": true, "nur": true, "sri": true,
	"dwi": true, "tri": true, "eka": true, "putu": true, "made": true, "wayan": true, "nyoman": true,
	"ketut": true, "kadek": true, "komang": true, "gede": true, "nengah": true, "luh": true,
	"dewi": true, "agus": true, "budi": true, "putri": true, "putra": true, "nurul": true,
}

// keyWords are the name words usable in keys: no initials, no common words
// (unless nothing else is left).
func keyWords(name []string) []string {
	var out, common []string
	for _, w := range name {
		if len([]rune(w)) < 2 {
			continue
		}
		if commonNameWords[w] {
			common = append(common, w)
			continue
		}
		out = append(out, w)
	}
	if len(out) == 0 && len(common) > 1 {
		return common
	}
	return out
}

// phoneticCode is a Soundex-like code tuned for Indonesian and English
// names: the first letter is coded by its sound class too (so c/k/q, f/p/v,
// j/z/s variants share codes), vowels and h/w/y are dropped, repeats
// collapse, and the code has at most four characters. Non-Latin words get a
// short hash instead, so keys stay ASCII.
func phoneticCode(w string) string {
	if !isASCII(w) {
		return "u" + asciiKey(w)
	}
	var b [4]byte
	n := 0
	var last byte
	for i := 0; i < len(w) && n < 4; i++ {
		c := soundClass(w[i])
		if i == 0 {
			if c == 0 {
				c = 'a'
			}
			b[n] = c
			n++
			last = c
			continue
		}
		switch {
		case c == 0:
			if w[i] != 'h' && w[i] != 'w' && w[i] != 'y' {
				last = 0 // a vowel separates repeats
			}
		case c != last:
			b[n] = c
			n++
			last = c
		}
	}
	return string(b[:n])
}

func shortCode(w string) string {
	c := phoneticCode(w)
	if len(c) > 3 {
		c = c[:3]
	}
	return c
}

func soundClass(c byte) byte {
	switch c {
	case 'b', 'f', 'p', 'v':
		return '1'
	case 'c', 'g', 'j', 'k', 'q', 's', 'x', 'z':
		return '2'
	case 'd', 't':
		return '3'
	case 'l':
		return '4'
	case 'm', 'n':
		return '5'
	case 'r':
		return '6'
	case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return c
	}
	return 0
}

// asciiKey keeps ASCII strings as they are and hashes others.
func asciiKey(s string) string {
	if isASCII(s) && !strings.ContainsAny(s, " :") {
		return s
	}
	h := fnv.New64a()
	h.Write([]byte(s))
	return strconv.FormatUint(h.Sum64(), 36)
}
