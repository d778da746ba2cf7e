package registry

import (
	"errors"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"testing"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// postings are the records the index holds for key k, sorted, and whether it knows k at all.
func postings(idx *bulkIndex, k string) ([]int64, keyEntry, bool) {
	e, ok := idx.key(matching.DigestOf(k))
	var one [1]int32
	var ids []int64
	for _, s := range idx.postings(e, &one) {
		ids = append(ids, idx.known.at(s).id)
	}
	slices.Sort(ids)
	return ids, e, ok
}

// TestBulkIndexKeysFollowTheirRecords walks one key through every state its entry has: unknown,
// empty, held by one record (kept in the entry), by several (kept in a list), back down, and
// truncated once far over its limit; and checks that another key never sees its records.
func TestBulkIndexKeysFollowTheirRecords(t *testing.T) {
	t.Parallel()
	idx := newBulkIndex()
	if _, _, ok := postings(idx, "id:1"); ok {
		t.Fatal("an empty index knows a key")
	}
	check := func(step string, want []int64, count int32, truncated bool) {
		t.Helper()
		ids, e, ok := postings(idx, "id:1")
		if !ok || !slices.Equal(ids, want) || e.count != count || e.truncated != truncated {
			t.Fatalf("%s: ids %v count %d truncated %v known %v; want %v %d %v", step, ids, e.count, e.truncated, ok, want, count, truncated)
		}
		if other, _, _ := postings(idx, "id:2"); len(other) != 0 {
			t.Fatalf("%s: another key holds %v", step, other)
		}
	}
	idx.setKey(matching.DigestOf("id:1"), nil, 0, false)
	check("read from an empty registry", nil, 0, false)
	idx.addPosting(matching.DigestOf("id:1"), idx.slot(10), 5)
	check("one record", []int64{10}, 1, false)
	idx.addPosting(matching.DigestOf("id:1"), idx.slot(11), 5)
	idx.addPosting(matching.DigestOf("id:1"), idx.slot(12), 5)
	check("three records", []int64{10, 11, 12}, 3, false)
	idx.removePosting(matching.DigestOf("id:1"), 11)
	check("one removed", []int64{10, 12}, 2, false)
	idx.removePosting(matching.DigestOf("id:1"), 10)
	idx.removePosting(matching.DigestOf("id:1"), 12)
	check("all removed", nil, 0, false)
	for id := range int64(12) {
		idx.addPosting(matching.DigestOf("id:1"), idx.slot(100+id), 5)
	}
	check("at twice the limit and one", []int64{100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111}, 12, false)
	idx.addPosting(matching.DigestOf("id:1"), idx.slot(200), 5)
	check("past twice the limit and one", nil, 13, true)
	idx.removePosting(matching.DigestOf("id:1"), 200)
	check("a truncated key keeps counting", nil, 12, true)

	idx.setKey(matching.DigestOf("id:1"), []int64{7}, 1, false)
	check("read again: one record", []int64{7}, 1, false)
	idx.removePosting(matching.DigestOf("id:1"), 7)
	check("its record removed", nil, 0, false)
	idx.setKey(matching.DigestOf("id:1"), []int64{3, 1, 2}, 3, false)
	check("read again: three records", []int64{1, 2, 3}, 3, false)
	idx.setKey(matching.DigestOf("id:1"), nil, 1001, true)
	check("read again: over the cap", nil, 1001, true)
	idx.removePosting(matching.DigestOf("id:3"), 1) // a key the index never read: nothing to do
	if _, _, ok := postings(idx, "id:3"); ok {
		t.Fatal("removing from an unknown key made it known")
	}
}

// TestPagesHoldWhatIsPushed pushes across several pages and checks every element is where it was
// put and stays there: the index hands out pointers into its pages while it grows.
func TestPagesHoldWhatIsPushed(t *testing.T) {
	t.Parallel()
	var p pages[int64]
	var first *int64
	n := 3<<pageBits + 17
	for i := range n {
		if got := p.push(int64(i) * 3); got != int32(i) {
			t.Fatalf("push %d answered position %d", i, got)
		}
		if i == 0 {
			first = p.at(0)
		}
	}
	if p.len() != n {
		t.Fatalf("len = %d, want %d", p.len(), n)
	}
	for i := range n {
		if got := *p.at(int32(i)); got != int64(i)*3 {
			t.Fatalf("at(%d) = %d, want %d", i, got, i*3)
		}
	}
	*p.at(1 << pageBits) = -1
	if *p.at(1 << pageBits) != -1 || *p.at(1<<pageBits - 1) != (1<<pageBits-1)*3 || p.at(0) != first {
		t.Fatal("an element moved or a write reached its neighbour")
	}
}

func TestBulkIndexRecordsAndTheirMemory(t *testing.T) {
	t.Parallel()
	idx := newBulkIndex()
	a, b := uuid.New(), uuid.New()
	n, _ := matching.Normalize(matching.Record{NIK: "3201234567890001", FullName: "Siti Aminah", BirthDate: "1990-05-17"})
	idx.learn(idx.slot(1), &n, a)
	k, ok := idx.record(1)
	if !ok || k.citizen != a || k.norm.Normalized().NIK != n.NIK || k.id != 1 {
		t.Fatalf("record 1 = %+v %v", k, ok)
	}
	idx.setKey(matching.DigestOf("id:2"), []int64{2}, 1, false)
	if _, ok := idx.record(2); ok || idx.known.len() != 2 {
		t.Fatal("a record only named by a posting reads as known")
	}
	idx.learn(idx.slot(2), &n, b)
	if k, ok := idx.record(2); !ok || k.citizen != b || idx.known.len() != 2 {
		t.Fatalf("record 2 once read = %+v %v (%d known)", k, ok, idx.known.len())
	}
	before := idx.bytes
	longer := n
	longer.Email = "siti.aminah@example.org"
	idx.learn(idx.slot(1), &longer, b) // a new version of the record, and its new citizen
	k, _ = idx.record(1)
	if k.citizen != b || k.norm.Normalized().Email != longer.Email || idx.known.len() != 2 {
		t.Fatalf("record 1 after its update = %+v (%d known)", k, idx.known.len())
	}
	if got, want := idx.bytes-before, int64(len(longer.Email)); got != want {
		t.Errorf("the update changed the estimate by %d bytes, want %d", got, want)
	}
	if !idx.full(before) || idx.full(idx.bytes) {
		t.Errorf("full disagrees with the estimate %d", idx.bytes)
	}
}

// BenchmarkBulkIndexMemory measures what the loader's index holds a record for, on a real load
// file (REGISTRY_BENCH_INDEX=path, a CSV from `registry gen`), against the estimate the index
// budgets with (bulkIndex.bytes): every row learnt and posted under its blocking keys, as a
// load into an empty registry leaves it.
func BenchmarkBulkIndexMemory(b *testing.B) {
	path := os.Getenv("REGISTRY_BENCH_INDEX")
	if path == "" {
		b.Skip("set REGISTRY_BENCH_INDEX=path to a load CSV (from `registry gen`)")
	}
	f, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	rows, err := openRows(f)
	if err != nil {
		b.Fatal(err)
	}
	var norms []matching.Normalized
	var keys [][]matching.Digest
	for {
		row, err := rows.next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		n, _ := matching.Normalize(row.person.MatchingRecord())
		norms = append(norms, n)
		var ds []matching.Digest
		for _, k := range matching.BlockingKeys(n) {
			ds = append(ds, matching.DigestOf(k))
		}
		keys = append(keys, ds)
	}
	citizen := uuid.New()
	var stats runtime.MemStats
	for b.Loop() {
		runtime.GC()
		runtime.ReadMemStats(&stats)
		before := stats.HeapAlloc
		idx := newBulkIndex()
		for i := range norms {
			id := int64(i + 1)
			s := idx.slot(id)
			idx.learn(s, &norms[i], citizen)
			for _, k := range keys[i] {
				if _, ok := idx.key(k); !ok {
					idx.setKey(k, nil, 0, false)
				}
				idx.addPosting(k, s, 100)
			}
		}
		runtime.GC()
		runtime.ReadMemStats(&stats)
		held := float64(stats.HeapAlloc - before)
		b.ReportMetric(held/float64(len(norms)), "B/record")
		b.ReportMetric(float64(idx.bytes)/float64(len(norms)), "estimate-B/record")
		b.ReportMetric(float64(len(idx.keys))/float64(len(norms)), "keys/record")
		runtime.KeepAlive(idx)
	}
}

// TestSlotSetHoldsEachSlotOnce: a row's set of candidates lists each slot once, in the order
// first added, over rows of any size and across the generation counter's wrap.
func TestSlotSetHoldsEachSlotOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	var s slotSet
	for row := range 3000 {
		if row == 1500 {
			s.gen = math.MaxUint32 - 1 // the next rows wrap it
		}
		s.reset()
		n := rng.IntN(40)
		if row%100 == 0 {
			n = rng.IntN(5000)
		}
		var want []int32
		seen := map[int32]bool{}
		for range n {
			slot := rng.Int32N(int32(1 + n/2))
			if row%7 == 0 {
				slot *= 1024 // slots alike in their low bits
			}
			s.add(slot)
			if !seen[slot] {
				seen[slot] = true
				want = append(want, slot)
			}
		}
		if !slices.Equal(s.list, want) {
			t.Fatalf("row %d: set lists %d slots, want %d (%v...)", row, len(s.list), len(want), want[:min(len(want), 5)])
		}
	}
}

// TestRegistryBudget: the registry is read whole when it fits beside the load's rows, estimated
// from the input's size, and in half the index's budget when the size is not known or the
// load alone would take more than half.
func TestRegistryBudget(t *testing.T) {
	t.Parallel()
	const budget = 1 << 30
	l := &bulkLoader{maxIndexBytes: budget}
	read := &rawChunk{rowsThrough: 25_000, bytesThrough: 25_000 * 200} // 200 bytes a row
	for _, tc := range []struct {
		name string
		size int64
		ch   *rawChunk
		want int64
	}{
		{"size not known", 0, read, budget / 2},
		{"nothing read yet", 100 << 20, &rawChunk{}, budget / 2},
		{"a small load leaves the registry more than half", 200 * 100_000, read, budget - 100_000*wholeRecordBytes},
		{"a load as large as the budget leaves half", 200 * 10_000_000, read, budget / 2},
	} {
		l.inputSize = tc.size
		if got := l.registryBudget(tc.ch); got != tc.want {
			t.Errorf("%s: registryBudget = %d, want %d", tc.name, got, tc.want)
		}
	}
}
