package matching

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"sort"
	"strings"
)

// Model is a versioned, JSON-serialisable set of matching parameters. The
// registry records the version with every automatic link, so a decision can
// always be traced to the parameters that made it; a model is never changed
// after it is built (Train returns a new one).
type Model struct {
	Version string `json:"version"`
	// PriorWeight is log2 of the prior odds that two records drawn at random
	// are the same person; Comparison.Weight includes it.
	PriorWeight float64 `json:"prior_weight"`
	// LinkProbability is the upper threshold: at or above it a clear best
	// candidate is linked automatically.
	LinkProbability float64 `json:"link_probability"`
	// ReviewProbability is the lower threshold: below it the record is new.
	ReviewProbability float64 `json:"review_probability"`
	// LinkMargin is how many bits of weight the best candidate must lead the
	// runner-up by (when the runner-up is itself plausible) to be linked.
	LinkMargin float64 `json:"link_margin"`
	// DistinctProbability is the score at or below which two records are
	// "clearly different"; clustering never puts such a pair together.
	DistinctProbability float64 `json:"distinct_probability"`
	// TFMaxAdjust bounds the term-frequency adjustment of one field, in bits.
	TFMaxAdjust float64 `json:"tf_max_adjust"`
	// Fields holds m and u per comparison level, in Comparison.Fields order.
	Fields []FieldParams `json:"fields"`
	// TermFrequencies holds value counts for term-frequency adjustment.
	TermFrequencies map[string]TermFrequency `json:"term_frequencies,omitempty"`
	// HouseholdDependence[k][j] is P(household field k agrees | household
	// field j agrees, different people), fields in the order address,
	// locality, province, postcode, phone, birth place (householdFields; see
	// householdEvidence). Nil, or a matrix of another size, means
	// 1: the household fields are taken as one piece of evidence.
	HouseholdDependence [][]float64 `json:"household_dependence,omitempty"`
	// Training describes how a trained model was estimated.
	Training *TrainingSummary `json:"training,omitempty"`
}

// UnmarshalJSON decodes a model strictly (a parameter this version does not
// know would be silently ignored, and the model would decide otherwise than
// it was built to) and completes one stored before a comparison level
// existed (addedLevels), so that it decides exactly as it did.
func (m *Model) UnmarshalJSON(b []byte) error {
	type stored Model // the same fields without this method
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode((*stored)(m)); err != nil {
		return err
	}
	m.addMissingLevels()
	return nil
}

// addedLevels are the comparison levels added after models were first
// stored, each with the level whose pairs it took over.
var addedLevels = []struct{ field, level, from string }{
	{FieldNIK, "conflict", "else"},
}

// addMissingLevels gives a model stored before an added level existed that
// level, with the parameters of the level that scored its pairs then.
func (m *Model) addMissingLevels() {
	for _, a := range addedLevels {
		i := slices.IndexFunc(fieldSpecs, func(s fieldSpec) bool { return s.name == a.field })
		fp := m.fieldParams(i)
		if fp == nil || len(fp.Levels) != slices.Index(fieldSpecs[i].levels, a.level) {
			continue // a model that has the level, or one this version cannot complete
		}
		if j := slices.IndexFunc(fp.Levels, func(l LevelParams) bool { return l.Level == a.from }); j >= 0 {
			l := fp.Levels[j]
			l.Level = a.level
			fp.Levels = append(fp.Levels, l)
		}
	}
}

// FieldParams are the parameters of one compared field.
type FieldParams struct {
	Field  string        `json:"field"`
	Levels []LevelParams `json:"levels"`
}

// LevelParams are the Fellegi-Sunter parameters of one comparison level: M is
// P(level | same person), U is P(level | different people). TFBase is the
// typical surprise of the values shared at this level (subtracted before a
// term-frequency adjustment). Fixed levels are policy, not estimates: Train
// leaves them alone.
type LevelParams struct {
	Level  string  `json:"level"`
	M      float64 `json:"m"`
	U      float64 `json:"u"`
	TFBase float64 `json:"tf_base,omitempty"`
	Fixed  bool    `json:"fixed,omitempty"`
	// Veto marks a hard negative (twins' consecutive NIK serials): the pair
	// is scored no higher than DistinctProbability whatever else agrees,
	// because twins share everything a household shares.
	Veto bool `json:"veto,omitempty"`
}

