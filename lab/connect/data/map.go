package data

import "github.com/ctalab/ctalab/internal/javamap"

// Entry is one key and value of a Map.
type Entry struct {
	Key   string
	Value any
}

// Map is a schemaless java.util.Map with string keys. Its iteration order
// is that of the Java class it stands for: insertion order for a
// LinkedHashMap, and bucket order for a HashMap (javamap), which is what
// the JsonConverter walks when it writes a schemaless object.
type Map struct {
	linked []Entry                       // a LinkedHashMap's entries, in insertion order
	hashed *javamap.HashMap[string, any] // a HashMap's; nil for a LinkedHashMap
}

// NewLinkedMap returns an empty map iterating in insertion order, as a
// java.util.LinkedHashMap (or a map Jackson read) does.
func NewLinkedMap() *Map { return &Map{} }

// NewHashMap returns an empty java.util.HashMap as new HashMap<>(n) makes
// it; n < 0 stands for the no-argument constructor.
func NewHashMap(n int) *Map {
	if n < 0 {
		return &Map{hashed: javamap.NewDefault[string, any](javamap.String)}
	}
	return &Map{hashed: javamap.New[string, any](n, javamap.String)}
}

// CopyHashMap returns new HashMap<>(src): the table sized for src's size,
// then src's entries put in src's iteration order.
func CopyHashMap(src *Map) *Map {
	m := NewHashMap(-1)
	entries := src.Entries()
	keys, vals := make([]string, len(entries)), make([]any, len(entries))
	for i, e := range entries {
		keys[i], vals[i] = e.Key, e.Value
	}
	m.hashed.PutAll(keys, vals)
	return m
}

// Len is the number of entries.
func (m *Map) Len() int {
	if m.hashed != nil {
		return m.hashed.Len()
	}
	return len(m.linked)
}

// Get returns the value for k and whether k is present.
func (m *Map) Get(k string) (any, bool) {
	if m.hashed != nil {
		return m.hashed.Get(k)
	}
	for _, e := range m.linked {
		if e.Key == k {
			return e.Value, true
		}
	}
	return nil, false
}

// Put sets k to v; a new key goes where the Java class would put it.
func (m *Map) Put(k string, v any) {
	if m.hashed != nil {
		m.hashed.Put(k, v)
		return
	}
	for i := range m.linked {
		if m.linked[i].Key == k {
			m.linked[i].Value = v
			return
		}
	}
	m.linked = append(m.linked, Entry{k, v})
}

// Remove deletes k.
func (m *Map) Remove(k string) {
	if m.hashed != nil {
		m.hashed.Remove(k)
		return
	}
	for i := range m.linked {
		if m.linked[i].Key == k {
			m.linked = append(m.linked[:i:i], m.linked[i+1:]...)
			return
		}
	}
}

// Entries returns the entries in the Java iteration order.
func (m *Map) Entries() []Entry {
	if m.hashed == nil {
		return append([]Entry(nil), m.linked...)
	}
	keys, vals := m.hashed.Entries()
	out := make([]Entry, len(keys))
	for i, k := range keys {
		out[i] = Entry{k, vals[i]}
	}
	return out
}
