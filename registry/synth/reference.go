package synth

import (
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Reference holds the regions, population weights, name tables and error
// tables that the generator draws from. Build one with BuiltinReference or
// LoadReference; a Reference is read-only once built and may be shared by
// concurrent Generate calls.
type Reference struct {
	name      string
	provinces []province
	regencies []regency
	districts []district
	villages  []village
	// regions lists every 6-digit code a NIK may carry: the current district
	// codes first (index = district index), then superseded codes. The index
	// keys the serial counters.
	regions []string
	// regCum is the cumulative population weight over regencies.
	regCum []float64

	names          nameTables
	streets        []string
	hamlets        []string
	mobilePrefixes []string
	ocr            [][2]string
	qwerty         [256]string
	keypad         [10]string
	historic       map[string][]string

	pendingOld []pendingOldCode
}

type province struct{ code, name string }

type regency struct {
	code, name string // compact code
	place      string // name as a place of birth: upper case, no "Kota"/"Kabupaten"
	prov       int
	kota       bool
	male       float64
	female     float64
	distLo     int
	distHi     int
	villLo     int
	villHi     int
	styleCum   [numStyles]float64
}

type district struct {
	code, name string
	reg        int
	villLo     int
	villHi     int
	// old lists superseded codes of this district, oldest change first.
	old []oldCode
}

type oldCode struct {
	region     int // index into Reference.regions
	changeYear int // first year the code was no longer issued
}

type village struct {
	code, name string
	dist       int
	kelurahan  bool
	postcode   string
}

type pendingOldCode struct {
	code     string // 6-digit superseded code
	district string // current 6-digit code
	lastSeen int
}

// Name returns "builtin" or the directory the reference was loaded from.
func (r *Reference) Name() string { return r.name }

// Counts reports the sizes of the region tables, for logs and tests.
func (r *Reference) Counts() (provinces, regencies, districts, villages int) {
	return len(r.provinces), len(r.regencies), len(r.districts), len(r.villages)
}

// finish sorts the region tables by code, links them through their code
// prefixes, and derives the sampling tables.
func (r *Reference) finish() error {
	slices.SortFunc(r.provinces, func(a, b province) int { return cmp.Compare(a.code, b.code) })
	slices.SortFunc(r.regencies, func(a, b regency) int { return cmp.Compare(a.code, b.code) })
	slices.SortFunc(r.districts, func(a, b district) int { return cmp.Compare(a.code, b.code) })
	slices.SortFunc(r.villages, func(a, b village) int { return cmp.Compare(a.code, b.code) })

	provIdx := make(map[string]int, len(r.provinces))
	for i, p := range r.provinces {
		provIdx[p.code] = i
	}
	regIdx := make(map[string]int, len(r.regencies))
	for i := range r.regencies {
		g := &r.regencies[i]
		p, ok := provIdx[g.code[:2]]
		if !ok {
			return fmt.Errorf("regency %s: unknown province %s", g.code, g.code[:2])
		}
		g.prov = p
		g.kota = g.code[2] >= '7'
		g.place = placeName(g.name)
		g.distLo, g.distHi = -1, -1
		mix, ok := provinceStyleMix[g.code[:2]]
		if !ok {
			mix = defaultStyleMix
		}
		sum := 0.0
		for s := range numStyles {
			sum += mix[s]
			g.styleCum[s] = sum
		}
		regIdx[g.code] = i
	}
	distIdx := make(map[string]int, len(r.districts))
	for i := range r.districts {
		d := &r.districts[i]
		g, ok := regIdx[d.code[:4]]
		if !ok {
			return fmt.Errorf("district %s: unknown regency %s", d.code, d.code[:4])
		}
		d.reg = g
		d.villLo, d.villHi = -1, -1
		if r.regencies[g].distLo < 0 {
			r.regencies[g].distLo = i
		}
		r.regencies[g].distHi = i + 1
		distIdx[d.code] = i
	}
	for i := range r.villages {
		v := &r.villages[i]
		d, ok := distIdx[v.code[:6]]
		if !ok {
			return fmt.Errorf("village %s: unknown district %s", v.code, v.code[:6])
		}
		v.dist = d
		if r.districts[d].villLo < 0 {
			r.districts[d].villLo = i
		}
		r.districts[d].villHi = i + 1
	}
	for i := range r.regencies {
		g := &r.regencies[i]
		g.villLo, g.villHi = -1, -1
		for d := g.distLo; d >= 0 && d < g.distHi; d++ {
			if r.districts[d].villLo < 0 {
				continue
			}
			if g.villLo < 0 {
				g.villLo = r.districts[d].villLo
			}
			g.villHi = r.districts[d].villHi
		}
	}

	r.regions = r.regions[:0]
	for _, d := range r.districts {
		r.regions = append(r.regions, d.code)
	}
	seen := map[string]int{}
	slices.SortFunc(r.pendingOld, func(a, b pendingOldCode) int {
		return cmp.Or(cmp.Compare(a.lastSeen, b.lastSeen), cmp.Compare(a.code, b.code))
	})
	for _, p := range r.pendingOld {
		d, ok := distIdx[p.district]
		if !ok {
			continue
		}
		if _, current := distIdx[p.code]; current {
			// A code reused by another current district is not "old" for NIKs.
			continue
		}
		ri, ok := seen[p.code]
		if !ok {
			ri = len(r.regions)
			r.regions = append(r.regions, p.code)
			seen[p.code] = ri
		}
		r.districts[d].old = append(r.districts[d].old, oldCode{region: ri, changeYear: p.lastSeen + 1})
	}
	r.pendingOld = nil
	if len(r.regions) >= maxRegions {
		return fmt.Errorf("%d region codes exceed the serial-counter key space (%d)", len(r.regions), maxRegions)
	}

	r.regCum = make([]float64, len(r.regencies))
	sum := 0.0
	for i, g := range r.regencies {
		if g.villLo >= 0 {
			sum += g.male + g.female
		}
		r.regCum[i] = sum
	}
	if sum <= 0 {
		return errors.New("no regency has both a population and villages")
	}
	if r.historic == nil {
		r.historic = map[string][]string{}
	}
	if err := r.names.finish(); err != nil {
		return err
	}
	if len(r.streets) == 0 || len(r.hamlets) == 0 || len(r.mobilePrefixes) == 0 {
		return errors.New("street, hamlet and mobile-prefix lists must not be empty")
	}
	return nil
}

// placeName turns an official regency name into the way a KTP prints a
// place of birth: "Kota Administrasi Jakarta Pusat" → "JAKARTA PUSAT".
func placeName(official string) string {
	s := official
	for _, p := range []string{"Kota Administrasi ", "Kabupaten Administrasi ", "Kabupaten ", "Kota ", "KAB. ", "KOTA "} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	return strings.ToUpper(s)
}

// LoadReference reads the official region tables, population weights, name
// tables and error tables from dir (the layout of
// ../shared/data/indonesia: wilayah/, names/, address/, error_models/).
// Naming-style flavour lists, the province style mix, hamlet names and
// historic place names are not in those files and stay built in. The error
// names the missing file or the bad column.
func LoadReference(dir string) (*Reference, error) {
	r := &Reference{name: filepath.Clean(dir)}
	l := loader{dir: dir}

	for _, row := range l.table("wilayah/provinces.csv", "code", "name") {
		r.provinces = append(r.provinces, province{code: row[0], name: row[1]})
	}
	pop := map[string][2]float64{}
	for _, row := range l.table("wilayah/population_2024s2.csv", "code", "level", "male", "female") {
		if row[1] != "2" {
			continue
		}
		m, err1 := strconv.ParseFloat(row[2], 64)
		f, err2 := strconv.ParseFloat(row[3], 64)
		if err1 != nil || err2 != nil || m < 0 || f < 0 {
			l.fail("wilayah/population_2024s2.csv", fmt.Errorf("regency %s: bad male/female count", row[0]))
			break
		}
		pop[strings.ReplaceAll(row[0], ".", "")] = [2]float64{m, f}
	}
	for _, row := range l.table("wilayah/regencies.csv", "code_compact", "name") {
		p := pop[row[0]]
		r.regencies = append(r.regencies, regency{code: row[0], name: row[1], male: p[0], female: p[1]})
	}
	if l.err == nil && len(pop) == 0 {
		l.fail("wilayah/population_2024s2.csv", errors.New("no regency rows (level 2)"))
	}
	for _, row := range l.table("wilayah/districts.csv", "code_compact", "name") {
		r.districts = append(r.districts, district{code: row[0], name: row[1]})
	}
	for _, row := range l.table("wilayah/villages.csv", "code_compact", "type", "name", "postal_code") {
		r.villages = append(r.villages, village{code: row[0], kelurahan: row[1] == "kelurahan", name: row[2], postcode: row[3]})
	}
	r.loadCodeHistory(&l)
	r.loadNames(&l)

	r.streets = append(r.streets, l.column("address/faker_id_ID_streets.csv", "street_name")...)
	for _, row := range l.table("address/street_name_parts.csv", "token", "kind") {
		switch row[1] {
		case "hero_name", "civic", "flora", "fauna", "landmark":
			r.streets = append(r.streets, row[0])
		}
	}
	r.streets = dedupe(r.streets)
	r.hamlets = append([]string(nil), builtinHamlets...)
	for _, row := range l.table("address/phone_prefixes.csv", "prefix", "kind") {
		if row[1] == "mobile" {
			r.mobilePrefixes = append(r.mobilePrefixes, row[0])
		}
	}
	for _, row := range l.table("error_models/ocr_confusions_pseudopeople.csv", "true_chars", "ocr_reading") {
		if row[0] != "" && row[1] != "" {
			r.ocr = append(r.ocr, [2]string{row[0], row[1]})
		}
	}
	for _, row := range l.table("error_models/qwerty_numpad_neighbors_pseudopeople.csv", "key", "neighbors", "layout") {
		if len(row[0]) != 1 {
			continue
		}
		nb := strings.ReplaceAll(row[1], " ", "")
		switch k := row[0][0]; {
		case strings.HasPrefix(row[2], "numpad") && k >= '0' && k <= '9':
			r.keypad[k-'0'] = nb
		case k >= 'a' && k <= 'z':
			r.qwerty[k] = nb
		}
	}
	if l.err != nil {
		return nil, l.err
	}
	if len(r.mobilePrefixes) == 0 {
		return nil, fmt.Errorf("synth: reference %s: address/phone_prefixes.csv has no mobile prefixes", dir)
	}
	for d := range 10 {
		if r.keypad[d] == "" {
			return nil, fmt.Errorf("synth: reference %s: error_models/qwerty_numpad_neighbors_pseudopeople.csv lacks keypad digit %d", dir, d)
		}
	}
	r.historic = builtinHistoricPlaces
	if err := r.finish(); err != nil {
		return nil, fmt.Errorf("synth: reference %s: %w", dir, err)
	}
	return r, nil
}

// loadCodeHistory maps superseded district codes to today's district with
// the same name in a regency of the same name (Kota Sorong 92.71.01 →
// 96.71.01), so that older NIKs can keep the old prefix.
func (r *Reference) loadCodeHistory(l *loader) {
	const file = "wilayah/code_history_prov_kab_kec.csv"
	rows := l.table(file, "code", "code_compact", "level", "last_seen", "in_current", "names_seen")
	regNames := map[string][]string{} // dotted regency code → normalised names
	for _, row := range rows {
		if row[2] == "2" {
			regNames[row[0]] = splitNorm(row[5], normRegency)
		}
	}
	current := map[[2]string]string{} // (regency name, district name) → code
	regByCode := map[string]string{}
	for _, g := range r.regencies {
		regByCode[g.code] = normRegency(g.name)
	}
	for _, d := range r.districts {
		current[[2]string{regByCode[d.code[:4]], normName(d.name)}] = d.code
	}
	for _, row := range rows {
		if row[2] != "3" || row[4] != "False" || len(row[0]) < 5 {
			continue
		}
		last, err := strconv.Atoi(row[3])
		if err != nil {
			l.fail(file, fmt.Errorf("code %s: bad last_seen %q", row[0], row[3]))
			return
		}
		target := ""
		for _, rn := range regNames[row[0][:5]] {
			for _, dn := range splitNorm(row[5], normName) {
				if c, ok := current[[2]string{rn, dn}]; ok && target == "" {
					target = c
				}
			}
		}
		if target != "" {
			r.pendingOld = append(r.pendingOld, pendingOldCode{code: row[1], district: target, lastSeen: last})
		}
	}
}

var nonLetters = regexp.MustCompile(`[^A-Z]`)

// normName folds a district name for matching across code versions.
func normName(s string) string { return nonLetters.ReplaceAllString(strings.ToUpper(s), "") }

// normRegency also drops the type prefix: "KAB. MERAUKE" and "Kabupaten
// Merauke" both become "MERAUKE". Only a prefix is dropped, since "Kota"
// also ends district names (Sorong Kota).
func normRegency(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	for _, p := range []string{"KABUPATEN ADMINISTRASI ", "KABUPATEN ", "KAB. ", "KAB.", "KAB ", "KOTA ADMINISTRASI ", "KOTA "} {
		if strings.HasPrefix(s, p) {
			s = s[len(p):]
			break
		}
	}
	return normName(s)
}

func splitNorm(names string, norm func(string) string) []string {
	var out []string
	for _, n := range strings.Split(names, "|") {
		if k := norm(n); k != "" {
			out = append(out, k)
		}
	}
	return out
}

// loadNames replaces the built-in general name pools and the clan,
// Balinese, Chinese, variant, title and spelling tables with the files'.
func (r *Reference) loadNames(l *loader) {
	n := builtinNames()
	var given [2][]wtok
	seen := map[string]bool{}
	sexes := map[string]map[byte]bool{}
	mark := func(name string, sex byte) {
		k := strings.ToLower(name)
		if sexes[k] == nil {
			sexes[k] = map[byte]bool{}
		}
		sexes[k][sex] = true
	}
	const perlancar = "names/given_names_freq_perlancar.csv"
	for _, row := range l.table(perlancar, "name", "gender", "gender_ratio", "not_a_name", "weight_within_gender") {
		if row[3] == "1" || row[4] == "" || (row[1] != "M" && row[1] != "F") {
			continue
		}
		w, err := strconv.ParseFloat(row[4], 64)
		if err != nil || w < 0 {
			l.fail(perlancar, fmt.Errorf("name %q: bad weight_within_gender %q", row[0], row[4]))
			return
		}
		name := titleCase(row[0])
		if seen[row[1]+name] {
			continue
		}
		seen[row[1]+name] = true
		s := sexIndex(row[1][0])
		given[s] = append(given[s], wtok{name, w})
		mark(name, row[1][0])
		if ratio, err := strconv.ParseFloat(row[2], 64); err == nil && ratio < 0.8 {
			n.unisex[strings.ToLower(name)] = true
		}
	}
	// Faker's lists have no frequencies: they form a uniform tail holding a
	// quarter of each sex's weight.
	var tail [2][]string
	var second [2][]string
	clanSet := map[string]bool{}
	for _, row := range l.table("names/faker_id_ID_names.csv", "name", "gender", "role") {
		if row[1] != "M" && row[1] != "F" {
			continue
		}
		s := sexIndex(row[1][0])
		mark(row[0], row[1][0])
		if row[2] == "given" {
			if !seen[row[1]+row[0]] {
				seen[row[1]+row[0]] = true
				tail[s] = append(tail[s], row[0])
			}
		} else {
			second[s] = append(second[s], row[0])
		}
	}
	for s := range 2 {
		total := 0.0
		for _, t := range given[s] {
			total += t.w
		}
		if total == 0 {
			total = 1
		}
		for _, t := range tail[s] {
			given[s] = append(given[s], wtok{t, total / 3 / float64(len(tail[s]))})
		}
		if len(given[s]) == 0 {
			l.fail(perlancar, fmt.Errorf("no given names for sex %c", "MF"[s]))
			return
		}
		n.given[s] = newPool(given[s])
	}
	for k, s := range sexes {
		if s['M'] && s['F'] {
			n.unisex[k] = true
		}
	}

	n.clans = nil
	for _, row := range l.table("names/clan_family_names.csv", "name", "group", "region_province_codes") {
		c := clanName{name: row[0], kind: clanEastern, provinces: strings.Fields(row[2])}
		switch {
		case strings.Contains(row[1], "Batak"):
			c.kind, c.provinces = clanBatak, nil
		case strings.Contains(row[1], "Papua"):
			c.kind, c.provinces = clanPapuan, nil
		}
		n.clans = append(n.clans, c)
		clanSet[row[0]] = true
	}
	for s := range 2 {
		for _, x := range second[s] {
			if !clanSet[x] {
				n.second[s] = append(n.second[s], x)
			}
		}
	}

	const bali = "names/balinese_name_parts.csv"
	var order [4][2][]string
	var castes [2][][]string
	for _, row := range l.table(bali, "token", "kind", "gender", "meaning") {
		sexes := []int{0, 1}
		switch row[2] {
		case "M":
			sexes = []int{0}
		case "F":
			sexes = []int{1}
		}
		switch row[1] {
		case "gender_marker":
			for _, s := range sexes {
				n.balMarkers[s] = row[0]
			}
		case "birth_order":
			pos := strings.IndexByte("1234", row[3][0])
			if row[3] == "" || pos < 0 {
				continue
			}
			for _, s := range sexes {
				order[pos][s] = append(order[pos][s], row[0])
			}
		case "caste":
			for _, s := range sexes {
				castes[s] = append(castes[s], strings.Fields(row[0]))
			}
		}
	}
	for pos := range 4 {
		for s := range 2 {
			if len(order[pos][s]) == 0 {
				l.fail(bali, fmt.Errorf("no birth-order name for child %d", pos+1))
				return
			}
		}
	}
	n.balOrder = order
	if len(castes[0]) > 0 && len(castes[1]) > 0 {
		n.balCastes = castes
	}

	n.hokkien, n.adapted = nil, nil
	for _, row := range l.table("names/chinese_indonesian_surnames.csv", "hokkien_dutch_spelling", "example_adapted_indonesian_names") {
		for _, h := range strings.Split(row[0], "/") {
			if h = strings.TrimSpace(h); h != "" {
				n.hokkien = append(n.hokkien, h)
			}
		}
		for _, a := range strings.Split(row[1], "|") {
			if a = strings.TrimSpace(a); a != "" {
				n.adapted = append(n.adapted, a)
			}
		}
	}

	n.nick, n.abbrev, n.variants = map[string][]string{}, map[string][]string{}, map[string][]string{}
	for _, row := range l.table("names/name_variant_groups.csv", "canonical", "variant", "relation") {
		c, v := row[0], row[1]
		switch row[2] {
		case "nickname":
			n.nick[c] = append(n.nick[c], v)
		case "abbreviation":
			n.abbrev[c] = append(n.abbrev[c], v)
		case "spelling", "old_spelling", "regional", "spacing", "grammatical":
			n.variants[c] = append(n.variants[c], v)
			if !strings.Contains(v, " ") {
				n.variants[v] = append(n.variants[v], c)
			}
		}
	}

	n.degrees = nil
	for _, row := range l.table("names/titles_honorifics.csv", "token", "position", "category") {
		if row[1] == "suffix" && (row[2] == "academic" || row[2] == "professional") {
			n.degrees = append(n.degrees, row[0])
		}
	}
	n.degrees = dedupe(n.degrees)

	n.spelling = nil
	for _, row := range l.table("names/spelling_rules.csv", "old", "new") {
		n.spelling = append(n.spelling, [2]string{row[0], row[1]})
	}
	n.informal = nil
	lower := regexp.MustCompile(`^[a-z]+$`)
	for _, row := range l.table("names/informal_spelling_variants.csv", "pattern_a", "pattern_b", "where") {
		pos := posAny
		switch w := row[2]; {
		case strings.Contains(w, "final"):
			pos = posFinal
		case strings.Contains(w, "medial"):
			pos = posMedial
		case strings.Contains(w, "initial"):
			pos = posInitial
		}
		for _, b := range strings.Split(row[1], "/") {
			a, b := strings.TrimSpace(row[0]), strings.TrimSpace(b)
			if lower.MatchString(a) && lower.MatchString(b) {
				n.informal = append(n.informal, spellRule{a, b, pos})
			}
		}
	}
	r.names = n
}

// loader reads CSV tables from a reference directory and keeps the first
// error, so that LoadReference reads as a list of tables.
type loader struct {
	dir string
	err error
}

func (l *loader) fail(file string, err error) {
	if l.err != nil {
		return
	}
	path := filepath.Join(l.dir, filepath.FromSlash(file))
	var pe *fs.PathError
	if errors.As(err, &pe) {
		// The path is already in the message; keep only the cause.
		err = fmt.Errorf("cannot %s: %w", pe.Op, pe.Err)
	}
	l.err = fmt.Errorf("synth: reference file %s: %w", path, err)
}

// table returns the named columns of every row, in the order asked.
func (l *loader) table(file string, cols ...string) [][]string {
	if l.err != nil {
		return nil
	}
	f, err := os.Open(filepath.Join(l.dir, filepath.FromSlash(file)))
	if err != nil {
		l.fail(file, err)
		return nil
	}
	defer f.Close()
	cr := csv.NewReader(f)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		l.fail(file, fmt.Errorf("read header: %w", err))
		return nil
	}
	idx := make([]int, len(cols))
	for i, c := range cols {
		idx[i] = slices.Index(header, c)
		if idx[i] < 0 {
			l.fail(file, fmt.Errorf("missing column %q (header: %s)", c, strings.Join(header, ",")))
			return nil
		}
	}
	var rows [][]string
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			l.fail(file, err)
			return nil
		}
		row := make([]string, len(cols))
		for i, j := range idx {
			row[i] = strings.TrimSpace(rec[j])
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		l.fail(file, errors.New("no data rows"))
	}
	return rows
}

func (l *loader) column(file, col string) []string {
	var out []string
	for _, row := range l.table(file, col) {
		if row[0] != "" {
			out = append(out, row[0])
		}
	}
	return out
}

func dedupe(list []string) []string {
	seen := make(map[string]bool, len(list))
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
