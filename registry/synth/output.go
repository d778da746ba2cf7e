package synth

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PersonHeader is the header of every source file: the registry's canonical
// person file (docs/design.md).
var PersonHeader = []string{"local_id", "nik", "full_name", "given_name", "family_name", "sex", "birth_date",
	"birth_place", "address", "village", "district", "city", "province", "postcode", "phone", "email"}

// Headers of the truth files.
var (
	TruthHeader         = []string{"source", "local_id", "entity"}
	ErrorsHeader        = []string{"source", "local_id", "field", "error_type", "original", "corrupted"}
	HardNegativesHeader = []string{"kind", "group", "entity"}
	PersonsHeader       = []string{"entity", "household", "role", "full_name", "given_name", "family_name", "prefix_title",
		"suffix_title", "sex", "birth_date", "nik", "nik_birth_date", "nik_sex", "kk", "birth_place", "village_code",
		"address", "domicile_village_code", "phone", "style", "deceased", "flags"}
	HouseholdsHeader = []string{"household", "kk", "kk_issued", "previous_kk", "village_code", "address", "size", "welfare", "social_register"}
)

// csvFile is an output CSV written to a temporary name and renamed into
// place only when the whole run succeeds, so a failed or cancelled run never
// leaves a file that looks complete.
type csvFile struct {
	final, tmp string
	f          *os.File
	bw         *bufio.Writer
}

func createCSV(dir, name string, header []string) (*csvFile, error) {
	c := &csvFile{final: filepath.Join(dir, name), tmp: filepath.Join(dir, "."+name+".tmp")}
	f, err := os.Create(c.tmp)
	if err != nil {
		return nil, err
	}
	c.f = f
	c.bw = bufio.NewWriterSize(f, 1<<20)
	if err := c.write(header); err != nil {
		f.Close()
		return nil, err
	}
	return c, nil
}

// writeRaw writes a row made of a first field (which needs no quoting) and
// an already encoded rest.
func (c *csvFile) writeRaw(first string, rest []byte) error {
	c.bw.WriteString(first)
	c.bw.WriteByte(',')
	c.bw.Write(rest)
	return c.bw.WriteByte('\n')
}

// appendCSV encodes fields as one CSV row without the line end.
func appendCSV(dst []byte, fields ...string) []byte {
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ',')
		}
		if !needsQuotes(f) {
			dst = append(dst, f...)
			continue
		}
		dst = append(dst, '"')
		for j := 0; j < len(f); j++ {
			if f[j] == '"' {
				dst = append(dst, '"')
			}
			dst = append(dst, f[j])
		}
		dst = append(dst, '"')
	}
	return dst
}

// write writes one RFC 4180 row with "\n" line ends, quoting only fields
// that need it, as encoding/csv does; a hand-written writer lets records be
// encoded ahead of time (see pending).
func (c *csvFile) write(row []string) error {
	w := c.bw
	for i, f := range row {
		if i > 0 {
			w.WriteByte(',')
		}
		if !needsQuotes(f) {
			w.WriteString(f)
			continue
		}
		w.WriteByte('"')
		for j := 0; j < len(f); j++ {
			if f[j] == '"' {
				w.WriteByte('"')
			}
			w.WriteByte(f[j])
		}
		w.WriteByte('"')
	}
	return w.WriteByte('\n')
}

func needsQuotes(f string) bool {
	if f == "" {
		return false
	}
	if f[0] == ' ' || f[0] == '\t' {
		return true
	}
	return strings.ContainsAny(f, ",\"\n\r")
}

// close flushes and closes the temporary file.
func (c *csvFile) close() error {
	if c.f == nil {
		return nil
	}
	err := c.bw.Flush()
	if e := c.f.Close(); err == nil {
		err = e
	}
	c.f = nil
	return err
}

// outputs holds every file of one run.
type outputs struct {
	dir     string
	sources []*csvFile
	truth   *csvFile
	errs    *csvFile
	hardNeg *csvFile
	persons *csvFile
	hhs     *csvFile
	all     []*csvFile
}

func openOutputs(dir string) (*outputs, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	o := &outputs{dir: dir, sources: make([]*csvFile, len(SourceCodes()))}
	type spec struct {
		name   string
		header []string
		dst    **csvFile
	}
	var specs []spec
	for i, code := range SourceCodes() {
		specs = append(specs, spec{code + ".csv", PersonHeader, &o.sources[i]})
	}
	specs = append(specs,
		spec{"truth.csv", TruthHeader, &o.truth},
		spec{"errors.csv", ErrorsHeader, &o.errs},
		spec{"hard_negatives.csv", HardNegativesHeader, &o.hardNeg},
		spec{"persons.csv", PersonsHeader, &o.persons},
		spec{"households.csv", HouseholdsHeader, &o.hhs},
	)
	for _, sp := range specs {
		c, err := createCSV(dir, sp.name, sp.header)
		if err != nil {
			o.abort()
			return nil, fmt.Errorf("create output file: %w", err)
		}
		*sp.dst = c
		o.all = append(o.all, c)
	}
	return o, nil
}

// commit closes every file and renames it into place, then writes the
// extra files (summary, effective config) given as name → content.
func (o *outputs) commit(extra [][2]string) error {
	var err error
	for _, c := range o.all {
		err = errors.Join(err, c.close())
	}
	if err != nil {
		o.removeTmp()
		return fmt.Errorf("write output: %w", err)
	}
	for _, e := range extra {
		tmp := filepath.Join(o.dir, "."+e[0]+".tmp")
		if err := os.WriteFile(tmp, []byte(e[1]), 0o644); err != nil {
			o.removeTmp()
			return fmt.Errorf("write %s: %w", e[0], err)
		}
		o.all = append(o.all, &csvFile{final: filepath.Join(o.dir, e[0]), tmp: tmp})
	}
	for _, c := range o.all {
		if err := os.Rename(c.tmp, c.final); err != nil {
			return fmt.Errorf("write output: %w", err)
		}
	}
	return nil
}

// abort closes and removes the temporary files of a failed run.
func (o *outputs) abort() {
	for _, c := range o.all {
		if c.f != nil {
			c.f.Close()
		}
	}
	o.removeTmp()
}

func (o *outputs) removeTmp() {
	for _, c := range o.all {
		os.Remove(c.tmp)
	}
}
