package registry

import (
	"encoding/base64"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// JSON Schema and Protobuf schemas, as CP 7.9's json-schema-provider and
// protobuf-provider handle them (schema-registry tag v7.9.9:
// json-schema-provider/.../json/JsonSchema.java, json/diff/*.java,
// protobuf-provider/.../protobuf/ProtobufSchema.java,
// ProtobufSchemaUtils.java, protobuf/diff/*.java;
// https://docs.confluent.io/platform/7.9/schema-registry/fundamentals/serdes-develop/index.html).

func (l *lab) registerTyped(subject, typ, schema string, refs []reference, query string) (int, []byte) {
	l.t.Helper()
	body := map[string]any{"schema": schema, "schemaType": typ}
	if refs != nil {
		body["references"] = refs
	}
	return l.call(http.MethodPost, "/subjects/"+subject+"/versions"+query, body, nil)
}

func (l *lab) mustRegisterTyped(subject, typ, schema string, refs []reference) {
	l.t.Helper()
	if status, raw := l.registerTyped(subject, typ, schema, refs, ""); status != http.StatusOK {
		l.t.Fatalf("register %s %s: %d %s", typ, subject, status, raw)
	}
}

func TestSchemaTypesListsJSONProtobufAndAvro(t *testing.T) {
	l := startLab(t, t.TempDir())
	var got []string
	l.call(http.MethodGet, "/schemas/types", nil, &got)
	if want := []string{"JSON", "PROTOBUF", "AVRO"}; !reflect.DeepEqual(got, want) {
		t.Errorf("types = %v, want %v", got, want)
	}
}

// JsonSchema.canonicalString: Jackson's compact form, member order kept,
// non-integers as exact BigDecimals (USE_BIG_DECIMAL_FOR_FLOATS).
func TestJSONSchemaIsStoredInJacksonCompactFormWithItsType(t *testing.T) {
	l := startLab(t, t.TempDir())
	schema := "{ \"type\": \"object\",\n \"properties\": { \"f1\": { \"type\": \"string\" },\n \"n\": { \"type\": \"number\", \"maximum\": 1e2, \"minimum\": 1.50 } } }"
	l.mustRegisterTyped("js-value", "JSON", schema, nil)
	want := `{"type":"object","properties":{"f1":{"type":"string"},"n":{"type":"number","maximum":1E+2,"minimum":1.50}}}`
	_, raw := l.call(http.MethodGet, "/subjects/js-value/versions/1", nil, nil)
	wantBody := `{"subject":"js-value","version":1,"id":1,"schemaType":"JSON","schema":` + quoteJSON(want) + `}`
	if string(raw) != wantBody {
		t.Errorf("version = %s\nwant      %s", raw, wantBody)
	}
	_, raw = l.call(http.MethodGet, "/schemas/ids/1", nil, nil)
	if wantID := `{"schemaType":"JSON","schema":` + quoteJSON(want) + `}`; string(raw) != wantID {
		t.Errorf("by id = %s, want %s", raw, wantID)
	}
	// Lookup finds it from a differently spaced text of the same schema.
	var found schemaEntity
	if status, raw := l.call(http.MethodPost, "/subjects/js-value", map[string]string{"schema": want, "schemaType": "JSON"}, &found); status != http.StatusOK || found.ID != 1 || found.SchemaType != "JSON" {
		t.Errorf("lookup = %d %s", status, raw)
	}
	// Without schemaType the same text is an Avro schema, and not found
	// (or invalid).
	if status, _ := l.call(http.MethodPost, "/subjects/js-value", map[string]string{"schema": want}, nil); status == http.StatusOK {
		t.Errorf("lookup without schemaType found the JSON schema")
	}
}

func quoteJSON(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		if r == '"' || r == '\\' {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	b.WriteByte('"')
	return b.String()
}

// JsonSchema.normalize: members sorted by key (SortingNodeFactory).
func TestJSONSchemaNormalizeSortsMembers(t *testing.T) {
	l := startLab(t, t.TempDir())
	if status, raw := l.registerTyped("jn", "JSON", `{"type":"object","properties":{"b":{"type":"string"},"a":{"type":"integer"}}}`, nil, "?normalize=true"); status != http.StatusOK {
		t.Fatalf("register normalize=true: %d %s", status, raw)
	}
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/jn/versions/1", nil, &got)
	if want := `{"properties":{"a":{"type":"integer"},"b":{"type":"string"}},"type":"object"}`; got.Schema != want {
		t.Errorf("normalized = %s, want %s", got.Schema, want)
	}
}

func TestInvalidJSONSchemasAreRefusedWith42201(t *testing.T) {
	l := startLab(t, t.TempDir())
	for _, s := range []string{`not json`, `{"type":"foo"}`, `{"type":"object","properties":5}`, `{"$ref":"missing.json"}`, `[1]`} {
		status, raw := l.registerTyped("bad", "JSON", s, nil, "")
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `"error_code":42201`) || !strings.Contains(string(raw), "of type JSON") {
			t.Errorf("register %s = %d %s, want 422 42201", s, status, raw)
		}
	}
	status, raw := l.registerTyped("bad", "XML", `{}`, nil, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `Invalid schema type XML`) {
		t.Errorf("unknown type = %d %s", status, raw)
	}
}

// The open content model rules of JSON Schema compatibility
// (ObjectSchemaDiff; docs: serdes-develop/serdes-json.html#json-schema-compatibility-rules).
func TestJSONSchemaBackwardCompatibilityFollowsContentModels(t *testing.T) {
	l := startLab(t, t.TempDir())
	open := `{"type":"object","properties":{"f1":{"type":"string"}}}`
	l.mustRegisterTyped("open", "JSON", open, nil)
	// Adding a property to an open content model is incompatible.
	status, raw := l.registerTyped("open", "JSON", `{"type":"object","properties":{"f1":{"type":"string"},"f2":{"type":"string"}}}`, nil, "")
	wantMsg := `{errorType:"PROPERTY_ADDED_TO_OPEN_CONTENT_MODEL", description:"The new schema has an open content model and has a property or item at path '#/properties/f2' which is missing in the old schema'}`
	if status != http.StatusConflict || !strings.Contains(string(raw), quoteJSONInner(wantMsg)) {
		t.Errorf("add to open model = %d %s", status, raw)
	}
	// Changing a property's type is incompatible.
	status, raw = l.registerTyped("open", "JSON", `{"type":"object","properties":{"f1":{"type":"integer"}}}`, nil, "")
	wantMsg = `{errorType:"TYPE_CHANGED", description:"A type at path '#/properties/f1' is different between the new schema and the old schema'}`
	if status != http.StatusConflict || !strings.Contains(string(raw), quoteJSONInner(wantMsg)) || !strings.Contains(string(raw), "{oldSchemaVersion: 1}") {
		t.Errorf("type change = %d %s", status, raw)
	}
	// Removing a property from an open content model is compatible.
	l.mustRegisterTyped("open", "JSON", `{"type":"object","properties":{}}`, nil)

	closed := `{"type":"object","properties":{"f1":{"type":"string"}},"additionalProperties":false}`
	l.mustRegisterTyped("closed", "JSON", closed, nil)
	// Adding an optional property to a closed content model is compatible.
	l.mustRegisterTyped("closed", "JSON", `{"type":"object","properties":{"f1":{"type":"string"},"f2":{"type":"string"}},"additionalProperties":false}`, nil)
	// Widening integer to number is compatible; narrowing is not.
	l.mustRegisterTyped("num", "JSON", `{"type":"integer"}`, nil)
	l.mustRegisterTyped("num", "JSON", `{"type":"number"}`, nil)
	if status, raw := l.registerTyped("num", "JSON", `{"type":"integer","title":"n"}`, nil, ""); status != http.StatusConflict || !strings.Contains(string(raw), "TYPE_NARROWED") {
		t.Errorf("narrow number to integer = %d %s", status, raw)
	}
}

func quoteJSONInner(s string) string {
	q := quoteJSON(s)
	return q[1 : len(q)-1]
}

// A $ref to another subject's schema resolves through references by name.
func TestJSONSchemaRefResolvesThroughReferences(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("address", "JSON", `{"type":"object","properties":{"street":{"type":"string"}}}`, nil)
	refs := []reference{{Name: "address.json", Subject: "address", Version: 1}}
	l.mustRegisterTyped("customer", "JSON", `{"type":"object","properties":{"addr":{"$ref":"address.json"}}}`, refs)
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/customer/versions/latest", nil, &got)
	if !reflect.DeepEqual(got.References, refs) {
		t.Errorf("references = %+v", got.References)
	}
	var by []int
	l.call(http.MethodGet, "/subjects/address/versions/1/referencedby", nil, &by)
	if !reflect.DeepEqual(by, []int{got.ID}) {
		t.Errorf("referencedby = %v, want [%d]", by, got.ID)
	}
	// The referenced schema's content takes part in compatibility: a
	// changed type inside it is found through the $ref.
	l.setLevel("address", "NONE")
	l.mustRegisterTyped("address", "JSON", `{"type":"object","properties":{"street":{"type":"integer"}}}`, nil)
	l.setLevel("customer", "BACKWARD")
	status, raw := l.registerTyped("customer", "JSON", `{"type":"object","properties":{"addr":{"$ref":"address.json"}}}`, []reference{{Name: "address.json", Subject: "address", Version: 2}}, "")
	if status != http.StatusConflict || !strings.Contains(string(raw), "#/properties/addr/properties/street") {
		t.Errorf("changed referenced type = %d %s", status, raw)
	}
}

const protoV1 = `syntax = "proto3";
package com.acme;

// A record.
message MyRecord {
  string f1 = 1;
  enum Kind { A = 0; B = 1; }
  Kind kind = 2;
  map<string, int64> counts = 3;
  oneof choice { string a = 4; int32 b = 5; }
}
`

// The canonical form: ProtobufSchemaUtils.toString (comments dropped,
// fields, then oneofs, then nested messages, then nested enums).
const protoV1Canonical = `syntax = "proto3";
package com.acme;

message MyRecord {
  string f1 = 1;
  Kind kind = 2;
  map<string, int64> counts = 3;

  oneof choice {
    string a = 4;
    int32 b = 5;
  }

  enum Kind {
    A = 0;
    B = 1;
  }
}
`

func TestProtobufSchemaIsStoredInCanonicalForm(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("pb-value", "PROTOBUF", protoV1, nil)
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/pb-value/versions/1", nil, &got)
	if got.SchemaType != "PROTOBUF" || got.Schema != protoV1Canonical {
		t.Errorf("stored %s:\n%s\nwant:\n%s", got.SchemaType, got.Schema, protoV1Canonical)
	}
	var byID struct {
		SchemaType string `json:"schemaType"`
		Schema     string `json:"schema"`
	}
	l.call(http.MethodGet, "/schemas/ids/1", nil, &byID)
	if byID.SchemaType != "PROTOBUF" || byID.Schema != protoV1Canonical {
		t.Errorf("by id = %+v", byID)
	}
	// Registering the same schema again, formatted differently, gives the same id.
	if status, raw := l.registerTyped("pb-value", "PROTOBUF", protoV1Canonical, nil, ""); status != http.StatusOK || !strings.Contains(string(raw), `"id":1`) {
		t.Errorf("re-register canonical = %d %s", status, raw)
	}
	var found schemaEntity
	if status, raw := l.call(http.MethodPost, "/subjects/pb-value", map[string]string{"schema": protoV1, "schemaType": "PROTOBUF"}, &found); status != http.StatusOK || found.Version != 1 {
		t.Errorf("lookup = %d %s", status, raw)
	}
}

// format=serialized: the base64 FileDescriptorProto.
func TestProtobufSerializedFormatIsAFileDescriptor(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("pb-value", "PROTOBUF", protoV1, nil)
	var byID struct {
		Schema string `json:"schema"`
	}
	l.call(http.MethodGet, "/schemas/ids/1?format=serialized", nil, &byID)
	b, err := base64.StdEncoding.DecodeString(byID.Schema)
	if err != nil {
		t.Fatalf("serialized schema is not base64: %v (%q)", err, byID.Schema)
	}
	var fd descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(b, &fd); err != nil {
		t.Fatalf("serialized schema is not a FileDescriptorProto: %v", err)
	}
	if fd.GetPackage() != "com.acme" || len(fd.MessageType) != 1 || fd.MessageType[0].GetName() != "MyRecord" || len(fd.MessageType[0].Field) != 5 {
		t.Errorf("descriptor = %v", &fd)
	}
}

func TestInvalidProtobufSchemasAreRefusedWith42201(t *testing.T) {
	l := startLab(t, t.TempDir())
	for _, s := range []string{`syntax = "proto3"; message A { string f = 1`, `syntax = "proto3"; message A { Missing m = 1; }`, `syntax = "proto3"; message A { string f = 1; int32 g = 1; }`} {
		status, raw := l.registerTyped("bad", "PROTOBUF", s, nil, "")
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), `"error_code":42201`) {
			t.Errorf("register %q = %d %s", s, status, raw)
		}
	}
}

