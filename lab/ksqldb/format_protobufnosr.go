package ksqldb

// PROTOBUF_NOSR: Protobuf without the Schema Registry (ksqlDB 7.3 and
// later; confluentinc/ksql v7.9.0 ksqldb-serde/.../serde/protobuf/
// ProtobufNoSRFormat.java, ProtobufNoSRConverter.java). A record is the
// bare message ProtobufData makes of the columns (protoFile), with no magic
// byte, schema id or message indexes, and nothing is registered; the
// format has no schema inference. DATE and TIME are google.type.Date and
// google.type.TimeOfDay (ProtobufData's logical converters). Keys in this
// format are refused: a
// single key column would be written unwrapped (UNWRAP_SINGLES), which is
// not built here.

import (
	"fmt"
	"math"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

const fmtProtobufNoSR = "PROTOBUF_NOSR"

// prepareProtobufNoSR compiles the columns' message once.
func (s *serde) prepareProtobufNoSR() error {
	if s.protoMsg != nil {
		return nil
	}
	text, err := protoFile(s.cols)
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
func (s *serde) decodeProtobufNoSR(b []byte, out []any) ([]any, error) {
	if err := s.prepareProtobufNoSR(); err != nil {
		return nil, err
	}
	m := dynamicpb.NewMessage(s.protoMsg)
	if err := (proto.UnmarshalOptions{}).Unmarshal(b, m); err != nil {
		return nil, fmt.Errorf("Failed to deserialize Protobuf data: %w", err)
	}
	fds := s.protoMsg.Fields()
	for i, c := range s.cols {
		x, err := protoColumnValue(m, fds.Get(i), c.Type, "->"+c.Name)
		if err != nil {
			return nil, err
		}
		out[i] = x
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
	case sqlDate:
		if md.FullName() != "google.type.Date" {
			return protoreflect.Value{}, fmt.Errorf("a DATE for the field %s", fd.Name())
		}
		d := time.Unix(int64(x)*86400, 0).UTC()
		set("year", d.Year())
		set("month", int(d.Month()))
		set("day", d.Day())
	case sqlTime:
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
func protoDateOrTimeValue(m protoreflect.Message, kind string, t sqlType, path string) (any, error) {
	get := func(name string) int {
		if f := m.Descriptor().Fields().ByName(protoreflect.Name(name)); f != nil {
			return int(m.Get(f).Int())
		}
		return 0
	}
	switch {
	case kind == "date" && t.kind() == kDate:
		y, mo, d := get("year"), get("month"), get("day")
		// Calendar.setLenient(false): a field out of range throws
		day := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if mo < 1 || mo > 12 || day.Day() != d {
			return nil, fmt.Errorf("invalid google.type.Date %d-%d-%d for path: %s", y, mo, d, path)
		}
		days := floorDiv(day.Unix(), 86400)
		if days < math.MinInt32 || days > math.MaxInt32 {
			return nil, fmt.Errorf("google.type.Date %d-%d-%d out of range for path: %s", y, mo, d, path)
		}
		return sqlDate(days), nil
	case kind == "time" && t.kind() == kTime:
		h, mi, s, n := get("hours"), get("minutes"), get("seconds"), get("nanos")
		if h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59 || n < 0 || n > 999_999_999 {
			return nil, fmt.Errorf("invalid google.type.TimeOfDay %d:%d:%d.%d for path: %s", h, mi, s, n, path)
		}
		return sqlTime(h*3_600_000 + mi*60_000 + s*1000 + n/1_000_000), nil
	}
	return nil, fmt.Errorf("Cannot deserialize type %s as type %s for path: %s", kind, connectKindOf(t), path)
}
