package ksqldb

import (
	"strings"
	"testing"
)

// The reference page "Time units and formats", run over the REST API: each
// time unit (plural, and the singular SqlBase.g4's windowUnit also takes)
// sizes a window and steps TIMESTAMPADD, and the page's three TIMESTAMP_
// FORMAT examples declare streams whose ROWTIME is read from
// event_timestamp.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/time/

var docsTimeUnits = []struct {
	unit   string
	millis int64
}{
	{"DAYS", 86400000}, {"HOURS", 3600000}, {"MINUTES", 60000}, {"SECONDS", 1000}, {"MILLISECONDS", 1},
	{"DAY", 86400000}, {"HOUR", 3600000}, {"MINUTE", 60000}, {"SECOND", 1000}, {"MILLISECOND", 1},
}

// A TUMBLING window of SIZE 2 <unit> ends two units after it starts.
func TestDocsTimeUnitsSizeWindows(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM S (K VARCHAR KEY, V INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');", nil)
	st.produceTimed("s", timed{[]byte("k"), `{"V":1}`, 0})
	for _, u := range docsTimeUnits {
		q := "SELECT K, WINDOWSTART, WINDOWEND, COUNT(*) FROM S WINDOW TUMBLING (SIZE 2 " + u.unit + ") GROUP BY K EMIT CHANGES;"
		if got, want := streamRows(t, url, q, 1)[0], `["k",0,`+itoa(2*u.millis)+`,1]`; got != want {
			t.Errorf("%s: %s, want %s", u.unit, got, want)
		}
	}
}

// HOPPING's ADVANCE BY, SESSION's gap and a stream-stream join's WITHIN
// take the units too: a row at 45 s falls in the 1-minute windows opened
// at 0 s and 30 s, two rows 4 minutes apart share a 5-minute session, and
// rows 1.5 s apart join WITHIN 2 SECONDS.
func TestDocsTimeUnitsInAdvanceBySessionAndWithin(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S (K VARCHAR KEY, V INT) WITH (kafka_topic='s', partitions=1, value_format='JSON');
CREATE STREAM R (K VARCHAR KEY, W INT) WITH (kafka_topic='r', partitions=1, value_format='JSON');`, nil)
	st.produceTimed("s", timed{[]byte("k"), `{"V":1}`, 45000})
	st.produceTimed("r", timed{[]byte("k"), `{"W":2}`, 46500})
	rows := streamRows(t, url, "SELECT K, WINDOWSTART, COUNT(*) FROM S WINDOW HOPPING (SIZE 1 MINUTE, ADVANCE BY 30 SECONDS) GROUP BY K EMIT CHANGES;", 2)
	if got := strings.Join(rows, " "); got != `["k",0,1] ["k",30000,1]` {
		t.Errorf("hopping windows %s", got)
	}
	st.produceTimed("s", timed{[]byte("k"), `{"V":3}`, 285000})
	rows = streamRows(t, url, "SELECT K, WINDOWSTART, WINDOWEND, COUNT(*) FROM S WINDOW SESSION (5 MINUTES) GROUP BY K EMIT CHANGES;", 2)
	if got := rows[1]; got != `["k",45000,285000,2]` {
		t.Errorf("session rows %v, want the merged session last", rows)
	}
	if got := streamRows(t, url, "SELECT S.K, V, W FROM S JOIN R WITHIN 2 SECONDS ON S.K = R.K EMIT CHANGES;", 1)[0]; got != `["k",1,2]` {
		t.Errorf("join WITHIN 2 SECONDS: %s", got)
	}
}

// TIMESTAMPADD takes each reserved unit word as its first argument; DAY,
// HOUR, MINUTE and SECOND are nonReserved words (SqlBase.g4), which a
// function argument reads as an expression first: a column, here unknown.
func TestDocsTimeUnitsAreFunctionParameters(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM S (K VARCHAR KEY, TS TIMESTAMP) WITH (kafka_topic='s', partitions=1, value_format='JSON');
INSERT INTO S (K, TS) VALUES ('k', FROM_UNIXTIME(0));`, nil)
	for _, u := range docsTimeUnits {
		q := "SELECT UNIX_TIMESTAMP(TIMESTAMPADD(" + u.unit + ", 3, TS)) AS T FROM S EMIT CHANGES;"
		switch u.unit {
		case "DAY", "HOUR", "MINUTE", "SECOND":
			_, body := stmtErr(t, url, "CREATE STREAM X AS "+q)
			if msg, _ := body["message"].(string); !strings.Contains(msg, "column '"+u.unit+"' cannot be resolved") {
				t.Errorf("TIMESTAMPADD(%s, 3, 0): %q, want an unknown column", u.unit, msg)
			}
			continue
		}
		row := streamRows(t, url, q, 1)[0]
		if want := "[" + itoa(3*u.millis) + "]"; row != want {
			t.Errorf("TIMESTAMPADD(%s, 3, 0): %s, want %s", u.unit, row, want)
		}
	}
}

// The first two formats parse their example datestrings into ROWTIME:
// 2017-11-17T12:53:45Z, and 2001.07.04 AD at 12:08:56 PDT (UTC-7). The
// third, after SQL's quote escaping, is the Java pattern
// hh 'o'clock' a, zzzz, whose quotes enclose only the o: ksqlDB checks it
// with DateTimeFormatter.ofPattern when it reads the WITH clause and
// refuses the unknown pattern letter l (PropertiesConfig.
// validateDateTimeFormat; CreateSourcePropertiesTest
// shouldThrowOnConstructionInvalidTimestampFormat).
func TestDocsTimeTimestampFormatExamples(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, c := range []struct{ topic, format, datestring, rowtime string }{
		{"test_topic", "yyyy-MM-dd''T''HH:mm:ssX", "2017-11-17T12:53:45Z", "1510923225000"},
		{"test_topic2", "yyyy.MM.dd G ''at'' HH:mm:ss z", "2001.07.04 AD at 12:08:56 PDT", "994273736000"},
	} {
		mustKSQL(t, url, `DROP STREAM IF EXISTS TEST;
CREATE STREAM TEST (id BIGINT KEY, event_timestamp VARCHAR)
  WITH (
    kafka_topic='`+c.topic+`',
    partitions=1,
    value_format='JSON',
    timestamp='event_timestamp',
    timestamp_format='`+c.format+`'
  );`, nil)
		st.produce(c.topic, kv{nil, []byte(`{"EVENT_TIMESTAMP":"` + c.datestring + `"}`)})
		if got, want := streamRows(t, url, "SELECT ROWTIME, event_timestamp FROM TEST EMIT CHANGES;", 1)[0], `[`+c.rowtime+`,"`+c.datestring+`"]`; got != want {
			t.Errorf("%s: %s, want %s", c.format, got, want)
		}
	}
	code, out := stmtErr(t, url, `CREATE STREAM TEST3 (id BIGINT KEY, event_timestamp VARCHAR)
  WITH (
    kafka_topic='test_topic3',
    partitions=1,
    value_format='JSON',
    timestamp='event_timestamp',
    timestamp_format='hh ''o''clock'' a, zzzz'
  );`)
	if msg, _ := out["message"].(string); code != 400 || msg != "Invalid datetime format for config:TIMESTAMP_FORMAT, reason:Unknown pattern letter: l" {
		t.Errorf("o'clock format: %d %v", code, out["message"])
	}
}
