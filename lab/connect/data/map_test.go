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

// String.hashCode values are those the Java Language Specification's
// formula gives (s[0]*31^(n-1) + ...), worked by hand: "a" is 97, "ab" is
// 97*31+98 = 3105, "Aa" and "BB" are both 2112.
func TestJavaHashCodeFollowsTheStringHashCodeFormula(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "ab": 3105, "Aa": 2112, "BB": 2112} {
		if got := JavaHashCode(s); got != want {
			t.Errorf("JavaHashCode(%q) = %d, want %d", s, got, want)
		}
	}
}

// In a 16-bucket HashMap bucket 1 precedes bucket 2 whatever the insertion
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

// new HashMap<>(2) starts with a 2-bucket table (threshold 1) and doubles to
// 4 buckets on the second put: "d" (100 & 3 = 0) then precedes "a"
// (97 & 3 = 1), while a default 16-bucket map keeps "a" (1) before "d" (4).
func TestSizedHashMapUsesItsSmallerTable(t *testing.T) {
	m := NewHashMap(2)
	m.Put("a", 1)
	m.Put("d", 2)
	if got, want := keys(m), []string{"d", "a"}; !reflect.DeepEqual(got, want) {
		t.Errorf("sized order = %v, want %v", got, want)
	}
	m = NewHashMap(-1)
	m.Put("a", 1)
	m.Put("d", 2)
	if got, want := keys(m), []string{"a", "d"}; !reflect.DeepEqual(got, want) {
		t.Errorf("default order = %v, want %v", got, want)
	}
}
