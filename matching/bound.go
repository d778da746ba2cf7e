package matching

import (
	"math"
	"slices"
)

// MayReach reports false only for pairs whose Score is below floor, such as
// those a bulk scorer that keeps pairs at or above the review threshold can
// drop: it compares the cheap fields first and stops as soon as their weights
// plus the most the other fields could still add fall short of floor, usually
// without comparing the expensive ones. The pairs it lets through are for
// Score or Compare to decide, so that the household chain, the vetoes and the
// caps are applied in one place only (ScoreBounds.Compare does both without
// comparing a field twice). A NaN floor is never reached. Like Score it is
// deterministic and safe for concurrent use.
func (bd *ScoreBounds) MayReach(a, b *Normalized, floor float64) bool {
	var rs [maxFields]cmpResult
	_, _, ok := bd.reach(a, b, floor, &rs)
	return ok
}

// Compare is MayReach and then, for a pair it lets through, Model.Compare (ok false for the
// others), without comparing again the fields MayReach compared: in a load linking to the
// registry's citizens nearly every pair MayReach lets through is kept, and was compared twice.
func (bd *ScoreBounds) Compare(a, b *Normalized, floor float64) (c Comparison, ok bool) {
	var rs [maxFields]cmpResult
	x, y, ok := bd.reach(a, b, floor, &rs)
	if !ok {
		return Comparison{}, false
	}
	for _, i := range bd.unbounded {
		rs[i] = fieldSpecs[i].compare(x, y, bd.model)
	}
	return bd.model.comparison(x, y, &rs, &bd.levels), true
}

// reach is MayReach, keeping in rs the comparison of each field of boundOrder it compares (all
// of them when ok) and returning the pair in the order it compared them.
func (bd *ScoreBounds) reach(a, b *Normalized, floor float64, rs *[maxFields]cmpResult) (x, y *Normalized, ok bool) {
	if math.IsNaN(floor) {
		return nil, nil, false
	}
	m := bd.model
	x, y = ordered(a, b)
	// ub is what each household field can still weigh: its maximum until it
	// is compared, its weight (before householdEvidence) after.
	ub := bd.householdMax
	hb := bd.householdMaxTotal // bd.household(&ub), kept up to date
	known := m.PriorWeight
	for s, i := range boundOrder {
		if known+bd.rest[s]+hb+bd.slack < floor {
			return nil, nil, false
		}
		r := fieldSpecs[i].compare(x, y, m)
		rs[i] = r
		fw := m.fieldWeight(i, m.fieldParams(i), bd.levels[i], r, x, y)
		if h := bd.slot[i]; h >= 0 {
			ub[h] = fw
			hb = bd.household(&ub)
		} else {
			known += fw
		}
	}
	return x, y, !(known+bd.rest[len(boundOrder)]+hb+bd.slack < floor) // a NaN bound never stops it
}

// boundOrder is the order in which MayReach compares fields: the cheap fields
// that most often rule a pair out, NIK and birth date first, then name, dearer
// (a token alignment with Jaro-Winkler per word pair) but what most candidate
// pairs of different people disagree on. Address, the dearest field, is left
// to Score; its maximum stands in for it. A field missing from this list is
// simply never compared early, so the bound stays sound when fields are added.
var boundOrder = [...]int{fieldNIK, fieldBirthDate, fieldSex, fieldPhone, fieldEmail, fieldBirthPlace,
	fieldProvince, fieldPostcode, fieldLocality, fieldName}

// ScoreBounds are a model's upper bounds on what fields can add to a score,
// for MayReach and RuledOut. Build them once per model (Model.Bounds) and share
// them: they never change, as the model they describe never does once used.
//
// Score is PriorWeight plus each field's fieldWeight after householdEvidence,
// then at most capped (vetoes, identity conflicts, borrowed NIKs), and a cap
// only lowers it. fieldWeight is at most its level's rawWeight (a partial
// agreement is lowered to the records' self-agreement, never raised), and
// rawWeight is at most the level's weight plus the term-frequency adjustment,
// which clampAbs limits to |TFMaxAdjust| and which only levels marked in
// fieldSpec.tfLevels receive; missing values weigh 0. So max(0, max over
// levels) bounds every field (fieldMax). householdEvidence never raises a
// household field (see household), so those bounds hold after it too.
type ScoreBounds struct {
	model *Model
	// slot maps a field index to its place in householdFields, -1 if none.
	slot [maxFields]int
	// rest[s] is the sum of fieldMax over the fields that are not household
	// fields and not among boundOrder[:s].
	rest [len(boundOrder) + 1]float64
	// householdMax holds fieldMax of the household fields, and
	// householdMaxTotal household(&householdMax).
	householdMax      [len(householdFields)]float64
	householdMaxTotal float64
	// residual[k] bounds what household field k adds when it is not the
	// first of householdEvidence's chain.
	residual [len(householdFields)]float64
	// unbounded lists the fields not in boundOrder, which MayReach leaves to Compare.
	unbounded []int
	// slack absorbs the rounding of summing the same weights in another
	// order than Score: far more than the error, far less than any decision.
	slack float64
	// levels[i] holds levelWeight of field i's levels: the very values Score
	// computes, a logarithm each, computed once.
	levels [maxFields][]float64
	// distinctWeight caps pairs whose identities conflict (RuledOut).
	distinctWeight float64
	// fieldHi[i] is fieldMax of field i; hi[i][l] bounds rawWeight at its level l, and
	// hiFrom[i][l] at any level from l on (Below).
	fieldHi    [maxFields]float64
	hi, hiFrom [maxFields][]float64
}

// Bounds computes the model's score bounds, for MayReach and RuledOut.
func (m *Model) Bounds() *ScoreBounds { return newScoreBounds(m) }

