package registry

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/google/uuid"
)

// Truth is a ground truth: the real person (entity) behind each source record, as a labelled
// set or the synthetic generator's truth.csv gives it.
type Truth struct {
	index    map[recordKey]int32 // record -> position in entity
	entity   []int32             // per truth record: its entity number
	entities []string            // entity number -> label, for hard-negative groups
	byLabel  map[string]int32
}

type recordKey struct{ source, localID string }

// NewTruth returns an empty truth; Add fills it.
func NewTruth() *Truth {
	return &Truth{index: map[recordKey]int32{}, byLabel: map[string]int32{}}
}

// Add states that (source, localID) is a record of entity. ErrInvalid when the record was
// already given another entity, or a field is empty.
func (t *Truth) Add(source, localID, entity string) error {
	if source == "" || localID == "" || entity == "" {
		return fmt.Errorf("%w: truth rows need source, local_id and entity", ErrInvalid)
	}
	e, ok := t.byLabel[entity]
	if !ok {
		e = int32(len(t.entities))
		t.entities = append(t.entities, entity)
		t.byLabel[entity] = e
	}
	k := recordKey{source, localID}
	if i, dup := t.index[k]; dup {
		if t.entity[i] != e {
			return fmt.Errorf("%w: a truth record is given two entities", ErrInvalid)
		}
		return nil
	}
	t.index[k] = int32(len(t.entity))
	t.entity = append(t.entity, e)
	return nil
}

// Records is the number of records the truth labels.
func (t *Truth) Records() int { return len(t.entity) }

// ReadTruth reads a truth CSV with a header naming at least the columns source, local_id and
// entity (in any order; other columns are ignored). Errors name the line, never the values.
func ReadTruth(r io.Reader) (*Truth, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read truth header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"source", "local_id", "entity"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: truth header has no %s column", ErrInvalid, need)
		}
	}
	cs, cl, ce := col["source"], col["local_id"], col["entity"]
	t := NewTruth()
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return t, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("read truth: %w", err)
		}
		if max(cs, cl, ce) >= len(row) {
			return nil, fmt.Errorf("%w: truth line %d has %d fields", ErrInvalid, line, len(row))
		}
		if err := t.Add(strings.TrimSpace(row[cs]), strings.TrimSpace(row[cl]), strings.TrimSpace(row[ce])); err != nil {
			return nil, fmt.Errorf("truth line %d: %w", line, err)
		}
	}
}

// HardNegativeGroup is a set of different people who look alike (twins, siblings with similar
// names, household members sharing a phone); a registry that puts two of them in one citizen has
// made the costly error.
type HardNegativeGroup struct {
	Kind     string
	Group    string
	Entities []string
}

// ReadHardNegatives reads the generator's hard_negatives.csv (columns kind, group, entity; one
// row per member), groups in order of first appearance.
func ReadHardNegatives(r io.Reader) ([]HardNegativeGroup, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("read hard negatives header: %w", err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, need := range []string{"kind", "group", "entity"} {
		if _, ok := col[need]; !ok {
			return nil, fmt.Errorf("%w: hard negatives header has no %s column", ErrInvalid, need)
		}
	}
	ck, cg, ce := col["kind"], col["group"], col["entity"]
	var out []HardNegativeGroup
	at := map[string]int{}
	for {
		row, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read hard negatives: %w", err)
		}
		if max(ck, cg, ce) >= len(row) {
			line, _ := cr.FieldPos(0)
			return nil, fmt.Errorf("%w: hard negatives line %d has %d fields", ErrInvalid, line, len(row))
		}
		g := row[cg]
		i, ok := at[g]
		if !ok {
			i = len(out)
			at[g] = i
			out = append(out, HardNegativeGroup{Kind: row[ck], Group: g})
		}
		out[i].Entities = append(out[i].Entities, row[ce])
	}
}

