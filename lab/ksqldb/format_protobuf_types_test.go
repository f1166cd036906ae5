package ksqldb

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
)

// DATE and TIME columns in the registry PROTOBUF format are the messages
// ProtobufData's logical converters write, google.type.Date (year, month,
// day) and google.type.TimeOfDay (hours, minutes, seconds, nanos), in a
// schema that imports their built-in files without references. The schema
// texts are the ones ksqlDB registers in query-validation-tests date.json
// and time.json "PROTOBUF in/out" (historical_plans/date_-_PROTOBUF_in_out
// and time_-_PROTOBUF_in_out, confluentinc/ksql v7.9.0); the rows are
// date test's days 10 and -10; the time is 12:34:56.010, which the REST
// API writes without its milliseconds (SqlTimeTypes.formatTime:
// LocalTime.ofSecondOfDay). A stream declared without columns infers DATE
// and TIME from the two messages (ProtobufData.toConnectSchema's Date and
// Time logical types). The message bytes follow
// googleapis' date.proto and timeofday.proto field numbers.
func TestProtobufDateAndTimeColumnsAreGoogleTypeMessages(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, date DATE) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE STREAM test2 AS SELECT * FROM test;", earliest())
	mustKSQL(t, url, "CREATE STREAM clock (id STRING KEY, time TIME) WITH (KAFKA_TOPIC='clock', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE STREAM clock2 AS SELECT * FROM clock;", earliest())
	mustKSQL(t, url, "INSERT INTO test (id, date) VALUES ('a', '1970-01-11'); INSERT INTO test (id, date) VALUES ('b', '1969-12-22');", nil)
	mustKSQL(t, url, "INSERT INTO clock (id, time) VALUES ('a', '12:34:56.010');", nil)

	dates := st.consumeRecords("TEST2", 2)
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(dates[0].Value[1:5]))
	if want := "syntax = \"proto3\";\n\nimport \"google/type/date.proto\";\n\nmessage ConnectDefault1 {\n  google.type.Date DATE = 1;\n}\n"; text != want {
		t.Errorf("DATE schema\n got %q\nwant %q", text, want)
	}
	// index [0], then field 1: Date{year 1970, month 1, day 11} and
	// Date{year 1969, month 12, day 22}
	for i, want := range []string{"000a0708b20f1001180b", "000a0708b10f100c1816"} {
		if got := hex.EncodeToString(dates[i].Value[5:]); got != want {
			t.Errorf("DATE record %d: %s, want %s", i, got, want)
		}
	}
	times := st.consumeRecords("CLOCK2", 1)
	_, text = registeredSchema(t, regURL, binary.BigEndian.Uint32(times[0].Value[1:5]))
	if want := "syntax = \"proto3\";\n\nimport \"google/type/timeofday.proto\";\n\nmessage ConnectDefault1 {\n  google.type.TimeOfDay TIME = 1;\n}\n"; text != want {
		t.Errorf("TIME schema\n got %q\nwant %q", text, want)
	}
	// TimeOfDay{hours 12, minutes 34, seconds 56, nanos 10000000}
	if got := hex.EncodeToString(times[0].Value[5:]); got != "000a0b080c102218382080ade204" {
		t.Errorf("TIME record %s", got)
	}

	hdr, rows := rawPushRows(t, url, "SELECT id, date FROM test2 EMIT CHANGES LIMIT 2;", 2)
	if hdr != "`ID` STRING, `DATE` DATE" {
		t.Errorf("push header %s", hdr)
	}
	sameLines(t, "push rows", rows, []string{`["a","1970-01-11"]`, `["b","1969-12-22"]`})
	_, prow, _ := pullRows(t, url, "SELECT id, time FROM clock2;")
	sameLines(t, "pull rows", prow, []string{"[a 12:34:56]"})

	mustKSQL(t, url, "CREATE STREAM `DAYS` WITH (KAFKA_TOPIC='TEST2', VALUE_FORMAT='PROTOBUF'); CREATE STREAM clocks WITH (KAFKA_TOPIC='CLOCK2', VALUE_FORMAT='PROTOBUF');", nil)
	if schema, _ := rawDescribeSchema(t, url, "`DAYS`"); schema != "`DATE` DATE" {
		t.Errorf("inferred DAYS %s", schema)
	}
	if schema, _ := rawDescribeSchema(t, url, "CLOCKS"); schema != "`TIME` TIME" {
		t.Errorf("inferred CLOCKS %s", schema)
	}
}

