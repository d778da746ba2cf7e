package synth

import (
	"fmt"
	"strconv"
	"strings"
)

// fmtName writes a record's full name in the source's habit: prefix
// titles, tokens, then degrees after a comma ("Budi Santoso, S.E.").
func (s *source) fmtName(n *recName) string {
	var b strings.Builder
	for _, t := range n.prefix {
		b.WriteString(t)
		b.WriteByte(' ')
	}
	for i, t := range n.tokens {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(t)
	}
	if len(n.suffix) > 0 {
		b.WriteString(", ")
		b.WriteString(strings.Join(n.suffix, ", "))
	}
	return s.cased(b.String())
}

func (s *source) cased(v string) string {
	if s.hab.upper {
		return strings.ToUpper(v)
	}
	return v
}

// fmtPlace writes a place of birth: capitals as on the KTP, or title case.
func (s *source) fmtPlace(place string) string {
	if s.hab.upper {
		return place
	}
	return titleCase(place)
}

// fmtAddress writes the street line with RT/RW in the source's layout.
func (s *source) fmtAddress(r *rec) string {
	line := r.street
	if r.rtrwMode != 2 {
		pad := func(v int) string {
			if r.rtrwMode == 1 {
				return strconv.Itoa(v)
			}
			return fmt.Sprintf("%03d", v)
		}
		rt, rw := pad(r.rt), pad(r.rw)
		switch s.hab.rtrw {
		case rtrwSlash:
			line += ", RT " + rt + "/RW " + rw
		case rtrwShort:
			line += " RT " + rt + "/" + rw
		case rtrwDots:
			line += " RT." + rt + " RW." + rw
		default:
			line += " RT " + rt + " RW " + rw
		}
	}
	return s.cased(line)
}

// fmtFullAddress joins the street line and the village, district and city,
// for logging an address that moved.
func (s *source) fmtFullAddress(g *generator, r *rec) string {
	v := &g.ref.villages[r.village]
	d := &g.ref.districts[v.dist]
	return s.fmtAddress(r) + ", " + s.cased(v.name) + ", " + s.cased(d.name) + ", " + s.cased(g.ref.regencies[d.reg].name)
}

func (s *source) fmtPhone(num string) string {
	if num == "" {
		return ""
	}
	switch s.hab.phone {
	case phoneDashed:
		if len(num) > 8 {
			return num[:4] + "-" + num[4:8] + "-" + num[8:]
		}
	case phone62:
		return "62" + strings.TrimPrefix(num, "0")
	case phonePlus62:
		rest := strings.TrimPrefix(num, "0")
		if len(rest) > 7 {
			return "+62 " + rest[:3] + "-" + rest[3:7] + "-" + rest[7:]
		}
		return "+62 " + rest
	case phoneNone:
		return ""
	}
	return num
}

// format turns a record into the 15 canonical columns after local_id.
func (s *source) format(g *generator, r *rec) [15]string {
	v := &g.ref.villages[r.village]
	d := &g.ref.districts[v.dist]
	reg := &g.ref.regencies[d.reg]
	var f [15]string
	f[0] = r.nik
	f[1] = s.fmtName(&r.name)
	if s.hab.split {
		var given []string
		family := ""
		for _, t := range r.name.tokens {
			if t == r.name.family && family == "" {
				family = t
				continue
			}
			given = append(given, t)
		}
		f[2], f[3] = s.cased(strings.Join(given, " ")), s.cased(family)
	}
	f[4] = s.hab.sex[fi(r.female)]
	f[5] = r.dob.format(s.hab.date)
	f[6] = s.fmtPlace(r.place)
	f[7] = s.fmtAddress(r)
	f[8] = s.cased(v.name)
	f[9] = s.cased(d.name)
	f[10] = s.cased(reg.name)
	f[11] = s.cased(g.ref.provinces[reg.prov].name)
	f[12] = r.postcode
	f[13] = s.fmtPhone(r.phone)
	f[14] = r.email
	return f
}

// push encodes a record and passes it through the shuffle window: once the
// window is full, a random waiting record is written and the new one takes
// its place, so order is mixed with bounded memory.
func (s *source) push(g *generator, h *household, p *person, r *rec) error {
	f := s.format(g, r)
	pd := pending{entity: p.entity, line: appendCSV(make([]byte, 0, 256), f[:]...)}
	for _, e := range r.errs {
		s.stats.errorTypes[e.kind]++
		pd.errs = append(pd.errs, appendCSV(nil, e.field, e.kind, e.orig, e.corrupt))
	}
	v := &g.ref.villages[h.village]
	pd.district = g.ref.districts[v.dist].code
	if s.window <= 0 {
		return s.write(g, &pd)
	}
	if len(s.buf) < s.window {
		s.buf = append(s.buf, pd)
		return nil
	}
	j := s.shuf.IntN(len(s.buf))
	out := s.buf[j]
	s.buf[j] = pd
	return s.write(g, &out)
}

// drain writes the records still in the window, in random order.
func (s *source) drain(g *generator) error {
	s.shuf.Shuffle(len(s.buf), func(i, j int) { s.buf[i], s.buf[j] = s.buf[j], s.buf[i] })
	for i := range s.buf {
		if err := s.write(g, &s.buf[i]); err != nil {
			return err
		}
	}
	s.buf = nil
	return nil
}

// write assigns the next local ID and writes the record, its truth link and
// its error log.
func (s *source) write(g *generator, pd *pending) error {
	s.seq++
	id := s.localID(pd)
	s.stats.records++
	if err := g.out.sources[s.idx].writeRaw(id, pd.line); err != nil {
		return err
	}
	if err := g.out.truth.write([]string{s.code, id, entityID(pd.entity)}); err != nil {
		return err
	}
	prefix := s.code + "," + id
	for _, e := range pd.errs {
		if err := g.out.errs.writeRaw(prefix, e); err != nil {
			return err
		}
	}
	return nil
}

// localID formats the record's ID in the source's own scheme. Sequence
// numbers are scrambled by multiplying with a constant coprime to the
// modulus, which is a bijection: IDs stay unique without a lookup table.
func (s *source) localID(pd *pending) string {
	n := s.seq
	switch s.code {
	case SourceDukcapil:
		return padded("SIAK-", n, 10)
	case SourceKemenkes:
		return padded("RS-", n, 6)
	case SourceKemendikbud:
		// A 10-digit NISN-like number.
		return padded("", (n*1234567891+7654321)%10_000_000_000, 10)
	case SourceKemensos:
		return padded("DTKS-"+pd.district+"-", n, 7)
	case SourceDJP:
		// A 15-digit legacy NPWP: 8 scrambled digits, a Luhn check digit,
		// the tax office (KPP) and branch "000".
		if n >= 100_000_000 {
			// Beyond the legacy number space: the 16-digit NIK-era form.
			return padded("", n, 16)
		}
		base := padded("", (n*48271+13)%100_000_000, 8)
		kpp := pd.district[1:4]
		return fmt.Sprintf("%s.%s.%s.%c-%s.000", base[:2], base[2:5], base[5:8], luhn(base), kpp)
	}
	return strconv.FormatUint(n, 10)
}

// luhn returns the Luhn check digit of a digit string.
func luhn(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

func entityID(e int64) string { return padded("P", uint64(e), 9) }

func householdID(h int64) string { return padded("H", uint64(h), 8) }

// padded writes prefix and n zero-padded to width digits; it is the hot-path
// replacement for fmt.Sprintf("%s%0*d").
func padded(prefix string, n uint64, width int) string {
	var b [40]byte
	i := len(b)
	for n > 0 || width > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		width--
	}
	return prefix + string(b[i:])
}
