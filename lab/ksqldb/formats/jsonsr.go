package formats

// The JSON_SR format: JSON values in the Confluent Schema Registry wire
// format (magic byte 0, the 4-byte big-endian schema id, then the JSON
// text), with JSON Schemas registered as schemaType JSON.
//
// ksqlDB 0.29 runs it through Confluent's JsonSchemaConverter
// (confluentinc/ksql v0.29.0 ksqldb-serde/src/main/java/io/confluent/ksql/
// serde/json/JsonSchemaFormat.java, KsqlJsonSerdeFactory.java): the
// columns become an unnamed Connect struct whose fields are all optional
// (connect/ConnectSchemas.java, ksqldb-common/.../SchemaConverters.java),
// which JsonSchemaData.fromConnectSchema turns into the JSON Schema it
// registers (confluentinc/schema-registry v7.9.9 json-schema-converter/
// src/main/java/io/confluent/connect/json/JsonSchemaData.java). Reading
// maps the writer's schema back to Connect types
// (JsonSchemaData.toConnectSchema) and checks them against the columns as
// ConnectDataTranslator.validateSchema does.
// Docs: https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#json

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"

	"github.com/ctalab/ctalab/internal/jsonwire"
	"github.com/ctalab/ctalab/lab/javanum"
	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
)

const JSONSR = "JSON_SR"

// jsonSRType writes the JSON Schema JsonSchemaData.rawSchemaFromConnectSchema
// makes of a column type's optional Connect schema, as JsonSchema's
// canonicalString gives it: everit's ToStringVisitor writes a schema's
// own keywords ("type"), then title, then the unprocessed properties
// (connect.*), then the sub-schemas ("items", "properties", "oneOf"). An
// optional schema is a oneOf of null and the type, a struct field's index
// its connect.index: {"connect.index":i,"oneOf":[{"type":"null"},T]}.
// index < 0: not a struct field.
func jsonSRType(b *bytes.Buffer, t types.Type, index int) error {
	b.WriteByte('{')
	if index >= 0 {
		b.WriteString(`"connect.index":`)
		b.WriteString(strconv.Itoa(index))
		b.WriteByte(',')
	}
	b.WriteString(`"oneOf":[{"type":"null"},`)
	if err := jsonSRBareType(b, t); err != nil {
		return err
	}
	b.WriteString(`]}`)
	return nil
}

// jsonSRBareType writes the non-optional schema of a column type. The
// connect.* properties JsonSchemaData gives a schema sit in a HashMap that
// everit copies into a new HashMap, so they come out in its bucket order:
// connect.index, connect.version, connect.type, connect.parameters; a
// decimal's parameters, copied by org.json's JSONObject into a HashMap,
// come out as scale, then connect.decimal.precision.
func jsonSRBareType(b *bytes.Buffer, t types.Type) error {
	switch t.Kind() {
	case types.KindBoolean:
		b.WriteString(`{"type":"boolean"}`)
	case types.KindInteger:
		b.WriteString(`{"type":"integer","connect.type":"int32"}`)
	case types.KindBigint:
		b.WriteString(`{"type":"integer","connect.type":"int64"}`)
	case types.KindDouble:
		b.WriteString(`{"type":"number","connect.type":"float64"}`)
	case types.KindString:
		b.WriteString(`{"type":"string"}`)
	case types.KindTimestamp:
		b.WriteString(`{"type":"integer","title":"org.apache.kafka.connect.data.Timestamp","connect.version":1,"connect.type":"int64"}`)
	case types.KindDate:
		b.WriteString(`{"type":"integer","title":"org.apache.kafka.connect.data.Date","connect.version":1,"connect.type":"int32"}`)
	case types.KindTime:
		b.WriteString(`{"type":"integer","title":"org.apache.kafka.connect.data.Time","connect.version":1,"connect.type":"int32"}`)
	case types.KindBytes:
		b.WriteString(`{"type":"string","connect.type":"bytes"}`)
	case types.KindDecimal:
		// decimal.format NUMERIC: a number schema
		fmt.Fprintf(b, `{"type":"number","title":"org.apache.kafka.connect.data.Decimal","connect.version":1,"connect.type":"bytes",`+
			`"connect.parameters":{"scale":"%d","connect.decimal.precision":"%d"}}`, t.Scale, t.Precision)
	case types.KindArray:
		b.WriteString(`{"type":"array","items":`)
		if err := jsonSRType(b, t.Elem, -1); err != nil {
			return err
		}
		b.WriteByte('}')
	case types.KindMap:
		// a ksqlDB MAP's key schema is an optional STRING, not the
		// required STRING JsonSchemaData writes as an object with
		// additionalProperties: an array of key/value entry objects,
		// its connect.type before its items
		b.WriteString(`{"type":"array","connect.type":"map","items":`)
		if err := jsonSRObject(b, []types.Field{{Name: "key", Type: t.Key}, {Name: "value", Type: t.Elem}}); err != nil {
			return err
		}
		b.WriteByte('}')
	case types.KindStruct:
		return jsonSRObject(b, t.Fields)
	default:
		return stmterr.Unsupported("column type " + t.String() + " in the 'JSON_SR' format")
	}
	return nil
}

