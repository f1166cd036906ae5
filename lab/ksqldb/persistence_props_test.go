package ksqldb

import (
	"slices"
	"testing"
)

// props merges earliest() with the given request properties.
func withEarliest(kv ...string) map[string]any {
	p := earliest()
	for i := 0; i+1 < len(kv); i += 2 {
		p[kv[i]] = kv[i+1]
	}
	return p
}

// A CREATE without formats takes them from ksql.persistence.default.format.key
// and ...value (DefaultFormatInjector; query-validation-tests formats.json
// "optional key and value format"), and a sink whose inherited key format is
// NONE but that has key columns takes the default key format
// (LogicalPlanner.getSinkKeyFormat; none.json "inherited in CSAS - PARTITION
// BY", "inherited in CTAS - GROUP BY").
func TestDefaultFormatPropertiesFillMissingFormats(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := withEarliest("ksql.persistence.default.format.key", "JSON", "ksql.persistence.default.format.value", "JSON")
	mustKSQL(t, url, `CREATE STREAM plain (k STRING KEY, v INT) WITH (KAFKA_TOPIC='plain', PARTITIONS=1);
CREATE STREAM keyless (a INT, b INT) WITH (KAFKA_TOPIC='keyless', PARTITIONS=1, KEY_FORMAT='NONE', VALUE_FORMAT='JSON');
CREATE STREAM by_b AS SELECT * FROM keyless PARTITION BY b;
CREATE TABLE per_a AS SELECT a, COUNT(*) AS n FROM keyless GROUP BY a;`, props)
	for name, want := range map[string][2]string{"PLAIN": {"JSON", "JSON"}, "KEYLESS": {"NONE", "JSON"}, "BY_B": {"JSON", "JSON"}, "PER_A": {"JSON", "JSON"}} {
		sd := mustKSQL(t, url, "DESCRIBE "+name+";", nil)[0]["sourceDescription"].(map[string]any)
		if sd["keyFormat"] != want[0] || sd["valueFormat"] != want[1] {
			t.Errorf("%s formats %v/%v, want %v", name, sd["keyFormat"], sd["valueFormat"], want)
		}
	}
	st.produce("keyless", kv{nil, []byte(`{"A":1,"B":2}`)})
	if r := st.consume("BY_B", 1)[0]; string(r.key) != "2" || string(r.value) != `{"A":1}` {
		t.Errorf("BY_B record %s=%s, want a JSON key 2", r.key, r.value)
	}
	// without the properties a CREATE without VALUE_FORMAT is refused
	code, e := stmtErr(t, url, "CREATE STREAM bare (v INT) WITH (KAFKA_TOPIC='bare', PARTITIONS=1);")
	if code != 400 || e["message"] != "Statement is missing the 'VALUE_FORMAT' property from the WITH clause. Either provide one or set a default via the 'ksql.persistence.default.format.value' config." {
		t.Errorf("no value format: %d %v", code, e["message"])
	}
}

// ksql.persistence.wrap.single.values sets the wrapping of single value
// columns where WRAP_SINGLE_VALUE is not given, in formats that support it
// (SerdeFeaturesFactory.getDefaultValueWrapping; query-validation-tests
// serdes.json "deserialization should pick up value wrapping from config",
// "serialization should pick up value wrapping from config").
func TestWrapSingleValuesPropertyIsTheDefaultWrapping(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := withEarliest("ksql.persistence.wrap.single.values", "false")
	mustKSQL(t, url, `CREATE STREAM input (k STRING KEY, foo STRING) WITH (KAFKA_TOPIC='input', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM both_cols AS SELECT k, foo, foo AS foo2 FROM input;
CREATE STREAM one_col AS SELECT k, foo FROM both_cols;
CREATE STREAM wrapped WITH (WRAP_SINGLE_VALUE=true) AS SELECT k, foo FROM both_cols;`, props)
	st.produce("input", kv{[]byte("a"), []byte(`"bar"`)})
	if got := sinkValues(st, "BOTH_COLS", 1); !slices.Equal(got, []string{`{"FOO":"bar","FOO2":"bar"}`}) {
		t.Errorf("BOTH_COLS %v: the bare input value is read as the single column", got)
	}
	if got := sinkValues(st, "ONE_COL", 1); !slices.Equal(got, []string{`"bar"`}) {
		t.Errorf("ONE_COL %v, want the single column unwrapped", got)
	}
	if got := sinkValues(st, "WRAPPED", 1); !slices.Equal(got, []string{`{"FOO":"bar"}`}) {
		t.Errorf("WRAPPED %v, want WRAP_SINGLE_VALUE=true to win", got)
	}
}