// TermFrequency counts how many records hold each value (values seen once
// are not stored: a missing value counts as one record).
type TermFrequency struct {
	Records int            `json:"records"`
	Counts  map[string]int `json:"counts,omitempty"`
}

// Comparison is the score of one pair with its explanation.
type Comparison struct {
	Probability float64           `json:"probability"` // match probability in [0,1]
	Weight      float64           `json:"weight"`      // total match weight (log2 Bayes factor, incl. prior)
	Fields      []FieldComparison `json:"fields"`      // the waterfall: one per compared field, in a fixed order
}

// FieldComparison is one bar of the waterfall: the level a field reached and
// the weight (bits) it contributed. Missing values have level "missing" and
// weight 0.
type FieldComparison struct {
	Field  string  `json:"field"`
	Level  string  `json:"level"`
	Weight float64 `json:"weight"`
}

// Candidate is a scored candidate (a citizen or a record) for one input record.
type Candidate struct {
	ID         string     `json:"id"`
	Comparison Comparison `json:"comparison"`
}

// Outcome is what the registry should do with a submitted record.
type Outcome string

// The three outcomes of Decide.
const (
	OutcomeLink   Outcome = "link"
	OutcomeReview Outcome = "review"
	OutcomeNew    Outcome = "new"
)

// Decision is the result of Decide. Ranked holds the candidates best first;
// Best indexes the chosen (link) or leading (review) candidate, -1 for new.
// Reason is a short fixed phrase, safe to log.
type Decision struct {
	Outcome Outcome
	Ranked  []Candidate
	Best    int
	Reason  string
}

// Level priors of DefaultModel, chosen for a national register: u values
// assume a large population with Indonesian name and birth-date
// distributions, m values the error rates of indonesia.md §2.8.
func defaultFields() []FieldParams {
	p := func(level string, m, u float64) LevelParams { return LevelParams{Level: level, M: m, U: u} }
	return []FieldParams{
		{FieldNIK, []LevelParams{p("exact", 0.92, 1e-7), {Level: "twin", M: 1e-6, U: 1, Fixed: true, Veto: true},
			p("edit1", 0.04, 1e-5), {Level: "serial", M: 0.002, U: 0.05, Fixed: true}, p("else", 0.035, 0.4), p("conflict", 0.003, 0.6)}},
		{FieldName, []LevelParams{p("exact", 0.6, 1e-5), p("fuzzy", 0.15, 1e-5), p("subset", 0.1, 1e-4),
			p("close", 0.05, 1e-4), p("partial", 0.04, 0.01), p("similar", 0.03, 0.005), p("else", 0.03, 0.98),
			{Level: "sibling", M: 1e-4, U: 0.01, Fixed: true, Veto: true}}},
		{FieldBirthDate, []LevelParams{p("exact", 0.85, 5e-5), p("exact_placeholder", 0.85, 2e-3),
			p("edit1", 0.06, 1e-3), p("near", 0.02, 3e-3), p("year", 0.02, 0.02), p("else", 0.02, 0.97)}},
		{FieldSex, []LevelParams{p("exact", 0.98, 0.5), p("else", 0.02, 0.5)}},
		{FieldBirthPlace, []LevelParams{p("exact", 0.8, 0.01), p("fuzzy", 0.1, 0.01), p("else", 0.1, 0.98)}},
		{FieldAddress, []LevelParams{p("exact", 0.6, 1e-4), p("high", 0.2, 1e-3), p("mid", 0.1, 0.01),
			p("low", 0.05, 0.05), p("else", 0.05, 0.94)}},
		{FieldLocality, []LevelParams{p("exact", 0.8, 0.005), p("fuzzy", 0.1, 0.005), p("else", 0.1, 0.99)}},
		{FieldProvince, []LevelParams{p("exact", 0.9, 0.1), p("else", 0.1, 0.9)}},
		{FieldPostcode, []LevelParams{p("exact", 0.8, 0.002), p("edit1", 0.05, 0.01), p("else", 0.15, 0.988)}},
		{FieldPhone, []LevelParams{p("exact", 0.6, 1e-6), p("edit1", 0.05, 1e-5), p("else", 0.35, 0.99999)}},
		{FieldEmail, []LevelParams{p("exact", 0.7, 1e-6), p("user", 0.1, 1e-5), p("fuzzy", 0.1, 1e-4), p("else", 0.1, 0.9999)}},
	}
}

