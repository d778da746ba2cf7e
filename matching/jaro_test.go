package matching

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/xrash/smetrics"
)

// smetrics.JaroWinkler is the reference on ASCII: ours must agree exactly.
func TestJaroWinklerMatchesSmetricsOnASCII(t *testing.T) {
	t.Parallel()
	pairs := [][2]string{
		{"martha", "marhta"}, {"dwayne", "duane"}, {"dixon", "dicksonx"}, {"jones", "johnson"},
		{"", ""}, {"a", ""}, {"abc", "abc"}, {"rizki", "rizky"}, {"muhammad", "muhamad"},
		{"a", "b"}, {"ab", "ba"}, {"crate", "trace"},
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		pairs = append(pairs, [2]string{randomWord(rng, 12), randomWord(rng, 12)})
	}
	for _, p := range pairs {
		got, want := jaroWinkler(p[0], p[1]), smetrics.JaroWinkler(p[0], p[1], 0.7, 4)
		if math.Abs(got-want) > 1e-12 {
			t.Fatalf("jaroWinkler(%q, %q) = %v, smetrics %v", p[0], p[1], got, want)
		}
	}
}

func randomWord(rng *rand.Rand, maxLen int) string {
	b := make([]byte, rng.IntN(maxLen)+1)
	for i := range b {
		b[i] = "aeiourstnm"[rng.IntN(10)]
	}
	return string(b)
}

// smetrics counts bytes, so a single accented or non-Latin letter counts as
// two (or more) "characters": the similarity of non-ASCII names is wrong.
// Ours must give a non-ASCII pair exactly the score of the same pair with the
// letters replaced one-for-one by ASCII letters.
func TestJaroWinklerIsRuneCorrect(t *testing.T) {
	t.Parallel()
	cases := []struct{ a, b, asciiA, asciiB string }{
		{"józef", "jozef", "jxzef", "jozef"},
		{"иванов", "иваноф", "ivanov", "ivanof"},
		{"محمد", "محمود", "mhmd", "mhmwd"},
		{"müller", "muller", "mxller", "muller"},
	}
	smetricsWrong := 0
	for _, c := range cases {
		got, want := jaroWinkler(c.a, c.b), jaroWinkler(c.asciiA, c.asciiB)
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("jaroWinkler(%q, %q) = %v, want %v (as %q/%q)", c.a, c.b, got, want, c.asciiA, c.asciiB)
		}
		if math.Abs(smetrics.JaroWinkler(c.a, c.b, 0.7, 4)-want) > 1e-9 {
			smetricsWrong++
		}
	}
	if smetricsWrong == 0 {
		t.Errorf("smetrics now agrees on non-ASCII input; reconsider using it (see jaro.go)")
	}
}

func TestWithinOneEdit(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"19850817", "19850817", true}, {"19850817", "19850871", true}, {"19850817", "19850818", true},
		{"19850817", "1985081", true}, {"19850817", "19580817", true}, {"19850817", "19851708", false},
		{"", "12", false}, {"", "1", true}, {"1234", "4321", false}, {"aab", "ab", true}, {"abba", "baba", true}, {"abcd", "badc", false},
	} {
		if got := withinOneEdit(c.a, c.b); got != c.want {
			t.Errorf("withinOneEdit(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
	// Every pair of strings of up to five bytes over a three-letter alphabet agrees with the
	// alignment table's distance.
	var all []string
	var grow func(s string)
	grow = func(s string) {
		all = append(all, s)
		if len(s) < 5 {
			for _, c := range "abc" {
				grow(s + string(c))
			}
		}
	}
	grow("")
	for _, a := range all {
		for _, b := range all {
			if got, want := withinOneEdit(a, b), osaDistance(a, b) <= 1; got != want {
				t.Fatalf("withinOneEdit(%q, %q) = %v, but their distance is %d", a, b, got, osaDistance(a, b))
			}
		}
	}
}

// osaDistance is the optimal-string-alignment distance by its textbook table, the oracle for
// withinOneEdit.
func osaDistance(a, b string) int {
	d := make([][]int, len(a)+1)
	for i := range d {
		d[i] = make([]int, len(b)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(a); i++ {
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(a)][len(b)]
}

var jwSink float64

func BenchmarkJaroWinkler(b *testing.B) {
	ascii := [][2]string{{"muhammad", "muhamad"}, {"kurniawan", "kurniawati"}, {"santoso", "susanto"}, {"martha", "marhta"}}
	uni := [][2]string{{"józef", "jozef"}, {"иванов", "иваноф"}, {"müller", "mueller"}, {"ñoño", "nono"}}
	run := func(name string, pairs [][2]string, f func(a, b string) float64) {
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := pairs[i&3]
				jwSink = f(p[0], p[1])
				i++
			}
		})
	}
	sm := func(a, b string) float64 { return smetrics.JaroWinkler(a, b, 0.7, 4) }
	run("ascii/ours", ascii, jaroWinkler)
	run("ascii/smetrics", ascii, sm)
	run("unicode/ours", uni, jaroWinkler)
	run("unicode/smetrics", uni, sm)
}