// A base64 FileDescriptorProto is taken as CP 7.9 takes it
// (ProtobufSchema.toProtoFile(FileDescriptorProto)): map entries stay
// nested messages marked map_entry and type names stay fully qualified.
// Options outside CP's conversion list are refused, not dropped.
func TestProtobufGivenAsSerializedDescriptor(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("pb-value", "PROTOBUF", protoV1, nil)
	var byID struct {
		Schema string `json:"schema"`
	}
	l.call(http.MethodGet, "/schemas/ids/1?format=serialized", nil, &byID)
	l.mustRegisterTyped("from-descriptor", "PROTOBUF", byID.Schema, nil)
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/from-descriptor/versions/1", nil, &got)
	for _, want := range []string{"syntax = \"proto3\";\npackage com.acme;\n", "  repeated .com.acme.MyRecord.CountsEntry counts = 3 [json_name = \"counts\"];\n",
		"  .com.acme.MyRecord.Kind kind = 2 [json_name = \"kind\"];\n", "    option map_entry = true;\n"} {
		if !strings.Contains(got.Schema, want) {
			t.Errorf("stored text lacks %q:\n%s", want, got.Schema)
		}
	}
	// Registering the same descriptor again finds the same id.
	if status, raw := l.registerTyped("from-descriptor", "PROTOBUF", byID.Schema, nil, ""); status != http.StatusOK || !strings.Contains(string(raw), `"id":2`) {
		t.Errorf("re-register = %d %s", status, raw)
	}

	fdp := &descriptorpb.FileDescriptorProto{Name: proto.String("x.proto"), Syntax: proto.String("proto3"),
		Options:     &descriptorpb.FileOptions{PhpNamespace: proto.String("X")},
		MessageType: []*descriptorpb.DescriptorProto{{Name: proto.String("M")}}}
	b, _ := proto.Marshal(fdp)
	status, raw := l.registerTyped("odd", "PROTOBUF", base64.StdEncoding.EncodeToString(b), nil, "")
	if status != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "php_namespace") {
		t.Errorf("unsupported option = %d %s", status, raw)
	}
}

