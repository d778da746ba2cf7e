package matching

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

func TestDiag(t *testing.T) {
	which := os.Getenv("DIAG")
	if which == "" {
		t.Skip()
	}
	var s labelledSet
	for _, l := range qualitySets(t) {
		x := l()
		if x.name == which {
			s = x
		}
	}
	n := len(s.records)
	norm := make([]Normalized, n)
	for i, r := range s.records {
		norm[i], _ = Normalize(r)
	}
	truth := truePairSet(s.entity)
	cands := candidatePairs(norm, 1000)
	cset := map[uint64]bool{}
	for _, p := range cands {
		cset[pairKey(int(p[0]), int(p[1]))] = true
	}
	model, _ := Train(norm, TrainOptions{Seed: 1})
	mode := os.Getenv("MODE")
	cnt := 0
	for k := range truth {
		a, b := int(k>>32), int(k&0xffffffff)
		if mode == "block" && !cset[k] {
			cnt++
			if cnt < 40 {
				fmt.Printf("MISS %v\n     %v\n  %v\n  %v\n", norm[a], norm[b], BlockingKeys(norm[a]), BlockingKeys(norm[b]))
			}
		}
		if mode == "score" && cset[k] {
			c := model.Compare(norm[a], norm[b])
			if c.Weight < model.LinkWeight() {
				cnt++
				if cnt < 30 {
					var f []string
					for _, x := range c.Fields {
						if x.Level != "missing" {
							f = append(f, fmt.Sprintf("%s=%s(%.1f)", x.Field, x.Level, x.Weight))
						}
					}
					fmt.Printf("LOW %.1f %v | %v\n   %s\n", c.Weight, norm[a], norm[b], strings.Join(f, " "))
				}
			}
		}
	}
	fmt.Println("count", cnt)
	if mode == "model" {
		for _, f := range model.Fields {
			fmt.Printf("%s:", f.Field)
			for _, l := range f.Levels {
				fmt.Printf(" %s m=%.4f u=%.5f w=%.1f tfb=%.1f;", l.Level, l.M, l.U, levelWeight(&l), l.TFBase)
			}
			fmt.Println()
		}
		fmt.Println("prior", model.PriorWeight, "link", model.LinkWeight())
	}
}
