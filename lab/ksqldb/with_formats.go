package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkFormatProperties refuses format properties the key or value format
// does not take, as FormatProperties.validateProperties does (a delimiter
// is DELIMITED's, a full schema name AVRO's here), a blank
// VALUE_AVRO_SCHEMA_FULL_NAME as KsqlAvroSerdeFactory does, and a
// nullable representation for a format that is not PROTOBUF or
// PROTOBUF_NOSR as CreateSourceProperties.handleProtobufNullableProperty
// does.
func checkFormatProperties(w withProps, keyFormat, valueFormat string) error {
	if w.avroFullName != nil && w.valFullName != nil { // CommonCreateConfigs.validate
		return stmterr.Bad("Cannot supply both 'VALUE_AVRO_SCHEMA_FULL_NAME' and 'VALUE_SCHEMA_FULL_NAME' properties. Please only set 'VALUE_SCHEMA_FULL_NAME'.")
	}
	if w.keyDelimiter != 0 && keyFormat != formats.Delimited && keyFormat != formats.None {
		return stmterr.Bad("%s does not support the following configs: [delimiter]", keyFormat)
	}
	if err := checkSchemaFullName("KEY_SCHEMA_FULL_NAME", w.keyFullName, keyFormat); err != nil {
		return err
	}
	if err := checkSchemaFullName("VALUE_SCHEMA_FULL_NAME", w.valFullName, valueFormat); err != nil {
		return err
	}
	var unknown []string
	if w.valueDelimiter != 0 && valueFormat != formats.Delimited {
		unknown = append(unknown, "delimiter")
	}
	if w.avroFullName != nil && valueFormat != formats.Avro {
		if valueFormat == formats.Protobuf || valueFormat == formats.JSONSR || valueFormat == formats.ProtobufNoSR {
			return stmterr.Unsupported("VALUE_AVRO_SCHEMA_FULL_NAME with the " + valueFormat + " format")
		}
		unknown = append(unknown, "fullSchemaName")
	}
	if len(unknown) > 0 {
		return stmterr.Bad("%s does not support the following configs: [%s]", valueFormat, strings.Join(unknown, ", "))
	}
	if w.avroFullName != nil && *w.avroFullName == "" {
		return stmterr.Bad("fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}")
	}
	if w.keyProtoNullable != "" && !isProtobuf(keyFormat) {
		return stmterr.Bad("Property KEY_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format")
	}
	if w.valueProtoNullable != "" && !isProtobuf(valueFormat) {
		return stmterr.Bad("Property VALUE_PROTOBUF_NULLABLE_REPRESENTATION can only be enabled with protobuf format")
	}
	return nil
}

// checkSchemaFullName refuses KEY_SCHEMA_FULL_NAME or VALUE_SCHEMA_FULL_NAME
// (prop; name nil when not given) for a format whose properties have no
// fullSchemaName (FormatProperties.validateProperties: AVRO, JSON_SR and
// PROTOBUF have it), and a blank one as the formats' properties do; this
// server names AVRO records and PROTOBUF messages, and refuses the name
// for JSON_SR as not supported.
func checkSchemaFullName(prop string, name *string, format string) error {
	switch {
	case name == nil:
		return nil
	case format == formats.JSONSR:
		return stmterr.Unsupported(prop + " with the " + format + " format")
	case format != formats.Avro && format != formats.Protobuf:
		return stmterr.Bad("%s does not support the following configs: [fullSchemaName]", format)
	case *name == "":
		return stmterr.Bad("fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}")
	}
	return nil
}

// sinkFullName is the schema full name a sink writes its key or value
// with: the one its WITH clause gives, else, for a PROTOBUF sink of a
// PROTOBUF source, the source's (ProtobufProperties.INHERITABLE_PROPERTIES;
// AVRO's are not inherited).
func sinkFullName(given, format, srcFormat, srcName string) string {
	if given == "" && format == formats.Protobuf && srcFormat == formats.Protobuf {
		return srcName
	}
	return given
}

func isProtobuf(format string) bool {
	return format == formats.Protobuf || format == formats.ProtobufNoSR
}

// protobufNullable reads KEY_PROTOBUF_NULLABLE_REPRESENTATION or
// VALUE_PROTOBUF_NULLABLE_REPRESENTATION. CommonCreateConfigs validates the
// value case-insensitively against ProtobufNullableConfigValues (the
// ConfigException's "configuration" becomes "property" in
// CreateSourceProperties.from), and handleProtobufNullableProperty then
// takes it with the enum's valueOf, which knows the upper-case names only.
func protobufNullable(name string, lit *sql.Literal) (string, error) {
	if lit == nil || lit.Kind != sql.StringLit {
		return "", stmterr.Bad("Invalid value %s for property %s", formatLit(lit), name)
	}
	switch strings.ToUpper(lit.Text) {
	case formats.NullableAsOptional, formats.NullableAsWrapper:
	default:
		return "", stmterr.Bad("Invalid value %s for property %s: String must be one of: OPTIONAL, WRAPPER, null", lit.Text, name)
	}
	if lit.Text != strings.ToUpper(lit.Text) {
		return "", stmterr.Bad("No enum constant io.confluent.ksql.properties.with.CommonCreateConfigs.ProtobufNullableConfigValues.%s", lit.Text)
	}
	return lit.Text, nil
}

// sinkProtoNullable is the nullable representation of a CREATE ... AS
// SELECT sink's key or value: the WITH clause's, else its source's when
// both are PROTOBUF_NOSR. Analyzer.buildFormatInfo inherits a format's
// inheritable properties from a source of the same format; PROTOBUF's are
// its full schema name only (ProtobufProperties.INHERITABLE_PROPERTIES),
// PROTOBUF_NOSR's every property it supports (Format's default).
func sinkProtoNullable(given, format, srcFormat, srcRep string) string {
	if given != "" || format != formats.ProtobufNoSR || srcFormat != format {
		return given
	}
	return srcRep
}
