package ksqldb

import (
	"encoding/json"
	"errors"

	"github.com/ctalab/ctalab/lab/ksqldb/formats"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/twmb/franz-go/pkg/sr"
)

// unwrappedValueColumn is the value column inferred from a topic's latest
// schema under WRAP_SINGLE_VALUE=false: ConnectFormatSchemaTranslator
// wraps the whole schema, record or not, as the single field ROWVAL
// (SerdeUtils.wrapSingle), its type translated as inference translates
// any schema (field names upper-cased).
func unwrappedValueColumn(topic, format, text string, typ sr.SchemaType) ([]types.Column, error) {
	var t types.Type
	switch format {
	case formats.Avro:
		var sch any
		if err := json.Unmarshal([]byte(text), &sch); err != nil {
			return nil, valueNotCompatible(topic, text, err)
		}
		at, err := formats.AvroColumnType(sch)
		if err != nil {
			return nil, err
		}
		t = at
	case formats.JSONSR:
		if typ != sr.TypeJSON {
			return nil, formats.SchemaTypeMismatch("topic: "+topic, sr.TypeJSON, typ)
		}
		n, err := formats.ParseJSONSRSchema(text)
		if err != nil {
			return nil, valueNotCompatible(topic, text, err)
		}
		if t, err = formats.JSONSRColumnType(n); err != nil {
			return nil, err
		}
	default:
		return nil, stmterr.Unsupported("inferring an unwrapped " + format + " value")
	}
	return []types.Column{{Name: "ROWVAL", Type: t}}, nil
}

// errAnonymousValue is ConnectFormatSchemaTranslator.toColumns' refusal of
// a value schema that is not a record while values are wrapped.
var errAnonymousValue = errors.New("Schema returned from schema registry is anonymous type. To use this schema with ksqlDB, set 'WRAP_SINGLE_VALUE=false' in the WITH clause properties.")

// valueNotCompatible is SchemaRegistryTopicSchemaSupplier.notCompatible
// for a topic's value schema.
func valueNotCompatible(topic, text string, cause error) error {
	return formats.NotCompatible(formats.SchemaSource(topic, 0), false, text, cause)
}

// anonymousJSONSRValue reports a JSON schema whose Connect type is not a
// STRUCT (a primitive, an array, a map).
func anonymousJSONSRValue(text string, typ sr.SchemaType) bool {
	if typ != sr.TypeJSON {
		return false
	}
	n, err := formats.ParseJSONSRSchema(text)
	if err != nil {
		return false
	}
	t, err := formats.JSONSRColumnType(n)
	return err == nil && t.Kind() != types.KindStruct
}
