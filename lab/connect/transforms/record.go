package transforms

import (
	"fmt"
	"strings"

	"github.com/ctalab/ctalab/internal/javamap"
	"github.com/ctalab/ctalab/lab/connect/data"
)

// Header is one Connect record header.
type Header struct {
	Key    string
	Schema *data.Schema
	Value  any
}

// Record is a ConnectRecord as a source task hands it to the
// transformation chain.
type Record struct {
	Topic       string
	Partition   *int32
	KeySchema   *data.Schema
	Key         any
	ValueSchema *data.Schema
	Value       any
	Timestamp   *int64 // milliseconds since the epoch; nil when unset
	Headers     []Header
	// Source is the SourceRecord part of the record's string form:
	// "sourcePartition={...}, sourceOffset={...}". Empty for other records.
	Source string
}

// clone copies the record; the header slice is copied, values are shared
// (Connect values are treated as immutable).
func (r *Record) clone() *Record {
	c := *r
	c.Headers = append([]Header(nil), r.Headers...)
	return &c
}

// String renders the record after ConnectRecord.toString.
func (r *Record) String() string {
	part := "null"
	if r.Partition != nil {
		part = fmt.Sprint(*r.Partition)
	}
	ts := "null"
	if r.Timestamp != nil {
		ts = fmt.Sprint(*r.Timestamp)
	}
	hs := ""
	if len(r.Headers) > 0 {
		var l []string
		for _, h := range r.Headers {
			l = append(l, "ConnectHeader(key="+h.Key+", value="+javaString(h.Value)+", schema="+schemaString(h.Schema)+")")
		}
		hs = "[" + strings.Join(l, ", ") + "]"
	}
	src := ""
	if r.Source != "" {
		src = "SourceRecord{" + r.Source + "} "
	}
	return fmt.Sprintf("%sConnectRecord{topic='%s', kafkaPartition=%s, key=%s, keySchema=%s, value=%s, valueSchema=%s, timestamp=%s, headers=ConnectHeaders(headers=%s)}",
		src, r.Topic, part, javaString(r.Key), schemaString(r.KeySchema), javaString(r.Value), schemaString(r.ValueSchema), ts, hs)
}

// Java exception classes named in errors.
const (
	DataException   = "org.apache.kafka.connect.errors.DataException"
	ConfigException = "org.apache.kafka.common.config.ConfigException"
	IllegalArgument = "java.lang.IllegalArgumentException"

	SchemaBuilderException = "org.apache.kafka.connect.errors.SchemaBuilderException"
)

// Error is an exception a transformation or predicate throws.
type Error struct {
	Class string // Java exception class
	Msg   string
}

// Error renders the exception as Throwable.toString does.
func (e *Error) Error() string { return e.Class + ": " + e.Msg }

func dataErr(format string, args ...any) error {
	return &Error{Class: DataException, Msg: fmt.Sprintf(format, args...)}
}

func configErr(msg string) error { return &Error{Class: ConfigException, Msg: msg} }

// invalid is ConfigException(name, value, msg)'s message.
func invalid(name string, v any, msg string) string {
	return "Invalid value " + javaString(v) + " for configuration " + name + ": " + msg
}

// Transformation rewrites one record; a nil result drops it.
type Transformation interface {
	Apply(r *Record) (*Record, error)
}

// Predicate decides whether a transformation applies to a record.
type Predicate interface {
	Test(r *Record) bool
}

// Stage is a TransformationStage: a transformation, guarded by an optional
// predicate (negated when Negate is set).
type Stage struct {
	Class     string
	Transform Transformation
	Predicate Predicate
	Negate    bool
}

// Apply runs the stage: the transformation when there is no predicate or
// the predicate's result differs from Negate, the record unchanged
// otherwise.
func (s *Stage) Apply(r *Record) (out *Record, err error) {
	// A record whose shape a transformation does not expect must fail
	// that record, never the worker.
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &Error{Class: "java.lang.RuntimeException", Msg: fmt.Sprint(p)}
		}
	}()
	if s.Predicate != nil && s.Negate == s.Predicate.Test(r) {
		return r, nil
	}
	return s.Transform.Apply(r)
}

// JavaString renders a value as Java's String.valueOf would, which is what
// StringConverter writes.
func JavaString(v any) string { return javaString(v) }

