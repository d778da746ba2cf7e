package matching

import (
	"math"
	"testing"
)

// A son's school record carrying his father's NIK: the numbers agree, the
// names share only the family name and the stated birth dates are decades
// apart. The NIK belongs to one of them only.
func TestBorrowedNIKIsAHardNegative(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	home := Record{Sex: "M", Address: "Jl. Merdeka No. 48 RT 006 RW 004", Village: "Lalang", City: "Kota Medan", Province: "Sumatera Utara"}
	father, son := home, home
	father.NIK, father.FullName, father.BirthDate = "1271032209630001", "Abdul Budi Hartono", "1963-09-22"
	son.NIK, son.FullName, son.BirthDate = "1271032209630001", "Ridwan Hartono", "2002-10-29"
	a, b := normT(t, father), normT(t, son)
	c := m.Compare(a, b)
	if c.Weight > m.DistinctWeight()+1e-9 {
		t.Errorf("father and son sharing the father's NIK score %.1f bits, want at most the distinct threshold %.1f: %+v", c.Weight, m.DistinctWeight(), c.Fields)
	}
	if s := m.Score(&a, &b); math.Abs(s-c.Weight) > 1e-9 {
		t.Errorf("Score %.6f and Compare %.6f disagree", s, c.Weight)
	}
	// The father's record without a birth date: the date read from the NIK contradicts the
	// son's stated one just as well.
	undated := father
	undated.BirthDate = ""
	if c := m.Compare(normT(t, undated), b); c.Weight > m.DistinctWeight()+1e-9 {
		t.Errorf("undated father and son sharing the father's NIK score %.1f bits: %+v", c.Weight, c.Fields)
	}
	// The same NIK with the same person's name and a mistyped birth date stays a match.
	typo := father
	typo.BirthDate = "1936-09-22"
	c = m.Compare(a, normT(t, typo))
	if c.Probability < m.LinkProbability {
		t.Errorf("one person with a mistyped birth date scores %.4f: %+v", c.Probability, c.Fields)
	}
}

// A newborn's placeholder record ("By. Ny. <mother>") under its mother's NIK is not the mother.
func TestNewbornUnderMothersNIKIsAHardNegative(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	m.PriorWeight = -15 // a registry of some ten thousand people, where the summed weights alone would link the pair
	mother := Record{NIK: "3209126406950003", FullName: "Lusia Maya Pangemanan", Sex: "P", BirthDate: "1995-06-24",
		Address: "Kp. Wonosari RT 008 RW 003", Village: "Cikulak", City: "Kabupaten Cirebon", Province: "Jawa Barat",
		Postcode: "45188", Phone: "089851146270"}
	baby := mother
	baby.FullName, baby.BirthDate = "By. Ny. Lusia", "2025-03-03"
	a, b := normT(t, mother), normT(t, baby)
	if c := m.Compare(a, b); c.Weight > m.DistinctWeight()+1e-9 || m.Score(&a, &b) != c.Weight {
		t.Errorf("a newborn under its mother's NIK scores %.1f bits, want at most the distinct threshold %.1f: %+v", c.Weight, m.DistinctWeight(), c.Fields)
	}
	// The mother's own record under her full name and that NIK, a birth date apart, stays hers.
	typo := mother
	typo.BirthDate = "1959-06-24"
	if c := m.Compare(a, normT(t, typo)); c.Probability < m.LinkProbability {
		t.Errorf("the mother with a mistyped birth date scores %.4f: %+v", c.Probability, c.Fields)
	}
}

