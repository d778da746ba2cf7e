package synth

import (
	"errors"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// style is a regional naming style (docs/indonesia.md §2.2, §6.1).
type style uint8

const (
	styleJavanese style = iota
	styleSundanese
	styleMalay // Malay, Minang, Betawi, Banjar, Sasak: Arabic-heavy
	styleAcehnese
	styleBatak
	styleBugis
	styleBalinese
	styleChinese // Chinese-Indonesian
	styleEastern // Minahasa, Ambon, Flores/Timor: baptismal name + fam
	stylePapuan
	numStyles
)

var styleNames = [numStyles]string{"javanese", "sundanese", "malay", "acehnese", "batak", "bugis", "balinese", "chinese", "eastern", "papuan"}

// styleMuslim is the share of Muslims among people of a style (assumption).
var styleMuslim = [numStyles]float64{0.95, 0.98, 0.97, 0.995, 0.35, 0.97, 0.01, 0.05, 0.08, 0.10}

func (s style) String() string { return styleNames[s] }

// wtok is a weighted token.
type wtok struct {
	s string
	w float64
}

// pool draws tokens in proportion to their weights.
type pool struct {
	items []string
	cum   []float64
}

func newPool(list []wtok) pool {
	p := pool{items: make([]string, 0, len(list)), cum: make([]float64, 0, len(list))}
	sum := 0.0
	for _, t := range list {
		if t.w <= 0 {
			continue
		}
		sum += t.w
		p.items = append(p.items, t.s)
		p.cum = append(p.cum, sum)
	}
	return p
}

func (p *pool) pick(r *rand.Rand) string {
	x := r.Float64() * p.cum[len(p.cum)-1]
	i := sort.SearchFloat64s(p.cum, x)
	if i < len(p.items) && p.cum[i] == x {
		i++
	}
	return p.items[min(i, len(p.items)-1)]
}

func pick(r *rand.Rand, list []string) string { return list[r.IntN(len(list))] }

type clanKind uint8

const (
	clanBatak clanKind = iota
	clanEastern
	clanPapuan
)

type clanName struct {
	name      string
	kind      clanKind
	provinces []string // where the name concentrates; empty = anywhere
}

// spellPos restricts where in a token an informal alternation applies.
type spellPos uint8

const (
	posAny spellPos = iota
	posFinal
	posMedial
	posInitial
)

type spellRule struct {
	a, b string
	pos  spellPos
}

// nameTables holds the name material of a Reference.
type nameTables struct {
	given    [2]pool     // general given names by sex (0 male, 1 female)
	second   [2][]string // second given names from the reference files (may be empty)
	clans    []clanName
	hokkien  []string
	adapted  []string
	degrees  []string
	nick     map[string][]string
	abbrev   map[string][]string
	variants map[string][]string
	unisex   map[string]bool // lower case
	spelling [][2]string     // old → new
	informal []spellRule

	balOrder   [4][2][]string
	balMarkers [2]string
	balCastes  [2][][]string

	// Derived by finish.
	batak      []string
	papuan     []string
	easternAll []string
	eastern    map[string][]string // province code → fam names
	toOld      []rewrite           // new → old spelling, longest pattern first
	toNew      []rewrite           // old → new spelling
}

type rewrite struct{ from, to string }

func (n *nameTables) finish() error {
	n.batak, n.papuan, n.easternAll = nil, nil, nil
	n.eastern = map[string][]string{}
	for _, c := range n.clans {
		switch c.kind {
		case clanBatak:
			n.batak = append(n.batak, c.name)
		case clanPapuan:
			n.papuan = append(n.papuan, c.name)
		default:
			n.easternAll = append(n.easternAll, c.name)
			for _, p := range c.provinces {
				n.eastern[p] = append(n.eastern[p], c.name)
			}
		}
	}
	if len(n.batak) == 0 || len(n.papuan) == 0 || len(n.easternAll) == 0 {
		return errors.New("clan names need Batak, Papuan and eastern entries")
	}
	if len(n.hokkien) == 0 || len(n.adapted) == 0 || len(n.degrees) == 0 {
		return errors.New("Chinese surnames and degrees must not be empty")
	}
	if len(n.given[0].items) == 0 || len(n.given[1].items) == 0 {
		return errors.New("given-name pools must not be empty")
	}
	n.toOld, n.toNew = nil, nil
	for _, r := range n.spelling {
		n.toOld = append(n.toOld, rewrite{r[1], r[0]})
		n.toNew = append(n.toNew, rewrite{r[0], r[1]})
	}
	byLen := func(list []rewrite) {
		sort.SliceStable(list, func(i, j int) bool { return len(list[i].from) > len(list[j].from) })
	}
	byLen(n.toOld)
	byLen(n.toNew)
	return nil
}

// personName is a legal name: tokens in order, with the position of the
// inherited family name (marga, fam, surname) or -1.
type personName struct {
	tokens []string
	family int
}

func (n personName) String() string { return strings.Join(n.tokens, " ") }

// given returns the tokens other than the family name.
func (n personName) given() string {
	if n.family < 0 {
		return n.String()
	}
	var b strings.Builder
	for i, t := range n.tokens {
		if i == n.family {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	return b.String()
}

func (n personName) familyName() string {
	if n.family < 0 || n.family >= len(n.tokens) {
		return ""
	}
	return n.tokens[n.family]
}

// rewriteToken applies spelling rewrites left to right, longest pattern
// first, without re-applying to its own output. Case of the first letter is
// kept (Cahyono → Tjahjono).
func rewriteToken(tok string, rules []rewrite, guard func(string) bool) string {
	low := strings.ToLower(tok)
	var b strings.Builder
	changed := false
	for i := 0; i < len(low); {
		matched := false
		for _, r := range rules {
			if r.from == "" || !strings.HasPrefix(low[i:], r.from) {
				continue
			}
			if guard != nil && !guard(r.from) {
				continue
			}
			b.WriteString(r.to)
			i += len(r.from)
			matched, changed = true, true
			break
		}
		if !matched {
			b.WriteByte(low[i])
			i++
		}
	}
	if !changed {
		return tok
	}
	return matchCase(tok, b.String())
}

// oldSpelling writes a modern token in pre-1972 spelling (Yusuf → Joesoef).
func (n *nameTables) oldSpelling(tok string) string { return rewriteToken(tok, n.toOld, nil) }

// newSpelling modernises an old-spelling token. "j → y" is applied only to
// tokens that show another old-spelling mark, since modern names use j too.
func (n *nameTables) newSpelling(tok string) string {
	low := strings.ToLower(tok)
	old := false
	for _, r := range n.toNew {
		if len(r.from) > 1 && strings.Contains(low, r.from) {
			old = true
			break
		}
	}
	return rewriteToken(tok, n.toNew, func(from string) bool { return old || len(from) > 1 })
}

// matchCase gives s the case pattern of model: all caps, or capitalised.
func matchCase(model, s string) string {
	if model == "" || s == "" {
		return s
	}
	if strings.ToUpper(model) == model && len(model) > 1 {
		return strings.ToUpper(s)
	}
	r, _ := utf8.DecodeRuneInString(model)
	if unicode.IsUpper(r) {
		return titleCase(s)
	}
	return s
}

// titleCase capitalises the first letter of every space- or hyphen-separated
// part and lower-cases the rest.
func titleCase(s string) string {
	b := []byte(strings.ToLower(s))
	up := true
	for i, c := range b {
		if up && c >= 'a' && c <= 'z' {
			b[i] = c - 'a' + 'A'
		}
		up = c == ' ' || c == '-' || c == '\''
	}
	return string(b)
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// callName makes a call-name by reduplicating the last syllable, the usual
// Indonesian pattern (Kurniawan → Wawan, Rahmat → Mamat). It returns "" for
// one-syllable tokens.
func callName(tok string) string {
	low := strings.ToLower(tok)
	groups := 0
	for i := 0; i < len(low); i++ {
		if isVowel(low[i]) && (i == 0 || !isVowel(low[i-1])) {
			groups++
		}
		if low[i] > 127 {
			return ""
		}
	}
	if groups < 2 {
		return ""
	}
	// Start of the last syllable: the consonant before the last vowel group.
	v := len(low) - 1
	for v >= 0 && !isVowel(low[v]) {
		v--
	}
	for v > 0 && isVowel(low[v-1]) {
		v--
	}
	start := v
	if start > 0 {
		start--
	}
	syl := low[start:]
	open := low[start : v+1] // consonant + first vowel
	for open != "" && !isVowel(open[len(open)-1]) {
		open = open[:len(open)-1]
	}
	nick := titleCase(open + syl)
	if strings.EqualFold(nick, tok) {
		return ""
	}
	return nick
}

// nicknameFor returns the call-names a token can take.
func (n *nameTables) nicknameFor(tok string) []string {
	if list := n.nick[tok]; len(list) > 0 {
		return list
	}
	if c := callName(tok); c != "" {
		return []string{c}
	}
	return nil
}

// variantsFor lists spelling variants of a token: the variant table, the
// other spelling era, informal alternations, and consonant doubling.
func (n *nameTables) variantsFor(tok string) []string {
	out := append([]string(nil), n.variants[tok]...)
	add := func(s string) {
		if s != "" && s != tok && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	add(n.newSpelling(tok))
	add(n.oldSpelling(tok))
	low := strings.ToLower(tok)
	for _, r := range n.informal {
		for _, pair := range [2][2]string{{r.a, r.b}, {r.b, r.a}} {
			if s, ok := replaceAt(low, pair[0], pair[1], r.pos); ok {
				add(matchCase(tok, s))
			}
		}
	}
	// Doubling or undoubling a medial consonant (Hasan/Hassan, Deddy/Dedi).
	for i := 1; i+1 < len(low); i++ {
		c := low[i]
		if isVowel(c) || c < 'a' || c > 'z' {
			continue
		}
		if low[i+1] == c {
			add(matchCase(tok, low[:i]+low[i+1:]))
			break
		}
		if isVowel(low[i-1]) && isVowel(low[i+1]) {
			add(matchCase(tok, low[:i+1]+low[i:]))
			break
		}
	}
	return out
}

// replaceAt replaces the first occurrence of a by b that sits where pos
// allows.
func replaceAt(s, a, b string, pos spellPos) (string, bool) {
	if a == "" {
		return "", false
	}
	switch pos {
	case posFinal:
		if strings.HasSuffix(s, a) {
			return s[:len(s)-len(a)] + b, true
		}
		return "", false
	case posInitial:
		if strings.HasPrefix(s, a) {
			return b + s[len(a):], true
		}
		return "", false
	}
	from := 0
	for {
		i := strings.Index(s[from:], a)
		if i < 0 {
			return "", false
		}
		i += from
		if pos == posMedial && (i == 0 || i+len(a) == len(s)) {
			from = i + 1
			continue
		}
		return s[:i] + b + s[i+len(a):], true
	}
}

// isUnisex reports whether a first name is used by both sexes (Ade, Dian,
// Eka, Nur, Tri), which raises the chance of a wrong sex in a record.
func (n *nameTables) isUnisex(tok string) bool { return n.unisex[strings.ToLower(tok)] }
