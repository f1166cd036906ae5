package ksqldb

import (
	"context"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/ctalab/ctalab/lab/registry/protoschema"
)

// The message ksqlDB's PROTOBUF_NOSR format reads and writes for the
// columns (ID BIGINT, NAME STRING, TAGS ARRAY<STRING>), written by hand as
// ProtobufData.fromConnectSchema names it: ConnectDefault1, fields numbered
// in column order.
const nosrProto = `syntax = "proto3";
message ConnectDefault1 {
  int64 ID = 1;
  string NAME = 2;
  repeated string TAGS = 3;
}
`

func nosrMessage(t *testing.T) protoreflect.MessageDescriptor {
	t.Helper()
	ps, err := protoschema.Parse(nosrProto, nil)
	if err != nil {
		t.Fatal(err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		t.Fatal(err)
	}
	return md
}

// PROTOBUF_NOSR (ksqlDB 7.3 and later: ksqldb-serde/.../protobuf/
// ProtobufNoSRFormat.java, ProtobufNoSRConverter.java) reads and writes
// bare Protobuf messages, without the Schema Registry's magic byte, schema
// id and message indexes, in the message the columns make; nothing is
// registered. query-validation-tests bytes.json "PROTOBUF_NOSR in/out".
func TestProtobufNoSRReadsAndWritesBareMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	md := nosrMessage(t)
	m := dynamicpb.NewMessage(md)
	m.Set(md.Fields().ByName("ID"), protoreflect.ValueOfInt64(7))
	m.Set(md.Fields().ByName("NAME"), protoreflect.ValueOfString("Clark/Lake"))
	tags := m.Mutable(md.Fields().ByName("TAGS")).List()
	tags.Append(protoreflect.ValueOfString("loop"))
	tags.Append(protoreflect.ValueOfString("blue"))
	in, err := proto.MarshalOptions{Deterministic: true}.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM input (k STRING KEY, id BIGINT, name STRING, tags ARRAY<STRING>) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='PROTOBUF_NOSR');", nil)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "input", Key: []byte("a"), Value: in}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	out := st.consumeRecords("OUTPUT", 1)[0]
	got := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(out.Value, got); err != nil {
		t.Fatalf("output %x is not a bare ConnectDefault1 message: %v", out.Value, err)
	}
	if !proto.Equal(got, m) {
		t.Errorf("output message %v, want %v", got, m)
	}
	_, rows := rawPushRows(t, url, "SELECT id, name, tags FROM output EMIT CHANGES LIMIT 1;", 1)
	sameLines(t, "row", rows, []string{`[7,"Clark/Lake",["loop","blue"]]`})
}

// google/type/date.proto and timeofday.proto as googleapis publishes
// them (fields year, month, day; hours, minutes, seconds, nanos).
var googleTypeProtos = map[string]string{
	"google/type/date.proto":      "syntax = \"proto3\";\npackage google.type;\nmessage Date { int32 year = 1; int32 month = 2; int32 day = 3; }\n",
	"google/type/timeofday.proto": "syntax = \"proto3\";\npackage google.type;\nmessage TimeOfDay { int32 hours = 1; int32 minutes = 2; int32 seconds = 3; int32 nanos = 4; }\n",
}

// PROTOBUF_NOSR writes DATE as google.type.Date and TIME as
// google.type.TimeOfDay, as ProtobufData's logical converters do
// (confluentinc/schema-registry protobuf-converter/.../ProtobufData.java:
// year, month, day of the UTC calendar date; hours, minutes, seconds and
// the milliseconds as nanos). 18629 days is 2021-01-02; 45296789 ms is
// 12:34:56.789.
func TestProtobufNoSRWritesDateAndTimeAsGoogleTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	const file = `syntax = "proto3";
import "google/type/date.proto";
import "google/type/timeofday.proto";
message ConnectDefault1 {
  google.type.Date DAY = 1;
  google.type.TimeOfDay TOD = 2;
}
`
	ps, err := protoschema.Parse(file, googleTypeProtos)
	if err != nil {
		t.Fatal(err)
	}
	md, err := ps.FirstMessage()
	if err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM input (k STRING KEY, day DATE, tod TIME) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');", nil)
	if err := st.cl.ProduceSync(context.Background(), &kgo.Record{Topic: "input", Key: []byte("a"), Value: []byte(`{"DAY":18629,"TOD":45296789}`)}).FirstErr(); err != nil {
		t.Fatal(err)
	}
	mustKSQL(t, url, "CREATE STREAM output WITH (VALUE_FORMAT='PROTOBUF_NOSR') AS SELECT * FROM input;", earliest())
	out := st.consumeRecords("OUTPUT", 1)[0]
	got := dynamicpb.NewMessage(md)
	if err := proto.Unmarshal(out.Value, got); err != nil {
		t.Fatalf("output %x: %v", out.Value, err)
	}
	day := got.Get(md.Fields().ByName("DAY")).Message()
	tod := got.Get(md.Fields().ByName("TOD")).Message()
	dmd, tmd := day.Descriptor().Fields(), tod.Descriptor().Fields()
	if y, m, d := day.Get(dmd.ByName("year")).Int(), day.Get(dmd.ByName("month")).Int(), day.Get(dmd.ByName("day")).Int(); y != 2021 || m != 1 || d != 2 {
		t.Errorf("DAY %d-%d-%d, want 2021-1-2", y, m, d)
	}
	if h, mi, s, n := tod.Get(tmd.ByName("hours")).Int(), tod.Get(tmd.ByName("minutes")).Int(), tod.Get(tmd.ByName("seconds")).Int(), tod.Get(tmd.ByName("nanos")).Int(); h != 12 || mi != 34 || s != 56 || n != 789000000 {
		t.Errorf("TOD %d:%d:%d.%d, want 12:34:56.789000000", h, mi, s, n)
	}
	_, rows := rawPushRows(t, url, "SELECT day, tod FROM output EMIT CHANGES LIMIT 1;", 1)
	sameLines(t, "row", rows, []string{`["2021-01-02","12:34:56"]`})
}