// Two records sharing a NIK and a birth date, whose names share one word and whose birth places
// differ: a relative's NIK or a nickname; a steward decides.
func TestDoubtfulNIKGoesToReview(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	home := Record{NIK: "3273015505870001", BirthDate: "1987-05-15", Sex: "P", Address: "Jl. Dago No. 1 RT 001 RW 002",
		Village: "Dago", City: "Kota Bandung", Province: "Jawa Barat"}
	a, b := home, home
	a.FullName, a.BirthPlace = "Dewi Lestari", "Bandung"
	b.FullName, b.BirthPlace = "Ratna Lestari", "Surabaya"
	c := m.Compare(normT(t, a), normT(t, b))
	if c.Probability < m.ReviewProbability || c.Probability >= m.LinkProbability {
		t.Errorf("shared NIK, names sharing one word, other birth places: p = %.4f, want the uncertain band: %+v", c.Probability, c.Fields)
	}
	// The same birth place too: the records agree on everything personal but the name's other word.
	b.BirthPlace = a.BirthPlace
	if c := m.Compare(normT(t, a), normT(t, b)); c.Probability < m.LinkProbability {
		t.Errorf("shared NIK, date and birth place: p = %.4f, want a link", c.Probability)
	}
}

// Two people of one district born the same day whose NIKs differ by one digit of the year (one
// record's NIK mistyped, or simply the neighbour's serial 0001): with names that have nothing in
// common the NIK's near-agreement is no identity, and a steward decides. The same pair with one
// name is a mistyped NIK on a person's own records, and links.
func TestNearNIKWithAnotherNameGoesToReview(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	a := Record{NIK: "1502055902840001", FullName: "Aisyah", Sex: "P", BirthDate: "1985-02-19", BirthPlace: "Merangin",
		Address: "Jl. Asia Afrika No. 19 RT 011 RW 003", Village: "Dusun Baru", District: "Tabir",
		City: "Kabupaten Merangin", Province: "Jambi", Postcode: "37350"}
	b := a
	b.NIK, b.FullName = "1502055902850001", "Retno"
	b.Address, b.Village = "Jl. Rajiman No. 47 RT 002 RW 001", "Pasar Rantau Panjang"
	c := m.Compare(normT(t, a), normT(t, b))
	if c.Probability >= m.LinkProbability {
		t.Errorf("NIKs one digit apart, names with nothing in common: p = %.4f, want below the link threshold: %+v", c.Probability, c.Fields)
	}
	b.FullName = a.FullName
	if c := m.Compare(normT(t, a), normT(t, b)); c.Probability < m.LinkProbability {
		t.Errorf("NIKs one digit apart, the same name, date and district: p = %.4f, want a link", c.Probability)
	}
}

// A mother's record that was given her daughter's birth date: her own NIK, another name (or one
// sharing a family name), and the daughter's date, address and phone. Nothing says "the same
// person" but a date and a household that the two share by living together, so a steward decides.
func TestOtherNIKAndOtherNameGoesToReview(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	m.PriorWeight = -15 // a registry of some ten thousand people, where the summed weights alone would link the pair
	daughter := Record{NIK: "3578296110990001", FullName: "Tantri Astuti", Sex: "P", BirthDate: "1999-10-21", BirthPlace: "Surabaya",
		Address: "Jl. Medokan Ayu No. 46 RT 014 RW 007", Village: "Medokan Ayu", City: "Kota Surabaya", Province: "Jawa Timur",
		Postcode: "60295", Phone: "081234560046"}
	mother := daughter
	mother.NIK, mother.FullName = "3578294311630001", "Siti Wahyuningsih"
	a, b := normT(t, daughter), normT(t, mother)
	c := m.Compare(a, b)
	if c.Probability >= m.LinkProbability || m.Score(&a, &b) != c.Weight {
		t.Errorf("other NIK, other name, the same date and household: p = %.4f, want below the link threshold: %+v", c.Probability, c.Fields)
	}
	// A family name in common is no more: a relative shares it.
	mother.FullName = "Siti Wahyuningsih Astuti"
	b = normT(t, mother)
	if c := m.Compare(a, b); c.Probability >= m.LinkProbability || m.Score(&a, &b) != c.Weight {
		t.Errorf("other NIK, one word of the name, the same date and household: p = %.4f, want below the link threshold: %+v", c.Probability, c.Fields)
	}
	// The same pair with the daughter's name is her own record with a mistyped NIK.
	mother.FullName = daughter.FullName
	if c := m.Compare(a, normT(t, mother)); c.Probability < m.LinkProbability {
		t.Errorf("other NIK, the same name, date and household: p = %.4f, want a link", c.Probability)
	}
}