// DefaultModel returns hand-set priors usable before any training, so the
// registry can match from its first record. Train replaces them with
// estimates from the registry's own data.
func DefaultModel() *Model {
	return &Model{
		Version:             "default-1",
		PriorWeight:         -20, // about one in a million: a register of a few million people
		LinkProbability:     0.99,
		ReviewProbability:   0.5,
		LinkMargin:          5,
		DistinctProbability: 0.001,
		TFMaxAdjust:         10,
		Fields:              defaultFields(),
	}
}

// tfMinCount is the count from which a value's frequency is trusted. Below
// it a value is "rare": its frequency is taken as tfMinCount/Records (the
// most it could plausibly be) and it is never penalised, because a small
// training set cannot tell a value seen once from one seen once in a million.
const tfMinCount = 5

// surprise implements tfLookup: -log2 of the share of records holding value.
func (m *Model) surprise(table, value string) (float64, bool) {
	t, ok := m.TermFrequencies[table]
	if !ok || t.Records <= 0 {
		return 0, false
	}
	c := t.Counts[value]
	common := c >= tfMinCount
	if !common {
		c = tfMinCount
	}
	if c >= t.Records {
		return 0, common
	}
	return math.Log2(float64(t.Records) / float64(c)), common
}

// fieldParams finds the parameters of spec i, tolerating a model whose
// fields are stored in another order.
func (m *Model) fieldParams(i int) *FieldParams {
	name := fieldSpecs[i].name
	if i < len(m.Fields) && m.Fields[i].Field == name {
		return &m.Fields[i]
	}
	for j := range m.Fields {
		if m.Fields[j].Field == name {
			return &m.Fields[j]
		}
	}
	return nil
}

// minProb keeps log2(m/u) finite for parameters estimated as zero.
const minProb = 1e-9

func levelWeight(l *LevelParams) float64 {
	return math.Log2(math.Max(l.M, minProb) / math.Max(l.U, minProb))
}

// tfAdjust is the term-frequency adjustment of a comparison: positive for
// rare shared values, negative only when a shared value is demonstrably common.
func tfAdjust(r cmpResult, base, limit float64) float64 {
	adj := clampAbs(r.shared-base, limit)
	if adj < 0 && !r.common {
		return 0
	}
	return adj
}

func clampAbs(x, limit float64) float64 {
	if x > limit {
		return limit
	}
	if x < -limit {
		return -limit
	}
	return x
}

// rawWeight is a level's weight with its term-frequency adjustment. An
// agreement (the exact level, or identical values at any level) never weighs
// below 0, so that a missing value never beats an agreeing one. levels holds
// levelWeight of fp's levels when a caller scoring millions of pairs computed
// them once (ScoreBounds), nil otherwise.
func (m *Model) rawWeight(fp *FieldParams, levels []float64, r cmpResult) float64 {
	if r.level == levelMissing || fp == nil || r.level >= len(fp.Levels) {
		return 0
	}
	lp := &fp.Levels[r.level]
	var w float64
	if levels != nil {
		w = levels[r.level]
	} else {
		w = levelWeight(lp)
	}
	if lp.Fixed {
		return w
	}
	if r.tf && m.TermFrequencies != nil {
		w += tfAdjust(r, lp.TFBase, m.TFMaxAdjust)
	}
	if r.level == 0 || r.identical {
		w = math.Max(w, 0)
	}
	return w
}

// fieldWeight weights one field's comparison. A term-frequency adjustment
// makes agreement on a rare value count more than agreement on a common one
// (Splink's formulation: u is replaced by the value's frequency). A partial
// agreement never weighs more than either record compared with itself,
// which keeps "a record matches itself best" true under any parameters.
func (m *Model) fieldWeight(i int, fp *FieldParams, levels []float64, r cmpResult, a, b *Normalized) float64 {
	w := m.rawWeight(fp, levels, r)
	if w <= 0 || r.level == 0 || r.identical {
		return w
	}
	return math.Min(w, math.Min(m.rawWeight(fp, levels, selfResult(i, a, m)), m.rawWeight(fp, levels, selfResult(i, b, m))))
}

