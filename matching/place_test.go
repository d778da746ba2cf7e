package matching

import (
	"math/rand/v2"
	"testing"
)

// placesShareEnoughLetters never rules out a pair that Jaro-Winkler finds similar, and rules out
// most pairs of unrelated place names (else it would only cost time).
func TestPlacesShareEnoughLetters(t *testing.T) {
	base := []string{"jakarta", "jakarta selatan", "jakarta timur", "bandung", "bandung barat", "tanjung priok",
		"tanjungpriok", "tanjung pinang", "surabaya", "sidoarjo", "lebak", "lebak bulus", "cimarga", "denpasar",
		"bantul", "serang", "kota serang", "medan", "makassar", "palembang", "bogor", "kab bogor", "sleman",
		"semarang", "padang", "pidie", "nias selatan", "tapanuli utara", "a", "x y", "kp", "k p"}
	rng := rand.New(rand.NewPCG(1, 2))
	names := append([]string{}, base...)
	for range 600 { // misspellings: a letter dropped, doubled or replaced, a space dropped or added
		b := []byte(base[rng.IntN(len(base))])
		i := rng.IntN(len(b))
		switch rng.IntN(4) {
		case 0:
			b = append(b[:i], b[i+1:]...)
		case 1:
			b = append(b[:i+1], b[i:]...)
		case 2:
			b[i] = byte('a' + rng.IntN(26))
		default:
			b[i] = ' '
		}
		names = append(names, string(b))
	}
	ruledOut, bySketch, unrelated, similar := 0, 0, 0, 0
	for _, x := range names {
		for _, y := range names {
			sim := similarPlaceJW(x, y)
			may := placesShareEnoughLetters(x, y)
			if sim && !may {
				t.Fatalf("placesShareEnoughLetters(%q, %q) = false, but Jaro-Winkler finds them similar", x, y)
			}
			if !checkPlaceSketches(t, x, y) {
				bySketch++
			}
			if sim {
				similar++
			} else {
				unrelated++
				if !may {
					ruledOut++
				}
			}
		}
	}
	if similar == 0 || ruledOut*10 < unrelated*8 {
		t.Errorf("ruled out %d of %d dissimilar pairs (%d similar): want at least 80 %%", ruledOut, unrelated, similar)
	}
	// The sketches' summary of the letters loses little of what counting them tells.
	if bySketch*10 < ruledOut*9 {
		t.Errorf("sketches ruled out %d of the %d pairs counting letters does: want at least 90 %%", bySketch, ruledOut)
	}
	t.Logf("ruled out %d of %d dissimilar pairs, %d on the sketches; %d similar pairs", ruledOut, unrelated, bySketch, similar)
}

// checkPlaceSketches checks placesMayBeSimilar against placesShareEnoughLetters for birth places
// x and y, and returns it (true when either sketch has no summary of its letters).
func checkPlaceSketches(t testing.TB, x, y string) bool {
	t.Helper()
	a, b := (&Normalized{BirthPlace: x}).Sketch(), (&Normalized{BirthPlace: y}).Sketch()
	if (a.flags&b.flags)&sketchPlaceLetters == 0 {
		return true
	}
	may := placesMayBeSimilar(&a, &b)
	if may != placesMayBeSimilar(&b, &a) {
		t.Fatalf("placesMayBeSimilar(%q, %q) is not symmetric", x, y)
	}
	if !may && placesShareEnoughLetters(x, y) {
		t.Fatalf("placesMayBeSimilar(%q, %q) = false, but the names share enough letters", x, y)
	}
	return may
}

// FuzzPlacesMayBeSimilar: the sketches never rule out a pair of birth places that counting their
// letters keeps, whatever bytes the names hold (repeated letters beyond placeBits', digits,
// capitals, spaces).
func FuzzPlacesMayBeSimilar(f *testing.F) {
	f.Add("tanjung priok", "tanjungpriok")
	f.Add("aaaaaaaaaaaa", "aaaaaaaaaaab")
	f.Add("bandung", "medan")
	f.Add("kp 2 jakarta", "KP 2 JAKARTA")
	f.Add("nnnnuuuu", "  nnnn")
	f.Fuzz(func(t *testing.T, x, y string) {
		checkPlaceSketches(t, x, y)
	})
}

func BenchmarkSimilarPlace(b *testing.B) {
	pairs := [][2]string{{"kabupaten lebak", "kota serang"}, {"jakarta selatan", "jakarta timur"}, {"bandung", "sidoarjo"}, {"denpasar", "dempasar"}}
	b.Run("jaro-winkler", func(b *testing.B) {
		for i := range b.N {
			p := pairs[i%len(pairs)]
			similarPlaceJW(p[0], p[1])
		}
	})
	b.Run("letters-first", func(b *testing.B) {
		for i := range b.N {
			p := pairs[i%len(pairs)]
			similarPlace(p[0], p[1])
		}
	})
}
