package ksqldb

import (
	"slices"
	"testing"
)

// NULLIF compares as Object.equals does, so two ARRAYs are equal only when
// their elements are (query-validation-tests null.json "null if").
func TestNullIfComparesArraysByTheirElements(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (k INT KEY, a ARRAY<INT>) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM output AS SELECT k, NULLIF(a, ARRAY[1, 2, 3]) AS c FROM input;`, earliest())
	st.produce("input", kv{intKey(1), []byte(`{"a":[1,2,3]}`)}, kv{intKey(2), []byte(`{"a":[4,5,6]}`)}, kv{intKey(3), []byte(`{"a":[1,2]}`)})
	if got := sinkValues(st, "OUTPUT", 3); !slices.Equal(got, []string{`{"C":null}`, `{"C":[4,5,6]}`, `{"C":[1,2]}`}) {
		t.Errorf("OUTPUT %v", got)
	}
}

// PARTITION BY's first expression may be a parenthesised expression, the
// first alternative of SqlBase.g4's partitionBy (query-validation-tests
// null.json "stream PARTITION BY IS NULL with null value").
func TestPartitionByAParenthesisedExpression(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM input (id INT KEY, name STRING, val STRING) WITH (KAFKA_TOPIC='input', PARTITIONS=1, FORMAT='JSON');
CREATE STREAM output AS SELECT * FROM input PARTITION BY (name IS NULL);`, earliest())
	st.produce("input", kv{[]byte("2"), []byte(`{"NAME":null,"VAL":"a"}`)}, kv{[]byte("3"), []byte(`{"NAME":"n","VAL":"b"}`)})
	var keys []string
	for _, r := range st.consume("OUTPUT", 2) {
		keys = append(keys, string(r.key))
	}
	if !slices.Equal(keys, []string{"true", "false"}) {
		t.Errorf("OUTPUT keys %v", keys)
	}
}
