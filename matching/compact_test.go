package matching

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"
)

// TestCompactKeepsEveryValueInOnePlace fills every string and word-list field of a Normalized
// (found by reflection, so a field added later without Compact knowing it fails here), compacts
// it, and checks that the values are unchanged and all lie in one allocation.
func TestCompactKeepsEveryValueInOnePlace(t *testing.T) {
	t.Parallel()
	var n Normalized
	v := reflect.ValueOf(&n).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(strings.ToLower(name) + "-value")
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{strings.ToLower(name), "second", "third"}))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("field %s has kind %s: teach Compact and this test about it", name, f.Kind())
		}
	}
	c := n.Compact()
	if !reflect.DeepEqual(c, n) {
		t.Fatalf("Compact changed a value:\n%+v\n%+v", c, n)
	}
	// Every string of the compacted record lies within one span of memory no longer than the
	// text it holds.
	var lo, hi uintptr
	total := 0
	note := func(s string) {
		if s == "" {
			return
		}
		p := uintptr(unsafe.Pointer(unsafe.StringData(s)))
		if lo == 0 || p < lo {
			lo = p
		}
		if e := p + uintptr(len(s)); e > hi {
			hi = e
		}
		total += len(s)
	}
	cv := reflect.ValueOf(c)
	for i := range cv.NumField() {
		f := cv.Field(i)
		switch f.Kind() {
		case reflect.String:
			note(f.String())
		case reflect.Slice:
			for j := range f.Len() {
				note(f.Index(j).String())
			}
		}
	}
	if int(hi-lo) != total {
		t.Errorf("compacted strings span %d bytes for %d bytes of text: not one allocation", hi-lo, total)
	}
	// Appending to a compacted word list never overwrites the next one.
	name := append(c.Name, "appended")
	if c.Father[0] != "father" || len(name) != 4 {
		t.Errorf("appending to Name overwrote Father: %q", c.Father)
	}
}

func TestCompactOfAnEmptyRecord(t *testing.T) {
	t.Parallel()
	if c := (Normalized{}).Compact(); !reflect.DeepEqual(c, Normalized{}) {
		t.Fatalf("Compact of an empty record = %+v", c)
	}
}