// ordered returns the pair in a canonical order so that every comparator
// sees (a, b) and (b, a) identically: scores are exactly symmetric.
func ordered(a, b *Normalized) (*Normalized, *Normalized) {
	if lessNormalized(b, a) {
		return b, a
	}
	return a, b
}

func lessNormalized(a, b *Normalized) bool {
	// strings.Compare decides in one pass where != then < would take two: this runs for every
	// pair scored, and candidates in one block often share a long NIK prefix.
	if c := strings.Compare(a.NIK, b.NIK); c != 0 {
		return c < 0
	}
	if c := compareStrings(a.Name, b.Name); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.BirthDate, b.BirthDate); c != 0 {
		return c < 0
	}
	if c := compareStrings(a.Address, b.Address); c != 0 {
		return c < 0
	}
	for _, p := range [...][2]string{{a.Sex, b.Sex}, {a.BirthPlace, b.BirthPlace}, {a.Village, b.Village},
		{a.District, b.District}, {a.City, b.City}, {a.Province, b.Province}, {a.Postcode, b.Postcode},
		{a.Phone, b.Phone}, {a.Email, b.Email}} {
		if c := strings.Compare(p[0], p[1]); c != 0 {
			return c < 0
		}
	}
	if a.NIKValid != b.NIKValid {
		return !a.NIKValid
	}
	return false
}

func compareStrings(a, b []string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if c := strings.Compare(a[i], b[i]); c != 0 {
			return c
		}
	}
	return len(a) - len(b)
}

// Compare scores a pair of records with its explanation. It is symmetric,
// deterministic and safe for concurrent use.
func (m *Model) Compare(a, b Normalized) Comparison {
	x, y := ordered(&a, &b)
	var rs [maxFields]cmpResult
	for i := range fieldSpecs {
		rs[i] = fieldSpecs[i].compare(x, y, m)
	}
	return m.comparison(x, y, &rs, nil)
}

// comparison is Compare's waterfall for the ordered pair x, y given its fields' comparisons rs;
// levels, when not nil, holds the model's level weights (ScoreBounds.levels).
func (m *Model) comparison(x, y *Normalized, rs *[maxFields]cmpResult, levels *[maxFields][]float64) Comparison {
	c := Comparison{Weight: m.PriorWeight, Fields: make([]FieldComparison, len(fieldSpecs))}
	veto := -1
	var ws [maxFields]float64
	var lv [maxFields]int
	for i := range fieldSpecs {
		spec := &fieldSpecs[i]
		fp := m.fieldParams(i)
		r := rs[i]
		var lw []float64
		if levels != nil {
			lw = levels[i]
		}
		w := m.fieldWeight(i, fp, lw, r, x, y)
		level := "missing"
		if r.level != levelMissing {
			level = spec.levels[r.level]
			if fp != nil && r.level < len(fp.Levels) && fp.Levels[r.level].Veto {
				veto = i
			}
		}
		c.Fields[i] = FieldComparison{Field: spec.name, Level: level, Weight: w}
		ws[i], lv[i] = w, r.level
	}
	m.householdEvidence(&ws, &lv)
	for i := range c.Fields {
		c.Fields[i].Weight = ws[i]
		c.Weight += ws[i]
	}
	// A cap lowers one bar so that the waterfall still sums to the total: the
	// vetoing field's, or the NIK's, whose agreement or disagreement is what
	// misled.
	if cap, ok := m.capOf(x, y, &lv, veto >= 0); ok && c.Weight > cap {
		if veto < 0 {
			veto = fieldNIK
		}
		c.Fields[veto].Weight -= c.Weight - cap
		c.Weight = cap
	}
	c.Probability = probability(c.Weight)
	return c
}

// Score is Compare without the explanation: the total weight only, for bulk
// scoring where allocating a waterfall per pair would dominate the cost.
func (m *Model) Score(a, b *Normalized) float64 {
	x, y := ordered(a, b)
	w := m.PriorWeight
	veto := false
	var ws [maxFields]float64
	var lv [maxFields]int
	for i := range fieldSpecs {
		r := fieldSpecs[i].compare(x, y, m)
		fp := m.fieldParams(i)
		ws[i], lv[i] = m.fieldWeight(i, fp, nil, r, x, y), r.level
		if r.level != levelMissing && fp != nil && r.level < len(fp.Levels) && fp.Levels[r.level].Veto {
			veto = true
		}
	}
	m.householdEvidence(&ws, &lv)
	for i := range fieldSpecs {
		w += ws[i]
	}
	if cap, ok := m.capOf(x, y, &lv, veto); ok && w > cap {
		w = cap
	}
	return w
}