func newScoreBounds(m *Model) *ScoreBounds {
	bd := &ScoreBounds{model: m, distinctWeight: m.DistinctWeight()}
	for i := range bd.slot {
		bd.slot[i] = -1
	}
	for k, i := range householdFields {
		bd.slot[i] = k
	}
	scale := math.Abs(m.PriorWeight)
	for i := range fieldSpecs {
		hi, lo := m.fieldRange(i)
		bd.fieldHi[i] = hi
		if fp := m.fieldParams(i); fp != nil {
			n := len(fp.Levels)
			bd.levels[i] = make([]float64, n)
			for l := range fp.Levels {
				bd.levels[i][l] = levelWeight(&fp.Levels[l])
			}
			bd.hi[i], bd.hiFrom[i] = make([]float64, n), make([]float64, n+1)
			bd.hiFrom[i][n] = math.Inf(-1)
			if n < len(fieldSpecs[i].levels) {
				bd.hiFrom[i][n] = 0 // the levels the model lacks weigh 0
			}
			for l := n - 1; l >= 0; l-- {
				h, _ := m.levelRange(i, l)
				if l == 0 {
					h = math.Max(h, 0) // rawWeight never weighs an exact agreement below 0
				}
				bd.hi[i][l] = h
				bd.hiFrom[i][l] = max(h, bd.hiFrom[i][l+1])
			}
		}
		scale += math.Max(hi, -lo)
		if k := bd.slot[i]; k >= 0 {
			bd.householdMax[k] = hi
		}
	}
	for s := range bd.rest {
		var done [maxFields]bool
		for _, i := range boundOrder[:s] {
			done[i] = true
		}
		for i := range fieldSpecs {
			if !done[i] && bd.slot[i] < 0 {
				bd.rest[s] += bd.fieldHi[i]
			}
		}
	}
	for k := range householdFields {
		bd.residual[k] = m.householdResidualMax(k)
	}
	for i := range fieldSpecs {
		if !slices.Contains(boundOrder[:], i) {
			bd.unbounded = append(bd.unbounded, i)
		}
	}
	bd.householdMaxTotal = bd.household(&bd.householdMax)
	bd.slack = 1e-9 * (1 + scale)
	return bd
}

// fieldRange bounds field i's fieldWeight over all pairs: hi from above
// (at least 0, the weight of a missing value) and lo from below. NaN
// parameters give NaN, which never lets MayReach stop early.
func (m *Model) fieldRange(i int) (hi, lo float64) {
	fp := m.fieldParams(i)
	if fp == nil {
		return 0, 0
	}
	for l := range fp.Levels {
		h, w := m.levelRange(i, l)
		hi, lo = math.Max(hi, h), math.Min(lo, w)
	}
	return hi, lo
}

// levelRange bounds rawWeight of field i at its level l, from above and below: the level's
// weight, give or take the most a term frequency may adjust it by.
func (m *Model) levelRange(i, l int) (hi, lo float64) {
	lp := &m.fieldParams(i).Levels[l]
	w, adj := levelWeight(lp), 0.0
	if levels := fieldSpecs[i].tfLevels; m.TermFrequencies != nil && !lp.Fixed && (l >= len(levels) || levels[l]) {
		adj = math.Abs(m.TFMaxAdjust)
	}
	return w + adj, w - adj
}

// levelHi bounds rawWeight of field i at level l (0 for a level the model lacks, as rawWeight
// weighs it).
func (bd *ScoreBounds) levelHi(i, l int) float64 {
	if l >= len(bd.hi[i]) {
		return 0
	}
	return bd.hi[i][l]
}

// levelsHi bounds rawWeight of field i at any level from l on.
func (bd *ScoreBounds) levelsHi(i, l int) float64 {
	if l >= len(bd.hiFrom[i]) {
		return 0
	}
	return bd.hiFrom[i][l]
}

// householdResidualMax bounds householdResidual for household field k over
// every earlier field j of a chain: the residual falls as P(k | j) rises, so
// the least dependence gives the most. +Inf when some dependence is 0 or
// unusable (householdResidual then keeps the whole weight).
func (m *Model) householdResidualMax(k int) float64 {
	fp := m.fieldParams(householdFields[k])
	if fp == nil || len(fp.Levels) == 0 {
		return math.Inf(1)
	}
	least := math.Inf(1)
	for j := range householdFields {
		if j == k {
			continue
		}
		d := m.householdDependence(k, j)
		if !(d > 0) { // 0, negative or NaN
			return math.Inf(1)
		}
		least = math.Min(least, d)
	}
	return math.Max(math.Log2(math.Max(fp.Levels[0].M, minProb)/least), 0)
}

// household bounds the total of the household fields after householdEvidence
// given bounds ub on their weights before it. The chain keeps its first
// field's weight f and adds for every other agreeing field k at most
// min(w_k, residual[k]); agreeing fields left out weigh 0 and disagreeing
// ones keep their negative weight (below any residual, which is >= 0). So the
// total is at most w_f + sum over k != f of min(w_k, residual[k]), which
// rises with every w: the sum of min(ub_k, residual[k]) plus the largest
// excess ub_f - residual[f] over the first field's choice. With the default
// model's dependence of 1 every residual is 0: only the strongest agreement
// counts, as in householdEvidence.
func (bd *ScoreBounds) household(ub *[len(householdFields)]float64) float64 {
	sum, excess := 0.0, 0.0
	for k, u := range ub {
		r := bd.residual[k]
		sum += min(u, r) // the builtins: NaN-propagating like math's, and cheaper
		excess = max(excess, u-r)
	}
	return sum + excess
}
