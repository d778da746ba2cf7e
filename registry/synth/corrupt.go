package synth

import (
	"math"
	"slices"
	"strings"
)

// corruptName applies the name knobs in order: nickname, spelling variant,
// abbreviation, token drop/reorder, title, typo, OCR.
func (s *source) corruptName(g *generator, h *household, p *person, r *rec) {
	names := &g.ref.names
	logName := func(kind string, before *recName) {
		r.errs = append(r.errs, errRow{"full_name", kind, s.fmtName(before), s.fmtName(&r.name)})
	}
	if s.rate[kNameNickname] > 0 {
		cands := s.nickCandidates(names, &r.name)
		if s.draw(kNameNickname, len(cands) > 0) {
			before := r.name.clone()
			// The call-name usually comes from the first name.
			i := cands[0]
			if s.rng.IntN(10) < 3 {
				i = cands[s.rng.IntN(len(cands))]
			}
			list := names.nicknameFor(r.name.tokens[i])
			nick := list[s.rng.IntN(len(list))]
			if s.rng.IntN(2) == 0 {
				// The call-name alone, keeping an inherited family name.
				r.name.tokens = []string{nick}
				if r.name.family != "" {
					r.name.tokens = append(r.name.tokens, r.name.family)
				}
			} else {
				r.name.tokens[i] = nick
			}
			logName("name_nickname", &before)
		}
	}
	if s.draw(kNameVariant, true) {
		before := r.name.clone()
		if s.variant(names, &r.name) {
			logName("name_variant", &before)
		} else {
			s.undo(kNameVariant)
		}
	}
	if s.draw(kNameAbbrev, s.canAbbreviate(names, &r.name)) {
		before := r.name.clone()
		s.abbreviate(names, &r.name)
		logName("name_abbrev", &before)
	}
	if s.draw(kNameToken, len(r.name.tokens) >= 2) {
		before := r.name.clone()
		kind := s.dropOrReorder(&r.name)
		logName(kind, &before)
	}
	// A KTP (and so a title on it) comes with adulthood.
	if s.draw(kNameTitle, s.code != SourceDukcapil || p.adult()) {
		before := r.name.clone()
		pre, suf, husband := s.hab.titlePool(s, p, h)
		kind := "name_title"
		if husband {
			// Health registers write a wife as "Ny. <husband's name>".
			r.name.tokens = append([]string(nil), h.members[0].name.tokens...)
			r.name.family = h.members[0].name.familyName()
			kind = "name_husband"
		}
		if pre != "" && !slices.Contains(r.name.prefix, pre) {
			r.name.prefix = append([]string{pre}, r.name.prefix...)
		}
		if suf != "" && !slices.Contains(r.name.suffix, suf) {
			r.name.suffix = append(r.name.suffix, suf)
		}
		if s.fmtName(&before) == s.fmtName(&r.name) {
			s.undo(kNameTitle)
		} else {
			logName(kind, &before)
		}
	}
	if s.draw(kNameTypo, true) {
		before := r.name.clone()
		if s.typo(g, &r.name) {
			logName("name_typo", &before)
		} else {
			s.undo(kNameTypo)
		}
	}
	if s.draw(kNameOCR, true) {
		before := r.name.clone()
		if s.ocr(g, &r.name) {
			logName("name_ocr", &before)
		} else {
			s.undo(kNameOCR)
		}
	}
}

