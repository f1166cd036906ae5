package ksqldb

import (
	"testing"
	"time"
)

// timestampStream is a stream whose rows take their time from a text
// column, parsed with a format.
const timestampStream = "CREATE STREAM readings (k STRING KEY, id BIGINT, ts STRING) WITH (kafka_topic='readings', partitions=1, value_format='JSON', timestamp='ts', timestamp_format='yy-MM-dd HH:mm:ssX');"

// With ksql.timestamp.throw.on.invalid=true a record whose timestamp does
// not parse stops the query: LoggingTimestampExtractor logs it and throws
// again, and Kafka Streams fails the stream thread ("Fatal user code error
// in TimestampExtractor callback for record"), so the query is in ERROR and
// nothing after the record comes out. By default the record is skipped
// (query-validation-tests timestamp-extractor.json "source throw on invalid
// timestamp extractor with format"; KsqlConfig.KSQL_TIMESTAMP_THROW_ON_INVALID).
func TestTimestampThrowOnInvalidFailsTheQuery(t *testing.T) {
	const (
		good  = `{"ID":1,"TS":"24-05-01 10:00:00Z"}`
		bad   = `{"ID":2,"TS":"!!!!!!!!!!!!!!!!!"}`
		after = `{"ID":3,"TS":"24-05-01 10:00:01Z"}`
	)
	for _, c := range []struct{ name, stmt, sink, first, guarantee string }{
		{"a projection", "CREATE STREAM stamped AS SELECT k, id FROM readings;", "STAMPED", `{"ID":1}`, ""},
		{"a projection, exactly once", "CREATE STREAM stamped AS SELECT k, id FROM readings;", "STAMPED", `{"ID":1}`, "exactly_once_v2"},
		{"an aggregation that repartitions", "CREATE TABLE counted AS SELECT id, COUNT(*) AS n FROM readings GROUP BY id;", "COUNTED", `{"N":1}`, ""},
	} {
		t.Run("throws: the query fails at the record, "+c.name, func(t *testing.T) {
			st := newStack(t)
			_, url := st.serve()
			mustKSQL(t, url, timestampStream, nil)
			props := map[string]any{"auto.offset.reset": "earliest", "ksql.timestamp.throw.on.invalid": true}
			if c.guarantee != "" {
				props["processing.guarantee"] = c.guarantee
			}
			mustKSQL(t, url, c.stmt, props)
			id := queryWriting(t, url, c.sink)
			st.produceValues("readings", good, bad, after)
			waitFor(t, func() bool { return queryStates(t, url)[id] == "ERROR" }, "the query in ERROR")
			time.Sleep(time.Second)
			for _, v := range sinkValues(st, c.sink, int(st.endOffset(c.sink))) {
				if v != c.first {
					t.Errorf("sink holds %s; only the record before the bad one may come out", v)
				}
			}
		})
	}
	t.Run("by default: the record is skipped", func(t *testing.T) {
		st := newStack(t)
		_, url := st.serve()
		mustKSQL(t, url, timestampStream, nil)
		mustKSQL(t, url, "CREATE STREAM stamped AS SELECT k, id FROM readings;", earliest())
		id := queryWriting(t, url, "STAMPED")
		st.produceValues("readings", good, bad, after)
		sameLines(t, "STAMPED", sinkValues(st, "STAMPED", 2), []string{`{"ID":1}`, `{"ID":3}`})
		if got := queryStates(t, url)[id]; got != "RUNNING" {
			t.Errorf("state %q, want RUNNING", got)
		}
	})
}