// jsonSRObject writes the non-optional struct of the given fields, each
// at its position as connect.index. everit's ObjectSchema.Builder keeps
// the property schemas in a java.util.HashMap, so the properties come in
// that map's order of the field names, not the fields' (a bucket of
// eight or more names in a table of 64 or more is a tree in Java, whose
// order types.HashMap does not follow).
func jsonSRObject(b *bytes.Buffer, fields []types.Field) error {
	props := types.NewDefaultHashMap()
	for i, f := range fields {
		props.Put(f.Name, i)
	}
	order := props.Map()
	b.WriteString(`{"type":"object","properties":{`)
	for j, name := range order.Keys {
		if j > 0 {
			b.WriteByte(',')
		}
		i := order.Vals[j].(int)
		b.Write(jsonwire.AppendString(nil, name.(string)))
		b.WriteByte(':')
		if err := jsonSRType(b, fields[i].Type, i); err != nil {
			return err
		}
	}
	b.WriteString(`}}`)
	return nil
}

// jsonSRSchemaFor is the schema ksqlDB registers for a serde's columns: the
// single column's optional schema when unwrapped, else the struct.
func (s *Serde) jsonSRSchemaFor() (string, error) {
	var b bytes.Buffer
	if s.unwrapped() {
		if err := jsonSRType(&b, s.Cols[0].Type, -1); err != nil {
			return "", err
		}
		return b.String(), nil
	}
	fields := make([]types.Field, len(s.Cols))
	for i, c := range s.Cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	if err := jsonSRObject(&b, fields); err != nil {
		return "", err
	}
	return b.String(), nil
}

// prepareJSONSRSink registers the JSON schema of a sink's key or value
// under <topic>-key or <topic>-value (TopicNameStrategy).
func (s *Serde) prepareJSONSRSink(ctx context.Context) error {
	if s.jsonSRID != 0 {
		return nil
	}
	text, err := s.jsonSRSchemaFor()
	if err != nil {
		return err
	}
	suffix := "-value"
	if s.key {
		suffix = "-key"
	}
	id, err := s.Registry.RegisterAs(ctx, s.Topic+suffix, text, sr.TypeJSON)
	if err != nil {
		return err
	}
	root, err := ParseJSONSRSchema(text)
	if err != nil {
		return err
	}
	s.setJSONSRMaps(root)
	s.jsonSRID = id
	return nil
}

// checkJSONSRColumns refuses the column types this server cannot write in
// JSON_SR.
func checkJSONSRColumns(cols []types.Column) error {
	var b bytes.Buffer
	for _, c := range cols {
		if err := jsonSRBareType(&b, c.Type); err != nil {
			return err
		}
	}
	return nil
}

// connectNode is the Connect schema JsonSchemaData.toConnectSchema makes of
// a writer's JSON Schema: kind is a Connect type name (int8 ... float64,
// boolean, string, bytes, struct, array, map).
type connectNode struct {
	kind     string
	optional bool              // a oneOf with null, or a "type" list with "null"
	name     string            // the Connect schema name (the JSON Schema's title): logical types
	params   map[string]string // connect.parameters: a decimal's scale and connect.decimal.precision
	fields   []connectField    // struct, in connect.index order
	elem     *connectNode      // array element, map value
	key      *connectNode      // map key
}

type connectField struct {
	name string
	node *connectNode
}

// jsonObject is a JSON object with its keys in document order.
type jsonObject struct {
	keys []string
	vals map[string]json.RawMessage
}

