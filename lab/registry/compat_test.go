package registry

import (
	"strings"
	"testing"
)

func mustParse(t *testing.T, text string) *avroSchema {
	t.Helper()
	s, err := parseAvro(text, nil)
	if err != nil {
		t.Fatalf("parse %s: %v", text, err)
	}
	return s
}

func rec(fields string) string {
	return `{"type":"record","name":"R","namespace":"ns","fields":[` + fields + `]}`
}

// TestCanRead covers Avro's schema-resolution rules one by one: can a reader
// schema read data written with a writer schema?
func TestCanRead(t *testing.T) {
	for _, tc := range []struct {
		name           string
		reader, writer string
		wantType       string // "" when compatible
		wantPath       string
	}{
		{"same primitive", `"int"`, `"int"`, "", ""},
		{"int to long promotion", `"long"`, `"int"`, "", ""},
		{"long to int narrowing", `"int"`, `"long"`, "TYPE_MISMATCH", "/"},
		{"int to float", `"float"`, `"int"`, "", ""},
		{"long to float", `"float"`, `"long"`, "", ""},
		{"int to double", `"double"`, `"int"`, "", ""},
		{"long to double", `"double"`, `"long"`, "", ""},
		{"float to double", `"double"`, `"float"`, "", ""},
		{"double to float", `"float"`, `"double"`, "TYPE_MISMATCH", "/"},
		{"string to bytes", `"bytes"`, `"string"`, "", ""},
		{"bytes to string", `"string"`, `"bytes"`, "", ""},
		{"string to int", `"int"`, `"string"`, "TYPE_MISMATCH", "/"},
		{"boolean from null", `"boolean"`, `"null"`, "TYPE_MISMATCH", "/"},

		{"record same", rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"int"}`), "", ""},
		{"reader drops a field", rec(`{"name":"a","type":"int"}`), rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`), "", ""},
		{"reader adds field with default", rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}`), rec(`{"name":"a","type":"int"}`), "", ""},
		{"reader adds field without default", rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`), rec(`{"name":"a","type":"int"}`), "READER_FIELD_MISSING_DEFAULT_VALUE", "/fields/1"},
		{"field matched by reader alias", rec(`{"name":"b","type":"int","aliases":["a"]}`), rec(`{"name":"a","type":"int"}`), "", ""},
		{"field type promoted", rec(`{"name":"a","type":"long"}`), rec(`{"name":"a","type":"int"}`), "", ""},
		{"field type changed", rec(`{"name":"a","type":"string"}`), rec(`{"name":"a","type":"int"}`), "TYPE_MISMATCH", "/fields/0/type"},
		{"record renamed", `{"type":"record","name":"S","fields":[]}`, `{"type":"record","name":"R","fields":[]}`, "NAME_MISMATCH", "/name"},
		{"record renamed with alias", `{"type":"record","name":"S","aliases":["R"],"fields":[]}`, `{"type":"record","name":"R","fields":[]}`, "", ""},
		{"namespace change is fine", `{"type":"record","name":"R","namespace":"a","fields":[]}`, `{"type":"record","name":"R","namespace":"b","fields":[]}`, "", ""},
		{"record vs int", rec(``), `"int"`, "TYPE_MISMATCH", "/"},

		{"enum same", `{"type":"enum","name":"E","symbols":["A","B"]}`, `{"type":"enum","name":"E","symbols":["A","B"]}`, "", ""},
		{"enum reader adds symbol", `{"type":"enum","name":"E","symbols":["A","B","C"]}`, `{"type":"enum","name":"E","symbols":["A","B"]}`, "", ""},
		{"enum writer symbol missing", `{"type":"enum","name":"E","symbols":["A"]}`, `{"type":"enum","name":"E","symbols":["A","C","B"]}`, "MISSING_ENUM_SYMBOLS", "/symbols"},
		{"enum writer symbol missing, reader default", `{"type":"enum","name":"E","symbols":["A","U"],"default":"U"}`, `{"type":"enum","name":"E","symbols":["A","B"]}`, "", ""},
		{"enum renamed", `{"type":"enum","name":"F","symbols":["A"]}`, `{"type":"enum","name":"E","symbols":["A"]}`, "NAME_MISMATCH", "/name"},

		{"array items promoted", `{"type":"array","items":"long"}`, `{"type":"array","items":"int"}`, "", ""},
		{"array items mismatch", `{"type":"array","items":"int"}`, `{"type":"array","items":"string"}`, "TYPE_MISMATCH", "/items"},
		{"map values mismatch", `{"type":"map","values":"int"}`, `{"type":"map","values":"string"}`, "TYPE_MISMATCH", "/values"},
		{"array vs map", `{"type":"array","items":"int"}`, `{"type":"map","values":"int"}`, "TYPE_MISMATCH", "/"},

		{"fixed same", `{"type":"fixed","name":"F","size":4}`, `{"type":"fixed","name":"F","size":4}`, "", ""},
		{"fixed size changed", `{"type":"fixed","name":"F","size":8}`, `{"type":"fixed","name":"F","size":4}`, "FIXED_SIZE_MISMATCH", "/size"},
		{"fixed renamed", `{"type":"fixed","name":"G","size":4}`, `{"type":"fixed","name":"F","size":4}`, "NAME_MISMATCH", "/name"},

		{"union reader has writer type", `["null","string"]`, `"string"`, "", ""},
		{"union reader lacks writer type", `["null","string"]`, `"int"`, "MISSING_UNION_BRANCH", "/"},
		{"union reader promotes writer type", `["null","long"]`, `"int"`, "", ""},
		{"union writer to plain reader ok", `"long"`, `["int","long"]`, "", ""},
		{"union writer to plain reader fails", `"string"`, `["null","string"]`, "TYPE_MISMATCH", "/0"},
		{"union to union superset", `["null","string","int"]`, `["null","string"]`, "", ""},
		{"union to union missing branch", `["null","string"]`, `["null","string","int"]`, "MISSING_UNION_BRANCH", "/2"},
		{"optional field made required", rec(`{"name":"a","type":"string"}`), rec(`{"name":"a","type":["null","string"],"default":null}`), "TYPE_MISMATCH", "/fields/0/type/0"},

		{"recursive record", `{"type":"record","name":"N","fields":[{"name":"v","type":"long"},{"name":"next","type":["null","N"]}]}`,
			`{"type":"record","name":"N","fields":[{"name":"v","type":"int"},{"name":"next","type":["null","N"]}]}`, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			found, err := canRead(mustParse(t, tc.reader), mustParse(t, tc.writer))
			if err != nil {
				t.Fatalf("canRead: %v", err)
			}
			if tc.wantType == "" {
				if len(found) != 0 {
					t.Fatalf("want compatible, got %+v", found)
				}
				return
			}
			if len(found) == 0 {
				t.Fatalf("want %s, got compatible", tc.wantType)
			}
			if found[0].typ != tc.wantType || found[0].path() != tc.wantPath {
				t.Errorf("got %s at %s, want %s at %s", found[0].typ, found[0].path(), tc.wantType, tc.wantPath)
			}
		})
	}
}