// An import resolves through the reference named by the import path.
func TestProtobufImportResolvesThroughReferences(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("other", "PROTOBUF", "syntax = \"proto3\";\npackage com.acme;\nmessage Other { string x = 1; }\n", nil)
	refs := []reference{{Name: "other.proto", Subject: "other", Version: 1}}
	schema := "syntax = \"proto3\";\npackage com.acme;\nimport \"other.proto\";\nimport \"google/protobuf/timestamp.proto\";\nmessage Outer { Other o = 1; google.protobuf.Timestamp at = 2; }\n"
	l.mustRegisterTyped("outer", "PROTOBUF", schema, refs)
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/outer/versions/1", nil, &got)
	want := "syntax = \"proto3\";\npackage com.acme;\n\nimport \"other.proto\";\nimport \"google/protobuf/timestamp.proto\";\n\nmessage Outer {\n  Other o = 1;\n  google.protobuf.Timestamp at = 2;\n}\n"
	if got.Schema != want || !reflect.DeepEqual(got.References, refs) {
		t.Errorf("stored %q refs %+v\nwant %q", got.Schema, got.References, want)
	}
	// Without the reference the import does not resolve.
	if status, _ := l.registerTyped("outer2", "PROTOBUF", schema, nil, ""); status != http.StatusUnprocessableEntity {
		t.Errorf("unresolved import = %d, want 422", status)
	}
}