func (o *jsonObject) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not a JSON object")
	}
	o.vals = map[string]json.RawMessage{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		k, _ := tok.(string)
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return err
		}
		if _, dup := o.vals[k]; !dup {
			o.keys = append(o.keys, k)
		}
		o.vals[k] = v
	}
	_, err = dec.Token()
	return err
}

func (o *jsonObject) str(k string) string {
	var s string
	if raw, ok := o.vals[k]; ok {
		_ = json.Unmarshal(raw, &s)
	}
	return s
}

// ParseJSONSRSchema maps a JSON Schema text to its Connect schema.
func ParseJSONSRSchema(text string) (*connectNode, error) {
	return connectFromJSONSchema(json.RawMessage(text), 0)
}

func connectFromJSONSchema(raw json.RawMessage, depth int) (*connectNode, error) {
	if depth > 64 {
		return nil, fmt.Errorf("JSON schema nests too deeply")
	}
	var o jsonObject
	if err := json.Unmarshal(raw, &o); err != nil {
		return nil, fmt.Errorf("unsupported JSON schema %s", raw)
	}
	for _, k := range []string{"oneOf", "anyOf"} {
		if alts, ok := o.vals[k]; ok {
			var subs []json.RawMessage
			if err := json.Unmarshal(alts, &subs); err != nil {
				return nil, fmt.Errorf("JSON schema %s: %w", k, err)
			}
			// {"oneOf":[{"type":"null"},T]} is an optional T; other unions
			// become Connect structs ksqlDB has no column type for.
			var rest []json.RawMessage
			for _, s := range subs {
				var so jsonObject
				if json.Unmarshal(s, &so) == nil && so.str("type") == "null" && len(so.keys) == 1 {
					continue
				}
				rest = append(rest, s)
			}
			if len(subs) == 2 && len(rest) == 1 {
				n, err := connectFromJSONSchema(rest[0], depth+1)
				if n != nil {
					n.optional = true
				}
				return n, err
			}
			return nil, fmt.Errorf("JSON schema %s with %d alternatives is not supported by this ksqlDB server", k, len(subs))
		}
	}
	if _, ok := o.vals["$ref"]; ok {
		return nil, fmt.Errorf("JSON schema references ($ref) are not supported by this ksqlDB server")
	}
	typ := o.str("type")
	optional := false
	if raw, ok := o.vals["type"]; ok && typ == "" {
		// "type": ["null", T] is an optional T
		var ts []string
		if err := json.Unmarshal(raw, &ts); err == nil {
			n := len(ts)
			ts = slices.DeleteFunc(ts, func(s string) bool { return s == "null" })
			if len(ts) == 1 {
				typ = ts[0]
				optional = n > 1
			}
		}
	}
	if _, isEnum := o.vals["enum"]; isEnum && typ == "" {
		typ = "string"
	}
	connectType := o.str("connect.type")
	n, err := connectFromTyped(o, typ, connectType, raw, depth)
	if n != nil {
		n.optional = optional
		n.name = o.str("title")
		if raw, ok := o.vals["connect.parameters"]; ok {
			_ = json.Unmarshal(raw, &n.params)
		}
	}
	return n, err
}

