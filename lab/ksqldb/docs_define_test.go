package ksqldb

import "testing"

// The reference page "DEFINE", its example run as written and followed by
// SHOW VARIABLES: each name holds its value, a value with a space is one
// value, and the triple-quoted topic name becomes 'my_topic', as the
// page's comment says.
// https://docs.ksqldb.io/en/0.29.0-ksqldb/developer-guide/ksqldb-reference/define/
func TestDocsDefineBindsTheExampleValues(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	out := mustKSQL(t, url, `DEFINE replicas = '3';
DEFINE format = 'JSON';
DEFINE name = 'Tom Sawyer';
DEFINE topicName = '''my_topic'''; -- becomes 'my_topic'
SHOW VARIABLES;`, nil)
	if len(out) != 1 {
		t.Fatalf("want only SHOW VARIABLES' entity: %v", out)
	}
	sameLines(t, "variables", variablesOf(t, out[0]), []string{"format=JSON", "name=Tom Sawyer", "replicas=3", "topicName='my_topic'"})
}
