package ksqldb

import "testing"

// MIN and MAX take DATE, TIME, TIMESTAMP, STRING and BYTES values too, as
// their own type (MinKudaf, MaxKudaf: createMinDate ... createMinBytes,
// confluentinc/ksql v7.9.0); NULLs are skipped and BYTES are ordered as
// ByteBuffer.compareTo orders them (query-validation-tests
// min-group-by.json and max-group-by.json "... string group by",
// "... bytes group by", "... date group by valid after 7.2.0").
func TestMinMaxOfComparableTypes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM EV (ID BIGINT KEY, S STRING, B BYTES, D DATE, T TIME, TS TIMESTAMP) WITH (kafka_topic='ev', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE R AS SELECT ID, MIN(S) AS S0, MAX(S) AS S1, MIN(B) AS B0, MAX(B) AS B1, MIN(D) AS D0, MAX(T) AS T1, MAX(TS) AS TS1 FROM EV GROUP BY ID;", earliest())
	for _, v := range []string{
		`{"S":"m","B":"fw==","D":10,"T":500,"TS":-5}`,
		`{"S":null,"B":"gA==","D":-3,"T":null,"TS":7}`,
		`{"S":"b","B":null,"D":null,"T":900,"TS":null}`,
	} {
		st.produce("ev", kv{bigintKey(2), []byte(v)})
	}
	sameLines(t, "R", sinkValues(st, "R", 3), []string{
		`{"S0":"m","S1":"m","B0":"fw==","B1":"fw==","D0":10,"T1":500,"TS1":-5}`,
		`{"S0":"m","S1":"m","B0":"gA==","B1":"fw==","D0":-3,"T1":500,"TS1":7}`,
		`{"S0":"b","S1":"m","B0":"gA==","B1":"fw==","D0":-3,"T1":900,"TS1":7}`,
	})
}
