// Package formats reads and writes the key and value columns of a ksqlDB
// stream or table in each serialization format of ksqlDB 0.29: NONE, KAFKA,
// JSON, DELIMITED, AVRO, JSON_SR, PROTOBUF and PROTOBUF_NOSR
// (https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/).
//
// A Serde (serde.go) encodes and decodes the columns of one side of a record
// in one format. The Schema Registry formats go through a Registry
// (registry.go), which registers the schemas ksqlDB registers, under its
// subjects, and reads schemas by id for KEY_SCHEMA_ID and VALUE_SCHEMA_ID
// (schemaid.go, avro_schemaid.go). By format: avro_complex.go reads and
// avro_write.go writes AVRO's ARRAY, MAP and STRUCT (ksqlDB's named nested
// records and Connect MapEntry arrays); jsonsr.go is JSON_SR; protobuf.go
// and protobuf_decimal.go are PROTOBUF (DECIMAL as confluent.type.Decimal,
// DATE and TIME as google.type.Date and TimeOfDay), protobufnosr.go
// PROTOBUF_NOSR; props.go holds the DELIMITED format's KEY_DELIMITER and
// VALUE_DELIMITER; temporal.go the time types in each format; jsontext.go
// and json_complex.go write JSON as ksqlDB's Jackson mapper does (doubles
// as Java prints them). Check refuses a column a format cannot hold with
// ksqlDB's message. A null encoding is null bytes, a null record
// (EncodesNull): a single column written alone (a key, or a value under
// WRAP_SINGLE_VALUE=false) that is null in JSON, JSON_SR and AVRO, as
// ksqlDB's UnwrappedSerializer hands KsqlConnectSerializer the null; the
// KAFKA format's null column; every value of NONE. DELIMITED prints a
// row of null columns as an empty line: empty bytes.
//
// The fuzz test (fuzz_test.go) decodes arbitrary bytes in every format and
// requires an error or a row whose values conform to the columns' types.
package formats
