package synth

import (
	"slices"
	"strings"
)

func sexIndex(c byte) int {
	if c == 'F' {
		return 1
	}
	return 0
}

func fi(female bool) int {
	if female {
		return 1
	}
	return 0
}

// pickStyle draws a naming style from the regency's province mix.
func (g *population) pickStyle(reg int) style {
	cum := &g.ref.regencies[reg].styleCum
	x := g.rng.Float64() * cum[numStyles-1]
	for s := range numStyles {
		if x < cum[s] {
			return style(s)
		}
	}
	return styleJavanese
}

// nameHousehold gives every member a style and a legal name. Family names
// follow the father; Balinese children get birth-order names; some
// Javanese/Sundanese families name children with ordinals and a shared word.
func (g *population) nameHousehold(h *household, forced *doubleRequest) {
	rng := g.rng
	headStyle := g.pickStyle(h.regency)
	if forced != nil {
		headStyle = forced.style
	}
	muslim := g.chance(styleMuslim[headStyle])
	kids := 0
	for i := range h.members {
		p := &h.members[i]
		switch p.role {
		case roleHead:
			p.style = headStyle
		case roleSpouse:
			p.style = headStyle
			if !g.chance(0.8) {
				p.style = g.pickStyle(h.regency)
			}
		case roleChild:
			kids++
		}
	}
	for i := range h.members {
		p := &h.members[i]
		switch p.role {
		case roleChild:
			switch {
			case p.father >= 0:
				p.style = h.members[p.father].style
			case p.mother >= 0:
				p.style = h.members[p.mother].style
			default:
				p.style = headStyle
			}
		case roleParent:
			p.style = headStyle
			for j := range h.members {
				if h.members[j].mother == i || h.members[j].father == i {
					p.style = h.members[j].style
				}
			}
		}
	}
	caste := -1
	if headStyle == styleBalinese && g.chance(0.1) {
		caste = rng.IntN(64)
	}
	h.ordinal = (headStyle == styleJavanese || headStyle == styleSundanese) && kids >= 2 &&
		g.chance(g.pc.OrdinalSiblingRate)
	shared := [2]string{pick(rng, ordinalShared[0]), pick(rng, ordinalShared[1])}

	for i := range h.members {
		p := &h.members[i]
		if i == 0 && forced != nil {
			p.name = personName{tokens: append([]string(nil), forced.name.tokens...), family: forced.name.family}
			continue
		}
		if p.role == roleChild && p.style == headStyle && (p.style == styleJavanese || p.style == styleSundanese) &&
			p.order >= 1 && p.order <= 3 {
			g.stats.ordinalEligible++
		}
		// Children inherit the father's family name (the mother's when there
		// is no father) if the parent shares their naming style.
		family := ""
		if p.role == roleChild {
			src := p.father
			if src < 0 {
				src = p.mother
			}
			if src >= 0 && h.members[src].style == p.style {
				family = h.members[src].name.familyName()
			}
		}
		if p.role == roleParent && !p.female {
			for j := range h.members {
				if h.members[j].father == i {
					family = h.members[j].name.familyName()
				}
			}
		}
		order := p.order
		if order < 0 {
			order = rng.IntN(4)
		}
		switch {
		case h.ordinal && p.role == roleChild && p.order >= 1 && p.order <= 3 && p.style == headStyle:
			p.name = personName{tokens: []string{ordinalNames[p.order], shared[fi(p.female)]}, family: -1}
			p.ordinal = true
			g.stats.ordinalNamed++
		case p.twin >= 0 && p.twin < i:
			p.name = g.twinName(&h.members[p.twin], p, muslim, family, order, caste)
		default:
			p.name = g.newName(p.style, p.female, p.nikDOB.y, muslim, family, order, caste)
			if h.ordinal && p.role == roleChild && p.order == 0 && p.style == headStyle && len(p.name.tokens) >= 1 && p.name.family < 0 {
				p.name.tokens = append(p.name.tokens[:1], shared[fi(p.female)])
			}
		}
		g.oldSpellingFor(p)
		g.titles(p, muslim)
	}
}

// oldSpellingFor writes older people's given names in pre-1972 spelling.
func (g *population) oldSpellingFor(p *person) {
	rate := 0.0
	switch y := p.nikDOB.y; {
	case y < 1960:
		rate = g.pc.OldSpellingBefore1960
	case y <= 1975:
		rate = g.pc.OldSpelling1960to1975
	}
	if !g.chance(rate) {
		return
	}
	for i, t := range p.name.tokens {
		if i != p.name.family {
			p.name.tokens[i] = g.ref.names.oldSpelling(t)
		}
	}
}

