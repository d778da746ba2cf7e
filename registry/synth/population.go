package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// maxHouseholdSize bounds population.household_size_weights.
const maxHouseholdSize = 16

type role uint8

const (
	roleHead role = iota
	roleSpouse
	roleChild
	roleParent // a co-resident parent of the head or spouse
)

var roleNames = [...]string{"head", "spouse", "child", "parent"}

// Placeholder kinds of a registered birth date.
const (
	phNone byte = iota
	phJuly1
	phDec31
	phJan1
	phMidMonth
)

// person is one member of the truth layer.
type person struct {
	entity    int64
	role      role
	female    bool // legal sex today
	nikFemale bool // sex when the NIK was issued
	age       int
	dob       date // legal DOB today
	nikDOB    date // DOB when the NIK was issued
	ph        byte
	corrDOB   bool
	corrSex   bool
	style     style
	name      personName
	prefix    string // titles before the name (H., Dr.)
	suffix    string // degrees after the name
	nik       string
	region    int // index into Reference.regions of the NIK prefix
	regDist   int // current district index of the NIK prefix
	oldCode   bool
	migrated  bool
	birthReg  int // regency of the place of birth
	phone     string
	deceased  bool
	domicile  int // village index when living away from the KTP address, else -1
	domStreet string
	domRT     int
	domRW     int
	taxpayer  bool
	teacher   bool
	mother    int // member index or -1
	father    int
	order     int // birth order among the household's children, or -1
	twin      int // member index of the twin, or -1
	ordinal   bool
	doubleOf  int64 // entity this person is a look-alike of, or 0
}

func (p *person) adult() bool { return p.age >= 18 }

// household is one KK (family card) and its members.
type household struct {
	id       int64
	village  int
	district int
	regency  int
	street   string // address line without RT/RW
	rt, rw   int
	kk       string
	kkIssued date
	prevKK   string
	welfare  float64
	social   bool
	shared   bool // one phone number for every member
	ordinal  bool // children named with ordinals and a shared word
	members  []person
}

// doubleRequest asks the next household to contain a look-alike of a person.
type doubleRequest struct {
	of           int64
	name         personName
	female       bool
	nikFemale    bool
	dob, nikDOB  date
	age          int
	style        style
	sameDistrict bool
	district     int
	region       int
	regDist      int
}

// population generates households one at a time from the truth stream.
type population struct {
	cfg    *Config
	pc     *PopulationConfig
	ref    *Reference
	rng    *rand.Rand
	asOf   date
	nikSer serials
	kkSer  serials

	nextEntity int64
	nextHH     int64
	doubles    []doubleRequest
	sizeCum    []float64
	phCum      [3]float64

	stats populationStats
	hh    household
}

type populationStats struct {
	people, households, male, adults  int64
	age0to14, age15to64, age65plus    int64
	deceased                          int64
	adultJul1, adultDec31, adultJan1  int64
	midMonth, bornBefore1980          int64
	corrDOB, corrSex, oldCode         int64
	registeredBefore2007, migrated    int64
	domicile                          int64
	deliveries, twinDeliveries        int64
	doubleEligible, doubles, doubleSD int64
	ordinalEligible, ordinalNamed     int64
	multiHouseholds, sharedPhone      int64
	expectedMale                      float64
}

func newPopulation(cfg *Config, ref *Reference, rng *rand.Rand, asOf date) *population {
	p := &population{cfg: cfg, pc: &cfg.Population, ref: ref, rng: rng, asOf: asOf,
		nikSer: serials{}, kkSer: serials{}, nextEntity: 1, nextHH: 1}
	sum := 0.0
	for _, w := range p.pc.HouseholdSizeWeights {
		sum += w
		p.sizeCum = append(p.sizeCum, sum)
	}
	m := p.pc.PlaceholderMix
	p.phCum = [3]float64{m.July1, m.July1 + m.December31, m.July1 + m.December31 + m.January1}
	return p
}

func (g *population) chance(p float64) bool { return p > 0 && g.rng.Float64() < p }

func (g *population) pickCum(cum []float64) int {
	x := g.rng.Float64() * cum[len(cum)-1]
	for i, c := range cum {
		if x < c {
			return i
		}
	}
	return len(cum) - 1
}

