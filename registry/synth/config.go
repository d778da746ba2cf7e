package synth

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"slices"
	"strings"
)

// Scenario names accepted by DefaultConfig and LoadConfig.
const (
	// ScenarioCurrent reproduces today's registers (docs/indonesia.md §6.2 table).
	ScenarioCurrent = "current"
	// ScenarioLegacy is the dirtier historical variant: Kemensos without a NIK
	// for 17 % of records (the 2020 DTKS figure) and every name-error rate doubled.
	ScenarioLegacy = "legacy"
)

// Source codes in output order. They are the registry's identifier domains.
const (
	SourceDukcapil    = "dukcapil"
	SourceKemenkes    = "kemenkes"
	SourceKemendikbud = "kemendikbud"
	SourceKemensos    = "kemensos"
	SourceDJP         = "djp"
)

// SourceCodes lists the generated sources in output order.
func SourceCodes() []string {
	return []string{SourceDukcapil, SourceKemenkes, SourceKemendikbud, SourceKemensos, SourceDJP}
}

// Config holds every knob of the generator. The zero value is not useful:
// start from DefaultConfig or LoadConfig. Rates are probabilities in [0, 1].
type Config struct {
	// People is the number of persons in the truth layer (alive and deceased).
	People int `json:"people"`
	// Seed selects the random streams; the same seed and config give
	// byte-identical output.
	Seed uint64 `json:"seed"`
	// Scenario is "current" or "legacy"; it selects the defaults.
	Scenario string `json:"scenario"`
	// AsOf is the extraction date (YYYY-MM-DD) that ages are measured against.
	AsOf string `json:"as_of"`
	// ShuffleWindow is the size of the per-source reservoir that mixes record
	// order, so that a person's duplicates are not adjacent in the file.
	// Memory grows linearly with it; 0 keeps household order.
	ShuffleWindow int `json:"shuffle_window"`

	Population PopulationConfig `json:"population"`
	Mix        MixConfig        `json:"mix"`
	Sources    SourcesConfig    `json:"sources"`
}

