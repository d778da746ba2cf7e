package matching

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"sort"
)

// TrainOptions control Train. The zero value is usable.
type TrainOptions struct {
	// Seed seeds the random pairs used for u; the same seed and records give
	// the same model.
	Seed uint64
	// RandomPairs is how many random pairs estimate u (default 200,000;
	// every pair when there are fewer).
	RandomPairs int
	// MaxIterations bounds EM (default 200).
	MaxIterations int
	// Tolerance stops EM when no m moves by more (default 1e-7).
	Tolerance float64
	// MaxBlockSize skips blocking keys shared by more records when collecting
	// EM pairs (default 1,000): huge blocks are all non-matches and only slow
	// EM down.
	MaxBlockSize int
	// TermFrequencyLimit caps the values kept per term-frequency table
	// (default 10,000, most frequent first), which bounds the model's size.
	TermFrequencyLimit int
	// Base supplies thresholds, fixed (policy) levels and EM starting points
	// (default DefaultModel()).
	Base *Model
	// Version names the new model (default "em-" and a hash of its content).
	Version string
}

// TrainingSummary records how a model was estimated, for audit.
type TrainingSummary struct {
	Records        int     `json:"records"`
	RandomPairs    int     `json:"random_pairs"`
	CandidatePairs int     `json:"candidate_pairs"`
	Iterations     int     `json:"iterations"`
	Converged      bool    `json:"converged"`
	MatchShare     float64 `json:"match_share"` // estimated share of candidate pairs that match
}

// ErrTooFewRecords is returned by Train when there is nothing to learn from.
var ErrTooFewRecords = errors.New("matching: train: need at least 2 records")

