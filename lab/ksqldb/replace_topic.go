package ksqldb

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
)

// What a replaced stream or table must keep besides its schema
// (StructuredDataSource.canUpgradeTo, confluentinc/ksql 7.9.0): its
// KsqlTopic (the topic name, key and value formats with their properties
// and serde features, the key's window) and its TIMESTAMP column. A
// refusal prints each side as ksqlDB's toString methods do.

// ksqlTopic is KsqlTopic.toString of s.
func ksqlTopic(s *metastore.Source) string {
	return fmt.Sprintf("KsqlTopic{kafkaTopicName='%s', keyFormat=KeyFormat{format=%s, features=%s, window=%s}, valueFormat=ValueFormat{format=%s, features=%s}}",
		s.Topic, formatInfo(s.KeyFormat, keyFormatProps(s)), keyFeatures(s), windowString(s.Window),
		formatInfo(s.ValueFormat, schemaIDProps(nil, s.ValueSchemaID)), valueFeatures(s))
}

// formatInfo is FormatInfo.toString; props are in the order
// CreateSourceProperties adds them, printed as an ImmutableMap.
func formatInfo(format string, props [][2]string) string {
	kv := make([]string, len(props))
	for i, p := range props {
		kv[i] = p[0] + "=" + p[1]
	}
	return "FormatInfo{format=" + format + ", properties={" + strings.Join(kv, ", ") + "}}"
}

// keyFormatProps are CreateSourceProperties.getKeyFormatProperties: an
// AVRO key's record is named for the source (AvroFormat.getKeySchemaName).
func keyFormatProps(s *metastore.Source) [][2]string {
	var props [][2]string
	if s.KeyFormat == formats.Avro {
		props = append(props, [2]string{"fullSchemaName", "io.confluent.ksql.avro_schemas." + upperCamel(s.Name) + "Key"})
	}
	return schemaIDProps(props, s.KeySchemaID)
}

func schemaIDProps(props [][2]string, id int) [][2]string {
	if id != 0 {
		props = append(props, [2]string{"schemaId", strconv.Itoa(id)})
	}
	return props
}

// upperCamel is Guava's UPPER_UNDERSCORE to UPPER_CAMEL conversion.
func upperCamel(name string) string {
	var b strings.Builder
	for _, word := range strings.Split(name, "_") {
		if word == "" {
			continue
		}
		b.WriteString(strings.ToUpper(word[:1]) + strings.ToLower(word[1:]))
	}
	return b.String()
}

// keyFeatures is SerdeFeaturesFactory.getKeyWrapping: a single key column
// in a format that can both wrap and unwrap it is written UNWRAP_SINGLES.
func keyFeatures(s *metastore.Source) string {
	switch s.KeyFormat {
	case formats.JSON, formats.JSONSR, formats.Avro, formats.ProtobufNoSR:
		if len(s.Schema.Keys()) == 1 {
			return "[UNWRAP_SINGLES]"
		}
	}
	return "[]"
}

// valueFeatures is the explicit WRAP_SINGLE_VALUE of s (ksqlDB's default
// ksql.persistence.wrap.single.values is unset, adding none).
func valueFeatures(s *metastore.Source) string {
	switch {
	case s.UnwrapValue:
		return "[UNWRAP_SINGLES]"
	case s.WrapValue:
		return "[WRAP_SINGLES]"
	}
	return "[]"
}

// windowString is Optional<WindowInfo>.toString; a declared window has no
// emit strategy.
func windowString(w *metastore.WindowInfo) string {
	if w == nil {
		return "Optional.empty"
	}
	size := "Optional.empty"
	if w.Size != 0 {
		size = "Optional[" + strconv.FormatInt(w.Size, 10) + "]"
	}
	return "Optional[WindowInfo{type=" + w.Type + ", size=" + size + ", emitStrategy=Optional.empty}]"
}

// timestampColumn is Optional<TimestampColumn>.toString of s: the column
// name always quoted (Name.toString) and its format.
func timestampColumn(s *metastore.Source) string {
	if s.Timestamp == "" {
		return "Optional.empty"
	}
	format := "Optional.empty"
	if s.TimestampFormat != "" {
		format = "Optional[" + s.TimestampFormat + "]"
	}
	return "Optional[TimestampColumn{column=`" + s.Timestamp + "`, format=" + format + "}]"
}

// checkSourceStepUpgrade is StreamSource's (or TableSource's)
// validateUpgrade for a projection that reads another source: the steps
// must agree on the topic, the formats and the TIMESTAMP column, compared
// in that order after the query context (the same for both). The step of
// the old plan is compared with the new one's, except when only the old
// plan has a filter: ExecutionStep.validateUpgrade hands a passive step's
// check to the other plan, so its source is reached from the new side.
func checkSourceStepUpgrade(prev, next *planner.Plan) error {
	this, that := prev.Source, next.Source
	if prev.Where != nil && next.Where == nil {
		this, that = that, this
	}
	step := "StreamSource"
	if this.Table {
		step = "TableSource"
	}
	mismatch := func(property, a, b string) error {
		return stmterr.Bad("Query is not upgradeable. Plan step of type %s must have matching %s. Values differ: %s vs. %s", step, property, a, b)
	}
	if this.Topic != that.Topic {
		return mismatch("topicName", this.Topic, that.Topic)
	}
	if sourceFormats(this) != sourceFormats(that) {
		// Formats has no toString of its own: ksqlDB prints Object's
		return stmterr.Unsupported("CREATE OR REPLACE ... AS SELECT that reads another source in other formats")
	}
	if a, b := timestampColumn(this), timestampColumn(that); a != b {
		return mismatch("timestampColumn", a, b)
	}
	return nil
}

// sourceFormats are the plan's Formats of s: the key and value formats
// with their properties and serde features.
func sourceFormats(s *metastore.Source) string {
	return formatInfo(s.KeyFormat, keyFormatProps(s)) + keyFeatures(s) + formatInfo(s.ValueFormat, schemaIDProps(nil, s.ValueSchemaID)) + valueFeatures(s)
}
