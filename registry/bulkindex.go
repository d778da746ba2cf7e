package registry

import (
	"slices"

	"github.com/google/uuid"

	"github.com/bangsa/registry/matching"
)

// bulkIndex is the loader's view of the blocking-key index and of the records it has met: the
// registry as it was when each key was first needed, plus everything the load has written since.
//
// It holds millions of records at national scale, so it is laid out for memory, for the garbage
// collector and for the scoring workers, which visit tens of millions of candidates a million
// rows: keys are kept by their digests, as the store holds them (no string per key); a key's
// postings are positions in known (a candidate is found without a map lookup), held in its entry
// while there is one; records are packed (matching.Packed) and kept in pages, so that the index
// grows without moving what it holds (at millions of records, a slice's growth copied seconds'
// worth). The maps hold no pointers and are never traced; what is traced is one string a record
// and one slice a key held by several records.
type bulkIndex struct {
	keys  map[matching.Digest]keyEntry
	lists [][]int32 // postings of keys held by more than one record; lists[0] is never used

	slots    map[int64]int32         // record ID -> its position in known
	known    pages[knownRecord]      // every record a posting names, read from the database or not yet
	sketches pages[matching.Sketch]  // known's sketches, apart: the scoring workers read them first
	merged   map[uuid.UUID]uuid.UUID // citizens the load merged into others (see bridge) -> survivor

	bytes int64 // an estimate of the memory held, for the budget

	// whole is set while the index holds every record and key of the registry (startIndex): a
	// key it lacks is then held by no record and is not looked up. Records another writer adds
	// meanwhile (a submission, another source's load) are met instead by reading the records
	// above seen, the highest record ID looked at (meetOthers).
	whole bool
	seen  int64
	// own are the IDs the load reserved for its new records above seen (runs of consecutive
	// IDs, nearly always one): they are in the index already, and meetOthers looks around them.
	own []IDRange
	// sourceNew is set while a whole index knows the registry to hold no record of the load's
	// source but the load's own (startIndex, meetOthers). A file holds each local ID once, so
	// none of its rows can then name a record the registry holds: classify asks for none.
	sourceNew bool
}

// keyEntry is one blocking key: the records holding it, or only a lower bound of their number
// when there are too many for the key to be usable (truncated).
type keyEntry struct {
	one       int32  // the record, while the key is held by at most one and has no list
	list      uint32 // the records, in lists, once it has been held by more than one
	count     int32
	truncated bool
}

// knownRecord is a record the index has met, with the citizen it had then (merged follows later
// merges). A record a posting names but that was not read yet (or could not be: no active link)
// has no norm.
type knownRecord struct {
	id      int64
	norm    matching.Packed
	citizen uuid.UUID
}

func (k *knownRecord) read() bool { return k.norm != "" }

// The memory estimates behind bulkIndex.bytes: a key's map slot, a record's place in known, its
// sketch and its map entry beside its packed text, and a posting in a list, each with the room
// that maps and slices keep to grow. BenchmarkBulkIndexMemory checks them against the live heap:
// 433 estimated for 447 bytes a record on a 1M-row civil-registry file (docs/benchmarks.md).
const (
	keyBytes     = 48
	recordBytes  = 164
	postingBytes = 8
)

func newBulkIndex() *bulkIndex {
	return &bulkIndex{
		keys: map[matching.Digest]keyEntry{}, lists: [][]int32{nil},
		slots: map[int64]int32{}, merged: map[uuid.UUID]uuid.UUID{},
	}
}

// key is the entry of blocking key k, if the index has it.
func (idx *bulkIndex) key(k matching.Digest) (keyEntry, bool) {
	e, ok := idx.keys[k]
	return e, ok
}

// postings are the records holding e, as positions in known (none when truncated); one is room
// for a single record, so that reading a key allocates nothing.
func (idx *bulkIndex) postings(e keyEntry, one *[1]int32) []int32 {
	switch {
	case e.truncated:
		return nil
	case e.list != 0:
		return idx.lists[e.list]
	case e.count == 1:
		one[0] = e.one
		return one[:]
	}
	return nil
}

// setKey records what the registry holds for k: its records, or only that there are at least
// count of them. Records the index has not met get a place in known, to be read before they are
// scored.
func (idx *bulkIndex) setKey(h matching.Digest, ids []int64, count int, truncated bool) {
	old, had := idx.keys[h]
	if !had {
		idx.bytes += keyBytes
	}
	if old.list != 0 {
		idx.bytes -= int64(len(idx.lists[old.list])) * postingBytes
		idx.lists[old.list] = nil
	}
	e := keyEntry{count: int32(count), truncated: truncated}
	switch {
	case truncated:
	case len(ids) == 1:
		e.one = idx.slot(ids[0])
	case len(ids) > 1:
		slots := make([]int32, len(ids))
		for i, id := range ids {
			slots[i] = idx.slot(id)
		}
		e.list = idx.newList(slots)
	}
	idx.keys[h] = e
}