// Train estimates a model from unlabelled records: u from random pairs, m by
// expectation-maximisation over the blocked candidate pairs, the prior from
// EM's estimate of how many candidate pairs match, and term frequencies from
// value counts. It returns a new model and never modifies opts.Base.
func Train(records []Normalized, opts TrainOptions) (*Model, error) {
	if len(records) < 2 {
		return nil, ErrTooFewRecords
	}
	if opts.RandomPairs <= 0 {
		opts.RandomPairs = 200_000
	}
	if opts.MaxIterations <= 0 {
		opts.MaxIterations = 200
	}
	if opts.Tolerance <= 0 {
		opts.Tolerance = 1e-7
	}
	if opts.MaxBlockSize <= 0 {
		opts.MaxBlockSize = 1000
	}
	if opts.TermFrequencyLimit <= 0 {
		opts.TermFrequencyLimit = 10_000
	}
	base := opts.Base
	if base == nil {
		base = DefaultModel()
	}
	m := cloneModel(base)
	m.TermFrequencies = termFrequencies(records, opts.TermFrequencyLimit)
	for i := range m.Fields {
		for j := range m.Fields[i].Levels {
			m.Fields[i].Levels[j].TFBase = 0
		}
	}
	nf := len(fieldSpecs)
	fields := make([]*FieldParams, nf)
	for i := range fieldSpecs {
		fields[i] = m.fieldParams(i)
		if fields[i] == nil || len(fields[i].Levels) != len(fieldSpecs[i].levels) {
			return nil, fmt.Errorf("matching: train: base model has no valid parameters for field %q", fieldSpecs[i].name)
		}
	}

	// u and term-frequency bases from random pairs.
	n := len(records)
	total := float64(n) * float64(n-1) / 2
	uCount := make([][]float64, nf)
	tfSum := make([][]float64, nf)
	for i := range fieldSpecs {
		uCount[i] = make([]float64, len(fieldSpecs[i].levels))
		tfSum[i] = make([]float64, len(fieldSpecs[i].levels))
	}
	randPatterns := make(map[uint64]float64)
	visit := func(a, b *Normalized) {
		x, y := ordered(a, b)
		var key uint64
		for i := range fieldSpecs {
			r := fieldSpecs[i].compare(x, y, m)
			key |= uint64(r.level+1) << (4 * i)
			if r.level == levelMissing {
				continue
			}
			uCount[i][r.level]++
			tfSum[i][r.level] += r.shared
		}
		randPatterns[key]++
	}
	sampled := 0
	if total <= float64(opts.RandomPairs) {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				visit(&records[i], &records[j])
				sampled++
			}
		}
	} else {
		rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15))
		for sampled < opts.RandomPairs {
			i, j := rng.IntN(n), rng.IntN(n)
			if i == j {
				continue
			}
			visit(&records[i], &records[j])
			sampled++
		}
	}

	// Candidate pairs, aggregated into comparison patterns for EM.
	pairs := candidatePairs(records, opts.MaxBlockSize)
	patterns := make(map[uint64]float64)
	levelSeen := make([][]float64, nf)
	for i := range fieldSpecs {
		levelSeen[i] = make([]float64, len(fieldSpecs[i].levels))
	}
	for _, p := range pairs {
		x, y := ordered(&records[p[0]], &records[p[1]])
		var key uint64
		for i := range fieldSpecs {
			r := fieldSpecs[i].compare(x, y, noTF{})
			key |= uint64(r.level+1) << (4 * i)
			if r.level != levelMissing {
				levelSeen[i][r.level]++
			}
		}
		patterns[key]++
	}
	pats := patternList(patterns)

	// u from random pairs (Laplace-smoothed); EM starts from the base m.
	uRand := make([][]float64, nf)
	for i := range fieldSpecs {
		L := len(fieldSpecs[i].levels)
		uRand[i] = make([]float64, L)
		obs := 0.0
		for _, c := range uCount[i] {
			obs += c
		}
		for l := 0; l < L; l++ {
			uRand[i][l] = (uCount[i][l] + 0.5) / (obs + 0.5*float64(L))
		}
	}
	em := runEM(pats, fields, uRand, opts.MaxIterations, opts.Tolerance)
	cand := float64(len(pairs))
	// Random pairs include true matches (in a small, highly duplicated set
	// enough to make "same email" look common among strangers). Remove them
	// by EM on the random pairs with m held at its estimate.
	randPats := patternList(randPatterns)
	uRand = deduplicatedU(randPats, fields, em.m, uRand, em.lambda*cand/total)
	m.HouseholdDependence = householdDependence(randPats, fields, em.m, uRand, em.lambda*cand/total)

	for i := range fieldSpecs {
		fp := fields[i]
		randObs := 0.0
		for _, c := range uCount[i] {
			randObs += c
		}
		candObs := 0.0
		for _, c := range levelSeen[i] {
			candObs += c
		}
		for l := range fp.Levels {
			lp := &fp.Levels[l]
			if lp.Fixed {
				continue
			}
			if candObs > 0 && randObs > 0 {
				lp.M = math.Max(em.m[i][l], minTrainedM)
				lp.U = uRand[i][l]
			}
			// Term-frequency base: Splink's formulation for the exact level
			// (u replaced by the value's frequency); for partial agreement
			// levels the mean surprise of the values random pairs share, so
			// that the adjustment averages to zero over non-matches.
			if fieldSpecs[i].tfLevels[l] && uCount[i][l] > 0 {
				if l == 0 {
					lp.TFBase = -math.Log2(lp.U)
				} else if uCount[i][l] >= 30 {
					lp.TFBase = tfSum[i][l] / uCount[i][l]
				} else {
					lp.TFBase = -math.Log2(lp.U)
				}
			} else if fieldSpecs[i].tfLevels[l] {
				lp.TFBase = -math.Log2(math.Max(lp.U, minProb))
			}
		}
	}
	matches := em.lambda * cand
	if matches < 1 {
		matches = 1
	}
	m.PriorWeight = math.Log2(matches / math.Max(total-matches, 1))
	m.Training = &TrainingSummary{
		Records: n, RandomPairs: sampled, CandidatePairs: len(pairs),
		Iterations: em.iterations, Converged: em.converged, MatchShare: em.lambda,
	}
	m.Version = opts.Version
	if m.Version == "" {
		m.Version = ""
		b, err := json.Marshal(m)
		if err != nil {
			return nil, fmt.Errorf("matching: train: encode model: %w", err)
		}
		h := fnv.New64a()
		h.Write(b)
		m.Version = fmt.Sprintf("em-%016x", h.Sum64())
	}
	return m, nil
}

// minTrainedM floors estimated m: EM happily concludes that true matches
// never disagree on a field it saw agree every time, which would let one
// typo veto a match with an unbounded negative weight.
const minTrainedM = 2e-3

