package types

import "github.com/ctalab/ctalab/internal/javamap"

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

// HashMap builds a KeyedMap as a java.util.HashMap is filled, its keys
// hashed and compared as Java's hashCode and equals do.
type HashMap struct {
	m *javamap.HashMap[any, any]
}

// javaKey is the javamap.Hasher of MAP keys.
func javaKey(k any) (int32, any) { return javaHashCode(k), javaKeyID(k) }

// NewHashMap is new HashMap<>(initialCapacity).
func NewHashMap(initialCapacity int) *HashMap {
	return &HashMap{javamap.New[any, any](initialCapacity, javaKey)}
}

// NewDefaultHashMap is new HashMap<>(): its first table has 16 buckets.
func NewDefaultHashMap() *HashMap { return &HashMap{javamap.NewDefault[any, any](javaKey)} }

// Len is HashMap.size.
func (m *HashMap) Len() int { return m.m.Len() }

// Has is HashMap.containsKey.
func (m *HashMap) Has(k any) bool { return m.m.Has(k) }

// Get is HashMap.get with containsKey: k's value and whether k is present.
func (m *HashMap) Get(k any) (any, bool) { return m.m.Get(k) }

// Put is HashMap.put: a key already present keeps its place.
func (m *HashMap) Put(k, v any) { m.m.Put(k, v) }

// Merge is HashMap.merge of a key with its merged value v, not NULL.
func (m *HashMap) Merge(k, v any) { m.m.Merge(k, v) }

// Remove is HashMap.remove.
func (m *HashMap) Remove(k any) { m.m.Remove(k) }

// PutAll is HashMap.putAll of the entries keys and vals, in that order.
func (m *HashMap) PutAll(keys, vals []any) { m.m.PutAll(keys, vals) }

// Map is the filled map, its entries in the HashMap's iteration order.
func (m *HashMap) Map() *KeyedMap {
	keys, vals := m.m.Entries()
	out := &KeyedMap{Keys: keys, Vals: vals, index: make(map[any]int, len(keys))}
	for i, k := range keys {
		out.index[javaKeyID(k)] = i
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
