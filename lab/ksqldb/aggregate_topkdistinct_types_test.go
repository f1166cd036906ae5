package ksqldb

import "testing"

// TOPKDISTINCT takes BYTES, DATE, TIME and TIMESTAMP values as well
// (TopkDistinctKudaf.createTopKDistinctBytes, ...Date, ...Time,
// ...Timestamp, confluentinc/ksql v7.9.0): the result is an ARRAY of the
// column's type, highest first, NULLs skipped and repeats kept once
// (query-validation-tests topk-distinct.json "topk distinct bytes",
// "topk distinct date", "topk distinct time", "topk distinct timestamp").
func TestTopkDistinctTemporalAndBytes(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM EVENTS (ID BIGINT KEY, D DATE, T TIME, TS TIMESTAMP) WITH (kafka_topic='events', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE LATEST AS SELECT ID, TOPKDISTINCT(D, 2) AS DS, TOPKDISTINCT(T, 2) AS TS, TOPKDISTINCT(TS, 2) AS TSS FROM EVENTS GROUP BY ID;", earliest())
	for _, v := range []string{
		`{"D":10,"T":5000,"TS":1000}`,
		`{"D":null,"T":null,"TS":null}`,
		`{"D":-3,"T":7000,"TS":3000}`,
		`{"D":10,"T":7000,"TS":2000}`,
	} {
		st.produce("events", kv{bigintKey(1), []byte(v)})
	}
	sameLines(t, "LATEST", sinkValues(st, "LATEST", 4), []string{
		`{"DS":[10],"TS":[5000],"TSS":[1000]}`,
		`{"DS":[10],"TS":[5000],"TSS":[1000]}`,
		`{"DS":[10,-3],"TS":[7000,5000],"TSS":[3000,1000]}`,
		`{"DS":[10,-3],"TS":[7000,5000],"TSS":[3000,2000]}`,
	})
	for col, want := range map[string]string{"DS": "ARRAY<DATE>", "TS": "ARRAY<TIME>", "TSS": "ARRAY<TIMESTAMP>"} {
		if got := describeFieldType(t, url, "LATEST", col); got != want {
			t.Errorf("%s's type %s, want %s", col, got, want)
		}
	}
}

// BYTES values are ordered as ByteBuffer.compareTo orders them, byte by
// byte as signed values, so 0x01 ranks above 0x80 (TopkDistinctKudaf's
// Comparable bound, confluentinc/ksql v7.9.0).
func TestTopkDistinctBytesSignedOrder(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM BLOBS (ID BIGINT KEY, B BYTES) WITH (kafka_topic='blobs', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE TABLE TOPB AS SELECT ID, TOPKDISTINCT(B, 2) AS BS FROM BLOBS GROUP BY ID;", earliest())
	for _, v := range []string{`{"B":"gA=="}`, `{"B":"AQ=="}`, `{"B":"gA=="}`, `{"B":"Ag=="}`} {
		st.produce("blobs", kv{bigintKey(1), []byte(v)})
	}
	sameLines(t, "TOPB", sinkValues(st, "TOPB", 4), []string{
		`{"BS":["gA=="]}`,
		`{"BS":["AQ==","gA=="]}`,
		`{"BS":["AQ==","gA=="]}`,
		`{"BS":["Ag==","AQ=="]}`,
	})
	if got := describeFieldType(t, url, "TOPB", "BS"); got != "ARRAY<BYTES>" {
		t.Errorf("BS's type %s", got)
	}
}

// TOPKDISTINCT still refuses a BOOLEAN column, for which it has no
// variant (TopkDistinctKudaf, confluentinc/ksql v7.9.0).
func TestTopkDistinctRefusesBoolean(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM FLAGS (ID BIGINT KEY, F BOOLEAN) WITH (kafka_topic='flags', partitions=1, value_format='JSON');", nil)
	code, e := stmtErr(t, url, "CREATE TABLE TOPF AS SELECT ID, TOPKDISTINCT(F, 2) AS FS FROM FLAGS GROUP BY ID;")
	if code != 400 || e["message"] != "Function 'TOPKDISTINCT' does not accept parameters (BOOLEAN, INTEGER)." {
		t.Errorf("TOPKDISTINCT(BOOLEAN): %d %v", code, e)
	}
}
