package formats

// The PROTOBUF format: Protobuf messages in the Confluent Schema Registry
// wire format (magic byte 0, the 4-byte big-endian schema id, the
// message-index array, then the message), with proto3 schemas registered
// as schemaType PROTOBUF.
//
// ksqlDB 0.29 runs it through Confluent's ProtobufConverter (confluentinc/
// ksql v0.29.0 ksqldb-serde/src/main/java/io/confluent/ksql/serde/protobuf/
// ProtobufFormat.java, ProtobufSchemaTranslator.java, ProtobufProperties.java):
// the columns become an unnamed Connect struct, which
// ProtobufData.fromConnectSchema (confluentinc/schema-registry v7.9.9
// protobuf-converter/src/main/java/io/confluent/connect/protobuf/
// ProtobufData.java) names ConnectDefault1, numbering fields from 1 and
// naming nested structs ConnectDefault2, 3, ... depth first. With no
// nullableRepresentation property nullable columns are plain proto3 fields:
// a null is written as no field and read back as the type's default.
// KEY_/VALUE_PROTOBUF_NULLABLE_REPRESENTATION choose how a null is told
// from a default (ProtobufData's wrapper.for.nullables and
// optional.for.nullables, which ksqlDB sets from nullableRepresentation):
// WRAPPER writes each primitive field (BOOLEAN, INTEGER, BIGINT, DOUBLE,
// STRING, BYTES, array elements too) as its google.protobuf wrapper
// message, OPTIONAL labels every field that is not repeated `optional`; a
// null is then no field, and a default value a present one.
// PROTOBUF supports WRAP_SINGLES only, so keys and single values are always
// wrapped in a message.
// Docs: https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/serialization/#protobuf

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/twmb/franz-go/pkg/sr"
	"google.golang.org/protobuf/encoding/protowire"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

const Protobuf = "PROTOBUF"

// The values of KEY_PROTOBUF_NULLABLE_REPRESENTATION and
// VALUE_PROTOBUF_NULLABLE_REPRESENTATION (CommonCreateConfigs.
// ProtobufNullableConfigValues).
const (
	NullableAsOptional = "OPTIONAL"
	NullableAsWrapper  = "WRAPPER"
)

// protoWrapperOf is the google.protobuf wrapper ProtobufData writes for a
// nullable primitive with wrapper.for.nullables.
var protoWrapperOf = map[string]string{
	"bool": "google.protobuf.BoolValue", "int32": "google.protobuf.Int32Value", "int64": "google.protobuf.Int64Value",
	"double": "google.protobuf.DoubleValue", "string": "google.protobuf.StringValue", "bytes": "google.protobuf.BytesValue",
}

// protoFile writes the proto3 file ProtobufData.fromConnectSchema makes
// of the columns' struct; nullable is "" or a nullable representation.
//
// fullName, where not "", names the message (KEY_SCHEMA_FULL_NAME,
// VALUE_SCHEMA_FULL_NAME: ProtobufSchemaTranslator names the schema so),
// its package the part before the last dot.
func protoFile(cols []types.Column, nullable, fullName string) (string, error) {
	fields := make([]types.Field, len(cols))
	for i, c := range cols {
		fields[i] = types.Field{Name: c.Name, Type: c.Type}
	}
	var body strings.Builder
	next := 1
	name, pkg := "ConnectDefault1", ""
	if fullName != "" {
		name = fullName
		if i := strings.LastIndex(fullName, "."); i >= 0 {
			pkg, name = fullName[:i], fullName[i+1:]
		}
	}
	if err := protoMessage(&body, name, fields, &next, "", nullable); err != nil {
		return "", err
	}
	head := "syntax = \"proto3\";\n"
	if pkg != "" {
		head += "package " + pkg + ";\n"
	}
	head += "\n"
	if strings.Contains(body.String(), "google.protobuf.Timestamp ") {
		// ProtobufData.typeToDynamicSchema adds the well-known file as a dependency
		head += "import \"google/protobuf/timestamp.proto\";\n\n"
	}
	for _, w := range protoWrapperOf {
		if strings.Contains(body.String(), w+" ") {
			head += "import \"google/protobuf/wrappers.proto\";\n\n"
			break
		}
	}
	for _, dep := range []struct{ typ, file string }{{protoDecimalType + " ", "confluent/type/decimal.proto"}, {"google.type.Date ", "google/type/date.proto"}, {"google.type.TimeOfDay ", "google/type/timeofday.proto"}} {
		if strings.Contains(body.String(), dep.typ) {
			head += "import \"" + dep.file + "\";\n\n"
		}
	}
	return head + body.String(), nil
}