func TestDifferenceMessages(t *testing.T) {
	reader := mustParse(t, rec(`{"name":"a","type":"int"},{"name":"custid","type":"string"}`))
	writer := mustParse(t, rec(`{"name":"a","type":"int"}`))
	got, _ := readMessages(reader, writer, "new", "old")
	want := "{errorType:'READER_FIELD_MISSING_DEFAULT_VALUE', description:'The field 'custid' at path '/fields/1' in the new schema has no default value and is missing in the old schema', additionalInfo:'custid'}"
	if len(got) != 1 || got[0] != want {
		t.Errorf("messages\n got %q\nwant %q", got, want)
	}
	got, _ = readMessages(mustParse(t, `"boolean"`), mustParse(t, `"int"`), "new", "old")
	want = "{errorType:'TYPE_MISMATCH', description:'The type (path '/') of a field in the new schema does not match with the old schema', additionalInfo:'reader type: BOOLEAN not compatible with writer type: INT'}"
	if len(got) != 1 || got[0] != want {
		t.Errorf("messages\n got %q\nwant %q", got, want)
	}
}

// TestCheckLevel runs one history through every level. The history is
// v1 {a}, v2 {a, b with default}; candidates differ in which direction and
// how far back they can be read.
func TestCheckLevel(t *testing.T) {
	v1 := rec(`{"name":"a","type":"int"}`)
	v2 := rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"}`)
	history := []previousSchema{
		{version: 1, canonical: v1, schema: mustParse(t, v1)},
		{version: 2, canonical: v2, schema: mustParse(t, v2)},
	}
	candidates := map[string]string{
		// Reads v2 and v1 (b has a default, a stays); both can read it: fully compatible.
		"addDefaulted": rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"},{"name":"c","type":"int","default":0}`),
		// New required field c: cannot read old data; old readers can read it.
		"addRequired": rec(`{"name":"a","type":"int"},{"name":"b","type":"string","default":"x"},{"name":"c","type":"int"}`),
		// Drops a (no default in v1/v2): new reads old fine, old readers miss a.
		"dropA": rec(`{"name":"b","type":"string","default":"x"}`),
		// Drops b: v2 readers have a default for b, v1 never had it; new reads both.
		"dropB": v1,
		// b without default: readable by old readers (v1 ignores, v2 reads b),
		// new cannot read v1 data (no b) but can read v2 data.
		"requireB": rec(`{"name":"a","type":"int"},{"name":"b","type":"string"}`),
		// a becomes string: nothing reads anything.
		"retypeA": rec(`{"name":"a","type":"string"}`),
	}
	want := map[string]map[string]bool{
		levelNone:               {"addDefaulted": true, "addRequired": true, "dropA": true, "dropB": true, "requireB": true, "retypeA": true},
		levelBackward:           {"addDefaulted": true, "addRequired": false, "dropA": true, "dropB": true, "requireB": true, "retypeA": false},
		levelBackwardTransitive: {"addDefaulted": true, "addRequired": false, "dropA": true, "dropB": true, "requireB": false, "retypeA": false},
		levelForward:            {"addDefaulted": true, "addRequired": true, "dropA": false, "dropB": true, "requireB": true, "retypeA": false},
		levelForwardTransitive:  {"addDefaulted": true, "addRequired": true, "dropA": false, "dropB": true, "requireB": true, "retypeA": false},
		levelFull:               {"addDefaulted": true, "addRequired": false, "dropA": false, "dropB": true, "requireB": true, "retypeA": false},
		levelFullTransitive:     {"addDefaulted": true, "addRequired": false, "dropA": false, "dropB": true, "requireB": false, "retypeA": false},
	}
	for level, cases := range want {
		for name, ok := range cases {
			t.Run(level+"/"+name, func(t *testing.T) {
				msgs, _ := checkLevel(level, mustParse(t, candidates[name]), history)
				if got := len(msgs) == 0; got != ok {
					t.Fatalf("compatible = %v, want %v; messages %q", got, ok, msgs)
				}
				if !ok {
					last := msgs[len(msgs)-1]
					if last != "{validateFields: 'false', compatibility: '"+level+"'}" {
						t.Errorf("last message %q", last)
					}
					// Confluent appends the old version after backward findings
					// only; a FULL failure in the forward direction alone has none.
					if !strings.HasPrefix(level, levelFull) && !strings.Contains(strings.Join(msgs, ", "), "{oldSchemaVersion: ") {
						t.Errorf("messages lack the old version: %q", msgs)
					}
				}
			})
		}
	}
}

