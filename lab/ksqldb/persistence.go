package ksqldb

import (
	"strings"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/metastore"
	"github.com/ctalab/ctalab/lab/ksqldb/planner"
	"github.com/ctalab/ctalab/lab/ksqldb/sql"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// The persistence properties a request or SET may give (KsqlConfig).
const (
	propDefaultKeyFormat   = "ksql.persistence.default.format.key"
	propDefaultValueFormat = "ksql.persistence.default.format.value"
	propWrapSingleValues   = "ksql.persistence.wrap.single.values"
	propOutputTopicPrefix  = "ksql.output.topic.name.prefix"
)

// defaultKeyFormat is the key format of a CREATE that names none and the
// key format that replaces an inherited NONE on a sink with key columns:
// ksql.persistence.default.format.key, KAFKA unless set.
func (ec *execCtx) defaultKeyFormat() string {
	return defaultKeyFormatOf(ec.props)
}

// defaultKeyFormatOf is ksql.persistence.default.format.key in props,
// KAFKA unless set.
func defaultKeyFormatOf(props map[string]string) string {
	if f := strings.ToUpper(strings.TrimSpace(props[propDefaultKeyFormat])); f != "" {
		return f
	}
	return formats.Kafka
}

// planOfQuery plans a persistent query as its statement planned it (an
// INSERT INTO ... SELECT with its literals cast to the sink), with
// the default key format of the properties it was created with (a join
// keys its rows in it where its sources' keys are NONE).
func planOfQuery(ms *metastore.Store, qi *metastore.Query, q *sql.Query) (*planner.Plan, error) {
	if sink := ms.Sources[qi.Sink]; qi.Insert && sink != nil {
		insertLiteralCasts(q, sink) // as the INSERT INTO statement was planned (insertcast.go)
	}
	return planner.PlanQuery(qi.PlanStore(ms), q, planner.ModePersistent, qi.Sink, planner.DefaultKeyFormat(defaultKeyFormatOf(qi.Props)))
}

// defaultValueFormat is ksql.persistence.default.format.value, "" when
// unset (a CREATE without VALUE_FORMAT is then refused).
func (ec *execCtx) defaultValueFormat() string {
	return strings.ToUpper(strings.TrimSpace(ec.props[propDefaultValueFormat]))
}

// sinkTopic is the topic of a sink that names none in its WITH clause:
// ksql.output.topic.name.prefix and the sink's name (Analyzer).
func (ec *execCtx) sinkTopic(name string) string {
	return ec.props[propOutputTopicPrefix] + name
}

// valueWrapping is SerdeFeaturesFactory.getValueWrapping: WRAP_SINGLE_VALUE
// when given, refused where the format or the column count does not allow
// it; otherwise, for a single value column, ksql.persistence.wrap.single.values
// when set and the format supports what it asks. unwrap reports a single
// value column written without a wrapper.
func (ec *execCtx) valueWrapping(w withProps, format string, values []types.Column) (feats formats.Features, unwrap bool, err error) {
	if w.wrapSingle != nil {
		unwrap, err := w.unwrapValue(format, values)
		return formats.ValueFeatures(w.wrapSingle), unwrap, err
	}
	v, ok := ec.props[propWrapSingleValues]
	if !ok || len(values) != 1 {
		return nil, false, nil
	}
	var wrap bool
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "true":
		wrap = true
	case "false":
	default: // ConfigDef.parseType for a BOOLEAN
		return nil, false, stmterr.Bad("Invalid value %s for configuration %s: Expected value to be either true or false", v, propWrapSingleValues)
	}
	if !formats.SupportsWrapping(format, wrap) {
		return nil, false, nil
	}
	if format == formats.ProtobufNoSR && !wrap {
		return nil, false, stmterr.Unsupported("'" + propWrapSingleValues + "' set to 'false' with the 'PROTOBUF_NOSR' format")
	}
	return formats.ValueFeatures(&wrap), !wrap, nil
}
