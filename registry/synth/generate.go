package synth

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// Random streams. Each concern has its own PCG stream derived from the seed,
// so that changing one source's rates does not reshuffle the population or
// the other sources.
const (
	streamTruth   = 0x7472757468 // "truth"
	streamSource  = 0x736f757263 // "sourc" + source index
	streamShuffle = 0x7368756666 // "shuff" + source index
)

// recentNIKs is how many recent NIKs are kept to be "borrowed" by records of
// unrelated people.
const recentNIKs = 1024

// Hard-negative kinds written to hard_negatives.csv.
const (
	KindTwins            = "twins"
	KindDoppelganger     = "doppelganger"
	KindSiblingsOrdinal  = "siblings_ordinal"
	KindSiblingsOrder    = "siblings_order_name"
	KindSiblingsClan     = "siblings_clan"
	KindParentChild      = "parent_child"
	KindHouseholdMembers = "household"
)

type generator struct {
	cfg     *Config
	ref     *Reference
	pop     *population
	out     *outputs
	sources []*source
	recent  []string
	nextRec int
	pairs   [][2]int64 // parent/child confusions injected for the current household
	row     [16]string
	hnGroup int64
	hn      map[string]*GroupCount
}

// Generate writes a synthetic population of cfg.People persons into outDir
// (created if needed): one canonical CSV per source, truth.csv, errors.csv,
// hard_negatives.csv, persons.csv, households.csv, config.json and
// summary.json. A nil ref means BuiltinReference(). The same cfg and
// reference give byte-identical files. Files are written under temporary
// names and renamed at the end, so an error or a cancelled ctx leaves no
// file that looks complete; the error is then returned with an empty
// Summary.
func Generate(ctx context.Context, cfg Config, ref *Reference, outDir string) (Summary, error) {
	if err := cfg.Validate(); err != nil {
		return Summary{}, fmt.Errorf("synth: invalid config: %w", err)
	}
	if ref == nil {
		ref = BuiltinReference()
	}
	asOf, _ := parseISODate(cfg.AsOf)
	out, err := openOutputs(outDir)
	if err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	g := &generator{cfg: &cfg, ref: ref, out: out, hn: map[string]*GroupCount{}}
	g.pop = newPopulation(&cfg, ref, rand.New(rand.NewPCG(cfg.Seed, streamTruth)), asOf)
	for i, sc := range cfg.Sources.list() {
		g.sources = append(g.sources, &source{
			idx: i, code: SourceCodes()[i], cfg: sc, rate: sc.rates(), hab: &sourceHabits[i],
			rng:    rand.New(rand.NewPCG(cfg.Seed, streamSource+uint64(i))),
			shuf:   rand.New(rand.NewPCG(cfg.Seed, streamShuffle+uint64(i))),
			window: cfg.ShuffleWindow,
			stats:  sourceStats{errorTypes: map[string]int64{}},
		})
	}
	if err := g.run(ctx); err != nil {
		out.abort()
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	sum := g.summary()
	sumJSON, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		out.abort()
		return Summary{}, fmt.Errorf("synth: encode summary: %w", err)
	}
	cfgJSON, err := json.MarshalIndent(cfg, "", "  ")
	if err != nil {
		out.abort()
		return Summary{}, fmt.Errorf("synth: encode config: %w", err)
	}
	if err := out.commit([][2]string{{"config.json", string(cfgJSON) + "\n"}, {"summary.json", string(sumJSON) + "\n"}}); err != nil {
		return Summary{}, fmt.Errorf("synth: %w", err)
	}
	return sum, nil
}

// run streams households: generate, write the truth rows, emit every
// source's records, write the hard negatives, forget.
func (g *generator) run(ctx context.Context) error {
	people := g.cfg.People
	for n := 0; int(g.pop.stats.people) < people; n++ {
		if n%256 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		h, err := g.pop.next(people - int(g.pop.stats.people))
		if err != nil {
			return err
		}
		if err := g.writeTruth(h); err != nil {
			return err
		}
		g.pairs = g.pairs[:0]
		for _, s := range g.sources {
			for i := range h.members {
				if err := s.emitPerson(g, h, i); err != nil {
					return err
				}
			}
		}
		if err := g.hardNegatives(h); err != nil {
			return err
		}
		for i := range h.members {
			if len(g.recent) < recentNIKs {
				g.recent = append(g.recent, h.members[i].nik)
			} else {
				g.recent[g.nextRec] = h.members[i].nik
				g.nextRec = (g.nextRec + 1) % recentNIKs
			}
		}
	}
	for _, s := range g.sources {
		if err := s.drain(g); err != nil {
			return err
		}
	}
	return nil
}