// PopulationConfig holds the truth-layer knobs (docs/indonesia.md §6.1).
// Values marked "assumption" are not backed by a published statistic.
type PopulationConfig struct {
	// HouseholdSizeWeights are relative weights of household sizes 1, 2, ...
	// (assumption; the defaults give a mean of about 3.9).
	HouseholdSizeWeights []float64 `json:"household_size_weights"`
	// CoupleRate is the share of multi-person households headed by a couple.
	CoupleRate float64 `json:"couple_rate"`
	// ElderRate is the share of households of 3+ with a co-resident parent.
	ElderRate float64 `json:"elder_rate"`
	// YoungestChildMaxAge bounds the age of the youngest child at home; the
	// age structure (about 25 % aged 0-14) is tuned with it.
	YoungestChildMaxAge int `json:"youngest_child_max_age"`

	// TwinRate is twin deliveries per delivery (7.5 per 1,000, Smits & Monden).
	TwinRate float64 `json:"twin_rate"`
	// IdenticalTwinShare is the share of twin pairs that are identical (same sex).
	IdenticalTwinShare float64 `json:"identical_twin_share"`

	// Placeholder birth dates by birth cohort; they reproduce Dukcapil's 2019
	// spikes (5 % on 1 July, 2.7 % on 31 December, 1.1 % on 1 January).
	PlaceholderBefore1960 float64 `json:"placeholder_before_1960"`
	Placeholder1960to1979 float64 `json:"placeholder_1960_1979"`
	Placeholder1980to1999 float64 `json:"placeholder_1980_1999"`
	PlaceholderFrom2000   float64 `json:"placeholder_from_2000"`
	// PlaceholderMix splits placeholder dates between 1 July, 31 December and
	// 1 January (10.3 M : 5.8 M : 2.6 M in 2019).
	PlaceholderMix PlaceholderMix `json:"placeholder_mix"`
	// MidMonthBefore1980 is the share of people born before 1980 recorded on
	// the 15th because only the month was known.
	MidMonthBefore1980 float64 `json:"mid_month_before_1980"`

	// MigrationRate is the share of people registered before 2007 whose NIK
	// prefix is another district than where they live now.
	MigrationRate float64 `json:"migration_rate"`
	// DOBCorrectionRate is the share of persons whose DOB was corrected after
	// the NIK was issued (the NIK keeps the old date; Permendagri 108/2019).
	DOBCorrectionRate float64 `json:"dob_correction_rate"`
	// SexCorrectionRate is the same for sex (the NIK keeps the old +40).
	SexCorrectionRate float64 `json:"sex_correction_rate"`
	// KKChangeRatePerYear is the yearly chance that a household's KK number is
	// reissued (a move or a split).
	KKChangeRatePerYear float64 `json:"kk_change_rate_per_year"`

	// MobileRateAdult is the share of adults (17+) with their own mobile.
	MobileRateAdult float64 `json:"mobile_rate_adult"`
	// SharedPhoneRate is the share of multi-person households where every
	// member is recorded with one phone number.
	SharedPhoneRate float64 `json:"shared_phone_rate"`

	// OldSpellingBefore1960 and OldSpelling1960to1975 are the shares of names
	// written in pre-1972 spelling (Soeharto, Djoko) by birth cohort (assumption).
	OldSpellingBefore1960 float64 `json:"old_spelling_before_1960"`
	OldSpelling1960to1975 float64 `json:"old_spelling_1960_1975"`
	// HajiRate is the share of Muslims over 40 who carry H./Hj.
	HajiRate float64 `json:"haji_rate"`
	// DegreeRate is the share of adults over 23 with an academic suffix.
	DegreeRate float64 `json:"degree_rate"`
	// PrefixTitleRate is the share of adults over 23 with Dr./Ir./Drs./Dra.
	PrefixTitleRate float64 `json:"prefix_title_rate"`
	// OrdinalSiblingRate is the share of second-to-fourth Javanese/Sundanese
	// children named with an ordinal (Dwi, Tri, Catur) and a shared word.
	OrdinalSiblingRate float64 `json:"ordinal_sibling_rate"`
	// HokkienBefore1966 is the share of Chinese-Indonesians born before 1966
	// who kept a Hokkien name in Dutch-era spelling (Tan Kiem Hoa) instead
	// of adopting an Indonesian-sounding one after Decision 127/1966.
	HokkienBefore1966 float64 `json:"hokkien_before_1966"`
	// MuslimPrefixMale and MuslimPrefixFemale are the shares of Muslim names
	// that start with Muhammad/Ahmad/Abdul and Siti/Nur.
	MuslimPrefixMale   float64 `json:"muslim_prefix_male"`
	MuslimPrefixFemale float64 `json:"muslim_prefix_female"`

	// DoppelgangerRate is the share of adults given a look-alike: another
	// person with the same name and birth date (hard negative).
	DoppelgangerRate float64 `json:"doppelganger_rate"`
	// DoppelgangerSameDistrict is the share of look-alikes registered in the
	// same district, so that only the NIK serial differs.
	DoppelgangerSameDistrict float64 `json:"doppelganger_same_district"`

	// DeceasedUnder60 and Deceased60Plus are the shares of persons who died
	// recently; they stay in the truth layer and may linger in stale sources.
	DeceasedUnder60 float64 `json:"deceased_under_60"`
	Deceased60Plus  float64 `json:"deceased_60_plus"`
	// DomicileElsewhereRate is the share of adults aged 18-40 living away from
	// their KTP address (students, migrant workers).
	DomicileElsewhereRate float64 `json:"domicile_elsewhere_rate"`
	// TaxpayerRate is the share of adults with income registered at DJP (≈36 %).
	TaxpayerRate float64 `json:"taxpayer_rate"`
	// TeacherRate is the share of adults aged 23-60 who are teachers (Dapodik).
	TeacherRate float64 `json:"teacher_rate"`
	// WelfareCutoff is the latent welfare quantile below which households are
	// in the social register; WelfareInclusionBand and WelfareInclusionRate add
	// inclusion errors from the next band.
	WelfareCutoff        float64 `json:"welfare_cutoff"`
	WelfareInclusionBand float64 `json:"welfare_inclusion_band"`
	WelfareInclusionRate float64 `json:"welfare_inclusion_rate"`
	// KelurahanWeightInKota over-weights urban villages in cities.
	KelurahanWeightInKota float64 `json:"kelurahan_weight_in_kota"`
	// RuralNoHouseNumber is the share of rural addresses without a number.
	RuralNoHouseNumber float64 `json:"rural_no_house_number"`
}

