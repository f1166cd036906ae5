package ksqldb

import (
	"slices"
	"testing"
)

// Of the columns equal to a join's key, the result is keyed by the first
// in the join's order (the left source's before the right's) that the
// projection has, wherever it stands in the projection; the other source's
// column is a value column. confluentinc/ksql 7.9.0 LogicalPlanner.buildJoinKey;
// query-validation-tests joins.json "stream stream inner join all right
// fields some left" and "stream stream inner join with stars and
// duplicates" (FROM test tt JOIN TEST_STREAM t: TT_ID is the key though
// t.* projects T_ID first).
func TestJoinResultIsKeyedByTheLeftSourcesKeyColumnItProjects(t *testing.T) {
	st := newStack(t)
	_, url := st.serve()
	mustKSQL(t, url, `CREATE STREAM a (id BIGINT KEY, name STRING, n BIGINT) WITH (kafka_topic='a', PARTITIONS=1, value_format='JSON');
CREATE STREAM b (id BIGINT KEY, f1 STRING, f2 BIGINT) WITH (kafka_topic='b', PARTITIONS=1, value_format='JSON');`, nil)
	st.produceJoin(joinRec{"a", 1, longKey(3), []byte(`{"NAME":"x","N":5}`)}, joinRec{"b", 2, longKey(3), []byte(`{"F1":"y","F2":6}`)})
	mustKSQL(t, url, `CREATE STREAM one AS SELECT y.*, x.name, x.id FROM a x JOIN b y WITHIN 10 SECONDS ON y.id = x.id;
CREATE STREAM two AS SELECT y.*, y.f1 AS f1_2, x.*, x.name AS name_2 FROM a x JOIN b y WITHIN 10 SECONDS ON y.id = x.id;`, earliest())
	for _, c := range []struct{ name, schema, value string }{
		{"ONE", "X_ID BIGINT KEY, Y_ID BIGINT, Y_F1 STRING, Y_F2 BIGINT, NAME STRING", `{"Y_ID":3,"Y_F1":"y","Y_F2":6,"NAME":"x"}`},
		{"TWO", "X_ID BIGINT KEY, Y_ID BIGINT, Y_F1 STRING, Y_F2 BIGINT, F1_2 STRING, X_NAME STRING, X_N BIGINT, NAME_2 STRING", `{"Y_ID":3,"Y_F1":"y","Y_F2":6,"F1_2":"y","X_NAME":"x","X_N":5,"NAME_2":"x"}`},
	} {
		if got, _ := describeSchema(t, url, c.name); got != c.schema {
			t.Errorf("%s schema %s, want %s", c.name, got, c.schema)
		}
		if got := values(st.consume(c.name, 1)); !slices.Equal(got, []string{c.value}) {
			t.Errorf("%s values %s, want %s", c.name, got, c.value)
		}
	}
}