func connectFromTyped(o jsonObject, typ, connectType string, raw json.RawMessage, depth int) (*connectNode, error) {
	switch typ {
	case "boolean":
		return &connectNode{kind: "boolean"}, nil
	case "integer":
		switch connectType {
		case "int8", "int16", "int32", "int64":
			return &connectNode{kind: connectType}, nil
		case "":
			return &connectNode{kind: "int64"}, nil
		}
	case "number":
		switch connectType {
		case "float32", "float64":
			return &connectNode{kind: connectType}, nil
		case "":
			return &connectNode{kind: "float64"}, nil
		case "bytes":
			return &connectNode{kind: "bytes"}, nil // a decimal
		}
	case "string":
		if connectType == "bytes" {
			return &connectNode{kind: "bytes"}, nil
		}
		return &connectNode{kind: "string"}, nil
	case "array":
		items, ok := o.vals["items"]
		if !ok {
			return nil, fmt.Errorf("Array schema did not specify the items type")
		}
		if connectType == "map" {
			var entry jsonObject
			if err := json.Unmarshal(items, &entry); err == nil {
				var props jsonObject
				if err := json.Unmarshal(entry.vals["properties"], &props); err == nil {
					k, kerr := connectFromJSONSchema(props.vals["key"], depth+1)
					v, verr := connectFromJSONSchema(props.vals["value"], depth+1)
					if kerr == nil && verr == nil {
						return &connectNode{kind: "map", key: k, elem: v}, nil
					}
				}
			}
			return nil, fmt.Errorf("unsupported JSON schema for a map %s", raw)
		}
		elem, err := connectFromJSONSchema(items, depth+1)
		if err != nil {
			return nil, err
		}
		return &connectNode{kind: "array", elem: elem}, nil
	case "object":
		if connectType == "map" {
			v, err := connectFromJSONSchema(o.vals["additionalProperties"], depth+1)
			if err != nil {
				return nil, err
			}
			return &connectNode{kind: "map", key: &connectNode{kind: "string"}, elem: v}, nil
		}
		n := &connectNode{kind: "struct"}
		var props jsonObject
		if raw, ok := o.vals["properties"]; ok {
			if err := json.Unmarshal(raw, &props); err != nil {
				return nil, fmt.Errorf("JSON schema properties: %w", err)
			}
		}
		// JsonSchemaData orders fields by connect.index, else by position
		type indexed struct {
			at    int
			field connectField
		}
		var all []indexed
		for _, k := range props.keys {
			f, err := connectFromJSONSchema(props.vals[k], depth+1)
			if err != nil {
				return nil, err
			}
			at := len(all)
			var po jsonObject
			if json.Unmarshal(props.vals[k], &po) == nil {
				if x, ok := po.vals["connect.index"]; ok {
					if i, err := strconv.Atoi(string(x)); err == nil {
						at = i
					}
				}
			}
			all = append(all, indexed{at, connectField{k, f}})
		}
		slices.SortStableFunc(all, func(a, b indexed) int { return a.at - b.at })
		for _, f := range all {
			n.fields = append(n.fields, f.field)
		}
		return n, nil
	}
	return nil, fmt.Errorf("unsupported JSON schema %s", raw)
}

// connectKindOf is the Connect type name of a column type.
func connectKindOf(t types.Type) string {
	switch t.Kind() {
	case types.KindBoolean:
		return "boolean"
	case types.KindInteger:
		return "int32"
	case types.KindBigint:
		return "int64"
	case types.KindDouble:
		return "float64"
	case types.KindString:
		return "string"
	case types.KindArray:
		return "array"
	case types.KindMap:
		return "map"
	case types.KindStruct:
		return "struct"
	case types.KindTimestamp:
		return "int64"
	case types.KindDate, types.KindTime:
		return "int32"
	case types.KindBytes, types.KindDecimal:
		return "bytes"
	}
	return strings.ToLower(t.String())
}

// checkConnectType is ConnectDataTranslator.validateSchema: the writer's
// Connect type must be one the column type accepts; nested types are
// checked along the path ksqlDB prints (->FIELD, ->ARRAY, ->MAP_VAL).
func checkConnectType(t types.Type, n *connectNode, path string) error {
	var ok bool
	switch t.Kind() {
	case types.KindInteger, types.KindDate, types.KindTime:
		ok = n.kind == "int32" || n.kind == "int16" || n.kind == "int8"
	case types.KindBigint, types.KindTimestamp:
		ok = n.kind == "int64" || n.kind == "int32" || n.kind == "int16" || n.kind == "int8"
	case types.KindDouble:
		ok = n.kind == "float64" || n.kind == "float32"
	case types.KindString:
		ok = n.kind != "bytes" && n.kind != "struct" && n.kind != "array" && n.kind != "map"
	case types.KindDecimal:
		ok = n.kind == "bytes" && n.name == "org.apache.kafka.connect.data.Decimal"
	default:
		ok = n.kind == connectKindOf(t)
	}
	if !ok {
		return fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", n.kind, connectKindOf(t), path)
	}
	switch t.Kind() {
	case types.KindArray:
		return checkConnectType(t.Elem, n.elem, path+"->ARRAY")
	case types.KindMap:
		if err := checkConnectType(t.Key, n.key, path+"->MAP_KEY"); err != nil {
			return err
		}
		return checkConnectType(t.Elem, n.elem, path+"->MAP_VAL")
	case types.KindStruct:
		for _, f := range n.fields {
			_, ft, found := t.Field(f.name)
			name := f.name
			if !found {
				name = strings.ToUpper(f.name)
				if _, ft, found = t.Field(name); !found {
					continue
				}
			}
			if err := checkConnectType(ft, f.node, path+"->"+name); err != nil {
				return err
			}
		}
	}
	return nil
}

