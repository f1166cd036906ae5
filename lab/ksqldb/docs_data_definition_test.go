package ksqldb

import (
	"strings"
	"testing"

	"github.com/twmb/franz-go/pkg/kgo"
)

// The reference page "Data definition", its CREATE statements run as
// written over the REST API, and what the page says of them checked on
// the topics and rows: partitions, keys, pseudocolumns, default values
// and the PRIMARY KEY rules. Messages of refused statements are ksqlDB's
// (DefaultSchemaInjector / TableElements, query-validation-tests
// key-schemas.json, headers.json).
// https://docs.ksqldb.io/en/0.29.0-ksqldb/reference/sql/data-definition/

// s1 and current_location declare their topics with three partitions;
// s2 and s3 name existing topics and take their partition count.
func TestDocsDataDefinitionCreatesTopicsOrInfersTheirPartitions(t *testing.T) {
	st := newStack(t)
	st.createTopic("s2", 2)
	st.createTopic("s3", 4)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (
    k VARCHAR KEY,
    v1 INT,
    v2 VARCHAR
) WITH (
    kafka_topic = 's1',
    partitions = 3,
    value_format = 'json'
);
CREATE STREAM s2 (
    k1 VARCHAR KEY,
    v1 VARCHAR
) WITH (
    kafka_topic = 's2',
    value_format = 'json'
);
CREATE TABLE current_location (
    person VARCHAR PRIMARY KEY,
    location VARCHAR
) WITH (
    kafka_topic = 'current_location',
    partitions = 3,
    value_format = 'json'
);
CREATE STREAM s3 (
    k1 VARCHAR KEY,
    v1 VARCHAR
) WITH (
    kafka_topic = 's3',
    value_format = 'json'
);`, nil)
	for name, want := range map[string]float64{"s1": 3, "s2": 2, "current_location": 3, "s3": 4} {
		sd := mustKSQL(t, url, "DESCRIBE "+name+";", nil)[0]["sourceDescription"].(map[string]any)
		if sd["partitions"] != want {
			t.Errorf("%s: partitions %v, want %v", name, sd["partitions"], want)
		}
	}
}

// s3's k1 is read from the record's key and v1 from its value; a value
// without the v1 attribute gives null, the page's default value.
func TestDocsDataDefinitionKeyColumnsComeFromTheRecordKey(t *testing.T) {
	st := newStack(t)
	st.createTopic("s3", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s3 (
    k1 VARCHAR KEY,
    v1 VARCHAR
) WITH (
    kafka_topic = 's3',
    value_format = 'json'
);`, nil)
	st.produce("s3", kv{[]byte("alice"), []byte(`{"V1":"miami"}`)}, kv{[]byte("bob"), []byte(`{"OTHER":1}`)})
	rows := streamRows(t, url, "SELECT * FROM s3 EMIT CHANGES;", 2)
	if got := strings.Join(rows, " "); got != `["alice","miami"] ["bob",null]` {
		t.Errorf("s3 rows %s", got)
	}
}

// SELECT ROWTIME, * puts the pseudocolumn first; the star alone leaves the
// pseudocolumns out, and ROWPARTITION and ROWOFFSET are selected by name.
func TestDocsDataDefinitionPseudocolumnsAreSelectedOnlyByName(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (k VARCHAR KEY, v1 INT, v2 VARCHAR) WITH (kafka_topic = 's1', partitions = 1, value_format = 'json');`, nil)
	st.produceTimed("s1", timed{[]byte("a"), `{"V1":1,"V2":"x"}`, 1000}, timed{[]byte("b"), `{"V1":2,"V2":"y"}`, 2000})
	for _, c := range []struct{ query, rows string }{
		{"SELECT ROWTIME, * FROM s1 EMIT CHANGES;", `[1000,"a",1,"x"] [2000,"b",2,"y"]`},
		{"SELECT * FROM s1 EMIT CHANGES;", `["a",1,"x"] ["b",2,"y"]`},
		{"SELECT ROWPARTITION, ROWOFFSET, k FROM s1 EMIT CHANGES;", `[0,0,"a"] [0,1,"b"]`},
	} {
		if got := strings.Join(streamRows(t, url, c.query, 2), " "); got != c.rows {
			t.Errorf("%s\n got %s\nwant %s", c.query, got, c.rows)
		}
	}
}

// Only tables have primary keys and every table needs one; a stream's key
// is KEY. The page's users example misses the comma after PRIMARY KEY and
// is a syntax error at name.
func TestDocsDataDefinitionPrimaryKeyRules(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	for _, c := range []struct{ stmt, msg string }{
		{"CREATE TABLE users (\n    id BIGINT PRIMARY KEY\n    name VARCHAR\n  ) WITH (\n    kafka_topic = 'users',\n    partitions = 3,\n    value_format = 'json'\n  );",
			"line 3:5: Syntax Error"},
		{"CREATE TABLE users (id BIGINT, name VARCHAR) WITH (kafka_topic = 'users', partitions = 3, value_format = 'json');",
			"Tables require a PRIMARY KEY. Please define the PRIMARY KEY."},
		{"CREATE TABLE users (id BIGINT KEY, name VARCHAR) WITH (kafka_topic = 'users', partitions = 3, value_format = 'json');",
			"Column `ID` is a 'KEY' column: please use 'PRIMARY KEY' for tables."},
		{"CREATE STREAM users (id BIGINT PRIMARY KEY, name VARCHAR) WITH (kafka_topic = 'users', partitions = 3, value_format = 'json');",
			"Column `ID` is a 'PRIMARY KEY' column: please use 'KEY' for streams."},
	} {
		code, out := stmtErr(t, url, c.stmt)
		if msg, _ := out["message"].(string); code != 400 || !strings.Contains(msg, c.msg) {
			t.Errorf("%s\n got %d %v\nwant %s", c.stmt, code, out["message"], c.msg)
		}
	}
	mustKSQL(t, url, "CREATE TABLE users (\n    id BIGINT PRIMARY KEY,\n    name VARCHAR\n  ) WITH (\n    kafka_topic = 'users',\n    partitions = 3,\n    value_format = 'json'\n  );", nil)
}

// A table keeps the last row of each key: two rows with one primary key
// are both accepted and the second is the table's row.
func TestDocsDataDefinitionRowsWithOnePrimaryKeyUpdateTheRow(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE current_location (person VARCHAR PRIMARY KEY, location VARCHAR)
  WITH (kafka_topic = 'current_location', partitions = 1, value_format = 'json');
INSERT INTO current_location (person, location) VALUES ('alice', 'Miami');
INSERT INTO current_location (person, location) VALUES ('alice', 'New York');`, nil)
	mustKSQL(t, url, "CREATE TABLE QUERYABLE_LOCATION AS SELECT * FROM current_location;", earliest())
	waitFor(t, func() bool {
		_, rows, _ := pullRows(t, url, "SELECT * FROM QUERYABLE_LOCATION;")
		return strings.Join(rows, " ") == "[alice New York]"
	}, "alice's one row to be New York")
}

