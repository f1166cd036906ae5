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
	if hdr != "`ID` STRING KEY, `DATE` DATE" {
		t.Errorf("push header %s", hdr)
	}
	sameLines(t, "push rows", rows, []string{`["a","1970-01-11"]`, `["b","1969-12-22"]`})
	_, prow, _ := pullRows(t, url, "SELECT id, time FROM clock2;")
	sameLines(t, "pull rows", prow, []string{"[a 12:34:56]"})

	mustKSQL(t, url, "CREATE STREAM days WITH (KAFKA_TOPIC='TEST2', VALUE_FORMAT='PROTOBUF'); CREATE STREAM clocks WITH (KAFKA_TOPIC='CLOCK2', VALUE_FORMAT='PROTOBUF');", nil)
	if schema, _ := rawDescribeSchema(t, url, "DAYS"); schema != "`DATE` DATE" {
		t.Errorf("inferred DAYS %s", schema)
	}
	if schema, _ := rawDescribeSchema(t, url, "CLOCKS"); schema != "`TIME` TIME" {
		t.Errorf("inferred CLOCKS %s", schema)
	}
}