// javaString renders a value as Java's String.valueOf would.
func javaString(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return x
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case float32:
		return data.FormatJavaDouble(float64(x), 32)
	case float64:
		return data.FormatJavaDouble(x, 64)
	case []byte:
		return fmt.Sprintf("[B@%x", javamap.StringHashCode(string(x)))
	case data.Decimal:
		return decimalToString(x)
	case data.Date:
		return javaDateToString(int64(x.Days) * 86400000)
	case data.Time:
		return javaDateToString(int64(x.Millis))
	case data.Timestamp:
		return javaDateToString(x.T.UnixMilli())
	case *data.Struct:
		var parts []string
		for i, f := range x.Schema.Fields {
			if x.Values[i] != nil {
				parts = append(parts, f.Name+"="+javaString(x.Values[i]))
			}
		}
		return "Struct{" + strings.Join(parts, ",") + "}"
	case *data.Map:
		var parts []string
		for _, e := range x.Entries() {
			parts = append(parts, e.Key+"="+javaString(e.Value))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = javaString(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	default:
		return fmt.Sprint(x)
	}
}

// schemaString renders a schema as ConnectSchema.toString does.
func schemaString(s *data.Schema) string {
	if s == nil {
		return "null"
	}
	t := strings.ToUpper(string(s.Type))
	switch s.Type {
	case data.Float32:
		t = "FLOAT32"
	case data.Float64:
		t = "FLOAT64"
	case data.MapType:
		t = "MAP"
	}
	if s.Name != "" {
		return "Schema{" + s.Name + ":" + t + "}"
	}
	return "Schema{" + t + "}"
}

// javaClassName names the Java class that a Go value stands for, as
// Requirements.nullSafeClassName reports it.
func javaClassName(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case int8:
		return "java.lang.Byte"
	case int16:
		return "java.lang.Short"
	case int32:
		return "java.lang.Integer"
	case int64:
		return "java.lang.Long"
	case float32:
		return "java.lang.Float"
	case float64:
		return "java.lang.Double"
	case bool:
		return "java.lang.Boolean"
	case string:
		return "java.lang.String"
	case []byte:
		return "[B"
	case *data.Struct:
		return "org.apache.kafka.connect.data.Struct"
	case *data.Map:
		return "java.util.HashMap"
	case []any:
		return "java.util.ArrayList"
	case data.Decimal:
		return "java.math.BigDecimal"
	case data.Date, data.Time, data.Timestamp:
		return "java.util.Date"
	}
	return fmt.Sprintf("%T", v)
}

// Requirements (org.apache.kafka.connect.transforms.util.Requirements).

func requireMap(v any, purpose string) (*data.Map, error) {
	m, ok := v.(*data.Map)
	if !ok {
		return nil, dataErr("Only Map objects supported in absence of schema for [%s], found: %s", purpose, javaClassName(v))
	}
	return m, nil
}

func requireStruct(v any, purpose string) (*data.Struct, error) {
	s, ok := v.(*data.Struct)
	if !ok {
		return nil, dataErr("Only Struct objects supported for [%s], found: %s", purpose, javaClassName(v))
	}
	return s, nil
}

func requireSchema(s *data.Schema, purpose string) error {
	if s == nil {
		return dataErr("Schema required for [%s]", purpose)
	}
	return nil
}

// copySchemaBasics is SchemaUtil.copySchemaBasics onto a new schema of type t.
func copySchemaBasics(src *data.Schema, t data.Type) *data.Schema {
	return &data.Schema{Type: t, Name: src.Name, Version: src.Version, Doc: src.Doc, Parameters: append([]data.Param(nil), src.Parameters...)}
}

// operand is the record side a $Key or $Value variant works on.
type operand bool

const (
	onKey   operand = true
	onValue operand = false
)

func (o operand) get(r *Record) (*data.Schema, any) {
	if o == onKey {
		return r.KeySchema, r.Key
	}
	return r.ValueSchema, r.Value
}

func (o operand) with(r *Record, s *data.Schema, v any) *Record {
	c := r.clone()
	if o == onKey {
		c.KeySchema, c.Key = s, v
	} else {
		c.ValueSchema, c.Value = s, v
	}
	return c
}

// javaDateToString is java.util.Date.toString in a UTC JVM.
func javaDateToString(ms int64) string {
	return unixMilli(ms).Format("Mon Jan 02 15:04:05 UTC 2006")
}

// JavaClassName is the Java class name a Go record value stands for
// ("java.lang.String", "[B", ...).
func JavaClassName(v any) string { return javaClassName(v) }
