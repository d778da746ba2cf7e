package synth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDefaultConfig(t *testing.T) {
	t.Parallel()
	for _, sc := range []string{"", ScenarioCurrent, ScenarioLegacy} {
		cfg, err := DefaultConfig(sc)
		if err != nil {
			t.Fatalf("DefaultConfig(%q): %v", sc, err)
		}
		if err := cfg.Validate(); err != nil {
			t.Errorf("DefaultConfig(%q) does not validate: %v", sc, err)
		}
	}
	if _, err := DefaultConfig("modern"); err == nil || !strings.Contains(err.Error(), `"modern"`) {
		t.Errorf("DefaultConfig(modern): %v", err)
	}
	cfg, _ := DefaultConfig("")
	// Spot-check the documented defaults (docs/indonesia.md §6.2).
	checks := map[string][2]float64{
		"kemenkes coverage":     {cfg.Sources.Kemenkes.Coverage, 0.95},
		"kemensos dup_rate":     {cfg.Sources.Kemensos.DupRate, 0.011},
		"djp nik_missing":       {cfg.Sources.DJP.NIKMissing, 0.19},
		"kemensos name_ocr":     {cfg.Sources.Kemensos.NameOCR, 0.01},
		"twin_rate":             {cfg.Population.TwinRate, 0.0075},
		"doppelganger_rate":     {cfg.Population.DoppelgangerRate, 0.001},
		"dob_correction_rate":   {cfg.Population.DOBCorrectionRate, 0.005},
		"mix.nik_typo.keypad":   {cfg.Mix.NIKTypo.Keypad, 0.55},
		"mix.nik_other.parent":  {cfg.Mix.NIKOther.Parent, 0.6},
		"mix.name_typo.delete":  {cfg.Mix.NameTypo.Delete, 0.2},
		"dukcapil nik_missing":  {cfg.Sources.Dukcapil.NIKMissing, 0},
		"kemendikbud nik_typo":  {cfg.Sources.Kemendikbud.NIKTypo, 0.015},
		"kemenkes stale":        {cfg.Sources.Kemenkes.StaleDeceased, 0.005},
		"kemensos postcode_err": {cfg.Sources.Kemensos.PostcodeError, 0.30},
	}
	for name, c := range checks {
		if c[0] != c[1] {
			t.Errorf("%s = %g, want %g", name, c[0], c[1])
		}
	}
}

func TestLoadConfig(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := writeFile(t, dir, "c.json", `{"people": 1234, "seed": 99,
		"population": {"twin_rate": 0.01},
		"sources": {"kemenkes": {"name_typo": 0.07}}}`)
	cfg, err := LoadConfig(path, "")
	if err != nil {
		t.Fatal(err)
	}
	def, _ := DefaultConfig("")
	if cfg.People != 1234 || cfg.Seed != 99 || cfg.Population.TwinRate != 0.01 || cfg.Sources.Kemenkes.NameTypo != 0.07 {
		t.Errorf("overrides not applied: %+v", cfg)
	}
	// Keys not in the file keep their defaults, also inside overridden objects.
	if cfg.Sources.Kemenkes.Coverage != def.Sources.Kemenkes.Coverage || cfg.Population.CoupleRate != def.Population.CoupleRate {
		t.Error("defaults lost next to overridden keys")
	}

	// The file's scenario selects the defaults when none is requested.
	legacy := writeFile(t, dir, "l.json", `{"scenario": "legacy", "people": 5}`)
	cfg, err = LoadConfig(legacy, "")
	if err != nil || cfg.Scenario != ScenarioLegacy || cfg.Sources.Kemensos.NIKMissing != 0.17 {
		t.Errorf("LoadConfig(legacy file): %v, scenario %q, kemensos nik_missing %g", err, cfg.Scenario, cfg.Sources.Kemensos.NIKMissing)
	}
	if cfg, err = LoadConfig(path, ScenarioLegacy); err != nil || cfg.Sources.Kemensos.NIKMissing != 0.17 {
		t.Errorf("LoadConfig(file, legacy): %v", err)
	}

	for _, tc := range []struct {
		name, content, scenario, want string
	}{
		{"unknown key", `{"sources": {"kemenkes": {"name_typoo": 0.1}}}`, "", `"name_typoo"`},
		{"unknown top-level key", `{"peopel": 3}`, "", `"peopel"`},
		{"conflicting scenario", `{"scenario": "legacy"}`, ScenarioCurrent, "conflicts"},
		{"rate above one", `{"sources": {"djp": {"nik_missing": 1.2}}}`, "", "sources.djp.nik_missing"},
		{"negative population rate", `{"population": {"twin_rate": -0.1}}`, "", "population.twin_rate"},
		{"zero weights", `{"mix": {"nik_other": {"parent": 0, "head": 0, "borrowed": 0}}}`, "", "mix.nik_other"},
		{"bad date", `{"as_of": "30-06-2025"}`, "", "as_of"},
		{"trailing data", `{"people": 3} {"people": 4}`, "", "trailing"},
		{"not JSON", `people = 3`, "", "invalid character"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeFile(t, t.TempDir(), "c.json", tc.content)
			_, err := LoadConfig(p, tc.scenario)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadConfig: %v, want an error containing %s", err, tc.want)
			}
		})
	}
	if _, err := LoadConfig(filepath.Join(dir, "missing.json"), ""); err == nil {
		t.Error("LoadConfig of a missing file succeeded")
	}
}