// JSONSRColumnType is the column type ConnectKsqlSchemaTranslator gives a
// Connect schema: int8/16/32 INTEGER, int64 BIGINT, float32/64 DOUBLE.
func JSONSRColumnType(n *connectNode) (types.Type, error) {
	switch n.name {
	case "org.apache.kafka.connect.data.Timestamp":
		return types.Timestamp, nil
	case "org.apache.kafka.connect.data.Date":
		return types.Date, nil
	case "org.apache.kafka.connect.data.Time":
		return types.Time, nil
	}
	switch n.kind {
	case "boolean":
		return types.Boolean, nil
	case "int8", "int16", "int32":
		return types.Integer, nil
	case "int64":
		return types.Bigint, nil
	case "float32", "float64":
		return types.Double, nil
	case "string":
		return types.String, nil
	case "array":
		e, err := JSONSRColumnType(n.elem)
		if err != nil {
			return types.Null, err
		}
		return types.ArrayOf(e), nil
	case "map":
		// ConnectKsqlSchemaTranslator.toKsqlMapSchema: every map gets an
		// optional STRING key, from an integer, boolean or string key
		switch n.key.kind {
		case "int8", "int16", "int32", "int64", "boolean", "string":
		default:
			return types.Null, &unsupportedMapKeyError{n.key.kind}
		}
		v, err := JSONSRColumnType(n.elem)
		if err != nil {
			return types.Null, err
		}
		return types.MapOf(types.String, v), nil
	case "struct":
		fields := make([]types.Field, 0, len(n.fields))
		for _, f := range n.fields {
			ft, err := JSONSRColumnType(f.node)
			var uk *unsupportedMapKeyError
			if errors.As(err, &uk) {
				continue // toKsqlStructSchema logs the field and leaves it out
			}
			if err != nil {
				return types.Null, err
			}
			fields = append(fields, types.Field{Name: f.name, Type: ft})
		}
		return types.StructOf(fields), nil
	case "bytes":
		if n.name == "org.apache.kafka.connect.data.Decimal" {
			// DecimalUtil.precision and scale: connect.decimal.precision
			// (64 when absent) and scale (required)
			p, s := 64, -1
			if v, ok := n.params["connect.decimal.precision"]; ok {
				if x, err := strconv.Atoi(v); err == nil {
					p = x
				}
			}
			if v, ok := n.params["scale"]; ok {
				if x, err := strconv.Atoi(v); err == nil {
					s = x
				}
			}
			if s < 0 {
				return types.Null, stmterr.Bad("Invalid Decimal schema: scale parameter not found.")
			}
			return types.DecimalType(p, s)
		}
		return types.Bytes, nil
	}
	return types.Null, stmterr.Unsupported("Connect type " + n.kind)
}

// unsupportedMapKeyError is ConnectKsqlSchemaTranslator.checkMapKeyType's
// refusal of a map key type, for which toKsqlStructSchema leaves the field
// out of the columns it infers.
type unsupportedMapKeyError struct{ kind string }

func (e *unsupportedMapKeyError) Error() string {
	return "Unsupported type for map key: " + e.kind
}

// decodeJSONSR reads a JSON_SR record: the writer's schema by its id, the
// JSON checked against the columns' types and converted.
func (s *Serde) decodeJSONSR(ctx context.Context, b []byte, out []any) ([]any, error) {
	if len(b) < 5 || b[0] != 0 {
		return nil, fmt.Errorf("Unknown magic byte!")
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	node, err := s.Registry.jsonSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b[5:]))
	dec.UseNumber()
	v, err := ReadJSONTree(dec)
	if err != nil {
		return nil, fmt.Errorf("Converting byte[] to Kafka Connect data failed due to serialization error of topic %s: %w", s.Topic, err)
	}
	if s.unwrapped() {
		if err := checkConnectType(s.Cols[0].Type, node, ""); err != nil {
			return nil, err
		}
		x, err := jsonSRValue(v, node, s.Cols[0].Type)
		if err != nil {
			return nil, err
		}
		out[0] = x
		return out, nil
	}
	if node.kind != "struct" {
		return nil, fmt.Errorf("Cannot deserialize type %s as type struct for path: ", node.kind)
	}
	if v == nil {
		return out, nil
	}
	obj, ok := v.(*JSONObject)
	if !ok {
		return nil, fmt.Errorf("Cannot deserialize type %s as type struct for path: ", jsonTypeName(v))
	}
	// ConnectDataTranslator.toKsqlStruct: each writer field lands in the
	// column of its name, else of its upper-cased name; columns the writer
	// lacks are null.
	for _, f := range node.fields {
		i := s.columnIndex(f.name)
		if i < 0 {
			continue
		}
		c := s.Cols[i]
		if err := checkConnectType(c.Type, f.node, "->"+c.Name); err != nil {
			return nil, err
		}
		x, err := jsonSRValue(obj.Vals[f.name], f.node, c.Type)
		if err != nil {
			return nil, fmt.Errorf("field %s: %w", c.Name, err)
		}
		out[i] = x
	}
	return out, nil
}

