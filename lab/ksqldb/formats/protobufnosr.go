package formats

// PROTOBUF_NOSR: Protobuf without the Schema Registry (ksqlDB 7.3 and
// later; confluentinc/ksql v7.9.0 ksqldb-serde/.../serde/protobuf/
// ProtobufNoSRFormat.java, ProtobufNoSRConverter.java). A record is the
// bare message ProtobufData makes of the columns (protoFile), with no magic
// byte, schema id or message indexes, and nothing is registered; the
// format has no schema inference. DATE and TIME are google.type.Date and
// google.type.TimeOfDay (ProtobufData's logical converters).
//
// Keys: the format supports UNWRAP_SINGLES, so a single key column is
// written unwrapped (SerdeFeaturesFactory.buildKeyFeatures) and
// ProtobufData (confluentinc/schema-registry v7.9.9,
// descriptorFromConnectSchema) makes the root message of its type: a
// primitive is its google.protobuf wrapper (StringValue, Int32Value, ...:
// the value in field 1, which is how they are written here), a STRUCT the
// message ConnectDefault1 of its fields; a null key is null bytes. Several
// key columns are the message of the columns, as values are. A single
// ARRAY or MAP key column, which ProtobufData cannot make a root message
// of, and a DECIMAL or time key column, which its logical converters would
// write as another message than the wrapper, are refused as not supported.