// PlaceholderMix holds relative weights of the three placeholder dates.
type PlaceholderMix struct {
	July1      float64 `json:"jul_1"`
	December31 float64 `json:"dec_31"`
	January1   float64 `json:"jan_1"`
}

// MixConfig holds the mixtures that split one error rate into error types
// (GeCo/Febrl style).
type MixConfig struct {
	// NIKTypo splits mistyped NIKs (keypad 0.55, transposition 0.30,
	// dropped/doubled digit 0.05, Excel last digit to 0 0.10).
	NIKTypo NIKTypoMix `json:"nik_typo"`
	// NIKOther splits "NIK of another person" (parent 0.6, head 0.3, borrowed 0.1).
	NIKOther NIKOtherMix `json:"nik_other"`
	// NameTypo splits name typos (Febrl: substitution 0.55, deletion 0.2,
	// insertion 0.1, transposition 0.15).
	NameTypo NameTypoMix `json:"name_typo"`
}

// NIKTypoMix holds relative weights of NIK keying errors.
type NIKTypoMix struct {
	Keypad    float64 `json:"keypad"`
	Transpose float64 `json:"transpose"`
	DropDup   float64 `json:"drop_dup"`
	Excel     float64 `json:"excel"`
}

// NIKOtherMix holds relative weights of whose NIK is used instead.
type NIKOtherMix struct {
	Parent   float64 `json:"parent"`
	Head     float64 `json:"head"`
	Borrowed float64 `json:"borrowed"`
}

// NameTypoMix holds relative weights of character edits in a name typo.
type NameTypoMix struct {
	Substitute float64 `json:"substitute"`
	Delete     float64 `json:"delete"`
	Insert     float64 `json:"insert"`
	Transpose  float64 `json:"transpose"`
}

// SourcesConfig holds one SourceConfig per ministry.
type SourcesConfig struct {
	Dukcapil    SourceConfig `json:"dukcapil"`
	Kemenkes    SourceConfig `json:"kemenkes"`
	Kemendikbud SourceConfig `json:"kemendikbud"`
	Kemensos    SourceConfig `json:"kemensos"`
	DJP         SourceConfig `json:"djp"`
}

// list returns the source configs in SourceCodes order.
func (s *SourcesConfig) list() []*SourceConfig {
	return []*SourceConfig{&s.Dukcapil, &s.Kemenkes, &s.Kemendikbud, &s.Kemensos, &s.DJP}
}