// ProtobufFullName is a KEY_SCHEMA_FULL_NAME or VALUE_SCHEMA_FULL_NAME as the
// PROTOBUF format takes it: trimmed, and "" for a ConnectDefault name,
// which ProtobufSchemaTranslator.ignoreDefaultName ignores (the default
// naming would otherwise number the nested messages from the wrong one).
func ProtobufFullName(name string) string {
	if name = strings.TrimSpace(name); strings.HasPrefix(name, "ConnectDefault") {
		return ""
	}
	return name
}

// protoMessage writes message name; next is the last ConnectDefault index
// taken.
func protoMessage(sb *strings.Builder, name string, fields []types.Field, next *int, indent, nullable string) error {
	sb.WriteString(indent + "message " + name + " {\n")
	var nested strings.Builder
	for i, f := range fields {
		t := f.Type
		if t.Kind() == types.KindMap {
			if err := protoMapEntryField(sb, &nested, f, i+1, next, indent, nullable); err != nil {
				return err
			}
			continue
		}
		label := ""
		if t.Kind() == types.KindArray {
			label = "repeated "
			t = t.Elem
			if t.Kind() == types.KindArray {
				return stmterr.Unsupported("column type " + f.Type.String() + " in the 'PROTOBUF' format") // "Array cannot be nested"
			}
		}
		var typ string
		switch t.Kind() {
		case types.KindBoolean:
			typ = "bool"
		case types.KindInteger:
			typ = "int32"
		case types.KindBigint:
			typ = "int64"
		case types.KindDouble:
			typ = "double"
		case types.KindString:
			typ = "string"
		case types.KindBytes:
			typ = "bytes"
		case types.KindTimestamp:
			typ = "google.protobuf.Timestamp"
		case types.KindDate:
			typ = "google.type.Date"
		case types.KindTime:
			typ = "google.type.TimeOfDay"
		case types.KindDecimal:
			typ = protoDecimalType
		case types.KindStruct:
			*next++
			typ = "ConnectDefault" + strconv.Itoa(*next)
			if err := protoMessage(&nested, typ, t.Fields, next, indent+"  ", nullable); err != nil {
				return err
			}
		default:
			return stmterr.Unsupported("column type " + f.Type.String() + " in the 'PROTOBUF' format")
		}
		if w, ok := protoWrapperOf[typ]; ok && nullable == NullableAsWrapper {
			typ = w
		}
		if label == "" && nullable == NullableAsOptional {
			label = "optional " // ProtobufData.getLabel
		}
		opt := ""
		if t.Kind() == types.KindDecimal {
			opt = protoDecimalOption(t)
		}
		fmt.Fprintf(sb, "%s  %s%s %s = %d%s;\n", indent, label, typ, f.Name, i+1, opt)
	}
	sb.WriteString(nested.String())
	sb.WriteString(indent + "}\n")
	return nil
}

// checkProtobufColumns refuses the column types this server cannot write
// in PROTOBUF.
func checkProtobufColumns(cols []types.Column) error {
	if len(cols) == 0 {
		return nil
	}
	text, err := protoFile(cols, "", "")
	if err != nil {
		return err
	}
	// a column name that is no Protobuf identifier makes no schema
	// (ProtobufData does not scrub names by default)
	if _, err := protoschema.Parse(text, nil); err != nil {
		return stmterr.Bad("Failed to convert the columns to a PROTOBUF schema: %v", err)
	}
	return nil
}