func patternList(patterns map[uint64]float64) []emPattern {
	keys := make([]uint64, 0, len(patterns))
	for k := range patterns {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	pats := make([]emPattern, len(keys))
	for i, k := range keys {
		pats[i].count = patterns[k]
		for f := 0; f < len(fieldSpecs); f++ {
			pats[i].levels[f] = int8(int((k>>(4*f))&0xf) - 1)
		}
	}
	return pats
}

// deduplicatedU re-estimates u on random-pair patterns, weighting each
// pattern by its posterior probability of being a non-match under m and the
// match share lambda of random pairs.
func deduplicatedU(pats []emPattern, fields []*FieldParams, m, u [][]float64, lambda float64) [][]float64 {
	nf := len(fields)
	out := make([][]float64, nf)
	for i := range out {
		out[i] = append([]float64(nil), u[i]...)
	}
	lambda = math.Min(math.Max(lambda, 1e-12), 0.5)
	for it := 0; it < 30; it++ {
		acc := make([][]float64, nf)
		for i := range acc {
			acc[i] = make([]float64, len(out[i]))
			for l := range acc[i] {
				acc[i][l] = 0.5 // Laplace, as for the first estimate
			}
		}
		sumG, sumAll := 0.0, 0.0
		for _, p := range pats {
			lm, lu := math.Log(lambda), math.Log(1-lambda)
			for i := range fields {
				l := p.levels[i]
				if l < 0 || fields[i].Levels[l].Fixed {
					continue
				}
				lm += math.Log(math.Max(m[i][l], minTrainedM))
				lu += math.Log(out[i][l])
			}
			g := 1 / (1 + math.Exp(lu-lm))
			sumG += g * p.count
			sumAll += p.count
			for i := range fields {
				if l := p.levels[i]; l >= 0 {
					acc[i][l] += (1 - g) * p.count
				}
			}
		}
		for i := range acc {
			t := 0.0
			for _, v := range acc[i] {
				t += v
			}
			for l := range acc[i] {
				out[i][l] = acc[i][l] / t
			}
		}
		if sumAll > 0 {
			lambda = math.Min(math.Max(sumG/sumAll, 1e-12), 0.5)
		}
	}
	return out
}

// householdDependence estimates HouseholdDependence from random pairs that
// are confidently two different people (posterior from the identity fields,
// as in runEM, of at least 0.99: a few true duplicates among the random pairs
// would otherwise pass for strangers who agree on everything):
// P(k agrees exactly | j agrees exactly).
//
// Agreement on the rarest fields (address, phone) is rare among random pairs,
// so those conditionals rest on a handful of pairs; they are shrunk towards a
// pooled figure. The pooled figure is the share gamma of a field's surprise
// that agreement on an earlier field (in householdChain order, the only
// conditionals scoring uses) explains: P(k | j) = P(k)^(1-gamma), pooled over
// the well-observed pairs weighted by how many pairs saw j agree; a field no
// stranger agrees on (one a data set lacks) says nothing of dependence and is
// left out rather than counted as independent. A
// population register gives gamma near 1 (village, postcode and province move
// together), FEBRL's generator near 0; with no evidence at all gamma is 1, the
// cautious default.
func householdDependence(pats []emPattern, fields []*FieldParams, m, u [][]float64, lambda float64) [][]float64 {
	const (
		pseudo    = 10.0 // pairs' worth of weight of the pooled figure
		confident = 0.99 // minimum P(different people) of a pair that counts
	)
	nh := len(householdFields)
	residence := residenceFields()
	lambda = math.Min(math.Max(lambda, 1e-12), 0.5)
	both := make([][]float64, nh)
	given := make([]float64, nh)
	for k := range both {
		both[k] = make([]float64, nh)
	}
	total := 0.0
	for _, p := range pats {
		lm, lu := math.Log(lambda), math.Log(1-lambda)
		for i := range fields {
			l := p.levels[i]
			if l < 0 || fields[i].Levels[l].Fixed || residence[i] {
				continue
			}
			lm += math.Log(math.Max(m[i][l], minTrainedM))
			lu += math.Log(u[i][l])
		}
		if 1/(1+math.Exp(lm-lu)) < confident {
			continue
		}
		total += p.count
		for j, fj := range householdFields {
			if p.levels[fj] != 0 {
				continue
			}
			given[j] += p.count
			for k, fk := range householdFields {
				if p.levels[fk] == 0 {
					both[k][j] += p.count
				}
			}
		}
	}
	// marginal is P(k agrees) among strangers, kept away from 0 and 1 so
	// that logarithms stay finite.
	marginal := func(k int) float64 {
		if total <= 0 {
			return 0.5
		}
		return math.Min(math.Max((given[k]+0.5)/(total+1), 1e-9), 1-1e-9)
	}
	var chainPos [len(householdFields)]int
	for pos, h := range householdChain {
		chainPos[h] = pos
	}
	num, den := 0.0, 0.0
	for j := range householdFields {
		for k := range householdFields {
			if chainPos[j] >= chainPos[k] || given[j] <= 0 || given[k] <= 0 {
				continue
			}
			uk := marginal(k)
			cond := math.Max(both[k][j]/given[j], uk)
			num += given[j] * math.Min(math.Log(cond/uk)/math.Log(1/uk), 1)
			den += given[j]
		}
	}
	gamma := 1.0
	if den > 0 {
		gamma = num / den
	}
	out := make([][]float64, nh)
	for k := range out {
		out[k] = make([]float64, nh)
		prior := math.Pow(marginal(k), 1-gamma)
		for j := range out[k] {
			out[k][j] = (both[k][j] + pseudo*prior) / (given[j] + pseudo)
		}
	}
	return out
}

func cloneModel(b *Model) *Model {
	m := *b
	m.Fields = make([]FieldParams, len(b.Fields))
	for i, f := range b.Fields {
		m.Fields[i] = FieldParams{Field: f.Field, Levels: append([]LevelParams(nil), f.Levels...)}
	}
	m.TermFrequencies = nil
	m.HouseholdDependence = nil
	m.Training = nil
	return &m
}

type emPattern struct {
	levels [16]int8
	count  float64
}

type emResult struct {
	m          [][]float64
	lambda     float64
	iterations int
	converged  bool
}

// runEM estimates m (and, internally, the candidate-set u and the match
// share) by expectation-maximisation over comparison patterns. u is left
// free during EM because candidate non-matches are not random pairs: they
// agree on blocking fields far more often, and fixing u there would push that
// agreement into m. Fixed levels are excluded from the likelihood.
//
// The posterior of each pattern (E step) is computed from the person's own
// fields only, not from householdFields. Left in, the five residence and
// phone fields, which agree together for everyone living in one place, out-vote
// the identity fields, and EM's two classes become "same household" and
// "elsewhere": on a synthetic Indonesian register it concluded that 73% of true
// matches disagree on the NIK. The M step still estimates m and u of every
// field, household ones included, from the identity-defined classes.
func runEM(pats []emPattern, fields []*FieldParams, uInit [][]float64, maxIter int, tol float64) emResult {
	nf := len(fields)
	m := make([][]float64, nf)
	u := make([][]float64, nf)
	for i, fp := range fields {
		m[i] = make([]float64, len(fp.Levels))
		u[i] = append([]float64(nil), uInit[i]...)
		for l, lp := range fp.Levels {
			m[i][l] = math.Max(lp.M, 1e-6)
		}
	}
	lambda := 0.1
	res := emResult{}
	mNew := make([][]float64, nf)
	uNew := make([][]float64, nf)
	for i := range fields {
		mNew[i] = make([]float64, len(fields[i].Levels))
		uNew[i] = make([]float64, len(fields[i].Levels))
	}
	const pseudo = 1e-3
	residence := residenceFields()
	for it := 1; it <= maxIter; it++ {
		for i := range fields {
			for l := range mNew[i] {
				mNew[i][l], uNew[i][l] = pseudo, pseudo
			}
		}
		sumG, sumAll := 0.0, 0.0
		for _, p := range pats {
			lm, lu := math.Log(lambda), math.Log(1-lambda)
			for i := range fields {
				l := p.levels[i]
				if l < 0 || fields[i].Levels[l].Fixed || residence[i] {
					continue
				}
				lm += math.Log(m[i][l])
				lu += math.Log(u[i][l])
			}
			g := 1 / (1 + math.Exp(lu-lm))
			sumG += g * p.count
			sumAll += p.count
			for i := range fields {
				l := p.levels[i]
				if l < 0 || fields[i].Levels[l].Fixed {
					continue
				}
				mNew[i][l] += g * p.count
				uNew[i][l] += (1 - g) * p.count
			}
		}
		delta := 0.0
		for i := range fields {
			sm, su := 0.0, 0.0
			for l := range mNew[i] {
				if fields[i].Levels[l].Fixed {
					continue
				}
				sm += mNew[i][l]
				su += uNew[i][l]
			}
			for l := range mNew[i] {
				if fields[i].Levels[l].Fixed {
					continue
				}
				v := mNew[i][l] / sm
				delta = math.Max(delta, math.Abs(v-m[i][l]))
				m[i][l] = math.Max(v, 1e-9)
				u[i][l] = math.Max(uNew[i][l]/su, 1e-9)
			}
		}
		if sumAll > 0 {
			lambda = math.Min(math.Max(sumG/sumAll, 1e-9), 1-1e-9)
		}
		res.iterations = it
		if delta < tol {
			res.converged = true
			break
		}
	}
	res.m, res.lambda = m, lambda
	return res
}

// candidatePairs returns the distinct pairs (i < j) that share a blocking
// key, skipping keys held by more than maxBlock records, sorted.
func candidatePairs(records []Normalized, maxBlock int) [][2]int32 {
	index := make(map[string][]int32)
	for i := range records {
		for _, k := range BlockingKeys(records[i]) {
			index[k] = append(index[k], int32(i))
		}
	}
	seen := make(map[uint64]struct{})
	for _, ids := range index {
		if len(ids) < 2 || len(ids) > maxBlock {
			continue
		}
		for x := 0; x < len(ids); x++ {
			for y := x + 1; y < len(ids); y++ {
				a, b := ids[x], ids[y]
				if a > b {
					a, b = b, a
				}
				seen[uint64(a)<<32|uint64(b)] = struct{}{}
			}
		}
	}
	out := make([][2]int32, 0, len(seen))
	for k := range seen {
		out = append(out, [2]int32{int32(k >> 32), int32(k & 0xffffffff)})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i][0] != out[j][0] {
			return out[i][0] < out[j][0]
		}
		return out[i][1] < out[j][1]
	})
	return out
}

