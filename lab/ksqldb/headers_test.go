package ksqldb

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Header columns as confluentinc/ksql's query-validation-tests/
// headers.json runs them (facts from its cases; inputs written here).

// A HEADER('abc') column works in functions and a HEADERS column in
// filters ("Can use header columns in functions", "... in filters"); the
// output records carry their input record's headers, as Kafka Streams
// forwards them.
func TestHeaderColumnsInFunctionsAndFilters(t *testing.T) {
	st := newStack(t)
	st.createTopic("stream-source", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM SOURCE1 (K STRING KEY, HEADER BYTES HEADER('abc'), V BIGINT) WITH (kafka_topic='stream-source', value_format='json');
CREATE STREAM SOURCE2 (K STRING KEY, HEADERS ARRAY<STRUCT<key STRING, value BYTES>> HEADERS, V BIGINT) WITH (kafka_topic='stream-source', value_format='json');
CREATE STREAM LENGTHS AS SELECT K, LEN(HEADER) AS LENGTH FROM SOURCE1;
CREATE STREAM FILTERED AS SELECT K, V FROM SOURCE2 WHERE HEADERS[1]->KEY='abc';`, earliest())
	produceRecords(t, st,
		&kgo.Record{Topic: "stream-source", Key: []byte("k1"), Value: []byte(`{"v":40000}`), Headers: []kgo.RecordHeader{{Key: "abc", Value: []byte("!")}}},
		&kgo.Record{Topic: "stream-source", Key: []byte("k2"), Value: []byte(`{"v":40000}`), Headers: []kgo.RecordHeader{{Key: "def", Value: []byte("!")}}},
		&kgo.Record{Topic: "stream-source", Key: []byte("k3"), Value: []byte(`{"v":400}`), Headers: []kgo.RecordHeader{{Key: "abc", Value: []byte("#")}}},
	)
	if got := sinkValuesOf(st.consume("LENGTHS", 3)); got != `{"LENGTH":1} {"LENGTH":null} {"LENGTH":1}` {
		t.Errorf("LENGTHS values %s", got)
	}
	if got := recordsWithHeaders(st.consumeRecords("FILTERED", 2)); got != `k1={"V":40000}[abc:!] k3={"V":400}[abc:#]` {
		t.Errorf("FILTERED records %s", got)
	}
}

// recordsWithHeaders renders records as key=value[header:value ...].
func recordsWithHeaders(recs []*kgo.Record) string {
	var out []string
	for _, r := range recs {
		var hs []string
		for _, h := range r.Headers {
			hs = append(hs, h.Key+":"+string(h.Value))
		}
		out = append(out, string(r.Key)+"="+string(r.Value)+"["+strings.Join(hs, " ")+"]")
	}
	return strings.Join(out, " ")
}

// Grouping on a header column keys the table by its BYTES ("Can use
// header columns in group by clauses"): NEW_KEY BYTES KEY, COUNT BIGINT,
// each update with the headers of the record that made it.
func TestHeaderColumnsGroupBy(t *testing.T) {
	st := newStack(t)
	st.createTopic("test_topic", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE TEST (ID INT PRIMARY KEY, data STRING, head BYTES HEADER('abc')) WITH (kafka_topic='test_topic', format='JSON');
CREATE TABLE OUTPUT AS SELECT head AS NEW_KEY, COUNT(*) AS COUNT FROM TEST GROUP BY head;`, earliest())
	var recs []*kgo.Record
	for i, h := range []string{"!", "#", "!"} {
		recs = append(recs, &kgo.Record{Topic: "test_topic", Key: []byte(itoa(int64(i))), Value: []byte(`{"data":"d"}`), Headers: []kgo.RecordHeader{{Key: "abc", Value: []byte(h)}}})
	}
	produceRecords(t, st, recs...)
	if schema, _ := rawDescribeSchema(t, url, "OUTPUT"); schema != "`NEW_KEY` BYTES KEY, `COUNT` BIGINT" {
		t.Errorf("OUTPUT schema %s", schema)
	}
	if got := recordsWithHeaders(st.consumeRecords("OUTPUT", 3)); got != `"IQ=="={"COUNT":1}[abc:!] "Iw=="={"COUNT":1}[abc:#] "IQ=="={"COUNT":2}[abc:!]` {
		t.Errorf("OUTPUT records %s", got)
	}
}

// DESCRIBE lists a header column as a HEADER field with its headerKey (EntityUtil.toFieldInfo). The refusals: a
// header column of the wrong type, an INSERT VALUES that
// names a header column, an INSERT INTO a stream that has one.
func TestHeaderColumnRefusals(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM SOURCE1 (K STRING KEY, H1 BYTES HEADER('abc'), V BIGINT) WITH (kafka_topic='stream-source', value_format='json', partitions=1);
CREATE STREAM SOURCE2 (K STRING KEY, H1 BYTES, V BIGINT) WITH (kafka_topic='stream-source-2', value_format='json', partitions=1);`, nil)
	fields := mustKSQL(t, url, "DESCRIBE SOURCE1;", nil)[0]["sourceDescription"].(map[string]any)["fields"].([]any)
	var h1 map[string]any
	for _, f := range fields {
		if f := f.(map[string]any); f["name"] == "H1" {
			h1 = f
		}
	}
	if h1["type"] != "HEADER" || h1["headerKey"] != "abc" {
		t.Errorf("DESCRIBE SOURCE1 fields %v: want H1 a HEADER with headerKey abc", fields)
	}
	for stmt, want := range map[string]string{
		"CREATE STREAM S3 (K STRING KEY, H1 BYTES HEADERS, V BIGINT) WITH (kafka_topic='stream-source', value_format='json');":     "Invalid type for HEADERS column: expected ARRAY<STRUCT<`KEY` STRING, `VALUE` BYTES>>, got BYTES",
		"CREATE STREAM S3 (K STRING KEY, H1 INT HEADER('key'), V BIGINT) WITH (kafka_topic='stream-source', value_format='json');": "Invalid type for HEADER('key') column: expected BYTES, got INTEGER",
		"INSERT INTO source1 VALUES ('abc', null, 44);": "Cannot insert into HEADER columns: H1",
		"INSERT INTO source1 (H1) VALUES (null);":       "Cannot insert into HEADER columns: H1",
		"INSERT INTO SOURCE1 SELECT * FROM SOURCE2;":    "Cannot insert into SOURCE1 because it has header columns",
	} {
		code, out := stmtErr(t, url, stmt)
		if msg, _ := out["message"].(string); code != 400 || msg != want {
			t.Errorf("%s\n got %d %q\nwant %q", stmt, code, msg, want)
		}
	}
}
