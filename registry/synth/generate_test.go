package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// The acceptance tests share one run of the built-in reference; smaller
// runs cover determinism, the legacy scenario and boosted hard negatives.
const sharedPeople = 20000

var (
	sharedOnce sync.Once
	sharedDir  string
	sharedSum  Summary
	sharedErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if sharedDir != "" {
		os.RemoveAll(sharedDir)
	}
	os.Exit(code)
}

func shared(t *testing.T) (string, Summary) {
	t.Helper()
	sharedOnce.Do(func() {
		sharedDir, sharedErr = os.MkdirTemp("", "synth-shared-")
		if sharedErr != nil {
			return
		}
		cfg, _ := DefaultConfig(ScenarioCurrent)
		cfg.People, cfg.Seed = sharedPeople, 20250630
		sharedSum, sharedErr = Generate(context.Background(), cfg, BuiltinReference(), sharedDir)
	})
	if sharedErr != nil {
		t.Fatalf("shared run: %v", sharedErr)
	}
	return sharedDir, sharedSum
}

// within reports whether a measured proportion is within z standard errors
// of p (plus one count of slack for tiny samples).
func within(measured, p float64, n int64, z float64) bool {
	if n == 0 {
		return true
	}
	se := math.Sqrt(p * (1 - p) / float64(n))
	return math.Abs(measured-p) <= z*se+1/float64(n)
}

func TestGenerateIsDeterministic(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, 3000, 42)
	a, _ := run(t, cfg, BuiltinReference())
	b, _ := run(t, cfg, BuiltinReference())
	files, err := os.ReadDir(a)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 12 {
		t.Errorf("got %d files, want 12", len(files))
	}
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(a, f.Name()))
		y, err := os.ReadFile(filepath.Join(b, f.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between two runs with the same seed", f.Name())
		}
	}

	// Another seed gives another population.
	other := cfg
	other.Seed = 43
	c, _ := run(t, other, BuiltinReference())
	if sameFile(t, a, c, "persons.csv") {
		t.Error("seeds 42 and 43 gave the same persons.csv")
	}

	// Each concern has its own random stream: changing a Kemenkes rate or the
	// shuffle window leaves the population and the other sources unchanged.
	tweaked := cfg
	tweaked.Sources.Kemenkes.NameTypo = 0.5
	tweaked.ShuffleWindow = 100
	d, _ := run(t, tweaked, BuiltinReference())
	for _, name := range []string{"persons.csv", "households.csv"} {
		if !sameFile(t, a, d, name) {
			t.Errorf("%s changed when only Kemenkes rates and the shuffle window changed", name)
		}
	}
	if sameFile(t, a, d, "kemenkes.csv") {
		t.Error("kemenkes.csv did not change with name_typo 0.5")
	}
}

func sameFile(t *testing.T, a, b, name string) bool {
	t.Helper()
	x, err1 := os.ReadFile(filepath.Join(a, name))
	y, err2 := os.ReadFile(filepath.Join(b, name))
	if err := errors.Join(err1, err2); err != nil {
		t.Fatal(err)
	}
	return bytes.Equal(x, y)
}