// prepareProtobufSink registers the proto file of a sink's key or value
// under <topic>-key or <topic>-value and keeps its message descriptor.
func (s *Serde) prepareProtobufSink(ctx context.Context) error {
	if s.protoMsg != nil {
		return nil
	}
	text, err := protoFile(s.Cols, s.protoNullable, s.protoName)
	if err != nil {
		return err
	}
	ps, err := protoschema.Parse(text, nil)
	if err != nil {
		return fmt.Errorf("compile the PROTOBUF schema: %w", err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		return err
	}
	suffix := "-value"
	if s.key {
		suffix = "-key"
	}
	id, err := s.Registry.RegisterAs(ctx, s.Topic+suffix, ps.Canonical(), sr.TypeProtobuf)
	if err != nil {
		return err
	}
	s.protoID, s.protoMsg = id, md
	return nil
}

// encodeProtobuf writes one message of the columns' values.
func (s *Serde) encodeProtobuf(vals []any) (out []byte, err error) {
	if s.protoMsg == nil {
		return nil, fmt.Errorf("PROTOBUF schema for %s is not registered", s.Topic)
	}
	defer func() {
		// dynamicpb panics on a value of the wrong kind; a schema some
		// client registered must not take the server down
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("serialize PROTOBUF: %v", r)
		}
	}()
	m := dynamicpb.NewMessage(s.protoMsg)
	fds := s.protoMsg.Fields()
	for i, c := range s.Cols {
		fi := i
		if s.protoFields != nil {
			fi = s.protoFields[i]
		}
		v := vals[i]
		if s.schemaID != 0 {
			// ProtobufSRSchemaDataTranslator: withCompatibleSchema's copies
			v = connectCompatible(v, c.Type)
		}
		if err := setProtoField(m, fds.Get(fi), v, c.Type); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	b := binary.BigEndian.AppendUint32([]byte{0}, uint32(s.protoID))
	if len(s.protoIndexes) == 0 || len(s.protoIndexes) == 1 && s.protoIndexes[0] == 0 {
		b = append(b, 0) // message indexes [0], written as the single byte 0
	} else { // the count and each index, zig-zag varints
		b = binary.AppendVarint(b, int64(len(s.protoIndexes)))
		for _, i := range s.protoIndexes {
			b = binary.AppendVarint(b, int64(i))
		}
	}
	return proto.MarshalOptions{Deterministic: true}.MarshalAppend(b, m)
}

// protoMessageBytes appends one message of cols' values to head, the
// message's fields in the order of cols.
func (s *Serde) protoMessageBytes(cols []types.Column, vals []any, head []byte) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("serialize PROTOBUF: %v", r)
		}
	}()
	m := dynamicpb.NewMessage(s.protoMsg)
	fds := s.protoMsg.Fields()
	for i, c := range cols {
		if err := setProtoField(m, fds.Get(i), vals[i], c.Type); err != nil {
			return nil, fmt.Errorf("column %s: %w", c.Name, err)
		}
	}
	return proto.MarshalOptions{Deterministic: true}.MarshalAppend(head, m)
}

func setProtoField(m *dynamicpb.Message, fd protoreflect.FieldDescriptor, v any, t types.Type) error {
	if v == nil {
		return nil // proto3 without presence: a null is no field
	}
	if kfd, vfd, ok := protoMapEntry(fd); ok && t.Kind() == types.KindMap {
		return setProtoMap(m, fd, kfd, vfd, v, t)
	}
	if fd.IsList() {
		items, ok := v.([]any)
		if !ok {
			return fmt.Errorf("want an array, got %T", v)
		}
		list := m.Mutable(fd).List()
		for _, it := range items {
			if it == nil {
				// ProtobufData cannot write a null element of a repeated field
				return fmt.Errorf("null element in a repeated field")
			}
			pv, err := protoValue(m, fd, it, t.Elem)
			if err != nil {
				return err
			}
			list.Append(pv)
		}
		return nil
	}
	pv, err := protoValue(m, fd, v, t)
	if err != nil {
		return err
	}
	m.Set(fd, pv)
	return nil
}