// SourceConfig holds one ministry's coverage, duplicate and error rates
// (docs/indonesia.md §6.2). An error rate is the probability that a record
// to which the error can apply gets it; summary.json reports, per rate, how
// many records it could apply to and how many got it.
type SourceConfig struct {
	// Coverage is the share of eligible persons the source holds.
	Coverage float64 `json:"coverage"`
	// DupRate is the mean of the Poisson number of extra records per person.
	DupRate float64 `json:"dup_rate"`
	// MaxDuplicates caps the extra records per person (3, as in Splink/GeCo).
	MaxDuplicates int `json:"max_duplicates"`

	NIKMissing       float64 `json:"nik_missing"`
	NIKMissingInfant float64 `json:"nik_missing_infant"` // age < 1, replaces NIKMissing
	NIKTypo          float64 `json:"nik_typo"`
	NIKOtherPerson   float64 `json:"nik_other_person"`
	NIKOtherInfant   float64 `json:"nik_other_infant"` // age < 1: the mother's NIK
	NIKKK            float64 `json:"nik_kk"`           // KK number in the NIK field

	NameNickname float64 `json:"name_nickname"`
	NameTypo     float64 `json:"name_typo"`
	NameVariant  float64 `json:"name_variant"` // spelling era or informal variant
	NameAbbrev   float64 `json:"name_abbrev"`
	NameTitle    float64 `json:"name_title"`
	NameToken    float64 `json:"name_token"` // token dropped or reordered
	NameOCR      float64 `json:"name_ocr"`
	NameBabyOf   float64 `json:"name_baby_of"` // age < 1: "By. Ny. <mother>"

	DOBMissing     float64 `json:"dob_missing"`
	DOBTypo        float64 `json:"dob_typo"`
	DOBPlaceholder float64 `json:"dob_placeholder"`
	DOBFromNIK     float64 `json:"dob_from_nik"` // persons with a corrected DOB only

	SexWrong       float64 `json:"sex_wrong"`
	SexWrongUnisex float64 `json:"sex_wrong_unisex"` // first name used by both sexes

	PlaceVariant    float64 `json:"place_variant"`
	AddressDomicile float64 `json:"address_domicile"` // persons living elsewhere only
	RTRWFormat      float64 `json:"rtrw_format"`
	PostcodeError   float64 `json:"postcode_error"`

	PhonePresent float64 `json:"phone_present"` // persons with a phone only
	EmailPresent float64 `json:"email_present"`

	// StaleDeceased is the target share of kept persons who have died but are
	// still listed. The generator meets it exactly while deceased eligible
	// persons last, so it is not a per-record coin flip.
	StaleDeceased float64 `json:"stale_deceased"`
	// HouseholdCopy is the per-field chance (NIK, birth date) of holding a
	// household member's value instead (pseudopeople's copy_from_household_member).
	HouseholdCopy float64 `json:"household_copy"`
}

