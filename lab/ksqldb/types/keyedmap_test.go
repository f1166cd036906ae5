package types

import (
	"strconv"
	"testing"
)

// hashMapText fills new HashMap<>(n) with the pairs and prints it as
// AbstractMap.toString does.
func hashMapText(n int, kv ...any) string {
	m := NewHashMap(n)
	for i := 0; i < len(kv); i += 2 {
		m.Put(kv[i], kv[i+1])
	}
	return Format(m.Map())
}

// A KeyedMap iterates as java.util.HashMap does: by bucket of the spread
// hash code in a table sized by tableSizeFor and grown past 0.75 of it, in
// each bucket in the order of the puts. The expected texts are what a JDK
// 17 HashMap filled the same way prints (java.util.HashMap, and the
// hashCode of Integer, Long, Double, Boolean and BigDecimal).
func TestKeyedMapIteratesAsJavaHashMap(t *testing.T) {
	seq := func(n, step int) []any {
		var kv []any
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
		{"one bucket keeps the puts' order", hashMapText(2, int32(17), "a", int32(1), "b"), "{17=a, 1=b}"},
		{"buckets in index order", hashMapText(3, int32(3), "x", int32(2), "y", int32(1), "z"), "{1=z, 2=y, 3=x}"},
		{"double keys", hashMapText(3, 1.5, "a", 0.5, "b", -2.0, "c"), "{1.5=a, 0.5=b, -2.0=c}"},
		{"boolean keys", hashMapText(2, true, "t", false, "f"), "{false=f, true=t}"},
		{"bigint keys", hashMapText(3, int64(10000000000), "a", int64(3), "b", int64(-1), "c"), "{-1=c, 10000000000=a, 3=b}"},
		{"decimal keys", hashMapText(3, MustDecimal("1.50"), "a", MustDecimal("-2.25"), "b", MustDecimal("123456789012345678901234.5"), "c"), "{1.50=a, -2.25=b, 123456789012345678901234.5=c}"},
		{"a grown table", hashMapText(20, seq(20, 16)...), "{0=0, 64=4, 128=8, 192=12, 256=16, 16=1, 80=5, 144=9, 208=13, 272=17, 32=2, 96=6, 160=10, 224=14, 288=18, 48=3, 112=7, 176=11, 240=15, 304=19}"},
		{"a ninth key in one bucket grows a small table", hashMapText(9, seq(9, 16)...), "{0=0, 32=2, 64=4, 96=6, 128=8, 16=1, 48=3, 80=5, 112=7}"},
		{"thirteen keys", hashMapText(13, seq(13, 7)...), "{0=0, 35=5, 70=10, 7=1, 42=6, 77=11, 14=2, 49=7, 84=12, 21=3, 56=8, 28=4, 63=9}"},
	} {
		if c.got != c.want {
			t.Errorf("%s: %s, want %s", c.name, c.got, c.want)
		}
	}
}

// Hash codes as the JDK computes them.
func TestJavaHashCodes(t *testing.T) {
	for _, c := range []struct {
		v    any
		want int32
	}{
		{MustDecimal("123456789012345678901234.5"), 292950206},
		{MustDecimal("-2.25"), -6973},
		{-2.0, -1073741824},
	} {
		if got := javaHashCode(c.v); got != c.want {
			t.Errorf("hashCode(%v) = %d, want %d", c.v, got, c.want)
		}
	}
}

// Keys are equal as Java's equals has them: a DECIMAL's scale counts, and
// a put of an equal key replaces the value where the key stands.
func TestKeyedMapKeysAreEqualAsInJava(t *testing.T) {
	m := NewHashMap(3)
	m.Put(MustDecimal("2.0"), "a")
	m.Put(MustDecimal("2.00"), "b")
	m.Put(MustDecimal("2.0"), "c")
	km := m.Map()
	if km.Len() != 2 || km.Get(MustDecimal("2.0")) != "c" || km.Get(MustDecimal("2.00")) != "b" || km.Get(MustDecimal("2")) != nil {
		t.Errorf("map %s", Format(km))
	}
}

// A map with STRING keys hashes them as String.hashCode does, and the ways
// a HashMap is filled place keys differently: a put appends to its bucket
// and grows the table once it passes the threshold; a merge prepends, and
// grows the table only at the next merge (HashMap.merge); putAll into an
// empty map sizes it first (putMapEntries); a remove leaves the others in
// place. The expected texts are what a JDK 17 HashMap filled the same way
// prints.
func TestStringKeyedHashMapFillsAsJava(t *testing.T) {
	fruit := []string{"kiwi", "apple", "fig", "cherry"}
	words := func() (keys, vals []any) {
		for i := range 13 {
			keys, vals = append(keys, "w"+strconv.Itoa(i*7)), append(vals, int32(i))
		}
		return keys, vals
	}
	put := NewHashMap(4)
	merged := NewDefaultHashMap()
	for i, k := range fruit {
		put.Put(k, int32(i+1))
		merged.Merge(k, int32(1))
	}
	put.Remove("apple")
	put.Put("banana", int32(5))
	keys, vals := words()
	merge13, put13, putAll13 := NewDefaultHashMap(), NewDefaultHashMap(), NewDefaultHashMap()
	for i, k := range keys {
		merge13.Merge(k, vals[i])
		put13.Put(k, vals[i])
	}
	putAll13.PutAll(keys, vals)
	for _, c := range []struct {
		name string
		got  *HashMap
		want string
	}{
		{"put, remove, put", put, "{banana=5, cherry=4, kiwi=1, fig=3}"},
		{"merge", merged, "{cherry=1, apple=1, kiwi=1, fig=1}"},
		{"thirteen merges", merge13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w56=8, w0=0, w14=2, w28=4, w49=7}"},
		{"thirteen puts", put13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w0=0, w56=8, w14=2, w28=4, w49=7}"},
		{"putAll of thirteen", putAll13, "{w7=1, w70=10, w84=12, w42=6, w63=9, w77=11, w21=3, w35=5, w0=0, w56=8, w14=2, w28=4, w49=7}"},
	} {
		if got := Format(c.got.Map()); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}
