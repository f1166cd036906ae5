package javamap

import "slices"

// Hasher gives a key's hashCode and its identity under equals: keys Java
// finds equal have equal identities.
type Hasher[K any] func(k K) (hash int32, id any)

// HashMap is a java.util.HashMap being filled; Entries gives its entries
// in the order the Java map iterates them.
type HashMap[K, V any] struct {
	hasher    Hasher[K]
	capacity  int // the table's length, 0 before the first put
	threshold int
	keys      []K
	vals      []V
	hashes    []int32 // each key's spread hash
	// place orders the keys within a bucket: a put appends to its bucket
	// (a place above all before it), a merge prepends (one below all)
	place []int
	index map[any]int
}

// Java's HashMap constants: the table length at which a long bucket is
// made a tree rather than the table grown, and the bucket length at which
// that happens.
const (
	minTreeifyCapacity = 64
	treeifyThreshold   = 8
)

// New is new HashMap<>(initialCapacity).
func New[K, V any](initialCapacity int, h Hasher[K]) *HashMap[K, V] {
	return &HashMap[K, V]{hasher: h, threshold: tableSizeFor(initialCapacity), index: map[any]int{}}
}

// NewDefault is new HashMap<>(): its first table has 16 buckets.
func NewDefault[K, V any](h Hasher[K]) *HashMap[K, V] {
	return &HashMap[K, V]{hasher: h, index: map[any]int{}}
}

// Len is HashMap.size.
func (m *HashMap[K, V]) Len() int { return len(m.keys) }

// Has is HashMap.containsKey.
func (m *HashMap[K, V]) Has(k K) bool {
	_, id := m.hasher(k)
	_, ok := m.index[id]
	return ok
}

// Get is HashMap.get with containsKey: k's value and whether k is present.
func (m *HashMap[K, V]) Get(k K) (V, bool) {
	_, id := m.hasher(k)
	i, ok := m.index[id]
	if !ok {
		var zero V
		return zero, false
	}
	return m.vals[i], true
}

// Put is HashMap.put: a key already present keeps its place and its key
// object, taking the new value.
func (m *HashMap[K, V]) Put(k K, v V) {
	h, id := m.hasher(k)
	if i, ok := m.index[id]; ok {
		m.vals[i] = v
		return
	}
	if m.capacity == 0 {
		m.resize()
	}
	h = spread(h)
	if m.binLen(h) >= treeifyThreshold && m.capacity < minTreeifyCapacity {
		// treeifyBin grows a small table instead of making a tree
		m.resize()
	}
	m.add(k, v, h, id, len(m.keys)+1)
	if len(m.keys) > m.threshold {
		m.resize()
	}
}

// Merge is HashMap.merge of a key with its merged value v, not null: a new
// key goes at the head of its bucket, a bucket of seven or more growing a
// small table first, and the table grows before, not after, the entry
// that takes the map past its threshold, at the next merge.
func (m *HashMap[K, V]) Merge(k K, v V) {
	if m.capacity == 0 || len(m.keys) > m.threshold {
		m.resize()
	}
	h, id := m.hasher(k)
	if i, ok := m.index[id]; ok {
		m.vals[i] = v
		return
	}
	h = spread(h)
	if m.binLen(h) >= treeifyThreshold-1 && m.capacity < minTreeifyCapacity {
		m.resize()
	}
	m.add(k, v, h, id, -(len(m.keys) + 1))
}

// Remove is HashMap.remove: the others keep their places, and the table
// its length.
func (m *HashMap[K, V]) Remove(k K) {
	_, id := m.hasher(k)
	i, ok := m.index[id]
	if !ok {
		return
	}
	m.keys = slices.Delete(m.keys, i, i+1)
	m.vals = slices.Delete(m.vals, i, i+1)
	m.hashes = slices.Delete(m.hashes, i, i+1)
	m.place = slices.Delete(m.place, i, i+1)
	delete(m.index, id)
	for j := i; j < len(m.keys); j++ {
		_, id := m.hasher(m.keys[j])
		m.index[id] = j
	}
}

// PutAll is HashMap.putAll of the entries keys and vals, in that order:
// an empty map is first sized for them (putMapEntries, as new
// HashMap<>(map) does too), a filled one doubled while they exceed its
// threshold.
func (m *HashMap[K, V]) PutAll(keys []K, vals []V) {
	if len(keys) == 0 {
		return
	}
	if m.capacity == 0 {
		if t := tableSizeFor(int(float32(len(keys))/0.75 + 1)); t > m.threshold {
			m.threshold = t
		}
	} else {
		for len(keys) > m.threshold {
			m.resize()
		}
	}
	for i, k := range keys {
		m.Put(k, vals[i])
	}
}

// Entries are the keys and values in the HashMap's iteration order. A
// bucket of more than eight keys in a table of 64 or more is a tree in
// Java, whose order this does not follow; it keeps the order of the puts
// and merges.
func (m *HashMap[K, V]) Entries() ([]K, []V) {
	order := make([]int, len(m.keys))
	for i := range order {
		order[i] = i
	}
	mask := int32(m.capacity - 1)
	slices.SortFunc(order, func(a, b int) int {
		if c := int(uint32(m.hashes[a]&mask)) - int(uint32(m.hashes[b]&mask)); c != 0 {
			return c
		}
		return m.place[a] - m.place[b]
	})
	keys, vals := make([]K, len(order)), make([]V, len(order))
	for j, i := range order {
		keys[j], vals[j] = m.keys[i], m.vals[i]
	}
	return keys, vals
}

// add appends a new key's entry at place p.
func (m *HashMap[K, V]) add(k K, v V, h int32, id any, p int) {
	m.index[id] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.hashes = append(m.hashes, h)
	m.place = append(m.place, p)
}

// binLen is the number of keys in h's bucket.
func (m *HashMap[K, V]) binLen(h int32) int {
	n := 0
	for _, o := range m.hashes {
		if o&int32(m.capacity-1) == h&int32(m.capacity-1) {
			n++
		}
	}
	return n
}

// resize is HashMap.resize: the first table has the initial capacity's
// length, or 16; then each doubles it.
func (m *HashMap[K, V]) resize() {
	oldCap, oldThr := m.capacity, m.threshold
	newThr := 0
	switch {
	case oldCap > 0:
		m.capacity = oldCap << 1
		if oldCap >= 16 {
			newThr = oldThr << 1
		}
	case oldThr > 0:
		m.capacity = oldThr
	default:
		m.capacity, newThr = 16, 12
	}
	if newThr == 0 {
		newThr = int(float32(m.capacity) * 0.75)
	}
	m.threshold = newThr
}