func TestOutputFilesAreConsistent(t *testing.T) {
	t.Parallel()
	dir, sum := shared(t)
	persons := readTable(t, dir, "persons.csv")
	if !slices.Equal(persons.header, PersonsHeader) {
		t.Errorf("persons.csv header = %v", persons.header)
	}
	if int64(len(persons.rows)) != sum.People || sum.People != sharedPeople {
		t.Errorf("persons.csv has %d rows, summary says %d, want %d", len(persons.rows), sum.People, sharedPeople)
	}
	entities := persons.index(t, "entity")

	type key struct{ source, id string }
	records := map[key]bool{}
	total := 0
	for _, s := range sum.Sources {
		tb := readTable(t, dir, s.Source+".csv")
		if got := strings.Join(tb.header, ","); got != "local_id,nik,full_name,given_name,family_name,sex,birth_date,birth_place,address,village,district,city,province,postcode,phone,email" {
			t.Errorf("%s header = %s", s.Source, got)
		}
		if int64(len(tb.rows)) != s.Records {
			t.Errorf("%s: %d rows, summary says %d", s.Source, len(tb.rows), s.Records)
		}
		for _, r := range tb.rows {
			k := key{s.Source, r[0]}
			if records[k] {
				t.Fatalf("%s: local_id %s is not unique", s.Source, r[0])
			}
			records[k] = true
		}
		total += len(tb.rows)
	}

	truth := readTable(t, dir, "truth.csv")
	if !slices.Equal(truth.header, TruthHeader) {
		t.Errorf("truth.csv header = %v", truth.header)
	}
	if len(truth.rows) != total {
		t.Errorf("truth.csv has %d rows, sources have %d records", len(truth.rows), total)
	}
	for _, r := range truth.rows {
		if !records[key{r[0], r[1]}] {
			t.Fatalf("truth.csv links unknown record %s/%s", r[0], r[1])
		}
		if entities[r[2]] == nil {
			t.Fatalf("truth.csv links %s/%s to unknown entity %s", r[0], r[1], r[2])
		}
	}

	errs := readTable(t, dir, "errors.csv")
	if !slices.Equal(errs.header, ErrorsHeader) {
		t.Errorf("errors.csv header = %v", errs.header)
	}
	perType := map[string]map[string]int64{}
	for _, r := range errs.rows {
		if !records[key{r[0], r[1]}] {
			t.Fatalf("errors.csv names unknown record %s/%s", r[0], r[1])
		}
		if r[4] == r[5] {
			t.Errorf("errors.csv row %v does not change the value", r)
		}
		if perType[r[0]] == nil {
			perType[r[0]] = map[string]int64{}
		}
		perType[r[0]][r[3]]++
	}
	for _, s := range sum.Sources {
		for typ, n := range s.ErrorTypes {
			if perType[s.Source][typ] != n {
				t.Errorf("%s %s: errors.csv has %d rows, summary %d", s.Source, typ, perType[s.Source][typ], n)
			}
		}
	}

	hn := readTable(t, dir, "hard_negatives.csv")
	if !slices.Equal(hn.header, HardNegativesHeader) {
		t.Errorf("hard_negatives.csv header = %v", hn.header)
	}
	for _, r := range hn.rows {
		if entities[r[2]] == nil {
			t.Fatalf("hard_negatives.csv names unknown entity %s", r[2])
		}
	}

	// summary.json is the returned Summary.
	data, err := os.ReadFile(filepath.Join(dir, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(sum, "", "  ")
	if !bytes.Equal(bytes.TrimSpace(data), want) {
		t.Error("summary.json differs from the returned Summary")
	}
	// config.json loads back into the same config.
	cfg, err := LoadConfig(filepath.Join(dir, "config.json"), "")
	if err != nil {
		t.Fatalf("config.json does not load: %v", err)
	}
	if cfg.People != sharedPeople || cfg.Seed != 20250630 {
		t.Errorf("config.json: people %d seed %d", cfg.People, cfg.Seed)
	}
}

// nikDate returns the DDMMYY block a NIK must carry for a date and sex.
func nikDate(t *testing.T, iso, sex string) string {
	t.Helper()
	d, err := parseISODate(iso)
	if err != nil {
		t.Fatalf("bad date %q", iso)
	}
	dd, mm, yy := nikDateBlock(d, sex == "F")
	return fmt.Sprintf("%02d%02d%02d", dd, mm, yy)
}

func TestNIKsAreValidAndAgreeWithTruth(t *testing.T) {
	t.Parallel()
	dir, sum := shared(t)
	ref := BuiltinReference()
	regions := map[string]bool{}
	current := map[string]bool{}
	for i, r := range ref.regions {
		regions[r] = true
		current[r] = i < len(ref.districts)
	}

	persons := readTable(t, dir, "persons.csv")
	cEnt, cNIK, cNIKDate, cNIKSex := persons.col(t, "entity"), persons.col(t, "nik"), persons.col(t, "nik_birth_date"), persons.col(t, "nik_sex")
	cDOB, cFlags, cHH, cSex := persons.col(t, "birth_date"), persons.col(t, "flags"), persons.col(t, "household"), persons.col(t, "sex")
	truthNIK := map[string]string{}
	seen := map[string]bool{}
	var corrected, oldCode int64
	for _, r := range persons.rows {
		nik := r[cNIK]
		if err := checkNIK(nik); err != nil {
			t.Fatalf("%s: NIK %s: %v", r[cEnt], nik, err)
		}
		if seen[nik] {
			t.Fatalf("NIK %s issued twice", nik)
		}
		seen[nik] = true
		truthNIK[r[cEnt]] = nik
		if !regions[nik[:6]] {
			t.Errorf("%s: NIK region %s is not in the reference", r[cEnt], nik[:6])
		}
		if want := nikDate(t, r[cNIKDate], r[cNIKSex]); nik[6:12] != want {
			t.Errorf("%s: NIK date block %s, want %s (registered %s %s)", r[cEnt], nik[6:12], want, r[cNIKDate], r[cNIKSex])
		}
		flags := strings.Split(r[cFlags], "|")
		if isOld := slices.Contains(flags, "old_code_nik"); isOld == current[nik[:6]] {
			t.Errorf("%s: old_code_nik flag %v but region %s current=%v", r[cEnt], isOld, nik[:6], current[nik[:6]])
		}
		if slices.Contains(flags, "old_code_nik") {
			oldCode++
		}
		if isCorr := slices.Contains(flags, "corrected_dob"); isCorr != (r[cDOB] != r[cNIKDate]) {
			t.Errorf("%s: corrected_dob flag %v but DOB %s, NIK date %s", r[cEnt], isCorr, r[cDOB], r[cNIKDate])
		} else if isCorr {
			corrected++
		}
		if slices.Contains(flags, "corrected_sex") == (r[cSex] == r[cNIKSex]) {
			t.Errorf("%s: corrected_sex flag disagrees with sex %s / NIK sex %s", r[cEnt], r[cSex], r[cNIKSex])
		}
	}
	if n := int64(len(persons.rows)); !within(float64(corrected)/float64(n), 0.005, n, 4.5) {
		t.Errorf("%d of %d persons have a corrected DOB, want about 0.5 %%", corrected, n)
	}
	if oldCode == 0 {
		t.Error("no NIK carries a superseded region code (Kota Sorong 9271 is in the built-in set)")
	}

	// Twins of the same registered sex share the 12-digit prefix and have
	// consecutive serials.
	byEntity := persons.index(t, "entity")
	hn := readTable(t, dir, "hard_negatives.csv")
	groups := map[string][]string{}
	kinds := map[string]string{}
	for _, r := range hn.rows {
		groups[r[1]] = append(groups[r[1]], r[2])
		kinds[r[1]] = r[0]
	}
	twins := 0
	for g, ents := range groups {
		if kinds[g] != KindTwins {
			continue
		}
		twins++
		a, b := byEntity[ents[0]], byEntity[ents[1]]
		if a[cHH] != b[cHH] {
			t.Errorf("twins %v live in different households", ents)
		}
		if a[cNIKSex] != b[cNIKSex] {
			continue
		}
		sa, _ := strconv.Atoi(a[cNIK][12:])
		sb, _ := strconv.Atoi(b[cNIK][12:])
		if a[cNIK][:12] != b[cNIK][:12] || sb-sa != 1 {
			t.Errorf("twins %s and %s: NIKs %s %s, want one prefix and consecutive serials", ents[0], ents[1], a[cNIK], b[cNIK])
		}
	}
	if twins == 0 {
		t.Error("no twins generated")
	}

	// Every source NIK is the truth NIK unless errors.csv explains it.
	errs := readTable(t, dir, "errors.csv")
	lastNIK := map[string]string{} // source/local_id → corrupted NIK after the last NIK error
	for _, r := range errs.rows {
		if r[2] == "nik" {
			lastNIK[r[0]+"/"+r[1]] = r[5]
		}
	}
	truth := readTable(t, dir, "truth.csv")
	entityOf := map[string]string{}
	for _, r := range truth.rows {
		entityOf[r[0]+"/"+r[1]] = r[2]
	}
	for _, s := range sum.Sources {
		tb := readTable(t, dir, s.Source+".csv")
		for _, r := range tb.rows {
			k := s.Source + "/" + r[0]
			want, explained := lastNIK[k]
			if !explained {
				want = truthNIK[entityOf[k]]
			}
			if r[1] != want {
				t.Fatalf("%s: NIK %q, want %q (truth %s, explained by errors.csv: %v)", k, r[1], want, truthNIK[entityOf[k]], explained)
			}
			if s.Source == SourceDukcapil {
				if err := checkNIK(r[1]); err != nil {
					t.Errorf("%s: Dukcapil NIK %s: %v", k, r[1], err)
				}
			}
		}
	}

	// KK numbers: district of the household, issue date, serial from 0001.
	hhs := readTable(t, dir, "households.csv")
	cKK, cIssued, cVillage, cPrev := hhs.col(t, "kk"), hhs.col(t, "kk_issued"), hhs.col(t, "village_code"), hhs.col(t, "previous_kk")
	kks := map[string]bool{}
	for _, r := range hhs.rows {
		kk := r[cKK]
		if len(kk) != 16 || kk[:6] != r[cVillage][:6] || kk[6:12] != nikDate(t, r[cIssued], "M") || kk[12:] == "0000" {
			t.Errorf("household %s: KK %s, village %s, issued %s", r[0], kk, r[cVillage], r[cIssued])
		}
		if kks[kk] {
			t.Errorf("KK %s issued twice", kk)
		}
		kks[kk] = true
		if p := r[cPrev]; p != "" && (len(p) != 16 || p == kk) {
			t.Errorf("household %s: previous KK %q", r[0], p)
		}
	}
}

func TestRatesMatchConfig(t *testing.T) {
	t.Parallel()
	dir, sum := shared(t)
	cfg := testConfig(t, sharedPeople, 20250630)
	for i, s := range sum.Sources {
		sc := cfg.Sources.list()[i]
		if s.Source != SourceCodes()[i] {
			t.Fatalf("source %d is %s", i, s.Source)
		}
		if !within(s.Coverage.Measured, sc.Coverage, s.Coverage.Applicable, 4.5) {
			t.Errorf("%s coverage %.4f, config %.4f (n=%d)", s.Source, s.Coverage.Measured, sc.Coverage, s.Coverage.Applicable)
		}
		// Extra records are Poisson: variance = mean.
		if n := float64(s.DupRate.Applicable); math.Abs(s.DupRate.Measured-sc.DupRate) > 4.5*math.Sqrt(sc.DupRate/n)+1/n {
			t.Errorf("%s dup_rate %.4f, config %.4f (n=%.0f)", s.Source, s.DupRate.Measured, sc.DupRate, n)
		}
		// The stale share is steered exactly while dead persons last.
		if st := s.StaleDeceased; st.Measured > sc.StaleDeceased || st.Measured < sc.StaleDeceased-2/float64(st.Applicable) {
			t.Errorf("%s stale %.5f, config %.5f", s.Source, st.Measured, sc.StaleDeceased)
		}
		rates := sc.rates()
		for k := range numKnobs {
			if rates[k] == 0 {
				if _, ok := s.Errors[knobKeys[k]]; ok && s.Errors[knobKeys[k]].Applied > 0 {
					t.Errorf("%s %s fired with rate 0", s.Source, knobKeys[k])
				}
				continue
			}
			r, ok := s.Errors[knobKeys[k]]
			if !ok {
				t.Errorf("%s: summary lacks %s", s.Source, knobKeys[k])
				continue
			}
			if r.Config != rates[k] {
				t.Errorf("%s %s: summary config %g, want %g", s.Source, knobKeys[k], r.Config, rates[k])
			}
			if r.Applicable < 200 && !(knobKeys[k] == "nik_missing_infant" || knobKeys[k] == "nik_other_infant" ||
				knobKeys[k] == "name_baby_of" || knobKeys[k] == "dob_from_nik" || knobKeys[k] == "address_domicile") {
				t.Errorf("%s %s: only %d records could carry the error", s.Source, knobKeys[k], r.Applicable)
			}
			if !within(r.Measured, rates[k], r.Applicable, 4.5) {
				t.Errorf("%s %s: measured %.4f over %d records, config %.4f", s.Source, knobKeys[k], r.Measured, r.Applicable, rates[k])
			}
		}
	}

	// Cross-check from the files: duplicates from truth.csv, missing NIKs
	// from the Kemenkes file.
	truth := readTable(t, dir, "truth.csv")
	records, people := map[string]int{}, map[string]map[string]bool{}
	for _, r := range truth.rows {
		records[r[0]]++
		if people[r[0]] == nil {
			people[r[0]] = map[string]bool{}
		}
		people[r[0]][r[2]] = true
	}
	for _, s := range sum.Sources {
		if got := int64(records[s.Source] - len(people[s.Source])); got != s.Duplicates {
			t.Errorf("%s: truth.csv shows %d extra records, summary %d", s.Source, got, s.Duplicates)
		}
		if int64(len(people[s.Source])) != s.Kept {
			t.Errorf("%s: truth.csv has %d persons, summary kept %d", s.Source, len(people[s.Source]), s.Kept)
		}
	}
	kemenkes := readTable(t, dir, "kemenkes.csv")
	empty := int64(0)
	for _, r := range kemenkes.rows {
		if r[1] == "" {
			empty++
		}
	}
	if want := sum.Sources[1].ErrorTypes["nik_missing"]; empty != want {
		t.Errorf("kemenkes.csv has %d empty NIKs, errors.csv %d nik_missing", empty, want)
	}
}

func TestLegacyScenarioIsDirtier(t *testing.T) {
	t.Parallel()
	cur, _ := DefaultConfig(ScenarioCurrent)
	leg, err := DefaultConfig(ScenarioLegacy)
	if err != nil {
		t.Fatal(err)
	}
	if leg.Sources.Kemensos.NIKMissing != 0.17 || leg.Sources.DJP.NIKMissing != 0.19 {
		t.Errorf("legacy NIK missing: kemensos %g djp %g", leg.Sources.Kemensos.NIKMissing, leg.Sources.DJP.NIKMissing)
	}
	for i, s := range leg.Sources.list() {
		c := cur.Sources.list()[i]
		if s.NameTypo != 2*c.NameTypo || s.NameNickname != 2*c.NameNickname || s.NameOCR != 2*c.NameOCR {
			t.Errorf("%s: legacy name rates are not doubled", SourceCodes()[i])
		}
	}
	leg.People, leg.Seed = 8000, 5
	_, sum := run(t, leg, BuiltinReference())
	if sum.Scenario != ScenarioLegacy {
		t.Errorf("summary scenario %q", sum.Scenario)
	}
	r := sum.Sources[3].Errors["nik_missing"]
	if !within(r.Measured, 0.17, r.Applicable, 4.5) {
		t.Errorf("legacy kemensos nik_missing %.4f over %d, want 0.17", r.Measured, r.Applicable)
	}
}

func TestHardNegativesMatchConfig(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, 15000, 11)
	pc := &cfg.Population
	// Boosted rates give the counts enough power to test.
	pc.TwinRate, pc.DoppelgangerRate, pc.DoppelgangerSameDistrict = 0.05, 0.03, 0.4
	pc.OrdinalSiblingRate, pc.SharedPhoneRate = 0.5, 0.3
	cfg.Sources.Kemenkes.NIKOtherPerson = 0.1
	dir, sum := run(t, cfg, BuiltinReference())

	rates := sum.Population.Rates
	for name, want := range map[string]float64{
		"twin_rate": 0.05, "doppelganger_rate": 0.03, "doppelganger_same_district": 0.4,
		"ordinal_sibling_rate": 0.5, "shared_phone_rate": 0.3,
	} {
		r := rates[name]
		if r.Config != want || r.Applicable < 100 || !within(r.Measured, want, r.Applicable, 4.5) {
			t.Errorf("%s: measured %.4f over %d, config %.4f", name, r.Measured, r.Applicable, want)
		}
	}
	hnCount := sum.HardNegatives
	if g := hnCount[KindTwins].Groups; g != rates["twin_rate"].Applied {
		t.Errorf("%d twin groups, %d twin deliveries", g, rates["twin_rate"].Applied)
	}
	if g := hnCount[KindDoppelganger].Groups; g != rates["doppelganger_rate"].Applied {
		t.Errorf("%d doppelganger groups, %d look-alikes made", g, rates["doppelganger_rate"].Applied)
	}
	if g := hnCount[KindHouseholdMembers].Groups; g < rates["shared_phone_rate"].Applied {
		t.Errorf("%d household groups, fewer than %d shared-phone households", g, rates["shared_phone_rate"].Applied)
	}

	persons := readTable(t, dir, "persons.csv")
	byEntity := persons.index(t, "entity")
	cName, cDOB, cNIK, cHH := persons.col(t, "full_name"), persons.col(t, "birth_date"), persons.col(t, "nik"), persons.col(t, "household")
	hn := readTable(t, dir, "hard_negatives.csv")
	groups, kinds := map[string][]string{}, map[string]string{}
	for _, r := range hn.rows {
		groups[r[1]] = append(groups[r[1]], r[2])
		kinds[r[1]] = r[0]
	}
	samePrefix := 0
	counted := map[string]int64{}
	for g, ents := range groups {
		kind := kinds[g]
		counted[kind]++
		if len(ents) < 2 {
			t.Errorf("group %s (%s) has %d member", g, kind, len(ents))
			continue
		}
		a, b := byEntity[ents[0]], byEntity[ents[1]]
		switch kind {
		case KindDoppelganger:
			// Distinct people, same name and birth date.
			if a[cName] != b[cName] || a[cDOB] != b[cDOB] || a[cNIK] == b[cNIK] || a[cHH] == b[cHH] {
				t.Errorf("doppelgangers %v: %q %s %s / %q %s %s", ents, a[cName], a[cDOB], a[cNIK], b[cName], b[cDOB], b[cNIK])
			}
			if a[cNIK][:12] == b[cNIK][:12] {
				samePrefix++
			}
		case KindHouseholdMembers, KindSiblingsOrdinal, KindSiblingsClan, KindSiblingsOrder, KindTwins, KindParentChild:
			for _, e := range ents[1:] {
				if byEntity[e][cHH] != a[cHH] {
					t.Errorf("%s group %s spans households", kind, g)
				}
			}
		}
	}
	for kind, c := range hnCount {
		if counted[kind] != c.Groups {
			t.Errorf("%s: hard_negatives.csv has %d groups, summary %d", kind, counted[kind], c.Groups)
		}
	}
	if sd := rates["doppelganger_same_district"].Applied; int64(samePrefix) < sd {
		t.Errorf("%d look-alike pairs share the 12-digit NIK prefix, want at least the %d registered in the same district", samePrefix, sd)
	}
	// Every injected parent-NIK confusion is reported as a parent/child pair.
	errs := readTable(t, dir, "errors.csv")
	parentErrs := 0
	for _, r := range errs.rows {
		if r[3] == "nik_parent" || r[3] == "name_baby_of" {
			parentErrs++
		}
	}
	if pc := hnCount[KindParentChild].Groups; pc == 0 || pc > int64(parentErrs) {
		t.Errorf("%d parent_child groups for %d parent confusions", pc, parentErrs)
	}
}

func TestMarginalsReproduceInputs(t *testing.T) {
	t.Parallel()
	dir, sum := shared(t)
	ref := BuiltinReference()

	// Sex ratio: the sampled regencies' male share.
	ms := sum.Population.MaleShare
	if !within(ms.Measured, ms.Config, ms.Applicable, 4.5) {
		t.Errorf("male share %.4f, expected %.4f from the regency weights", ms.Measured, ms.Config)
	}

	// Regency shares: households are drawn in proportion to population.
	hhs := readTable(t, dir, "households.csv")
	cVillage := hhs.col(t, "village_code")
	count := map[string]int64{}
	for _, r := range hhs.rows {
		count[r[cVillage][:4]]++
	}
	total := ref.regCum[len(ref.regCum)-1]
	n := int64(len(hhs.rows))
	for _, g := range ref.regencies {
		w := (g.male + g.female) / total
		got := float64(count[g.code]) / float64(n)
		if !within(got, w, n, 4.5) {
			t.Errorf("regency %s (%s): %.4f of households, population share %.4f", g.code, g.name, got, w)
		}
	}

	// Placeholder spikes among adults: compare with the expectation from the
	// cohort rates, and with Dukcapil's 2019 targets (5 %, 2.7 %, 1.1 % above
	// a natural 0.27 % per day).
	cfg := testConfig(t, 1, 1)
	pc := &cfg.Population
	mix := pc.PlaceholderMix
	mixSum := mix.July1 + mix.December31 + mix.January1
	persons := readTable(t, dir, "persons.csv")
	cDOB, cNIKDate := persons.col(t, "birth_date"), persons.col(t, "nik_birth_date")
	asOf, _ := parseISODate(cfg.AsOf)
	var adults int64
	var got, want [3]float64
	days := [3][2]int{{7, 1}, {12, 31}, {1, 1}}
	shares := [3]float64{mix.July1 / mixSum, mix.December31 / mixSum, mix.January1 / mixSum}
	for _, r := range persons.rows {
		dob, _ := parseISODate(r[cDOB])
		if dob.ageOn(asOf) < 18 {
			continue
		}
		adults++
		reg, _ := parseISODate(r[cNIKDate])
		rate := pc.PlaceholderFrom2000
		switch {
		case reg.y < 1960:
			rate = pc.PlaceholderBefore1960
		case reg.y < 1980:
			rate = pc.Placeholder1960to1979
		case reg.y < 2000:
			rate = pc.Placeholder1980to1999
		}
		for k, d := range days {
			want[k] += rate*shares[k] + (1-rate)/365.25
			if dob.m == d[0] && dob.d == d[1] {
				got[k]++
			}
		}
	}
	targets := [3]float64{0.05, 0.027, 0.011}
	for k := range 3 {
		g, w := got[k]/float64(adults), want[k]/float64(adults)
		if !within(g, w, adults, 4.5) {
			t.Errorf("adults born %02d-%02d: %.4f, expected %.4f from the cohort rates", days[k][1], days[k][0], g, w)
		}
		if excess := g - 1/365.25; math.Abs(excess-targets[k]) > 0.3*targets[k] {
			t.Errorf("adults born %02d-%02d: excess %.4f, Dukcapil 2019 target %.4f", days[k][1], days[k][0], excess, targets[k])
		}
	}
	if d := sum.Population.AdultBirthDateShares["jul_1"] - got[0]/float64(adults); math.Abs(d) > 1e-9 {
		t.Errorf("summary jul_1 share differs from persons.csv by %g", d)
	}

	// Age structure, roughly BPS 2020: 25 % / 68 % / 7 %.
	for band, want := range map[string]float64{"0_14": 0.25, "15_64": 0.68, "65_plus": 0.07} {
		if got := sum.Population.AgeShares[band]; math.Abs(got-want) > 0.03 {
			t.Errorf("age %s share %.3f, want about %.2f", band, got, want)
		}
	}
}

func TestGenerateCancelledLeavesNoFiles(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dir := t.TempDir()
	_, err := Generate(ctx, testConfig(t, 5000, 1), nil, dir)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Generate with a cancelled context: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		t.Errorf("cancelled run left %s", e.Name())
	}
}

func TestGenerateRejectsBadConfig(t *testing.T) {
	t.Parallel()
	cfg := testConfig(t, 10, 1)
	cfg.Sources.Kemenkes.NameTypo = 1.5
	_, err := Generate(context.Background(), cfg, nil, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "sources.kemenkes.name_typo") {
		t.Errorf("Generate with name_typo 1.5: %v", err)
	}
}