// capOf is the most a pair may score whatever its fields sum to: a veto or a
// hard negative caps it at the distinct threshold; a NIK that is nearly the
// pair's only evidence of identity (doubtfulNIK) at the middle of the
// uncertain band, so that a steward decides. ok is false when nothing caps the pair.
func (m *Model) capOf(x, y *Normalized, lv *[maxFields]int, veto bool) (cap float64, ok bool) {
	switch {
	case veto || hardNegative(x, y, lv):
		return m.DistinctWeight(), true
	case doubtfulNIK(x, y, lv):
		return (m.ReviewWeight() + m.LinkWeight()) / 2, true
	}
	return 0, false
}

// maxFields bounds len(fieldSpecs), so per-pair weights live on the stack.
const maxFields = 16

// householdFields are the fields that people living together share: the
// address at every level of detail, the household's phone, and the birth
// place (a family's children are mostly born where it lives, so siblings at
// one address agree on it too), in the order of Model.HouseholdDependence.
// A model trained with another list keeps its dependence estimates unused
// (householdDependence), which counts only the strongest agreement.
var householdFields = [...]int{fieldAddress, fieldLocality, fieldProvince, fieldPostcode, fieldPhone, fieldBirthPlace}

// residenceFields marks the household fields that say where a person lives:
// all but birth place, which is the person's own. Training leaves them out
// when it judges whether two records are one person (EM's E step, the
// strangers the dependence is estimated from), so that it learns "same
// person" rather than "same household".
func residenceFields() (out [maxFields]bool) {
	for _, i := range householdFields {
		out[i] = i != fieldBirthPlace
	}
	return out
}

// householdChain orders householdFields (by index) from the most to the
// least specific: address, phone, postcode, locality, birth place, province.
var householdChain = [...]int{0, 4, 3, 1, 5, 2}

// householdEvidence corrects the one dependence Fellegi-Sunter's independence
// assumption gets badly wrong for a population register. Among different
// people, agreeing on the address makes agreeing on village, postcode,
// province and often phone and birth place nearly certain (they live
// together), so summing the agreements counts one fact several times: it made
// a father and son at one address, with different NIKs, names and birth
// dates, an automatic link, and with birth place counted apart, siblings
// with nested names under a model trained on a realistically spread
// population.
//
// The agreeing household fields (positive weight) are counted as a chain,
// most specific first: the first keeps its weight, each next one k counts
// only what it adds given the earlier ones, log2(m_k / P(k agrees | j agrees,
// different people)) for the most predictive earlier j, at most its own
// weight and never below 0. The total is the best chain over subsets of the
// agreeing fields, so it grows whenever an agreement is added or
// strengthened: a record still matches itself at least as well as any other
// record. Fields left out of the best chain weigh 0; disagreements keep their
// (negative) weights. With HouseholdDependence nil (the default model) every
// conditional is 1 and only the strongest agreement counts; a trained model
// estimates them from random pairs, so a population whose fields vary
// independently (FEBRL's generator draws suburb and postcode separately)
// keeps nearly the whole sum.
func (m *Model) householdEvidence(ws *[maxFields]float64, lv *[maxFields]int) {
	const nh = len(householdFields)
	var agree [nh]int // indices into householdFields, in chain order
	n := 0
	for _, h := range householdChain {
		if ws[householdFields[h]] > 0 {
			agree[n] = h
			n++
		}
	}
	if n < 2 {
		return
	}
	// A subset's condition for its a-th field is one of dep[a][b], so the residual for it,
	// a logarithm, is taken once per pair of fields (res) rather than once per subset.
	var dep, res [nh][nh]float64
	for a := 1; a < n; a++ {
		k := agree[a]
		for b := 0; b < a; b++ {
			dep[a][b] = m.householdDependence(k, agree[b])
			res[a][b] = m.householdResidual(k, ws[householdFields[k]], dep[a][b])
		}
	}
	best := math.Inf(-1)
	var keep, c [nh]float64
	for mask := 1; mask < 1<<n; mask++ {
		total, first := 0.0, true
		for a := 0; a < n; a++ {
			c[a] = 0
			if mask&(1<<a) == 0 {
				continue
			}
			k := agree[a]
			w := ws[householdFields[k]]
			if first {
				c[a], first = w, false
			} else {
				cond := 0.0
				for b := 0; b < a; b++ {
					if mask&(1<<b) != 0 {
						cond = math.Max(cond, dep[a][b])
					}
				}
				from := -1
				for b := 0; b < a && from < 0; b++ {
					if mask&(1<<b) != 0 && dep[a][b] == cond {
						from = b
					}
				}
				if from >= 0 {
					c[a] = res[a][from]
				} else { // cond is 0 with every dependence below it, or NaN
					c[a] = m.householdResidual(k, w, cond)
				}
			}
			total += c[a]
		}
		if total > best {
			best, keep = total, c
		}
	}
	for a := 0; a < n; a++ {
		ws[householdFields[agree[a]]] = keep[a]
	}
}

