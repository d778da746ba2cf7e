package synth

import (
	"strings"
	"testing"
)

func TestBuiltinReference(t *testing.T) {
	t.Parallel()
	r := BuiltinReference()
	p, g, d, v := r.Counts()
	if p < 5 || g < 10 || d < 20 || v < 40 {
		t.Errorf("built-in reference too small: %d provinces, %d regencies, %d districts, %d villages", p, g, d, v)
	}
	if r.Name() != "builtin" {
		t.Errorf("Name() = %q", r.Name())
	}
	for _, dist := range r.districts {
		if dist.code[:4] != r.regencies[dist.reg].code || dist.villLo < 0 {
			t.Errorf("district %s badly linked", dist.code)
		}
	}
	// Kota Sorong's districts keep their Papua Barat codes for old NIKs.
	found := false
	for _, dist := range r.districts {
		for _, o := range dist.old {
			if r.regions[o.region] == "927101" && dist.code == "967101" && o.changeYear == 2024 {
				found = true
			}
		}
	}
	if !found {
		t.Error("967101 does not map back to its old code 927101")
	}
	if BuiltinReference() == r {
		t.Error("BuiltinReference returned a shared value")
	}
}

func TestLoadReference(t *testing.T) {
	t.Parallel()
	r := loadShared(t)
	p, g, d, v := r.Counts()
	if p != 38 || g != 514 || d != 7285 || v != 83762 {
		t.Errorf("counts %d/%d/%d/%d, want 38/514/7285/83762", p, g, d, v)
	}
	// Superseded codes (the Papua split, Kota Sorong) are mapped to today's
	// districts.
	old := 0
	for _, dist := range r.districts {
		old += len(dist.old)
		for _, o := range dist.old {
			if r.regions[o.region] == "927101" && dist.code != "967101" {
				t.Errorf("927101 maps to %s, want 967101", dist.code)
			}
		}
	}
	if old < 500 {
		t.Errorf("only %d superseded district codes mapped", old)
	}
	if len(r.names.given[0].items) < 500 || len(r.names.given[1].items) < 200 {
		t.Errorf("given-name pools: %d male, %d female", len(r.names.given[0].items), len(r.names.given[1].items))
	}
	for _, want := range []string{"Siregar", "Lumenta", "Wenda"} {
		found := false
		for _, c := range r.names.clans {
			found = found || c.name == want
		}
		if !found {
			t.Errorf("clan %s not loaded", want)
		}
	}
	if !r.names.isUnisex("Ade") || len(r.names.nick["Hermawan"]) == 0 || len(r.names.abbrev["Muhammad"]) == 0 {
		t.Error("unisex, nickname or abbreviation tables not loaded")
	}
	if r.keypad[5] != "78946123" {
		t.Errorf("keypad neighbours of 5 = %q", r.keypad[5])
	}
}

func TestLoadReferenceErrorsNameTheFile(t *testing.T) {
	t.Parallel()
	empty := t.TempDir()
	_, err := LoadReference(empty)
	if err == nil || !strings.Contains(err.Error(), "wilayah/provinces.csv") {
		t.Errorf("LoadReference(empty dir): %v", err)
	}

	bad := t.TempDir()
	writeFile(t, bad, "wilayah/provinces.csv", "code,nama\n11,Aceh\n")
	_, err = LoadReference(bad)
	if err == nil || !strings.Contains(err.Error(), "provinces.csv") || !strings.Contains(err.Error(), `missing column "name"`) {
		t.Errorf("LoadReference(bad header): %v", err)
	}

	partial := t.TempDir()
	writeFile(t, partial, "wilayah/provinces.csv", "code,name\n11,Aceh\n")
	_, err = LoadReference(partial)
	if err == nil || !strings.Contains(err.Error(), "population_2024s2.csv") {
		t.Errorf("LoadReference(only provinces): %v", err)
	}
}

func TestGenerateWithFullReference(t *testing.T) {
	t.Parallel()
	ref := loadShared(t)
	cfg := testConfig(t, 6000, 3)
	dir, sum := run(t, cfg, ref)
	if sum.Reference != ref.Name() {
		t.Errorf("summary reference %q", sum.Reference)
	}
	villages := map[string]bool{}
	for _, v := range ref.villages {
		villages[v.code] = true
	}
	regions := map[string]bool{}
	for _, r := range ref.regions {
		regions[r] = true
	}
	persons := readTable(t, dir, "persons.csv")
	cNIK, cVillage := persons.col(t, "nik"), persons.col(t, "village_code")
	for _, r := range persons.rows {
		if err := checkNIK(r[cNIK]); err != nil || !regions[r[cNIK][:6]] {
			t.Fatalf("NIK %s: %v (region known: %v)", r[cNIK], err, regions[r[cNIK][:6]])
		}
		if !villages[r[cVillage]] {
			t.Fatalf("unknown village %s", r[cVillage])
		}
	}
	// About 1 % of NIKs keep a superseded code (the Papua split is about
	// 1.4 % of the population; children born since keep the new code).
	if s := sum.Population.OldCodeNIKShare; s < 0.003 || s > 0.03 {
		t.Errorf("old-code NIK share %.4f, want about 0.01", s)
	}
	// Regency shares follow population weights at the national scale: Java
	// (provinces 31-36) holds about 56 % of Indonesians.
	java := 0
	for _, r := range persons.rows {
		if p := r[cVillage][:2]; p >= "31" && p <= "36" {
			java++
		}
	}
	if share := float64(java) / float64(len(persons.rows)); share < 0.50 || share > 0.62 {
		t.Errorf("Java share %.3f, want about 0.56", share)
	}
}
