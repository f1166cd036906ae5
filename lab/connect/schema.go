package connect

import (
	"math/big"
	"time"
)

// schemaType is a Connect schema type as the JsonConverter names it.
type schemaType string

const (
	typeInt8    schemaType = "int8"
	typeInt16   schemaType = "int16"
	typeInt32   schemaType = "int32"
	typeInt64   schemaType = "int64"
	typeFloat32 schemaType = "float"
	typeFloat64 schemaType = "double"
	typeBoolean schemaType = "boolean"
	typeString  schemaType = "string"
	typeBytes   schemaType = "bytes"
	typeStruct  schemaType = "struct"
)

// Logical type names of org.apache.kafka.connect.data.
const (
	logicalDecimal   = "org.apache.kafka.connect.data.Decimal"
	logicalDate      = "org.apache.kafka.connect.data.Date"
	logicalTime      = "org.apache.kafka.connect.data.Time"
	logicalTimestamp = "org.apache.kafka.connect.data.Timestamp"
)

// param is one schema parameter; parameters keep insertion order, as the
// LinkedHashMap of a Connect SchemaBuilder does.
type param struct{ key, value string }

// schema is a Connect schema: a primitive, a logical type or a struct.
type schema struct {
	Type       schemaType
	Optional   bool
	Name       string
	Version    int
	Parameters []param
	Fields     []field
}

// field is one field of a struct schema.
type field struct {
	Name   string
	Schema schema
}

// structValue is a Connect Struct: values in field order, nil for null.
type structValue struct {
	Schema *schema
	Values []any
}

// decimalValue is a Connect Decimal: unscaled * 10^-scale.
type decimalValue struct {
	Unscaled *big.Int
	Scale    int
}

// dateValue is a Connect Date logical value (days since the epoch, UTC).
type dateValue struct{ Days int32 }

// timeValue is a Connect Time logical value (milliseconds of the day).
type timeValue struct{ Millis int32 }

// timestampValue is a Connect Timestamp logical value.
type timestampValue struct{ T time.Time }