func b01(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func sexCode(female bool) string {
	if female {
		return "F"
	}
	return "M"
}

// writeTruth writes the household and its members to households.csv and
// persons.csv.
func (g *generator) writeTruth(h *household) error {
	ref := g.ref
	addr := func(street string, rt, rw int) string {
		return fmt.Sprintf("%s RT %03d RW %03d", street, rt, rw)
	}
	if err := g.out.hhs.write([]string{
		householdID(h.id), h.kk, h.kkIssued.String(), h.prevKK, ref.villages[h.village].code,
		addr(h.street, h.rt, h.rw), strconv.Itoa(len(h.members)), strconv.FormatFloat(h.welfare, 'f', 4, 64), b01(h.social),
	}); err != nil {
		return err
	}
	var flags []string
	for i := range h.members {
		p := &h.members[i]
		flags = flags[:0]
		add := func(ok bool, f string) {
			if ok {
				flags = append(flags, f)
			}
		}
		add(p.twin >= 0, "twin")
		add(p.ph == phJuly1 || p.ph == phDec31 || p.ph == phJan1, "placeholder_dob")
		add(p.ph == phMidMonth, "mid_month_dob")
		add(p.corrDOB, "corrected_dob")
		add(p.corrSex, "corrected_sex")
		add(p.oldCode, "old_code_nik")
		add(p.migrated, "migrated")
		add(p.doubleOf != 0, "doppelganger")
		add(p.ordinal, "ordinal_name")
		add(p.taxpayer, "taxpayer")
		add(p.teacher, "teacher")
		dom := ""
		if p.domicile >= 0 {
			dom = ref.villages[p.domicile].code
		}
		if err := g.out.persons.write([]string{
			entityID(p.entity), householdID(h.id), roleNames[p.role], p.name.String(), p.name.given(), p.name.familyName(),
			p.prefix, p.suffix, sexCode(p.female), p.dob.String(), p.nik, p.nikDOB.String(), sexCode(p.nikFemale), h.kk,
			ref.regencies[p.birthReg].place, ref.villages[h.village].code, addr(h.street, h.rt, h.rw), dom, p.phone,
			p.style.String(), b01(p.deceased), strings.Join(flags, "|"),
		}); err != nil {
			return err
		}
	}
	return nil
}

// hardNegatives writes the household's groups of distinct people who look
// alike.
func (g *generator) hardNegatives(h *household) error {
	ms := h.members
	group := func(kind string, ents ...int64) error {
		g.hnGroup++
		id := fmt.Sprintf("HN%07d", g.hnGroup)
		c := g.hn[kind]
		if c == nil {
			c = &GroupCount{}
			g.hn[kind] = c
		}
		c.Groups++
		c.Persons += int64(len(ents))
		for _, e := range ents {
			if err := g.out.hardNeg.write([]string{kind, id, entityID(e)}); err != nil {
				return err
			}
		}
		return nil
	}
	var err error
	for i := range ms {
		if ms[i].twin > i {
			err = errors.Join(err, group(KindTwins, ms[i].entity, ms[ms[i].twin].entity))
		}
	}
	if ms[0].doubleOf != 0 {
		err = errors.Join(err, group(KindDoppelganger, ms[0].doubleOf, ms[0].entity))
	}
	var kids []int
	for i := range ms {
		if ms[i].role == roleChild {
			kids = append(kids, i)
		}
	}
	ents := func(idx []int) []int64 {
		out := make([]int64, len(idx))
		for k, i := range idx {
			out[k] = ms[i].entity
		}
		return out
	}
	if h.ordinal && len(kids) >= 2 {
		err = errors.Join(err, group(KindSiblingsOrdinal, ents(kids)...))
	}
	// Siblings sharing a Balinese birth-order name or a family name.
	sameToken := func(kind string, token func(p *person) string) {
		done := make([]bool, len(kids))
		for a := range kids {
			t := token(&ms[kids[a]])
			if done[a] || t == "" {
				continue
			}
			same := []int{kids[a]}
			for b := a + 1; b < len(kids); b++ {
				if !done[b] && token(&ms[kids[b]]) == t {
					done[b] = true
					same = append(same, kids[b])
				}
			}
			if len(same) >= 2 {
				err = errors.Join(err, group(kind, ents(same)...))
			}
		}
	}
	sameToken(KindSiblingsOrder, func(p *person) string {
		n := p.name.tokens
		if p.style == styleBalinese && len(n) >= 3 && (n[0] == g.ref.names.balMarkers[0] || n[0] == g.ref.names.balMarkers[1]) {
			return n[1]
		}
		return ""
	})
	sameToken(KindSiblingsClan, func(p *person) string { return p.name.familyName() })
	if len(ms) >= 2 {
		unisex := func(p *person) bool {
			return g.ref.names.isUnisex(p.name.tokens[g.pop.personalIndex(p.name)])
		}
		switch {
		case h.shared:
			all := make([]int, len(ms))
			for i := range all {
				all[i] = i
			}
			err = errors.Join(err, group(KindHouseholdMembers, ents(all)...))
		case ms[1].role == roleSpouse && unisex(&ms[0]) && unisex(&ms[1]):
			err = errors.Join(err, group(KindHouseholdMembers, ms[0].entity, ms[1].entity))
		}
	}
	slices.SortFunc(g.pairs, func(a, b [2]int64) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	g.pairs = slices.Compact(g.pairs)
	for _, pr := range g.pairs {
		err = errors.Join(err, group(KindParentChild, pr[0], pr[1]))
	}
	return err
}
