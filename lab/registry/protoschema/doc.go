// Package protoschema parses Protobuf schemas the way CP 7.9's
// protobuf-provider treats them: it compiles a .proto text with the texts
// its imports name (references, plus the files every registry knows: the
// well-known google/protobuf files, google/type/date.proto,
// google/type/timeofday.proto, confluent/type/decimal.proto and
// confluent/meta.proto, whose options a schema may set without importing
// it), writes the canonical text the registry stores
// (ProtobufSchemaUtils.toString: Wire's element model, comments dropped,
// messages before enums), the normalized text (normalize=true), the
// serialized FileDescriptorProto (format=serialized), and finds the
// differences between two versions that decide compatibility
// (protobuf/diff/*.java).
package protoschema