// termFrequencies counts, per table, how many records hold each value.
func termFrequencies(records []Normalized, limit int) map[string]TermFrequency {
	counts := map[string]map[string]int{}
	tables := []string{tfNIK, tfName, tfBirthDate, tfBirthPlace, tfLocality, tfPostcode, tfPhone, tfEmail}
	for _, t := range tables {
		counts[t] = map[string]int{}
	}
	recs := map[string]int{}
	addOne := func(t, v string) {
		if v != "" {
			counts[t][v]++
		}
	}
	for i := range records {
		r := &records[i]
		if r.NIK != "" {
			recs[tfNIK]++
			addOne(tfNIK, r.NIK)
		}
		if len(r.Name) > 0 {
			recs[tfName]++
			seen := map[string]bool{}
			for j, w := range r.Name {
				if j >= maxNameTokens || seen[w] {
					continue
				}
				seen[w] = true
				addOne(tfName, w)
			}
		}
		if len(r.BirthDate) == 10 {
			recs[tfBirthDate]++
			addOne(tfBirthDate, r.BirthDate)
		}
		if r.BirthPlace != "" {
			recs[tfBirthPlace]++
			addOne(tfBirthPlace, r.BirthPlace)
		}
		if r.Village != "" || r.District != "" || r.City != "" {
			recs[tfLocality]++
			if r.Village != "" {
				addOne(tfLocality, "v:"+r.Village)
			}
			if r.District != "" {
				addOne(tfLocality, "d:"+r.District)
			}
			if r.City != "" {
				addOne(tfLocality, "c:"+r.City)
			}
		}
		if r.Postcode != "" {
			recs[tfPostcode]++
			addOne(tfPostcode, r.Postcode)
		}
		if r.Phone != "" {
			recs[tfPhone]++
			addOne(tfPhone, r.Phone)
		}
		if r.Email != "" {
			recs[tfEmail]++
			addOne(tfEmail, r.Email)
		}
	}
	out := make(map[string]TermFrequency, len(tables))
	for _, t := range tables {
		if recs[t] == 0 {
			continue
		}
		type kv struct {
			v string
			c int
		}
		var kept []kv
		for v, c := range counts[t] {
			if c >= 2 {
				kept = append(kept, kv{v, c})
			}
		}
		sort.Slice(kept, func(i, j int) bool {
			if kept[i].c != kept[j].c {
				return kept[i].c > kept[j].c
			}
			return kept[i].v < kept[j].v
		})
		if len(kept) > limit {
			kept = kept[:limit]
		}
		tf := TermFrequency{Records: recs[t], Counts: make(map[string]int, len(kept))}
		for _, e := range kept {
			tf.Counts[e.v] = e.c
		}
		out[t] = tf
	}
	return out
}