// nickCandidates lists the tokens that have a call-name, skipping the family
// name and tokens that are markers or prefixes.
func (s *source) nickCandidates(n *nameTables, name *recName) []int {
	var out []int
	for i, t := range name.tokens {
		if t == name.family || len(t) < 3 || strings.HasSuffix(t, ".") {
			continue
		}
		if len(n.nicknameFor(t)) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// variant swaps one token for a spelling variant (era or informal).
func (s *source) variant(n *nameTables, name *recName) bool {
	k := len(name.tokens)
	start := s.rng.IntN(k)
	for j := range k {
		i := (start + j) % k
		if name.tokens[i] == name.family && s.rng.IntN(2) == 0 {
			continue
		}
		if v := n.variantsFor(name.tokens[i]); len(v) > 0 {
			name.tokens[i] = v[s.rng.IntN(len(v))]
			return true
		}
	}
	return false
}

func (s *source) canAbbreviate(n *nameTables, name *recName) bool {
	if len(name.tokens) >= 2 {
		return true
	}
	return len(name.tokens) == 1 && len(n.abbrev[name.tokens[0]]) > 0
}

// abbreviate writes a token as its customary abbreviation (Moch., Abd.,
// St.) or, failing that, a given name as an initial.
func (s *source) abbreviate(n *nameTables, name *recName) {
	for i, t := range name.tokens {
		if list := n.abbrev[t]; len(list) > 0 {
			name.tokens[i] = list[s.rng.IntN(len(list))]
			return
		}
	}
	// An initial for a token that is neither the last nor the family name.
	var cands []int
	for i, t := range name.tokens[:len(name.tokens)-1] {
		if t != name.family && len(t) > 1 && !strings.HasSuffix(t, ".") {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		cands = append(cands, 0)
	}
	i := cands[s.rng.IntN(len(cands))]
	name.tokens[i] = strings.ToUpper(name.tokens[i][:1]) + "."
}

// dropOrReorder drops a token (three-word names recorded with two) or
// swaps two.
func (s *source) dropOrReorder(name *recName) string {
	t := name.tokens
	if len(t) >= 3 && s.rng.IntN(2) == 0 || len(t) == 2 && s.rng.IntN(5) < 2 {
		i := 1 + s.rng.IntN(len(t)-1)
		name.tokens = append(append([]string(nil), t[:i]...), t[i+1:]...)
		return "name_token_drop"
	}
	if s.rng.IntN(2) == 0 {
		// The last word first, as forms with "surname, given" produce.
		name.tokens = append([]string{t[len(t)-1]}, t[:len(t)-1]...)
	} else {
		i := s.rng.IntN(len(t) - 1)
		t[i], t[i+1] = t[i+1], t[i]
	}
	return "name_token_reorder"
}

// typo applies one Febrl-style edit at a position drawn around the middle of
// a token, because first letters are rarely wrong.
func (s *source) typo(g *generator, name *recName) bool {
	var cands []int
	for i, t := range name.tokens {
		if len(t) >= 3 && !strings.HasSuffix(t, ".") {
			cands = append(cands, i)
		}
	}
	if len(cands) == 0 {
		return false
	}
	i := cands[s.rng.IntN(len(cands))]
	b := []byte(name.tokens[i])
	n := len(b)
	pos := int(math.Round(float64(n)/2 + s.rng.NormFloat64()*float64(n)/4))
	pos = min(max(pos, 1), n-1)
	c := b[pos]
	lower := c | 0x20
	if lower < 'a' || lower > 'z' {
		return false
	}
	neighbour := func() byte {
		nb := g.ref.qwerty[lower]
		if nb == "" {
			return 'a' + byte(s.rng.IntN(26))
		}
		x := nb[s.rng.IntN(len(nb))]
		if c != lower {
			x &^= 0x20
		}
		return x
	}
	m := g.cfg.Mix.NameTypo
	x := s.rng.Float64() * (m.Substitute + m.Delete + m.Insert + m.Transpose)
	switch {
	case x < m.Substitute:
		b[pos] = neighbour()
	case x < m.Substitute+m.Delete:
		b = append(b[:pos], b[pos+1:]...)
	case x < m.Substitute+m.Delete+m.Insert:
		b = append(b[:pos+1], append([]byte{neighbour()}, b[pos+1:]...)...)
	default:
		if b[pos-1] == b[pos] {
			b[pos] = neighbour()
		} else {
			b[pos-1], b[pos] = b[pos], b[pos-1]
		}
	}
	if string(b) == name.tokens[i] {
		return false
	}
	name.tokens[i] = string(b)
	return true
}

// ocr replaces one visually confusable string (m → rn, l → 1), as scanned
// KK copies produce.
func (s *source) ocr(g *generator, name *recName) bool {
	pairs := g.ref.ocr
	k := len(name.tokens)
	start, pstart := s.rng.IntN(k), s.rng.IntN(len(pairs))
	for j := range k {
		i := (start + j) % k
		t := name.tokens[i]
		for q := range pairs {
			pr := pairs[(pstart+q)%len(pairs)]
			if at := strings.Index(t, pr[0]); at >= 0 {
				name.tokens[i] = t[:at] + pr[1] + t[at+len(pr[0]):]
				return true
			}
		}
	}
	return false
}

// Title pools per source: which title a clerk adds.

func titlesDukcapil(s *source, p *person, _ *household) (string, string, bool) {
	if s.rng.IntN(2) == 0 {
		if p.female {
			return "Hj.", "", false
		}
		return "H.", "", false
	}
	return "", pickSlice(s, degreesShort), false
}

func titlesHealth(s *source, p *person, h *household) (string, string, bool) {
	switch {
	case !p.adult():
		return "An.", "", false
	case p.female && p.role == roleSpouse && !h.members[0].female:
		return "Ny.", "", s.rng.IntN(4) == 0
	case p.female:
		return pickSlice(s, []string{"Ny.", "Ibu", "Hj."}), "", false
	default:
		return pickSlice(s, []string{"Tn.", "Bpk.", "H."}), "", false
	}
}

func titlesSchool(s *source, p *person, _ *household) (string, string, bool) {
	switch {
	case p.teacher:
		return "", "S.Pd.", false
	case p.female:
		return "Sdri.", "", false
	}
	return "Sdr.", "", false
}

func titlesSocial(s *source, p *person, _ *household) (string, string, bool) {
	switch {
	case !p.adult():
		return "An.", "", false
	case p.female:
		return pickSlice(s, []string{"Ibu", "Ny."}), "", false
	}
	return pickSlice(s, []string{"Bpk.", "Tn."}), "", false
}

func titlesTax(s *source, p *person, _ *household) (string, string, bool) {
	if s.rng.IntN(5) == 0 {
		return pickSlice(s, []string{"Ir.", "Dr.", "Drs."}), "", false
	}
	return "", pickSlice(s, degreesShort), false
}

var degreesShort = []string{"S.E.", "S.H.", "S.Kom.", "S.T.", "S.Sos.", "M.M.", "M.Si.", "S.Pd.", "A.Md."}

func pickSlice(s *source, list []string) string { return list[s.rng.IntN(len(list))] }