// householdDependence is P(household field k agrees | household field j
// agrees, different people): 1 unless the model estimated it.
func (m *Model) householdDependence(k, j int) float64 {
	d := m.HouseholdDependence
	if len(d) != len(householdFields) || len(d[k]) != len(householdFields) {
		return 1
	}
	return d[k][j]
}

// householdResidual is what household field k, of weight w, adds when an
// earlier field's agreement already makes its agreement likely with
// probability cond. It uses k's exact-level m (cond is about exact
// agreement), which also keeps it from growing when k's agreement weakens.
func (m *Model) householdResidual(k int, w, cond float64) float64 {
	fp := m.fieldParams(householdFields[k])
	if fp == nil || len(fp.Levels) == 0 || cond <= 0 {
		return w
	}
	r := math.Log2(math.Max(fp.Levels[0].M, minProb) / cond)
	return math.Min(w, math.Max(r, 0))
}

// probability maps a log2 odds weight to a probability in [0,1].
func probability(w float64) float64 {
	switch {
	case math.IsNaN(w):
		return 0
	case w > 60:
		return 1
	case w < -60:
		return 0
	}
	return 1 / (1 + math.Exp2(-w))
}

// weightOf is the inverse of probability, for thresholds.
func weightOf(p float64) float64 {
	p = math.Min(math.Max(p, 1e-15), 1-1e-15)
	return math.Log2(p / (1 - p))
}

// LinkWeight is LinkProbability as a weight (bits), for batch thresholds.
func (m *Model) LinkWeight() float64 { return weightOf(m.LinkProbability) }

// ReviewWeight is ReviewProbability as a weight (bits).
func (m *Model) ReviewWeight() float64 { return weightOf(m.ReviewProbability) }

// Bridge is the single-record form of Cluster's transitive links. Decide
// sends a record to review when its runner-up is as strong as its best
// candidate; when every plausible candidate (at or above the review
// threshold) is above the link threshold, two or more of them, the record is
// the same person as each, so they are one person: the citizens were split
// only because the record that joins them came later. Bridge returns those
// candidates, best first, for the caller to merge into the best and link
// the record to; nil when d is not such a review. A link whose runner-up is
// also above the link threshold but clearly behind is left alone: on the
// generated population, joining those citizens too merged look-alike
// household members (precision 0.998 to 0.988 at 10,000 people). The caller
// applies the chain guard (Distinct over the records involved) and
// stewards' decisions before merging.
func (m *Model) Bridge(d Decision) []Candidate {
	if d.Outcome != OutcomeReview {
		return nil
	}
	var strong []Candidate
	for _, c := range d.Ranked { // best first
		if c.Comparison.Probability < m.ReviewProbability {
			break
		}
		if c.Comparison.Probability < m.LinkProbability {
			return nil
		}
		strong = append(strong, c)
	}
	if len(strong) < 2 {
		return nil
	}
	return strong
}

