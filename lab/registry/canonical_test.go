package registry

import (
	"errors"
	"strings"
	"testing"
)

func mustCanonical(t *testing.T, text string) string {
	t.Helper()
	s, err := parseAvro(text, nil)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return canonicalString(s, nil)
}

func TestCanonicalString(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"primitive object collapses", `{"type": "string"}`, `"string"`},
		{"primitive name", ` "long" `, `"long"`},
		{"primitive with property kept", `{"avro.java.string":"String","type":"string"}`, `{"type":"string","avro.java.string":"String"}`},
		{"logical type kept", `{"type":"int","logicalType":"date"}`, `{"type":"int","logicalType":"date"}`},
		{"record attribute order and whitespace",
			`{ "fields": [ {"type": "int", "name": "a"} ], "namespace": "ns", "name": "R", "doc": "d", "type": "record" }`,
			`{"type":"record","name":"R","namespace":"ns","doc":"d","fields":[{"name":"a","type":"int"}]}`},
		{"dotted name carries namespace", `{"type":"record","name":"a.b.R","fields":[]}`,
			`{"type":"record","name":"R","namespace":"a.b","fields":[]}`},
		{"field attribute order",
			`{"type":"record","name":"R","fields":[{"x-prop":1,"aliases":["old"],"order":"descending","default":3,"doc":"fd","type":"int","name":"a"}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":"int","doc":"fd","default":3,"order":"descending","aliases":["old"],"x-prop":1}]}`},
		{"ascending order dropped", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"ascending"}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":"int"}]}`},
		{"nested record inherits namespace",
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","fields":[]}}]}`,
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","fields":[]}}]}`},
		{"nested record in other namespace",
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"other","fields":[]}}]}`,
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"other","fields":[]}}]}`},
		{"nested record in null namespace",
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"","fields":[]}}]}`,
			`{"type":"record","name":"R","namespace":"ns","fields":[{"name":"in","type":{"type":"record","name":"In","namespace":"","fields":[]}}]}`},
		{"second use is a name reference",
			`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"}},{"name":"b","type":"E"}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"enum","name":"E","symbols":["X","Y"],"default":"X"}},{"name":"b","type":"E"}]}`},
		{"recursive record",
			`{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}`,
			`{"type":"record","name":"Node","fields":[{"name":"next","type":["null","Node"],"default":null}]}`},
		{"double defaults as Java prints them",
			`{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1},{"name":"b","type":"float","default":1e3},{"name":"c","type":"double","default":0.00001},{"name":"d","type":"double","default":"NaN"}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":"double","default":1},{"name":"b","type":"float","default":1000.0},{"name":"c","type":"double","default":1.0E-5},{"name":"d","type":"double","default":"NaN"}]}`},
		{"array map fixed",
			`{"type":"record","name":"R","fields":[{"name":"a","type":{"items":"string","type":"array"}},{"name":"m","type":{"values":"long","type":"map"}},{"name":"f","type":{"size":16,"name":"MD5","type":"fixed"}}]}`,
			`{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"array","items":"string"}},{"name":"m","type":{"type":"map","values":"long"}},{"name":"f","type":{"type":"fixed","name":"MD5","size":16}}]}`},
		{"aliases relative to namespace", `{"type":"record","name":"R","namespace":"ns","aliases":["Old","x.Older"],"fields":[]}`,
			`{"type":"record","name":"R","namespace":"ns","fields":[],"aliases":["Old","x.Older"]}`},
		{"string escaping like Jackson", `{"type":"record","name":"R","doc":"a\"b\\c/d\u00e9\n\u0001","fields":[]}`,
			`{"type":"record","name":"R","doc":"a\"b\\c/d` + "\u00e9" + `\n\u0001","fields":[]}`},
		{"union", `["null", {"type":"string"}]`, `["null","string"]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := mustCanonical(t, tc.in); got != tc.want {
				t.Errorf("canonical\n got %s\nwant %s", got, tc.want)
			}
			// The canonical form is a fixed point.
			if again := mustCanonical(t, tc.want); again != tc.want {
				t.Errorf("not a fixed point: %s", again)
			}
		})
	}
}

func TestParseAvroRejects(t *testing.T) {
	for _, tc := range []struct {
		name, in, msg string
	}{
		{"not json", `{"type":`, ""},
		{"trailing content", `"string" x`, ""},
		{"empty", ``, "end-of-input"},
		{"no type", `{"name":"x"}`, "No type"},
		{"unknown type", `{"type":"strin"}`, "Type not supported"},
		{"undefined name", `"Foo"`, "Undefined name"},
		{"field type undefined", `{"type":"record","name":"R","fields":[{"name":"a","type":"Foo"}]}`, "is not a defined name"},
		{"record without fields", `{"type":"record","name":"R"}`, "Record has no fields"},
		{"record without name", `{"type":"record","fields":[]}`, "No name"},
		{"bad name", `{"type":"record","name":"1R","fields":[]}`, "Illegal initial character"},
		{"bad field name", `{"type":"record","name":"R","fields":[{"name":"a-b","type":"int"}]}`, "Illegal character"},
		{"duplicate field", `{"type":"record","name":"R","fields":[{"name":"a","type":"int"},{"name":"a","type":"long"}]}`, "Duplicate field"},
		{"redefined name", `{"type":"record","name":"R","fields":[{"name":"a","type":{"type":"fixed","name":"R","size":1}}]}`, "Can't redefine"},
		{"bad int default", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":"x"}]}`, "Invalid default for field a"},
		{"int default too big", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":3000000000}]}`, "Invalid default"},
		{"union default not first branch", `{"type":"record","name":"R","fields":[{"name":"a","type":["null","string"],"default":"x"}]}`, "Invalid default"},
		{"duplicate enum symbol", `{"type":"enum","name":"E","symbols":["A","A"]}`, "Duplicate enum symbol"},
		{"enum default not a symbol", `{"type":"enum","name":"E","symbols":["A"],"default":"B"}`, "Enum Default"},
		{"enum without symbols", `{"type":"enum","name":"E"}`, "Enum has no symbols"},
		{"fixed without size", `{"type":"fixed","name":"F"}`, "Invalid or no size"},
		{"array without items", `{"type":"array"}`, "Array has no items"},
		{"map without values", `{"type":"map"}`, "Map has no values"},
		{"nested union", `["null",["int"]]`, "Nested union"},
		{"duplicate union branch", `["int","int"]`, "Duplicate in union"},
		{"number schema", `3`, "Schema not yet supported"},
		{"bad order", `{"type":"record","name":"R","fields":[{"name":"a","type":"int","order":"up"}]}`, "Order"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAvro(tc.in, nil)
			if err == nil {
				t.Fatalf("parse %q: want an error", tc.in)
			}
			var pe *schemaParseError
			if !errors.As(err, &pe) {
				t.Fatalf("error %v is not a schemaParseError", err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not mention %q", err, tc.msg)
			}
		})
	}
}

func TestJavaDouble(t *testing.T) {
	for in, want := range map[float64]string{
		1: "1.0", 0.5: "0.5", 1e7: "1.0E7", 9999999: "9999999.0", 0.001: "0.001", 0.0001: "1.0E-4",
		123456789: "1.23456789E8", -2.5: "-2.5", 1.5e-10: "1.5E-10", 100: "100.0",
	} {
		if got := javaDouble(in); got != want {
			t.Errorf("javaDouble(%v) = %s, want %s", in, got, want)
		}
	}
}