// Evaluator compares a registry's links with a truth. Feed it every active link (Add has the
// signature of Service.ExportLinks' callback), then call Result. It is pure: no I/O.
type Evaluator struct {
	truth      *Truth
	citizen    []int32 // per truth record: its citizen number, -1 while unseen
	citizens   map[uuid.UUID]int32
	notInTruth int
}

// NewEvaluator returns an Evaluator against t.
func NewEvaluator(t *Truth) *Evaluator {
	c := make([]int32, len(t.entity))
	for i := range c {
		c[i] = -1
	}
	return &Evaluator{truth: t, citizen: c, citizens: map[uuid.UUID]int32{}}
}

// Add records that the registry links (source, localID) to citizen. It never fails; the error
// result lets it be passed to Service.ExportLinks directly.
func (e *Evaluator) Add(source, localID string, citizen uuid.UUID) error {
	i, ok := e.truth.index[recordKey{source, localID}]
	if !ok {
		e.notInTruth++
		return nil
	}
	c, ok := e.citizens[citizen]
	if !ok {
		c = int32(len(e.citizens))
		e.citizens[citizen] = c
	}
	e.citizen[i] = c
	return nil
}

// Scores are precision, recall and F1.
type Scores struct {
	Precision float64 `json:"precision"`
	Recall    float64 `json:"recall"`
	F1        float64 `json:"f1"`
}

func scores(p, r float64) Scores {
	s := Scores{Precision: p, Recall: r}
	if p+r > 0 {
		s.F1 = 2 * p * r / (p + r)
	}
	return s
}

// HardNegativeCount is how many hard-negative groups of one kind there are, how many of them are
// wholly present in the registry, and how many the registry wrongly merged (two different people
// of the group under one citizen).
type HardNegativeCount struct {
	Groups  int `json:"groups"`
	Present int `json:"present"`
	Merged  int `json:"merged"`
}

// Evaluation is how a registry's links compare with a truth.
//
// Every figure is over the truth's records. A truth record the registry does not hold counts as
// a citizen of its own (its true pairs are misses), so a record lost on the way lowers recall as
// a blocking miss does. Links of records the truth does not label are ignored (NotInTruth).
type Evaluation struct {
	TruthRecords  int `json:"truth_records"`
	Linked        int `json:"linked"`          // truth records the registry links to a citizen
	NotInRegistry int `json:"not_in_registry"` // truth records the registry does not hold
	NotInTruth    int `json:"not_in_truth"`    // links of records the truth does not label
	Entities      int `json:"entities"`
	Citizens      int `json:"citizens"` // citizens holding truth records

	// Pairwise: a predicted pair is two truth records under one citizen; a true pair two records
	// of one entity.
	Pairwise       Scores `json:"pairwise"`
	TruePairs      int64  `json:"true_pairs"`
	PredictedPairs int64  `json:"predicted_pairs"`
	CorrectPairs   int64  `json:"correct_pairs"`
	// BCubed: per record, the share of its citizen's records that are the same person
	// (precision) and the share of its person's records under its citizen (recall), averaged.
	BCubed Scores `json:"bcubed"`

	// FalseMerges counts citizens holding records of two or more people (the costly error);
	// RecordsInFalseMerges the truth records under such citizens.
	FalseMerges          int `json:"false_merges"`
	RecordsInFalseMerges int `json:"records_in_false_merges"`
	// Splits counts people whose linked records are spread over two or more citizens;
	// ExtraCitizens the citizens beyond one per person that this creates.
	Splits        int `json:"splits"`
	ExtraCitizens int `json:"extra_citizens"`

	// HardNegatives, by kind, when hard-negative groups were given.
	HardNegatives map[string]HardNegativeCount `json:"hard_negatives,omitempty"`
}

