package registry

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// FuzzJSONSchema checks, for any text the JSON Schema parser accepts, that
// the stored form parses again to itself (a fixed point), that a schema is
// compatible with itself, and that checks end within their step bound.
func FuzzJSONSchema(f *testing.F) {
	for _, s := range []string{
		`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`,
		`{"anyOf":[{"type":"string"},{"type":"null"}]}`,
		`{"definitions":{"n":{"type":"object","properties":{"next":{"$ref":"#/definitions/n"}}}},"$ref":"#/definitions/n"}`,
		`{"type":["integer","string"],"maximum":1e2,"minimum":1.50}`,
		`{"type":"array","items":[{"type":"string"}],"additionalItems":false}`,
		`{"not":{"enum":[1,2]}}`,
		`true`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, canon, err := parseJSONSchema(text, nil, false)
		if err != nil {
			return
		}
		again, canon2, err := parseJSONSchema(canon, nil, false)
		if err != nil {
			t.Fatalf("stored form %s does not parse: %v", canon, err)
		}
		if canon2 != canon {
			t.Fatalf("not a fixed point:\n%s\n%s", canon, canon2)
		}
		msgs, err := jsonBackward(s, again)
		if err == nil && len(msgs) > 0 {
			t.Fatalf("schema incompatible with itself: %v", msgs)
		}
	})
}

// FuzzProtobuf checks, for any text that compiles, that the canonical and
// normalized texts compile to the same canonical text again and that the
// schema is compatible with itself.
func FuzzProtobuf(f *testing.F) {
	for _, s := range []string{protoV1, protoV1Canonical,
		"syntax = \"proto2\";\nmessage M { required int32 a = 1 [default = 3]; optional string s = 2 [default = \"x\"]; extensions 100 to max; }\n",
		"syntax = \"proto3\";\nmessage M { reserved 2, 5 to 9; reserved \"x\"; repeated M ms = 1; map<int32, M> mm = 3; }\nenum E { option allow_alias = true; A = 0; B = 0; }\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		s, err := protoschema.Parse(text, nil)
		if err != nil {
			return
		}
		for _, form := range []string{s.Canonical(), s.Normalized()} {
			again, err := protoschema.Parse(form, nil)
			if err != nil {
				t.Fatalf("formatted text does not compile: %v\n%s\nfrom\n%s", err, form, text)
			}
			if again.Canonical() != form && form == s.Canonical() {
				t.Fatalf("canonical text is not a fixed point:\n%s\n%s", form, again.Canonical())
			}
			if msgs := protoschema.Backward(again, s); len(msgs) > 0 {
				t.Fatalf("schema incompatible with its formatted text: %v", msgs)
			}
		}
	})
}

// A check whose combined types would need more comparisons than
// maxCompatSteps is refused with 42201 instead of holding the registry.
func TestJSONSchemaCheckTooComplexIsRefused(t *testing.T) {
	defer func(n int) { maxCompatSteps = n }(maxCompatSteps)
	maxCompatSteps = 50_000
	l := startLab(t, t.TempDir())
	nested := func(leaf string) string {
		s := leaf
		for level := 0; level < 4; level++ {
			var subs []string
			for i := 0; i < 5; i++ {
				subs = append(subs, fmt.Sprintf(`{"title":"t%d","anyOf":[%s]}`, i, s))
			}
			s = `{"anyOf":[` + strings.Join(subs, ",") + `]}`
		}
		return s
	}
	l.mustRegisterTyped("deep", "JSON", nested(`{"type":"string"}`), nil)
	status, raw := l.registerTyped("deep", "JSON", nested(`{"type":"integer"}`), nil, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "too complex") {
		t.Fatalf("too complex check = %d %.300s", status, raw)
	}
	// A schema with more objects than the registry compiles is refused
	// before compiling.
	var props []string
	for i := 0; i <= maxJSONSchemaObjects; i++ {
		props = append(props, fmt.Sprintf(`"p%d":{}`, i))
	}
	status, raw = l.registerTyped("huge", "JSON", `{"type":"object","properties":{`+strings.Join(props, ",")+`}}`, nil, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "more than the 20000") {
		t.Fatalf("huge schema = %d %.300s", status, raw)
	}
}
