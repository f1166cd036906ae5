// Package types is the SQL type system of the embedded ksqlDB server and
// the Go values that carry each type.
//
// A Type is interned by its text, so types compare with ==: the primitive
// types (Boolean, Integer, Bigint, Double, String), DECIMAL(p, s), the time
// types (Timestamp, Date, Time), Bytes, and ARRAY, MAP and STRUCT built with
// ArrayOf, MapOf and StructOf. FromSQL turns a parsed type into a Type, or
// refuses what ksqlDB refuses. A Schema is a source's or query's ordered
// columns, key columns first.
//
// Values: BOOLEAN is bool, INTEGER int32, BIGINT int64, DOUBLE float64,
// STRING string, DECIMAL Decimal (a BigDecimal, decimal.go), TIMESTAMP
// TimestampVal, DATE DateVal, TIME TimeVal (temporal.go), BYTES []byte,
// ARRAY []any, MAP *KeyedMap (keyedmap.go) and STRUCT *StructVal
// (values.go); NULL is nil. Format renders a value as ksqlDB's CAST(x AS
// STRING) does.
package types
