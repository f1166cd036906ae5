package ksqldb

import "testing"

// BETWEEN compares a DATE, TIME or TIMESTAMP with string bounds parsed as
// the value's type, as its two comparisons do (SqlToJavaVisitor;
// query-validation-tests date.json, time.json and timestamp.json
// "between", confluentinc/ksql v7.9.0).
func TestBetweenParsesStringBoundsAsTheTemporalType(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	st.createTopic("shifts", 1)
	mustKSQL(t, url, `CREATE STREAM shifts (d DATE, t TIME, ts TIMESTAMP) WITH (KAFKA_TOPIC='shifts', VALUE_FORMAT='JSON');
CREATE STREAM by_day AS SELECT d FROM shifts WHERE d BETWEEN '1970-01-04' AND '1970-01-10';
CREATE STREAM by_time AS SELECT t FROM shifts WHERE t BETWEEN '00:00:00.005' AND '00:00:00.010';
CREATE STREAM by_ts AS SELECT ts FROM shifts WHERE ts BETWEEN '1970-01-01T00:00:00.005' AND '1970-01-01T00:00:00.010';`, earliest())
	st.produceValues("shifts", `{"D":1,"T":1,"TS":1}`, `{"D":6,"T":6,"TS":6}`, `{"D":12,"T":12,"TS":12}`, `{"D":null,"T":null,"TS":null}`)
	sameLines(t, "BY_DAY", sinkValues(st, "BY_DAY", 1), []string{`{"D":6}`})
	sameLines(t, "BY_TIME", sinkValues(st, "BY_TIME", 1), []string{`{"T":6}`})
	sameLines(t, "BY_TS", sinkValues(st, "BY_TS", 1), []string{`{"TS":6}`})
}