// ksql.output.topic.name.prefix prefixes the topic of a sink that names none
// (Analyzer: topicPrefix + sink name; query-validation-tests
// sink-topic-naming.json "use prefixed default topic name when property
// set", "use supplied topic name, when supplied").
func TestOutputTopicPrefixNamesDefaultSinkTopics(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	props := withEarliest("ksql.output.topic.name.prefix", "some-prefix-")
	mustKSQL(t, url, `CREATE STREAM test (k STRING KEY, source STRING) WITH (KAFKA_TOPIC='test_topic', PARTITIONS=1, VALUE_FORMAT='JSON');
CREATE STREAM output AS SELECT * FROM test;
CREATE STREAM named WITH (KAFKA_TOPIC='Fred') AS SELECT * FROM test;`, props)
	st.produce("test_topic", kv{[]byte("a"), []byte(`{"source":"s"}`)})
	if got := sinkValues(st, "some-prefix-OUTPUT", 1); !slices.Equal(got, []string{`{"SOURCE":"s"}`}) {
		t.Errorf("some-prefix-OUTPUT %v", got)
	}
	if got := sinkValues(st, "Fred", 1); !slices.Equal(got, []string{`{"SOURCE":"s"}`}) {
		t.Errorf("Fred %v", got)
	}
	sd := mustKSQL(t, url, "DESCRIBE output;", nil)[0]["sourceDescription"].(map[string]any)
	if sd["topic"] != "some-prefix-OUTPUT" {
		t.Errorf("OUTPUT topic %v", sd["topic"])
	}
}

// A join of sources without keys keys its rows, its repartition topics and
// its sink in ksql.persistence.default.format.key (JoinNode.
// getDefaultSourceKeyFormat, LogicalPlanner.getSinkKeyFormat;
// query-validation-tests joins.json "stream-stream value-to-value -
// keyless").
func TestKeylessJoinUsesTheDefaultKeyFormat(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM s1 (id INT, foo INT) WITH (KAFKA_TOPIC='s1', PARTITIONS=1, KEY_FORMAT='NONE', VALUE_FORMAT='JSON');
CREATE STREAM s2 (id INT, val STRING) WITH (KAFKA_TOPIC='s2', PARTITIONS=1, KEY_FORMAT='NONE', VALUE_FORMAT='JSON');`, nil)
	ents := mustKSQL(t, url, "CREATE STREAM output AS SELECT s1.id, s2.val FROM s1 LEFT OUTER JOIN s2 WITHIN 10 SECONDS ON s1.id = s2.id;",
		withEarliest("ksql.persistence.default.format.key", "DELIMITED"))
	// the left record is read before the right one, as the test case pipes them
	st.produceInOrder(st.stableGroup(ents),
		joinRec{"s1", 1000, nil, []byte(`{"ID":10,"FOO":22}`)}, joinRec{"s2", 1000, nil, []byte(`{"ID":10,"VAL":"hello"}`)})
	got := st.consume("OUTPUT", 2)
	if string(got[0].key) != "10" || string(got[1].key) != "10" || string(got[1].value) != `{"VAL":"hello"}` {
		t.Errorf("OUTPUT %q=%s %q=%s, want DELIMITED keys 10", got[0].key, got[0].value, got[1].key, got[1].value)
	}
	if _, kf := describeSchema(t, url, "OUTPUT"); kf != "DELIMITED" {
		t.Errorf("OUTPUT key format %s", kf)
	}
}
