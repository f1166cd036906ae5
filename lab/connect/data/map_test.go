package data

import (
	"reflect"
	"testing"
)

func keys(m *Map) []string {
	var out []string
	for _, e := range m.Entries() {
		out = append(out, e.Key)
	}
	return out
}

// A hashed Map iterates as java.util.HashMap does (javamap): in a
// 16-bucket HashMap bucket 1 precedes bucket 2 whatever the insertion
// order: "q" (113 & 15 = 1) and "a" (97 & 15 = 1) share bucket 1 in the
// order they were put, and "b" (98 & 15 = 2) follows them.
func TestHashMapIteratesByBucketThenInsertion(t *testing.T) {
	m := NewHashMap(-1)
	m.Put("b", 1)
	m.Put("q", 2)
	m.Put("a", 3)
	if got, want := keys(m), []string{"q", "a", "b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
}

func TestLinkedMapIteratesInInsertionOrder(t *testing.T) {
	m := NewLinkedMap()
	m.Put("b", 1)
	m.Put("a", 2)
	m.Put("b", 3)
	if got, want := keys(m), []string{"b", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("order = %v, want %v", got, want)
	}
	if v, _ := m.Get("b"); v != 3 {
		t.Errorf("b = %v, want 3", v)
	}
}

// CopyHashMap is new HashMap<>(src): src's four entries size the copy's
// table to 8 buckets (putMapEntries: tableSizeFor(4/0.75+1)), where "i"
// (105 & 7 = 1) precedes "b" (98 & 7 = 2), whereas a default 16-bucket
// map keeps "b" (2) before "i" (9).
func TestCopyHashMapIsSizedForItsSource(t *testing.T) {
	src := NewLinkedMap()
	for i, k := range []string{"b", "i", "c", "d"} {
		src.Put(k, i)
	}
	if got, want := keys(CopyHashMap(src)), []string{"i", "b", "c", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("copy order = %v, want %v", got, want)
	}
}
