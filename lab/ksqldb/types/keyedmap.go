package types

import "slices"

// KeyedMap is a MAP value whose key type is not STRING (a MAP with STRING
// keys is map[string]any). ksqlDB holds such a map as a java.util.HashMap,
// so its entries are kept in the order that HashMap iterates them: by
// bucket, and in each bucket in the order the keys were put.
type KeyedMap struct {
	Keys  []any
	Vals  []any
	index map[any]int
}

// Len is the number of entries.
func (m *KeyedMap) Len() int { return len(m.Keys) }

// Get is Map.get: the value of the key equal to k, NULL when there is none.
func (m *KeyedMap) Get(k any) any {
	if i, ok := m.index[javaKeyID(k)]; ok {
		return m.Vals[i]
	}
	return nil
}

// KeyedMapKey reports the MAP key types whose values this server hashes
// as Java does, and so can hold in a KeyedMap.
func KeyedMapKey(t Type) bool {
	switch t.Kind() {
	case KindBoolean, KindInteger, KindBigint, KindDouble, KindDecimal:
		return true
	}
	return false
}

// KeyText is a key's toString(), as AbstractMap.toString and Jackson's
// default key serializer write it ("null" for the null key).
func KeyText(k any) string {
	switch x := k.(type) {
	case nil:
		return "null"
	case Decimal:
		return x.String()
	}
	return Format(k)
}

// HashMap builds a KeyedMap as a java.util.HashMap is filled.
type HashMap struct {
	capacity  int // the table's length, 0 before the first put
	threshold int
	keys      []any
	vals      []any
	hashes    []int32
	index     map[any]int
}

// Java's HashMap constants: the table length at which a long bucket is
// made a tree rather than the table grown, and the bucket length at which
// that happens.
const (
	hashMapMinTreeifyCapacity = 64
	hashMapTreeifyThreshold   = 8
)

// NewHashMap is new HashMap<>(initialCapacity).
func NewHashMap(initialCapacity int) *HashMap {
	return &HashMap{threshold: tableSizeFor(initialCapacity), index: map[any]int{}}
}

// NewDefaultHashMap is new HashMap<>(): its first table has 16 buckets.
func NewDefaultHashMap() *HashMap { return &HashMap{index: map[any]int{}} }

// Has is HashMap.containsKey.
func (m *HashMap) Has(k any) bool {
	_, ok := m.index[javaKeyID(k)]
	return ok
}

// tableSizeFor is HashMap.tableSizeFor: the power of two at or above c.
func tableSizeFor(c int) int {
	n := 1
	for n < c {
		n <<= 1
	}
	return n
}

// spread is HashMap.hash: the hash code's high half folded into its low.
func spread(h int32) int32 { return h ^ int32(uint32(h)>>16) }

// Put is HashMap.put: a key already present keeps its place.
func (m *HashMap) Put(k, v any) {
	id := javaKeyID(k)
	if i, ok := m.index[id]; ok {
		m.vals[i] = v
		return
	}
	if m.capacity == 0 {
		m.resize()
	}
	h := spread(javaHashCode(k))
	if m.binLen(h) >= hashMapTreeifyThreshold && m.capacity < hashMapMinTreeifyCapacity {
		// treeifyBin grows a small table instead of making a tree
		m.resize()
	}
	m.index[id] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.hashes = append(m.hashes, h)
	if len(m.keys) > m.threshold {
		m.resize()
	}
}

// binLen is the number of keys in h's bucket.
func (m *HashMap) binLen(h int32) int {
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
func (m *HashMap) resize() {
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

// Map is the filled map, its entries in the HashMap's iteration order.
// A bucket of more than eight keys in a table of 64 or more is a tree in
// Java, whose order this does not follow; it keeps the order of the puts.
func (m *HashMap) Map() *KeyedMap {
	order := make([]int, len(m.keys))
	for i := range order {
		order[i] = i
	}
	mask := int32(m.capacity - 1)
	slices.SortStableFunc(order, func(a, b int) int {
		return int(uint32(m.hashes[a]&mask)) - int(uint32(m.hashes[b]&mask))
	})
	out := &KeyedMap{Keys: make([]any, len(order)), Vals: make([]any, len(order)), index: make(map[any]int, len(order))}
	for j, i := range order {
		out.Keys[j], out.Vals[j] = m.keys[i], m.vals[i]
		out.index[javaKeyID(m.keys[i])] = j
	}
	return out
}

// formatKeyedMap is AbstractMap.toString: {k=v, ...} in iteration order.
func formatKeyedMap(m *KeyedMap) string {
	b := []byte{'{'}
	for i, k := range m.Keys {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, KeyText(k)...)
		b = append(b, '=')
		b = append(b, javaString(m.Vals[i])...)
	}
	return string(append(b, '}'))
}