// columnIndex finds a column by exact name, then by upper-cased name.
func (s *Serde) columnIndex(name string) int {
	for i, c := range s.Cols {
		if c.Name == name {
			return i
		}
	}
	up := strings.ToUpper(name)
	for i, c := range s.Cols {
		if c.Name == up {
			return i
		}
	}
	return -1
}

// jsonSRValue converts a JSON value of Connect type n into column type t
// (already checked compatible).
func jsonSRValue(v any, n *connectNode, t types.Type) (any, error) {
	if v == nil {
		return nil, nil
	}
	if t.HasMap() {
		return jsonSRNested(v, n, t)
	}
	if t == types.String {
		switch x := v.(type) {
		case string:
			return x, nil
		case bool:
			return strconv.FormatBool(x), nil
		case json.Number:
			// String.valueOf of the Connect value: a Long, or a Double
			if n.kind == "float64" || n.kind == "float32" {
				f, err := x.Float64()
				if err != nil {
					return nil, err
				}
				return javanum.FormatDouble(f), nil
			}
			i, err := x.Int64()
			if err != nil {
				return nil, err
			}
			return strconv.FormatInt(i, 10), nil
		}
		return nil, fmt.Errorf("Can't convert type. sourceType: %s, requiredType: STRING", jsonTypeName(v))
	}
	return jsonValue(v, t)
}

// RegistryFormat reports the formats whose schemas live in the Schema
// Registry.
func RegistryFormat(f string) bool { return f == Avro || f == JSONSR || f == Protobuf }

// Inferable reports the formats that take columns from the registry
// (SerdeFeature.SCHEMA_INFERENCE) and that this server reads.
func Inferable(f string) bool { return f == Avro || f == JSONSR || f == Protobuf }

// InferJSONSRValueColumns maps a JSON_SR value schema to value columns,
// skipping the names already declared; source names where the schema was
// fetched from (SchemaSource). The latest schema of a topic gives
// upper-cased names; the schema a VALUE_SCHEMA_ID names (keepNames) gives
// its fields' own names (elements.json, "validate schema id without value
// elements OK - JSON_SR SCHEMA": `c1` BIGINT).
func InferJSONSRValueColumns(source, text string, typ sr.SchemaType, taken map[string]bool, keepNames bool) ([]types.Column, error) {
	if typ != sr.TypeJSON {
		return nil, SchemaTypeMismatch(source, sr.TypeJSON, typ)
	}
	n, err := ParseJSONSRSchema(text)
	if err != nil {
		return nil, NotCompatible(source, false, text, err)
	}
	if n.kind != "struct" {
		return nil, stmterr.Unsupported("inferring columns from a JSON schema that is not an object")
	}
	var cols []types.Column
	for _, f := range n.fields {
		t, err := JSONSRColumnType(f.node)
		var uk *unsupportedMapKeyError
		if errors.As(err, &uk) {
			continue // toKsqlStructSchema logs the field and leaves it out
		}
		if err != nil {
			var se *stmterr.Error
			if errors.As(err, &se) {
				se.Msg = "column " + f.name + ": " + se.Msg
			}
			return nil, err
		}
		name := f.name
		if !keepNames {
			name = strings.ToUpper(name)
		}
		if taken[name] {
			continue
		}
		cols = append(cols, types.Column{Name: name, Type: t})
	}
	return cols, nil
}

// jsonQuote is name as a JSON string.
func jsonQuote(name string) []byte {
	b, _ := json.Marshal(name)
	return b
}
