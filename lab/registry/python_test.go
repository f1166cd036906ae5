package registry

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"github.com/ctalab/ctalab/lab/testtools"
	"net/http"
	"os/exec"
	"testing"
)

// TestConfluentKafkaPythonJSONSerdesRoundTrip runs Debian's
// python3-confluent-kafka JSONSerializer (with python3-jsonschema) against
// the registry: it registers its schema as a JSON schema under
// <topic>-value, writes magic byte 0, the id and the JSON, and its
// deserializer reads the record back.
func TestConfluentKafkaPythonJSONSerdesRoundTrip(t *testing.T) {
	got, l := runSerdeScript(t, "confluent_kafka.schema_registry.json_schema", "python3-confluent-kafka, python3-jsonschema", "json_serde.py")
	if got.SchemaType != "JSON" || got.SchemaID != 1 {
		t.Fatalf("registered %+v", got)
	}
	wire, err := hex.DecodeString(got.Wire)
	if err != nil || len(wire) < 5 || wire[0] != 0 || binary.BigEndian.Uint32(wire[1:5]) != 1 {
		t.Fatalf("wire %s", got.Wire)
	}
	var rec map[string]any
	if err := json.Unmarshal(wire[5:], &rec); err != nil || rec["run"] != float64(801) || got.Back["line"] != "red" {
		t.Fatalf("record %s / %v", wire[5:], got.Back)
	}
	// The registry stores the schema in its compact form, with the type.
	var v schemaEntity
	l.call(http.MethodGet, "/subjects/trains-value/versions/1", nil, &v)
	want := `{"$schema":"http://json-schema.org/draft-07/schema#","title":"Train","type":"object","properties":{"run":{"type":"integer"},"line":{"type":"string"}},"required":["run"]}`
	if v.SchemaType != "JSON" || v.Schema != want || got.Schema != want {
		t.Fatalf("stored %+v, client saw %s", v, got.Schema)
	}
}

// TestConfluentKafkaPythonProtobufSerializerRegistersADescriptor runs
// python3-confluent-kafka's ProtobufSerializer (with python3-protobuf): it
// registers its schema as a base64 FileDescriptorProto, which the registry
// stores as CP 7.9 writes a descriptor's text (ProtobufSchema.toProtoFile:
// fully qualified names, every json_name), and writes magic byte 0, the
// id, the message index 0 and the message.
func TestConfluentKafkaPythonProtobufSerializerRegistersADescriptor(t *testing.T) {
	got, _ := runSerdeScript(t, "confluent_kafka.schema_registry.protobuf", "python3-confluent-kafka, python3-protobuf", "protobuf_serde.py")
	want := "syntax = \"proto3\";\npackage cta;\n\nmessage Train {\n  string run = 1 [json_name = \"run\"];\n  int32 next_station = 2 [json_name = \"nextStation\"];\n}\n"
	if got.SchemaType != "PROTOBUF" || got.SchemaID != 1 || got.Schema != want {
		t.Fatalf("registered %+v\nwant schema %q", got, want)
	}
	// 0, id 1, message index [0] as the single byte 0, then
	// field 1 "801" (0a 03 38 30 31) and field 2 40380 (10 bc bb 02).
	if wantWire := "0000000001" + "00" + "0a03383031" + "10bcbb02"; got.Wire != wantWire {
		t.Fatalf("wire %s, want %s", got.Wire, wantWire)
	}
	if got.Back["run"] != "801" || got.Back["next_station"] != float64(40380) {
		t.Fatalf("read back %v", got.Back)
	}
}

// serdeResult is what the serde scripts print: the wire bytes, the record
// read back and the schema the registry holds for it.
type serdeResult struct {
	Wire       string         `json:"wire"`
	Back       map[string]any `json:"back"`
	SchemaID   int            `json:"schema_id"`
	SchemaType string         `json:"schema_type"`
	Schema     string         `json:"schema"`
}

// runSerdeScript runs a python3-confluent-kafka serde script from
// testdata/python against a fresh registry, returned with what the script
// printed (skipped without
// /usr/bin/python3; an error naming pkgs when module cannot be imported).
func runSerdeScript(t *testing.T, module, pkgs, script string) (serdeResult, *lab) {
	t.Helper()
	python := testtools.Python(t, module)
	l := startLab(t, t.TempDir())
	out, err := exec.Command(python, "testdata/python/"+script, l.srv.URL, "trains").Output()
	if err != nil {
		var stderr string
		if ee := (*exec.ExitError)(nil); errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\n%s", script, err, stderr)
	}
	var got serdeResult
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("output %q: %v", out, err)
	}
	return got, l
}
