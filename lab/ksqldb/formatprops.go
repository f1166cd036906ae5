package ksqldb

import (
	"strings"
	"unicode/utf8"
)

// parseDelimiter reads a KEY_DELIMITER or VALUE_DELIMITER value as
// ksqlDB's Delimiter.parse does: one (UTF-16) character, or TAB or SPACE;
// blank is refused.
func parseDelimiter(prop, text string) (rune, error) {
	const example = "\nExample valid value: ';'"
	switch r, n := utf8.DecodeRuneInString(text); {
	case strings.TrimSpace(text) == "":
		return 0, badStatement("Failed to prepare statement: Configuration %s is invalid: Delimiter cannot be empty, if you meant to have a tab or space for delimiter, please use the special values 'TAB' or 'SPACE'%s", prop, example)
	case n == len(text) && r != utf8.RuneError && r <= 0xFFFF:
		return r, nil
	case text == "TAB":
		return '\t', nil
	case text == "SPACE":
		return ' ', nil
	}
	return 0, badStatement("Failed to prepare statement: Configuration %s is invalid: Invalid delimiter value: '%s'. Delimiter must be a single character or TAB,SPACE%s", prop, text, example)
}

// checkFormatProperties refuses format properties the key or value format
// does not take, as FormatProperties.validateProperties does (a delimiter
// is DELIMITED's, a full schema name AVRO's here), and a blank
// VALUE_AVRO_SCHEMA_FULL_NAME as KsqlAvroSerdeFactory does.
func checkFormatProperties(w withProps, keyFormat, valueFormat string) error {
	if w.keyDelimiter != 0 && keyFormat != fmtDelimited && keyFormat != fmtNone {
		return badStatement("%s does not support the following configs: [delimiter]", keyFormat)
	}
	var unknown []string
	if w.valueDelimiter != 0 && valueFormat != fmtDelimited {
		unknown = append(unknown, "delimiter")
	}
	if w.avroFullName != nil && valueFormat != fmtAvro {
		if valueFormat == fmtProtobuf || valueFormat == fmtJSONSR || valueFormat == fmtProtobufNoSR {
			return unsupported("VALUE_AVRO_SCHEMA_FULL_NAME with the " + valueFormat + " format")
		}
		unknown = append(unknown, "fullSchemaName")
	}
	if len(unknown) > 0 {
		return badStatement("%s does not support the following configs: [%s]", valueFormat, strings.Join(unknown, ", "))
	}
	if w.avroFullName != nil && *w.avroFullName == "" {
		return badStatement("fullSchemaName cannot be empty. Format configuration: {fullSchemaName=}")
	}
	return nil
}

// inheritDelimiter is a sink's delimiter: the one its WITH clause gives,
// else its source's when both use the same format, as
// Analyzer.buildFormatInfo carries the source's format properties over
// (query-validation-tests/delimited.json "should take source delimiter for
// sink", "multi-column key with different kv delimiters").
func inheritDelimiter(given rune, format, srcFormat string, srcDelimiter rune) rune {
	if given != 0 || format != srcFormat {
		return given
	}
	return srcDelimiter
}