// DefaultConfig returns the documented defaults of a scenario ("" means
// "current"). It fails only for an unknown scenario.
func DefaultConfig(scenario string) (Config, error) {
	if scenario == "" {
		scenario = ScenarioCurrent
	}
	if scenario != ScenarioCurrent && scenario != ScenarioLegacy {
		return Config{}, fmt.Errorf("synth: unknown scenario %q (want %q or %q)", scenario, ScenarioCurrent, ScenarioLegacy)
	}
	c := Config{
		People:        10000,
		Seed:          1,
		Scenario:      scenario,
		AsOf:          "2025-06-30",
		ShuffleWindow: 8192,
		Population: PopulationConfig{
			HouseholdSizeWeights:     []float64{0.08, 0.14, 0.21, 0.24, 0.16, 0.09, 0.05, 0.03},
			CoupleRate:               0.88,
			ElderRate:                0.25,
			YoungestChildMaxAge:      22,
			TwinRate:                 0.0075,
			IdenticalTwinShare:       1.0 / 3,
			PlaceholderBefore1960:    0.40,
			Placeholder1960to1979:    0.15,
			Placeholder1980to1999:    0.04,
			PlaceholderFrom2000:      0.003,
			PlaceholderMix:           PlaceholderMix{July1: 10.3, December31: 5.8, January1: 2.6},
			MidMonthBefore1980:       0.01,
			MigrationRate:            0.15,
			DOBCorrectionRate:        0.005,
			SexCorrectionRate:        0.0002,
			KKChangeRatePerYear:      0.02,
			MobileRateAdult:          0.80,
			SharedPhoneRate:          0.20,
			OldSpellingBefore1960:    0.60,
			OldSpelling1960to1975:    0.25,
			HajiRate:                 0.03,
			DegreeRate:               0.08,
			PrefixTitleRate:          0.01,
			OrdinalSiblingRate:       0.20,
			HokkienBefore1966:        0.20,
			MuslimPrefixMale:         0.35,
			MuslimPrefixFemale:       0.30,
			DoppelgangerRate:         0.001,
			DoppelgangerSameDistrict: 0.20,
			DeceasedUnder60:          0.004,
			Deceased60Plus:           0.06,
			DomicileElsewhereRate:    0.12,
			TaxpayerRate:             0.36,
			TeacherRate:              0.02,
			WelfareCutoff:            0.40,
			WelfareInclusionBand:     0.20,
			WelfareInclusionRate:     0.10,
			KelurahanWeightInKota:    3,
			RuralNoHouseNumber:       0.60,
		},
		Mix: MixConfig{
			NIKTypo:  NIKTypoMix{Keypad: 0.55, Transpose: 0.30, DropDup: 0.05, Excel: 0.10},
			NIKOther: NIKOtherMix{Parent: 0.6, Head: 0.3, Borrowed: 0.1},
			NameTypo: NameTypoMix{Substitute: 0.55, Delete: 0.20, Insert: 0.10, Transpose: 0.15},
		},
		Sources: SourcesConfig{
			Dukcapil: SourceConfig{
				Coverage: 0.995, DupRate: 0.0002, MaxDuplicates: 3,
				NameTypo: 0.001, NameTitle: 0.02, SexWrong: 0.0005, SexWrongUnisex: 0.0015,
			},
			Kemenkes: SourceConfig{
				Coverage: 0.95, DupRate: 0.04, MaxDuplicates: 3,
				NIKMissing: 0.02, NIKMissingInfant: 0.40, NIKTypo: 0.01,
				NIKOtherPerson: 0.015, NIKOtherInfant: 0.25, NIKKK: 0.003,
				NameNickname: 0.02, NameTypo: 0.03, NameVariant: 0.02, NameAbbrev: 0.03,
				NameTitle: 0.05, NameToken: 0.02, NameBabyOf: 0.30,
				DOBMissing: 0.005, DOBTypo: 0.02, DOBPlaceholder: 0.01, DOBFromNIK: 0.30,
				SexWrong: 0.005, SexWrongUnisex: 0.015,
				PlaceVariant: 0.10, AddressDomicile: 0.15, RTRWFormat: 0.20, PostcodeError: 0.10,
				PhonePresent: 0.70, EmailPresent: 0.05, StaleDeceased: 0.005, HouseholdCopy: 0.01,
			},
			Kemendikbud: SourceConfig{
				Coverage: 0.93, DupRate: 0.02, MaxDuplicates: 3,
				NIKMissing: 0.05, NIKMissingInfant: 0.05, NIKTypo: 0.015,
				NIKOtherPerson: 0.005, NIKKK: 0.005,
				NameNickname: 0.005, NameTypo: 0.015, NameVariant: 0.01, NameAbbrev: 0.01,
				NameTitle: 0.005, NameToken: 0.01,
				DOBMissing: 0.002, DOBTypo: 0.01, DOBPlaceholder: 0.002, DOBFromNIK: 0.10,
				SexWrong: 0.003, SexWrongUnisex: 0.009,
				PlaceVariant: 0.05, AddressDomicile: 0.10, RTRWFormat: 0.10, PostcodeError: 0.05,
				PhonePresent: 0.60, HouseholdCopy: 0.01,
			},
			Kemensos: SourceConfig{
				Coverage: 0.90, DupRate: 0.011, MaxDuplicates: 3,
				NIKMissing: 0.02, NIKMissingInfant: 0.02, NIKTypo: 0.02,
				NIKOtherPerson: 0.01, NIKKK: 0.01,
				NameNickname: 0.05, NameTypo: 0.04, NameVariant: 0.02, NameAbbrev: 0.04,
				NameTitle: 0.03, NameToken: 0.03, NameOCR: 0.01,
				DOBMissing: 0.02, DOBTypo: 0.03, DOBPlaceholder: 0.03, DOBFromNIK: 0.50,
				SexWrong: 0.005, SexWrongUnisex: 0.015,
				PlaceVariant: 0.10, AddressDomicile: 0.05, RTRWFormat: 0.05, PostcodeError: 0.30,
				PhonePresent: 0.40, StaleDeceased: 0.0025, HouseholdCopy: 0.02,
			},
			DJP: SourceConfig{
				Coverage: 1.0, DupRate: 0.005, MaxDuplicates: 3,
				NIKMissing: 0.19, NIKMissingInfant: 0.19, NIKTypo: 0.005,
				NIKOtherPerson: 0.001, NIKKK: 0.001,
				NameNickname: 0.01, NameTypo: 0.02, NameVariant: 0.03, NameAbbrev: 0.03,
				NameTitle: 0.10, NameToken: 0.02,
				DOBMissing: 0.01, DOBTypo: 0.015, DOBPlaceholder: 0.005, DOBFromNIK: 0.30,
				SexWrong: 0.003, SexWrongUnisex: 0.009,
				PlaceVariant: 0.05, AddressDomicile: 0.25, RTRWFormat: 0.30, PostcodeError: 0.05,
				PhonePresent: 0.80, EmailPresent: 0.50, StaleDeceased: 0.003, HouseholdCopy: 0.005,
			},
		},
	}
	if scenario == ScenarioLegacy {
		c.Sources.Kemensos.NIKMissing = 0.17
		c.Sources.Kemensos.NIKMissingInfant = 0.17
		for _, s := range c.Sources.list() {
			s.NameNickname = math.Min(1, 2*s.NameNickname)
			s.NameTypo = math.Min(1, 2*s.NameTypo)
			s.NameVariant = math.Min(1, 2*s.NameVariant)
			s.NameAbbrev = math.Min(1, 2*s.NameAbbrev)
			s.NameTitle = math.Min(1, 2*s.NameTitle)
			s.NameToken = math.Min(1, 2*s.NameToken)
			s.NameOCR = math.Min(1, 2*s.NameOCR)
		}
	}
	return c, nil
}

