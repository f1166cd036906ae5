package javamap

import (
	"strconv"
	"strings"
	"testing"
)

// integer is the Hasher of Integer keys: Integer.hashCode is the value.
func integer(k int32) (int32, any) { return k, k }

// text prints m as AbstractMap.toString does: {k=v, ...} in iteration
// order.
func text[K, V any](m *HashMap[K, V]) string {
	keys, vals := m.Entries()
	parts := make([]string, len(keys))
	for i := range keys {
		parts[i] = fmtAny(keys[i]) + "=" + fmtAny(vals[i])
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func fmtAny(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int32:
		return strconv.Itoa(int(x))
	}
	panic("unexpected type")
}

// intMap fills new HashMap<>(n) with Integer keys and values, pairwise.
func intMap(n int, kv ...int32) *HashMap[int32, int32] {
	m := New[int32, int32](n, integer)
	for i := 0; i < len(kv); i += 2 {
		m.Put(kv[i], kv[i+1])
	}
	return m
}

// String.hashCode values are those the Java Language Specification's
// formula gives (s[0]*31^(n-1) + ...), worked by hand: "a" is 97, "ab" is
// 97*31+98 = 3105, "Aa" and "BB" are both 2112.
func TestStringHashCodeFollowsTheFormula(t *testing.T) {
	for s, want := range map[string]int32{"": 0, "a": 97, "ab": 3105, "Aa": 2112, "BB": 2112} {
		if got := StringHashCode(s); got != want {
			t.Errorf("StringHashCode(%q) = %d, want %d", s, got, want)
		}
	}
}

// A HashMap iterates by bucket of the spread hash code in a table sized by
// tableSizeFor and grown past 0.75 of it, in each bucket in the order of
// the puts. The expected texts are what a JDK 17 HashMap<Integer,
// Integer> filled the same way prints.
func TestHashMapIteratesAsJava(t *testing.T) {
	seq := func(n, step int) []int32 {
		var kv []int32
		for i := range n {
			kv = append(kv, int32(i*step), int32(i))
		}
		return kv
	}
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"one bucket keeps the puts' order", text(intMap(2, 17, 1, 1, 2)), "{17=1, 1=2}"},
		{"buckets in index order", text(intMap(3, 3, 1, 2, 2, 1, 3)), "{1=3, 2=2, 3=1}"},
		{"a grown table", text(intMap(20, seq(20, 16)...)), "{0=0, 64=4, 128=8, 192=12, 256=16, 16=1, 80=5, 144=9, 208=13, 272=17, 32=2, 96=6, 160=10, 224=14, 288=18, 48=3, 112=7, 176=11, 240=15, 304=19}"},
		{"a ninth key in one bucket grows a small table", text(intMap(9, seq(9, 16)...)), "{0=0, 32=2, 64=4, 96=6, 128=8, 16=1, 48=3, 80=5, 112=7}"},
		{"thirteen keys", text(intMap(13, seq(13, 7)...)), "{0=0, 35=5, 70=10, 7=1, 42=6, 77=11, 14=2, 49=7, 84=12, 21=3, 56=8, 28=4, 63=9}"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

// new HashMap<>(2) starts with a 2-bucket table (threshold 1) and doubles
// to 4 buckets on the second put: "d" (100 & 3 = 0) then precedes "a"
// (97 & 3 = 1), while a default 16-bucket map keeps "a" (1) before "d"
// (4).
func TestSizedHashMapUsesItsSmallerTable(t *testing.T) {
	sized := New[string, int32](2, String)
	sized.Put("a", 1)
	sized.Put("d", 2)
	if got, want := text(sized), "{d=2, a=1}"; got != want {
		t.Errorf("sized: %s, want %s", got, want)
	}
	def := NewDefault[string, int32](String)
	def.Put("a", 1)
	def.Put("d", 2)
	if got, want := text(def), "{a=1, d=2}"; got != want {
		t.Errorf("default: %s, want %s", got, want)
	}
}

// The ways a HashMap is filled place keys differently: a put appends to
// its bucket and grows the table once it passes the threshold; a merge
// prepends, and grows the table only at the next merge (HashMap.merge);
// putAll into an empty map sizes it first (putMapEntries); a remove leaves
// the others in place. The expected texts are what a JDK 17
// HashMap<String, Integer> filled the same way prints.
func TestStringKeyedHashMapFillsAsJava(t *testing.T) {
	fruit := []string{"kiwi", "apple", "fig", "cherry"}
	var keys []string
	var vals []int32
	for i := range 13 {
		keys, vals = append(keys, "w"+strconv.Itoa(i*7)), append(vals, int32(i))
	}
	put := New[string, int32](4, String)
	merged := NewDefault[string, int32](String)
	for i, k := range fruit {
		put.Put(k, int32(i+1))
		merged.Merge(k, 1)
	}
	put.Remove("apple")
	put.Put("banana", 5)
	merge13, put13, putAll13 := NewDefault[string, int32](String), NewDefault[string, int32](String), NewDefault[string, int32](String)
	for i, k := range keys {
		merge13.Merge(k, vals[i])
		put13.Put(k, vals[i])
	}
	putAll13.PutAll(keys, vals)
	for _, c := range []struct {
		name string
		got  *HashMap[string, int32]
		want string
	}{
		{"put, remove, put", put, "{banana=5, cherry=4, kiwi=1, fig=3}"},
		{"merge", merged, "{cherry=1, apple=1, kiwi=1, fig=1}"},
		{"thirteen merges", merge13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w56=8, w0=0, w14=2, w28=4, w49=7}"},
		{"thirteen puts", put13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w0=0, w56=8, w14=2, w28=4, w49=7}"},
		{"putAll of thirteen", putAll13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w0=0, w56=8, w14=2, w28=4, w49=7}"},
	} {
		if got := text(c.got); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