// titles adds H./Hj., academic prefixes and degrees to some adults.
func (g *population) titles(p *person, muslim bool) {
	var pre []string
	if p.age > 23 && g.chance(g.pc.PrefixTitleRate) {
		switch {
		case p.age > 45 && g.rng.IntN(3) == 0:
			pre = append(pre, "Ir.")
		case g.rng.IntN(2) == 0:
			pre = append(pre, "Dr.")
		case p.female:
			pre = append(pre, "Dra.")
		default:
			pre = append(pre, "Drs.")
		}
	}
	if muslim && p.age > 40 && g.chance(g.pc.HajiRate) {
		if p.female {
			pre = append(pre, "Hj.")
		} else {
			pre = append(pre, "H.")
		}
	}
	p.prefix = strings.Join(pre, " ")
	if p.age > 23 && g.chance(g.pc.DegreeRate) {
		p.suffix = pick(g.rng, g.ref.names.degrees)
	}
}

// firstToken draws the main given token of a style.
func (g *population) firstToken(st style, female bool, muslim bool) string {
	rng, n, s := g.rng, &g.ref.names, fi(female)
	x := rng.Float64()
	general := func() string { return n.given[s].pick(rng) }
	switch st {
	case styleJavanese:
		if x < 0.45 {
			return pick(rng, [2][]string{javaneseFirstM, javaneseFirstF}[s])
		}
	case styleSundanese:
		if x < 0.5 {
			return pick(rng, [2][]string{sundaneseFirstM, sundaneseFirstF}[s])
		}
	case styleMalay:
		if x < 0.5 {
			return pick(rng, [2][]string{arabicM, arabicF}[s])
		}
	case styleAcehnese:
		if x < 0.4 {
			return pick(rng, acehneseFirst[s])
		}
		if x < 0.8 {
			return pick(rng, [2][]string{arabicM, arabicF}[s])
		}
	case styleBugis:
		if x < 0.45 {
			return pick(rng, bugisFirst[s])
		}
		if x < 0.8 {
			return pick(rng, [2][]string{arabicM, arabicF}[s])
		}
	case styleBatak:
		if muslim {
			if x < 0.5 {
				return pick(rng, [2][]string{arabicM, arabicF}[s])
			}
		} else if x < 0.5 {
			return pick(rng, bataknGiven[s])
		} else if x < 0.7 {
			return pick(rng, christianBaptismal[s])
		}
	case styleBalinese:
		return pick(rng, balinesePersonal[s])
	case styleChinese:
		if x < 0.6 {
			return pick(rng, chineseGiven[s])
		}
		if x < 0.8 {
			return pick(rng, christianBaptismal[s])
		}
	case styleEastern:
		if x < 0.5 {
			return pick(rng, easternGiven[s])
		}
	case stylePapuan:
		return pick(rng, papuanGiven[s])
	}
	return general()
}

// secondToken draws a second given word of a style.
func (g *population) secondToken(st style, female bool) string {
	rng, n, s := g.rng, &g.ref.names, fi(female)
	if len(n.second[s]) > 0 && rng.IntN(3) == 0 {
		return pick(rng, n.second[s])
	}
	switch st {
	case styleJavanese:
		return pick(rng, [2][]string{javaneseSecondM, javaneseSecondF}[s])
	case styleSundanese:
		return pick(rng, sundaneseSecond[s])
	case styleMalay, styleAcehnese:
		return pick(rng, malaySecond[s])
	case styleBugis:
		if rng.IntN(2) == 0 {
			return pick(rng, [2][]string{arabicM, arabicF}[s])
		}
		return pick(rng, malaySecond[s])
	case styleBalinese:
		return pick(rng, balinesePersonal[s])
	case styleEastern, stylePapuan, styleBatak, styleChinese:
		return n.given[s].pick(rng)
	}
	return n.given[s].pick(rng)
}