// pickRegency draws a regency in proportion to its population.
func (g *population) pickRegency() int {
	cum := g.ref.regCum
	x := g.rng.Float64() * cum[len(cum)-1]
	lo, hi := 0, len(cum)-1
	for lo < hi {
		mid := (lo + hi) / 2
		if cum[mid] > x {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	return lo
}

// pickDistrict draws a district with villages uniformly within a regency.
func (g *population) pickDistrict(reg int) int {
	r := &g.ref.regencies[reg]
	for range 64 {
		d := r.distLo + g.rng.IntN(r.distHi-r.distLo)
		if g.ref.districts[d].villLo >= 0 {
			return d
		}
	}
	return g.ref.villages[r.villLo].dist
}

// pickVillage draws a village of a district, kelurahan over-weighted in cities.
func (g *population) pickVillage(d int) int {
	dist := &g.ref.districts[d]
	if !g.ref.regencies[dist.reg].kota {
		return dist.villLo + g.rng.IntN(dist.villHi-dist.villLo)
	}
	k := g.pc.KelurahanWeightInKota
	total := 0.0
	for v := dist.villLo; v < dist.villHi; v++ {
		if g.ref.villages[v].kelurahan {
			total += k
		} else {
			total++
		}
	}
	x := g.rng.Float64() * total
	for v := dist.villLo; v < dist.villHi; v++ {
		w := 1.0
		if g.ref.villages[v].kelurahan {
			w = k
		}
		if x < w {
			return v
		}
		x -= w
	}
	return dist.villHi - 1
}

// randomDistrict draws a district anywhere, weighted by population.
func (g *population) randomDistrict() int { return g.pickDistrict(g.pickRegency()) }

// next generates the next household of at most limit persons.
func (g *population) next(limit int) (*household, error) {
	h := &g.hh
	members := h.members[:0]
	*h = household{id: g.nextHH, members: members}
	g.nextHH++

	var forced *doubleRequest
	if len(g.doubles) > 0 {
		req := g.doubles[0]
		forced = &req
		g.doubles = g.doubles[1:]
		g.stats.doubles++
		if req.sameDistrict {
			g.stats.doubleSD++
		}
	}
	if forced != nil && forced.sameDistrict {
		h.district = forced.district
	} else {
		h.district = g.randomDistrict()
	}
	h.regency = g.ref.districts[h.district].reg
	h.village = g.pickVillage(h.district)

	size := 1 + g.pickCum(g.sizeCum)
	size = min(size, limit)
	g.compose(h, size, limit, forced)
	g.birthDates(h, forced)
	g.nameHousehold(h, forced)
	if err := g.register(h, forced); err != nil {
		return nil, err
	}
	g.phones(h)
	g.attributes(h)
	if err := g.kkNumber(h); err != nil {
		return nil, err
	}
	h.street = g.street(h.village)
	h.rt, h.rw = 1+g.rng.IntN(15), 1+g.rng.IntN(10)
	g.requestDoubles(h)
	g.count(h)
	return h, nil
}

// maleShare turns a regency's sex ratio into the draw probability for the
// members whose sex is free. Couples are always one man and one woman, so
// the free draws carry the whole deviation from 50 %.
func (g *population) maleShare(reg int) float64 {
	r := &g.ref.regencies[reg]
	p := 0.5
	if r.male+r.female > 0 {
		p = r.male / (r.male + r.female)
	}
	return math.Min(1, math.Max(0, p+(p-0.5)))
}

func (g *population) addMember(h *household, r role, female bool, age int) *person {
	h.members = append(h.members, person{
		entity: g.nextEntity, role: r, female: female, age: age,
		mother: -1, father: -1, order: -1, twin: -1, domicile: -1,
	})
	g.nextEntity++
	return &h.members[len(h.members)-1]
}

// compose decides roles, sexes and ages.
func (g *population) compose(h *household, size, limit int, forced *doubleRequest) {
	pm := g.maleShare(h.regency)
	rng := g.rng
	if size == 1 && forced == nil {
		age := 0
		switch x := rng.Float64(); {
		case x < 0.35:
			age = 18 + rng.IntN(12)
		case x < 0.60:
			age = 30 + rng.IntN(30)
		default:
			age = 60 + rng.IntN(31)
		}
		g.addMember(h, roleHead, rng.Float64() >= pm, age)
		return
	}
	couple := size >= 2 && rng.Float64() < g.pc.CoupleRate
	elder := size >= 3 && rng.Float64() < g.pc.ElderRate
	kids := size - 1
	if couple {
		kids--
	}
	if elder {
		kids--
	}

	// Children's ages, youngest first, with twin deliveries.
	var kidAges []int
	var twinAt []bool
	if kids > 0 && forced == nil {
		age := rng.IntN(g.pc.YoungestChildMaxAge + 1)
		for len(kidAges) < kids {
			twins := rng.Float64() < g.pc.TwinRate
			if twins && kids-len(kidAges) < 2 {
				// Twins in the last slot make the household one larger,
				// unless that would pass the requested population size.
				if size < limit {
					size++
					kids++
				} else {
					twins = false
				}
			}
			g.stats.deliveries++
			kidAges = append(kidAges, age)
			twinAt = append(twinAt, false)
			if twins {
				g.stats.twinDeliveries++
				kidAges = append(kidAges, age)
				twinAt = append(twinAt, true)
			}
			age += 1 + int(rng.ExpFloat64()*2+0.5)
		}
	}
	oldest := -1
	if len(kidAges) > 0 {
		oldest = kidAges[len(kidAges)-1]
	}

	// Adults.
	var headFemale bool
	var headAge, spouseAge int
	switch {
	case forced != nil:
		headFemale, headAge = forced.female, forced.age
		spouseAge = headAge - 4 + rng.IntN(5)
		if headFemale {
			spouseAge = headAge + 4 - rng.IntN(5)
		}
	case oldest >= 0:
		first := int(math.Round(math.Max(16, math.Min(38, 23+4*rng.NormFloat64()))))
		motherAge := oldest + first
		gap := int(math.Round(math.Max(-3, math.Min(20, 4+3*rng.NormFloat64()))))
		if couple {
			headFemale = false
			headAge, spouseAge = motherAge+gap, motherAge
		} else {
			headFemale = rng.Float64() >= pm
			headAge = motherAge
			if !headFemale {
				headAge += gap
			}
		}
	default:
		if rng.IntN(2) == 0 {
			headAge = 20 + rng.IntN(16)
		} else {
			headAge = 55 + rng.IntN(36)
		}
		headFemale = !couple && rng.Float64() >= pm
		gap := int(math.Round(math.Max(-3, math.Min(20, 4+3*rng.NormFloat64()))))
		spouseAge = headAge - gap
	}
	headAge = max(headAge, 18)
	spouseAge = max(spouseAge, 18)
	head := g.addMember(h, roleHead, headFemale, headAge)
	if forced != nil {
		head.doubleOf = forced.of
	}
	spouse := -1
	if couple {
		g.addMember(h, roleSpouse, !headFemale, spouseAge)
		spouse = 1
	}
	mother, father := -1, -1
	if headFemale {
		mother = 0
	} else {
		father = 0
	}
	if spouse >= 0 {
		if headFemale {
			father = spouse
		} else {
			mother = spouse
		}
	}
	if forced != nil && kids > 0 {
		// Adult-first: children fit below the parents' ages.
		momAge := headAge
		if mother >= 0 {
			momAge = h.members[mother].age
		}
		age := momAge - int(math.Round(math.Max(16, 23+4*rng.NormFloat64())))
		for len(kidAges) < kids && age >= 0 {
			g.stats.deliveries++
			kidAges = append([]int{age}, kidAges...)
			twinAt = append([]bool{false}, twinAt...)
			age -= 1 + int(rng.ExpFloat64()*2+0.5)
		}
	}
	// Oldest child first, so that order 0 is the first-born.
	for i := len(kidAges) - 1; i >= 0; i-- {
		c := g.addMember(h, roleChild, rng.Float64() >= pm, kidAges[i])
		c.mother, c.father = mother, father
		c.order = len(kidAges) - 1 - i
		if i+1 < len(twinAt) && twinAt[i+1] {
			// kidAges[i+1] is the other twin of this delivery (youngest-first
			// order); it was added just before.
			prev := len(h.members) - 2
			c.twin, h.members[prev].twin = prev, len(h.members)-1
			if rng.Float64() < g.pc.IdenticalTwinShare {
				c.female = h.members[prev].female
			}
		}
	}
	if elder {
		// A co-resident parent of the head or of the spouse.
		child := 0
		if spouse >= 0 && rng.IntN(2) == 0 {
			child = spouse
		}
		female := rng.Float64() >= pm
		age := min(99, h.members[child].age+22+rng.IntN(12))
		g.addMember(h, roleParent, female, age)
		e := len(h.members) - 1
		if female {
			h.members[child].mother = e
		} else {
			h.members[child].father = e
		}
	}
}

// birthDate draws the birth date of someone aged age on g.asOf.
func (g *population) birthDate(age int) date {
	a := g.asOf
	hi := daysFromCivil(a.y-age, a.m, a.d)
	lo := daysFromCivil(a.y-age-1, a.m, a.d) + 1
	return civilFromDays(lo + g.rng.IntN(hi-lo+1))
}

// placeholder replaces a birth date with a placeholder at the cohort's rate.
func (g *population) placeholder(t date) (date, byte) {
	var rate float64
	switch {
	case t.y < 1960:
		rate = g.pc.PlaceholderBefore1960
	case t.y < 1980:
		rate = g.pc.Placeholder1960to1979
	case t.y < 2000:
		rate = g.pc.Placeholder1980to1999
	default:
		rate = g.pc.PlaceholderFrom2000
	}
	if g.chance(rate) {
		x := g.rng.Float64() * g.phCum[2]
		u, kind := date{t.y, 7, 1}, phJuly1
		switch {
		case x >= g.phCum[1]:
			u, kind = date{t.y, 1, 1}, phJan1
		case x >= g.phCum[0]:
			u, kind = date{t.y, 12, 31}, phDec31
		}
		if !g.asOf.before(u) {
			return u, kind
		}
		return t, phNone
	}
	if t.y < 1980 && g.chance(g.pc.MidMonthBefore1980) {
		u := date{t.y, t.m, 15}
		if !g.asOf.before(u) {
			return u, phMidMonth
		}
	}
	return t, phNone
}

// correctedDate returns a plausible corrected DOB different from t: a real
// day for a placeholder, else a day/month swap or a year off by one.
func (g *population) correctedDate(t date, ph byte) date {
	for range 8 {
		var u date
		switch x := g.rng.IntN(3); {
		case ph != phNone || x == 0:
			u = civilFromDays(daysFromCivil(t.y, 1, 1) + g.rng.IntN(365))
		case x == 1 && t.d <= 12 && t.d != t.m:
			u = date{t.y, t.d, t.m}
		default:
			u = date{t.y + 1 - 2*g.rng.IntN(2), t.m, t.d}
		}
		if u.valid() && u != t && !g.asOf.before(u) {
			return u
		}
	}
	return t
}

// birthDates sets birth dates (with placeholders and later corrections)
// and registered sexes; names depend on the birth year, so this comes first.
func (g *population) birthDates(h *household, forced *doubleRequest) {
	pc := g.pc
	for i := range h.members {
		p := &h.members[i]
		switch {
		case i == 0 && forced != nil:
			p.dob, p.nikDOB = forced.dob, forced.nikDOB
			p.female, p.nikFemale = forced.female, forced.nikFemale
		case p.twin >= 0 && p.twin < i:
			t := &h.members[p.twin]
			p.dob, p.ph = t.dob, t.ph
		default:
			p.dob, p.ph = g.placeholder(g.birthDate(p.age))
		}
		if !(i == 0 && forced != nil) {
			p.nikDOB, p.nikFemale = p.dob, p.female
			if g.chance(pc.DOBCorrectionRate) {
				if u := g.correctedDate(p.dob, p.ph); u != p.dob {
					p.dob, p.corrDOB = u, true
				}
			}
			if g.chance(pc.SexCorrectionRate) {
				p.female, p.corrSex = !p.female, true
			}
		}
		p.age = p.dob.ageOn(g.asOf)
	}
}

// register sets NIK prefixes and serials and places of birth.
func (g *population) register(h *household, forced *doubleRequest) error {
	pc := g.pc
	for i := range h.members {
		p := &h.members[i]
		// NIK prefix: the district of first registration. People born after
		// 2006 were registered at birth where the family lives; older ones
		// when the family registered in 2006-2011, possibly elsewhere.
		// Children share a parent's registration, so twins share a prefix.
		regYear := p.nikDOB.y
		dist := h.district
		parent := -1
		if p.role == roleChild {
			parent = p.mother
			if parent < 0 {
				parent = p.father
			}
		}
		switch {
		case p.nikDOB.y >= 2007:
		case parent >= 0 && parent < i:
			q := &h.members[parent]
			p.region, p.regDist, p.oldCode = q.region, q.regDist, q.oldCode
			p.migrated = q.regDist != h.district
			dist = -1
		default:
			regYear = max(p.nikDOB.y, 2006+g.rng.IntN(6))
			g.stats.registeredBefore2007++
			if g.chance(pc.MigrationRate) {
				dist = g.randomDistrict()
				p.migrated = dist != h.district
				if p.migrated {
					g.stats.migrated++
				}
			}
		}
		if dist >= 0 {
			p.regDist = dist
			p.region = dist
			for _, o := range g.ref.districts[dist].old {
				if regYear < o.changeYear {
					p.region, p.oldCode = o.region, true
					break
				}
			}
		}
		if i == 0 && forced != nil && forced.sameDistrict {
			p.region, p.regDist, p.migrated = forced.region, forced.regDist, forced.regDist != h.district
			p.oldCode = p.region >= len(g.ref.districts)
		}
		switch {
		case p.nikDOB.y >= 2007:
			p.birthReg = h.regency
		case g.rng.Float64() < 0.7:
			p.birthReg = g.ref.districts[p.regDist].reg
		default:
			p.birthReg = g.pickRegency()
		}
		dd, mm, yy := nikDateBlock(p.nikDOB, p.nikFemale)
		serial, err := g.nikSer.next(p.region, dd, mm, yy)
		if err != nil {
			return fmt.Errorf("NIK prefix %s%02d%02d%02d: %w", g.ref.regions[p.region], dd, mm, yy, err)
		}
		p.nik = formatID16(g.ref.regions[p.region], dd, mm, yy, serial)
	}
	return nil
}

// kkNumber issues the household's KK and, after a move or split, the one
// it replaced.
func (g *population) kkNumber(h *household) error {
	head := &h.members[0]
	span := min(30.0, math.Max(0, float64(head.age-18))) + 0.5
	formed := g.asOf.addDays(-int(g.rng.Float64() * span * 365.25))
	issued, prev := formed, date{}
	prevDist := h.district
	for y := formed.y + 1; y <= g.asOf.y; y++ {
		if g.chance(g.pc.KKChangeRatePerYear) {
			d := civilFromDays(daysFromCivil(y, 1, 1) + g.rng.IntN(365))
			if g.asOf.before(d) {
				continue
			}
			prev, issued = issued, d
			prevDist = h.district
			if g.rng.IntN(2) == 0 {
				prevDist = g.randomDistrict()
			}
		}
	}
	kk, err := g.kk(h.district, issued)
	if err != nil {
		return err
	}
	h.kk, h.kkIssued = kk, issued
	if !prev.isZero() {
		if h.prevKK, err = g.kk(prevDist, prev); err != nil {
			return err
		}
	}
	return nil
}

func (g *population) kk(dist int, issued date) (string, error) {
	dd, mm, yy := nikDateBlock(issued, false)
	serial, err := g.kkSer.next(dist, dd, mm, yy)
	if err != nil {
		return "", fmt.Errorf("KK prefix %s%02d%02d%02d: %w", g.ref.regions[dist], dd, mm, yy, err)
	}
	return formatID16(g.ref.regions[dist], dd, mm, yy, serial), nil
}

// mobile draws a plausible mobile number (10-13 digits with the leading 0).
func (g *population) mobile() string {
	prefix := pick(g.rng, g.ref.mobilePrefixes)
	n := 7 + g.rng.IntN(2)
	var b strings.Builder
	b.Grow(len(prefix) + n)
	b.WriteString(prefix)
	for range n {
		b.WriteByte(byte('0' + g.rng.IntN(10)))
	}
	return b.String()
}

// phones gives adults their own mobiles, children a parent's, and some
// households one shared number.
func (g *population) phones(h *household) {
	for i := range h.members {
		p := &h.members[i]
		if p.age >= 17 && g.chance(g.pc.MobileRateAdult) {
			p.phone = g.mobile()
		}
	}
	if len(h.members) >= 2 && g.chance(g.pc.SharedPhoneRate) {
		h.shared = true
		num := h.members[0].phone
		if num == "" {
			num = g.mobile()
		}
		for i := range h.members {
			h.members[i].phone = num
		}
		return
	}
	for i := range h.members {
		p := &h.members[i]
		if p.twin >= 0 && p.twin < i && h.members[p.twin].phone != "" {
			p.phone = h.members[p.twin].phone
			continue
		}
		if p.age >= 17 {
			continue
		}
		for _, src := range []int{p.mother, p.father, 0} {
			if src >= 0 && h.members[src].phone != "" {
				p.phone = h.members[src].phone
				break
			}
		}
	}
}

// attributes draws deaths, domiciles away from the KTP address, taxpayers,
// teachers and the household's welfare score.
func (g *population) attributes(h *household) {
	pc := g.pc
	for i := range h.members {
		p := &h.members[i]
		rate := pc.DeceasedUnder60
		if p.age >= 60 {
			rate = pc.Deceased60Plus
		}
		p.deceased = g.chance(rate)
		if p.age >= 18 && p.age <= 40 && g.chance(pc.DomicileElsewhereRate) {
			v := g.pickVillage(g.randomDistrict())
			if v != h.village {
				p.domicile, p.domStreet = v, g.street(v)
				p.domRT, p.domRW = 1+g.rng.IntN(15), 1+g.rng.IntN(10)
			}
		}
		p.taxpayer = p.age >= 18 && g.chance(pc.TaxpayerRate)
		p.teacher = p.age >= 23 && p.age <= 60 && g.chance(pc.TeacherRate)
	}
	h.welfare = g.rng.Float64()
	h.social = h.welfare < pc.WelfareCutoff ||
		h.welfare < pc.WelfareCutoff+pc.WelfareInclusionBand && g.chance(pc.WelfareInclusionRate)
}

var estateWords = []string{"Griya", "Taman", "Villa", "Bumi", "Puri", "Permata"}

// street draws an address line: a numbered street or lane in towns, a
// hamlet (often without a number) in the countryside.
func (g *population) street(v int) string {
	vil := &g.ref.villages[v]
	reg := &g.ref.regencies[g.ref.districts[vil.dist].reg]
	rng := g.rng
	num := strconv.Itoa(1 + rng.IntN(120))
	if vil.kelurahan || reg.kota {
		switch x := rng.Float64(); {
		case x < 0.6:
			return "Jl. " + pick(rng, g.ref.streets) + " No. " + num
		case x < 0.85:
			return "Gg. " + pick(rng, g.ref.streets) + " No. " + num
		default:
			return "Komp. " + pick(rng, estateWords) + " " + pick(rng, g.ref.streets) + " Blok " +
				string(rune('A'+rng.IntN(8))) + strconv.Itoa(1+rng.IntN(9)) + " No. " + num
		}
	}
	unit := "Dusun "
	switch reg.code[:2] {
	case "31", "32", "36":
		unit = "Kp. "
	}
	line := unit + pick(rng, g.ref.hamlets)
	if !g.chance(g.pc.RuralNoHouseNumber) {
		line += " No. " + num
	}
	return line
}

// requestDoubles queues look-alikes of this household's adults.
func (g *population) requestDoubles(h *household) {
	for i := range h.members {
		p := &h.members[i]
		if p.role == roleChild || p.role == roleParent || !p.adult() || p.doubleOf != 0 {
			continue
		}
		g.stats.doubleEligible++
		if !g.chance(g.pc.DoppelgangerRate) {
			continue
		}
		req := doubleRequest{
			of: p.entity, female: p.female, nikFemale: p.nikFemale, dob: p.dob, nikDOB: p.nikDOB,
			age: p.age, style: p.style, region: p.region, regDist: p.regDist,
			district: p.regDist, sameDistrict: g.chance(g.pc.DoppelgangerSameDistrict),
			name: personName{tokens: append([]string(nil), p.name.tokens...), family: p.name.family},
		}
		g.doubles = append(g.doubles, req)
	}
}

func (g *population) count(h *household) {
	s := &g.stats
	s.households++
	reg := &g.ref.regencies[h.regency]
	if reg.male+reg.female > 0 {
		s.expectedMale += float64(len(h.members)) * reg.male / (reg.male + reg.female)
	}
	if len(h.members) >= 2 {
		s.multiHouseholds++
		if h.shared {
			s.sharedPhone++
		}
	}
	for i := range h.members {
		p := &h.members[i]
		s.people++
		if !p.female {
			s.male++
		}
		switch {
		case p.age < 15:
			s.age0to14++
		case p.age < 65:
			s.age15to64++
		default:
			s.age65plus++
		}
		if p.deceased {
			s.deceased++
		}
		if p.adult() {
			s.adults++
			switch {
			case p.dob.m == 7 && p.dob.d == 1:
				s.adultJul1++
			case p.dob.m == 12 && p.dob.d == 31:
				s.adultDec31++
			case p.dob.m == 1 && p.dob.d == 1:
				s.adultJan1++
			}
		}
		if p.nikDOB.y < 1980 && (p.ph == phNone || p.ph == phMidMonth) {
			s.bornBefore1980++
			if p.ph == phMidMonth {
				s.midMonth++
			}
		}
		if p.corrDOB {
			s.corrDOB++
		}
		if p.corrSex {
			s.corrSex++
		}
		if p.oldCode {
			s.oldCode++
		}
		if p.domicile >= 0 {
			s.domicile++
		}
	}
}
