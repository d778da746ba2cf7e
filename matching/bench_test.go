package matching

import (
	"fmt"
	"testing"
)

// benchRecords is a deterministic synthetic population with typos, used by
// the benchmarks (they must not depend on ../shared being present).
func benchRecords(n int) []Record {
	given := []string{"Budi", "Siti", "Muhammad", "Dewi", "Agus", "Rizki", "Putri", "Ahmad", "Nur", "Eko"}
	family := []string{"Santoso", "Aminah", "Pratama", "Lestari", "Salim", "Hidayat", "Wijaya", "Saputra", "Kusuma", "Setiawan"}
	out := make([]Record, n)
	for i := range out {
		out[i] = Record{
			NIK:       fmt.Sprintf("3273%02d%02d%02d%02d%04d", i%30+1, i%28+1, i%12+1, 50+i%45, i%9000+1),
			FullName:  fmt.Sprintf("%s %s %s", given[i%10], given[(i/10)%10], family[(i/100)%10]),
			BirthDate: fmt.Sprintf("%02d-%02d-19%02d", i%28+1, i%12+1, 50+i%45),
			Sex:       []string{"L", "P"}[i%2],
			Address:   fmt.Sprintf("Jl. Merdeka No. %d RT %03d/RW %03d", i%200, i%20, i%9),
			Village:   fmt.Sprintf("Desa %d", i%300),
			City:      []string{"Bandung", "Kab. Bandung", "Surabaya", "Medan"}[i%4],
			Phone:     fmt.Sprintf("0812%08d", i*7919%100000000),
		}
	}
	return out
}

func BenchmarkNormalize(b *testing.B) {
	recs := benchRecords(1000)
	recs[0].FullName = "Prof. Dr. H. Moch. Abd. Rahman bin Yusuf, S.H., M.M."
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Normalize(recs[i%len(recs)])
		i++
	}
}

func BenchmarkBlockingKeys(b *testing.B) {
	recs := benchRecords(1000)
	norm := make([]Normalized, len(recs))
	for i := range recs {
		norm[i], _ = Normalize(recs[i])
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		BlockingKeys(norm[i%len(norm)])
		i++
	}
}

// benchPairs are candidate-like pairs: a record against a corrupted copy and
// against an unrelated record sharing its name.
func benchPairs(model *Model) ([][2]Normalized, *Model) {
	recs := benchRecords(2000)
	var pairs [][2]Normalized
	for i := 0; i+1 < len(recs); i += 2 {
		a, _ := Normalize(recs[i])
		dup := recs[i]
		dup.FullName = "Moch " + dup.FullName[1:]
		dup.BirthDate = dup.BirthDate[3:5] + "-" + dup.BirthDate[:2] + dup.BirthDate[5:]
		d, _ := Normalize(dup)
		o, _ := Normalize(recs[i+1])
		pairs = append(pairs, [2]Normalized{a, d}, [2]Normalized{a, o})
	}
	if model == nil {
		norm := make([]Normalized, len(recs))
		for i := range recs {
			norm[i], _ = Normalize(recs[i])
		}
		m, err := Train(norm, TrainOptions{Seed: 1, RandomPairs: 20000})
		if err != nil {
			panic(err)
		}
		model = m
	}
	return pairs, model
}

func BenchmarkCompare(b *testing.B) {
	pairs, trained := benchPairs(nil)
	for _, bm := range []struct {
		name  string
		model *Model
	}{{"default", DefaultModel()}, {"trained", trained}} {
		b.Run(bm.name+"/Compare", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := &pairs[i%len(pairs)]
				bm.model.Compare(p[0], p[1])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comparisons/s")
		})
		b.Run(bm.name+"/Score", func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				p := &pairs[i%len(pairs)]
				bm.model.Score(&p[0], &p[1])
				i++
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comparisons/s")
		})
	}
}

func BenchmarkTrain(b *testing.B) {
	recs := benchRecords(5000)
	norm := make([]Normalized, len(recs))
	for i := range recs {
		norm[i], _ = Normalize(recs[i])
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Train(norm, TrainOptions{Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(norm)), "records")
}

// BenchmarkQuality runs the whole pipeline on the largest labelled set; it
// skips when ../shared/data is absent.
func BenchmarkQuality(b *testing.B) {
	var set labelledSet
	for _, load := range qualitySets(b) {
		if s := load(); s.name == "dsgen-C10000" {
			set = s
		}
	}
	for b.Loop() {
		runQuality(b, set)
	}
	b.ReportMetric(float64(len(set.records)), "records")
}
