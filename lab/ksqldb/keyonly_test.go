package ksqldb

import (
	"slices"
	"testing"
)

// A stream or table may declare key columns only, whatever the value holds
// (query-validation-tests string-lpad-rpad.json "LPad with literal args",
// row-offset-and-partition.json 'CREATE STREAM b (id INT KEY)'): queries
// read its keys, a push query's rows carry the key alone, and INSERT VALUES
// writes the key with an empty JSON object as the value, as a record of no
// value columns is serialized.
func TestKeyOnlySourcesAreQueried(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM ids (id STRING KEY) WITH (KAFKA_TOPIC='ids', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE TABLE latest (id STRING PRIMARY KEY) WITH (KAFKA_TOPIC='latest', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM padded AS SELECT id, LPAD('foo', 7, 'Bar') AS result FROM ids;`, earliest())
	st.produce("ids", kv{[]byte("r1"), []byte(`{}`)}, kv{[]byte("r2"), []byte(`{"ignored":1}`)})
	if got := sinkValues(st, "PADDED", 2); !slices.Equal(got, []string{`{"RESULT":"BarBfoo"}`, `{"RESULT":"BarBfoo"}`}) {
		t.Errorf("PADDED %v", got)
	}
	if s, _ := describeSchema(t, url, "IDS"); s != "ID STRING KEY" {
		t.Errorf("DESCRIBE IDS: %s", s)
	}
	mustKSQL(t, url, "INSERT INTO latest (id) VALUES ('k');", nil)
	if r := st.consume("latest", 1)[0]; string(r.key) != "k" || string(r.value) != "{}" {
		t.Errorf("INSERT VALUES wrote %q=%q", r.key, r.value)
	}
	if _, rows := pushRows(t, url, "SELECT * FROM ids EMIT CHANGES LIMIT 2;", 2); !slices.Equal(rows, []string{`["r1"]`, `["r2"]`}) {
		t.Errorf("push rows %v", rows)
	}
}