func protoValue(m *dynamicpb.Message, fd protoreflect.FieldDescriptor, v any, t types.Type) (protoreflect.Value, error) {
	if md := fd.Message(); md != nil && protoWrapperKind(md) != "" {
		// a google.protobuf wrapper: the value goes in its field 1
		w := dynamicpb.NewMessage(md)
		pv, err := protoScalarValue(md.Fields().ByNumber(1), v)
		if err != nil {
			return protoreflect.Value{}, err
		}
		w.Set(md.Fields().ByNumber(1), pv)
		return protoreflect.ValueOfMessage(w), nil
	}
	switch x := v.(type) {
	case types.DateVal, types.TimeVal:
		return protoDateOrTime(fd, x)
	case types.Decimal:
		return protoDecimalMessage(fd, x)
	case types.TimestampVal:
		md := fd.Message()
		if md == nil || md.FullName() != "google.protobuf.Timestamp" {
			return protoreflect.Value{}, fmt.Errorf("a TIMESTAMP for the field %s", fd.Name())
		}
		// Timestamps.fromMillis: whole seconds, then non-negative nanos
		ts := dynamicpb.NewMessage(md)
		ms := int64(x)
		ts.Set(md.Fields().ByNumber(1), protoreflect.ValueOfInt64(types.FloorDiv(ms, 1000)))
		ts.Set(md.Fields().ByNumber(2), protoreflect.ValueOfInt32(int32(types.FloorMod(ms, 1000)*1_000_000)))
		return protoreflect.ValueOfMessage(ts), nil
	case *types.StructVal:
		if fd.Message() == nil {
			return protoreflect.Value{}, fmt.Errorf("a STRUCT for the %s field %s", fd.Kind(), fd.Name())
		}
		sub := dynamicpb.NewMessage(fd.Message())
		sfds := fd.Message().Fields()
		for i, f := range t.Fields {
			if i >= len(x.Vals) {
				break
			}
			if err := setProtoField(sub, sfds.Get(i), x.Vals[i], f.Type); err != nil {
				return protoreflect.Value{}, fmt.Errorf("field %s: %w", f.Name, err)
			}
		}
		return protoreflect.ValueOfMessage(sub), nil
	}
	return protoScalarValue(fd, v)
}

