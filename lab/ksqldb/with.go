package ksqldb

import (
	"slices"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// withProps are the WITH (...) properties this server runs.
type withProps struct {
	topic       string
	valueFormat string
	keyFormat   string
	partitions  int
	replicas    int
	wrapSingle  *bool // WRAP_SINGLE_VALUE, nil when not given
	windowType  string
	windowSize  *int64 // WINDOW_SIZE in milliseconds, nil when not given
	timestamp   string // TIMESTAMP: the column records take their time from
	tsFormat    string // TIMESTAMP_FORMAT: how a STRING timestamp column is parsed

	valueSchemaID int // VALUE_SCHEMA_ID, 0 when not given
	keySchemaID   int // KEY_SCHEMA_ID, 0 when not given

	keyDelimiter   rune // KEY_DELIMITER, 0 for the default ','
	valueDelimiter rune // VALUE_DELIMITER, 0 for the default ','

	avroFullName *string // VALUE_AVRO_SCHEMA_FULL_NAME, trimmed; nil when not given
	keyFullName  *string // KEY_SCHEMA_FULL_NAME, trimmed; nil when not given
	valFullName  *string // VALUE_SCHEMA_FULL_NAME, trimmed; nil when not given

	keyProtoNullable   string // KEY_PROTOBUF_NULLABLE_REPRESENTATION: "", OPTIONAL or WRAPPER
	valueProtoNullable string // VALUE_PROTOBUF_NULLABLE_REPRESENTATION: "", OPTIONAL or WRAPPER

	retentionMs *int64 // RETENTION_MS, nil when not given
}

var supportedWith = map[string]bool{
	"KAFKA_TOPIC": true, "VALUE_FORMAT": true, "KEY_FORMAT": true, "FORMAT": true, "PARTITIONS": true, "REPLICAS": true,
	"WRAP_SINGLE_VALUE": true, "WINDOW_TYPE": true, "WINDOW_SIZE": true, "TIMESTAMP": true, "TIMESTAMP_FORMAT": true, "VALUE_SCHEMA_ID": true,
	"KEY_SCHEMA_ID": true, "VALUE_DELIMITER": true, "KEY_DELIMITER": true,
	"VALUE_AVRO_SCHEMA_FULL_NAME": true, "RETENTION_MS": true, "KEY_SCHEMA_FULL_NAME": true, "VALUE_SCHEMA_FULL_NAME": true,
	"KEY_PROTOBUF_NULLABLE_REPRESENTATION": true, "VALUE_PROTOBUF_NULLABLE_REPRESENTATION": true,
}

// knownWith are ksqlDB 0.29 WITH properties this server does not implement.
var knownWith = map[string]bool{
	"CLEANUP_POLICY": true,
}

// unwrapValue validates WRAP_SINGLE_VALUE for a value format and its
// columns as SerdeFeaturesFactory.validateExplicitValueWrapping does, and
// reports whether a single value column is written without a wrapper.
func (w withProps) unwrapValue(format string, values []types.Column) (bool, error) {
	if w.wrapSingle == nil {
		return false, nil
	}
	wrap := *w.wrapSingle
	if format == formats.ProtobufNoSR && !wrap {
		return false, stmterr.Unsupported("'WRAP_SINGLE_VALUE' set to 'false' with the 'PROTOBUF_NOSR' format")
	}
	if !formats.SupportsWrapping(format, wrap) {
		return false, stmterr.Bad("Format '%s' does not support 'WRAP_SINGLE_VALUE' set to '%t'.", format, wrap)
	}
	if len(values) != 1 {
		return false, stmterr.Bad("'WRAP_SINGLE_VALUE' is only valid for single-field value schemas")
	}
	return !wrap, nil
}

// avroName is the name of an AVRO value's record: VALUE_AVRO_SCHEMA_FULL_NAME
// or VALUE_SCHEMA_FULL_NAME, "" when neither is given.
func (w withProps) avroName() string {
	switch {
	case w.avroFullName != nil:
		return *w.avroFullName
	case w.valFullName != nil && w.valueFormat == formats.Avro:
		return *w.valFullName
	}
	return ""
}

// keySchemaName and valueSchemaName are KEY_SCHEMA_FULL_NAME and
// VALUE_SCHEMA_FULL_NAME, "" when not given.
func (w withProps) keySchemaName() string {
	if w.keyFullName == nil {
		return ""
	}
	return *w.keyFullName
}

func (w withProps) valueSchemaName() string {
	if w.valFullName == nil {
		return ""
	}
	return *w.valFullName
}

// wrapsSingle reports WRAP_SINGLE_VALUE=true, which unwrapValue allows
// only on a single value column.
func (w withProps) wrapsSingle() bool {
	return w.wrapSingle != nil && *w.wrapSingle
}

func parseWith(props []sql.Property) (withProps, error) {
	var w withProps
	var invalid []string
	var format string
	seen := map[string]bool{}
	for _, p := range props {
		if !supportedWith[p.Name] && !knownWith[p.Name] {
			invalid = append(invalid, p.Name)
		}
	}
	if len(invalid) > 0 {
		slices.Sort(invalid)
		return w, stmterr.Bad("Failed to prepare statement: Invalid config variable(s) in the WITH clause: %s", strings.Join(invalid, ","))
	}
	for _, p := range props {
		if knownWith[p.Name] {
			return w, stmterr.Unsupported("WITH property " + p.Name)
		}
		if seen[p.Name] {
			return w, stmterr.Bad("Duplicate property names: %s", p.Name)
		}
		seen[p.Name] = true
		lit, _ := p.Value.(*sql.Literal)
		str := ""
		if lit != nil {
			str = lit.Text
		}
		switch p.Name {
		case "KAFKA_TOPIC":
			if lit == nil || lit.Kind != sql.StringLit || str == "" {
				return w, stmterr.Bad("Invalid value %s for property KAFKA_TOPIC", sql.Format(p.Value))
			}
			w.topic = str
		case "VALUE_FORMAT", "KEY_FORMAT", "FORMAT":
			if lit == nil || lit.Kind != sql.StringLit {
				return w, stmterr.Bad("Invalid value %s for property %s", sql.Format(p.Value), p.Name)
			}
			f := strings.ToUpper(str)
			switch p.Name {
			case "VALUE_FORMAT":
				w.valueFormat = f
			case "KEY_FORMAT":
				w.keyFormat = f
			default:
				format = f
			}
		case "WRAP_SINGLE_VALUE":
			var b bool
			switch {
			case lit != nil && lit.Kind == sql.BoolLit:
				b = lit.Bool
			case lit != nil && lit.Kind == sql.StringLit && strings.EqualFold(str, "true"):
				b = true
			case lit != nil && lit.Kind == sql.StringLit && strings.EqualFold(str, "false"):
			default:
				return w, stmterr.Bad("Invalid value %s for property WRAP_SINGLE_VALUE", sql.Format(p.Value))
			}
			w.wrapSingle = &b
		case "TIMESTAMP":
			if lit == nil || lit.Kind != sql.StringLit || str == "" {
				return w, stmterr.Bad("Invalid value %s for property TIMESTAMP", sql.Format(p.Value))
			}
			w.timestamp = timestampColumnName(str)
		case "TIMESTAMP_FORMAT":
			if lit == nil || lit.Kind != sql.StringLit || str == "" {
				return w, stmterr.Bad("Invalid value %s for property TIMESTAMP_FORMAT", sql.Format(p.Value))
			}
			w.tsFormat = str
		case "WINDOW_TYPE", "WINDOW_SIZE":
			if err := w.windowProp(p.Name, lit); err != nil {
				return w, err
			}
		case "VALUE_AVRO_SCHEMA_FULL_NAME":
			name := strings.TrimSpace(str)
			w.avroFullName = &name
		case "KEY_SCHEMA_FULL_NAME":
			name := strings.TrimSpace(str)
			w.keyFullName = &name
		case "VALUE_SCHEMA_FULL_NAME":
			name := strings.TrimSpace(str)
			w.valFullName = &name
		case "KEY_PROTOBUF_NULLABLE_REPRESENTATION", "VALUE_PROTOBUF_NULLABLE_REPRESENTATION":
			rep, err := protobufNullable(p.Name, lit)
			if err != nil {
				return w, err
			}
			if p.Name == "KEY_PROTOBUF_NULLABLE_REPRESENTATION" {
				w.keyProtoNullable = rep
			} else {
				w.valueProtoNullable = rep
			}
		case "VALUE_DELIMITER", "KEY_DELIMITER":
			d, err := formats.ParseDelimiter(p.Name, str)
			if err != nil {
				return w, err
			}
			if p.Name == "KEY_DELIMITER" {
				w.keyDelimiter = d
			} else {
				w.valueDelimiter = d
			}
		case "VALUE_SCHEMA_ID", "KEY_SCHEMA_ID":
			n, err := strconv.Atoi(str)
			if lit == nil || (lit.Kind != sql.IntLit && lit.Kind != sql.StringLit) || err != nil || n < 1 {
				return w, stmterr.Bad("Invalid value %s for property %s", sql.Format(p.Value), p.Name)
			}
			if p.Name == "KEY_SCHEMA_ID" {
				w.keySchemaID = n
			} else {
				w.valueSchemaID = n
			}
		case "PARTITIONS", "REPLICAS":
			n, err := strconv.Atoi(str)
			if lit == nil || (lit.Kind != sql.IntLit && lit.Kind != sql.StringLit) || err != nil || n < 1 {
				return w, stmterr.Bad("Invalid value %s for property %s", sql.Format(p.Value), p.Name)
			}
			if p.Name == "PARTITIONS" {
				w.partitions = n
			} else {
				w.replicas = n
			}
		case "RETENTION_MS":
			n, err := strconv.ParseInt(str, 10, 64)
			if lit == nil || (lit.Kind != sql.IntLit && lit.Kind != sql.StringLit) || err != nil {
				return w, stmterr.Bad("Invalid value %s for property %s", sql.Format(p.Value), p.Name)
			}
			w.retentionMs = &n
		}
	}
	if format != "" {
		if w.keyFormat != "" {
			return w, stmterr.Bad("Cannot supply both 'KEY_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.")
		}
		if w.valueFormat != "" {
			return w, stmterr.Bad("Cannot supply both 'VALUE_FORMAT' and 'FORMAT' properties, as 'FORMAT' sets both key and value formats. Either use just 'FORMAT', or use 'KEY_FORMAT' and 'VALUE_FORMAT'.")
		}
		w.keyFormat, w.valueFormat = format, format
	}
	return w, w.checkWindow()
}
