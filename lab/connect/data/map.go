package data

import (
	"sort"
	"unicode/utf16"
)

// Entry is one key and value of a Map.
type Entry struct {
	Key   string
	Value any
}

// Map is a schemaless java.util.Map with string keys. Its iteration order
// is that of the Java class it stands for: insertion order for a
// LinkedHashMap, and bucket order for a HashMap, which is what the
// JsonConverter walks when it writes a schemaless object. HashMap order is
// derived as OpenJDK 17's java.util.HashMap lays entries out: bucket
// (h ^ h>>>16) & (capacity-1) of String.hashCode, entries of one bucket in
// insertion order, the table doubling when size exceeds 0.75 × capacity.
type Map struct {
	entries   []Entry // insertion order
	hashed    bool
	capacity  int // table size; 0 while unallocated
	threshold int // initial capacity while unallocated
}

// NewLinkedMap returns an empty map iterating in insertion order, as a
// java.util.LinkedHashMap (or a map Jackson read) does.
func NewLinkedMap() *Map { return &Map{} }

// NewHashMap returns an empty java.util.HashMap as new HashMap<>(n) makes
// it; n < 0 stands for the no-argument constructor.
func NewHashMap(n int) *Map {
	m := &Map{hashed: true}
	if n >= 0 {
		m.threshold = tableSizeFor(n)
	}
	return m
}

// CopyHashMap returns new HashMap<>(src): the table sized for src's size,
// then src's entries put in src's iteration order.
func CopyHashMap(src *Map) *Map {
	m := &Map{hashed: true}
	if s := src.Len(); s > 0 {
		ft := float32(s)/0.75 + 1
		m.threshold = tableSizeFor(int(ft))
	}
	for _, e := range src.Entries() {
		m.Put(e.Key, e.Value)
	}
	return m
}

func tableSizeFor(n int) int {
	c := 1
	for c < n {
		c <<= 1
	}
	return c
}

// Len is the number of entries.
func (m *Map) Len() int { return len(m.entries) }

// Get returns the value for k and whether k is present.
func (m *Map) Get(k string) (any, bool) {
	for _, e := range m.entries {
		if e.Key == k {
			return e.Value, true
		}
	}
	return nil, false
}

// Put sets k to v; a new key goes where the Java class would put it.
func (m *Map) Put(k string, v any) {
	for i := range m.entries {
		if m.entries[i].Key == k {
			m.entries[i].Value = v
			return
		}
	}
	m.entries = append(m.entries, Entry{k, v})
	if !m.hashed {
		return
	}
	if m.capacity == 0 {
		m.capacity = 16
		if m.threshold > 0 {
			m.capacity = m.threshold
		}
		m.threshold = m.capacity * 3 / 4
	}
	if len(m.entries) > m.threshold {
		m.capacity <<= 1
		m.threshold = m.capacity * 3 / 4
	}
}

// Remove deletes k.
func (m *Map) Remove(k string) {
	for i := range m.entries {
		if m.entries[i].Key == k {
			m.entries = append(m.entries[:i:i], m.entries[i+1:]...)
			return
		}
	}
}

// Entries returns the entries in the Java iteration order.
func (m *Map) Entries() []Entry {
	out := append([]Entry(nil), m.entries...)
	if m.hashed && m.capacity > 0 {
		mask := uint32(m.capacity - 1)
		sort.SliceStable(out, func(i, j int) bool {
			return spread(out[i].Key)&mask < spread(out[j].Key)&mask
		})
	}
	return out
}

// spread is HashMap.hash of a String key.
func spread(s string) uint32 {
	h := uint32(JavaHashCode(s))
	return h ^ (h >> 16)
}

// JavaHashCode is java.lang.String.hashCode: s[0]*31^(n-1) + ... over the
// UTF-16 code units.
func JavaHashCode(s string) int32 {
	var h int32
	for _, u := range utf16.Encode([]rune(s)) {
		h = 31*h + int32(u)
	}
	return h
}