// protoScalarValue converts a column value to the kind of field fd.
func protoScalarValue(fd protoreflect.FieldDescriptor, v any) (protoreflect.Value, error) {
	fail := func() (protoreflect.Value, error) {
		return protoreflect.Value{}, fmt.Errorf("PROTOBUF cannot write %T into the %s field %s", v, fd.Kind(), fd.Name())
	}
	var n int64
	var isInt bool
	switch x := v.(type) {
	case int32:
		n, isInt = int64(x), true
	case int64:
		n, isInt = x, true
	}
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if b, ok := v.(bool); ok {
			return protoreflect.ValueOfBool(b), nil
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if isInt {
			return protoreflect.ValueOfInt32(int32(n)), nil
		}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		if isInt {
			return protoreflect.ValueOfInt64(n), nil
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		if isInt {
			return protoreflect.ValueOfUint32(uint32(n)), nil
		}
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if isInt {
			return protoreflect.ValueOfUint64(uint64(n)), nil
		}
	case protoreflect.FloatKind:
		if f, ok := v.(float64); ok {
			return protoreflect.ValueOfFloat32(float32(f)), nil
		}
	case protoreflect.DoubleKind:
		if f, ok := v.(float64); ok {
			return protoreflect.ValueOfFloat64(f), nil
		}
	case protoreflect.StringKind:
		if s, ok := v.(string); ok {
			return protoreflect.ValueOfString(s), nil
		}
	case protoreflect.EnumKind:
		if s, ok := v.(string); ok {
			if ev := fd.Enum().Values().ByName(protoreflect.Name(s)); ev != nil {
				return protoreflect.ValueOfEnum(ev.Number()), nil
			}
		}
	case protoreflect.BytesKind:
		if b, ok := v.([]byte); ok {
			return protoreflect.ValueOfBytes(b), nil
		}
	}
	return fail()
}

// ProtoSchema returns the compiled writer schema with the given id.
func (r *Registry) ProtoSchema(ctx context.Context, id int) (*protoschema.Schema, error) {
	if !r.Configured() {
		return nil, ErrNoRegistry
	}
	r.mu.Lock()
	ps, ok := r.protoSchemas[id]
	r.mu.Unlock()
	if ok {
		return ps, nil
	}
	s, err := r.Client.SR().SchemaByID(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("fetch schema %d: %w", id, err)
	}
	if s.Type != sr.TypeProtobuf {
		return nil, fmt.Errorf("schema %d is a %s schema, not a PROTOBUF schema", id, s.Type)
	}
	deps := map[string]string{}
	for _, ref := range s.References {
		rs, err := r.Client.SR().SchemaByVersion(ctx, ref.Subject, ref.Version)
		if err != nil {
			return nil, fmt.Errorf("schema %d: reference %s: %w", id, ref.Name, err)
		}
		deps[ref.Name] = rs.Schema.Schema
	}
	ps, err = protoschema.Parse(s.Schema, deps)
	if err != nil {
		return nil, fmt.Errorf("schema %d: %w", id, err)
	}
	r.mu.Lock()
	if r.protoSchemas == nil {
		r.protoSchemas = map[int]*protoschema.Schema{}
	}
	r.protoSchemas[id] = ps
	r.mu.Unlock()
	return ps, nil
}

// decodeProtobuf reads a PROTOBUF record: the writer's schema by its id,
// the message its index array names, each field into the column of its
// name (else its upper-cased name), checked as ConnectDataTranslator does.
func (s *Serde) decodeProtobuf(ctx context.Context, b []byte, out []any) ([]any, error) {
	if len(b) < 5 || b[0] != 0 {
		return nil, fmt.Errorf("Unknown magic byte!")
	}
	id := int(binary.BigEndian.Uint32(b[1:5]))
	ps, err := s.Registry.ProtoSchema(ctx, id)
	if err != nil {
		return nil, err
	}
	idx, rest, err := messageIndexes(b[5:])
	if err != nil {
		return nil, err
	}
	md, err := ps.MessageByIndexes(idx)
	if err != nil {
		return nil, err
	}
	md = protoMapsAsLists(md) // map entries in the order written
	m := dynamicpb.NewMessage(md)
	if err := (proto.UnmarshalOptions{}).Unmarshal(rest, m); err != nil {
		return nil, fmt.Errorf("Failed to deserialize Protobuf data: %w", err)
	}
	fds := md.Fields()
	for j := 0; j < fds.Len(); j++ {
		fd := fds.Get(j)
		i := s.columnIndex(string(fd.Name()))
		if i < 0 {
			continue
		}
		c := s.Cols[i]
		x, err := protoColumnValue(m, fd, c.Type, "->"+c.Name)
		if err != nil {
			return nil, err
		}
		out[i] = x
	}
	return out, nil
}

// messageIndexes reads the wire format's message-index array: a zig-zag
// varint count, then that many zig-zag varint indexes; a count of 0 is [0].
func messageIndexes(b []byte) ([]int, []byte, error) {
	n, k := protowire.ConsumeVarint(b)
	if k < 0 {
		return nil, nil, errors.New("Failed to deserialize Protobuf data: invalid message indexes")
	}
	b = b[k:]
	count := protowire.DecodeZigZag(n)
	if count == 0 {
		return []int{0}, b, nil
	}
	if count < 0 || count > 100 {
		return nil, nil, fmt.Errorf("Failed to deserialize Protobuf data: invalid message index count %d", count)
	}
	idx := make([]int, count)
	for i := range idx {
		v, k := protowire.ConsumeVarint(b)
		if k < 0 {
			return nil, nil, errors.New("Failed to deserialize Protobuf data: invalid message indexes")
		}
		idx[i] = int(protowire.DecodeZigZag(v))
		b = b[k:]
	}
	return idx, b, nil
}

// protoConnectKind is the Connect type ProtobufData.toConnectSchema gives
// a field (repeated-ness aside).
func protoConnectKind(fd protoreflect.FieldDescriptor) string {
	if _, _, ok := protoMapEntry(fd); ok {
		return "map"
	}
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return "boolean"
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return "int32"
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind,
		protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind,
		protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return "int64"
	case protoreflect.FloatKind:
		return "float32"
	case protoreflect.DoubleKind:
		return "float64"
	case protoreflect.StringKind, protoreflect.EnumKind:
		return "string"
	case protoreflect.BytesKind:
		return "bytes"
	case protoreflect.MessageKind, protoreflect.GroupKind:
		if w := protoWrapperKind(fd.Message()); w != "" {
			return w
		}
		switch fd.Message().FullName() {
		case "google.protobuf.Timestamp":
			return "timestamp"
		case "google.type.Date":
			return "date"
		case "google.type.TimeOfDay":
			return "time"
		case "confluent.type.Decimal":
			return "decimal"
		}
		return "struct"
	}
	return string(fd.Kind().String())
}

