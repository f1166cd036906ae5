package formats

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

// parseTemporalJSON reads a time or BYTES column from a JSON number or
// string as KsqlJsonDeserializer does (JsonSerdeUtils.toTimestamp, toDate,
// toTime: a number, or a string holding one; BYTES: base64 text).
func parseTemporalJSON(text string, isString bool, t types.Type) (any, error) {
	if t.Kind() == types.KindBytes {
		if !isString {
			return nil, fmt.Errorf("Can't convert type. sourceType: NumericNode, requiredType: BYTES")
		}
		b, err := base64.StdEncoding.DecodeString(text)
		if err != nil {
			return nil, fmt.Errorf("Value is not a valid Base64 encoded string: %s", text)
		}
		return b, nil
	}
	n, err := strconv.ParseInt(text, 10, 64)
	if err != nil {
		if f, ferr := strconv.ParseFloat(text, 64); ferr == nil && !isString {
			n = int64(f) // JsonNode.asLong truncates
		} else {
			return nil, fmt.Errorf("Cannot coerce string to type %s", strings.ToUpper(t.String()))
		}
	}
	switch t.Kind() {
	case types.KindTimestamp:
		return types.TimestampVal(n), nil
	case types.KindDate:
		return types.DateVal(int32(n)), nil
	case types.KindTime:
		if n < 0 || n >= types.MsPerDay {
			return nil, fmt.Errorf("Time values must use number of milliseconds greater than 0 and less than 86400000.")
		}
		return types.TimeVal(int32(n)), nil
	}
	return nil, fmt.Errorf("Can't convert type. requiredType: %s", t)
}

// jsonWireValue is v as ksqlDB's JSON serializer (JsonConverter) writes
// it: a TIMESTAMP as epoch milliseconds, a DATE as epoch days, a TIME as
// milliseconds of the day; BYTES, like the REST API, as base64 text.
func jsonWireValue(v any) any {
	if !types.HasTemporal(v) {
		return v
	}
	switch x := v.(type) {
	case types.TimestampVal:
		return int64(x)
	case types.DateVal:
		return int32(x)
	case types.TimeVal:
		return int32(x)
	case types.Decimal:
		return types.JSONDecimal(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = jsonWireValue(e)
		}
		return out
	case *types.KeyedMap:
		return x.MapVals(jsonWireValue)
	case *types.StructVal:
		vals := make([]any, len(x.Vals))
		for i, e := range x.Vals {
			vals[i] = jsonWireValue(e)
		}
		return &types.StructVal{Type: x.Type, Vals: vals}
	}
	return v
}

// avroTemporal reads an Avro value into a time or BYTES column as
// AvroData.toConnectData and ConnectDataTranslator do: goavro gives
// timestamp-millis and date as time.Time, time-millis as time.Duration;
// a plain long or int reads as the epoch value it holds.
func avroTemporal(v any, t types.Type) (any, error) {
	switch t.Kind() {
	case types.KindTimestamp:
		switch x := v.(type) {
		case time.Time:
			return types.TimestampVal(x.UnixMilli()), nil
		case int64:
			return types.TimestampVal(x), nil
		case int32:
			return types.TimestampVal(x), nil
		}
	case types.KindDate:
		switch x := v.(type) {
		case time.Time:
			return types.DateVal(types.FloorDiv(x.Unix(), 86400)), nil
		case int32:
			return types.DateVal(x), nil
		}
	case types.KindTime:
		var ms int64
		switch x := v.(type) {
		case time.Duration:
			ms = x.Milliseconds()
		case int32:
			ms = int64(x)
		default:
			return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
		}
		// Connect's Time.toLogical, which AvroData calls, refuses a time
		// of day below 0 or above 86400000 ms; this server also refuses
		// 86400000 itself, which no TIME column holds (midnight is 0).
		if ms < 0 || ms >= types.MsPerDay {
			return nil, errors.New("Time values must use number of milliseconds greater than 0 and less than 86400000")
		}
		return types.TimeVal(ms), nil
	case types.KindBytes:
		if x, ok := v.([]byte); ok {
			return bytes.Clone(x), nil
		}
	}
	return nil, fmt.Errorf("cannot resolve avro %T into %s", v, t)
}

// avroLogicalColumnType is the column type AvroData.toConnectSchema and
// ConnectKsqlSchemaTranslator give an Avro logical type.
func avroLogicalColumnType(logical, base any) (types.Type, error) {
	switch {
	case logical == "timestamp-millis" && base == "long":
		return types.Timestamp, nil
	case logical == "date" && base == "int":
		return types.Date, nil
	case logical == "time-millis" && base == "int":
		return types.Time, nil
	}
	return types.Null, stmterr.Unsupported(fmt.Sprintf("inferring a column from Avro logical type %v", logical))
}

// avroColumnSchema is the Avro schema AvroData.fromConnectSchema (with
// connect.meta.data, as KsqlAvroSerdeFactory sets it) writes for a
// primitive or time column: the time types carry their Connect version and
// name, then the logical type (confluentinc/schema-registry v7.9.9
// avro-data/.../AvroData.java).
func avroColumnSchema(t types.Type) any {
	switch t.Kind() {
	case types.KindTimestamp:
		return json.RawMessage(`{"type":"long","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Timestamp","logicalType":"timestamp-millis"}`)
	case types.KindDate:
		return json.RawMessage(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Date","logicalType":"date"}`)
	case types.KindTime:
		return json.RawMessage(`{"type":"int","connect.version":1,"connect.name":"org.apache.kafka.connect.data.Time","logicalType":"time-millis"}`)
	case types.KindDecimal:
		// fromConnectSchema: scale and precision, then the Connect
		// version, parameters (DecimalUtil.builder: scale and
		// connect.decimal.precision) and name, then the logical type
		return json.RawMessage(fmt.Sprintf(`{"type":"bytes","scale":%[2]d,"precision":%[1]d,"connect.version":1,`+
			`"connect.parameters":{"scale":"%[2]d","connect.decimal.precision":"%[1]d"},`+
			`"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}`, t.Precision, t.Scale))
	}
	return avroUnionBranch(t)
}

// avroUnionBranch is goavro's name for the union branch of a column type.
func avroUnionBranch(t types.Type) string {
	switch t.Kind() {
	case types.KindTimestamp:
		return "long.timestamp-millis"
	case types.KindDate:
		return "int.date"
	case types.KindTime:
		return "int.time-millis"
	case types.KindBytes:
		return "bytes"
	case types.KindDecimal:
		return "bytes.decimal"
	}
	return avroPrimitive[t]
}

// avroNative is a column value as goavro takes it.
func avroNative(v any) any {
	switch x := v.(type) {
	case types.TimestampVal:
		return time.UnixMilli(int64(x)).UTC()
	case types.DateVal:
		return time.Unix(int64(x)*86400, 0).UTC()
	case types.TimeVal:
		return time.Duration(x) * time.Millisecond
	case types.Decimal:
		return x.Rat()
	}
	return v
}
