package main

import (
	"fmt"
	"strings"
)

// paramType is ksqlDB's ParamType (ksqldb-common/.../function/types): the
// type of a function's parameter or return value, with its toString and
// hashCode as the Java classes define them.
type paramType struct {
	kind   string       // a primitive's name (VARCHAR, INT, ...), or ARRAY, MAP, STRUCT, GENERIC, LAMBDA
	name   string       // a generic's name
	elems  []*paramType // ARRAY: element; MAP: key, value; LAMBDA: inputs then return
	fields []structField
}

type structField struct {
	name string
	typ  *paramType
}

// primitiveHash is each primitive ParamType's hashCode (BooleanType 1,
// DecimalType 2, ... AnyType 11; TimeType and IntervalUnitType both 8).
var primitiveHash = map[string]int32{"BOOLEAN": 1, "DECIMAL": 2, "DOUBLE": 3, "INT": 4, "BIGINT": 5,
	"VARCHAR": 6, "TIMESTAMP": 7, "TIME": 8, "INTERVAL UNIT": 8, "DATE": 9, "BYTES": 10, "ANY": 11}

func prim(kind string) *paramType { return &paramType{kind: kind} }

func arrayOf(e *paramType) *paramType { return &paramType{kind: "ARRAY", elems: []*paramType{e}} }

// String is the ParamType's toString, as DESCRIBE FUNCTION prints it.
func (t *paramType) String() string {
	switch t.kind {
	case "ARRAY":
		return "ARRAY<" + t.elems[0].String() + ">"
	case "MAP":
		return "MAP<" + t.elems[0].String() + ", " + t.elems[1].String() + ">"
	case "GENERIC":
		return t.name
	case "STRUCT":
		parts := make([]string, len(t.fields))
		for i, f := range t.fields {
			parts[i] = f.name + " " + f.typ.String()
		}
		return "STRUCT<" + strings.Join(parts, ", ") + ">"
	case "LAMBDA":
		in := t.elems[:len(t.elems)-1]
		parts := make([]string, len(in))
		for i, e := range in {
			parts[i] = e.String()
		}
		return "LAMBDA (" + strings.Join(parts, ", ") + ") => " + t.elems[len(t.elems)-1].String()
	}
	return t.kind
}

// javaStringHash is java.lang.String.hashCode (over UTF-16 code units).
func javaStringHash(s string) int32 {
	var h int32
	for _, u := range utf16Units(s) {
		h = 31*h + int32(u)
	}
	return h
}

