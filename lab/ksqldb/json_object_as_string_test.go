package ksqldb

import "testing"

// A JSON object read into a STRING column is its JSON text as Jackson
// writes back the map it read, fields in their order; an array is its
// elements read as STRINGs, joined by ", " in brackets
// (KsqlJsonDeserializer.processString; query-validation-tests
// simple-struct.json "simple struct read struct as json string").
func TestJSONObjectReadAsStringKeepsItsText(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (K STRING KEY, P VARCHAR, L STRING) WITH (kafka_topic='src', partitions=1, value_format='JSON');", nil)
	mustKSQL(t, url, "CREATE STREAM OUT AS SELECT K, P, L, EXTRACTJSONFIELD(P, '$.zeta') AS Z FROM SRC;", earliest())
	st.produce("src", kv{key: []byte(`"a"`), value: []byte(`{"P": {"zeta": 1, "alpha": {"y": 2.50, "x": "é\n"}, "mid": [1e3, null, true]}, "L": [3, "x", {"b": 1, "a": -0}, [1, 2], null]}`)})
	sameLines(t, "OUT", sinkValues(st, "OUT", 1), []string{
		`{"P":"{\"zeta\":1,\"alpha\":{\"y\":2.50,\"x\":\"é\\n\"},\"mid\":[1E+3,null,true]}","L":"[3, x, {\"b\":1,\"a\":0}, [1, 2], null]","Z":"1"}`,
	})
}

// A single STRING value column (WRAP_SINGLE_VALUE=false) reads an object as
// its text too.
func TestUnwrappedJSONObjectReadAsString(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM SRC (K STRING KEY, P VARCHAR) WITH (kafka_topic='src', partitions=1, value_format='JSON', wrap_single_value=false);", nil)
	mustKSQL(t, url, "CREATE STREAM OUT AS SELECT K, P FROM SRC;", earliest())
	st.produce("src", kv{key: []byte(`"a"`), value: []byte(`{"b": 1, "a": 2}`)})
	sameLines(t, "OUT", sinkValues(st, "OUT", 1), []string{`{"P":"{\"b\":1,\"a\":2}"}`})
}