// protoWrapperKind maps the google.protobuf wrapper messages to the
// optional primitive they carry.
func protoWrapperKind(md protoreflect.MessageDescriptor) string {
	switch md.FullName() {
	case "google.protobuf.BoolValue":
		return "boolean"
	case "google.protobuf.Int32Value":
		return "int32"
	case "google.protobuf.UInt32Value", "google.protobuf.Int64Value", "google.protobuf.UInt64Value":
		return "int64"
	case "google.protobuf.FloatValue":
		return "float32"
	case "google.protobuf.DoubleValue":
		return "float64"
	case "google.protobuf.StringValue":
		return "string"
	case "google.protobuf.BytesValue":
		return "bytes"
	}
	return ""
}

// protoColumnValue reads field fd of m into column type t.
func protoColumnValue(m protoreflect.Message, fd protoreflect.FieldDescriptor, t types.Type, path string) (any, error) {
	if kfd, vfd, ok := protoMapEntry(fd); ok {
		return protoMapValue(m, fd, kfd, vfd, t, path)
	}
	kind := protoConnectKind(fd)
	if fd.IsList() {
		if t.Kind() != types.KindArray {
			return nil, fmt.Errorf("Cannot deserialize type array as type %s for path: %s", connectKindOf(t), path)
		}
		list := m.Get(fd).List()
		items := make([]any, list.Len())
		for i := range items {
			x, err := protoScalar(list.Get(i), fd, kind, t.Elem, path+"->ARRAY")
			if err != nil {
				return nil, err
			}
			items[i] = x
		}
		return items, nil
	}
	if (fd.Message() != nil || fd.HasPresence()) && !m.Has(fd) {
		return nil, nil // an absent message or optional field is null
	}
	return protoScalar(m.Get(fd), fd, kind, t, path)
}

func protoScalar(v protoreflect.Value, fd protoreflect.FieldDescriptor, kind string, t types.Type, path string) (any, error) {
	if kind == "date" || kind == "time" {
		return protoDateOrTimeValue(v.Message(), kind, t, path)
	}
	if kind == "decimal" {
		return protoDecimalValue(v.Message(), t, path)
	}
	if kind == "timestamp" {
		if t.Kind() != types.KindTimestamp {
			return nil, fmt.Errorf("Cannot deserialize type timestamp as type %s for path: %s", connectKindOf(t), path)
		}
		m := v.Message()
		md := fd.Message()
		secs := m.Get(md.Fields().ByNumber(1)).Int()
		nanos := m.Get(md.Fields().ByNumber(2)).Int()
		return types.TimestampVal(secs*1000 + nanos/1_000_000), nil
	}
	if kind == "bytes" && t.Kind() == types.KindBytes {
		if md := fd.Message(); md != nil { // google.protobuf.BytesValue
			v = v.Message().Get(md.Fields().ByNumber(1))
		}
		return bytes.Clone(v.Bytes()), nil
	}
	if err := checkConnectType(t, &connectNode{kind: kind}, path); err != nil {
		return nil, err
	}
	if md := fd.Message(); md != nil && kind != "struct" {
		if protoWrapperKind(md) == "" {
			return nil, fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", kind, connectKindOf(t), path)
		}
		// a wrapper: its field 1 holds the value
		w := v.Message()
		vf := md.Fields().ByNumber(1)
		v = w.Get(vf)
		fd = vf
	}
	if kind == "struct" {
		sub := v.Message()
		sv := &types.StructVal{Type: t, Vals: make([]any, len(t.Fields))}
		sfds := fd.Message().Fields()
		for j := 0; j < sfds.Len(); j++ {
			sfd := sfds.Get(j)
			name := string(sfd.Name())
			i, ft, ok := t.Field(name)
			if !ok {
				name = strings.ToUpper(name)
				if i, ft, ok = t.Field(name); !ok {
					continue
				}
			}
			x, err := protoColumnValue(sub, sfd, ft, path+"->"+name)
			if err != nil {
				return nil, err
			}
			sv.Vals[i] = x
		}
		return sv, nil
	}
	var x any
	switch fd.Kind() {
	case protoreflect.BoolKind:
		x = v.Bool()
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		x = int64(v.Int())
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		x = v.Int()
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind, protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		x = int64(v.Uint())
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		x = v.Float()
	case protoreflect.StringKind:
		x = v.String()
	case protoreflect.EnumKind:
		if ev := fd.Enum().Values().ByNumber(v.Enum()); ev != nil {
			x = string(ev.Name())
		} else {
			x = strconv.Itoa(int(v.Enum()))
		}
	default:
		return nil, fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", kind, connectKindOf(t), path)
	}
	switch t.Kind() {
	case types.KindInteger:
		return int32(x.(int64)), nil
	case types.KindBigint:
		return x.(int64), nil
	case types.KindDouble:
		if kind == "float32" {
			return float64(float32(x.(float64))), nil
		}
		return x.(float64), nil
	case types.KindBoolean:
		return x, nil
	case types.KindString:
		return types.Format(x), nil
	}
	return nil, fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", kind, connectKindOf(t), path)
}

