package registry

import (
	"errors"
	"io"
	"strings"
	"testing"
	"unicode/utf8"
)

const fuzzHeader = "local_id,nik,full_name,given_name,family_name,sex,birth_date,birth_place,address,village,district,city,province,postcode,phone,email\n"

// FuzzReadRows holds the file reader's contract for any input: it never panics, every row it
// yields is either rejected with a reason or carries valid UTF-8 fields, and line numbers only
// grow.
func FuzzReadRows(f *testing.F) {
	f.Add([]byte(fuzzHeader + "D-1,3273054107900001,Siti Rahayu,,,F,1990-07-01,,,,,,,,,\n"))
	f.Add([]byte(fuzzHeader + "D-2,\"a,b\",\"quoted \"\"name\"\"\",,,,,,,,,,,,,\nD-3,x\n"))
	f.Add([]byte(fuzzHeader + "D-4,\xff\xfe,bad utf8,,,,,,,,,,,,,\n\"unterminated\n"))
	f.Add([]byte(`{"local_id":"K-1","full_name":"Siti","nik":3273054107900001}` + "\n" + `{"local_id":1}` + "\nnot json\n"))
	f.Add([]byte("\x1f\x8b\x08\x00garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rows, err := openRows(strings.NewReader(string(data)))
		if err != nil {
			return // a bad header or empty input is a whole-file error, reported as such
		}
		last := 0
		for range 10000 {
			row, err := rows.next()
			if errors.Is(err, io.EOF) {
				return
			}
			if err != nil {
				return
			}
			if row.line < last {
				t.Fatalf("line numbers went back: %d after %d", row.line, last)
			}
			last = row.line
			if row.err != "" {
				continue
			}
			for _, f := range PersonFields {
				if !utf8.ValidString(row.person.Field(f)) {
					t.Fatalf("accepted row %d has invalid UTF-8 in %s", row.line, f)
				}
			}
			if !utf8.ValidString(row.localID) {
				t.Fatalf("accepted row %d has an invalid local_id", row.line)
			}
		}
	})
}