// DECIMAL columns in PROTOBUF are confluent.type.Decimal messages: the
// unscaled value as BigInteger.toByteArray writes it (two's complement,
// big-endian, shortest), then the value's own BigDecimal precision and
// scale (DecimalUtils.fromBigDecimal, schema-registry v7.9.9
// protobuf-types); the column's precision and scale go in the field's
// (confluent.field_meta) option. The schema text is the one in
// historical_plans/decimal_-_PROTOBUF_in_out, the values those of
// query-validation-tests decimal.json "PROTOBUF in/out" and "PROTOBUF should
// not trim trailing zeros" (confluentinc/ksql v7.9.0); a stream declared
// without columns infers DECIMAL(21, 19) from the option, as
// ProtobufData.toConnectSchema reads it.
func TestProtobufDecimalColumnsAreConfluentDecimalMessages(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM test (id STRING KEY, dec DECIMAL(21,19)) WITH (KAFKA_TOPIC='test', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE STREAM test2 AS SELECT * FROM test;", earliest())
	mustKSQL(t, url, "CREATE STREAM input (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	mustKSQL(t, url, "INSERT INTO test (id, dec) VALUES ('a', 10.1234512345123451234);", nil)
	mustKSQL(t, url, "INSERT INTO input (id, dec) VALUES ('a', 10.0); INSERT INTO input (id, dec) VALUES ('b', -1.5); INSERT INTO input (id, dec) VALUES ('c', 0);", nil)

	r := st.consumeRecords("TEST2", 1)[0]
	_, text := registeredSchema(t, regURL, binary.BigEndian.Uint32(r.Value[1:5]))
	want := "syntax = \"proto3\";\n\nimport \"confluent/type/decimal.proto\";\n\nmessage ConnectDefault1 {\n  confluent.type.Decimal DEC = 1 [(confluent.field_meta) = {\n    params: [\n      {\n        value: \"21\",\n        key: \"precision\"\n      },\n      {\n        value: \"19\",\n        key: \"scale\"\n      }\n    ]\n  }];\n}\n"
	if text != want {
		t.Errorf("DECIMAL schema\n got %q\nwant %q", text, want)
	}
	// Decimal{value 05 7c e9 3c 9d 4c fa f1 62, precision 21, scale 19}
	if got := hex.EncodeToString(r.Value[5:]); got != "00"+"0a0f0a09057ce93c9d4cfaf16210151813" {
		t.Errorf("DECIMAL(21,19) record %s", got)
	}
	// 10.0000 (unscaled 100000, precision 6), -1.5000 (-15000 is c5 68,
	// precision 5), 0.0000 (unscaled 0 as the one byte 00, precision 1)
	for i, want := range []string{"0a090a030186a010061804", "0a080a02c56810051804", "0a070a010010011804"} {
		if got := hex.EncodeToString(st.consumeRecords("OUTPUT", 3)[i].Value[5:]); got != "00"+want {
			t.Errorf("DECIMAL(6,4) record %d: %s, want 00%s", i, got, want)
		}
	}

	_, rows := rawPushRows(t, url, "SELECT id, dec FROM test2 EMIT CHANGES LIMIT 1;", 1)
	sameLines(t, "DECIMAL(21,19) rows", rows, []string{`["a",10.1234512345123451234]`})
	_, rows = rawPushRows(t, url, "SELECT id, dec FROM output EMIT CHANGES LIMIT 3;", 3)
	sameLines(t, "DECIMAL(6,4) rows", rows, []string{`["a",10.0000]`, `["b",-1.5000]`, `["c",0.0000]`})

	mustKSQL(t, url, "CREATE STREAM inferred WITH (KAFKA_TOPIC='TEST2', VALUE_FORMAT='PROTOBUF');", nil)
	hdr, rows := rawPushRows(t, url, "SELECT dec FROM inferred EMIT CHANGES LIMIT 1;", 1)
	if hdr != "`DEC` DECIMAL(21, 19)" {
		t.Errorf("inferred %s", hdr)
	}
	sameLines(t, "inferred rows", rows, []string{`[10.1234512345123451234]`})
}

// PROTOBUF_NOSR writes the same confluent.type.Decimal message, bare, and
// reads it back: query-validation-tests decimal.json "PROTOBUF_NOSR
// should not trim trailing zeros" (confluentinc/ksql v7.9.0).
func TestProtobufNoSRDecimalColumnsAreConfluentDecimalMessages(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM input (id STRING KEY, dec DECIMAL(6,4)) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='PROTOBUF_NOSR');", nil)
	mustKSQL(t, url, "CREATE STREAM output AS SELECT * FROM input;", earliest())
	mustKSQL(t, url, "INSERT INTO input (id, dec) VALUES ('a', 10.0); INSERT INTO input (id, dec) VALUES ('b', -1.5);", nil)
	recs := st.consumeRecords("OUTPUT", 2)
	for i, want := range []string{"0a090a030186a010061804", "0a080a02c56810051804"} {
		if got := hex.EncodeToString(recs[i].Value); got != want {
			t.Errorf("record %d: %s, want %s", i, got, want)
		}
	}
	_, rows := rawPushRows(t, url, "SELECT id, dec FROM output EMIT CHANGES LIMIT 2;", 2)
	sameLines(t, "rows", rows, []string{`["a",10.0000]`, `["b",-1.5000]`})
}

// python3-confluent-kafka's ProtobufDeserializer, with python3-protobuf
// message classes declared from googleapis' date.proto and timeofday.proto
// and schema-registry's confluent/type/decimal.proto, reads the DATE, TIME
// and DECIMAL values ksqlDB wrote; the script turns the Decimal's
// two's-complement unscaled bytes into a number itself.
func TestPythonReadsProtobufDateTimeAndDecimalRecords(t *testing.T) {
	st := newStack(t)
	regURL, url := st.serveLabRegistry()
	mustKSQL(t, url, "CREATE STREAM ev (id STRING KEY, day DATE, tod TIME, fare DECIMAL(6,4)) WITH (KAFKA_TOPIC='ev', PARTITIONS=1, VALUE_FORMAT='PROTOBUF');", nil)
	mustKSQL(t, url, "CREATE STREAM `DAYS` WITH (KAFKA_TOPIC='days', VALUE_FORMAT='PROTOBUF') AS SELECT id, day AS DAY FROM ev;", earliest())
	mustKSQL(t, url, "CREATE STREAM tods WITH (KAFKA_TOPIC='tods', VALUE_FORMAT='PROTOBUF') AS SELECT id, tod AS TOD FROM ev;", earliest())
	mustKSQL(t, url, "CREATE STREAM fares WITH (KAFKA_TOPIC='fares', VALUE_FORMAT='PROTOBUF') AS SELECT id, fare AS FARE FROM ev;", earliest())
	mustKSQL(t, url, "INSERT INTO ev (id, day, tod, fare) VALUES ('a', '1969-12-22', '12:34:56.010', -1.5);", nil)
	for _, c := range []struct{ topic, field, kind, want string }{
		{"days", "DAY", "date", "1969-12-22"},
		{"tods", "TOD", "time", "12:34:56.010"},
		{"fares", "FARE", "decimal", "-1.5000"},
	} {
		r := st.consumeRecords(c.topic, 1)[0]
		var got struct {
			SchemaType string `json:"schema_type"`
			Value      string `json:"value"`
		}
		runPythonProtobuf(t, &got, "read-type", regURL, c.topic, hex.EncodeToString(r.Value), c.field, c.kind)
		if got.SchemaType != "PROTOBUF" || got.Value != c.want {
			t.Errorf("%s: python read %+v, want %s", c.topic, got, c.want)
		}
	}
}
