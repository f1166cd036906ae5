package types

import "testing"

// hashMapText fills new HashMap<>(n) with the pairs and prints it as
// AbstractMap.toString does.
func hashMapText(n int, kv ...any) string {
	m := NewHashMap(n)
	for i := 0; i < len(kv); i += 2 {
		m.Put(kv[i], kv[i+1])
	}
	return Format(m.Map())
}

// A KeyedMap iterates as java.util.HashMap does (javamap), its keys hashed
// as the Java objects ksqlDB holds for them. The expected texts are what a
// JDK 17 HashMap filled the same way prints (java.util.HashMap, and the
// hashCode of Integer, Long, Double, Boolean and BigDecimal).
func TestKeyedMapIteratesAsJavaHashMap(t *testing.T) {
	for _, c := range []struct {
		name string
		got  string
		want string
	}{
		{"integer keys", hashMapText(3, int32(3), "x", int32(2), "y", int32(1), "z"), "{1=z, 2=y, 3=x}"},
		{"double keys", hashMapText(3, 1.5, "a", 0.5, "b", -2.0, "c"), "{1.5=a, 0.5=b, -2.0=c}"},
		{"boolean keys", hashMapText(2, true, "t", false, "f"), "{false=f, true=t}"},
		{"bigint keys", hashMapText(3, int64(10000000000), "a", int64(3), "b", int64(-1), "c"), "{-1=c, 10000000000=a, 3=b}"},
		{"decimal keys", hashMapText(3, MustDecimal("1.50"), "a", MustDecimal("-2.25"), "b", MustDecimal("123456789012345678901234.5"), "c"), "{1.50=a, -2.25=b, 123456789012345678901234.5=c}"},
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

// A map with STRING keys hashes them as String.hashCode does, and its
// puts, removes and merges place keys as HashMap's do. The expected texts
// are what a JDK 17 HashMap filled the same way prints.
func TestStringKeyedHashMapFillsAsJava(t *testing.T) {
	put := NewHashMap(4)
	merged := NewDefaultHashMap()
	for i, k := range []string{"kiwi", "apple", "fig", "cherry"} {
		put.Put(k, int32(i+1))
		merged.Merge(k, int32(1))
	}
	put.Remove("apple")
	put.Put("banana", int32(5))
	if got, want := Format(put.Map()), "{banana=5, cherry=4, kiwi=1, fig=3}"; got != want {
		t.Errorf("put, remove, put: %s, want %s", got, want)
	}
	if got, want := Format(merged.Map()), "{cherry=1, apple=1, kiwi=1, fig=1}"; got != want {
		t.Errorf("merge: %s, want %s", got, want)
	}
}
