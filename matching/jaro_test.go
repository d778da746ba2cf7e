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

func TestOSADistance(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		a, b string
		want int
	}{
		{"19850817", "19850817", 0}, {"19850817", "19850871", 1}, {"19850817", "19850818", 1},
		{"19850817", "1985081", 1}, {"19850817", "19580817", 1}, {"19850817", "19851708", 2},
		{"", "12", 2}, {"1234", "4321", 2},
	} {
		if got := osaDistance(c.a, c.b, 1); got != min(c.want, 2) {
			t.Errorf("osaDistance(%q, %q, 1) = %d, want %d", c.a, c.b, got, min(c.want, 2))
		}
	}
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
