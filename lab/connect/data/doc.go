// Package data is the worker's form of org.apache.kafka.connect.data: Connect
// schemas (primitives, logical types, structs, arrays and maps), Struct
// values, logical values, and the insertion-ordered Map that stands for a
// schemaless java.util.Map. The JDBC source builds records in this form,
// transformations rewrite them, and the JsonConverter serialises them.
//
// Go values stand for Connect values as follows: int8, int16, int32, int64,
// float32 (FLOAT32), float64 (FLOAT64), bool, string, []byte, *Struct,
// *Map, []any (ARRAY), Decimal, Date, Time and Timestamp; nil is null.
package data
