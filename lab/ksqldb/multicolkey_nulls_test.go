package ksqldb

import (
	"testing"
)

// keyValueLines renders records as "key=value" lines, a null key or value
// as <nil>.
func keyValueLines(st *stack, topic string, n int) []string {
	var out []string
	for _, r := range st.consumeRecords(topic, n) {
		k, v := "<nil>", "<nil>"
		if r.Key != nil {
			k = string(r.Key)
		}
		if r.Value != nil {
			v = string(r.Value)
		}
		out = append(out, k+"="+v)
	}
	return out
}

// A stream's record with a null multi-column key keeps its null key through
// a projection: the key object is passed on, not rebuilt from its null
// columns, while a key with some null columns is written as it was read
// (query-validation-tests multi-col-keys.json "select * from stream";
// GenericKeySerDe, GenericDeserializer: null bytes are a null key).
func TestMultiColumnNullKeyStaysNull(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM pairs (a INT KEY, b INT KEY, v INT) WITH (KAFKA_TOPIC='pairs', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM copied AS SELECT * FROM pairs;`, earliest())
	st.produce("pairs", kv{[]byte(`{"A":3,"B":4}`), []byte(`{"V":7}`)}, kv{[]byte(`{"A":null,"B":4}`), []byte(`{"V":8}`)}, kv{nil, []byte(`{"V":9}`)})
	got := keyValueLines(st, "COPIED", 3)
	want := []string{`{"A":3,"B":4}={"V":7}`, `{"A":null,"B":4}={"V":8}`, `<nil>={"V":9}`}
	sameLines(t, "COPIED", got, want)
}

// A table drops only records whose multi-column key is null; a key with a
// null column is a key like any other, its rows and tombstones go through
// (query-validation-tests multi-col-keys.json "select * from table"; a
// KTable source skips a null key, GenericKeySerDe reads null bytes as one).
func TestMultiColumnKeyWithNullColumnIsATableKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE TABLE pairs (a INT PRIMARY KEY, b INT PRIMARY KEY, v INT) WITH (KAFKA_TOPIC='pairs', PARTITIONS=1, FORMAT='JSON');
CREATE TABLE copied AS SELECT * FROM pairs;`, earliest())
	st.produce("pairs", kv{[]byte(`{"A":3,"B":4}`), []byte(`{"V":7}`)}, kv{[]byte(`{"A":null,"B":4}`), []byte(`{"V":8}`)},
		kv{[]byte(`{"A":null,"B":4}`), nil}, kv{nil, []byte(`{"V":9}`)}, kv{[]byte(`{"A":5,"B":6}`), []byte(`{"V":10}`)})
	got := keyValueLines(st, "COPIED", 4)
	want := []string{`{"A":3,"B":4}={"V":7}`, `{"A":null,"B":4}={"V":8}`, `{"A":null,"B":4}=<nil>`, `{"A":5,"B":6}={"V":10}`}
	sameLines(t, "COPIED", got, want)
}

// A record with a null value is keyed by the PARTITION BY expressions that
// read the key alone; one that reads anything else, ROWTIME included, is
// null for it (query-validation-tests partition-by.json "multiple columns
// including ROWTIME"; PartitionByParamsFactory evaluates such expressions
// on the value).
func TestPartitionByOverANullValueKeepsOnlyKeyExpressions(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM events (k STRING KEY, n BIGINT) WITH (KAFKA_TOPIC='events', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM byboth AS SELECT * FROM events PARTITION BY n, ROWTIME;
CREATE STREAM bykey AS SELECT * FROM events PARTITION BY k, 'x';`, earliest())
	st.produceAt("events", []byte(`"a"`), []byte(`{"N":5}`), 20)
	st.produceAt("events", []byte(`"b"`), nil, 21)
	sameLines(t, "BYBOTH", keyValueLines(st, "BYBOTH", 2), []string{`{"N":5,"ROWTIME":20}={"K":"a"}`, `{"N":null,"ROWTIME":null}=<nil>`})
	sameLines(t, "BYKEY", keyValueLines(st, "BYKEY", 2), []string{`{"K":"a","KSQL_COL_0":"x"}={"N":5}`, `{"K":"b","KSQL_COL_0":"x"}=<nil>`})
}
