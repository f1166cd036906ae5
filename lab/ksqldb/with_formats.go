package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// checkFormatProperties refuses format properties the key or value format
// does not take, as FormatProperties.validateProperties does (a delimiter
// is DELIMITED's, a full schema name AVRO's here), and a blank
// VALUE_AVRO_SCHEMA_FULL_NAME as KsqlAvroSerdeFactory does.
func checkFormatProperties(w withProps, keyFormat, valueFormat string) error {
	if w.keyDelimiter != 0 && keyFormat != formats.Delimited && keyFormat != formats.None {
		return stmterr.Bad("%s does not support the following configs: [delimiter]", keyFormat)
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
	return nil
}
