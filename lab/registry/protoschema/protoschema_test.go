package protoschema

import (
	"reflect"
	"strings"
	"testing"
)

// Normalized text: ProtobufSchemaUtils.toNormalizedString (CP 7.9) sorts
// fields and enum constants by number, writes referenced types fully
// qualified with a leading dot (map value types too) and sorts imports.
func TestNormalizedSortsByNumberAndQualifiesTypes(t *testing.T) {
	s, err := Parse(`syntax = "proto3";
package cta;
import "google/protobuf/timestamp.proto";
message Train {
  map<string, Stop> stops = 3;
  google.protobuf.Timestamp at = 2;
  string run = 1;
  message Stop { int32 id = 1; }
  enum Color { option allow_alias = true; NONE = 0; RED = 1; CRIMSON = 1; }
  Color color = 4;
}
`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `syntax = "proto3";
package cta;

import "google/protobuf/timestamp.proto";

message Train {
  string run = 1;
  .google.protobuf.Timestamp at = 2;
  map<string, .cta.Train.Stop> stops = 3;
  .cta.Train.Color color = 4;

  message Stop {
    int32 id = 1;
  }
  enum Color {
    option allow_alias = true;
    NONE = 0;
    CRIMSON = 1;
    RED = 1;
  }
}
`
	if got := s.Normalized(); got != want {
		t.Errorf("normalized:\n%s\nwant:\n%s", got, want)
	}
}

// The message-index path of a nested message is its index at each level
// (KafkaProtobufSerializer's MessageIndexes).
func TestMessageIndexesFollowNesting(t *testing.T) {
	s, err := Parse("syntax = \"proto3\";\nmessage A {}\nmessage B { message C {} message D { message E {} } }\n", nil)
	if err != nil {
		t.Fatal(err)
	}
	e := s.File().Messages().Get(1).Messages().Get(1).Messages().Get(0)
	if got := MessageIndexes(e); !reflect.DeepEqual(got, []int{1, 1, 0}) {
		t.Errorf("indexes of B.D.E = %v, want [1 1 0]", got)
	}
	md, err := s.MessageByIndexes([]int{1, 1, 0})
	if err != nil || md.FullName() != "B.D.E" {
		t.Errorf("message at [1 1 0] = %v, %v", md, err)
	}
	if _, err := s.MessageByIndexes([]int{5}); err == nil {
		t.Errorf("index out of range accepted")
	}
}

// Blocks nested deeper than MaxNesting are refused before compiling.
func TestDeepNestingIsRefused(t *testing.T) {
	text := "syntax = \"proto3\";\n" + strings.Repeat("message M {\n", MaxNesting+1) + strings.Repeat("}\n", MaxNesting+1)
	if _, err := Parse(text, nil); err == nil || !strings.Contains(err.Error(), "nest") {
		t.Fatalf("deep nesting: %v", err)
	}
	ok := "syntax = \"proto3\";\n" + strings.Repeat("message M {\n", 20) + strings.Repeat("}\n", 20)
	if _, err := Parse(ok, nil); err != nil {
		t.Fatalf("20 levels: %v", err)
	}
}

// A DECIMAL column's field carries its precision and scale in the
// (confluent.field_meta) option; the registry takes it without an import of
// confluent/meta.proto (one of ProtobufSchema.KNOWN_DEPENDENCIES) and
// writes the option's message literal as Wire's OptionElement.toSchema
// does, one entry per line. Input: query-validation-tests protobuf.json
// "protobuf inference - partial schema"; expected text: the schema of
// historical_plans/decimal_-_PROTOBUF_in_out (confluentinc/ksql v7.9.0).
func TestConfluentFieldMetaResolvesAndIsWrittenAsWireWritesOptionMaps(t *testing.T) {
	s, err := Parse(`syntax = "proto3"; import "confluent/type/decimal.proto"; message ConnectDefault1 {confluent.type.Decimal DEC = 1 [(confluent.field_meta) = { params: [{ value: "21", key: "precision" }, { value: "19", key: "scale" }]}];}`, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "syntax = \"proto3\";\n\nimport \"confluent/type/decimal.proto\";\n\nmessage ConnectDefault1 {\n  confluent.type.Decimal DEC = 1 [(confluent.field_meta) = {\n    params: [\n      {\n        value: \"21\",\n        key: \"precision\"\n      },\n      {\n        value: \"19\",\n        key: \"scale\"\n      }\n    ]\n  }];\n}\n"
	if got := s.Canonical(); got != want {
		t.Errorf("canonical\n got %q\nwant %q", got, want)
	}
}
