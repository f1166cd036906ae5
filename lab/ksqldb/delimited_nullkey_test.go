package ksqldb

import (
	"strings"
	"testing"
)

// A DELIMITED key whose one column is null is written as a null key, not
// as an empty text: the key column is serialized alone and
// KsqlDelimitedSerializer writes null as null bytes. query-validation-tests
// delimited.json "INT - key" (keys "33", "\"22\"" and null in; 33, 22 and
// null out).
func TestANullDelimitedKeyIsWrittenAsANullKey(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, "CREATE STREAM INPUT (K INT KEY, V INT) WITH (kafka_topic='input_topic', partitions=1, format='DELIMITED');", nil)
	mustKSQL(t, url, "CREATE STREAM OUTPUT AS SELECT * FROM INPUT;", earliest())
	st.produce("input_topic", kv{key: []byte("33"), value: []byte("0")}, kv{key: []byte(`"22"`), value: []byte("0")}, kv{key: nil, value: []byte("0")})
	var got []string
	for _, r := range st.consumeRecords("OUTPUT", 3) {
		if r.Key == nil {
			got = append(got, "<null>")
		} else {
			got = append(got, string(r.Key))
		}
	}
	if strings.Join(got, " ") != "33 22 <null>" {
		t.Errorf("OUTPUT keys %q, want 33, 22 and a null key", got)
	}
}