func cand(id string, p float64) Candidate {
	return Candidate{ID: id, Comparison: Comparison{Probability: p, Weight: weightOf(p)}}
}

func TestBridge(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	for _, tc := range []struct {
		name  string
		cands []Candidate
		want  []string
	}{
		{"two strong, close together", []Candidate{cand("a", 0.99999), cand("b", 0.9999)}, []string{"a", "b"}},
		{"three strong", []Candidate{cand("a", 0.99999), cand("b", 0.9999), cand("c", 0.9995)}, []string{"a", "b", "c"}},
		{"a plausible candidate in the uncertain band", []Candidate{cand("a", 0.99999), cand("b", 0.9999), cand("c", 0.9)}, nil},
		{"implausible others do not count", []Candidate{cand("a", 0.99999), cand("b", 0.9999), cand("c", 0.01)}, []string{"a", "b"}},
		{"best in the uncertain band", []Candidate{cand("a", 0.95), cand("b", 0.9)}, nil},
		{"clearly ahead: a link, left alone", []Candidate{cand("a", 0.9999999999), cand("b", 0.995)}, nil},
		{"one candidate", []Candidate{cand("a", 0.9999)}, nil},
	} {
		d := m.Decide(tc.cands)
		got := m.Bridge(d)
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if len(ids) != len(tc.want) {
			t.Errorf("%s: Bridge = %v (decision %s: %s), want %v", tc.name, ids, d.Outcome, d.Reason, tc.want)
			continue
		}
		for i := range ids {
			if ids[i] != tc.want[i] {
				t.Errorf("%s: Bridge = %v, want %v", tc.name, ids, tc.want)
			}
		}
	}
}

func TestDistinct(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	father, son := fatherAndSon(t)
	again := father
	if m.Distinct([]*Normalized{&father, &again}) {
		t.Error("a record and its copy are distinct")
	}
	if !m.Distinct([]*Normalized{&father, &again, &son}) {
		t.Error("father and son are not distinct")
	}
	if m.Distinct(nil) || m.Distinct([]*Normalized{&son}) {
		t.Error("fewer than two records are distinct")
	}
}

