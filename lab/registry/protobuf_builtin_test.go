package registry

import (
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/descriptorpb"
)

// The registry resolves the files it knows itself without a reference:
// ProtobufSchema.KNOWN_DEPENDENCIES (schema-registry v7.9.9
// protobuf-provider/.../protobuf/ProtobufSchema.java) holds, besides the
// google/protobuf files, google/type/date.proto, google/type/timeofday.proto
// and confluent/type/decimal.proto, the files ksqlDB's PROTOBUF schemas
// import for DATE, TIME and DECIMAL columns. A schema importing them
// registers, is found again by lookup under the same id, and its
// serialized form names them as dependencies.
func TestProtobufBuiltInTypeFilesResolveWithoutReferences(t *testing.T) {
	l := startLab(t, t.TempDir())
	schema := "syntax = \"proto3\";\n\nimport \"confluent/type/decimal.proto\";\nimport \"google/type/date.proto\";\nimport \"google/type/timeofday.proto\";\n\n" +
		"message ConnectDefault1 {\n  confluent.type.Decimal FARE = 1;\n  google.type.Date DAY = 2;\n  google.type.TimeOfDay AT = 3;\n}\n"
	status, raw := l.registerTyped("fares-value", "PROTOBUF", schema, nil, "")
	if status != http.StatusOK || !strings.Contains(string(raw), `"id":1`) {
		t.Fatalf("register = %d %s", status, raw)
	}
	var found struct {
		ID      int `json:"id"`
		Version int `json:"version"`
	}
	if status, raw := l.call(http.MethodPost, "/subjects/fares-value", map[string]any{"schema": schema, "schemaType": "PROTOBUF"}, &found); status != http.StatusOK || found.ID != 1 || found.Version != 1 {
		t.Fatalf("lookup = %d %s", status, raw)
	}
	var byID struct {
		Schema string `json:"schema"`
	}
	l.call(http.MethodGet, "/schemas/ids/1?format=serialized", nil, &byID)
	b, err := base64.StdEncoding.DecodeString(byID.Schema)
	if err != nil {
		t.Fatalf("serialized schema is not base64: %v", err)
	}
	var fd descriptorpb.FileDescriptorProto
	if err := proto.Unmarshal(b, &fd); err != nil {
		t.Fatalf("serialized schema is not a FileDescriptorProto: %v", err)
	}
	deps := strings.Join(fd.Dependency, ",")
	if deps != "confluent/type/decimal.proto,google/type/date.proto,google/type/timeofday.proto" {
		t.Errorf("dependencies %s", deps)
	}
	fields := fd.MessageType[0].Field
	if len(fields) != 3 || fields[0].GetTypeName() != ".confluent.type.Decimal" || fields[1].GetTypeName() != ".google.type.Date" || fields[2].GetTypeName() != ".google.type.TimeOfDay" {
		t.Errorf("fields %v", fields)
	}
}