// TestForwardTransitiveReachesOldVersions shows that FORWARD only looks at
// the latest version while FORWARD_TRANSITIVE looks at all of them.
func TestForwardTransitiveReachesOldVersions(t *testing.T) {
	v1 := rec(`{"name":"a","type":"int"}`)
	v2 := rec(`{"name":"a","type":"int","default":0}`)
	history := []previousSchema{
		{version: 1, canonical: v1, schema: mustParse(t, v1)},
		{version: 2, canonical: v2, schema: mustParse(t, v2)},
	}
	next := mustParse(t, rec(`{"name":"z","type":"int","default":0}`)) // drops a
	if msgs, _ := checkLevel(levelForward, next, history); len(msgs) != 0 {
		t.Errorf("FORWARD: v2 has a default for a, want compatible; got %q", msgs)
	}
	msgs, _ := checkLevel(levelForwardTransitive, next, history)
	if len(msgs) == 0 {
		t.Fatal("FORWARD_TRANSITIVE: v1 requires a, want incompatible")
	}
	if !strings.Contains(strings.Join(msgs, ", "), "{oldSchemaVersion: 1}") {
		t.Errorf("want the failure against version 1: %q", msgs)
	}
	if !strings.Contains(msgs[0], "in the old schema has no default value and is missing in the new schema") {
		t.Errorf("want old/new labels swapped for forward: %q", msgs[0])
	}
}
