package connect

import "github.com/ctalab/ctalab/lab/connect/data"

// The worker's record model is package data; these names keep the source
// and converter code short.
type (
	schemaType     = data.Type
	param          = data.Param
	schema         = data.Schema
	field          = data.Field
	structValue    = data.Struct
	decimalValue   = data.Decimal
	dateValue      = data.Date
	timeValue      = data.Time
	timestampValue = data.Timestamp
)

const (
	typeInt8    = data.Int8
	typeInt16   = data.Int16
	typeInt32   = data.Int32
	typeInt64   = data.Int64
	typeFloat32 = data.Float32
	typeFloat64 = data.Float64
	typeBoolean = data.Boolean
	typeString  = data.String
	typeBytes   = data.Bytes
	typeStruct  = data.StructType
)

const (
	logicalDecimal   = data.LogicalDecimal
	logicalDate      = data.LogicalDate
	logicalTime      = data.LogicalTime
	logicalTimestamp = data.LogicalTimestamp
)