// LoadConfig reads a JSON file whose keys override the defaults of a
// scenario. The scenario comes from the argument, or else from the file's
// "scenario" key, or else is "current"; a file naming another scenario than
// the argument is an error. Unknown keys are rejected with their name, so a
// misspelt rate never silently keeps its default.
func LoadConfig(path, scenario string) (Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return Config{}, fmt.Errorf("synth: read config: %w", err)
	}
	var head struct {
		Scenario string `json:"scenario"`
	}
	// A first lenient pass only to learn the scenario whose defaults apply.
	if err := json.Unmarshal(data, &head); err != nil {
		return Config{}, fmt.Errorf("synth: config %s: %w", path, err)
	}
	switch {
	case scenario == "":
		scenario = head.Scenario
	case head.Scenario != "" && head.Scenario != scenario:
		return Config{}, fmt.Errorf("synth: config %s: scenario %q conflicts with requested scenario %q", path, head.Scenario, scenario)
	}
	cfg, err := DefaultConfig(scenario)
	if err != nil {
		return Config{}, fmt.Errorf("synth: config %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		return Config{}, fmt.Errorf("synth: config %s: %w", path, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Config{}, fmt.Errorf("synth: config %s: trailing data after the JSON object", path)
	}
	if cfg.Scenario == "" {
		cfg.Scenario = scenario
	}
	if err := cfg.Validate(); err != nil {
		return Config{}, fmt.Errorf("synth: config %s: %w", path, err)
	}
	return cfg, nil
}

