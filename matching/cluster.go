package matching

import "sort"

// Edge is a scored pair of records in a batch, by index. Weight is a
// Comparison.Weight (bits).
type Edge struct {
	A, B   int
	Weight float64
}

// ClusterOptions set the thresholds of Cluster.
type ClusterOptions struct {
	// LinkWeight: edges at or above it may join two clusters.
	LinkWeight float64
	// DistinctWeight: two records scored at or below it are clearly
	// different people and never end up in one cluster, whatever chain of
	// links connects them.
	DistinctWeight float64
	// Score, if set, scores pairs that have no edge when a merge would bring
	// them together; without it such pairs cannot veto a merge.
	Score func(a, b int) float64
}

// Cluster groups records 0..n-1 into people. It merges along link edges,
// strongest first, like single linkage, but refuses any merge that would put
// two clearly different records in one cluster: A~B and B~C no longer force
// A~C when A and C disagree. A refused merge is for a steward to review.
// The result is deterministic: members ascending, clusters ordered by their
// first member; singletons included.
func Cluster(n int, edges []Edge, opts ClusterOptions) [][]int {
	known := make(map[uint64]float64, len(edges))
	var links []Edge
	for _, e := range edges {
		if e.A == e.B || e.A < 0 || e.B < 0 || e.A >= n || e.B >= n {
			continue
		}
		if e.A > e.B {
			e.A, e.B = e.B, e.A
		}
		k := pairKey(e.A, e.B)
		if w, ok := known[k]; !ok || e.Weight < w {
			known[k] = e.Weight // duplicates: the most cautious score wins
		}
	}
	for k, w := range known {
		if w >= opts.LinkWeight {
			links = append(links, Edge{A: int(k >> 32), B: int(k & 0xffffffff), Weight: w})
		}
	}
	sort.Slice(links, func(i, j int) bool {
		if links[i].Weight != links[j].Weight {
			return links[i].Weight > links[j].Weight
		}
		if links[i].A != links[j].A {
			return links[i].A < links[j].A
		}
		return links[i].B < links[j].B
	})
	parent := make([]int, n)
	members := make([][]int, n)
	for i := range parent {
		parent[i] = i
		members[i] = []int{i}
	}
	var find func(int) int
	find = func(x int) int {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	distinct := func(x, y int) bool {
		if x > y {
			x, y = y, x
		}
		w, ok := known[pairKey(x, y)]
		if !ok {
			if opts.Score == nil {
				return false
			}
			w = opts.Score(x, y)
			known[pairKey(x, y)] = w
		}
		return w <= opts.DistinctWeight
	}
	for _, e := range links {
		ra, rb := find(e.A), find(e.B)
		if ra == rb {
			continue
		}
		ok := true
	check:
		for _, x := range members[ra] {
			for _, y := range members[rb] {
				if distinct(x, y) {
					ok = false
					break check
				}
			}
		}
		if !ok {
			continue
		}
		if len(members[ra]) < len(members[rb]) {
			ra, rb = rb, ra
		}
		parent[rb] = ra
		members[ra] = append(members[ra], members[rb]...)
		members[rb] = nil
	}
	var out [][]int
	for i := 0; i < n; i++ {
		if find(i) == i {
			c := append([]int(nil), members[i]...)
			sort.Ints(c)
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][0] < out[j][0] })
	return out
}

func pairKey(a, b int) uint64 { return uint64(a)<<32 | uint64(uint32(b)) }