// Protobuf compatibility (protobuf/diff): adding and removing fields is
// compatible, changing a scalar's kind is not.
func TestProtobufBackwardCompatibility(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("pc", "PROTOBUF", "syntax = \"proto3\";\nmessage M { string f1 = 1; int32 f2 = 2; }\n", nil)
	l.mustRegisterTyped("pc", "PROTOBUF", "syntax = \"proto3\";\nmessage M { string f1 = 1; int32 f2 = 2; bytes f3 = 3; }\n", nil)
	l.mustRegisterTyped("pc", "PROTOBUF", "syntax = \"proto3\";\nmessage M { string f1 = 1; bytes f3 = 3; }\n", nil)
	status, raw := l.registerTyped("pc", "PROTOBUF", "syntax = \"proto3\";\nmessage M { int64 f1 = 1; bytes f3 = 3; }\n", nil, "")
	want := `{errorType:\"FIELD_SCALAR_KIND_CHANGED\", description:\"The kind of a SCALAR field at path '#/M/1' in the new schema does not match its kind in the old schema\"}`
	if status != http.StatusConflict || !strings.Contains(string(raw), want) {
		t.Errorf("scalar kind change = %d %s", status, raw)
	}
	// Renaming a message a field uses is incompatible.
	l.mustRegisterTyped("pm", "PROTOBUF", "syntax = \"proto3\";\nmessage M { N n = 1; }\nmessage N { string s = 1; }\n", nil)
	if status, raw := l.registerTyped("pm", "PROTOBUF", "syntax = \"proto3\";\nmessage M { P n = 1; }\nmessage P { string s = 1; }\n", nil, ""); status != http.StatusConflict || !strings.Contains(string(raw), "FIELD_NAMED_TYPE_CHANGED") {
		t.Errorf("named type change = %d %s", status, raw)
	}
}