func utf16Units(s string) []uint16 {
	var out []uint16
	for _, r := range s {
		if r >= 0x10000 {
			r -= 0x10000
			out = append(out, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
			continue
		}
		out = append(out, uint16(r))
	}
	return out
}

// hash is the ParamType's hashCode: Objects.hash of its parts for the
// composite types, a constant for the primitives.
func (t *paramType) hash() int32 {
	switch t.kind {
	case "ARRAY":
		return 31 + t.elems[0].hash()
	case "MAP":
		return 31*(31+t.elems[0].hash()) + t.elems[1].hash()
	case "GENERIC":
		return 31 + javaStringHash(t.name)
	case "STRUCT": // Objects.hash(ImmutableMap): 31 + the sum of key ^ value
		var m int32
		for _, f := range t.fields {
			m += javaStringHash(f.name) ^ f.typ.hash()
		}
		return 31 + m
	case "LAMBDA": // Objects.hash(inputTypes, returnType)
		return 31*(31+listHash(t.elems[:len(t.elems)-1])) + t.elems[len(t.elems)-1].hash()
	}
	h, ok := primitiveHash[t.kind]
	if !ok {
		panic("no hash for " + t.kind)
	}
	return h
}

// listHash is java.util.List.hashCode of ParamTypes.
func listHash(ts []*paramType) int32 {
	h := int32(1)
	for _, t := range ts {
		h = 31*h + t.hash()
	}
	return h
}

// javaPrimitives maps Java types to ParamTypes as UdfUtil.JAVA_TO_ARG_TYPE
// does (ksqldb-execution/.../function/UdfUtil.java).
var javaPrimitives = map[string]string{"String": "VARCHAR", "boolean": "BOOLEAN", "Boolean": "BOOLEAN",
	"Integer": "INT", "int": "INT", "Long": "BIGINT", "long": "BIGINT", "Double": "DOUBLE", "double": "DOUBLE",
	"BigDecimal": "DECIMAL", "Date": "DATE", "Timestamp": "TIMESTAMP", "Time": "TIME", "TimeUnit": "INTERVAL UNIT",
	"ByteBuffer": "BYTES"}

// fromJava is UdfUtil.getSchemaFromType (varargs: getVarArgsSchemaFromType,
// which also maps Object to ANY); vars are the type variables in scope.
func fromJava(t *javaType, vars map[string]bool, varargs bool) (*paramType, error) {
	if t.dims > 0 {
		if vars[t.name] && len(t.args) == 0 { // T[]: a GenericArrayType
			return arrayOf(&paramType{kind: "GENERIC", name: t.name}), nil
		}
		elem := *t
		elem.dims--
		e, err := fromJava(&elem, vars, varargs)
		if err != nil {
			return nil, err
		}
		return arrayOf(e), nil
	}
	if vars[t.name] {
		return &paramType{kind: "GENERIC", name: t.name}, nil
	}
	if k, ok := javaPrimitives[t.name]; ok && len(t.args) == 0 {
		return prim(k), nil
	}
	if varargs && t.name == "Object" {
		return prim("ANY"), nil
	}
	arg := func(i int) (*paramType, error) {
		a := t.args[i]
		if vars[a.name] && a.dims == 0 {
			return &paramType{kind: "GENERIC", name: a.name}, nil
		}
		return fromJava(a, vars, varargs)
	}
	switch {
	case t.name == "List" && len(t.args) == 1:
		e, err := arg(0)
		if err != nil {
			return nil, err
		}
		return arrayOf(e), nil
	case t.name == "Map" && len(t.args) == 2:
		k, err := arg(0)
		if err != nil {
			return nil, err
		}
		v, err := arg(1)
		if err != nil {
			return nil, err
		}
		return &paramType{kind: "MAP", elems: []*paramType{k, v}}, nil
	case (t.name == "Function" || t.name == "BiFunction" || t.name == "TriFunction") && len(t.args) > 0:
		l := &paramType{kind: "LAMBDA"}
		for i := range t.args {
			e, err := arg(i)
			if err != nil {
				return nil, err
			}
			l.elems = append(l.elems, e)
		}
		return l, nil
	case t.name == "Struct" && len(t.args) == 0:
		return &paramType{kind: "STRUCT"}, nil // StructType.ANY_STRUCT
	}
	return nil, fmt.Errorf("Type inference is not supported for: %s", t)
}

// fromSQL parses a schema string as SqlTypeParser does and converts it as
// SchemaConverters.sqlToFunctionConverter does (DECIMAL(p, s) becomes
// DECIMAL; unquoted struct field names are upper-cased).
func fromSQL(schema string) (*paramType, error) {
	toks, err := tokenize(schema)
	if err != nil {
		return nil, err
	}
	r := &reader{toks: toks}
	t, err := r.sqlType()
	if err != nil {
		return nil, fmt.Errorf("schema %q: %w", schema, err)
	}
	if r.peek().kind != tEOF {
		return nil, fmt.Errorf("schema %q: trailing %q", schema, r.peek().text)
	}
	return t, nil
}

var sqlNames = map[string]string{"STRING": "VARCHAR", "VARCHAR": "VARCHAR", "INT": "INT", "INTEGER": "INT",
	"BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN", "DATE": "DATE", "TIME": "TIME",
	"TIMESTAMP": "TIMESTAMP", "BYTES": "BYTES"}

func (r *reader) sqlType() (*paramType, error) {
	t := r.next()
	name := strings.ToUpper(t.text)
	if k, ok := sqlNames[name]; ok {
		return prim(k), nil
	}
	switch name {
	case "DECIMAL":
		if r.is("(") {
			if err := r.skipBalanced("(", ")"); err != nil {
				return nil, err
			}
		}
		return prim("DECIMAL"), nil
	case "ARRAY":
		if err := r.expect("<"); err != nil {
			return nil, err
		}
		e, err := r.sqlType()
		if err != nil {
			return nil, err
		}
		return arrayOf(e), r.expect(">")
	case "MAP":
		if err := r.expect("<"); err != nil {
			return nil, err
		}
		k, err := r.sqlType()
		if err != nil {
			return nil, err
		}
		if err := r.expect(","); err != nil {
			return nil, err
		}
		v, err := r.sqlType()
		if err != nil {
			return nil, err
		}
		return &paramType{kind: "MAP", elems: []*paramType{k, v}}, r.expect(">")
	case "STRUCT":
		if err := r.expect("<"); err != nil {
			return nil, err
		}
		st := &paramType{kind: "STRUCT"}
		for !r.is(">") {
			f := r.next()
			if f.kind != tIdent {
				return nil, fmt.Errorf("struct field name %q not read by this generator", f.text)
			}
			ft, err := r.sqlType()
			if err != nil {
				return nil, err
			}
			st.fields = append(st.fields, structField{name: strings.ToUpper(f.text), typ: ft})
			if r.is(",") {
				r.next()
			}
		}
		r.next()
		return st, nil
	}
	return nil, fmt.Errorf("type %q not read by this generator", t.text)
}