func (idx *bulkIndex) newList(slots []int32) uint32 {
	idx.lists = append(idx.lists, slots)
	idx.bytes += int64(len(slots)) * postingBytes
	return uint32(len(idx.lists) - 1)
}

// slot is record id's position in known, given one if it has none yet.
func (idx *bulkIndex) slot(id int64) int32 {
	if s, ok := idx.slots[id]; ok {
		return s
	}
	s := idx.known.push(knownRecord{id: id})
	idx.sketches.push(matching.Sketch{})
	idx.slots[id] = s
	idx.bytes += recordBytes
	return s
}

// addPosting records that the record at slot s now holds the key of digest h. A key far over its
// limit keeps its count only: an update that brings it back under makes prepare read it again.
func (idx *bulkIndex) addPosting(h matching.Digest, s int32, limit int) {
	e, ok := idx.keys[h]
	if !ok {
		idx.bytes += keyBytes
	}
	e.count++
	switch {
	case e.truncated:
	case int(e.count) > 2*(limit+1):
		if e.list != 0 {
			idx.bytes -= int64(len(idx.lists[e.list])) * postingBytes
			idx.lists[e.list] = nil
		}
		e.list, e.one, e.truncated = 0, 0, true
	case e.list != 0:
		idx.lists[e.list] = append(idx.lists[e.list], s)
		idx.bytes += postingBytes
	case e.count == 1:
		e.one = s
	default:
		e.list, e.one = idx.newList([]int32{e.one, s}), 0
	}
	idx.keys[h] = e
}

// removePosting records that record id no longer holds k.
func (idx *bulkIndex) removePosting(h matching.Digest, id int64) {
	e, ok := idx.keys[h]
	if !ok {
		return
	}
	e.count--
	s, known := idx.slots[id]
	switch {
	case e.truncated || !known:
	case e.list != 0:
		before := len(idx.lists[e.list])
		idx.lists[e.list] = slices.DeleteFunc(idx.lists[e.list], func(x int32) bool { return x == s })
		idx.bytes -= int64(before-len(idx.lists[e.list])) * postingBytes
	case e.one == s:
		e.one = 0
	}
	idx.keys[h] = e
}

// record is what the index read of record id.
func (idx *bulkIndex) record(id int64) (knownRecord, bool) {
	if s, ok := idx.slots[id]; ok && idx.known.at(s).read() {
		return *idx.known.at(s), true
	}
	return knownRecord{}, false
}

// learn records the normalised form and citizen of the record at slot s, replacing what the index
// knew of it.
func (idx *bulkIndex) learn(s int32, norm *matching.Normalized, citizen uuid.UUID) {
	f := formOf(norm)
	idx.learnForm(s, &f, citizen)
}

// recordForm is what the index keeps of a record's normalised form, made apart from the index
// (formOf), so that many records' can be made at once.
type recordForm struct {
	norm   matching.Packed
	sketch matching.Sketch
}

func formOf(norm *matching.Normalized) recordForm {
	return recordForm{norm.Pack(), norm.Sketch()}
}

// learnForm is learn with the record's form made.
func (idx *bulkIndex) learnForm(s int32, f *recordForm, citizen uuid.UUID) {
	k := idx.known.at(s)
	idx.bytes += int64(len(f.norm) - len(k.norm))
	k.norm, k.citizen = f.norm, citizen
	*idx.sketches.at(s) = f.sketch
}

// full reports whether the index outgrew its memory budget.
func (idx *bulkIndex) full(maxBytes int64) bool {
	return idx.bytes > maxBytes
}

// reserved notes IDs the load took for its new records (increasing), as runs.
func (idx *bulkIndex) reserved(ids []int64) {
	for _, id := range ids {
		if n := len(idx.own); n > 0 && idx.own[n-1].To == id-1 {
			idx.own[n-1].To = id
		} else {
			idx.own = append(idx.own, IDRange{id, id})
		}
	}
}

// pages is a slice grown a page at a time: what it holds never moves.
type pages[T any] struct {
	pages [][]T
	n     int32
}

const pageBits = 16 // 65,536 elements a page

func (p *pages[T]) len() int { return int(p.n) }

// at is element i, which must be below len.
func (p *pages[T]) at(i int32) *T { return &p.pages[i>>pageBits][i&(1<<pageBits-1)] }

// push appends v and answers its position.
func (p *pages[T]) push(v T) int32 {
	i := p.n
	if int(i>>pageBits) == len(p.pages) {
		p.pages = append(p.pages, make([]T, 1<<pageBits))
	}
	p.pages[i>>pageBits][i&(1<<pageBits-1)] = v
	p.n++
	return i
}