import (
	"fmt"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/ksqldb/stmterr"
	"github.com/ctalab/ctalab/lab/ksqldb/types"
	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

const ProtobufNoSR = "PROTOBUF_NOSR"

// checkProtobufNoSRKey refuses the single key columns not built here.
func checkProtobufNoSRKey(cols []types.Column, key bool) error {
	if !key || len(cols) != 1 {
		return nil
	}
	switch t := cols[0].Type; t {
	case types.Integer, types.Bigint, types.Double, types.Boolean, types.String, types.Bytes:
		return nil
	default:
		if t.Kind() == types.KindStruct {
			return nil
		}
		return stmterr.Unsupported("a single 'PROTOBUF_NOSR' key column of type " + t.String())
	}
}

// protoNoSRUnwrapped reports a single key column, written unwrapped.
func (s *Serde) protoNoSRUnwrapped() bool { return s.key && len(s.Cols) == 1 }

// protoNoSRColumns are the fields of the message a serde reads and
// writes: its columns, or for a single key column its STRUCT's fields or
// the wrapper's value.
func (s *Serde) protoNoSRColumns() []types.Column {
	if !s.protoNoSRUnwrapped() {
		return s.Cols
	}
	t := s.Cols[0].Type
	if t.Kind() != types.KindStruct {
		return []types.Column{{Name: "value", Type: t}}
	}
	cols := make([]types.Column, len(t.Fields))
	for i, f := range t.Fields {
		cols[i] = types.Column{Name: f.Name, Type: f.Type}
	}
	return cols
}

// encodeProtobufNoSR writes the bare message of vals: bytes even when
// every field has its default, as ProtobufNoSRConverter.Serializer writes
// the message's (possibly empty) bytes.
func (s *Serde) encodeProtobufNoSR(vals []any) ([]byte, error) {
	if err := s.prepareProtobufNoSR(); err != nil {
		return nil, err
	}
	if !s.protoNoSRUnwrapped() {
		return s.protoMessageBytes(s.Cols, vals, []byte{})
	}
	v := vals[0]
	if v == nil {
		return nil, nil // fromConnectData gives no message for a null
	}
	if sv, ok := v.(*types.StructVal); ok {
		return s.protoMessageBytes(s.protoNoSRColumns(), sv.Vals, []byte{})
	}
	return s.protoMessageBytes(s.protoNoSRColumns(), []any{v}, []byte{})
}

// prepareProtobufNoSR compiles the columns' message once.
func (s *Serde) prepareProtobufNoSR() error {
	if s.protoMsg != nil {
		return nil
	}
	text, err := protoFile(s.protoNoSRColumns(), s.protoNullable, "")
	if err != nil {
		return err
	}
	ps, err := protoschema.Parse(text, nil)
	if err != nil {
		return fmt.Errorf("compile the PROTOBUF_NOSR schema: %w", err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		return err
	}
	s.protoMsg = md
	return nil
}

// decodeProtobufNoSR reads a bare message of the columns' schema.
func (s *Serde) decodeProtobufNoSR(b []byte, out []any) ([]any, error) {
	if err := s.prepareProtobufNoSR(); err != nil {
		return nil, err
	}
	m := dynamicpb.NewMessage(s.protoMsg)
	if err := (proto.UnmarshalOptions{}).Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("Failed to deserialize Protobuf data: %w", err)
	}
	fds := s.protoMsg.Fields()
	cols := s.protoNoSRColumns()
	vals := make([]any, len(cols))
	for i, c := range cols {
		x, err := protoColumnValue(m, fds.Get(i), c.Type, "->"+c.Name)
		if err != nil {
			return nil, err
		}
		vals[i] = x
	}
	switch {
	case !s.protoNoSRUnwrapped():
		copy(out, vals)
	case s.Cols[0].Type.Kind() == types.KindStruct:
		out[0] = &types.StructVal{Type: s.Cols[0].Type, Vals: vals}
	default:
		out[0] = vals[0]
	}
	return out, nil
}

// protoDateOrTime is ProtobufData's Date and Time converter to Protobuf:
// the UTC calendar date as year, month and day; the time of day as hours,
// minutes, seconds and the milliseconds as nanos. (java.util.Calendar is
// Julian before 1582-10-15; the dates here are proleptic Gregorian.)
func protoDateOrTime(fd protoreflect.FieldDescriptor, v any) (protoreflect.Value, error) {
	md := fd.Message()
	if md == nil {
		return protoreflect.Value{}, fmt.Errorf("a DATE or TIME for the %s field %s", fd.Kind(), fd.Name())
	}
	m := dynamicpb.NewMessage(md)
	set := func(name string, n int) {
		if f := md.Fields().ByName(protoreflect.Name(name)); f != nil {
			m.Set(f, protoreflect.ValueOfInt32(int32(n)))
		}
	}
	switch x := v.(type) {
	case types.DateVal:
		if md.FullName() != "google.type.Date" {
			return protoreflect.Value{}, fmt.Errorf("a DATE for the field %s", fd.Name())
		}
		d := time.Unix(int64(x)*86400, 0).UTC()
		set("year", d.Year())
		set("month", int(d.Month()))
		set("day", d.Day())
	case types.TimeVal:
		if md.FullName() != "google.type.TimeOfDay" {
			return protoreflect.Value{}, fmt.Errorf("a TIME for the field %s", fd.Name())
		}
		ms := int(x)
		set("hours", ms/3_600_000)
		set("minutes", ms/60_000%60)
		set("seconds", ms/1000%60)
		set("nanos", ms%1000*1_000_000)
	}
	return protoreflect.ValueOfMessage(m), nil
}

// protoDateOrTimeValue is ProtobufData's Date and Time converter to
// Connect: a google.type.Date read as its UTC midnight, a TimeOfDay as
// milliseconds of the day.
func protoDateOrTimeValue(m protoreflect.Message, kind string, t types.Type, path string) (any, error) {
	get := func(name string) int {
		if f := m.Descriptor().Fields().ByName(protoreflect.Name(name)); f != nil {
			return int(m.Get(f).Int())
		}
		return 0
	}
	switch {
	case kind == "date" && t.Kind() == types.KindDate:
		y, mo, d := get("year"), get("month"), get("day")
		// Calendar.setLenient(false): a field out of range throws
		day := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if mo < 1 || mo > 12 || day.Day() != d {
			return nil, fmt.Errorf("invalid google.type.Date %d-%d-%d for path: %s", y, mo, d, path)
		}
		days := types.FloorDiv(day.Unix(), 86400)
		if days < math.MinInt32 || days > math.MaxInt32 {
			return nil, fmt.Errorf("google.type.Date %d-%d-%d out of range for path: %s", y, mo, d, path)
		}
		return types.DateVal(days), nil
	case kind == "time" && t.Kind() == types.KindTime:
		h, mi, s, n := get("hours"), get("minutes"), get("seconds"), get("nanos")
		if h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || n < 0 || n > 999_999_999 {
			return nil, fmt.Errorf("invalid google.type.TimeOfDay %d:%d:%d.%d for path: %s", h, mi, s, n, path)
		}
		return types.TimeVal(h*3_600_000 + mi*60_000 + s*1000 + n/1_000_000), nil
	}
	return nil, fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", kind, connectKindOf(t), path)
}
