package main

import (
	"testing"
)

// ParamType hashCodes as the Java classes compute them (List.hashCode of
// the parameter types): the values the HashMap order of UdfIndex follows.
func TestParameterListsHashAsJavaDoes(t *testing.T) {
	vc, in, by := prim("VARCHAR"), prim("INT"), prim("BYTES")
	for _, c := range []struct {
		params []*paramType
		want   int32
	}{
		{[]*paramType{vc, in}, 1151},
		{[]*paramType{vc, in, in}, 35685},
		{[]*paramType{by, in}, 1275},
		{[]*paramType{arrayOf(&paramType{kind: "GENERIC", name: "T"})}, 177}, // "T".hashCode() is 84
		{[]*paramType{arrayOf(prim("DECIMAL"))}, 64},
	} {
		if got := listHash(c.params); got != c.want {
			t.Errorf("%v: %d, want %d", c.params, got, c.want)
		}
	}
}

// A class's annotations, constants and annotated methods are read from
// its source, with the names, types and varargs of the parameters.
func TestReadsAnAnnotatedClass(t *testing.T) {
	c, err := parseClass(`package x;
import a.b.C;
@UdfDescription(name = "f", description = F.DESC + "!", author = "me")
public class F {
  static final String DESC = "does \"f\"";
  private static final Map<String, Integer> M = new HashMap<String, Integer>() {{ put("a", 1); }};
  @Udf(description = "one")
  public <T> List<T> f(@UdfParameter(value = "v", description = "the v") final List<T> in, final int... rest) { return null; }
  private void g() {}
}`)
	if err != nil {
		t.Fatal(err)
	}
	g := &generator{classes: map[string]*class{"F": c}, warn: t.Logf}
	d, err := g.describe(c)
	if err != nil {
		t.Fatal(err)
	}
	if d.name != "f" || d.description != `does "f"!` || d.author != "me" || d.path != "internal" || len(d.variations) != 1 {
		t.Fatalf("%+v", d)
	}
	v := d.variations[0]
	if v.returnType != "ARRAY<T>" || v.description != "one" || len(v.args) != 2 ||
		v.args[0] != (argument{name: "v", typ: "ARRAY<T>", description: "the v"}) ||
		v.args[1] != (argument{name: "rest", typ: "INT", variadic: true}) {
		t.Errorf("%+v", v)
	}
}