// Confirm says whether a pending review is settled by a record that came
// later. The review's record, waiting, waits on its own provisional citizen
// with review, its candidates as they were scored (named by their citizens
// now, the provisional one left out); the later record linked to citizen.
// Confirm decides the review's candidates again, citizen's score raised to
// what the later record says about the waiting one if that is more, and
// reports whether Decide now links the waiting record to citizen. Only a
// citizen the review proposed can be confirmed, and a runner-up that made the
// review still stands against it: another copy of the proposed person is
// evidence about the record's own match, not against the other candidates.
// Only evidence about who the person is counts: agreements of where the two
// live (address, locality, postcode, phone) are left out of the weight that
// must reach the link threshold and raises the score, and a later record
// whose name shares at most one word with the waiting one's, or whose NIK
// differs from it, confirms nothing. Twins, siblings, a mother and daughter
// of one name and namesakes with a mistyped birth year share the rest (on the
// generated population such confirmations merged them). The caller applies
// the chain guard and stewards' decisions, as for Bridge.
func (m *Model) Confirm(review []Candidate, citizen string, later, waiting *Normalized) bool {
	if r := compareName(later, waiting, m); r.level != levelMissing && otherNameLevel(r.level) {
		return false
	}
	if r := compareNIK(later, waiting, m); r.level > 0 {
		return false // two numbers that differ: a third record does not settle which is whose
	}
	best := map[string]float64{}
	for _, c := range review {
		if b, ok := best[c.ID]; !ok || c.Comparison.Weight > b {
			best[c.ID] = c.Comparison.Weight
		}
	}
	old, ok := best[citizen]
	if !ok {
		return false
	}
	// What the two records say about who the person is, not where they live: agreements of
	// residence are what household members share.
	c := m.Compare(*later, *waiting)
	own, residence := c.Weight, residenceFields()
	for i, f := range c.Fields {
		if residence[i] && f.Weight > 0 {
			own -= f.Weight
		}
	}
	if own < m.LinkWeight() {
		return false
	}
	best[citizen] = max(old, own)
	cands := make([]Candidate, 0, len(best))
	for id, w := range best {
		cands = append(cands, Candidate{ID: id, Comparison: Comparison{Weight: w, Probability: probability(w)}})
	}
	d := m.Decide(cands)
	return d.Outcome == OutcomeLink && d.Ranked[d.Best].ID == citizen
}

// Distinct reports whether two of the records are different people by the
// distinct threshold (a hard negative, or evidence that strong): Cluster's
// guard against chaining, for callers that join groups of records.
func (m *Model) Distinct(recs []*Normalized) bool {
	cap := m.DistinctWeight()
	for i := range recs {
		for j := i + 1; j < len(recs); j++ {
			if m.Score(recs[i], recs[j]) <= cap {
				return true
			}
		}
	}
	return false
}

// DistinctWeight is DistinctProbability as a weight (bits).
func (m *Model) DistinctWeight() float64 { return weightOf(m.DistinctProbability) }

// Decide turns scored candidates into an outcome: link above the upper
// threshold only when the best is clearly ahead of a plausible runner-up,
// review in the uncertain band or on a close runner-up, new below the lower
// threshold. It does not modify cands.
func (m *Model) Decide(cands []Candidate) Decision {
	r := append([]Candidate(nil), cands...)
	sort.SliceStable(r, func(i, j int) bool {
		wi, wj := r[i].Comparison.Weight, r[j].Comparison.Weight
		if wi != wj {
			return wi > wj
		}
		return r[i].ID < r[j].ID
	})
	d := Decision{Ranked: r, Best: -1}
	if len(r) == 0 {
		d.Outcome, d.Reason = OutcomeNew, "no candidates"
		return d
	}
	top := r[0].Comparison
	switch {
	case top.Probability < m.ReviewProbability:
		d.Outcome, d.Reason = OutcomeNew, "best candidate below the review threshold"
	case top.Probability < m.LinkProbability:
		d.Outcome, d.Best, d.Reason = OutcomeReview, 0, "best candidate in the uncertain band"
	case len(r) > 1 && r[1].Comparison.Probability >= m.ReviewProbability &&
		top.Weight-r[1].Comparison.Weight < m.LinkMargin:
		d.Outcome, d.Best, d.Reason = OutcomeReview, 0, "runner-up too close to the best candidate"
	default:
		d.Outcome, d.Best, d.Reason = OutcomeLink, 0, "best candidate above the link threshold and clearly ahead"
	}
	return d
}
