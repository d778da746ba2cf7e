package matching_test

import (
	"fmt"
	"strings"

	"github.com/bangsa/registry/matching"
)

func ExampleNormalize() {
	n, issues := matching.Normalize(matching.Record{
		FullName:  "H. Moch. Tjahjono, S.H.",
		BirthDate: "17-08-1965",
		Sex:       "laki-laki",
		Phone:     "0812-3456-7890",
		Email:     "not-an-email",
	})
	fmt.Println(n.Name, n.Titles, n.BirthDate, n.Sex, n.Phone)
	for _, is := range issues {
		fmt.Println(is.Field, is.Code)
	}
	// Output:
	// [muhammad cahyono] [haji sh] 1965-08-17 M +6281234567890
	// email email_malformed
}

func ExampleBlockingKeys() {
	n, _ := matching.Normalize(matching.Record{
		NIK:       "3602041708650001",
		FullName:  "Budi Santoso", // "budi" is too common to key a block alone
		BirthDate: "1965-08-17",
		Postcode:  "42111",
	})
	fmt.Println(strings.Join(matching.BlockingKeys(n), "\n"))
	// Output:
	// da:19650817:3602
	// id:3602041708650001
	// ny:2532:1965
}

func ExampleModel_Compare() {
	a, _ := matching.Normalize(matching.Record{FullName: "Siti Aminah", BirthDate: "1990-03-12", City: "Bandung"})
	b, _ := matching.Normalize(matching.Record{FullName: "Hj. Sitti Aminah", BirthDate: "12/03/1990", City: "Kota Bandung"})
	m := matching.DefaultModel()
	c := m.Compare(a, b)
	fmt.Printf("probability %.4f, weight %.1f (prior %.0f)\n", c.Probability, c.Weight, m.PriorWeight)
	for _, f := range c.Fields {
		if f.Level != "missing" {
			fmt.Printf("%-10s %-6s %+.1f\n", f.Field, f.Level, f.Weight)
		}
	}
	// Output:
	// probability 1.0000, weight 17.2 (prior -20)
	// name       exact  +15.9
	// birth_date exact  +14.1
	// locality   exact  +7.3
}

func ExampleModel_Decide() {
	m := matching.DefaultModel()
	d := m.Decide([]matching.Candidate{
		{ID: "citizen-1", Comparison: matching.Comparison{Probability: 0.9999, Weight: 13.3}},
		{ID: "citizen-2", Comparison: matching.Comparison{Probability: 0.02, Weight: -5.6}},
	})
	fmt.Println(d.Outcome, d.Ranked[d.Best].ID, d.Reason)

	d = m.Decide([]matching.Candidate{
		{ID: "citizen-1", Comparison: matching.Comparison{Probability: 0.9999, Weight: 13.3}},
		{ID: "citizen-2", Comparison: matching.Comparison{Probability: 0.9998, Weight: 12.3}},
	})
	fmt.Println(d.Outcome, d.Reason)
	// Output:
	// link citizen-1 best candidate above the link threshold and clearly ahead
	// review runner-up too close to the best candidate
}

func ExampleModel_Confirm() {
	m := matching.DefaultModel()
	norm := func(r matching.Record) *matching.Normalized { n, _ := matching.Normalize(r); return &n }
	civil := norm(matching.Record{NIK: "3201015505870001", FullName: "Siti Rahmawati", Sex: "P", BirthDate: "1987-05-15", City: "Kabupaten Bogor"})
	health := norm(matching.Record{FullName: "Siti Rahmawati", BirthDate: "1987-06-15", Email: "siti.rahma@example.org"})
	// The health record waits in review: its best candidate, the civil registry's citizen, is in
	// the uncertain band.
	w := m.Score(health, civil)
	review := []matching.Candidate{{ID: "citizen-1", Comparison: matching.Comparison{Weight: w}}}
	// A later record of the social-affairs ministry links to citizen-1 and holds both records' details.
	social := norm(matching.Record{NIK: "3201015505870001", FullName: "Siti Rahmawati", Sex: "P", BirthDate: "1987-05-15", City: "Kabupaten Bogor", Email: "siti.rahma@example.org"})
	fmt.Println(m.Confirm(review, "citizen-1", social, health))
	// With a runner-up as strong, the review stays for a steward.
	review = append(review, matching.Candidate{ID: "citizen-2", Comparison: matching.Comparison{Weight: m.Score(social, health) - 1}})
	fmt.Println(m.Confirm(review, "citizen-1", social, health))
	// Output:
	// true
	// false
}

func ExampleTrain() {
	var recs []matching.Normalized
	for i := 0; i < 200; i++ {
		n, _ := matching.Normalize(matching.Record{
			FullName:  fmt.Sprintf("Person%c%c Family%c", 'a'+i%26, 'a'+i/26, 'a'+i%7),
			BirthDate: fmt.Sprintf("19%02d-%02d-%02d", 50+i%40, 1+i%12, 1+i%28),
		})
		recs = append(recs, n)
	}
	m, err := matching.Train(recs, matching.TrainOptions{Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.HasPrefix(m.Version, "em-"), m.Training.Records, m.Training.RandomPairs)
	// Output:
	// true 200 19900
}

func ExampleCluster() {
	// 0~1 and 1~2 are strong links, but 0 and 2 are clearly different
	// people: the chain is cut instead of merging all three.
	edges := []matching.Edge{
		{A: 0, B: 1, Weight: 20},
		{A: 1, B: 2, Weight: 15},
		{A: 0, B: 2, Weight: -30},
	}
	fmt.Println(matching.Cluster(3, edges, matching.ClusterOptions{LinkWeight: 7, DistinctWeight: -10}))
	// Output:
	// [[0 1] [2]]
}
