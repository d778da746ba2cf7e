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
	ruledOut, unrelated, similar := 0, 0, 0
	for _, x := range names {
		for _, y := range names {
			sim := similarPlaceJW(x, y)
			may := placesShareEnoughLetters(x, y)
			if sim && !may {
				t.Fatalf("placesShareEnoughLetters(%q, %q) = false, but Jaro-Winkler finds them similar", x, y)
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
	t.Logf("ruled out %d of %d dissimilar pairs; %d similar pairs", ruledOut, unrelated, similar)
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