// The page's s4 streams: a HEADERS column holds every header of the
// record as an array of key/value structs, a HEADER('abc') column the
// last header with that key (NULL without one). s5 reads the header as a
// value column through FROM_BYTES (once it selects the key k1: as written
// it is refused for the missing key, as ksqlDB refuses it), and an INSERT
// that sets a header column is refused, as ksqlDB refuses it (query-validation-tests/headers.json,
// "Can create and query stream with HEADER('key') columns", "should
// reject INSERT VALUES statements if inserting into a HEADERS column").
func TestDocsDataDefinitionHeaderColumnsReadRecordHeaders(t *testing.T) {
	st := newStack(t)
	st.createTopic("s3", 1)
	st.createTopic("s4", 1)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s4 (
    k1 VARCHAR KEY,
    v1 VARCHAR,
    h1 ARRAY<STRUCT<key STRING, value BYTES>> HEADERS
) WITH (
    kafka_topic = 's3',
    value_format = 'json'
);`, nil)
	recs := []*kgo.Record{
		{Topic: "s3", Key: []byte("a"), Value: []byte(`{"V1":"x"}`), Headers: []kgo.RecordHeader{{Key: "abc", Value: []byte("!")}, {Key: "def", Value: nil}}},
		{Topic: "s3", Key: []byte("b"), Value: []byte(`{"V1":"y"}`)},
	}
	produceRecords(t, st, recs...)
	rows := streamRows(t, url, "SELECT * FROM s4 EMIT CHANGES;", 2)
	if got := strings.Join(rows, " "); got != `["a","x",[{"KEY":"abc","VALUE":"IQ=="},{"KEY":"def","VALUE":null}]] ["b","y",[]]` {
		t.Errorf("s4 (HEADERS) rows %s", got)
	}
	mustKSQL(t, url, `DROP STREAM s4;
CREATE STREAM s4 (
    k1 VARCHAR KEY,
    v1 VARCHAR,
    h1 BYTES HEADER('abc')
) WITH (
    kafka_topic = 's4',
    value_format = 'json'
);`, nil)
	code, out := stmtErr(t, url, `-- This will create a stream, s5 that contains one value field, decoded, which does not represent the headers in the sink topic.
CREATE STREAM s5 AS SELECT FROM_BYTES(h1, 'ascii') AS decoded FROM s4;`)
	if msg, _ := out["message"].(string); code != 400 || msg != "Key missing from projection (ie, SELECT). \nThe query used to build `S5` must include the key column K1 in its projection (eg, SELECT K1...)." {
		t.Errorf("s5 without k1: %d %v", code, out["message"])
	}
	mustKSQL(t, url, "CREATE STREAM s5 AS SELECT k1, FROM_BYTES(h1, 'ascii') AS decoded FROM s4;", earliest())
	recs = []*kgo.Record{
		{Topic: "s4", Key: []byte("a"), Value: []byte(`{"V1":"x"}`), Headers: []kgo.RecordHeader{{Key: "abc", Value: []byte("first")}, {Key: "abc", Value: []byte("last")}}},
		{Topic: "s4", Key: []byte("b"), Value: []byte(`{"V1":"y"}`)},
	}
	produceRecords(t, st, recs...)
	if got := strings.Join(streamRows(t, url, "SELECT * FROM s4 EMIT CHANGES;", 2), " "); got != `["a","x","bGFzdA=="] ["b","y",null]` {
		t.Errorf("s4 (HEADER('abc')) rows %s", got)
	}
	if got := sinkValuesOf(st.consume("S5", 2)); got != `{"DECODED":"last"} {"DECODED":null}` {
		t.Errorf("s5 values %s", got)
	}
	code, out = stmtErr(t, url, "-- This will throw an error\nINSERT INTO s4 VALUES ('abc', 'def', ARRAY[]);")
	if msg, _ := out["message"].(string); code != 400 || msg != "Cannot insert into HEADER columns: H1" {
		t.Errorf("INSERT into a header column: %d %v", code, out["message"])
	}
}

func sinkValuesOf(recs []kv) string {
	var out []string
	for _, r := range recs {
		out = append(out, string(r.value))
	}
	return strings.Join(out, " ")
}