// Validate reports the first knob that is out of range, naming it by its
// JSON key.
func (c Config) Validate() error {
	if c.People < 1 {
		return fmt.Errorf("people must be at least 1, got %d", c.People)
	}
	if c.Scenario != ScenarioCurrent && c.Scenario != ScenarioLegacy {
		return fmt.Errorf("unknown scenario %q", c.Scenario)
	}
	asOf, err := parseISODate(c.AsOf)
	if err != nil || asOf.y < 1990 || asOf.y > 2100 {
		return fmt.Errorf("as_of must be a date YYYY-MM-DD between 1990 and 2100, got %q", c.AsOf)
	}
	if c.ShuffleWindow < 0 || c.ShuffleWindow > 1<<22 {
		return fmt.Errorf("shuffle_window must be in [0, %d], got %d", 1<<22, c.ShuffleWindow)
	}
	p := c.Population
	if len(p.HouseholdSizeWeights) == 0 || len(p.HouseholdSizeWeights) > maxHouseholdSize {
		return fmt.Errorf("population.household_size_weights needs 1 to %d weights", maxHouseholdSize)
	}
	if err := checkWeights("population.household_size_weights", p.HouseholdSizeWeights...); err != nil {
		return err
	}
	if err := checkWeights("population.placeholder_mix", p.PlaceholderMix.July1, p.PlaceholderMix.December31, p.PlaceholderMix.January1); err != nil {
		return err
	}
	if p.YoungestChildMaxAge < 0 || p.YoungestChildMaxAge > 30 {
		return fmt.Errorf("population.youngest_child_max_age must be in [0, 30], got %d", p.YoungestChildMaxAge)
	}
	if p.KelurahanWeightInKota <= 0 {
		return fmt.Errorf("population.kelurahan_weight_in_kota must be positive, got %g", p.KelurahanWeightInKota)
	}
	if err := checkRates("population", p, "household_size_weights", "placeholder_mix", "youngest_child_max_age", "kelurahan_weight_in_kota"); err != nil {
		return err
	}
	m := c.Mix
	if err := checkWeights("mix.nik_typo", m.NIKTypo.Keypad, m.NIKTypo.Transpose, m.NIKTypo.DropDup, m.NIKTypo.Excel); err != nil {
		return err
	}
	if err := checkWeights("mix.nik_other", m.NIKOther.Parent, m.NIKOther.Head, m.NIKOther.Borrowed); err != nil {
		return err
	}
	if err := checkWeights("mix.name_typo", m.NameTypo.Substitute, m.NameTypo.Delete, m.NameTypo.Insert, m.NameTypo.Transpose); err != nil {
		return err
	}
	for i, s := range c.Sources.list() {
		name := "sources." + SourceCodes()[i]
		if s.MaxDuplicates < 0 || s.MaxDuplicates > 10 {
			return fmt.Errorf("%s.max_duplicates must be in [0, 10], got %d", name, s.MaxDuplicates)
		}
		if s.DupRate < 0 || s.DupRate > 5 {
			return fmt.Errorf("%s.dup_rate must be in [0, 5], got %g", name, s.DupRate)
		}
		if err := checkRates(name, *s, "max_duplicates", "dup_rate"); err != nil {
			return err
		}
	}
	return nil
}

// checkRates checks that every float64 field of a struct, except the named
// ones, is a probability. Reflection keeps the check in step with new knobs.
func checkRates(prefix string, v any, skip ...string) error {
	rv := reflect.ValueOf(v)
	rt := rv.Type()
	for i := range rt.NumField() {
		f := rt.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Type.Kind() != reflect.Float64 || slices.Contains(skip, key) {
			continue
		}
		x := rv.Field(i).Float()
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("%s.%s must be in [0, 1], got %g", prefix, key, x)
		}
	}
	return nil
}

func checkWeights(name string, w ...float64) error {
	sum := 0.0
	for _, x := range w {
		if !(x >= 0) || math.IsInf(x, 0) {
			return fmt.Errorf("%s: weights must be finite and non-negative", name)
		}
		sum += x
	}
	if sum <= 0 {
		return fmt.Errorf("%s: weights must not all be zero", name)
	}
	return nil
}