// A subject's versions must keep one schema type
// (SchemaValidatorBuilder: "Incompatible because of different schema type").
func TestChangingSchemaTypeIsIncompatible(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.register("mixed", `"string"`)
	status, raw := l.registerTyped("mixed", "JSON", `{"type":"string"}`, nil, "")
	if status != http.StatusConflict || !strings.Contains(string(raw), "Incompatible because of different schema type") {
		t.Errorf("avro then json = %d %s", status, raw)
	}
	l.setLevel("mixed", "NONE")
	l.mustRegisterTyped("mixed", "JSON", `{"type":"string"}`, nil)
}

// Non-Avro schemas survive a restart: the _schemas value carries schemaType.
func TestTypedSchemasSurviveRestart(t *testing.T) {
	l := startLab(t, t.TempDir())
	l.mustRegisterTyped("pb-value", "PROTOBUF", protoV1, nil)
	l.mustRegisterTyped("js-value", "JSON", `{"type":"string"}`, nil)
	l = l.restart()
	var got schemaEntity
	l.call(http.MethodGet, "/subjects/pb-value/versions/1", nil, &got)
	if got.SchemaType != "PROTOBUF" || got.Schema != protoV1Canonical {
		t.Errorf("after restart: %+v", got)
	}
	l.call(http.MethodGet, "/subjects/js-value/versions/1", nil, &got)
	if got.SchemaType != "JSON" || got.ID != 2 {
		t.Errorf("after restart: %+v", got)
	}
}
