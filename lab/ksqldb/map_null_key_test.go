package ksqldb

import "testing"

// A MAP constructor's null key is kept, as the Java HashMap it builds keeps
// one, and written as the JSON name "null": query-validation-tests
// create_map.json "create map from named tuples and some null key" and
// "create map from named tuples and cast null key". The null key hashes
// to 0, the bucket "x" is in too, so it follows "x", put first.
func TestMapConstructorKeepsANullKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (ID STRING KEY, A VARCHAR, B VARCHAR, N INT) WITH (kafka_topic='src', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM OUT AS SELECT ID, MAP(A := N, B := N + 1) AS M, MAP(CAST(NULL AS STRING) := N) AS C FROM SRC;", earliest())
	st.produce("src", kv{key: []byte(`"r"`), value: []byte(`{"A":"x","B":null,"N":1}`)})
	sameLines(t, "OUT", sinkValues(st, "OUT", 1), []string{`{"M":{"x":1,"null":2},"C":{"null":1}}`})
}