// newName draws a legal name token by token. family is an inherited family
// name ("" to draw one when the style has them); order is the birth order
// used by Balinese names; caste ≥ 0 marks a Balinese caste family.
func (g *population) newName(st style, female bool, birthYear int, muslim bool, family string, order, caste int) personName {
	rng, n, s := g.rng, &g.ref.names, fi(female)
	var toks []string
	words := func(one, two float64) int {
		switch x := rng.Float64(); {
		case x < one:
			return 1
		case x < one+two:
			return 2
		}
		return 3
	}
	muslimPrefix := func() {
		rate := g.pc.MuslimPrefixMale
		if female {
			rate = g.pc.MuslimPrefixFemale
		}
		if muslim && g.chance(rate) {
			pre := pick(rng, muslimPrefixes[s])
			if toks[0] != pre {
				toks = append([]string{pre}, toks...)
			}
		}
	}
	switch st {
	case styleJavanese, styleSundanese:
		mono := 0.0
		switch {
		case birthYear < 1970:
			mono = 0.30
		case birthYear < 2000:
			mono = 0.10
		case birthYear < 2023:
			mono = 0.03
		}
		k := words(mono, (1-mono)*0.65)
		toks = append(toks, g.firstToken(st, female, muslim))
		for try := 0; len(toks) < k && try < 6; try++ {
			toks = g.appendNew(toks, func() string { return g.secondToken(st, female) })
		}
		muslimPrefix()
	case styleMalay, styleAcehnese, styleBugis:
		k := words(0.05, 0.70)
		toks = append(toks, g.firstToken(st, female, muslim))
		for try := 0; len(toks) < k && try < 6; try++ {
			toks = g.appendNew(toks, func() string { return g.secondToken(st, female) })
		}
		muslimPrefix()
		switch {
		case st == styleAcehnese && g.chance(0.05):
			toks = append([]string{acehNoble[s]}, toks...)
		case st == styleBugis && g.chance(0.10):
			toks = append([]string{bugisNoble}, toks...)
		}
	case styleBalinese:
		if caste >= 0 {
			toks = append(toks, n.balCastes[s][caste%len(n.balCastes[s])]...)
		} else {
			toks = append(toks, n.balMarkers[s], pick(rng, n.balOrder[order%4][s]))
		}
		toks = append(toks, g.firstToken(st, female, muslim))
		if rng.IntN(3) == 0 {
			toks = g.appendNew(toks, func() string { return g.secondToken(st, female) })
		}
		return personName{tokens: toks, family: -1}
	case styleChinese:
		if family == "" && birthYear < 1966 && g.chance(g.pc.HokkienBefore1966) {
			return personName{tokens: []string{pick(rng, n.hokkien), pick(rng, hokkienGivenSyllables), pick(rng, hokkienGivenSyllables)}, family: 0}
		}
		toks = append(toks, g.firstToken(st, female, muslim))
		if rng.IntN(5) < 3 {
			toks = g.appendNew(toks, func() string { return g.secondToken(st, female) })
		}
		if family == "" {
			family = pick(rng, n.adapted)
		}
	case styleBatak:
		toks = append(toks, g.firstToken(st, female, muslim))
		if rng.IntN(2) == 0 {
			toks = g.appendNew(toks, func() string { return g.secondToken(st, female) })
		}
		if family == "" {
			family = pick(rng, n.batak)
		}
		if female && birthYear < 2000 && g.chance(0.3) {
			toks = append(toks, batakBoru)
		}
	case styleEastern:
		if rng.Float64() < 0.6 {
			toks = append(toks, pick(rng, christianBaptismal[s]))
		}
		toks = g.appendNew(toks, func() string { return g.firstToken(st, female, muslim) })
		if family == "" {
			list := n.eastern[g.ref.regencies[g.hh.regency].code[:2]]
			if len(list) == 0 {
				list = n.easternAll
			}
			family = pick(rng, list)
		}
	case stylePapuan:
		toks = append(toks, g.firstToken(st, female, muslim))
		if rng.IntN(2) == 0 {
			toks = g.appendNew(toks, func() string { return g.firstToken(st, female, muslim) })
		}
		if family == "" {
			family = pick(rng, n.papuan)
		}
	}
	if family != "" {
		toks = append(toks, family)
		return personName{tokens: toks, family: len(toks) - 1}
	}
	return personName{tokens: toks, family: -1}
}

// appendNew appends a drawn token that the name does not hold yet (a few
// tries), so that names like "Soerjani Soerjani" do not arise by chance.
func (g *population) appendNew(toks []string, draw func() string) []string {
	t := draw()
	for range 4 {
		if !slices.Contains(toks, t) {
			break
		}
		t = draw()
	}
	if slices.Contains(toks, t) {
		return toks
	}
	return append(toks, t)
}

// personalIndex is the token that tells siblings apart: the first one that
// is not a marker, birth-order name, caste word, noble title or Muslim prefix.
func (g *population) personalIndex(n personName) int {
	for i, t := range n.tokens {
		if i == n.family {
			continue
		}
		switch t {
		case "I", "Ni", "Ida", "Bagus", "Ayu", "Anak", "Agung", "Gede", "Gusti", "Ngurah", "Dewa", "Desak",
			"Cokorda", "Istri", "Teuku", "Cut", "Andi", "Muhammad", "Ahmad", "Abdul", "Siti", "Nur",
			"Wayan", "Putu", "Luh", "Made", "Kadek", "Nengah", "Nyoman", "Komang", "Ketut", batakBoru:
			continue
		}
		return i
	}
	return 0
}

// twinName names the second twin after the first: same structure and
// shared words, with an alliterative personal name (Rina/Rini, Hasan/Husein
// style) and, for Balinese twins, the next birth-order name.
func (g *population) twinName(first, p *person, muslim bool, family string, order, caste int) personName {
	var n personName
	if first.female == p.female && first.style == p.style {
		n = personName{tokens: append([]string(nil), first.name.tokens...), family: first.name.family}
		if p.style == styleBalinese && caste < 0 && len(n.tokens) > 1 {
			n.tokens[1] = pick(g.rng, g.ref.names.balOrder[order%4][fi(p.female)])
		}
	} else {
		n = g.newName(p.style, p.female, p.nikDOB.y, muslim, family, order, caste)
	}
	i := g.personalIndex(n)
	want := first.name.tokens[g.personalIndex(first.name)]
	for range 40 {
		t := g.firstToken(p.style, p.female, muslim)
		if t != want && t[0] == want[0] {
			n.tokens[i] = t
			return n
		}
	}
	if n.tokens[i] == want {
		n.tokens[i] = g.firstToken(p.style, p.female, muslim)
	}
	return n
}
