package matching

import (
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
)

// filledNormalized sets every field of a Normalized (found by reflection, so that a field added
// later without Pack knowing it fails the tests below).
func filledNormalized(t *testing.T, value func(field string, i int) string, words int) Normalized {
	t.Helper()
	var n Normalized
	v := reflect.ValueOf(&n).Elem()
	for i := range v.NumField() {
		f := v.Field(i)
		name := v.Type().Field(i).Name
		switch f.Kind() {
		case reflect.String:
			f.SetString(value(name, 0))
		case reflect.Slice:
			var l []string
			for j := range words {
				l = append(l, value(name, j))
			}
			f.Set(reflect.ValueOf(l))
		case reflect.Bool:
			f.SetBool(true)
		default:
			t.Fatalf("field %s has kind %s: teach Pack and this test about it", name, f.Kind())
		}
	}
	return n
}

func TestPackKeepsEveryField(t *testing.T) {
	t.Parallel()
	n := filledNormalized(t, func(field string, i int) string { return strings.ToLower(field) + "-" + string(rune('a'+i)) }, 3)
	if got := n.Pack().Normalized(); !reflect.DeepEqual(got, n) {
		t.Fatalf("unpacked\n%+v\nwant\n%+v", got, n)
	}
	if got := (&Normalized{}).Pack().Normalized(); !reflect.DeepEqual(got, Normalized{}) {
		t.Fatalf("empty record unpacked as %+v", got)
	}
	// Each flag on its own.
	for _, want := range []Normalized{{NIKValid: true}, {BirthDateFromNIK: true}} {
		if got := want.Pack().Normalized(); !reflect.DeepEqual(got, want) {
			t.Errorf("unpacked %+v, want %+v", got, want)
		}
	}
}

// TestPackRoundTripsRandomRecords: long values (lengths over one header byte), non-ASCII text,
// empty values between full ones and long word lists all come back as they went in.
func TestPackRoundTripsRandomRecords(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("abcxyz éøжم0123456789-")
	value := func(string, int) string {
		if rng.IntN(4) == 0 {
			return ""
		}
		r := make([]rune, rng.IntN(300))
		for i := range r {
			r[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(r)
	}
	var words []string
	for range 500 {
		n := filledNormalized(t, value, rng.IntN(40))
		n.NIKValid, n.BirthDateFromNIK = rng.IntN(2) == 0, rng.IntN(2) == 0
		for _, l := range n.wordLists() {
			if len(*l) == 0 {
				*l = nil // empty lists unpack as nil
			}
		}
		var got Normalized
		words = n.Pack().Unpack(&got, words)
		if !reflect.DeepEqual(got, n) {
			t.Fatalf("unpacked\n%+v\nwant\n%+v", got, n)
		}
	}
}

// TestUnpackWithABufferAllocatesNothing: the loader unpacks a candidate for every pair it scores.
func TestUnpackWithABufferAllocatesNothing(t *testing.T) {
	n := filledNormalized(t, func(field string, i int) string { return field }, 3)
	p := n.Pack()
	var got Normalized
	words := p.Unpack(&got, nil)
	if a := testing.AllocsPerRun(100, func() { words = p.Unpack(&got, words) }); a != 0 {
		t.Errorf("Unpack allocates %.0f times", a)
	}
	// Appending to an unpacked word list never overwrites the next one.
	name := append(got.Name, "appended")
	if got.Father[0] != "Father" || len(name) != 4 {
		t.Errorf("appending to Name overwrote Father: %q", got.Father)
	}
}

func BenchmarkUnpack(b *testing.B) {
	n, _ := Normalize(Record{NIK: "3201234567890001", FullName: "Siti Nurhaliza binti Ahmad", Sex: "P",
		BirthDate: "1990-05-17", BirthPlace: "Bogor", Address: "Jl. Merdeka No. 5 RT 01 RW 02",
		Village: "Cibinong", District: "Cibinong", City: "Kabupaten Bogor", Province: "Jawa Barat", Postcode: "16911"})
	p := n.Pack()
	var got Normalized
	var words []string
	b.ReportAllocs()
	for b.Loop() {
		words = p.Unpack(&got, words)
	}
}
