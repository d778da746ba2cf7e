package synth

import "slices"

// Summary reports what a run generated and the rates it measured, next to
// the configured ones. It is written as summary.json and holds no timings,
// so it is as reproducible as the data.
type Summary struct {
	People        int64                 `json:"people"`
	Households    int64                 `json:"households"`
	Seed          uint64                `json:"seed"`
	Scenario      string                `json:"scenario"`
	Reference     string                `json:"reference"`
	AsOf          string                `json:"as_of"`
	Population    PopulationSummary     `json:"population"`
	Sources       []SourceSummary       `json:"sources"`
	HardNegatives map[string]GroupCount `json:"hard_negatives"`
	Files         []string              `json:"files"`
}

// Rate compares a configured probability with what was measured: Applied
// successes out of Applicable trials (the records or persons the rate can
// apply to).
type Rate struct {
	Config     float64 `json:"config"`
	Applied    int64   `json:"applied"`
	Applicable int64   `json:"applicable"`
	Measured   float64 `json:"measured"`
}

func newRate(config float64, applied, applicable int64) Rate {
	r := Rate{Config: config, Applied: applied, Applicable: applicable}
	if applicable > 0 {
		r.Measured = float64(applied) / float64(applicable)
	}
	return r
}

// PopulationSummary describes the truth layer.
type PopulationSummary struct {
	Male     int64 `json:"male"`
	Adults   int64 `json:"adults"`
	Deceased int64 `json:"deceased"`
	// MaleShare's Config is the share expected from the sampled regencies'
	// sex ratios.
	MaleShare Rate `json:"male_share"`
	// AgeShares splits persons into 0-14, 15-64 and 65+.
	AgeShares map[string]float64 `json:"age_shares"`
	// AdultBirthDateShares are the shares of adults born on the placeholder
	// days (1 July, 31 December, 1 January); a natural day holds about 0.27 %.
	AdultBirthDateShares map[string]float64 `json:"adult_birth_date_shares"`
	// OldCodeNIKShare is the share of NIKs with a superseded region code.
	OldCodeNIKShare float64 `json:"old_code_nik_share"`
	// Rates holds the truth-layer rates: twins per delivery, look-alikes per
	// eligible adult, ordinal sibling names, shared phones, corrections,
	// migration.
	Rates map[string]Rate `json:"rates"`
}

// SourceSummary describes one source file.
type SourceSummary struct {
	Source     string `json:"source"`
	Eligible   int64  `json:"eligible"`
	Kept       int64  `json:"kept"`
	Records    int64  `json:"records"`
	Duplicates int64  `json:"duplicates"`
	Stale      int64  `json:"stale"`
	// Coverage is kept living persons over eligible ones; DupRate extra
	// records per kept person; StaleDeceased dead persons over kept persons.
	Coverage      Rate `json:"coverage"`
	DupRate       Rate `json:"dup_rate"`
	StaleDeceased Rate `json:"stale_deceased"`
	// Errors holds one Rate per error knob (SourceConfig JSON key).
	Errors map[string]Rate `json:"errors"`
	// ErrorTypes counts errors.csv rows per error_type.
	ErrorTypes map[string]int64 `json:"error_types"`
}

// GroupCount counts hard-negative groups and the persons in them.
type GroupCount struct {
	Groups  int64 `json:"groups"`
	Persons int64 `json:"persons"`
}

func (g *generator) summary() Summary {
	st := &g.pop.stats
	pc := &g.cfg.Population
	share := func(n, of int64) float64 {
		if of == 0 {
			return 0
		}
		return float64(n) / float64(of)
	}
	s := Summary{
		People: st.people, Households: st.households, Seed: g.cfg.Seed, Scenario: g.cfg.Scenario,
		Reference: g.ref.name, AsOf: g.cfg.AsOf,
		Population: PopulationSummary{
			Male: st.male, Adults: st.adults, Deceased: st.deceased,
			MaleShare: Rate{Applied: st.male, Applicable: st.people, Measured: share(st.male, st.people)},
			AgeShares: map[string]float64{
				"0_14": share(st.age0to14, st.people), "15_64": share(st.age15to64, st.people), "65_plus": share(st.age65plus, st.people),
			},
			AdultBirthDateShares: map[string]float64{
				"jul_1": share(st.adultJul1, st.adults), "dec_31": share(st.adultDec31, st.adults), "jan_1": share(st.adultJan1, st.adults),
			},
			OldCodeNIKShare: share(st.oldCode, st.people),
			Rates: map[string]Rate{
				"twin_rate":                  newRate(pc.TwinRate, st.twinDeliveries, st.deliveries),
				"doppelganger_rate":          newRate(pc.DoppelgangerRate, st.doubles, st.doubleEligible),
				"doppelganger_same_district": newRate(pc.DoppelgangerSameDistrict, st.doubleSD, st.doubles),
				"ordinal_sibling_rate":       newRate(pc.OrdinalSiblingRate, st.ordinalNamed, st.ordinalEligible),
				"shared_phone_rate":          newRate(pc.SharedPhoneRate, st.sharedPhone, st.multiHouseholds),
				"dob_correction_rate":        newRate(pc.DOBCorrectionRate, st.corrDOB, st.people),
				"sex_correction_rate":        newRate(pc.SexCorrectionRate, st.corrSex, st.people),
				"migration_rate":             newRate(pc.MigrationRate, st.migrated, st.registeredBefore2007),
				"mid_month_before_1980":      newRate(pc.MidMonthBefore1980, st.midMonth, st.bornBefore1980),
			},
		},
		HardNegatives: map[string]GroupCount{},
	}
	if st.people > 0 {
		s.Population.MaleShare.Config = st.expectedMale / float64(st.people)
	}
	for _, src := range g.sources {
		ss := &src.stats
		sum := SourceSummary{
			Source: src.code, Eligible: ss.eligible, Kept: ss.kept, Records: ss.records,
			Duplicates: ss.duplicates, Stale: ss.stale,
			Coverage:      newRate(src.cfg.Coverage, ss.kept-ss.stale, ss.eligible),
			DupRate:       newRate(src.cfg.DupRate, ss.duplicates, ss.kept),
			StaleDeceased: newRate(src.cfg.StaleDeceased, ss.stale, ss.kept),
			Errors:        map[string]Rate{},
			ErrorTypes:    map[string]int64{},
		}
		for k := range numKnobs {
			if src.rate[k] > 0 || ss.knobs[k].applicable > 0 {
				sum.Errors[knobKeys[k]] = newRate(src.rate[k], ss.knobs[k].applied, ss.knobs[k].applicable)
			}
		}
		for t, n := range ss.errorTypes {
			sum.ErrorTypes[t] = n
		}
		s.Sources = append(s.Sources, sum)
	}
	for k, c := range g.hn {
		s.HardNegatives[k] = *c
	}
	for _, code := range SourceCodes() {
		s.Files = append(s.Files, code+".csv")
	}
	s.Files = append(s.Files, "truth.csv", "errors.csv", "hard_negatives.csv", "persons.csv", "households.csv", "config.json", "summary.json")
	slices.Sort(s.Files)
	return s
}