// A record waits in review, its best candidate in the uncertain band. A later record links to
// that candidate and matches the waiting record above the link threshold: deciding the review
// again with that evidence links it, unless a runner-up is still as strong, the two records'
// names share at most one word (twins at one address), or what they agree on is where they live.
func TestConfirmSettlesAReviewOnlyWhenItsProposalWinsClearly(t *testing.T) {
	t.Parallel()
	m := DefaultModel()
	cand := func(id string, a, b Normalized) Candidate {
		w := m.Score(&a, &b)
		return Candidate{ID: id, Comparison: Comparison{Weight: w, Probability: probability(w)}}
	}
	civil := normT(t, Record{NIK: "3201015505870001", FullName: "Siti Rahmawati", Sex: "P", BirthDate: "1987-05-15", Village: "Pondok Rajeg", City: "Kabupaten Bogor"})
	health := normT(t, Record{FullName: "Siti Rahmawati", BirthDate: "1987-06-15", Email: "siti.rahma@example.org"})
	social := normT(t, Record{NIK: "3201015505870001", FullName: "Siti Rahmawati", Sex: "P", BirthDate: "1987-05-15", Village: "Pondok Rajeg", City: "Kabupaten Bogor", Phone: "081234567890", Email: "siti.rahma@example.org"})
	home := Record{Sex: "M", BirthDate: "1996-09-23", Address: "Dusun Cijambu", Village: "Lolak II", District: "Lolak", City: "Bolaang Mongondow", Postcode: "95741"}
	twin, brother, again := home, home, home
	twin.NIK, twin.FullName, twin.Address = "7101122309960001", "Stevanus Rumondor", "Dusun Cijambu RT 4 RW 6"
	brother.FullName = "Rikardus Rumondor"
	again.NIK, again.FullName, again.Phone = "7101122309960001", "Stevanus Rumondor", "08857684629"
	tw, br, ag := normT(t, twin), normT(t, brother), normT(t, again)
	// A mother and her daughter of the same name at one address, with one phone.
	flat := Record{Address: "Jl. Merdeka No. 48 RT 006 RW 004", Village: "Lalang", City: "Kota Medan", Postcode: "20128", Phone: "081234567890"}
	mother, daughter := flat, flat
	mother.FullName, mother.BirthDate = "Nur Hasanah", "1990-05-01"
	daughter.FullName, daughter.BirthDate = "Nur Hasanah", "2014-02-11"
	mo, da := normT(t, mother), normT(t, daughter)
	// Two women of one name and birthday a year apart, in two districts, one record stating the
	// other's year; the later record of the first says she was born where the second was.
	first := normT(t, Record{NIK: "3312194808060001", FullName: "Dwi Utami", Sex: "P", BirthDate: "2006-08-08", BirthPlace: "Semarang", District: "Slogohimo", City: "Kabupaten Wonogiri"})
	second := normT(t, Record{NIK: "3312054808050001", FullName: "Dwi Utami", Sex: "P", BirthDate: "2006-08-08", BirthPlace: "Wonogiri", District: "Tirtomoyo", City: "Kabupaten Wonogiri"})
	firstAgain := normT(t, Record{NIK: "3312194808060001", FullName: "Dwi Utami", Sex: "P", BirthDate: "2006-08-08", BirthPlace: "Wonogiri", District: "Slogohimo", City: "Kabupaten Wonogiri", Phone: "085367976681"})

	proposal := cand("c", health, civil)
	if proposal.Comparison.Probability < m.ReviewProbability || proposal.Comparison.Probability >= m.LinkProbability {
		t.Fatalf("fixture: the health record's best candidate scores %.3f, want the uncertain band", proposal.Comparison.Probability)
	}
	for _, p := range [][2]*Normalized{{&ag, &br}, {&da, &mo}} {
		if w := m.Score(p[0], p[1]); w < m.LinkWeight() {
			t.Fatalf("fixture: %v and %v score %.1f bits, want above the link threshold", p[0].Name, p[1].Name, w)
		}
	}
	for _, tc := range []struct {
		name           string
		review         []Candidate
		citizen        string
		later, waiting Normalized
		want           bool
	}{
		{"a later copy of the proposed person", []Candidate{proposal}, "c", social, health, true},
		{"a later record that adds nothing", []Candidate{proposal}, "c", civil, health, false},
		{"a citizen the review did not propose", []Candidate{proposal}, "d", social, health, false},
		{"a runner-up as strong", []Candidate{proposal, cand("d", health, social)}, "c", social, health, false},
		{"candidates merged since: the best score counts", []Candidate{proposal, cand("c", health, tw)}, "c", social, health, true},
		{"names sharing one word: twins at one address", []Candidate{cand("c", br, tw)}, "c", ag, br, false},
		{"agreeing only where they live: one name, two birth dates", []Candidate{proposal}, "c", da, mo, false},
		{"two NIKs that differ", []Candidate{cand("c", second, first)}, "c", firstAgain, second, false},
	} {
		if got := m.Confirm(tc.review, tc.citizen, &tc.later, &tc.waiting); got != tc.want {
			t.Errorf("%s: Confirm = %v, want %v", tc.name, got, tc.want)
		}
	}
}