// protoColumnType is the column type ksqlDB infers for a field; upper
// upper-cases the names of the STRUCT fields in it, at every depth
// (ConnectKsqlSchemaTranslator.toKsqlStructSchema's UPPERCASE_FIELD_NAME
// policy, ORIGINAL_FIELD_NAME for a schema id).
func protoColumnType(fd protoreflect.FieldDescriptor, depth int, upper bool) (types.Type, error) {
	if depth > 32 {
		return types.Null, stmterr.Unsupported("PROTOBUF messages nested this deep")
	}
	var t types.Type
	kind := protoConnectKind(fd)
	switch kind {
	case "boolean":
		t = types.Boolean
	case "int32":
		t = types.Integer
	case "int64":
		t = types.Bigint
	case "float32", "float64":
		t = types.Double
	case "string":
		t = types.String
	case "bytes":
		t = types.Bytes
	case "timestamp":
		t = types.Timestamp
	case "date":
		t = types.Date
	case "time":
		t = types.Time
	case "decimal":
		dt, err := protoDecimalColumnType(fd)
		if err != nil {
			return types.Null, err
		}
		t = dt
	case "map":
		kfd, vfd, _ := protoMapEntry(fd)
		return protoMapColumnType(kfd, vfd, depth, upper)
	case "struct":
		sfds := fd.Message().Fields()
		fields := make([]types.Field, 0, sfds.Len())
		for j := 0; j < sfds.Len(); j++ {
			ft, err := protoColumnType(sfds.Get(j), depth+1, upper)
			if err != nil {
				return types.Null, err
			}
			name := string(sfds.Get(j).Name())
			if upper {
				name = strings.ToUpper(name)
			}
			fields = append(fields, types.Field{Name: name, Type: ft})
		}
		t = types.StructOf(fields)
	default:
		return types.Null, stmterr.Unsupported("column type " + strings.ToUpper(kind) + " of PROTOBUF field " + string(fd.Name()))
	}
	if fd.IsList() {
		t = types.ArrayOf(t)
	}
	return t, nil
}

// ProtoMessageColumns maps a message's fields to columns, skipping the
// names already declared: upper-cased for a topic's latest schema, with
// the fields' own names (keepNames) for the schema a VALUE_SCHEMA_ID names
// (elements.json, "validate schema id without value elements OK -
// PROTOBUF": `c1` INT).
func ProtoMessageColumns(md protoreflect.MessageDescriptor, taken map[string]bool, keepNames bool) ([]types.Column, error) {
	var cols []types.Column
	fds := md.Fields()
	for j := 0; j < fds.Len(); j++ {
		t, err := protoColumnType(fds.Get(j), 0, !keepNames)
		if err != nil {
			return nil, err
		}
		name := string(fds.Get(j).Name())
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
