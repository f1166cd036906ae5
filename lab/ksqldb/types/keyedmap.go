package types

import "slices"

// KeyedMap is a MAP value. ksqlDB holds a map as a java.util.HashMap, so
// its entries are kept in the order that HashMap iterates them: by bucket,
// and in each bucket in the order the keys were put. A MAP with STRING
// keys holds Go strings, hashed as String.hashCode is.
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

// MapVals is the map with each value replaced by f of it, its keys in
// the same places.
func (m *KeyedMap) MapVals(f func(any) any) *KeyedMap {
	out := &KeyedMap{Keys: m.Keys, Vals: make([]any, len(m.Vals)), index: m.index}
	for i, v := range m.Vals {
		out.Vals[i] = f(v)
	}
	return out
}

// KeyedMapKey reports the MAP key types whose values this server hashes
// as Java does, and so can hold in a KeyedMap.
func KeyedMapKey(t Type) bool {
	switch t.Kind() {
	case KindBoolean, KindInteger, KindBigint, KindDouble, KindDecimal, KindString:
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
	// place orders the keys within a bucket: a put appends to its bucket
	// (a place above all before it), a merge prepends (one below all)
	place []int
	index map[any]int
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

// Len is HashMap.size.
func (m *HashMap) Len() int { return len(m.keys) }

// Has is HashMap.containsKey.
func (m *HashMap) Has(k any) bool {
	_, ok := m.index[javaKeyID(k)]
	return ok
}

// Get is HashMap.get with containsKey: k's value and whether k is present.
func (m *HashMap) Get(k any) (any, bool) {
	i, ok := m.index[javaKeyID(k)]
	if !ok {
		return nil, false
	}
	return m.vals[i], true
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
	m.add(k, v, h, len(m.keys)+1)
	if len(m.keys) > m.threshold {
		m.resize()
	}
}

// Merge is HashMap.merge of a key with its merged value v, not NULL: a new
// key goes at the head of its bucket, a bucket of seven or more growing a
// small table first, and the table grows before, not after, the entry
// that takes the map past its threshold, at the next merge.
func (m *HashMap) Merge(k, v any) {
	if m.capacity == 0 || len(m.keys) > m.threshold {
		m.resize()
	}
	id := javaKeyID(k)
	if i, ok := m.index[id]; ok {
		m.vals[i] = v
		return
	}
	h := spread(javaHashCode(k))
	if m.binLen(h) >= hashMapTreeifyThreshold-1 && m.capacity < hashMapMinTreeifyCapacity {
		m.resize()
	}
	m.add(k, v, h, -(len(m.keys) + 1))
}

// Remove is HashMap.remove: the others keep their places, and the table
// its length.
func (m *HashMap) Remove(k any) {
	i, ok := m.index[javaKeyID(k)]
	if !ok {
		return
	}
	m.keys = slices.Delete(m.keys, i, i+1)
	m.vals = slices.Delete(m.vals, i, i+1)
	m.hashes = slices.Delete(m.hashes, i, i+1)
	m.place = slices.Delete(m.place, i, i+1)
	delete(m.index, javaKeyID(k))
	for j := i; j < len(m.keys); j++ {
		m.index[javaKeyID(m.keys[j])] = j
	}
}

// add appends a new key's entry at place p.
func (m *HashMap) add(k, v any, h int32, p int) {
	m.index[javaKeyID(k)] = len(m.keys)
	m.keys = append(m.keys, k)
	m.vals = append(m.vals, v)
	m.hashes = append(m.hashes, h)
	m.place = append(m.place, p)
}

// PutAll is HashMap.putAll of the entries keys and vals, in that order:
// an empty map is first sized for them (putMapEntries), a filled one
// doubled while they exceed its threshold.
func (m *HashMap) PutAll(keys, vals []any) {
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
// Java, whose order this does not follow; it keeps the order of the puts
// and merges.
func (m *HashMap) Map() *KeyedMap {
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