// Result computes the evaluation of the links added so far; groups may be nil. Hard-negative
// entities the truth does not know are ignored.
func (e *Evaluator) Result(groups []HardNegativeGroup) Evaluation {
	t := e.truth
	n := len(t.entity)
	ev := Evaluation{TruthRecords: n, NotInTruth: e.notInTruth, Entities: len(t.entities), Citizens: len(e.citizens)}
	// Missing records become singleton citizens numbered after the real ones.
	cit := make([]int32, n)
	next := int32(len(e.citizens))
	for i, c := range e.citizen {
		if c < 0 {
			ev.NotInRegistry++
			c = next
			next++
		} else {
			ev.Linked++
		}
		cit[i] = c
	}
	citSize := make([]int64, next)
	entSize := make([]int64, len(t.entities))
	type cell struct{ c, e int32 }
	joint := map[cell]int64{}
	for i := range cit {
		citSize[cit[i]]++
		entSize[t.entity[i]]++
		joint[cell{cit[i], t.entity[i]}]++
	}
	pairs := func(k int64) int64 { return k * (k - 1) / 2 }
	for _, k := range citSize {
		ev.PredictedPairs += pairs(k)
	}
	for _, k := range entSize {
		ev.TruePairs += pairs(k)
	}
	var bp, br float64
	entsOfCit := make([]int32, next)
	citsOfEnt := make([]int32, len(t.entities))
	for k, v := range joint {
		ev.CorrectPairs += pairs(v)
		bp += float64(v*v) / float64(citSize[k.c])
		br += float64(v*v) / float64(entSize[k.e])
		entsOfCit[k.c]++
		if k.c < int32(len(e.citizens)) {
			citsOfEnt[k.e]++
		}
	}
	ev.Pairwise = scores(ratio64(ev.CorrectPairs, ev.PredictedPairs, 1), ratio64(ev.CorrectPairs, ev.TruePairs, 1))
	if n > 0 {
		ev.BCubed = scores(bp/float64(n), br/float64(n))
	}
	for c, k := range entsOfCit {
		if k > 1 {
			ev.FalseMerges++
			ev.RecordsInFalseMerges += int(citSize[c])
		}
	}
	for _, k := range citsOfEnt {
		if k > 1 {
			ev.Splits++
			ev.ExtraCitizens += int(k) - 1
		}
	}
	if groups != nil {
		ev.HardNegatives = e.hardNegatives(groups, cit)
	}
	return ev
}

// ratio64 is a/b, or empty when b is 0 (no pairs predicted: nothing was wrong).
func ratio64(a, b int64, empty float64) float64 {
	if b == 0 {
		return empty
	}
	return float64(a) / float64(b)
}

// hardNegatives counts, per kind, the groups in which two different people share a citizen.
func (e *Evaluator) hardNegatives(groups []HardNegativeGroup, cit []int32) map[string]HardNegativeCount {
	t := e.truth
	// The citizens of each entity's linked records.
	entCits := make([][]int32, len(t.entities))
	for i, c := range e.citizen {
		if c >= 0 {
			ent := t.entity[i]
			entCits[ent] = append(entCits[ent], cit[i])
		}
	}
	out := map[string]HardNegativeCount{}
	for _, g := range groups {
		hc := out[g.Kind]
		hc.Groups++
		owner := map[int32]int32{} // citizen -> the first entity of the group seen under it
		present, merged := true, false
		for _, label := range g.Entities {
			ent, ok := t.byLabel[label]
			if !ok || len(entCits[ent]) == 0 {
				present = false
				continue
			}
			for _, c := range entCits[ent] {
				if o, seen := owner[c]; seen && o != ent {
					merged = true
				} else if !seen {
					owner[c] = ent
				}
			}
		}
		if present {
			hc.Present++
		}
		if merged {
			hc.Merged++
		}
		out[g.Kind] = hc
	}
	return out
}

// HardNegativeKinds returns the kinds of an evaluation's hard-negative counts, sorted.
func (ev Evaluation) HardNegativeKinds() []string {
	kinds := make([]string, 0, len(ev.HardNegatives))
	for k := range ev.HardNegatives {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	return kinds
}
