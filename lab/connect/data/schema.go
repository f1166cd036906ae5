package data

import (
	"math/big"
	"time"
)

// Type is a Connect schema type as the JsonConverter names it.
type Type string

// Schema types.
const (
	Int8       Type = "int8"
	Int16      Type = "int16"
	Int32      Type = "int32"
	Int64      Type = "int64"
	Float32    Type = "float"
	Float64    Type = "double"
	Boolean    Type = "boolean"
	String     Type = "string"
	Bytes      Type = "bytes"
	ArrayType  Type = "array"
	MapType    Type = "map"
	StructType Type = "struct"
)

// Logical type names of org.apache.kafka.connect.data.
const (
	LogicalDecimal   = "org.apache.kafka.connect.data.Decimal"
	LogicalDate      = "org.apache.kafka.connect.data.Date"
	LogicalTime      = "org.apache.kafka.connect.data.Time"
	LogicalTimestamp = "org.apache.kafka.connect.data.Timestamp"
)

// Param is one schema parameter; parameters keep insertion order, as the
// LinkedHashMap of a Connect SchemaBuilder does.
type Param struct{ Key, Value string }

// Schema is a Connect schema.
type Schema struct {
	Type        Type
	Optional    bool
	Name        string
	Version     int
	Doc         string
	Parameters  []Param
	Fields      []Field // structs
	KeySchema   *Schema // maps
	ValueSchema *Schema // arrays and maps
}

// Field is one field of a struct schema.
type Field struct {
	Name   string
	Schema Schema
}

// FieldIndex returns the index of the named field, or -1.
func (s *Schema) FieldIndex(name string) int {
	for i := range s.Fields {
		if s.Fields[i].Name == name {
			return i
		}
	}
	return -1
}

// Param returns the value of a schema parameter.
func (s *Schema) Param(key string) (string, bool) {
	for _, p := range s.Parameters {
		if p.Key == key {
			return p.Value, true
		}
	}
	return "", false
}

// Struct is a Connect Struct: values in field order, nil for null.
type Struct struct {
	Schema *Schema
	Values []any
}

// NewStruct returns a Struct of s with every field null.
func NewStruct(s *Schema) *Struct {
	return &Struct{Schema: s, Values: make([]any, len(s.Fields))}
}

// Get returns the value of the named field and whether the field exists.
func (v *Struct) Get(name string) (any, bool) {
	i := v.Schema.FieldIndex(name)
	if i < 0 {
		return nil, false
	}
	return v.Values[i], true
}

// Decimal is a Connect Decimal: Unscaled * 10^-Scale.
type Decimal struct {
	Unscaled *big.Int
	Scale    int
}

// Date is a Connect Date logical value (days since the epoch, UTC).
type Date struct{ Days int32 }

// Time is a Connect Time logical value (milliseconds of the day).
type Time struct{ Millis int32 }

// Timestamp is a Connect Timestamp logical value.
type Timestamp struct{ T time.Time }
